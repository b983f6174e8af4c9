//! Share links: the whole piece of work (definition, input, participants, example) in the page
//! address's fragment, compressed. No server is involved and nothing is sent anywhere: browsers
//! never send the fragment, and the link is the work.
//!
//! A link is `PAGE#share=DATA`, where DATA is the saved-workspace JSON of [`storage::encode`],
//! compressed with the browser's own deflate (`CompressionStream("deflate-raw")`, so the app
//! carries no compressor) and written in URL-safe base64 without padding.

use yew::Callback;

use crate::storage::{self, Workspace};

/// What starts a share link's fragment.
pub const MARK: &str = "#share=";

/// The data of the share link the page was opened with, if it was.
pub fn data_in_address() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix(MARK).map(str::to_owned)
}

/// The page's address without its fragment: what a link is built on, and where "my work" lives.
pub fn page_address() -> Option<String> {
    let href = web_sys::window()?.location().href().ok()?;
    Some(href.split('#').next().unwrap_or_default().to_owned())
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

/// What the page was opened with, when its address holds a share link: the link's data, and the
/// work in it or why there is none.
#[derive(Debug, PartialEq)]
pub struct Opened {
    pub data: std::rc::Rc<str>,
    pub work: Result<Workspace, String>,
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
    fn a_damaged_link_says_so() {
        assert_eq!(from_base64url("Zm9vY").unwrap_err(), "its length is impossible");
        assert!(from_base64url("Zm9v%20").unwrap_err().contains("'%'"));
        assert!(from_base64url("Zm+v").unwrap_err().contains("'+'"));
    }
}
