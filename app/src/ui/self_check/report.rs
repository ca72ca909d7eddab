//! The result of a self-assessment: the share of applicable requirements met and the list of
//! gaps, each with how to fix it (the typical violations of the catalogue) and its legal
//! reference. Shown live while filling, and as a printable report of a submitted one at
//! `/self-check/report/{id}` (rendered on the server, so it prints without JavaScript too).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use super::percent;
use crate::api::self_check::fetch_report;
use crate::domain::self_check::{Answer, Submission};
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn ResultView(submission: Signal<Option<Submission>>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <section class="panel result" aria-labelledby="sc-result">
            <h2 id="sc-result">{t!(i18n, self_check.result)}</h2>
            {move || {
                submission
                    .get()
                    .map(|s| {
                        let score = s.score();
                        let gaps: Vec<_> = s
                            .questions()
                            .filter(|q| {
                                s.reply(&q.requirement_id).map(|r| r.answer) == Some(Answer::No)
                            })
                            .cloned()
                            .collect();
                        let summary = match score.percent() {
                            None if score.complete() => {
                                t_string!(i18n, self_check.nothing_applies).to_owned()
                            }
                            _ => {
                                format!(
                                    "{} {} ({} / {})",
                                    t_string!(i18n, self_check.met_share),
                                    percent(score.percent()),
                                    score.met,
                                    score.applicable,
                                )
                            }
                        };
                        view! {
                            <p class="result-summary" data-testid="sc-result">
                                {summary}
                            </p>
                            <Show when=move || !score.complete()>
                                <p class="muted">{t!(i18n, self_check.result_partial)}</p>
                            </Show>
                            <Show when=move || score.fully_met()>
                                <p class="notice notice-success">{t!(i18n, self_check.all_met)}</p>
                            </Show>
                            {(!gaps.is_empty())
                                .then(|| {
                                    view! {
                                        <h3>
                                            {t!(i18n, self_check.gaps)} {format!(" ({})", gaps.len())}
                                        </h3>
                                        <ol class="gaps">
                                            {gaps
                                                .into_iter()
                                                .map(|q| {
                                                    let note = s
                                                        .reply(&q.requirement_id)
                                                        .map(|r| r.note.clone())
                                                        .unwrap_or_default();
                                                    view! {
                                                        <li class="gap">
                                                            <p>
                                                                <strong>{q.requirement.clone()}</strong>
                                                            </p>
                                                            <p class="muted legal-ref">
                                                                {q.act.clone()} ", " {q.structural_unit.clone()}
                                                            </p>
                                                            {(!note.is_empty())
                                                                .then(|| view! { <p class="gap-note">{note}</p> })}
                                                            {if q.fixes.is_empty() {
                                                                view! { <p>{t!(i18n, self_check.no_fix)}</p> }.into_any()
                                                            } else {
                                                                q.fixes
                                                                    .iter()
                                                                    .map(|f| {
                                                                        view! {
                                                                            <p class="fix">
                                                                                <span class="muted">{f.what_goes_wrong.clone()}</span>
                                                                                <br />
                                                                                <strong>{t!(i18n, self_check.how_to_fix)}</strong>
                                                                                " "
                                                                                {f.how_to_fix.clone()}
                                                                            </p>
                                                                        }
                                                                    })
                                                                    .collect_view()
                                                                    .into_any()
                                                            }}
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ol>
                                    }
                                })}
                        }
                    })
            }}
        </section>
    }
    .into_any()
}

/// `/self-check/report/{id}`: a submitted self-assessment, printable.
#[component]
pub fn ReportPage() -> AnyView {
    let i18n = use_i18n();
    let params = use_params_map();
    let report = Resource::new(
        move || params.get().get("id").unwrap_or_default(),
        fetch_report,
    );
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, self_check.report_title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, self_check.report_title) />
        <p class="no-print">
            <a href="/self-check">{t!(i18n, self_check.back)}</a>
        </p>
        <h1>{t!(i18n, self_check.report_title)}</h1>
        <Suspense fallback=move || {
            view! { <p class="muted">{t!(i18n, self_check.loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(report) => {
                        let card = report.card.clone();
                        view! {
                            <dl class="facts">
                                <dt>{t!(i18n, self_check.organisation)}</dt>
                                <dd>{card.organisation.clone()}</dd>
                                <dt>{t!(i18n, self_check.kinds)}</dt>
                                <dd>{card.kinds.join(", ")}</dd>
                                <dt>{t!(i18n, self_check.submitted_on)}</dt>
                                <dd>{crate::ui::catalogue::date(&card.submitted_on)}</dd>
                                <dt>{t!(i18n, self_check.started)}</dt>
                                <dd>{crate::ui::catalogue::date(&report.submission.started_on)}</dd>
                                {card
                                    .declared_until
                                    .clone()
                                    .map(|until| {
                                        view! {
                                            <dt>{t!(i18n, self_check.declaration)}</dt>
                                            <dd data-testid="declared-until">
                                                {t!(i18n, self_check.declaration_until)} " "
                                                {crate::ui::catalogue::date(&until)}
                                            </dd>
                                        }
                                    })}
                                <dt>{t!(i18n, self_check.sent_to_body)}</dt>
                                <dd>
                                    {if card.to_body {
                                        t_string!(i18n, self_check.yes)
                                    } else {
                                        t_string!(i18n, self_check.no)
                                    }}
                                </dd>
                            </dl>
                            <ResultView submission=Signal::stored(
                                Some(report.submission.clone()),
                            ) />
                            <Answers submission=report.submission />
                            <p class="actions no-print">
                                <button
                                    type="button"
                                    class="button"
                                    on:click=move |_| super::fill::print()
                                >
                                    {t!(i18n, self_check.print)}
                                </button>
                            </p>
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

/// Every question with its answer, for the printed report.
#[component]
fn Answers(submission: Submission) -> AnyView {
    let i18n = use_i18n();
    view! {
        <section class="panel" aria-labelledby="sc-answers">
            <h2 id="sc-answers">{t!(i18n, self_check.all_answers)}</h2>
            {submission
                .checklists
                .iter()
                .map(|list| {
                    view! {
                        <h3>{list.kind_name.clone()}</h3>
                        <ol class="answers-list">
                            {list
                                .questions
                                .iter()
                                .map(|q| {
                                    let answer = match submission
                                        .reply(&q.requirement_id)
                                        .map(|r| r.answer)
                                    {
                                        Some(Answer::Yes) => t_string!(i18n, self_check.yes),
                                        Some(Answer::No) => t_string!(i18n, self_check.no),
                                        Some(Answer::Na) => t_string!(i18n, self_check.na),
                                        None => "—",
                                    };
                                    view! {
                                        <li>
                                            {q.question.clone()} " — " <strong>{answer}</strong>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    }
                })
                .collect_view()}
        </section>
    }
    .into_any()
}
