//! The examples shipped with Baton (the repository's `examples/` folder), built into the binary so
//! the web app and the CLI offer the same ones. Each is a definition, an input, scenarios that
//! promise an outcome (`expect`) and a short explanation.

/// One example, with its files' contents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    pub slug: &'static str,
    pub title: &'static str,
    pub definition: &'static str,
    pub input: &'static str,
    /// Markdown.
    pub explanation: &'static str,
    /// `(name, scenario JSON)`.
    pub scenarios: &'static [(&'static str, &'static str)],
}

macro_rules! file {
    ($slug:literal, $name:literal) => {
        include_str!(concat!("../../../examples/", $slug, "/", $name))
    };
}

/// All examples; the first is the one the app opens on.
pub const ALL: &[Example] = &[
    Example {
        slug: "human-approval",
        title: "Human approval",
        definition: file!("human-approval", "definition.asl.json"),
        input: file!("human-approval", "input.json"),
        explanation: file!("human-approval", "README.md"),
        scenarios: &[
            ("approve", file!("human-approval", "approve.scenario.json")),
            ("duplicate", file!("human-approval", "duplicate.scenario.json")),
            ("reject", file!("human-approval", "reject.scenario.json")),
            ("timeout", file!("human-approval", "timeout.scenario.json")),
        ],
    },
    Example {
        slug: "sqs-worker",
        title: "SQS queue and a worker",
        definition: file!("sqs-worker", "definition.asl.json"),
        input: file!("sqs-worker", "input.json"),
        explanation: file!("sqs-worker", "README.md"),
        scenarios: &[
            ("worker-fails", file!("sqs-worker", "worker-fails.scenario.json")),
            ("worker-returns", file!("sqs-worker", "worker-returns.scenario.json")),
        ],
    },
    Example {
        slug: "heartbeats",
        title: "Heartbeats",
        definition: file!("heartbeats", "definition.asl.json"),
        input: file!("heartbeats", "input.json"),
        explanation: file!("heartbeats", "README.md"),
        scenarios: &[
            ("keeps-beating", file!("heartbeats", "keeps-beating.scenario.json")),
            ("stops-beating", file!("heartbeats", "stops-beating.scenario.json")),
        ],
    },
    Example {
        slug: "retry-after-timeout",
        title: "Retry after a timeout",
        definition: file!("retry-after-timeout", "definition.asl.json"),
        input: file!("retry-after-timeout", "input.json"),
        explanation: file!("retry-after-timeout", "README.md"),
        scenarios: &[("late-answer", file!("retry-after-timeout", "late-answer.scenario.json"))],
    },
    Example {
        slug: "parallel-approvals",
        title: "Two approvals in a Parallel",
        definition: file!("parallel-approvals", "definition.asl.json"),
        input: file!("parallel-approvals", "input.json"),
        explanation: file!("parallel-approvals", "README.md"),
        scenarios: &[
            ("both-approve", file!("parallel-approvals", "both-approve.scenario.json")),
            ("legal-rejects", file!("parallel-approvals", "legal-rejects.scenario.json")),
        ],
    },
    Example {
        slug: "map-per-item",
        title: "A token per Map item",
        definition: file!("map-per-item", "definition.asl.json"),
        input: file!("map-per-item", "input.json"),
        explanation: file!("map-per-item", "README.md"),
        scenarios: &[("all-picked", file!("map-per-item", "all-picked.scenario.json"))],
    },
    Example {
        slug: "activity-worker",
        title: "An activity worker",
        definition: file!("activity-worker", "definition.asl.json"),
        input: file!("activity-worker", "input.json"),
        explanation: file!("activity-worker", "README.md"),
        scenarios: &[("worker-prints", file!("activity-worker", "worker-prints.scenario.json"))],
    },
    Example {
        slug: "human-approval-jsonata",
        title: "Human approval (JSONata)",
        definition: file!("human-approval-jsonata", "definition.asl.json"),
        input: file!("human-approval-jsonata", "input.json"),
        explanation: file!("human-approval-jsonata", "README.md"),
        scenarios: &[
            ("approve", file!("human-approval-jsonata", "approve.scenario.json")),
            ("duplicate", file!("human-approval-jsonata", "duplicate.scenario.json")),
            ("reject", file!("human-approval-jsonata", "reject.scenario.json")),
            ("timeout", file!("human-approval-jsonata", "timeout.scenario.json")),
        ],
    },
    Example {
        slug: "map-per-item-jsonata",
        title: "Map: a token per item (JSONata)",
        definition: file!("map-per-item-jsonata", "definition.asl.json"),
        input: file!("map-per-item-jsonata", "input.json"),
        explanation: file!("map-per-item-jsonata", "README.md"),
        scenarios: &[
            ("all-picked", file!("map-per-item-jsonata", "all-picked.scenario.json")),
            ("out-of-stock", file!("map-per-item-jsonata", "out-of-stock.scenario.json")),
            ("worker-silent", file!("map-per-item-jsonata", "worker-silent.scenario.json")),
        ],
    },
];

/// The example named `slug`.
pub fn find(slug: &str) -> Option<&'static Example> {
    ALL.iter().find(|e| e.slug == slug)
}
