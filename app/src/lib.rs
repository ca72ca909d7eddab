//! КНД.Онлайн: the application library shared by the server (feature `ssr`) and the browser
//! (feature `hydrate`): UI, server functions, browser capabilities and, server-side only,
//! state and repositories.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod catalogue;
pub mod client;
pub mod domain;
pub mod error;
pub mod qr;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod server;
pub mod sync;
mod translations;
pub mod ui;

/// Translations: `use_i18n`, `t!`, `t_string!`, `Locale`, `I18nContextProvider`.
pub use translations::i18n;

/// The wasm entry point: called by the hydration script Leptos puts into every page.
/// The chunk of the page being hydrated is fetched first (see `routes`), so hydration itself
/// then runs through in one go.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    client::pwa::prepare_for_hydration();
    let path = web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .unwrap_or_default();
    wasm_bindgen_futures::spawn_local(async move {
        routes::preload_path(&path).await;
        leptos::mount::hydrate_lazy(app::App);
    });
}
