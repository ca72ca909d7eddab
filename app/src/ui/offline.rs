//! `/offline`: the shell the service worker shows for a page not yet stored on the device while
//! there is no network. `client::pwa::prepare_for_hydration` puts the address asked for into
//! `?from=`.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_query_map};

use crate::client::pwa::SHELL_META;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn OfflinePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // Read after hydration: the server rendered this page without `from`.
    let (from, set_from) = signal(None::<String>);
    Effect::new(move |_| {
        let asked = query
            .with(|q| q.get("from"))
            .filter(|path| path.starts_with('/'));
        set_from.set(asked);
    });
    view! {
        <Title text=move || t_string!(i18n, offline_page.title) />
        <Meta name=SHELL_META content="offline" />
        <Meta name="robots" content="noindex" />
        <section class="notice">
            <h1>{t!(i18n, offline_page.title)}</h1>
            <p>{t!(i18n, offline_page.text)}</p>
            <Show when=move || from.get().is_some()>
                <p>{t!(i18n, offline_page.requested)} ": " <code>{move || from.get()}</code></p>
                <p>
                    <a class="button primary" href=move || from.get() rel="external">
                        {t!(i18n, offline_page.retry)}
                    </a>
                </p>
            </Show>
            <p>
                <A href="/">{t!(i18n, offline_page.home_link)}</A>
            </p>
        </section>
    }
}
