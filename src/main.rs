//! Baton's web app: AWS Step Functions simulated in the browser, centred on the callback pattern.
//! The engine (`sim`, `asl`) and the drawings (`diagram`) are plain Rust crates; this crate is the
//! Yew front end around them.
//!
//! The page's address decides what starts (`address.rs`): the full app (`app.rs`) or the embed
//! (`embed.rs`), on the user's saved work, a share link's work (`share.rs`) or files by URL.
#![forbid(unsafe_code)]

mod address;
mod app;
mod browser;
mod components;
mod crash;
mod editor;
mod embed;
mod examples;
mod extras;
mod format;
mod jsonata;
mod participants;
mod run;
mod share;
mod state;
mod storage;

use std::rc::Rc;

use yew::Callback;

// Talc rather than std's dlmalloc: a few kB less to download, and faster.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    crash::install();
    let search = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let launch = address::launch(&search);
    // Work from elsewhere is read before the first render (a share link is decompressed by the
    // browser, files are fetched), so the app starts with it instead of showing another first.
    let opened = |data: String, launch: address::Launch| {
        let data: Rc<str> = data.into();
        Callback::from(move |work| render(launch.clone(), Some(share::Opened { data: data.clone(), work })))
    };
    if let Some(data) = share::data_in_address() {
        share::open_link(&data.clone(), opened(data, launch));
    } else if launch.files.any() {
        let files = launch.files.clone();
        share::open_files(&files, opened(format!("?{}", files.query()), launch));
    } else {
        render(launch, None);
    }
}

fn render(launch: address::Launch, opened: Option<share::Opened>) {
    let opened = opened.map(Rc::new);
    match launch.embed {
        Some(options) => {
            let props = embed::EmbedProps { options, opened, problems: launch.problems };
            yew::Renderer::<embed::EmbedApp>::with_props(props).render();
        }
        None => {
            yew::Renderer::<app::App>::with_props(app::AppProps { shared: opened }).render();
        }
    }
}
