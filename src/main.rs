//! Baton's web app: AWS Step Functions simulated in the browser, centred on the callback pattern.
//! The engine (`sim`, `asl`) and the drawings (`diagram`) are plain Rust crates; this crate is the
//! Yew front end around them.
#![forbid(unsafe_code)]

mod app;
mod browser;
mod components;
mod editor;
mod examples;
mod format;
mod participants;
mod state;
mod storage;

// Talc rather than std's dlmalloc: a few kB less to download, and faster.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    yew::Renderer::<app::App>::new().render();
}
