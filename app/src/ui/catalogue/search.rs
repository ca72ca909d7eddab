//! `/search?q=`: full-text search over the catalogue. A plain GET form, so it works before
//! (and without) the wasm.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{
    components::{Form, A},
    hooks::use_query_map,
};

use super::LoadError;
use crate::api::catalogue::catalogue_search;
use crate::catalogue::search::{search_offline, HitKind};
use crate::client::offline_catalogue::or_device;
use crate::i18n::{t, t_string, use_i18n};

fn kind_label(kind: HitKind) -> &'static str {
    let i18n = use_i18n();
    match kind {
        HitKind::Body => t_string!(i18n, search.body),
        HitKind::Kind => t_string!(i18n, search.kind),
        HitKind::Act => t_string!(i18n, search.act),
        HitKind::Requirement => t_string!(i18n, search.requirement),
        HitKind::Faq => t_string!(i18n, search.faq),
        HitKind::Violation => t_string!(i18n, search.violation),
        HitKind::Discussion => t_string!(i18n, search.discussion),
        HitKind::Programme => t_string!(i18n, search.programme),
        HitKind::Report => t_string!(i18n, search.report),
        HitKind::News => t_string!(i18n, search.news),
    }
}

/// Leptos's `<Form>` adds the submit button to a GET form's query even when the button has no
/// name, which made every search address end in `&=`; this takes that entry out again.
pub(super) fn drop_unnamed() -> std::sync::Arc<dyn Fn(&web_sys::FormData)> {
    std::sync::Arc::new(|data: &web_sys::FormData| data.delete(""))
}

#[component]
pub fn SearchPage() -> AnyView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let hits = Resource::new(
        move || q.get(),
        |q| async move {
            if q.trim().is_empty() {
                Ok(None)
            } else {
                let online = catalogue_search(q.clone()).await;
                or_device(online, move |s| Some(search_offline(s, &q)))
                    .await
                    .map(Some)
            }
        },
    );
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, search.title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, search.description) />
        <h1>{t!(i18n, search.title)}</h1>
        <super::OfflineCopyNote />
        <Form
            method="GET"
            action="/search"
            attr:class="form search-form"
            on_form_data=drop_unnamed()
        >
            <div class="field">
                <label for="search-q">{t!(i18n, search.label)}</label>
                <input
                    id="search-q"
                    name="q"
                    type="search"
                    prop:value=move || q.get()
                    autocomplete="off"
                />
            </div>
            <button type="submit" class="button primary">
                {t!(i18n, catalogue.find)}
            </button>
        </Form>
        <Suspense fallback=move || {
            view! { <p class="muted">{t!(i18n, loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match hits.await {
                    Ok(None) => ().into_any(),
                    Ok(Some(list)) if list.is_empty() => {
                        view! { <p class="notice">{t!(i18n, search.none)}</p> }.into_any()
                    }
                    Ok(Some(list)) => {
                        view! {
                            <ol class="listing search-results">
                                {list
                                    .into_iter()
                                    .map(|hit| {
                                        view! {
                                            <li class="listing-item">
                                                <p class="listing-date">{move || kind_label(hit.kind)}</p>
                                                <h2>
                                                    <A href=hit.url.clone()>{hit.title.clone()}</A>
                                                </h2>
                                                <p>
                                                    {hit
                                                        .snippet
                                                        .into_iter()
                                                        .map(|s| {
                                                            if s.marked {
                                                                view! { <mark>{s.text}</mark> }.into_any()
                                                            } else {
                                                                s.text.into_any()
                                                            }
                                                        })
                                                        .collect_view()}
                                                </p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <LoadError error=error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}
