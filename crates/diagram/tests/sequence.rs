//! Sequence diagram: layout snapshots, Mermaid snapshots, SVG content and density checks.

mod common;

use common::{annotations, overlap, sequence_fixture};
use diagram::{
    layout_sequence, sequence_mermaid, sequence_svg, sequence_svg_heads, sequence_svg_rows_window,
    sequence_svg_window, Annotations, ApiCall, MarkKind, MessageKind, SequenceLayout,
};
use serde_json::{json, Value};

const FIXTURES: [&str; 6] =
    ["callback_success", "callback_timeout", "heartbeat", "retry", "human_approval", "map"];

fn layout(name: &str) -> SequenceLayout {
    let (h, c, p) = sequence_fixture(name);
    layout_sequence(&h, &annotations(&c, &p))
}

#[test]
fn layout_snapshots() {
    for name in FIXTURES {
        insta::assert_snapshot!(format!("seq_layout_{name}"), layout(name).to_text());
    }
}

#[test]
fn mermaid_snapshots() {
    for name in FIXTURES {
        let (h, c, p) = sequence_fixture(name);
        insta::assert_snapshot!(format!("seq_mermaid_{name}"), sequence_mermaid(&h, &annotations(&c, &p)));
    }
}

#[test]
fn successful_callback() {
    let l = layout("callback_success");
    assert_eq!(
        l.lifelines.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        ["execution", "queue:work-queue"]
    );
    let handoff = l.messages.iter().find(|m| m.kind == MessageKind::Call).expect("hand-off");
    assert_eq!(handoff.label, "sendMessage · token AQCEAAAA…en0001");
    assert!(handoff.title.contains("AQCEAAAAKgAAAAMAAAAAAAAAAb2kN7wOeI1token0001"));
    assert!(l.messages.iter().any(|m| m.kind == MessageKind::Return && m.label == "TaskSubmitted"));
    let cb = l.messages.iter().find(|m| m.kind == MessageKind::Callback).expect("callback");
    assert_eq!((cb.label.as_str(), cb.from, cb.to), ("SendTaskSuccess", 1, 0));
    assert_eq!(l.activations.len(), 1);
    assert!(l.activations[0].y1 == handoff.y && l.activations[0].y2 == cb.y);
    let svg = sequence_svg(&l);
    assert!(svg.contains("aria-label=\"Sequence diagram\"") && svg.contains("<title>"));
    assert!(svg.contains("SendTaskSuccess") && !svg.contains("States.Timeout"));
}

#[test]
fn timed_out_callback_with_late_rejected_call() {
    let l = layout("callback_timeout");
    let t = l.marks.iter().find(|m| m.kind == MarkKind::Timeout).expect("timeout cross");
    assert_eq!((t.label.as_str(), t.lifeline), ("States.Timeout", 1));
    let rejected = l.messages.iter().find(|m| m.kind == MessageKind::Rejected).expect("rejected call");
    assert_eq!(rejected.label, "SendTaskSuccess ✕ TaskTimedOut");
    assert!(rejected.y > t.y, "the late call comes after the timeout");
    let svg = sequence_svg(&l);
    assert!(
        svg.contains("States.Timeout") && svg.contains("SendTaskSuccess") && svg.contains("TaskTimedOut")
    );
}

#[test]
fn heartbeats_are_marked_on_the_activation() {
    let l = layout("heartbeat");
    let beats: Vec<_> = l.marks.iter().filter(|m| m.kind == MarkKind::Heartbeat).collect();
    assert_eq!(beats.len(), 3);
    let a = &l.activations[0];
    assert!(beats.iter().all(|b| b.y > a.y1 && b.y < a.y2));
    assert!(sequence_svg(&l).contains("SendTaskHeartbeat"));
}

#[test]
fn retry_gets_a_frame() {
    let l = layout("retry");
    assert_eq!(l.frames.len(), 1);
    assert_eq!(l.frames[0].label, "retry 1 · Charge card");
    assert_eq!(l.activations.len(), 2);
    assert!(l.frames[0].y1 > l.activations[0].y2 && l.frames[0].y2 > l.activations[1].y2);
}

#[test]
fn long_idle_gap_is_compressed() {
    let l = layout("human_approval");
    let gap = l.axis.iter().find_map(|t| t.gap.clone()).expect("break");
    assert_eq!(gap, "… 3 h 2 min later");
    // The approver (a supplied participant) made the call; the Lambda held the token.
    let cb = l.messages.iter().find(|m| m.kind == MessageKind::Callback).expect("callback");
    assert_eq!(l.lifelines[cb.from].name, "Approver (Ana)");
    assert_eq!(l.activations[0].lifeline, 1);
}

