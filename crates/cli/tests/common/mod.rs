//! What the CLI's process tests share: running `baton` from the workspace's root, as a terminal
//! in the repository would.

// Each test file uses its part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `baton ARGS` in the workspace's root: its exit code, standard output and standard error.
pub fn baton(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_baton"))
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("the baton binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// The workspace's root, where paths such as `examples/...` start.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
