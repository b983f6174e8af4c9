//! Reading real histories (`diagram::history`): where problems are, what the fold makes of the
//! events, and that nothing panics on odd input.

use diagram::history::{read_definition, read_execution, read_history, Outcome, Problem, Status};
use diagram::{marks_of_history, StateMark};
use serde_json::{json, Value};

fn problem(doc: Value) -> Problem {
    read_history(doc).expect_err("a problem")
}

fn event(id: i64, prev: i64, ty: &str, details: Value) -> Value {
    let key = match ty {
        t if t.ends_with("StateEntered") => "stateEnteredEventDetails".to_string(),
        t if t.ends_with("StateExited") => "stateExitedEventDetails".to_string(),
        t => format!("{}{}EventDetails", t[..1].to_lowercase(), &t[1..]),
    };
    json!({"id": id, "previousEventId": prev, "type": ty, key: details})
}

#[test]
fn problems_name_the_place() {
    let cases = [
        (json!(3), "", "the document is a number"),
        (json!({}), "", "the object is empty"),
        (json!({"events": "no"}), "/events", "\"events\" is a string"),
        (json!({"events": []}), "/events", "holds no events"),
        (json!({"events": [1]}), "/events/0", "item 1 of the list is a number"),
        (json!({"events": [{"id": 1}]}), "/events/0", "has no \"type\""),
        (json!({"events": [{"type": "ExecutionStarted", "id": 0}]}), "/events/0/id", "from 1 up"),
        (json!({"events": [{"type": "ExecutionStarted"}]}), "/events/0", "(ExecutionStarted) has no \"id\""),
        (
            json!({"events": [{"type": "A", "id": 1}, {"type": "B", "id": 3}, {"type": "C", "id": 2}]}),
            "/events/2/id",
            "event #2 comes after #3",
        ),
        (
            json!({"events": [{"type": "C", "id": 3}, {"type": "B", "id": 1}, {"type": "A", "id": 2}]}),
            "/events/2/id",
            "event #2 comes after #1",
        ),
        (
            json!({"history": [{"type": "A", "id": 1}, {"type": "A", "id": 1}]}),
            "/history/1/id",
            "comes twice",
        ),
        (json!({"StartAt": "A", "States": {}}), "", "a state machine definition"),
        (json!({"executions": []}), "", "list-executions"),
    ];
    for (doc, pointer, words) in cases {
        let p = problem(doc.clone());
        assert_eq!(p.pointer, pointer, "{doc}");
        assert!(p.message.contains(words), "{doc}: {}", p.message);
    }
}

#[test]
fn a_latest_first_history_is_turned_around_and_warnings_point_into_the_document() {
    let doc = json!({"events": [
        {"type": "PassStateExited", "id": 4, "previousEventId": 2, "stateExitedEventDetails": {"name": "A"}},
        {"type": "PassStateEntered", "id": 2, "previousEventId": 0, "stateEnteredEventDetails": {"name": "A"}},
    ], "NextToken": "more"});
    let h = read_history(doc).unwrap();
    let ids: Vec<i64> = h.events.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [2, 4]);
    assert_eq!(h.pointer(0), "/events/1");
    let warnings: Vec<(&str, &str)> =
        h.warnings.iter().map(|w| (w.pointer.as_str(), &w.message[..20])).collect();
    assert_eq!(
        warnings,
        [
            ("/NextToken", "this is one page of "),
            ("/events/1", "the history starts a"),
            ("/events/0", "event #3 is missing:"),
        ]
    );
}

#[test]
fn definitions_and_descriptions() {
    let asl = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}});
    assert_eq!(read_definition(asl.clone()), Ok(asl.clone()));
    let described = json!({"stateMachineArn": "arn", "definition": asl.to_string()});
    assert_eq!(read_definition(described), Ok(asl));
    let p = read_definition(json!({"stateMachineArn": "arn", "definition": "{"})).unwrap_err();
    assert_eq!(p.pointer, "/definition");
    assert!(p.message.starts_with("the \"definition\" string is not JSON"));
    let x = read_execution(&json!({"executionArn": "arn:e", "status": "RUNNING", "startDate": 1741940813.5}))
        .unwrap();
    assert_eq!((x.status.as_deref(), x.start_ms), (Some("RUNNING"), Some(1_741_940_813_500)));
    assert!(read_execution(&json!({"events": []})).is_err());
}

