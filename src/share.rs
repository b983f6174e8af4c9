//! Share links: the whole piece of work (definition, input, participants, example) in the page
//! address's fragment, compressed. No server is involved and nothing is sent anywhere: browsers
//! never send the fragment, and the link is the work.
//!
//! A link is `PAGE#share=DATA`, where DATA is the saved-workspace JSON of [`storage::encode`],
//! compressed with the browser's own deflate (`CompressionStream("deflate-raw")`, so the app
//! carries no compressor) and written in URL-safe base64 without padding.

use yew::Callback;

use crate::address::{EmbedOptions, Files};
use crate::storage::{self, Workspace};

/// What starts a share link's fragment.
pub const MARK: &str = "#share=";

/// The data of the share link the page was opened with, if it was.
pub fn data_in_address() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix(MARK).map(str::to_owned)
}

/// The page's address without its query and fragment: what a link is built on, and where "my
/// work" lives.
pub fn page_address() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    Some(href.split(['?', '#']).next().unwrap_or_default().to_owned())
}

/// A share link for `workspace`, on the page's own address; reported once compressed.
pub fn make_link(workspace: &Workspace, done: Callback<Result<String, String>>) {
    let Some(page) = page_address() else { return done.emit(Err("no page address".into())) };
    crate::browser::deflate(
        storage::encode(workspace).as_bytes(),
        done.reform(move |compressed: Result<Vec<u8>, String>| {
            compressed.map(|bytes| format!("{page}{MARK}{}", base64url(&bytes)))
        }),
    );
}

/// The work in a share link's data, or why it cannot be read (a link cut short by a mail client,
/// a character changed).
pub fn open_link(data: &str, done: Callback<Result<Workspace, String>>) {
    let damaged = |why: &str| format!("the link is damaged or incomplete ({why})");
    let bytes = match from_base64url(data) {
        Ok(bytes) => bytes,
        Err(why) => return done.emit(Err(damaged(&why))),
    };
    crate::browser::inflate(
        &bytes,
        done.reform(move |text: Result<Vec<u8>, String>| {
            let text = text.map_err(|_| damaged("its data does not decompress"))?;
            let text = String::from_utf8(text).map_err(|_| damaged("its text is not UTF-8"))?;
            storage::decode(&text).map_err(|why| damaged(&why))
        }),
    );
}

