//! What the page's address asks for: the embed layout and its options, and files to load by URL.
//!
//! `?embed=PANES&editor=readonly&play=1` opens the compact layout made for an iframe (see
//! `embed.rs`); `?definition=URL&input=URL&scenario=URL` loads those files (a docs site that keeps
//! its ASL in a repository); `#share=DATA` is a share link (`share.rs`). They combine: the embed
//! code of the Share dialog is an embed address with the share link's fragment.
//!
//! Everything here is pure text handling, tested natively; `main.rs` reads the address once.

use std::fmt::Write as _;

/// A pane the embed layout can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    Graph,
    Sequence,
    Inbox,
    Clock,
    History,
}

impl Pane {
    /// In the order the embed draws them.
    pub const ALL: [Pane; 5] = [Pane::Graph, Pane::Sequence, Pane::Inbox, Pane::Clock, Pane::History];
    /// What the embed shows when the address names no pane.
    pub const DEFAULT: [Pane; 4] = [Pane::Graph, Pane::Sequence, Pane::Inbox, Pane::Clock];

    /// The pane's name in an address.
    pub fn key(self) -> &'static str {
        match self {
            Pane::Graph => "graph",
            Pane::Sequence => "sequence",
            Pane::Inbox => "inbox",
            Pane::Clock => "clock",
            Pane::History => "history",
        }
    }

    /// The pane's name for people (the Share dialog's checkboxes).
    pub fn title(self) -> &'static str {
        match self {
            Pane::Graph => "Workflow graph",
            Pane::Sequence => "Sequence diagram",
            Pane::Inbox => "Token inbox",
            Pane::Clock => "Clock",
            Pane::History => "Event history",
        }
    }
}

/// How an embed shows the definition.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EditorMode {
    /// Not at all: the graph is the definition's picture (the default).
    #[default]
    Hidden,
    /// Readable and selectable, not editable.
    ReadOnly,
}

/// The options of an embed, as its address carries them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmbedOptions {
    /// The panes shown, in [`Pane::ALL`] order, never empty.
    pub panes: Vec<Pane>,
    pub editor: EditorMode,
    /// Start the execution when the frame opens and move the clock on, step by step, to its end.
    pub play: bool,
}

impl Default for EmbedOptions {
    fn default() -> EmbedOptions {
        EmbedOptions { panes: Pane::DEFAULT.to_vec(), editor: EditorMode::Hidden, play: false }
    }
}

impl EmbedOptions {
    pub fn shows(&self, pane: Pane) -> bool {
        self.panes.contains(&pane)
    }

    /// The query that asks for these options (without `?`), shortest form: defaults are left out.
    pub fn query(&self) -> String {
        let mut query = String::from("embed");
        if self.panes != Pane::DEFAULT {
            let panes: Vec<&str> = self.panes.iter().map(|p| p.key()).collect();
            let _ = write!(query, "={}", panes.join(","));
        }
        if self.editor == EditorMode::ReadOnly {
            query.push_str("&editor=readonly");
        }
        if self.play {
            query.push_str("&play=1");
        }
        query
    }
}

/// Files to load by URL, relative to the page when they are relative.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Files {
    pub definition: Option<String>,
    pub input: Option<String>,
    pub scenario: Option<String>,
}

impl Files {
    pub fn any(&self) -> bool {
        self.definition.is_some() || self.input.is_some() || self.scenario.is_some()
    }

    /// The query that loads these files (without `?`): what "Open in Baton" keeps of an embed.
    pub fn query(&self) -> String {
        let fields = [("definition", &self.definition), ("input", &self.input), ("scenario", &self.scenario)];
        let pairs: Vec<String> = fields
            .iter()
            .filter_map(|(name, url)| url.as_ref().map(|url| format!("{name}={}", encode_component(url))))
            .collect();
        pairs.join("&")
    }
}

/// What the address asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Launch {
    pub embed: Option<EmbedOptions>,
    pub files: Files,
    /// What was wrong with the address, said once the app shows (an unknown pane, say); the rest
    /// of the address still counts.
    pub problems: Vec<String>,
}

