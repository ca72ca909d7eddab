//! `/ratings`: the public regional rating — bodies by smoothed score with their criteria,
//! the distribution of scores and the monthly trend (inline SVG drawn on the server), the
//! businesses, the anonymised staff and the prevention indicators. Server-rendered whole (the
//! route waits for the data), readable without JavaScript, then hydrated.

pub mod methodology;

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

use crate::api::ratings::ratings_overview;
use crate::domain::rating_stats::{
    BodyScore, BodyStaff, BusinessScore, MonthPoint, Prevention, RatingsSummary,
};
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::ui::catalogue::LoadError;
use crate::ui::charts::{BarChart, LineChart};

/// How many businesses the page lists (the best ones).
pub const BUSINESSES_SHOWN: usize = 50;

/// A figure in the reader's language: «7,25» in Russian, «7.25» in English.
pub fn number(value: f64, locale: Locale) -> String {
    let text = crate::ui::charts::figure(value);
    match locale {
        Locale::ru => text,
        Locale::en => text.replace(',', "."),
    }
}

/// A figure that follows the language switch; a dash for none.
#[component]
fn Num(value: Option<f64>) -> impl IntoView {
    let i18n = use_i18n();
    move || match value {
        Some(v) => number(v, i18n.get_locale()),
        None => "—".to_owned(),
    }
}

/// `2026-11` → `11.2026`.
fn month_name(month: &str) -> String {
    match month.split_once('-') {
        Some((y, m)) => format!("{m}.{y}"),
        None => month.to_owned(),
    }
}

/// `2026-11` → `11.26`, short enough for the axis.
fn month_short(month: &str) -> String {
    match month.split_once('-') {
        Some((y, m)) => format!("{m}.{}", &y[y.len().saturating_sub(2)..]),
        None => month.to_owned(),
    }
}

#[component]
pub fn RatingsPage() -> AnyView {
    let i18n = use_i18n();
    let overview = OnceResource::new(ratings_overview());
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, ratings.title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, ratings.description) />
        <article class="ratings-page">
            <h1>{t!(i18n, ratings.title)}</h1>
            <p class="lead">{t!(i18n, ratings.lead)}</p>
            <p>
                <A href="/ratings/methodology">{t!(i18n, ratings.methodology_link)}</A>
            </p>
            <Suspense fallback=move || {
                view! { <p class="muted">{t!(i18n, loading)}</p> }
            }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(o) => view! { <Overview o=o /> }.into_any(),
                        Err(error) => view! { <LoadError error=error /> }.into_any(),
                    }
                })}
            </Suspense>
        </article>
    }
    .into_any()
}

#[component]
fn Overview(o: RatingsSummary) -> AnyView {
    let i18n = use_i18n();
    let RatingsSummary {
        total,
        regional_mean,
        criteria,
        bodies,
        distribution,
        trend,
        businesses,
        staff,
        prevention,
        ..
    } = o;
    view! {
        <dl class="facts">
            <dt>{t!(i18n, ratings.total)}</dt>
            <dd>
                <Num value=Some(total as f64) />
            </dd>
            <dt>{t!(i18n, ratings.mean)}</dt>
            <dd>
                <Num value=regional_mean />
            </dd>
        </dl>
        <BodiesTable bodies=bodies.clone() criteria=criteria />
        <section aria-labelledby="charts-h">
            <h2 id="charts-h">{t!(i18n, ratings.charts_heading)}</h2>
            <Charts id="region".to_owned() distribution=distribution trend=trend />
            <details class="body-charts">
                <summary>{t!(i18n, ratings.body_charts)}</summary>
                {bodies
                    .into_iter()
                    .filter(|b| b.count > 0)
                    .map(|b| {
                        view! {
                            <h3>{b.name}</h3>
                            <Charts
                                id=format!("body-{}", b.slug)
                                distribution=b.distribution
                                trend=b.trend
                            />
                        }
                    })
                    .collect_view()}
            </details>
        </section>
        <BusinessesTable businesses=businesses />
        <StaffTables staff=staff />
        <PreventionTable prevention=prevention />
        <section aria-labelledby="appeals-h">
            <h2 id="appeals-h">{t!(i18n, ratings.appeals_heading)}</h2>
            <p>{t!(i18n, ratings.appeals_text)}</p>
        </section>
    }
    .into_any()
}

