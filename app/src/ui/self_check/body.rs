//! `/cabinet/self-checks`: for a body's manager, the self-assessments businesses sent to the
//! body, and the body's requirements that fail or are found unclear most often.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::percent;
use crate::api::self_check::fetch_body_overview;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn BodySelfChecksPage() -> AnyView {
    let i18n = use_i18n();
    let overview = Resource::new(|| (), |_| fetch_body_overview());
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, self_check.body_title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, self_check.body_title) />
        <h1>{t!(i18n, self_check.body_title)}</h1>
        <Suspense fallback=move || {
            view! { <p class="muted">{t!(i18n, self_check.loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => {
                        view! {
                            <p class="muted">{o.body.clone()}</p>
                            <section class="panel" aria-labelledby="sc-body-list">
                                <h2 id="sc-body-list">{t!(i18n, self_check.body_received)}</h2>
                                {if o.assessments.is_empty() {
                                    view! { <p class="muted">{t!(i18n, self_check.body_none)}</p> }
                                        .into_any()
                                } else {
                                    view! {
                                        <ul class="plain cards">
                                            {o
                                                .assessments
                                                .into_iter()
                                                .map(|a| {
                                                    let share = (a.applicable > 0)
                                                        .then(|| {
                                                            ((a.met * 100 + a.applicable / 2) / a.applicable) as u32
                                                        });
                                                    view! {
                                                        <li class="card">
                                                            <a href=format!(
                                                                "/self-check/report/{}",
                                                                a.id,
                                                            )>{a.organisation.clone()}</a>
                                                            <p class="muted">
                                                                {crate::ui::catalogue::date(&a.submitted_on)} " · "
                                                                {a.kinds.join(", ")} " · " {percent(share)}
                                                                {a
                                                                    .declared_until
                                                                    .map(|d| {
                                                                        format!(
                                                                            " · {} {}",
                                                                            t_string!(i18n, self_check.declaration_until),
                                                                            crate::ui::catalogue::date(&d),
                                                                        )
                                                                    })}
                                                            </p>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                        .into_any()
                                }}
                            </section>
                            <section class="panel" aria-labelledby="sc-body-failing">
                                <h2 id="sc-body-failing">{t!(i18n, self_check.body_failing)}</h2>
                                {if o.failing.is_empty() {
                                    view! { <p class="muted">{t!(i18n, self_check.body_none)}</p> }
                                        .into_any()
                                } else {
                                    view! {
                                        <ol>
                                            {o
                                                .failing
                                                .into_iter()
                                                .map(|f| {
                                                    view! {
                                                        <li>
                                                            {f.requirement} " "
                                                            <span class="muted">
                                                                {format!(
                                                                    "({}: {} {} {})",
                                                                    f.kind,
                                                                    f.failed,
                                                                    t_string!(i18n, self_check.of),
                                                                    f.applicable,
                                                                )}
                                                            </span>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ol>
                                    }
                                        .into_any()
                                }}
                            </section>
                            <section class="panel" aria-labelledby="sc-body-unclear">
                                <h2 id="sc-body-unclear">{t!(i18n, self_check.body_unclear)}</h2>
                                {if o.unclear.is_empty() {
                                    view! { <p class="muted">{t!(i18n, self_check.body_none)}</p> }
                                        .into_any()
                                } else {
                                    view! {
                                        <ol>
                                            {o
                                                .unclear
                                                .into_iter()
                                                .map(|a| {
                                                    view! {
                                                        <li>
                                                            {a.requirement} " "
                                                            <span class="muted">
                                                                {format!(
                                                                    "({} {} · {} {} · n = {})",
                                                                    t_string!(i18n, self_check.clarity_short),
                                                                    figure(a.clarity),
                                                                    t_string!(i18n, self_check.feasibility_short),
                                                                    figure(a.feasibility),
                                                                    a.count.map(|n| n.to_string()).unwrap_or_default(),
                                                                )}
                                                            </span>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ol>
                                    }
                                        .into_any()
                                }}
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <crate::ui::form::ErrorNotice error=error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// A published mean with one decimal; «—» where there is none.
fn figure(value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{v:.1}"))
}