#[test]
fn history_alone_still_shows_the_callback() {
    let (h, _, _) = sequence_fixture("callback_success");
    let l = layout_sequence(&h, &Annotations::default());
    let cb = l.messages.iter().find(|m| m.kind == MessageKind::Callback).expect("inferred callback");
    assert_eq!((cb.label.as_str(), cb.tone.as_str()), ("SendTaskSuccess", "inferred"));
}

/// 200 callback tasks in a row (each: state note, hand-off, submit, callback): every label box,
/// note and mark is clear of every other.
#[test]
fn two_hundred_messages_do_not_overlap() {
    let mut h: Vec<Value> = vec![
        json!({"id":1,"previousEventId":0,"type":"ExecutionStarted","timestamp":"2024-01-01T00:00:00Z","executionStartedEventDetails":{}}),
    ];
    let mut calls = Vec::new();
    let push = |h: &mut Vec<Value>, ty: &str, key: &str, d: Value, ms: u64| {
        let id = h.len() as u64 + 1;
        let ts = format!("2024-01-01T00:{:02}:{:02}.{:03}Z", ms / 60_000, (ms / 1000) % 60, ms % 1000);
        let mut e = json!({"id": id, "previousEventId": id - 1, "type": ty, "timestamp": ts});
        e[key] = d;
        h.push(e);
    };
    for i in 0..70u64 {
        let t = i * 700;
        let tok = format!("token-{i:04}-abcdefgh");
        let queue = format!("https://sqs/1/q{}", i % 3);
        let r = json!({"resourceType":"sqs","resource":"sendMessage.waitForTaskToken"});
        push(&mut h, "TaskStateEntered", "stateEnteredEventDetails", json!({"name": format!("Step {i}")}), t);
        let params = json!({"QueueUrl": queue, "MessageBody": {"TaskToken": tok}}).to_string();
        let mut sched = r.clone();
        sched["parameters"] = json!(params);
        push(&mut h, "TaskScheduled", "taskScheduledEventDetails", sched, t + 1);
        push(&mut h, "TaskSubmitted", "taskSubmittedEventDetails", r.clone(), t + 2);
        calls.push(ApiCall {
            at_ms: t + 500,
            action: "SendTaskSuccess".into(),
            token: tok,
            ok: true,
            error: None,
            participant: None,
        });
        push(&mut h, "TaskSucceeded", "taskSucceededEventDetails", r.clone(), t + 500);
    }
    let l = layout_sequence(&h, &annotations(&calls, &[]));
    let arrows = l.messages.iter().filter(|m| m.kind != MessageKind::Note).count();
    assert!(arrows >= 200, "{arrows} arrows");
    assert_eq!(l.lifelines.len(), 4);
    let mut boxes: Vec<(f64, f64, f64, f64)> = l.messages.iter().map(|m| m.label_box).collect();
    boxes.extend(l.marks.iter().filter(|m| m.label_box.2 > 0.0).map(|m| m.label_box));
    let mut ys: Vec<f64> = l.messages.iter().map(|m| m.y).collect();
    let sorted = ys.windows(2).all(|w| w[1] > w[0] + 20.0);
    assert!(sorted, "rows go down with room between them");
    ys.clear();
    boxes.sort_by(|a, b| a.1.total_cmp(&b.1));
    for i in 0..boxes.len() {
        for j in i + 1..boxes.len().min(i + 8) {
            assert!(!overlap(boxes[i], boxes[j]), "{:?} overlaps {:?}", boxes[i], boxes[j]);
        }
    }
    // Labels of arrows stay between their two ends.
    for m in l.messages.iter().filter(|m| m.kind != MessageKind::Note) {
        let (lo, hi) = (m.x1.min(m.x2), m.x1.max(m.x2));
        assert!(m.label_box.0 >= lo - 1.0 && m.label_box.0 + m.label_box.2 <= hi + 1.0, "{}", m.label);
    }
    assert!(l.height > 200.0 * 30.0 && l.width < 1200.0);
}

/// A history of `(type, details key, details)` events, all at one instant.
fn same_instant(events: Vec<(&str, &str, Value)>) -> Vec<Value> {
    let at = "2024-01-01T00:00:00Z";
    let event = |(i, (ty, key, d)): (usize, (&str, &str, Value))| json!({"id": i + 1, "previousEventId": i, "type": ty, "timestamp": at, key: d});
    events.into_iter().enumerate().map(event).collect()
}

