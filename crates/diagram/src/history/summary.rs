//! A [`Story`] as text for a terminal: the execution, each state entered and how it ended, and
//! the story of each token handed off (to whom, its clocks, how it came back or did not, what
//! came of that). Long histories are cut in the middle, with a count of what is left out.

use std::fmt::Write as _;

use serde_json::Value;

use super::fold::{End, Handoff, Outcome, Status, Story, Then, Visit};
use super::read::{state_names, Execution};
use super::Problem;
use crate::sequence::script::short_token;
use crate::sequence::time::{duration, iso_utc, offset_label};
use crate::text::{clip_chars, one_line};

/// A hand-off's lines: each with its time since the start, when known.
type Lines = Vec<(Option<i64>, String)>;

/// State lines shown at most (the first and the last half of them).
const MAX_VISITS: usize = 200;
/// Hand-offs shown at most, likewise.
const MAX_HANDOFFS: usize = 60;

/// A time since the start, or nothing when unknown.
fn when(ms: Option<i64>) -> String {
    ms.map(offset_label).unwrap_or_default()
}

fn span(from: Option<i64>, to: Option<i64>) -> Option<String> {
    match (from, to) {
        (Some(a), Some(b)) if b >= a => Some(duration((b - a) as u64)),
        _ => None,
    }
}

/// One line of text: control characters out, at most `n` characters.
fn line(s: &str, n: usize) -> String {
    clip_chars(&one_line(s), n)
}