/// The one line a docs page pastes: an iframe on the embed address of `link` (a share link), and a
/// listener that sizes the frame to the height the embed reports (`embed::HEIGHT_MESSAGE`). Each
/// embed on a page brings its listener; each sizes only the frame the message came from.
pub fn embed_code(link: &str, options: &EmbedOptions, title: &str) -> String {
    let (page, fragment) = link.split_once('#').unwrap_or((link, ""));
    let src = format!("{page}?{}#{fragment}", options.query());
    let listener = "addEventListener(\"message\",function(e){var d=e.data;if(d&&d.baton===\"height\")\
        document.querySelectorAll(\"iframe\").forEach(function(f){if(f.contentWindow===e.source)\
        f.style.height=d.height+\"px\"})})";
    format!(
        "<iframe src=\"{}\" title=\"{}\" style=\"width:100%;height:640px;border:0\" loading=\"lazy\"></iframe>\
         <script>{listener}</script>",
        escape_attribute(&src),
        escape_attribute(&format!("Baton: {title}")),
    )
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;")
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// URL-safe base64 (RFC 4648 §5) without padding: nothing in it needs escaping in a fragment.
pub fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Reads [`base64url`]'s output; any other character, or a length no encoding has, is an error.
pub fn from_base64url(text: &str) -> Result<Vec<u8>, String> {
    if text.len() % 4 == 1 {
        return Err("its length is impossible".into());
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            let digit = ALPHABET.iter().position(|a| a == c).ok_or_else(|| {
                format!("it holds '{}', which no link has", char::from(*c).escape_default())
            })?;
            n |= (digit as u32) << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Ok(out)
}

/// What the page was opened with, when its address holds a share link or files to load: what
/// identifies it (the link's data, or the files' query), and the work or why there is none.
#[derive(Debug, PartialEq)]
pub struct Opened {
    pub data: std::rc::Rc<str>,
    pub work: Result<Workspace, String>,
}

/// The largest files `?definition=`, `?input=` and `?scenario=` load: AWS's limits for a
/// definition (1 MiB) and an execution input (256 KiB), and a definition's for a scenario.
const FILE_LIMITS: [(&str, usize); 3] =
    [("definition", 1_048_576), ("input", 262_144), ("scenario", 1_048_576)];

/// The work made of the files an address names (`?definition=URL&input=URL&scenario=URL`),
/// fetched as text: data, never code. A file not named is the default example's (the input) or
/// none (the scenario); the first file that cannot be fetched or is too big is the error.
pub fn open_files(files: &Files, done: Callback<Result<Workspace, String>>) {
    let urls = [&files.definition, &files.input, &files.scenario];
    let wanted: Vec<_> = FILE_LIMITS
        .iter()
        .zip(urls)
        .filter_map(|(&(what, limit), url)| Some((what, url.clone()?, limit)))
        .collect();
    fetch_each(wanted, Vec::new(), done.reform(workspace_of_files));
}

/// Fetches `wanted` one after another into `got`, and reports them all or the first failure.
fn fetch_each(
    mut wanted: Vec<(&'static str, String, usize)>,
    got: Vec<(&'static str, String)>,
    done: Callback<Result<Vec<(&'static str, String)>, String>>,
) {
    if wanted.is_empty() {
        return done.emit(Ok(got));
    }
    let (what, url, limit) = wanted.remove(0);
    crate::browser::fetch_text(
        &url.clone(),
        Callback::from(move |fetched: Result<String, String>| match fetched {
            Err(why) => done.emit(Err(format!("the {what} could not be loaded from “{url}” ({why})"))),
            Ok(text) if text.len() > limit => done.emit(Err(format!(
                "the {what} at “{url}” is {} bytes; Baton reads at most {limit} bytes for a {what}",
                text.len()
            ))),
            // A callback may be called again in principle, so what goes on is a copy.
            Ok(text) => {
                let mut got = got.clone();
                got.push((what, text));
                fetch_each(wanted.clone(), got, done.clone());
            }
        }),
    );
}

fn workspace_of_files(fetched: Result<Vec<(&'static str, String)>, String>) -> Result<Workspace, String> {
    let fetched = fetched?;
    let file = |what: &str| fetched.iter().find(|(w, _)| *w == what).map(|(_, text)| text.clone());
    let example = crate::examples::default_example();
    Ok(match file("definition") {
        Some(definition) => Workspace {
            definition,
            input: file("input").unwrap_or_else(|| "{}".into()),
            scenario: file("scenario").unwrap_or_else(|| crate::state::EMPTY_SCENARIO.into()),
            example: None,
            view: None,
        },
        // Only an input or a scenario: for the example the app opens with.
        None => Workspace {
            definition: example.definition.into(),
            input: file("input").unwrap_or_else(|| example.input.into()),
            scenario: file("scenario").unwrap_or_else(|| crate::state::EMPTY_SCENARIO.into()),
            example: Some(example.slug.into()),
            view: None,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        let bytes: Vec<u8> = (0..=255).collect();
        for len in 0..40 {
            let text = base64url(&bytes[..len]);
            assert!(text.bytes().all(|c| ALPHABET.contains(&c)), "{text}");
            assert_eq!(from_base64url(&text).unwrap(), &bytes[..len]);
        }
        assert_eq!(from_base64url(&base64url(&bytes)).unwrap(), bytes);
    }

    #[test]
    fn base64url_matches_rfc_4648() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn the_embed_code_frames_the_embed_address_of_the_link() {
        let options = EmbedOptions { play: true, ..EmbedOptions::default() };
        let code = embed_code("https://x.dev/baton/#share=QUJD", &options, "Human \"approval\" & co");
        assert!(
            code.starts_with(
                "<iframe src=\"https://x.dev/baton/?embed&amp;play=1#share=QUJD\" \
             title=\"Baton: Human &quot;approval&quot; &amp; co\" "
            ),
            "{code}"
        );
        assert!(code.ends_with("})})</script>"), "{code}");
        assert!(!code.contains('\n'), "one line: {code}");
    }

    #[test]
    fn a_damaged_link_says_so() {
        assert_eq!(from_base64url("Zm9vY").unwrap_err(), "its length is impossible");
        assert!(from_base64url("Zm9v%20").unwrap_err().contains("'%'"));
        assert!(from_base64url("Zm+v").unwrap_err().contains("'+'"));
    }
}