/// The first events of a callback task whose token is `tok-1`, up to the wait.
fn callback_started() -> Vec<(&'static str, &'static str, Value)> {
    let callback = json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken",
        "parameters": "{\"MessageBody\":{\"TaskToken\":\"tok-1\"}}"});
    vec![
        ("ExecutionStarted", "executionStartedEventDetails", json!({})),
        ("TaskStateEntered", "stateEnteredEventDetails", json!({"name": "Wait for worker"})),
        ("TaskScheduled", "taskScheduledEventDetails", callback.clone()),
        ("TaskSubmitted", "taskSubmittedEventDetails", callback),
    ]
}

fn call(action: &str, token: &str) -> ApiCall {
    ApiCall { at_ms: 0, action: action.into(), token: token.into(), ok: true, error: None, participant: None }
}

/// Start, then a heartbeat and a StopExecution before the clock moves: every event and call has
/// the same timestamp. The calls come after the events that existed when they were made, in the
/// order they were made, and the stop before the aborts it caused (SVG rows and Mermaid alike).
#[test]
fn calls_of_the_same_instant_follow_the_events_before_them() {
    let mut events = callback_started();
    events.push(("TaskStateAborted", "stateAbortedEventDetails", json!({"name": "Wait for worker"})));
    events.push(("ExecutionAborted", "executionAbortedEventDetails", json!({})));
    let h = same_instant(events);
    let calls = [call("SendTaskHeartbeat", "tok-1"), call("StopExecution", "")];

    let l = layout_sequence(&h, &annotations(&calls, &[]));
    let labels: Vec<&str> = l.messages.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Execution started",
            "▸ Wait for worker",
            "sendMessage · token tok-1",
            "TaskSubmitted",
            "SendTaskHeartbeat",
            "StopExecution",
            "Execution aborted"
        ]
    );
    let mermaid = sequence_mermaid(&h, &annotations(&calls, &[]));
    let at = |text: &str| mermaid.find(text).unwrap_or_else(|| panic!("{text} in {mermaid}"));
    assert!(at("Execution started") < at("TaskSubmitted"));
    assert!(at("TaskSubmitted") < at("StopExecution") && at("StopExecution") < at("Execution aborted"));
}

/// A SendTaskFailure is drawn in the danger colour, recorded or inferred from the history.
#[test]
fn task_failures_are_drawn_as_failures() {
    let mut events = callback_started();
    events.push(("TaskFailed", "taskFailedEventDetails", json!({"error": "Boom"})));
    let h = same_instant(events);
    let failure = ApiCall { error: Some("Boom".into()), ..call("SendTaskFailure", "tok-1") };
    for (calls, tone) in [(vec![failure], "fail"), (vec![], "inferred fail")] {
        let l = layout_sequence(&h, &annotations(&calls, &[]));
        let cb = l.messages.iter().find(|m| m.kind == MessageKind::Callback).expect("callback");
        assert_eq!((cb.label.as_str(), cb.tone.as_str()), ("SendTaskFailure (Boom)", tone));
        let svg = sequence_svg(&l);
        assert!(svg.contains(&format!("<g class=\"msg callback {tone}\"")), "{svg}");
        assert!(svg.contains(".msg.callback.fail line{stroke:var(--timeout,"), "{svg}");
    }
}

#[test]
fn participants_are_derived_from_resources() {
    let ev = |id: u64, ty: &str, key: &str, d: Value| json!({"id": id, "previousEventId": id - 1, "type": ty, key: d});
    let h = vec![
        ev(
            1,
            "TaskScheduled",
            "taskScheduledEventDetails",
            json!({"resourceType":"lambda","resource":"invoke","parameters":"{\"FunctionName\":\"arn:aws:lambda:us-east-1:1:function:fn-a:live\"}"}),
        ),
        ev(
            2,
            "TaskScheduled",
            "taskScheduledEventDetails",
            json!({"resourceType":"sns","resource":"publish.waitForTaskToken","parameters":"{\"TopicArn\":\"arn:aws:sns:us-east-1:1:alerts\",\"Message\":{\"token\":\"t\"}}"}),
        ),
        ev(
            3,
            "ActivityScheduled",
            "activityScheduledEventDetails",
            json!({"resource":"arn:aws:states:us-east-1:1:activity:review"}),
        ),
        ev(
            4,
            "TaskScheduled",
            "taskScheduledEventDetails",
            json!({"resourceType":"dynamodb","resource":"putItem","parameters":"{}"}),
        ),
    ];
    let l = layout_sequence(&h, &Annotations::default());
    let ids: Vec<(&str, &str)> = l.lifelines.iter().map(|l| (l.id.as_str(), l.kind.as_str())).collect();
    assert_eq!(
        ids,
        [
            ("execution", "execution"),
            ("lambda:fn-a", "lambda"),
            ("topic:alerts", "topic"),
            ("activity:review", "activity"),
            ("service:dynamodb", "service")
        ]
    );
}

