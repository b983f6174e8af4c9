//! `cargo xtask serve [--port N]`: setup, then `trunk serve` with rebuilds on change.

use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::run::{self, cmd, Run};
use crate::setup::{self, Needs};

pub fn serve(port: u16) -> ExitCode {
    let mut run = Run::new("serve", false);
    if setup::setup(&mut run, Needs::WEB).is_err() {
        return run.finish(false);
    }
    if run
        .step(&format!("check that port {port} is free"), |_| match TcpListener::bind(("127.0.0.1", port)) {
            Ok(_) => Ok(String::new()),
            Err(e) => Err(format!(
                "127.0.0.1:{port} is not available ({e}); is Baton already running there? \
                 Pick another port: `cargo xtask serve --port 8081`"
            )),
        })
        .is_err()
    {
        return run.finish(false);
    }

    let url = format!("http://127.0.0.1:{port}/");
    let port_arg = port.to_string();
    let mut trunk = cmd(
        "trunk",
        // Builds use relative asset URLs (Trunk.toml), which `trunk serve`'s router refuses.
        [
            "serve",
            "--release",
            "--offline",
            "--address",
            "127.0.0.1",
            "--port",
            port_arg.as_str(),
            "--public-url",
            "/",
        ],
    );
    println!();
    println!("==> trunk serve (builds the app, then serves it and rebuilds on change; Ctrl-C stops)");
    println!("$ {}", run::show(&trunk));
    let started = Instant::now();
    let mut child = match trunk.spawn() {
        Ok(child) => child,
        Err(e) => {
            eprintln!("!!! cannot start trunk: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Announce the address once Trunk has built and is listening.
    let banner_url = url.clone();
    std::thread::spawn(move || loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            println!();
            println!("================================================================");
            println!("  Baton is at {banner_url}   (ready in {})", run::secs(started.elapsed()));
            println!("================================================================");
            println!();
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    });
    println!("Baton will be at {url} once the first build is done; the embed demo at {url}embed-demo.html");
    match child.wait() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!("!!! trunk serve stopped ({status})");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("!!! waiting for trunk: {e}");
            ExitCode::FAILURE
        }
    }
}
