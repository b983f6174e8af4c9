//! `cargo xtask setup`: installs exactly the tools the build and tests need, only when missing.
//! Versions and traps: /work/shared/TOOLCHAIN.md (copied into the README's toolchain section).

use std::path::Path;
use std::time::SystemTime;

use crate::run::{self, cargo, cmd, probe, which, Run, Stop};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const WASM_OPT_VERSION: &str = "version_132";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Which parts of the toolchain a command needs.
#[derive(Clone, Copy)]
pub struct Needs {
    /// wasm32 target, Trunk, wasm-bindgen-cli, and `cargo fetch` for offline builds.
    pub web: bool,
    /// Debian Chromium and chromedriver.
    pub browser: bool,
}

impl Needs {
    pub const WEB: Needs = Needs { web: true, browser: false };
    pub const TEST: Needs = Needs { web: true, browser: true };
    pub const BENCH: Needs = Needs { web: false, browser: false };
}

pub fn setup(run: &mut Run, needs: Needs) -> Result<(), Stop> {
    if needs.web {
        run.step("setup: rust target wasm32-unknown-unknown", |_| wasm_target())?;
        run.step(&format!("setup: trunk {TRUNK_VERSION}"), |_| trunk())?;
        run.step("setup: wasm-bindgen-cli (the Cargo.lock version)", |_| {
            let version = wasm_bindgen_version_in_lock()?;
            wasm_bindgen_cli(&version).map(|note| format!("{version}, {note}"))
        })?;
    }
    run.step("setup: npm packages (node_modules)", |_| npm_packages())?;
    if needs.browser {
        run.step("setup: chromium + chromedriver", |_| chromium())?;
    }
    if needs.web {
        run.step("setup: cargo fetch (for offline builds)", |_| {
            run::run(&mut cargo(["fetch", "--locked"]))?;
            // The fuzz targets are a workspace of their own (fuzz/Cargo.toml).
            run::run(&mut cargo(["fetch", "--locked", "--manifest-path", "fuzz/Cargo.toml"]))?;
            Ok(String::new())
        })?;
    }
    Ok(())
}

fn wasm_target() -> Result<String, String> {
    let Some(installed) = probe_all("rustup", &["target", "list", "--installed"]) else {
        // No rustup: accept a toolchain that already ships the target's standard library.
        let sysroot = probe("rustc", &["--print", "sysroot"]).unwrap_or_default();
        if Path::new(&sysroot).join("lib/rustlib").join(WASM_TARGET).is_dir() {
            return Ok("present (no rustup)".into());
        }
        return Err(format!(
            "the {WASM_TARGET} target is missing and rustup is not available: install rustup \
             (https://rustup.rs), then `rustup target add {WASM_TARGET}`"
        ));
    };
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok("already installed".into());
    }
    run::run(&mut cmd("rustup", ["target", "add", WASM_TARGET]))?;
    Ok("installed".into())
}

fn probe_all(program: &str, args: &[&str]) -> Option<String> {
    run::capture(&mut cmd(program, args)).ok()
}

fn trunk() -> Result<String, String> {
    let want = format!("trunk {TRUNK_VERSION}");
    if let Some(have) = probe("trunk", &["--version"]) {
        if have == want {
            return Ok("already installed".into());
        }
        println!("found `{have}`, need `{want}`: installing");
    }
    println!("installing Trunk from crates.io (takes about 6 minutes the first time)");
    run::run(&mut cargo(["install", "trunk", "--version", &format!("={TRUNK_VERSION}"), "--locked"]))?;
    check_version("trunk", &want)?;
    Ok("installed".into())
}

