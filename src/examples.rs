//! The examples offered in the Examples menu. They live in the engine crate (`sim::examples`, from
//! the repository's `examples/` folder) so that the app and the CLI offer the same ones; this module
//! is the app's one door to them.

pub use sim::examples::Example;

/// Every example, in menu order; the first is loaded on a first visit.
pub fn all() -> &'static [Example] {
    sim::examples::ALL
}

pub fn by_id(id: &str) -> Option<&'static Example> {
    sim::examples::find(id)
}

pub fn default_example() -> &'static Example {
    &all()[0]
}

/// The first paragraph of the example's explanation, as plain text (for a tooltip).
pub fn summary(example: &Example) -> String {
    let paragraph: Vec<&str> = example
        .explanation
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty() || line.starts_with('#'))
        .take_while(|line| !line.is_empty())
        .collect();
    paragraph.join(" ").replace('`', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_example_is_the_human_approval() {
        let e = default_example();
        assert_eq!(e.slug, "human-approval");
        assert!(e.definition.contains("waitForTaskToken"));
        assert!(summary(e).starts_with("A Lambda function emails an approver"), "{}", summary(e));
    }

    #[test]
    fn every_example_loads_without_errors() {
        for e in all() {
            assert!(sim::load(e.definition).is_ok(), "{} does not load", e.slug);
            serde_json::from_str::<serde_json::Value>(e.input).unwrap();
            assert_eq!(by_id(e.slug).map(|x| x.slug), Some(e.slug));
        }
    }
}
