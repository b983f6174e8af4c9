//! Baton's web app: AWS Step Functions simulated in the browser, centred on the callback pattern.
//! The engine (`sim`, `asl`) and the drawings (`diagram`) are plain Rust crates; this crate is the
//! Yew front end around them.
#![forbid(unsafe_code)]

mod app;
mod browser;
mod components;
mod crash;
mod editor;
mod examples;
mod format;
mod participants;
mod run;
mod share;
mod state;
mod storage;

// Talc rather than std's dlmalloc: a few kB less to download, and faster.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    crash::install();
    // A share link is read before the first render (its data is decompressed by the browser, a
    // moment's work), so the app starts with the shared work instead of showing another first.
    match share::data_in_address() {
        None => render(None),
        Some(data) => {
            let data: std::rc::Rc<str> = data.into();
            share::open_link(
                &data.clone(),
                yew::Callback::from(move |work| render(Some(share::Opened { data: data.clone(), work }))),
            );
        }
    }
}

fn render(shared: Option<share::Opened>) {
    yew::Renderer::<app::App>::with_props(app::AppProps { shared: shared.map(std::rc::Rc::new) }).render();
}