/// A Parallel whose branch fails and is caught; a Map iteration; a Fail state.
#[test]
fn the_fold_tells_each_state_s_end() {
    let events = vec![
        event(1, 0, "ExecutionStarted", json!({})),
        event(2, 0, "ParallelStateEntered", json!({"name": "Both"})),
        event(3, 2, "ParallelStateStarted", json!({})),
        event(4, 3, "TaskStateEntered", json!({"name": "Left"})),
        event(5, 3, "TaskStateEntered", json!({"name": "Right"})),
        event(
            6,
            4,
            "TaskScheduled",
            json!({"resourceType": "lambda", "resource": "invoke", "parameters": "{}"}),
        ),
        event(
            7,
            5,
            "TaskScheduled",
            json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken",
            "parameters": "{\"MessageBody\":{\"TaskToken\":\"tok-1\"}}"}),
        ),
        event(8, 6, "TaskFailed", json!({"resourceType": "lambda", "resource": "invoke", "error": "Boom"})),
        event(9, 7, "TaskStateAborted", json!({})),
        event(10, 8, "ParallelStateFailed", json!({})),
        event(11, 10, "ParallelStateExited", json!({"name": "Both"})),
        event(12, 11, "FailStateEntered", json!({"name": "Stop"})),
        event(13, 12, "ExecutionFailed", json!({"error": "Stopped"})),
    ];
    let story = read_history(Value::Array(events.clone())).unwrap().story();
    assert_eq!(story.status, Status::Failed);
    let ends: Vec<(String, Outcome)> =
        story.visits.iter().map(|v| (v.name.clone(), v.outcome.clone())).collect();
    let expected = [
        ("Both", Outcome::Caught("Boom".into())),
        // Never left nor aborted: the execution ended around it.
        ("Left", Outcome::Stopped),
        ("Right", Outcome::Aborted(None)),
        ("Stop", Outcome::Failed("Stopped".into())),
    ];
    assert_eq!(ends, expected.map(|(n, o)| (n.to_string(), o)));
    assert_eq!(story.visits[0].next.as_deref(), Some("Stop"));
    assert_eq!(story.handoffs[1].token.as_deref(), Some("tok-1"));
    // The engine's rule, kept: the failure is pinned on the innermost state still open, which is
    // the aborted sibling here, so the Parallel that caught it is only "visited".
    let marks = marks_of_history(&events);
    let marked: Vec<Option<StateMark>> = ["Both", "Left", "Right", "Stop"].map(|s| marks.get(s)).to_vec();
    assert_eq!(
        marked,
        [
            Some(StateMark::Visited),
            Some(StateMark::Visited),
            Some(StateMark::Visited),
            Some(StateMark::Failed)
        ]
    );
}

/// Deterministic xorshift, so that a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const TYPES: [&str; 22] = [
    "ExecutionStarted",
    "ExecutionFailed",
    "ExecutionSucceeded",
    "ExecutionRedriven",
    "TaskStateEntered",
    "TaskStateExited",
    "TaskScheduled",
    "TaskStarted",
    "TaskSubmitted",
    "TaskSucceeded",
    "TaskFailed",
    "TaskTimedOut",
    "TaskStateAborted",
    "MapStateEntered",
    "MapStateStarted",
    "MapIterationStarted",
    "MapIterationFailed",
    "MapStateFailed",
    "ParallelStateStarted",
    "EvaluationFailed",
    "WaitStateAborted",
    "SomethingNew",
];

/// Random events (types, links, names, details, times) read, folded and summarized: never a panic.
#[test]
fn random_histories_never_panic() {
    let mut r = Rng(0x2545_F491_4F6C_DD1D);
    for _ in 0..2000 {
        let n = 1 + r.next() % 30;
        let mut events = Vec::new();
        for id in 1..=n as i64 {
            let ty = r.pick(&TYPES);
            let prev = (r.next() % (id as u64 + 1)) as i64 - 1;
            let details = json!({
                "name": r.pick(&["A", "B", ""]),
                "state": r.pick(&["A", "B"]),
                "error": r.pick(&["States.Timeout", "", "E"]),
                "index": r.next() % 3,
                "resource": r.pick(&["sendMessage.waitForTaskToken", "invoke", "arn:aws:states:r:1:activity:x"]),
                "timeoutInSeconds": r.next() % 5,
                "heartbeatInSeconds": r.next() % 3,
                "parameters": r.pick(&["{\"TaskToken\":\"t\"}", "{", ""]),
            });
            let mut e = event(id, prev, ty, details);
            if !r.next().is_multiple_of(3) {
                e["timestamp"] = json!(1_741_940_813.0 + (r.next() % 100) as f64);
            }
            events.push(e);
        }
        let calls =
            json!([{"at": (r.next() % 50) as f64, "action": "SendTaskHeartbeat", "state": "A", "ok": true}]);
        let Ok(h) = read_history(json!({"history": events, "calls": calls})) else { continue };
        let story = h.story();
        let _ = story.summary(None);
        let _ = story.annotations();
        let _ = marks_of_history(&h.events);
    }
}