/// Reads a page address's query (`search`, with or without its `?`).
pub fn launch(search: &str) -> Launch {
    let mut launch = Launch::default();
    // `editor` and `play` are read wherever they stand, but only mean something in an embed.
    let (mut embed, mut options) = (false, EmbedOptions::default());
    for (name, value) in pairs(search.strip_prefix('?').unwrap_or(search)) {
        match name.as_str() {
            "embed" => {
                embed = true;
                if !value.is_empty() {
                    let mut panes = Vec::new();
                    for key in value.split(',').map(str::trim).filter(|k| !k.is_empty()) {
                        match Pane::ALL.iter().find(|p| p.key() == key) {
                            Some(pane) => panes.push(*pane),
                            None => launch.problems.push(format!(
                                "the embed address names an unknown pane “{key}” (known: {})",
                                Pane::ALL.map(Pane::key).join(", ")
                            )),
                        }
                    }
                    if !panes.is_empty() {
                        options.panes = Pane::ALL.into_iter().filter(|p| panes.contains(p)).collect();
                    }
                }
            }
            "editor" => match value.as_str() {
                "readonly" => options.editor = EditorMode::ReadOnly,
                "hidden" | "" => {}
                other => launch.problems.push(format!(
                    "“editor={other}” is not an editor mode (use editor=readonly, or leave it out)"
                )),
            },
            "play" => options.play = value != "0",
            "definition" => launch.files.definition = Some(value).filter(|v| !v.is_empty()),
            "input" => launch.files.input = Some(value).filter(|v| !v.is_empty()),
            "scenario" => launch.files.scenario = Some(value).filter(|v| !v.is_empty()),
            // Other parameters (a docs site's own tracking, say) are not Baton's business.
            _ => {}
        }
    }
    launch.embed = embed.then_some(options);
    launch
}

/// The `name=value` pairs of a query, decoded.
fn pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|pair| !pair.is_empty()).map(|pair| {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode_component(name), decode_component(value))
    })
}

/// Decodes `%XX` escapes and `+` (a space, in a query). A malformed escape is kept as it stands,
/// and bytes that are not UTF-8 become U+FFFD: an address is never an error.
pub fn decode_component(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

/// Escapes what a query value cannot hold as it is (`encodeURIComponent`'s rule, but `/` and `:`
/// stay readable: `definition=https://example.com/flows/a.json`).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' | b':' => {
                out.push(b as char)
            }
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_address_asks_for_nothing() {
        assert_eq!(launch(""), Launch::default());
        assert_eq!(launch("?"), Launch::default());
        assert_eq!(launch("?utm_source=docs"), Launch::default());
    }

    #[test]
    fn embed_options_are_read_and_written_back() {
        let plain = launch("?embed");
        assert_eq!(plain.embed, Some(EmbedOptions::default()));
        let full = launch("?embed=history,graph&editor=readonly&play=1");
        let options = full.embed.unwrap();
        assert_eq!(options.panes, [Pane::Graph, Pane::History]);
        assert_eq!(options.editor, EditorMode::ReadOnly);
        assert!(options.play);
        assert_eq!(options.query(), "embed=graph,history&editor=readonly&play=1");
        assert_eq!(launch(&format!("?{}", options.query())).embed, Some(options));
        assert_eq!(EmbedOptions::default().query(), "embed");
    }

    #[test]
    fn embed_options_alone_do_not_make_an_embed() {
        assert_eq!(launch("?play=1&editor=readonly").embed, None);
    }

    #[test]
    fn a_wrong_option_is_said_and_the_rest_still_counts() {
        let launched = launch("?embed=graph,maps&editor=rw&play=1");
        let options = launched.embed.unwrap();
        assert_eq!((options.panes.as_slice(), options.play), ([Pane::Graph].as_slice(), true));
        assert_eq!(launched.problems.len(), 2);
        assert!(launched.problems[0].contains("“maps”"), "{:?}", launched.problems);
        assert!(launched.problems[1].contains("editor=rw"), "{:?}", launched.problems);
        // No pane the app knows: the default ones.
        assert_eq!(launch("?embed=maps").embed.unwrap().panes, Pane::DEFAULT);
    }

    #[test]
    fn files_are_read_decoded_and_written_back() {
        let launched = launch(
            "?definition=https%3A%2F%2Fdocs.example%2Fflows%2Fa%20b.json&scenario=flows/approve.scenario.json&input=",
        );
        let files = &launched.files;
        assert_eq!(files.definition.as_deref(), Some("https://docs.example/flows/a b.json"));
        assert_eq!(files.scenario.as_deref(), Some("flows/approve.scenario.json"));
        assert_eq!(files.input, None);
        assert_eq!(
            files.query(),
            "definition=https://docs.example/flows/a%20b.json&scenario=flows/approve.scenario.json"
        );
        assert_eq!(launch(&files.query()).files, *files);
    }

    #[test]
    fn decoding_never_fails() {
        assert_eq!(decode_component("a+b%2Bc"), "a b+c");
        assert_eq!(decode_component("100%"), "100%");
        assert_eq!(decode_component("%zz%4"), "%zz%4");
        assert_eq!(decode_component("%C3%A9"), "é");
        assert_eq!(decode_component("%FF"), "\u{FFFD}");
        assert_eq!(encode_component("é &="), "%C3%A9%20%26%3D");
    }
}