/// The `wasm-bindgen` version in Cargo.lock; Trunk insists on exactly that CLI version.
pub fn wasm_bindgen_version_in_lock() -> Result<String, String> {
    let lock = std::fs::read_to_string("Cargo.lock").map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == r#"name = "wasm-bindgen""# {
            if let Some(v) = lines.next().and_then(|l| l.trim().strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no `wasm-bindgen` package; the web app needs it".into())
}

fn wasm_bindgen_cli(version: &str) -> Result<String, String> {
    check_trunk_toml_pin(version)?;
    let want = format!("wasm-bindgen {version}");
    if let Some(have) = probe("wasm-bindgen", &["--version"]) {
        if have == want {
            return Ok("already installed".into());
        }
        println!("found `{have}`, need `{want}` (the version in Cargo.lock): installing");
    }
    println!("installing wasm-bindgen-cli from crates.io (takes about 2 minutes)");
    let exact = format!("={version}");
    let locked = run::run(&mut cargo(["install", "wasm-bindgen-cli", "--version", &exact, "--locked"]));
    if let Err(e) = locked {
        // Its lockfile can pin a crate version the registry no longer has.
        println!("{e}\nretrying without --locked");
        run::run(&mut cargo(["install", "wasm-bindgen-cli", "--version", &exact]))?;
    }
    check_version("wasm-bindgen", &want)?;
    Ok("installed".into())
}

/// Trunk.toml must name the same wasm-bindgen as Cargo.lock, or `trunk --offline` refuses to build.
fn check_trunk_toml_pin(version: &str) -> Result<(), String> {
    let toml = std::fs::read_to_string("Trunk.toml").map_err(|e| format!("cannot read Trunk.toml: {e}"))?;
    let pinned = toml.lines().find_map(|l| {
        let (key, value) = l.split_once('=')?;
        (key.trim() == "wasm_bindgen").then(|| value.trim().trim_matches('"').to_string())
    });
    match pinned {
        Some(p) if p == version => Ok(()),
        Some(p) => Err(format!(
            "Trunk.toml pins wasm_bindgen = \"{p}\" but Cargo.lock has wasm-bindgen {version}; \
             set `wasm_bindgen = \"{version}\"` under [tools] in Trunk.toml"
        )),
        None => Err(format!("Trunk.toml has no `wasm_bindgen = \"{version}\"` under [tools]")),
    }
}

fn check_version(program: &str, want: &str) -> Result<(), String> {
    match probe(program, &["--version"]) {
        Some(have) if have == want => Ok(()),
        Some(have) => Err(format!("after installing, `{program} --version` says `{have}`, not `{want}`")),
        None => Err(format!(
            "after installing, `{program}` is not on PATH; add {} to PATH",
            run::cargo_home().map(|h| h.join("bin").display().to_string()).unwrap_or("~/.cargo/bin".into())
        )),
    }
}

fn npm_packages() -> Result<String, String> {
    let node = probe("node", &["--version"]).ok_or(
        "Node.js is not installed: install Node.js 20 or newer with npm \
         (Debian: `apt-get install nodejs npm`, or from https://nodejs.org)",
    )?;
    let major: u32 = node.trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if major < 20 {
        return Err(format!("Node.js {node} is too old: install Node.js 20 or newer"));
    }
    if which("npm").is_none() {
        return Err("npm is not installed: install npm (Debian: `apt-get install npm`)".into());
    }
    // npm writes node_modules/.package-lock.json on every install.
    let stale = match (mtime("node_modules/.package-lock.json"), mtime("package-lock.json")) {
        (Some(installed), Some(lock)) => lock > installed,
        (None, _) => true,
        (_, None) => return Err("package-lock.json is missing (it is committed; restore it)".into()),
    };
    let note = if stale {
        let mut npm = cmd("npm", ["ci", "--no-audit", "--no-fund"]);
        if run::is_ci() {
            npm.arg("--no-progress");
        }
        run::run(&mut npm)?;
        "installed (npm ci)"
    } else {
        "up to date"
    };
    let wasm_opt = probe("wasm-opt", &["--version"]).unwrap_or_default();
    if !wasm_opt.contains(WASM_OPT_VERSION) {
        return Err(format!(
            "`wasm-opt --version` says `{wasm_opt}`, expected {WASM_OPT_VERSION} from npm binaryen \
             (node_modules/.bin); run `npm ci`"
        ));
    }
    Ok(format!("{note}; node {node}, wasm-opt {WASM_OPT_VERSION}"))
}

fn mtime(path: &str) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn chromium() -> Result<String, String> {
    let missing =
        || ["chromium", "chromedriver"].into_iter().filter(|p| which(p).is_none()).collect::<Vec<_>>();
    if missing().is_empty() {
        return Ok("already installed".into());
    }
    let install = "apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver";
    let is_root = probe("id", &["-u"]).as_deref() == Some("0");
    if !is_root || which("apt-get").is_none() {
        return Err(format!(
            "{} not installed; the browser tests need Debian's Chromium and its driver: \
             run `sudo {install}` (packages `chromium` and `chromium-driver`)",
            missing().join(" and ")
        ));
    }
    run::run(cmd("apt-get", ["update"]).env("DEBIAN_FRONTEND", "noninteractive"))?;
    run::run(
        cmd("apt-get", ["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    let still = missing();
    if !still.is_empty() {
        return Err(format!("after apt-get install, {} still not on PATH", still.join(" and ")));
    }
    Ok("installed (apt-get)".into())
}

/// The Chromium the browser tests launch.
pub fn chromium_path() -> Option<std::path::PathBuf> {
    which("chromium")
}
