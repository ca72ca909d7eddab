//! `/discussions`, `/programmes`, `/reports` and `/news`: dated lists, 20 to a page.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

use super::row_edit::{value, AddRow, EditableRow, Values};
use super::{date, page_param, LoadError, Pager};
use crate::api::catalogue::{
    catalogue_discussions, catalogue_news, catalogue_programmes, catalogue_reports,
};
use crate::api::catalogue_edit::{editable_parents, EditRights};
use crate::catalogue::model::{DiscussionRow, NewsRow, ProgrammeRow, ReportRow};
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
    /// Shown under the title: the form that adds an item, for those who may.
    #[prop(optional)]
    children: Option<Children>,
) -> AnyView
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
        <Title text=crate::ui::title::page_title(move || title().to_string()) />
        <Meta name="description" content=move || description() />
        <h1>{move || title()}</h1>
        {children.map(|children| children())}
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
    .into_any()
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
pub fn DiscussionsPage() -> AnyView {
    let i18n = use_i18n();
    let rights = provide_rights();
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
                view! {
                    <EditableRow
                        entity="public_discussion"
                        dom_id=format!("discussion-{}", d.id)
                        class="listing-item"
                        id=d.id.clone()
                        values=discussion_values(&d)
                        editable=may_edit(&l.body.slug)
                        render=discussion
                    >
                        {origin(&l.body, &l.kind)}
                    </EditableRow>
                }
            }
        >
            <AddRow
                entity="public_discussion"
                parents=Signal::derive(move || rights.get().kinds)
                editable=Signal::derive(move || !rights.get().kinds.is_empty())
                render=discussion
                label=Signal::derive(move || t_string!(i18n, catalogue.add_discussion).to_owned())
                dom_prefix="discussion"
                list_class="listing"
                item_class="listing-item"
            />
        </ListPage>
    }
    .into_any()
}

#[component]
pub fn ProgrammesPage() -> AnyView {
    let i18n = use_i18n();
    let rights = provide_rights();
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
                    <EditableRow
                        entity="prevention_programme"
                        dom_id=format!("programme-{}", p.id)
                        class="listing-item"
                        id=p.id.clone()
                        values=programme_values(&p)
                        editable=may_edit(&l.body.slug)
                        render=programme
                    >
                        {origin(&l.body, &l.kind)}
                    </EditableRow>
                }
            }
        >
            <AddRow
                entity="prevention_programme"
                parents=Signal::derive(move || rights.get().kinds)
                editable=Signal::derive(move || !rights.get().kinds.is_empty())
                render=programme
                label=Signal::derive(move || t_string!(i18n, catalogue.add_programme).to_owned())
                dom_prefix="programme"
                list_class="listing"
                item_class="listing-item"
            />
        </ListPage>
    }
    .into_any()
}

#[component]
pub fn ReportsPage() -> AnyView {
    let i18n = use_i18n();
    let rights = provide_rights();
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
                    <EditableRow
                        entity="practice_report"
                        dom_id=format!("report-{}", r.id)
                        class="listing-item"
                        id=r.id.clone()
                        values=report_values(&r)
                        editable=may_edit(&l.body.slug)
                        render=report
                    >
                        {origin(&l.body, &l.kind)}
                    </EditableRow>
                }
            }
        >
            <AddRow
                entity="practice_report"
                parents=Signal::derive(move || rights.get().kinds)
                editable=Signal::derive(move || !rights.get().kinds.is_empty())
                render=report
                label=Signal::derive(move || t_string!(i18n, catalogue.add_report).to_owned())
                dom_prefix="report"
                list_class="listing"
                item_class="listing-item"
            />
        </ListPage>
    }
    .into_any()
}

#[component]
pub fn NewsPage() -> AnyView {
    let i18n = use_i18n();
    let rights = provide_rights();
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
                    <EditableRow
                        entity="news"
                        dom_id=format!("news-{}", n.id)
                        class="listing-item"
                        id=n.id.clone()
                        values=news_values(&n)
                        editable=may_edit(&l.body.slug)
                        render=news
                    >
                        {origin(&l.body, &l.kind)}
                    </EditableRow>
                }
            }
        >
            <AddRow
                entity="news"
                parents=Signal::derive(move || rights.get().bodies)
                editable=Signal::derive(move || !rights.get().bodies.is_empty())
                render=news
                label=Signal::derive(move || t_string!(i18n, catalogue.add_news).to_owned())
                dom_prefix="news"
                list_class="listing"
                item_class="listing-item"
            />
        </ListPage>
    }
    .into_any()
}

