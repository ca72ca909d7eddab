//! `/discussions`, `/programmes`, `/reports` and `/news`: dated lists, 20 to a page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

use super::{date, page_param, LoadError, Pager};
use crate::api::catalogue::{
    catalogue_discussions, catalogue_news, catalogue_programmes, catalogue_reports,
};
use crate::catalogue::views::{self, Link, Listed, Paged};
use crate::client::offline_catalogue::or_device;
use crate::domain::catalogue::DiscussionStatus;
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};

/// Title, description, the loaded page of items and how to show one item.
#[component]
fn ListPage<T, Fut, F, V>(
    base: &'static str,
    title: impl Fn() -> &'static str + Copy + Send + Sync + 'static,
    description: impl Fn() -> &'static str + Copy + Send + Sync + 'static,
    load: F,
    item: fn(Listed<T>) -> V,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<Paged<Listed<T>>, AppError>> + Send + 'static,
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    let page = page_param();
    let data = Resource::new(move || page.get(), load);
    view! {
        <Title text=move || title() />
        <Meta name="description" content=move || description() />
        <h1>{move || title()}</h1>
        <Suspense fallback=move || {
            view! { <p class="muted">{t!(i18n, loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(paged) => {
                        let empty = paged.items.is_empty();
                        view! {
                            <Show when=move || empty>
                                <p class="muted">{t!(i18n, catalogue.empty)}</p>
                            </Show>
                            <ul class="listing">
                                {paged.items.into_iter().map(item).collect_view()}
                            </ul>
                            <Pager base=base page=paged.page pages=paged.pages />
                        }
                            .into_any()
                    }
                    Err(error) => view! { <LoadError error=error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// «Орган · вид контроля» under an item.
fn origin(body: &Link, kind: &Option<Link>) -> impl IntoView {
    let (body, kind) = (body.clone(), kind.clone());
    view! {
        <p class="muted">
            <A href=format!("/bodies/{}", body.slug)>{body.name}</A>
            {kind
                .map(|k| {
                    view! {
                        " · "
                        <A href=format!("/kinds/{}", k.slug)>{k.name}</A>
                    }
                })}
        </p>
    }
}

#[component]
pub fn DiscussionsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ListPage
            base="/discussions"
            title=move || t_string!(i18n, catalogue.discussions_title)
            description=move || t_string!(i18n, catalogue.discussions_description)
            load=|page| async move {
                or_device(
                        catalogue_discussions(page).await,
                        move |s| Some(Paged::of(&views::discussions(s), page)),
                    )
                    .await
            }
            item=|l| {
                let d = l.item;
                let i18n = use_i18n();
                let status = move || match d.status {
                    DiscussionStatus::Planned => t_string!(i18n, catalogue.planned),
                    DiscussionStatus::Held => t_string!(i18n, catalogue.held),
                    DiscussionStatus::Cancelled => t_string!(i18n, catalogue.cancelled),
                };
                view! {
                    <li id=format!("discussion-{}", d.id) class="listing-item">
                        <p class="listing-date">
                            <time datetime=d.held_on.clone()>{date(&d.held_on)}</time>
                            {format!(", {} · ", d.starts_at)}
                            <span class="badge">{status}</span>
                        </p>
                        <h2>{d.topic}</h2>
                        <p>{d.place}</p>
                        {d
                            .link
                            .map(|link| {
                                view! {
                                    <p>
                                        <a href=link.clone() rel="noopener">
                                            {link.clone()}
                                        </a>
                                    </p>
                                }
                            })}
                        {origin(&l.body, &l.kind)}
                    </li>
                }
            }
        />
    }
}

#[component]
pub fn ProgrammesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ListPage
            base="/programmes"
            title=move || t_string!(i18n, catalogue.programmes_title)
            description=move || t_string!(i18n, catalogue.programmes_description)
            load=|page| async move {
                or_device(
                        catalogue_programmes(page).await,
                        move |s| Some(Paged::of(&views::programmes(s), page)),
                    )
                    .await
            }
            item=|l| {
                let p = l.item;
                view! {
                    <li id=format!("programme-{}", p.id) class="listing-item">
                        <p class="listing-date">{p.year}</p>
                        <h2>
                            <a href=p.document_url.clone() rel="noopener">
                                {p.title}
                            </a>
                        </h2>
                        <ul>
                            {p.measures.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                        </ul>
                        {origin(&l.body, &l.kind)}
                    </li>
                }
            }
        />
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ListPage
            base="/reports"
            title=move || t_string!(i18n, catalogue.reports_title)
            description=move || t_string!(i18n, catalogue.reports_description)
            load=|page| async move {
                or_device(
                        catalogue_reports(page).await,
                        move |s| Some(Paged::of(&views::reports(s), page)),
                    )
                    .await
            }
            item=|l| {
                let r = l.item;
                view! {
                    <li id=format!("report-{}", r.id) class="listing-item">
                        <h2>
                            <a href=r.document_url.clone() rel="noopener">
                                {r.period}
                            </a>
                        </h2>
                        <p>{r.summary}</p>
                        {origin(&l.body, &l.kind)}
                    </li>
                }
            }
        />
    }
}

#[component]
pub fn NewsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ListPage
            base="/news"
            title=move || t_string!(i18n, catalogue.news_title)
            description=move || t_string!(i18n, catalogue.news_description)
            load=|page| async move {
                or_device(
                        catalogue_news(page).await,
                        move |s| Some(Paged::of(&views::news(s), page)),
                    )
                    .await
            }
            item=|l| {
                let n = l.item;
                view! {
                    <li id=format!("news-{}", n.id) class="listing-item">
                        <p class="listing-date">
                            <time datetime=n.published_on.clone()>{date(&n.published_on)}</time>
                        </p>
                        <h2>{n.title}</h2>
                        <p>{n.text}</p>
                        {origin(&l.body, &l.kind)}
                    </li>
                }
            }
        />
    }
}