/// `1 event`, `2 events`, `25,000 events`; `words` is the plural when it is not `word` + `s`.
fn plural(n: usize, word: &str) -> String {
    let words = match word.strip_suffix("entry") {
        Some(stem) => format!("{stem}entries"),
        None => format!("{word}s"),
    };
    match n {
        1 => format!("1 {word}"),
        n => format!("{} {words}", thousands(n)),
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The indexes to show of `n` items, at most `max`: all, or the first and the last half, with
/// the place of the cut.
fn shown(n: usize, max: usize) -> (Vec<usize>, Option<usize>) {
    if n <= max {
        return ((0..n).collect(), None);
    }
    let half = max / 2;
    ((0..half).chain(n - half..n).collect(), Some(half))
}

impl Story {
    /// The summary for a terminal; `execution` is what `describe-execution` said, if given.
    pub fn summary(&self, execution: Option<&Execution>) -> String {
        let mut out = String::new();
        self.write_header(&mut out, execution);
        self.write_visits(&mut out);
        self.write_handoffs(&mut out);
        self.write_unknown(&mut out);
        out
    }

    fn write_header(&self, out: &mut String, execution: Option<&Execution>) {
        let status = self.status.as_aws();
        let took = span(self.start_ms, self.end_ms);
        let mut head = match (self.status, &took) {
            (Status::Running, Some(d)) => {
                format!("Execution RUNNING, {d} so far (the history ends at event #{})", self.last_id)
            }
            (Status::Running, None) => {
                format!("Execution RUNNING (the history ends at event #{})", self.last_id)
            }
            (Status::Succeeded, Some(d)) => format!("Execution SUCCEEDED in {d}"),
            (_, Some(d)) => format!("Execution {status} after {d}"),
            (_, None) => format!("Execution {status}"),
        };
        if let Some(e) = &self.error {
            let _ = write!(head, ": {}", line(e, 256));
        }
        let _ = writeln!(out, "{head}");
        if let Some(c) = &self.cause {
            let _ = writeln!(out, "  cause: {}", line(c, 300));
        }
        let mut facts = vec![plural(self.events, "event")];
        match self.start_ms {
            Some(t) => facts.push(format!("started {}", iso_utc(t))),
            None => facts.push("no timestamps".to_string()),
        }
        if self.redrives > 0 {
            facts.push(format!("redriven {}", plural(self.redrives, "time")));
        }
        let _ = writeln!(out, "  {}", facts.join(" · "));
        if let Some(x) = execution {
            if let Some(arn) = &x.arn {
                let _ = writeln!(out, "  execution {}", line(arn, 300));
            }
            if let Some(arn) = &x.state_machine_arn {
                let _ = writeln!(out, "  state machine {}", line(arn, 300));
            }
        }
    }

    fn write_visits(&self, out: &mut String) {
        if self.visits.is_empty() {
            return;
        }
        let (rows, cut) = shown(self.visits.len(), MAX_VISITS);
        let name_of = |v: &Visit| match v.map_index {
            Some(i) => format!("{} [{i}]", line(&v.name, 40)),
            None => line(&v.name, 40),
        };
        let cells: Vec<(String, String, String, String)> = rows
            .iter()
            .map(|&i| {
                let v = &self.visits[i];
                (when(v.at_ms), name_of(v), v.kind.clone(), outcome_text(v))
            })
            .collect();
        let tw = cells.iter().map(|c| c.0.chars().count()).max().unwrap_or(0);
        let nw = cells.iter().map(|c| c.1.chars().count()).max().unwrap_or(0);
        let kw = cells.iter().map(|c| c.2.chars().count()).max().unwrap_or(0);
        let _ = writeln!(out, "\nStates");
        for (row, (t, name, kind, outcome)) in cells.iter().enumerate() {
            if cut == Some(row) {
                let left = self.visits.len() - rows.len();
                let _ = writeln!(out, "  … {} not shown …", plural(left, "more state entry"));
            }
            let time = if tw == 0 { String::new() } else { format!("{t:<tw$}  ") };
            let text = format!("  {time}{name:<nw$}  {kind:<kw$}  {outcome}");
            let _ = writeln!(out, "{}", text.trim_end());
        }
    }

    fn write_handoffs(&self, out: &mut String) {
        let waits: Vec<usize> = (0..self.handoffs.len()).filter(|&k| self.handoffs[k].waits).collect();
        if waits.is_empty() {
            return;
        }
        let (rows, cut) = shown(waits.len(), MAX_HANDOFFS);
        let stories: Vec<(String, Lines)> = rows.iter().map(|&r| self.handoff_lines(waits[r])).collect();
        let tw = stories.iter().flat_map(|(_, ls)| ls.iter()).map(|(t, _)| when(*t).chars().count()).max();
        let tw = tw.unwrap_or(0);
        let _ = writeln!(out, "\nCallbacks");
        for (row, (head, lines)) in stories.iter().enumerate() {
            if cut == Some(row) {
                let left = waits.len() - rows.len();
                let _ = writeln!(out, "  … {} not shown …", plural(left, "more hand-off"));
            }
            let _ = writeln!(out, "  {head}");
            for (t, text) in lines {
                let t = when(*t);
                let time = if tw == 0 { String::new() } else { format!("{t:<tw$}  ") };
                let _ = writeln!(out, "  {}", format!("  {time}{text}").trim_end());
            }
        }
        let heartbeats = waits.iter().any(|&k| self.handoffs[k].heartbeat_s.is_some());
        if heartbeats && !self.calls.iter().any(|c| c.action == "SendTaskHeartbeat") {
            let _ = writeln!(
                out,
                "  (SendTaskHeartbeat writes no event: a history shows a heartbeat only when one was missed.)"
            );
        }
    }

    /// One hand-off: its head line, then its lines in time order.
    fn handoff_lines(&self, k: usize) -> (String, Lines) {
        let h = &self.handoffs[k];
        let state = match h.map_index {
            Some(i) => format!("{} [{i}]", line(&h.state, 40)),
            None => line(&h.state, 40),
        };
        let who = format!("{} {}", h.who.kind, h.who.name);
        let head = match (&h.token, h.resource.contains(":activity:") || h.who.kind == "activity") {
            (_, true) => format!("#{} {state} (attempt {}) scheduled the {who}", h.event, h.attempt),
            (Some(token), _) => format!(
                "#{} {state} (attempt {}) handed token {} to the {who}",
                h.event,
                h.attempt,
                short_token(&one_line(token))
            ),
            (None, _) => format!(
                "#{} {state} (attempt {}) handed a task to the {who} (no token found in its parameters)",
                h.event, h.attempt
            ),
        };
        let mut lines: Vec<(Option<i64>, String)> = Vec::new();
        let mut clocks = vec![line(&h.resource, 120)];
        if let Some(t) = h.timeout_s {
            clocks.push(format!("TimeoutSeconds {t}"));
        }
        if let Some(b) = h.heartbeat_s {
            clocks.push(format!("HeartbeatSeconds {b}"));
        }
        lines.push((h.at_ms, clocks.join(", ")));
        if let Some(worker) = &h.worker {
            lines.push((h.started_ms, format!("worker {} took it (GetActivityTask)", line(worker, 60))));
        }
        // The calls baton run recorded for it: heartbeats (several in one line), refusals.
        let calls: Vec<&super::read::Call> = self.calls.iter().filter(|c| c.handoff == Some(k)).collect();
        let at = |ms: u64| Some(ms.min(i64::MAX as u64) as i64);
        let beats: Vec<_> = calls.iter().filter(|c| c.ok && c.action == "SendTaskHeartbeat").collect();
        match beats.as_slice() {
            [] => {}
            [one] => lines.push((at(one.at_ms), format!("♥ SendTaskHeartbeat{}", by(&one.by)))),
            [first, .., last] => lines.push((
                at(first.at_ms),
                format!(
                    "♥ SendTaskHeartbeat ×{}{}, the last at {}",
                    beats.len(),
                    by(&first.by),
                    offset_label(at(last.at_ms).unwrap_or(0))
                ),
            )),
        }
        for c in calls.iter().filter(|c| !c.ok) {
            let error = c.error.as_deref().map(|e| format!(": {}", line(e, 60))).unwrap_or_default();
            lines.push((at(c.at_ms), format!("✕ {}{} refused{error}", line(&c.action, 40), by(&c.by))));
        }
        let answered_by = calls
            .iter()
            .find(|c| c.ok && matches!(c.action.as_str(), "SendTaskSuccess" | "SendTaskFailure"))
            .map(|c| by(&c.by))
            .unwrap_or_default();
        let after = span(h.at_ms, h.end_ms).map(|d| format!(", {d} after the hand-off")).unwrap_or_default();
        let end = match &h.end {
            Some(End::Succeeded) => Some(format!("✓ SendTaskSuccess{answered_by}{after}")),
            Some(End::Failed { error, cause, answered: true }) => Some(format!(
                "✕ SendTaskFailure{answered_by}: {}{}",
                line(error, 80),
                cause.as_deref().map(|c| format!(" ({})", line(c, 100))).unwrap_or_default()
            )),
            Some(End::Failed { error, cause, answered: false }) => Some(format!(
                "✕ the hand-off itself failed: {}{}",
                line(error, 80),
                cause.as_deref().map(|c| format!(" ({})", line(c, 100))).unwrap_or_default()
            )),
            Some(End::TimedOut { error, clock: Some(clock) }) => {
                Some(format!("✕ {}: {}", line(error, 80), clock.describe()))
            }
            Some(End::TimedOut { error, clock: None }) if h.timeout_s.is_some() && h.heartbeat_s.is_some() => {
                Some(format!(
                    "✕ {}: TimeoutSeconds or HeartbeatSeconds ran out (the times in the history do not tell which)",
                    line(error, 80)
                ))
            }
            Some(End::TimedOut { error, clock: None }) => Some(format!("✕ {}", line(error, 80))),
            Some(End::Aborted) => Some("– aborted with its state".to_string()),
            Some(End::ExecutionEnded(status)) => {
                Some(format!("– still out when the execution ended ({})", status.as_aws()))
            }
            None => None,
        };
        match end {
            Some(end) => lines.push((h.end_ms, end)),
            None => lines.push((self.end_ms_rel(), self.still_out(h))),
        }
        match &h.then {
            Then::Retried { event, at_ms } => lines.push((*at_ms, format!("→ retried (#{event})"))),
            Then::Caught { next: Some(next) } => {
                lines.push((h.end_ms, format!("→ caught: next {}", line(next, 60))))
            }
            Then::Caught { next: None } => lines.push((h.end_ms, "→ caught".to_string())),
            Then::FailedExecution => lines.push((h.end_ms, "→ the execution failed".to_string())),
            Then::Nothing => {}
        }
        // In time order; lines without a time keep their place.
        if lines.iter().all(|(t, _)| t.is_some()) {
            lines.sort_by_key(|(t, _)| *t);
        }
        (head, lines)
    }

    /// The last event's time since the start.
    fn end_ms_rel(&self) -> Option<i64> {
        Some(self.end_ms? - self.start_ms?)
    }

    /// A hand-off still out when the history ends: since when, and what is due.
    fn still_out(&self, h: &Handoff) -> String {
        let mut text = match h.submitted {
            true => "… no answer yet".to_string(),
            false => "… not handed off yet".to_string(),
        };
        if let (Some(t), Some(start)) = (h.timeout_s, h.started_ms) {
            let due = start.saturating_add(i64::try_from(t).unwrap_or(i64::MAX / 2).saturating_mul(1000));
            let _ = write!(text, "; TimeoutSeconds runs out at {}", offset_label(due));
        }
        if let Some(b) = h.heartbeat_s {
            let _ = write!(text, "; a heartbeat is due every {b} s");
        }
        text
    }

    fn write_unknown(&self, out: &mut String) {
        if self.unknown.is_empty() {
            return;
        }
        let _ = writeln!(out, "\nEvents of types Step Functions does not write (kept as they are)");
        let (rows, cut) = shown(self.unknown.len(), 20);
        for (row, &i) in rows.iter().enumerate() {
            if cut == Some(row) {
                let _ = writeln!(
                    out,
                    "  … {} not shown …",
                    plural(self.unknown.len() - rows.len(), "more event")
                );
            }
            let u = &self.unknown[i];
            let t = match u.at_ms {
                Some(t) => format!("  {}", offset_label(t)),
                None => String::new(),
            };
            let ty = if u.ty.is_empty() { "(no type)".to_string() } else { line(&u.ty, 60) };
            let _ = writeln!(out, "  #{}{t}  {ty}", u.event);
        }
    }

    /// What disagrees between the history and the definition the user says it ran: states the
    /// history entered that the definition does not have.
    pub fn check_definition(&self, definition: &Value) -> Vec<Problem> {
        let names = state_names(definition);
        let mut missing: Vec<&str> = Vec::new();
        for v in &self.visits {
            if !names.contains(&v.name) && !missing.contains(&v.name.as_str()) {
                missing.push(&v.name);
            }
        }
        if missing.is_empty() {
            return Vec::new();
        }
        let listed: Vec<String> = missing.iter().take(5).map(|n| format!("'{}'", line(n, 60))).collect();
        let more = if missing.len() > 5 { format!(" and {} more", missing.len() - 5) } else { String::new() };
        let (word, they) = if missing.len() == 1 { ("state", "it is") } else { ("states", "they are") };
        vec![Problem::at(
            "/States",
            format!(
                "the execution entered {word} {}{more}, but the definition has no such {word}: is it \
                 the definition the execution ran? ({they} left unmarked in the graph)",
                listed.join(", ")
            ),
        )]
    }

    /// What disagrees between the history and `describe-execution`'s output.
    pub fn check_execution(&self, execution: &Execution) -> Vec<Problem> {
        let mut problems = Vec::new();
        if let Some(status) = execution.status.as_deref() {
            let ours = self.status.as_aws();
            let agree = status == ours
                || (status == "PENDING_REDRIVE"
                    && matches!(self.status, Status::Failed | Status::TimedOut | Status::Aborted));
            if !agree {
                let message = match self.status {
                    Status::Running => format!(
                        "describe-execution says {}, but the history stops before the execution's end (event #{} is \
                         the last): events are missing",
                        line(status, 40),
                        self.last_id
                    ),
                    _ if status == "RUNNING" => format!(
                        "describe-execution says RUNNING, but the history ends with the execution {ours}: was it \
                         described before it ended?"
                    ),
                    _ => format!(
                        "describe-execution says {}, but the history says {ours}: are they the same execution?",
                        line(status, 40)
                    ),
                };
                problems.push(Problem::at("/status", message));
            }
        }
        if let (Some(a), Some(b)) = (execution.start_ms, self.start_ms) {
            if (a - b).abs() > 1000 {
                problems.push(Problem::at(
                    "/startDate",
                    format!(
                        "describe-execution says the execution started at {}, the history at {}: are they the \
                         same execution?",
                        iso_utc(a),
                        iso_utc(b)
                    ),
                ));
            }
        }
        problems
    }
}

fn by(who: &Option<String>) -> String {
    who.as_deref().map(|w| format!(" by {}", line(w, 40))).unwrap_or_default()
}

/// How a visit ended, in words.
fn outcome_text(v: &Visit) -> String {
    let errors = |list: &[String]| -> String {
        let shown: Vec<String> = list.iter().take(4).map(|e| line(e, 60)).collect();
        let more = if list.len() > 4 { format!(" and {} more", list.len() - 4) } else { String::new() };
        format!("{}{more}", shown.join(", "))
    };
    let attempt = |failed_before: &[String]| -> String {
        match (v.attempts, failed_before.is_empty()) {
            (n, false) if n > 1 => format!(" on attempt {n} (retried after {})", errors(failed_before)),
            (n, _) if n > 1 => format!(" on attempt {n}"),
            _ => String::new(),
        }
    };
    let next = v.next.as_deref().map(|n| format!(" → {}", line(n, 60))).unwrap_or_default();
    match &v.outcome {
        Outcome::Done => {
            let base = match v.kind.as_str() {
                "Choice" => match &v.next {
                    Some(n) => format!("chose {}", line(n, 60)),
                    None => "done".to_string(),
                },
                "Wait" => match span(v.at_ms, v.end_ms) {
                    Some(d) => format!("waited {d}"),
                    None => "done".to_string(),
                },
                "Task" | "Map" | "Parallel" => "succeeded".to_string(),
                _ => "done".to_string(),
            };
            let items = v.items.map(|n| format!(" ({})", plural(n as usize, "item"))).unwrap_or_default();
            format!("{base}{items}{}", attempt(&v.errors))
        }
        Outcome::Caught(error) => {
            let before = &v.errors[..v.errors.len().saturating_sub(1)];
            format!("caught {}{}{next}", line(error, 60), attempt(before))
        }
        Outcome::Failed(error) => {
            let before = &v.errors[..v.errors.len().saturating_sub(1)];
            match v.kind.as_str() {
                "Fail" => format!("failed the execution: {}", line(error, 60)),
                _ => format!("failed: {}{}", line(error, 60), attempt(before)),
            }
        }
        Outcome::Aborted(None) => "aborted".to_string(),
        Outcome::Aborted(Some(error)) => {
            format!("failed: {}, and was aborted with its branch", line(error, 60))
        }
        Outcome::Stopped => "stopped with the execution".to_string(),
        Outcome::Waiting => format!("waiting for a callback{}", attempt(&v.errors)),
        Outcome::Running if v.errors.is_empty() => "running".to_string(),
        Outcome::Running => format!("running, after {}", errors(&v.errors)),
    }
}