/// What the signed-in user may edit, for the items of a list; asked in the browser only.
#[derive(Clone, Copy)]
struct ListRights(Signal<EditRights>);

fn provide_rights() -> Signal<EditRights> {
    // Kept in a plain signal set by an effect (browser only): the items are rendered inside
    // `Suspense`, which would otherwise wait on the server for a resource that loads only in the
    // browser.
    let rights = RwSignal::new(EditRights::default());
    let loaded = LocalResource::new(editable_parents);
    Effect::new(move |_| {
        if let Some(Ok(loaded)) = loaded.get() {
            rights.set(loaded);
        }
    });
    let signal = rights.into();
    provide_context(ListRights(signal));
    signal
}

/// Whether the signed-in user may edit the items of this body.
fn may_edit(body_slug: &str) -> Signal<bool> {
    let rights = use_context::<ListRights>();
    let slug = body_slug.to_owned();
    Signal::derive(move || {
        rights.is_some_and(|r| r.0.with(|r| r.bodies.iter().any(|b| b.slug == slug)))
    })
}

fn discussion_values(d: &DiscussionRow) -> Values {
    vec![
        ("topic", d.topic.clone()),
        ("held_on", d.held_on.clone()),
        ("starts_at", d.starts_at.clone()),
        ("place", d.place.clone()),
        ("link", d.link.clone().unwrap_or_default()),
        ("status", d.status.as_str().to_owned()),
    ]
}

fn discussion(v: &Values, _: &[(String, String)]) -> AnyView {
    let i18n = use_i18n();
    let status = DiscussionStatus::parse(value(v, "status"));
    let status = move || match status {
        Some(DiscussionStatus::Planned) => t_string!(i18n, catalogue.planned),
        Some(DiscussionStatus::Held) => t_string!(i18n, catalogue.held),
        Some(DiscussionStatus::Cancelled) => t_string!(i18n, catalogue.cancelled),
        None => "",
    };
    let held_on = value(v, "held_on").to_owned();
    let link = value(v, "link").to_owned();
    view! {
        <p class="listing-date">
            <time datetime=held_on.clone()>{date(&held_on)}</time>
            {format!(", {} · ", value(v, "starts_at"))}
            <span class="badge">{status}</span>
        </p>
        <h2>{value(v, "topic").to_owned()}</h2>
        <p>{value(v, "place").to_owned()}</p>
        {(!link.is_empty())
            .then(|| {
                view! {
                    <p>
                        <a href=link.clone() rel="noopener">
                            {link.clone()}
                        </a>
                    </p>
                }
            })}
    }
    .into_any()
}

fn programme_values(p: &ProgrammeRow) -> Values {
    vec![
        ("year", p.year.to_string()),
        ("title", p.title.clone()),
        ("document_url", p.document_url.clone()),
        ("measures", p.measures.join("\n")),
    ]
}

fn programme(v: &Values, _: &[(String, String)]) -> AnyView {
    let measures: Vec<String> = value(v, "measures")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    view! {
        <p class="listing-date">{value(v, "year").to_owned()}</p>
        <h2>
            <a href=value(v, "document_url").to_owned() rel="noopener">
                {value(v, "title").to_owned()}
            </a>
        </h2>
        <ul>{measures.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
    }
    .into_any()
}

fn report_values(r: &ReportRow) -> Values {
    vec![
        ("period", r.period.clone()),
        ("summary", r.summary.clone()),
        ("document_url", r.document_url.clone()),
    ]
}

fn report(v: &Values, _: &[(String, String)]) -> AnyView {
    view! {
        <h2>
            <a href=value(v, "document_url").to_owned() rel="noopener">
                {value(v, "period").to_owned()}
            </a>
        </h2>
        <p>{value(v, "summary").to_owned()}</p>
    }
    .into_any()
}

fn news_values(n: &NewsRow) -> Values {
    vec![
        ("published_on", n.published_on.clone()),
        ("title", n.title.clone()),
        ("text", n.text.clone()),
    ]
}

fn news(v: &Values, _: &[(String, String)]) -> AnyView {
    let published_on = value(v, "published_on").to_owned();
    view! {
        <p class="listing-date">
            <time datetime=published_on.clone()>{date(&published_on)}</time>
        </p>
        <h2>{value(v, "title").to_owned()}</h2>
        <p>{value(v, "text").to_owned()}</p>
    }
    .into_any()
}
