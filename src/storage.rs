//! The user's work survives a reload: the definition, the execution input, the participants'
//! settings (scenario JSON) and the example they came from live in `localStorage`, written a
//! moment after the user stops typing.
//!
//! Encoding and decoding are pure and tested natively; the browser calls are thin and never panic
//! (storage can be missing, full, or switched off by the user). The reducer never sees storage: the
//! app reads it once before the first render and the [`use_autosave`] hook writes it.

use std::rc::Rc;
use std::time::Duration;

use gloo::timers::callback::Timeout;
use serde_json::{json, Value};
use yew::prelude::*;

/// Where the workspace is kept.
pub const WORKSPACE_KEY: &str = "baton.workspace";
/// Where an unreadable workspace is set aside, so that a bug of ours never destroys the user's text.
pub const UNREADABLE_KEY: &str = "baton.workspace.unreadable";
const VERSION: u64 = 1;
/// How long the user must pause typing before the workspace is written.
const AUTOSAVE_DELAY: Duration = Duration::from_millis(400);

/// What the user was editing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workspace {
    pub definition: String,
    pub input: String,
    /// The participants' settings as scenario JSON text (absent in workspaces saved before them).
    pub scenario: String,
    /// The slug of the example the work came from, if any (absent in workspaces saved before it).
    pub example: Option<String>,
    /// What the dock showed: `"participants"` when the participants panel was open (a share link
    /// about a scenario opens on it); `None` for the token inbox, the usual view.
    pub view: Option<String>,
}

/// What was found in storage when the app started.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Restored {
    /// First visit, or the user cleared storage.
    Nothing,
    Workspace(Workspace),
    /// Something was stored but could not be read; it was copied to `kept_under` (when possible).
    Unreadable {
        reason: String,
        kept_under: Option<String>,
    },
    /// Storage itself is not available (disabled, sandboxed frame...).
    Unavailable(String),
}

pub fn encode(workspace: &Workspace) -> String {
    json!({
        "version": VERSION,
        "definition": workspace.definition,
        "input": workspace.input,
        "scenario": workspace.scenario,
        "example": workspace.example,
        "view": workspace.view,
    })
    .to_string()
}

/// Reads what [`encode`] wrote; anything else is an error that says what was wrong.
pub fn decode(raw: &str) -> Result<Workspace, String> {
    let value: Value = serde_json::from_str(raw).map_err(|e| format!("not JSON ({e})"))?;
    let version = value.get("version").and_then(Value::as_u64);
    if version != Some(VERSION) {
        return Err(format!("unknown format version {}", value.get("version").unwrap_or(&Value::Null)));
    }
    let text = |field: &str| {
        value.get(field).and_then(Value::as_str).map(str::to_owned).ok_or_else(|| format!("no {field} text"))
    };
    let scenario = match value.get("scenario") {
        None => "{}".to_string(),
        Some(_) => text("scenario")?,
    };
    let example = match value.get("example") {
        None | Some(Value::Null) => None,
        Some(_) => Some(text("example")?),
    };
    // Saved before views were: the usual one.
    let view = value.get("view").and_then(Value::as_str).map(str::to_owned);
    Ok(Workspace { definition: text("definition")?, input: text("input")?, scenario, example, view })
}

fn local_storage() -> Result<web_sys::Storage, String> {
    let window = web_sys::window().ok_or("no window")?;
    match window.local_storage() {
        Ok(Some(storage)) => Ok(storage),
        Ok(None) => Err("localStorage is not available".into()),
        Err(_) => Err("localStorage is switched off in this browser".into()),
    }
}

/// Reads the saved workspace. An unreadable one is copied under [`UNREADABLE_KEY`] first.
pub fn restore() -> Restored {
    let storage = match local_storage() {
        Ok(storage) => storage,
        Err(reason) => return Restored::Unavailable(reason),
    };
    let raw = match storage.get_item(WORKSPACE_KEY) {
        Ok(Some(raw)) => raw,
        Ok(None) => return Restored::Nothing,
        Err(_) => return Restored::Unavailable("localStorage could not be read".into()),
    };
    match decode(&raw) {
        Ok(workspace) => Restored::Workspace(workspace),
        Err(reason) => {
            let kept_under = storage.set_item(UNREADABLE_KEY, &raw).ok().map(|()| UNREADABLE_KEY.to_string());
            if kept_under.is_some() {
                let _ = storage.remove_item(WORKSPACE_KEY);
            }
            Restored::Unreadable { reason, kept_under }
        }
    }
}

/// Where work opened from a share link is saved while it is open, apart from the user's own work,
/// with the link's data, so that a reload of that link keeps the edits made since.
pub const SHARED_KEY: &str = "baton.shared";

