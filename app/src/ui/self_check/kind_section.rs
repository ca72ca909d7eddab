//! The kind page's checklist section: the self-assessment questions of the kind, what
//! businesses think of each requirement (published figures of seed 001), a link to evaluate it,
//! and for the body's manager and the admin a way to reword a question.

use leptos::prelude::*;

use super::{percent, roubles};
use crate::api::self_check::{checklists, evaluations, reword};
use crate::domain::self_check::{Aggregate, Question};
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn KindChecklist(slug: String, editable: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let version = RwSignal::new(0u32);
    let slug = StoredValue::new(slug);
    let data = Resource::new(
        move || version.get(),
        move |_| async move {
            let slug = slug.get_value();
            let lists = checklists(vec![slug.clone()]).await?;
            let figures = evaluations(slug).await?;
            Ok::<_, crate::error::AppError>((lists.into_iter().next(), figures))
        },
    );
    view! {
        <section id="checklist" aria-labelledby="checklist-title">
            <h2 id="checklist-title">{t!(i18n, self_check.kind_section)}</h2>
            <p>
                {t!(i18n, self_check.kind_lead)} " "
                <a href="/self-check">{t!(i18n, self_check.kind_start)}</a>
            </p>
            <Suspense fallback=move || {
                view! { <p class="muted">{t!(i18n, self_check.loading)}</p> }
            }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok((Some(list), figures)) => {
                            view! {
                                <ol class="questions checklist-public">
                                    {list
                                        .questions
                                        .into_iter()
                                        .map(|q| {
                                            let figure = figures
                                                .iter()
                                                .find(|a| a.requirement_id == q.requirement_id)
                                                .cloned();
                                            view! {
                                                <PublicQuestion
                                                    question=q
                                                    figure=figure
                                                    editable=editable
                                                    version=version
                                                />
                                            }
                                        })
                                        .collect_view()}
                                </ol>
                            }
                                .into_any()
                        }
                        Ok((None, _)) => {
                            view! { <p class="muted">{t!(i18n, self_check.body_none)}</p> }
                                .into_any()
                        }
                        Err(error) => {
                            view! { <crate::ui::form::ErrorNotice error=error /> }.into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

/// «Понятность 3,4 · выполнимость 2,9 · противоречит: 8 % · медианные затраты 12 000 ₽/год ·
/// оценок: 12», or «меньше 5 оценок» while the figures are withheld (never zeros).
fn figures_line(a: &Aggregate, i18n: leptos_i18n::I18nContext<crate::i18n::Locale>) -> String {
    let (Some(count), Some(clarity), Some(feasibility), Some(share)) =
        (a.count, a.clarity, a.feasibility, a.contradictory_share)
    else {
        return t_string!(i18n, privacy.too_few).to_owned();
    };
    let mut parts = vec![
        format!(
            "{} {:.1}",
            t_string!(i18n, self_check.clarity_short),
            clarity
        ),
        format!(
            "{} {:.1}",
            t_string!(i18n, self_check.feasibility_short),
            feasibility
        ),
        format!(
            "{} {}",
            t_string!(i18n, self_check.contradictory),
            percent(Some((share * 100.0).round() as u32))
        ),
    ];
    if let Some(cost) = a.median_cost {
        parts.push(format!(
            "{} {}",
            t_string!(i18n, self_check.median_cost),
            roubles(cost)
        ));
    }
    parts.push(format!(
        "{} {}",
        t_string!(i18n, self_check.evaluations_count),
        count
    ));
    // Russian decimals take a comma.
    parts.join(" · ").replace('.', ",")
}

#[component]
fn PublicQuestion(
    question: Question,
    figure: Option<Aggregate>,
    editable: Signal<bool>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let text = RwSignal::new(question.question.clone());
    let error = RwSignal::new(None::<String>);
    let rid = StoredValue::new(question.requirement_id.clone());
    let save = move |restore: bool| {
        let wording = if restore {
            String::new()
        } else {
            text.get_untracked()
        };
        leptos::task::spawn_local(async move {
            match crate::ui::rate::send(reword(rid.get_value(), wording)).await {
                Ok(()) => {
                    editing.set(false);
                    error.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(crate::ui::form::error_message(&e))),
            }
        });
    };
    let input_id = StoredValue::new(format!("reword-{}", question.requirement_id));
    view! {
        <li class="question" id=format!("cq-{}", question.requirement_id)>
            <p>
                <strong>{question.question.clone()}</strong>
            </p>
            <p class="muted legal-ref">
                {question.act.clone()} ", " {question.structural_unit.clone()}
            </p>
            <p class="figures" data-withheld=figure.as_ref().map(|a| a.withheld.to_string())>
                {match &figure {
                    Some(a) => figures_line(a, i18n),
                    None => t_string!(i18n, self_check.no_evaluations).to_owned(),
                }}
                " · "
                <a href=format!(
                    "/requirements/{}/evaluate",
                    question.requirement_id,
                )>{t!(i18n, self_check.evaluate_start)}</a>
            </p>
            <Show when=move || editable.get()>
                <Show
                    when=move || editing.get()
                    fallback=move || {
                        view! {
                            <button
                                type="button"
                                class="link-button"
                                on:click=move |_| editing.set(true)
                            >
                                {t!(i18n, self_check.reword)}
                            </button>
                        }
                    }
                >
                    <div class="field" class:invalid=move || error.get().is_some()>
                        <label for=input_id.get_value()>{t!(i18n, self_check.reword_label)}</label>
                        <textarea
                            id=input_id.get_value()
                            rows="2"
                            prop:value=move || text.get()
                            on:input=move |ev| text.set(event_target_value(&ev))
                        ></textarea>
                        <p class="field-error" role="alert">
                            {move || error.get()}
                        </p>
                    </div>
                    <p class="actions">
                        <button type="button" class="button primary" on:click=move |_| save(false)>
                            {t!(i18n, self_check.reword_save)}
                        </button>
                        <button type="button" class="button" on:click=move |_| save(true)>
                            {t!(i18n, self_check.reword_restore)}
                        </button>
                        <button
                            type="button"
                            class="link-button"
                            on:click=move |_| editing.set(false)
                        >
                            {t!(i18n, self_check.reword_cancel)}
                        </button>
                    </p>
                </Show>
            </Show>
        </li>
    }
}
