//! Pages of the information portal: bodies, kinds of control, public discussions, prevention
//! programmes, practice reports, news, the risk lookup and search. Server-rendered from the
//! server's copy of the catalogue, then hydrated.

pub mod bodies;
mod body_edit;
mod faq_edit;
pub mod kinds;
pub mod lists;
pub mod risk;
mod row_edit;
pub mod search;

use leptos::prelude::*;
use leptos_router::components::A;

use crate::error::AppError;
use crate::i18n::{t, use_i18n};
use crate::ui::form::error_message;

/// `2026-11-22` as `22.11.2026`; anything else as it is.
pub fn date(iso: &str) -> String {
    let mut parts = iso.splitn(3, '-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) if y.len() == 4 && m.len() == 2 && d.len() >= 2 => {
            format!("{}.{m}.{y}", &d[..2])
        }
        _ => iso.to_owned(),
    }
}

/// «Обновлено 22.11.2026».
#[component]
pub fn Updated(on: String) -> AnyView {
    let i18n = use_i18n();
    view! {
        <p class="updated">
            {t!(i18n, catalogue.updated)} " " <time datetime=on.clone()>{date(&on)}</time>
        </p>
    }
    .into_any()
}

/// Whether the catalogue is on the device and how fresh it is, with a button to refresh it.
#[component]
pub fn OfflineCopyNote() -> AnyView {
    let i18n = use_i18n();
    let copy = crate::client::offline_catalogue::use_catalogue_copy();
    let status = copy.status;
    let gate = crate::client::offline_gate::use_offline_gate();
    let save_data = move || {
        gate.waiting_for_consent.get().then(|| {
            view! {
                <p class="offline-copy" role="status">
                    {t!(i18n, catalogue.copy_save_data)}
                    " "
                    <button type="button" class="button" on:click=move |_| gate.consent()>
                        {t!(i18n, catalogue.copy_save)}
                    </button>
                </p>
            }
        })
    };
    let saved = move || !gate.waiting_for_consent.get();
    view! {
        {save_data}
        <Show when=saved>
            <p
                class="offline-copy"
                role="status"
                data-version=move || status.get().version
                data-store-ms=move || status.get().store_ms.map(|ms| format!("{ms:.0}"))
            >
                {move || {
                    let s = status.get();
                    match (s.syncing, s.synced_at_ms) {
                        (true, _) => {
                            crate::i18n::t_string!(i18n, catalogue.copy_updating).to_owned()
                        }
                        (false, Some(at)) => {
                            format!(
                                "{} {}",
                                crate::i18n::t_string!(i18n, catalogue.copy_saved),
                                local_time(at),
                            )
                        }
                        (false, None) => {
                            crate::i18n::t_string!(i18n, catalogue.copy_none).to_owned()
                        }
                    }
                }}
                " "
                <button
                    type="button"
                    class="link-button"
                    disabled=move || status.get().syncing
                    on:click=move |_| copy.refresh()
                >
                    {t!(i18n, catalogue.copy_refresh)}
                </button>
            </p>
        </Show>
    }
    .into_any()
}

/// A moment (ms since the epoch) as local `ДД.ММ.ГГГГ ЧЧ:ММ`.
fn local_time(ms: f64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
        format!(
            "{:02}.{:02}.{} {:02}:{:02}",
            d.get_date(),
            d.get_month() + 1,
            d.get_full_year(),
            d.get_hours(),
            d.get_minutes()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ms;
        String::new()
    }
}

/// A failed load: 404 for an unknown address, otherwise the error's message.
#[component]
pub fn LoadError(error: AppError) -> AnyView {
    let i18n = use_i18n();
    let not_found = error == AppError::NotFound;
    view! {
        <section class="notice notice-error" role="alert">
            <h1>
                {move || {
                    if not_found {
                        crate::i18n::t_string!(i18n, not_found.title)
                    } else {
                        crate::i18n::t_string!(i18n, error.title)
                    }
                }}
            </h1>
            <p>{error_message(&error)}</p>
        </section>
    }
    .into_any()
}

/// Links to the previous and next pages of a list (`?page=N`), or nothing for one page.
#[component]
pub fn Pager(base: &'static str, page: usize, pages: usize) -> AnyView {
    let i18n = use_i18n();
    let link = move |p: usize| {
        if p <= 1 {
            base.to_owned()
        } else {
            format!("{base}?page={p}")
        }
    };
    (pages > 1)
        .then(|| {
            view! {
                <nav class="pager" aria-label=move || crate::i18n::t_string!(i18n, catalogue.pages)>
                    {(page > 1)
                        .then(|| {
                            view! {
                                <A href=link(page - 1) attr:rel="prev">
                                    {t!(i18n, catalogue.previous)}
                                </A>
                            }
                        })}
                    <span>{format!("{page} / {pages}")}</span>
                    {(page < pages)
                        .then(|| {
                            view! {
                                <A href=link(page + 1) attr:rel="next">
                                    {t!(i18n, catalogue.next)}
                                </A>
                            }
                        })}
                </nav>
            }
        })
        .into_any()
}

/// The `page` query parameter, 1 when absent or malformed.
pub fn page_param() -> Memo<usize> {
    let query = leptos_router::hooks::use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
    })
}

/// A yes/no the browser asks the server after hydration (edit rights). Kept in a plain signal
/// set by an effect, which runs in the browser only: pages render it inside `Suspense`, and a
/// browser-only resource read there would keep the server waiting for it.
pub fn asked_in_browser<Fut>(ask: impl Fn() -> Fut + 'static) -> Signal<bool>
where
    Fut: std::future::Future<Output = Result<bool, AppError>> + 'static,
{
    let answer = RwSignal::new(false);
    let loaded = LocalResource::new(ask);
    Effect::new(move |_| {
        if let Some(Ok(yes)) = loaded.get() {
            answer.set(yes);
        }
    });
    answer.into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_shown_the_russian_way() {
        assert_eq!(super::date("2026-11-22"), "22.11.2026");
        assert_eq!(super::date("вчера"), "вчера");
    }
}