#[test]
fn rows_name_the_event_they_show() {
    let (h, c, p) = sequence_fixture("callback_success");
    let l = layout_sequence(&h, &annotations(&c, &p));
    let id_of = |ty: &str| h.iter().find(|e| e["type"] == ty).and_then(|e| e["id"].as_i64());
    let handoff = l.messages.iter().find(|m| m.kind == MessageKind::Call).expect("hand-off");
    assert_eq!(handoff.event, id_of("TaskScheduled"));
    // The recorded SendTaskSuccess stands for the TaskSucceeded it caused.
    let cb = l.messages.iter().find(|m| m.kind == MessageKind::Callback).expect("callback");
    assert_eq!(cb.event, id_of("TaskSucceeded"));
    let svg = sequence_svg(&l);
    assert!(svg.contains(&format!("data-event=\"{}\"", handoff.event.unwrap())));
}

#[test]
fn a_window_draws_the_rows_in_reach_at_full_size() {
    let l = layout("human_approval");
    let full = sequence_svg(&l);
    assert_eq!(full, sequence_svg_window(&l, f64::MIN, f64::MAX));
    let rows = |svg: &str| svg.matches("<g class=\"msg ").count() + svg.matches("<g class=\"note ").count();
    let (first, last) = (&l.messages[0], l.messages.last().expect("rows"));
    let top = sequence_svg_window(&l, first.y - 10.0, first.y + 10.0);
    assert!(rows(&top) >= 1 && rows(&top) < rows(&full), "{} of {}", rows(&top), rows(&full));
    assert!(top.contains(&first.label) && !top.contains(&format!(">{}<", last.label)));
    // The drawing keeps its size and every lifeline, so a scroller around it does not jump.
    let size = format!("viewBox=\"0 0 {} {}\"", l.width.round(), l.height.round());
    assert!(top.contains(&size) && full.contains(&size), "{size}");
    assert_eq!(top.matches("class=\"life\"").count(), l.lifelines.len());
}

/// The heads strip over the rows window is the whole picture: same width, the same heads at the
/// same places, and the rows start where the strip ends.
#[test]
fn the_heads_strip_and_the_rows_make_the_whole_picture() {
    let l = layout("human_approval");
    let (strip, rows, full) =
        (sequence_svg_heads(&l), sequence_svg_rows_window(&l, f64::MIN, f64::MAX), sequence_svg(&l));
    let band = l.heads_height();
    assert!(l.messages.iter().all(|m| m.label_box.1 > band), "no row reaches into the strip");
    assert!(strip.contains(&format!("viewBox=\"0 0 {} {band}\"", l.width)), "{strip}");
    assert!(rows.contains(&format!("viewBox=\"0 {band} {} {}\"", l.width, l.height - band)), "{rows}");
    assert!(!strip.contains("class=\"msg ") && !strip.contains("class=\"note "), "{strip}");
    // The same head boxes (the only ones with rx="6") at the same places as in the full drawing.
    let head_boxes = |svg: &str| -> Vec<String> {
        svg.split("<rect ")
            .filter_map(|r| r.split_once("/>"))
            .map(|(r, _)| r.to_string())
            .filter(|r| r.contains("rx=\"6\""))
            .collect()
    };
    assert_eq!(head_boxes(&strip).len(), l.lifelines.len());
    assert_eq!(head_boxes(&strip), head_boxes(&full));
    assert!(!full.contains("baton-seq-heads"), "the export is one picture");
}

