//! `/risk`: the risk category of an organisation per kind of control, by ИНН or name. A plain
//! GET form, so it works before (and without) the wasm.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{
    components::{Form, A},
    hooks::use_query_map,
};

use super::{LoadError, Pager};
use crate::api::catalogue::risk_lookup;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn RiskPage() -> AnyView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let page = super::page_param();
    let found = Resource::new(
        move || (q.get(), page.get()),
        |(q, page)| async move {
            if q.trim().is_empty() {
                Ok(None)
            } else {
                risk_lookup(q, page).await.map(Some)
            }
        },
    );
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, catalogue.risk_title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, catalogue.risk_description) />
        <h1>{t!(i18n, catalogue.risk_title)}</h1>
        <p class="lead">{t!(i18n, catalogue.risk_lead)}</p>
        <Form
            method="GET"
            action="/risk"
            attr:class="form search-form"
            on_form_data=super::search::drop_unnamed()
        >
            <div class="field">
                <label for="risk-q">{t!(i18n, catalogue.risk_label)}</label>
                <input
                    id="risk-q"
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
                match found.await {
                    Ok(None) => ().into_any(),
                    Ok(Some(paged)) if paged.items.is_empty() => {
                        view! { <p class="notice">{t!(i18n, catalogue.risk_none)}</p> }.into_any()
                    }
                    Ok(Some(paged)) => {
                        view! {
                            <p class="muted">
                                {move || {
                                    format!("{}: {}", t_string!(i18n, catalogue.found), paged.total)
                                }}
                            </p>
                            <ul class="listing">
                                {paged
                                    .items
                                    .into_iter()
                                    .map(|entry| {
                                        view! {
                                            <li class="listing-item">
                                                <h2>{entry.name}</h2>
                                                <p class="muted">"ИНН " {entry.inn}</p>
                                                <ul class="plain">
                                                    {entry
                                                        .risks
                                                        .into_iter()
                                                        .map(|risk| {
                                                            let (kind, category) = (risk.kind, risk.category);
                                                            view! {
                                                                <li>
                                                                    <A href=format!("/kinds/{}", kind.slug)>{kind.name}</A>
                                                                    ": "
                                                                    <strong class=format!(
                                                                        "risk risk-{}",
                                                                        category.as_str(),
                                                                    )>{category.name_ru()}</strong>
                                                                </li>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </ul>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            <Pager base="/risk" page=paged.page pages=paged.pages />
                        }
                            .into_any()
                    }
                    Err(AppError::Transport(_)) => {
                        view! { <p class="notice">{t!(i18n, catalogue.risk_offline)}</p> }
                            .into_any()
                    }
                    Err(AppError::Field { message, .. }) => {
                        // What to fix in the query (a wrong ИНН, too short a name), right under
                        // the form rather than as a failure of the page.
                        view! {
                            <p class="field-error" role="alert">
                                {message}
                            </p>
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
