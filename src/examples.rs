//! The examples offered in the Examples menu. They live in the engine crate (`sim::examples`, from
//! the repository's `examples/` folder) so that the app and the CLI offer the same ones; this module
//! is the app's one door to them.
//!
//! Only the default example is built into the web app. The others are fetched the first time they
//! are opened, from `examples/<slug>.json` next to the app (written by the build:
//! xtask/trunk/bundle-examples.mjs), and kept for the session: every first visit downloads about
//! 3 kB of gzip less, and a learner who opens another example waits for one small file. Natively
//! (the tests) every example is built in.

use yew::Callback;

pub use sim::examples::Example;

/// An example as the menu lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub slug: &'static str,
    pub title: &'static str,
}

const COUNT: usize = sim::examples::ALL.len();

/// Every example, in menu order. Evaluated at compile time, so that only the names of the other
/// examples reach the wasm, not their texts.
pub const MENU: [Entry; COUNT] = {
    let mut menu = [Entry { slug: "", title: "" }; COUNT];
    let mut i = 0;
    while i < COUNT {
        menu[i] = Entry { slug: sim::examples::ALL[i].slug, title: sim::examples::ALL[i].title };
        i += 1;
    }
    menu
};

/// The example loaded on a first visit, built in.
static DEFAULT: Example = sim::examples::ALL[0];

pub fn default_example() -> &'static Example {
    &DEFAULT
}

#[cfg(target_arch = "wasm32")]
thread_local! {
    /// The examples at hand: the default, and those fetched so far (leaked: a handful, each once).
    static AT_HAND: std::cell::RefCell<Vec<&'static Example>> = std::cell::RefCell::new(vec![&DEFAULT]);
}

/// The examples at hand, in no particular order: in the browser the default and those fetched so
/// far; natively all of them.
pub fn at_hand() -> Vec<&'static Example> {
    #[cfg(target_arch = "wasm32")]
    return AT_HAND.with(|all| all.borrow().clone());
    #[cfg(not(target_arch = "wasm32"))]
    return sim::examples::ALL.iter().collect();
}

/// The example named `slug`, if it is at hand (see [`load`] for one that is not yet).
pub fn by_id(slug: &str) -> Option<&'static Example> {
    at_hand().into_iter().find(|e| e.slug == slug)
}

/// Reports the example named `slug`, fetching it first if it is not at hand; or says why it cannot.
pub fn load(slug: &str, done: Callback<Result<&'static Example, String>>) {
    if let Some(example) = by_id(slug) {
        return done.emit(Ok(example));
    }
    let Some(entry) = MENU.iter().find(|e| e.slug == slug).copied() else {
        return done.emit(Err(format!("there is no example “{slug}”")));
    };
    #[cfg(target_arch = "wasm32")]
    crate::browser::fetch_text(
        &format!("examples/{}.json", entry.slug),
        Callback::from(move |text: Result<String, String>| {
            let example = text.and_then(|text| from_bundle(entry, &text)).map(|example| {
                let example: &'static Example = Box::leak(Box::new(example));
                AT_HAND.with(|all| all.borrow_mut().push(example));
                example
            });
            done.emit(example.map_err(|e| format!("the example “{}” could not be loaded: {e}", entry.title)));
        }),
    );
    #[cfg(not(target_arch = "wasm32"))]
    done.emit(Err(format!("the example “{}” is not built in", entry.title)));
}

/// Reads an example's bundle, `{"definition", "input", "explanation", "scenarios": [[name, text]]}`,
/// into an example that lives for the rest of the session.
#[cfg(any(target_arch = "wasm32", test))]
fn from_bundle(entry: Entry, text: &str) -> Result<Example, String> {
    let bundle: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("unreadable ({e})"))?;
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    let field = |name: &str| bundle.get(name).and_then(|v| v.as_str()).map(leak).ok_or(format!("no {name}"));
    let scenarios = bundle.get("scenarios").and_then(|s| s.as_array()).ok_or("no scenarios")?;
    let scenarios: Vec<(&'static str, &'static str)> = scenarios
        .iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([name, text]) => Some((leak(name.as_str()?), leak(text.as_str()?))),
            _ => None,
        })
        .collect::<Option<_>>()
        .ok_or("a scenario is not a [name, text] pair")?;
    Ok(Example {
        slug: entry.slug,
        title: entry.title,
        definition: field("definition")?,
        input: field("input")?,
        explanation: field("explanation")?,
        scenarios: Box::leak(scenarios.into_boxed_slice()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_example_is_the_human_approval() {
        let e = default_example();
        assert_eq!(e.slug, "human-approval");
        assert_eq!(MENU[0], Entry { slug: e.slug, title: e.title });
        assert!(e.definition.contains("waitForTaskToken"));
    }

    #[test]
    fn every_example_loads_without_errors() {
        // As the app does when a JSONata example is opened.
        crate::jsonata::lend_native();
        assert_eq!(MENU.len(), at_hand().len());
        for entry in MENU {
            let e = by_id(entry.slug).expect("natively every example is at hand");
            assert_eq!(e.title, entry.title);
            assert!(sim::load(e.definition).is_ok(), "{} does not load", e.slug);
            serde_json::from_str::<serde_json::Value>(e.input).unwrap();
        }
    }

    /// The bundles the build writes (xtask/trunk/bundle-examples.mjs) follow the folder rule this
    /// test spells out; read back, each is exactly the example the engine crate builds in.
    #[test]
    fn a_bundle_reads_back_as_the_built_in_example() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        for entry in MENU {
            let dir = folder.join(entry.slug);
            let read = |name: &str| std::fs::read_to_string(dir.join(name)).expect("example file");
            let mut names: Vec<String> = std::fs::read_dir(&dir)
                .expect("example folder")
                .filter_map(|f| f.ok()?.file_name().into_string().ok())
                .filter(|f| f.ends_with(".scenario.json"))
                .collect();
            names.sort();
            let scenarios: Vec<(String, String)> =
                names.iter().map(|f| (f.trim_end_matches(".scenario.json").to_string(), read(f))).collect();
            let bundle = serde_json::json!({
                "definition": read("definition.asl.json"),
                "input": read("input.json"),
                "explanation": read("README.md"),
                "scenarios": scenarios,
            });
            let example = from_bundle(entry, &bundle.to_string()).expect("a readable bundle");
            assert_eq!(Some(&example), by_id(entry.slug), "{}", entry.slug);
        }
    }

    #[test]
    fn a_broken_bundle_says_what_is_wrong() {
        let entry = MENU[1];
        assert!(from_bundle(entry, "<html>").unwrap_err().starts_with("unreadable"));
        assert_eq!(from_bundle(entry, r#"{"scenarios": []}"#).unwrap_err(), "no definition");
        let pair = r#"{"definition": "", "input": "", "explanation": "", "scenarios": [["only a name"]]}"#;
        assert_eq!(from_bundle(entry, pair).unwrap_err(), "a scenario is not a [name, text] pair");
    }
}