#[component]
fn BodiesTable(bodies: Vec<BodyScore>, criteria: Vec<(String, String, String)>) -> AnyView {
    let i18n = use_i18n();
    let headers = criteria
        .into_iter()
        .map(|(code, ru, en)| {
            view! {
                <th scope="col" class="num" data-criterion=code>
                    {move || match i18n.get_locale() {
                        Locale::ru => ru.clone(),
                        Locale::en => en.clone(),
                    }}
                </th>
            }
        })
        .collect_view();
    let mut place = 0;
    let rows = bodies
        .into_iter()
        .map(|b| {
            let shown_place = b.score.map(|_| {
                place += 1;
                place
            });
            view! {
                <tr>
                    <td class="num">{shown_place}</td>
                    <th scope="row">
                        <A href=format!("/bodies/{}", b.slug)>{b.name}</A>
                    </th>
                    <td class="num score">
                        {match b.score {
                            Some(s) => view! { <Num value=Some(s) /> }.into_any(),
                            None => {
                                view! { <span class="muted">{t!(i18n, ratings.no_ratings)}</span> }
                                    .into_any()
                            }
                        }}
                    </td>
                    <td class="num">
                        <Num value=b.average />
                    </td>
                    <td class="num">{b.count}</td>
                    {b
                        .criteria
                        .into_iter()
                        .map(|c| {
                            view! {
                                <td class="num">
                                    <Num value=c.average />
                                </td>
                            }
                        })
                        .collect_view()}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="bodies-h">
            <h2 id="bodies-h">{t!(i18n, ratings.bodies_heading)}</h2>
            <p class="muted">{t!(i18n, ratings.bodies_caption)}</p>
            <div class="table-scroll" role="region" aria-labelledby="bodies-h" tabindex="0">
                <table class="rating-table">
                    <thead>
                        <tr>
                            <th scope="col" class="num">
                                {t!(i18n, ratings.place)}
                            </th>
                            <th scope="col">{t!(i18n, ratings.body)}</th>
                            <th scope="col" class="num">
                                {t!(i18n, ratings.score)}
                            </th>
                            <th scope="col" class="num">
                                {t!(i18n, ratings.average)}
                            </th>
                            <th scope="col" class="num">
                                {t!(i18n, ratings.count)}
                            </th>
                            {headers}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

/// The distribution of scores and the monthly trend (mean and count).
#[component]
fn Charts(id: String, distribution: Vec<i64>, trend: Vec<MonthPoint>) -> AnyView {
    let i18n = use_i18n();
    let labels: Vec<String> = (1..=distribution.len()).map(|i| i.to_string()).collect();
    let values: Vec<f64> = distribution.iter().map(|&n| n as f64).collect();
    let short: Vec<String> = trend.iter().map(|p| month_short(&p.month)).collect();
    let names: Vec<String> = trend.iter().map(|p| month_name(&p.month)).collect();
    let averages: Vec<Option<f64>> = trend.iter().map(|p| p.average).collect();
    let counts: Vec<f64> = trend.iter().map(|p| p.count as f64).collect();
    view! {
        <div class="charts">
            <figure>
                <BarChart
                    id=format!("dist-{id}")
                    title=t_string!(i18n, ratings.distribution_title).to_owned()
                    labels=labels
                    values=values
                />
                <figcaption>{t!(i18n, ratings.distribution_title)}</figcaption>
            </figure>
            <figure>
                <LineChart
                    id=format!("trend-{id}")
                    title=t_string!(i18n, ratings.trend_title).to_owned()
                    labels=short.clone()
                    names=names.clone()
                    values=averages
                    min=1.0
                    max=10.0
                    empty=t_string!(i18n, ratings.no_ratings).to_owned()
                />
                <figcaption>{t!(i18n, ratings.trend_title)}</figcaption>
            </figure>
            <figure>
                <BarChart
                    id=format!("count-{id}")
                    title=t_string!(i18n, ratings.trend_count_title).to_owned()
                    labels=short
                    names=names
                    values=counts
                />
                <figcaption>{t!(i18n, ratings.trend_count_title)}</figcaption>
            </figure>
        </div>
    }
    .into_any()
}

#[component]
fn BusinessesTable(businesses: Vec<BusinessScore>) -> AnyView {
    let i18n = use_i18n();
    let total = businesses.len();
    let shown = total.min(BUSINESSES_SHOWN);
    view! {
        <section aria-labelledby="businesses-h">
            <h2 id="businesses-h">{t!(i18n, ratings.businesses_heading)}</h2>
            <p class="muted">{t!(i18n, ratings.businesses_caption)}</p>
            {if total == 0 {
                view! { <p>{t!(i18n, ratings.empty)}</p> }.into_any()
            } else {
                view! {
                    <p class="muted">
                        {t!(i18n, ratings.shown)} " " {shown} " " {t!(i18n, ratings.of)} " " {total}
                    </p>
                    <div
                        class="table-scroll"
                        role="region"
                        aria-labelledby="businesses-h"
                        tabindex="0"
                    >
                        <table class="rating-table">
                            <thead>
                                <tr>
                                    <th scope="col" class="num">
                                        {t!(i18n, ratings.place)}
                                    </th>
                                    <th scope="col">{t!(i18n, ratings.organisation)}</th>
                                    <th scope="col" class="num">
                                        {t!(i18n, ratings.score)}
                                    </th>
                                    <th scope="col" class="num">
                                        {t!(i18n, ratings.average)}
                                    </th>
                                    <th scope="col" class="num">
                                        {t!(i18n, ratings.count)}
                                    </th>
                                    <th scope="col">{t!(i18n, ratings.good_faith)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {businesses
                                    .into_iter()
                                    .take(BUSINESSES_SHOWN)
                                    .enumerate()
                                    .map(|(i, b)| {
                                        view! {
                                            <tr>
                                                <td class="num">{i + 1}</td>
                                                <th scope="row">{b.name}</th>
                                                <td class="num score">
                                                    <Num value=b.score />
                                                </td>
                                                <td class="num">
                                                    <Num value=b.average />
                                                </td>
                                                <td class="num">{b.count}</td>
                                                <td>
                                                    {format!(
                                                        "{}: {}{}",
                                                        t_string!(i18n, ratings.self_checks),
                                                        b.self_checks,
                                                        if b.declared {
                                                            t_string!(i18n, ratings.declared)
                                                        } else {
                                                            ""
                                                        },
                                                    )}
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn StaffTables(staff: Vec<BodyStaff>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="staff-h">
            <h2 id="staff-h">{t!(i18n, ratings.staff_heading)}</h2>
            <p class="muted">{t!(i18n, ratings.staff_caption)}</p>
            {if staff.is_empty() {
                view! { <p>{t!(i18n, ratings.staff_none)}</p> }.into_any()
            } else {
                staff
                    .into_iter()
                    .map(|body| {
                        view! {
                            <h3>{body.name}</h3>
                            <div class="table-scroll">
                                <table class="rating-table staff-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, ratings.inspector)}</th>
                                            <th scope="col" class="num">
                                                {t!(i18n, ratings.average)}
                                            </th>
                                            <th scope="col" class="num">
                                                {t!(i18n, ratings.count)}
                                            </th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {body
                                            .staff
                                            .into_iter()
                                            .map(|s| {
                                                view! {
                                                    <tr>
                                                        <th scope="row">{s.label}</th>
                                                        <td class="num">
                                                            <Num value=s.average />
                                                        </td>
                                                        <td class="num">{s.count}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn PreventionTable(prevention: Vec<Prevention>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="prevention-h">
            <h2 id="prevention-h">{t!(i18n, ratings.prevention_heading)}</h2>
            <p class="muted">{t!(i18n, ratings.prevention_caption)}</p>
            <div class="table-scroll" role="region" aria-labelledby="prevention-h" tabindex="0">
                <table class="rating-table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, ratings.body)}</th>
                            <th scope="col" class="num">
                                {t!(i18n, ratings.pm_events)}
                            </th>
                            <th scope="col" class="num">
                                {t!(i18n, ratings.pm_covered)}
                            </th>
                            <th scope="col" class="num">
                                {t!(i18n, ratings.pm_subjects)}
                            </th>
                            <th scope="col" class="num">
                                {t!(i18n, ratings.pm_share)}
                            </th>
                            <th scope="col" class="num">
                                {t!(i18n, ratings.pm_days)}
                            </th>
                        </tr>
                    </thead>
                    <tbody>
                        {prevention
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <tr>
                                        <th scope="row">
                                            <A href=format!("/bodies/{}", p.slug)>{p.name}</A>
                                        </th>
                                        <td class="num">{p.events}</td>
                                        <td class="num">{p.covered}</td>
                                        <td class="num">{p.subjects}</td>
                                        <td class="num">
                                            <Num value=p.share />
                                        </td>
                                        <td class="num">
                                            <Num value=p.average_days />
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_numbers_read_naturally() {
        assert_eq!(month_name("2026-11"), "11.2026");
        assert_eq!(month_short("2026-01"), "01.26");
        assert_eq!(number(7.25, Locale::ru), "7,25");
        assert_eq!(number(7.25, Locale::en), "7.25");
        assert_eq!(number(12.0, Locale::en), "12");
    }
}
