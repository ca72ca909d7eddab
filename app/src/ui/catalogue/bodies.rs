//! `/bodies` and `/bodies/{slug}`: the control bodies with their contacts, hours and kinds.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_params_map};

use super::{date, LoadError, OfflineCopyNote, Updated};
use crate::api::catalogue::{catalogue_bodies, catalogue_body};
use crate::catalogue::views;
use crate::catalogue::views::BodyPage as Body;
use crate::client::offline_catalogue::or_device;
use crate::domain::catalogue::WorkingHours;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn BodiesPage() -> AnyView {
    let i18n = use_i18n();
    let bodies = OnceResource::new(async {
        or_device(catalogue_bodies().await, |s| Some(views::bodies(s))).await
    });
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, catalogue.bodies_title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, catalogue.bodies_description) />
        <h1>{t!(i18n, catalogue.bodies_title)}</h1>
        <OfflineCopyNote />
        <Suspense fallback=move || {
            view! { <p class="muted">{t!(i18n, loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match bodies.await {
                    Ok(list) => {
                        view! {
                            <ul class="cards">
                                {list
                                    .into_iter()
                                    .map(|b| {
                                        view! {
                                            <li class="card">
                                                <h2>
                                                    <A href=format!("/bodies/{}", b.slug)>{b.name}</A>
                                                </h2>
                                                <p class="muted">{b.address}</p>
                                                <p>{b.phones.join(", ")}</p>
                                                <p class="muted">
                                                    {b
                                                        .kinds
                                                        .into_iter()
                                                        .map(|k| k.name)
                                                        .collect::<Vec<_>>()
                                                        .join("; ")}
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
    .into_any()
}

#[component]
pub fn BodyDetailPage() -> AnyView {
    let i18n = use_i18n();
    let params = use_params_map();
    let body = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        |slug| async move {
            let online = catalogue_body(slug.clone()).await;
            or_device(online, move |s| views::body(s, &slug)).await
        },
    );
    view! {
        <Suspense fallback=move || {
            view! { <p class="muted">{t!(i18n, loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match body.await {
                    Ok(page) => {
                        view! { <BodyView page=page on_saved=move || body.refetch() /> }.into_any()
                    }
                    Err(error) => view! { <LoadError error=error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn BodyView(page: Body, on_saved: impl Fn() + Copy + Send + Sync + 'static) -> AnyView {
    let i18n = use_i18n();
    let b = page.body;
    let editor = view! { <super::body_edit::BodyEdit body=b.clone() on_saved=on_saved /> };
    let description = format!("{}: контакты, часы приёма, виды контроля.", b.name);
    view! {
        <Title text=b.short_name.clone() />
        <Meta name="description" content=description />
        <article class="catalogue-page">
            <p class="breadcrumbs">
                <A href="/bodies">{t!(i18n, catalogue.bodies_title)}</A>
            </p>
            <h1>{b.name.clone()}</h1>
            <Updated on=page.updated_on />
            {editor}
            <dl class="facts">
                <dt>{t!(i18n, catalogue.head)}</dt>
                <dd>{format!("{} — {}", b.head_name, b.head_position)}</dd>
                <dt>{t!(i18n, catalogue.address)}</dt>
                <dd>{b.address.clone()}</dd>
                <dt>{t!(i18n, catalogue.phones)}</dt>
                <dd>
                    {b
                        .phones
                        .iter()
                        .map(|p| {
                            let tel = format!(
                                "tel:{}",
                                p
                                    .chars()
                                    .filter(|c| c.is_ascii_digit() || *c == '+')
                                    .collect::<String>(),
                            );
                            view! {
                                <a href=tel class="phone">
                                    {p.clone()}
                                </a>
                                " "
                            }
                        })
                        .collect_view()}
                </dd>
                <dt>{t!(i18n, catalogue.email)}</dt>
                <dd>
                    <a href=format!("mailto:{}", b.email)>{b.email.clone()}</a>
                </dd>
                <dt>{t!(i18n, catalogue.website)}</dt>
                <dd>
                    <a href=b.website.clone() rel="noopener">
                        {b.website.clone()}
                    </a>
                </dd>
            </dl>
            <h2>{t!(i18n, catalogue.hours)}</h2>
            <Hours hours=b.hours.clone() />
            {(!b.units.is_empty())
                .then(|| {
                    view! {
                        <h2>{t!(i18n, catalogue.units)}</h2>
                        <ul>
                            {b.units.iter().map(|u| view! { <li>{u.clone()}</li> }).collect_view()}
                        </ul>
                    }
                })}
            <h2>{t!(i18n, catalogue.kinds_of_body)}</h2>
            <ul>
                {page
                    .kinds
                    .into_iter()
                    .map(|k| {
                        view! {
                            <li>
                                <A href=format!("/kinds/{}", k.slug)>{k.name}</A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(!page.news.is_empty())
                .then(|| {
                    view! {
                        <h2>{t!(i18n, catalogue.news_title)}</h2>
                        <ul class="news-list">
                            {page
                                .news
                                .into_iter()
                                .map(|n| {
                                    view! {
                                        <li>
                                            <time datetime=n
                                                .published_on
                                                .clone()>{date(&n.published_on)}</time>
                                            " "
                                            <A href=format!("/news#news-{}", n.id)>{n.title}</A>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
        </article>
    }
    .into_any()
}

/// The week as a table, then the days that differ.
#[component]
fn Hours(hours: WorkingHours) -> AnyView {
    let i18n = use_i18n();
    let week = hours.week.clone();
    view! {
        <table class="hours">
            <tbody>
                {move || {
                    let days = [
                        t_string!(i18n, catalogue.monday),
                        t_string!(i18n, catalogue.tuesday),
                        t_string!(i18n, catalogue.wednesday),
                        t_string!(i18n, catalogue.thursday),
                        t_string!(i18n, catalogue.friday),
                        t_string!(i18n, catalogue.saturday),
                        t_string!(i18n, catalogue.sunday),
                    ];
                    week.iter()
                        .zip(days)
                        .map(|(day, name)| {
                            let text = match day {
                                None => t_string!(i18n, catalogue.day_off).to_owned(),
                                Some(d) => {
                                    match &d.lunch {
                                        Some((from, to)) => {
                                            format!(
                                                "{}–{}, {} {from}–{to}",
                                                d.open,
                                                d.close,
                                                t_string!(i18n, catalogue.lunch),
                                            )
                                        }
                                        None => format!("{}–{}", d.open, d.close),
                                    }
                                }
                            };
                            view! {
                                <tr>
                                    <th scope="row">{name}</th>
                                    <td>{text}</td>
                                </tr>
                            }
                        })
                        .collect_view()
                }}
            </tbody>
        </table>
        {(!hours.holidays.is_empty())
            .then(|| {
                view! {
                    <p class="muted">
                        {t!(i18n, catalogue.holidays)} ": "
                        {hours.holidays.iter().map(|d| date(d)).collect::<Vec<_>>().join(", ")}
                    </p>
                }
            })}
        {(!hours.shortened.is_empty())
            .then(|| {
                view! {
                    <p class="muted">
                        {t!(i18n, catalogue.shortened)} ": "
                        {hours.shortened.iter().map(|d| date(d)).collect::<Vec<_>>().join(", ")}
                    </p>
                }
            })}
    }
    .into_any()
}
