//! `/kinds` and `/kinds/{slug}`: kinds of control with everything an entrepreneur needs to know
//! before an inspection: officials, documents requested, acts and their mandatory requirements,
//! risk indicators, FAQ and typical violations.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_params_map};

use super::{date, LoadError, OfflineCopyNote, Updated};
use crate::api::catalogue::{catalogue_kind, catalogue_kinds};
use crate::catalogue::views;
use crate::catalogue::views::KindPage;
use crate::client::offline_catalogue::or_device;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn KindsPage() -> impl IntoView {
    let i18n = use_i18n();
    let kinds = OnceResource::new(async {
        or_device(catalogue_kinds().await, |s| Some(views::kinds(s))).await
    });
    view! {
        <Title text=move || t_string!(i18n, catalogue.kinds_title) />
        <Meta name="description" content=move || t_string!(i18n, catalogue.kinds_description) />
        <h1>{t!(i18n, catalogue.kinds_title)}</h1>
        <OfflineCopyNote />
        <Suspense fallback=move || {
            view! { <p class="muted">{t!(i18n, loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match kinds.await {
                    Ok(list) => {
                        view! {
                            <ul class="cards">
                                {list
                                    .into_iter()
                                    .map(|k| {
                                        view! {
                                            <li class="card">
                                                <h2>
                                                    <A href=format!("/kinds/{}", k.slug)>{k.name}</A>
                                                </h2>
                                                <p class="muted">{k.body.name}</p>
                                                <p class="muted">
                                                    {move || {
                                                        format!(
                                                            "{}: {} · {}: {}",
                                                            t_string!(i18n, catalogue.requirements),
                                                            k.requirements,
                                                            t_string!(i18n, catalogue.faq),
                                                            k.faq,
                                                        )
                                                    }}
                                                </p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <LoadError error=error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn KindDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let kind = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| async move {
            let online = catalogue_kind(slug.clone()).await;
            or_device(online, move |s| views::kind(s, &slug)).await
        },
    );
    view! {
        <Suspense fallback=move || {
            view! { <p class="muted">{t!(i18n, loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match kind.await {
                    Ok(page) => view! { <KindView page=page /> }.into_any(),
                    Err(error) => view! { <LoadError error=error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn KindView(page: KindPage) -> impl IntoView {
    let i18n = use_i18n();
    let k = page.kind;
    let description = k.description.clone();
    // Edit buttons for the body's manager and the admin; asked in the browser only.
    let editable = {
        let slug = k.slug.clone();
        let can =
            LocalResource::new(move || crate::api::catalogue_edit::can_edit_kind(slug.clone()));
        Signal::derive(move || matches!(can.get(), Some(Ok(true))))
    };
    view! {
        <Title text=k.name.clone() />
        <Meta name="description" content=description />
        <article class="catalogue-page">
            <p class="breadcrumbs">
                <A href="/kinds">{t!(i18n, catalogue.kinds_title)}</A>
                " · "
                <A href=format!("/bodies/{}", page.body.slug)>{page.body.name.clone()}</A>
            </p>
            <h1>{k.name.clone()}</h1>
            <Updated on=page.updated_on />
            <p class="lead">{k.description.clone()}</p>
            <nav class="toc" aria-label=move || t_string!(i18n, catalogue.contents)>
                <a href="#officials">{t!(i18n, catalogue.officials)}</a>
                <a href="#documents">{t!(i18n, catalogue.documents)}</a>
                <a href="#acts">{t!(i18n, catalogue.acts)}</a>
                <a href="#indicators">{t!(i18n, catalogue.indicators)}</a>
                <a href="#faq">{t!(i18n, catalogue.faq)}</a>
                <a href="#violations">{t!(i18n, catalogue.violations)}</a>
            </nav>

            <section id="officials" aria-labelledby="officials-title">
                <h2 id="officials-title">{t!(i18n, catalogue.officials)}</h2>
                <ul class="plain">
                    {page
                        .officials
                        .into_iter()
                        .map(|o| {
                            view! {
                                <li>
                                    <strong>{o.full_name}</strong>
                                    ", "
                                    {o.position}
                                    ", "
                                    <a href=format!(
                                        "tel:{}",
                                        o
                                            .phone
                                            .chars()
                                            .filter(|c| c.is_ascii_digit() || *c == '+')
                                            .collect::<String>(),
                                    )>{o.phone.clone()}</a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>

            <section id="documents" aria-labelledby="documents-title">
                <h2 id="documents-title">{t!(i18n, catalogue.documents)}</h2>
                <ol>{page.documents.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ol>
            </section>

            <section id="acts" aria-labelledby="acts-title">
                <h2 id="acts-title">{t!(i18n, catalogue.acts)}</h2>
                {page
                    .acts
                    .into_iter()
                    .map(|a| {
                        view! {
                            <section class="act" id=format!("act-{}", a.act.id)>
                                <h3>
                                    <a href=a.act.url.clone() rel="noopener">
                                        {a.act.title.clone()}
                                    </a>
                                </h3>
                                <p class="muted">
                                    {format!(
                                        "№ {} от {}",
                                        a.act.number,
                                        date(&a.act.adopted_on),
                                    )}
                                </p>
                                <ol class="requirements">
                                    {a
                                        .requirements
                                        .into_iter()
                                        .map(|r| {
                                            view! {
                                                <li id=format!("req-{}", r.id)>
                                                    <p>{r.text}</p>
                                                    <p class="muted">{r.structural_unit}</p>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ol>
                            </section>
                        }
                    })
                    .collect_view()}
            </section>

            <section id="indicators" aria-labelledby="indicators-title">
                <h2 id="indicators-title">{t!(i18n, catalogue.indicators)}</h2>
                <ul>
                    {page.indicators.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}
                </ul>
            </section>

            <section id="faq" aria-labelledby="faq-title">
                <h2 id="faq-title">{t!(i18n, catalogue.faq)}</h2>
                {page
                    .faq
                    .into_iter()
                    .map(|f| view! { <super::faq_edit::FaqEntry faq=f editable=editable /> })
                    .collect_view()}
                <super::faq_edit::AddFaq kind_slug=k.slug.clone() editable=editable />
            </section>

            <section id="violations" aria-labelledby="violations-title">
                <h2 id="violations-title">{t!(i18n, catalogue.violations)}</h2>
                {page
                    .violations
                    .into_iter()
                    .map(|v| {
                        view! {
                            <article class="violation" id=format!("violation-{}", v.violation.id)>
                                <h3>{v.violation.what_goes_wrong}</h3>
                                <p class="muted">{v.reference}</p>
                                <blockquote>{v.requirement}</blockquote>
                                <h4>{t!(i18n, catalogue.how_to_avoid)}</h4>
                                <p>{v.violation.how_to_avoid}</p>
                                <h4>{t!(i18n, catalogue.how_to_fix)}</h4>
                                <p>{v.violation.how_to_fix}</p>
                            </article>
                        }
                    })
                    .collect_view()}
            </section>
        </article>
    }
}