/// A Map whose 50 iterations all wait for a token at once and are answered last-first: the
/// iterations are siblings inside the Map's frame, and no frame is turned inside out.
#[test]
fn concurrent_map_iterations_are_siblings() {
    let mut h: Vec<Value> = Vec::new();
    let mut push = |ty: &str, key: &str, d: Value| {
        let id = h.len() as u64 + 1;
        let ts = format!("2024-01-01T00:00:{:02}.000Z", h.len() / 100);
        h.push(json!({"id": id, "previousEventId": id - 1, "type": ty, "timestamp": ts, key: d}));
    };
    let callback = json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken"});
    push("ExecutionStarted", "executionStartedEventDetails", json!({}));
    push("MapStateEntered", "stateEnteredEventDetails", json!({"name": "Pick each"}));
    push("MapStateStarted", "mapStateStartedEventDetails", json!({"length": 50}));
    for i in 0..50 {
        push(
            "MapIterationStarted",
            "mapIterationStartedEventDetails",
            json!({"name": "Pick each", "index": i}),
        );
        push("TaskStateEntered", "stateEnteredEventDetails", json!({"name": "Pick"}));
        push("TaskScheduled", "taskScheduledEventDetails", callback.clone());
        push("TaskSubmitted", "taskSubmittedEventDetails", callback.clone());
    }
    for i in (0..50).rev() {
        push("TaskSucceeded", "taskSucceededEventDetails", callback.clone());
        push("TaskStateExited", "stateExitedEventDetails", json!({"name": "Pick"}));
        push(
            "MapIterationSucceeded",
            "mapIterationSucceededEventDetails",
            json!({"name": "Pick each", "index": i}),
        );
    }
    push("MapStateSucceeded", "mapStateSucceededEventDetails", json!({}));
    push("ExecutionSucceeded", "executionSucceededEventDetails", json!({}));

    let l = layout_sequence(&h, &Annotations::default());
    let iterations: Vec<_> = l.frames.iter().filter(|f| f.label.starts_with("iteration")).collect();
    assert_eq!(iterations.len(), 50);
    let map = l.frames.iter().find(|f| f.label.starts_with("map")).expect("the Map's frame");
    for f in &iterations {
        assert_eq!(f.depth, map.depth + 1, "{}", f.label);
        assert!(f.x1 > map.x1 && f.x2 < map.x2, "{} is inside the Map's frame", f.label);
    }
    for f in &l.frames {
        assert!(f.x2 - f.x1 > 100.0 && f.y2 > f.y1, "{} is drawn at {:?}", f.label, (f.x1, f.x2, f.y1, f.y2));
    }
    assert!(!sequence_svg(&l).contains("width=\"-"), "no negative widths in the SVG");
}

/// However deep frames nest, each keeps a positive width.
#[test]
fn deeply_nested_frames_keep_their_width() {
    let mut h: Vec<Value> = Vec::new();
    let mut push = |ty: &str, key: &str, d: Value| {
        let id = h.len() as u64 + 1;
        h.push(json!({"id": id, "previousEventId": id - 1, "type": ty, "timestamp": "2024-01-01T00:00:00Z", key: d}));
    };
    push("ExecutionStarted", "executionStartedEventDetails", json!({}));
    for level in 0..40 {
        let name = format!("Level {level}");
        push("ParallelStateEntered", "stateEnteredEventDetails", json!({"name": name}));
        push("ParallelStateStarted", "parallelStateStartedEventDetails", json!({}));
    }
    push("PassStateEntered", "stateEnteredEventDetails", json!({"name": "Deepest"}));
    let l = layout_sequence(&h, &Annotations::default());
    assert_eq!(l.frames.len(), 40);
    assert!(l.frames.iter().any(|f| f.depth == 39));
    for f in &l.frames {
        assert!(f.x2 - f.x1 > 100.0, "{} is drawn from x={} to x={}", f.label, f.x1, f.x2);
    }
}

/// The host knows which token a hand-off issued, even when the parameters hide it (here under a
/// key that does not say "token"); without that, an imported history falls back to searching.
#[test]
fn a_known_token_ties_the_hand_off_to_its_callback() {
    let r = json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken"});
    let mut sched = r.clone();
    sched["parameters"] =
        json!(json!({"QueueUrl": "https://sqs/1/jobs", "MessageBody": {"ref": "abc-123"}}).to_string());
    let event = |id: u64, ty: &str, key: &str, d: Value| {
        let mut e =
            json!({"id": id, "previousEventId": id - 1, "type": ty, "timestamp": "2024-01-01T00:00:00Z"});
        e[key] = d;
        e
    };
    let h = vec![
        event(1, "ExecutionStarted", "executionStartedEventDetails", json!({})),
        event(2, "TaskStateEntered", "stateEnteredEventDetails", json!({"name": "Ask"})),
        event(3, "TaskScheduled", "taskScheduledEventDetails", sched),
        event(4, "TaskSubmitted", "taskSubmittedEventDetails", r.clone()),
    ];
    let call = ApiCall {
        at_ms: 5,
        action: "SendTaskHeartbeat".into(),
        token: "abc-123".into(),
        ok: true,
        error: None,
        participant: None,
    };
    let known =
        Annotations { calls: vec![call.clone()], participants: vec![], tokens: vec![(3, "abc-123".into())] };
    let token_of = |l: &SequenceLayout| l.activations.first().and_then(|a| a.token.clone());
    assert_eq!(token_of(&layout_sequence(&h, &known)).as_deref(), Some("abc-123"));
    assert_eq!(token_of(&layout_sequence(&h, &Annotations::default())), None);
}
