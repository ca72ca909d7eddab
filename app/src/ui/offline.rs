//! `/offline`: the shell the service worker shows for a page not yet stored on the device while
//! there is no network. `client::pwa::prepare_for_hydration` puts the address asked for into
//! `?from=`.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
    NavigateOptions,
};

use crate::client::offline_catalogue::has_copy;
use crate::client::pwa::SHELL_META;

/// Addresses the device can show from its copy of the catalogue.
const FROM_DEVICE: [&str; 8] = [
    "/bodies",
    "/kinds",
    "/search",
    "/discussions",
    "/programmes",
    "/reports",
    "/news",
    "/risk",
];
/// Addresses whose data lives on the device itself (drafts, checklists): the app shows them
/// offline without the catalogue's copy.
const DRAFT_PAGES: [&str; 3] = ["/self-check", "/rate", "/requirements"];

fn under(path: &str, prefix: &str) -> bool {
    path == prefix
        || path.starts_with(&format!("{prefix}/"))
        || path.starts_with(&format!("{prefix}?"))
}
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
    // A catalogue page is rendered from the device's copy instead: go there within the app.
    let navigate = use_navigate();
    Effect::new(move |_| {
        let Some(path) = from.get() else { return };
        let replace = NavigateOptions {
            replace: true,
            ..Default::default()
        };
        if DRAFT_PAGES.iter().any(|p| under(&path, p)) {
            navigate(&path, replace);
            return;
        }
        let catalogue = FROM_DEVICE.iter().any(|p| under(&path, p));
        if catalogue {
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                if has_copy().await {
                    navigate(
                        &path,
                        NavigateOptions {
                            replace: true,
                            ..Default::default()
                        },
                    );
                }
            });
        }
    });
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, offline_page.title).to_string()
        }) />
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
