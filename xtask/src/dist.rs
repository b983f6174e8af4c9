//! `cargo xtask dist [--out DIR]`: the web app as a static folder for a docs site.
//!
//! A release build whose asset URLs are relative (`public_url = "./"` in Trunk.toml), so the folder
//! works from any sub-path of any static host: no server features, no rewrites. It holds the app
//! (`index.html`; `?embed` for the embed layout), every example's files under
//! `examples/<slug>/` for `?definition=…&scenario=…` addresses, and `embed-demo.html`, a small
//! documentation page with two embedded examples.

use std::path::Path;
use std::process::ExitCode;

use crate::run::{self, cmd, Run};
use crate::setup::{self, Needs};

pub const DEFAULT_OUT: &str = "dist";

pub fn dist(out: &str) -> ExitCode {
    let mut run = Run::new("dist", false);
    if setup::setup(&mut run, Needs::WEB).is_err() {
        return run.finish(false);
    }
    let ok = run.step(&format!("release build of the web app into {out}"), |_| build(out)).is_ok();
    if ok {
        println!();
        println!("{out}/ is ready: copy it to any folder of a static host.");
        println!("  the app:        {out}/index.html");
        println!("  the embed demo: {out}/embed-demo.html (its iframes show the embed code at work)");
    }
    run.finish(ok)
}

/// The release build into `out`, with the sizes of what it wrote. Trunk empties its output folder
/// first, so a folder that holds anything but an earlier build is refused rather than emptied.
pub fn build(out: &str) -> Result<String, String> {
    refuse_foreign_folder(Path::new(out))?;
    // Trunk keeps wasm-bindgen's output between builds and preloads every JS snippet it finds
    // there: one the code no longer has would still be downloaded on every first load.
    let snippets = Path::new("target/wasm-bindgen/release/snippets");
    if snippets.exists() {
        std::fs::remove_dir_all(snippets).map_err(|e| format!("cannot empty {}: {e}", snippets.display()))?;
    }
    run::run(&mut cmd("trunk", ["build", "--release", "--offline", "--locked", "--dist", out]))?;
    Ok(crate::testing::dist_sizes(Path::new(out)))
}

fn refuse_foreign_folder(out: &Path) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(out) else { return Ok(()) };
    let empty = entries.count() == 0;
    let ours = std::fs::read_to_string(out.join("index.html"))
        .is_ok_and(|html| html.contains("<title>Baton</title>"));
    match empty || ours {
        true => Ok(()),
        false => Err(format!(
            "{} holds files that are not a Baton build, and the build empties its folder first: \
             choose a new or empty folder",
            out.display()
        )),
    }
}