/// Where the work on screen is saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The user's own work ([`WORKSPACE_KEY`]).
    Own,
    /// Work opened from the share link with this data ([`SHARED_KEY`]); the user's own is untouched.
    Shared(Rc<str>),
}

fn save(slot: &Slot, workspace: &Workspace) -> Result<(), String> {
    let (key, text) = match slot {
        Slot::Own => (WORKSPACE_KEY, encode(workspace)),
        Slot::Shared(link) => (SHARED_KEY, json!({ "link": &**link, "work": encode(workspace) }).to_string()),
    };
    local_storage()?
        .set_item(key, &text)
        .map_err(|_| "the browser refused to store it (storage full or blocked)".to_string())
}

/// The work last saved from the share link with data `link`, if this browser has edited it.
pub fn restore_shared(link: &str) -> Option<Workspace> {
    let raw = local_storage().ok()?.get_item(SHARED_KEY).ok()??;
    let saved: Value = serde_json::from_str(&raw).ok()?;
    (saved.get("link")?.as_str()? == link).then(|| decode(saved.get("work")?.as_str()?).ok())?
}

/// Whether this browser holds work of the user's own.
pub fn has_own_work() -> bool {
    local_storage().is_ok_and(|s| s.get_item(WORKSPACE_KEY).is_ok_and(|w| w.is_some()))
}

/// Makes `workspace` the user's own work, replacing what was saved.
pub fn keep_as_own(workspace: &Workspace) -> Result<(), String> {
    save(&Slot::Own, workspace)
}

/// Whether the last autosave worked; shown quietly in the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveStatus {
    Idle,
    Saved,
    Failed(String),
}

thread_local! {
    /// The workspace waiting for its autosave, if any: what the panic hook saves at once.
    static UNSAVED: std::cell::RefCell<Option<(Slot, Workspace)>> = const { std::cell::RefCell::new(None) };
}

/// Saves the workspace still waiting for its autosave, now. `Ok` when there was none.
pub fn save_unsaved() -> Result<(), String> {
    match UNSAVED.with(|unsaved| unsaved.borrow_mut().take()) {
        Some((slot, workspace)) => save(&slot, &workspace),
        None => Ok(()),
    }
}

/// Writes `workspace` to its `slot` [`AUTOSAVE_DELAY`] after its last change. A newer change cancels
/// the pending write (dropping a `Timeout` cancels it), so typing costs nothing.
#[hook]
pub fn use_autosave(workspace: Workspace, slot: Slot) -> SaveStatus {
    let status = use_state_eq(|| SaveStatus::Idle);
    {
        let status = status.clone();
        use_effect_with((slot, workspace), move |pair| {
            UNSAVED.with(|unsaved| *unsaved.borrow_mut() = Some(pair.clone()));
            let pending = Timeout::new(AUTOSAVE_DELAY.as_millis() as u32, move || {
                if let Some((slot, workspace)) = UNSAVED.with(|unsaved| unsaved.borrow_mut().take()) {
                    status.set(match save(&slot, &workspace) {
                        Ok(()) => SaveStatus::Saved,
                        Err(reason) => SaveStatus::Failed(reason),
                    });
                }
            });
            move || drop(pending)
        });
    }
    (*status).clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workspace_survives_a_round_trip() {
        let w = Workspace {
            definition: "{\"StartAt\": \"é\"}\n".into(),
            input: "{}".into(),
            scenario: "{\"responders\": {}}".into(),
            example: Some("sqs-worker".into()),
            view: Some("participants".into()),
        };
        assert_eq!(decode(&encode(&w)), Ok(w.clone()));
        let own = Workspace { example: None, ..decode(&encode(&w)).unwrap() };
        assert_eq!(decode(&encode(&own)), Ok(own));
        // Saved before participants existed: no scenario, none set.
        let old = decode("{\"version\": 1, \"definition\": \"{}\", \"input\": \"[]\"}").unwrap();
        assert_eq!((old.scenario.as_str(), old.example, old.view), ("{}", None, None));
    }

    #[test]
    fn unreadable_workspaces_say_why() {
        assert!(decode("{oops").unwrap_err().starts_with("not JSON"));
        assert_eq!(decode("{\"version\": 7}").unwrap_err(), "unknown format version 7");
        assert_eq!(decode("{\"version\": 1, \"input\": \"{}\"}").unwrap_err(), "no definition text");
        assert_eq!(decode("[]").unwrap_err(), "unknown format version null");
        let bad = "{\"version\": 1, \"definition\": \"{}\", \"input\": \"[]\", \"scenario\": 3}";
        assert_eq!(decode(bad).unwrap_err(), "no scenario text");
        let bad = "{\"version\": 1, \"definition\": \"{}\", \"input\": \"[]\", \"example\": 3}";
        assert_eq!(decode(bad).unwrap_err(), "no example text");
    }
}
