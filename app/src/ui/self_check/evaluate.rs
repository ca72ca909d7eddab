//! Evaluating a mandatory requirement (seed 001): clarity and feasibility 1–5, «противоречит
//! другому требованию» pointing to which, the yearly cost of compliance with a small calculator
//! (hours × hourly rate + direct costs), and a proposal. The fields are used inside a
//! self-assessment and on `/requirements/{id}/evaluate`, reached from the catalogue.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use super::{cached_checklists, new_draft_id, roubles};
use crate::client::outbox::{self, use_outbox, Item, ItemStatus};
use crate::domain::self_check::{validate_evaluation, Cost, Evaluation};
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::kinds;
use crate::ui::rate::{now_ms, send};

/// «12,5» or «12.5» or «1 200» as a number; `None` when empty or not a number.
fn number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() {
        None
    } else {
        cleaned.parse().ok().or(Some(f64::NAN))
    }
}

fn shown(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        value.to_string().replace('.', ",")
    }
}

/// A 1–5 scale as radio buttons.
#[component]
fn Scale(
    id: String,
    #[prop(into)] label: Signal<String>,
    value: Signal<u8>,
    set: impl Fn(u8) + Copy + Send + Sync + 'static,
) -> AnyView {
    view! {
        <fieldset class="scale">
            <legend>{label}</legend>
            {(1..=5u8)
                .map(|n| {
                    let input_id = format!("{id}-{n}");
                    let label_for = input_id.clone();
                    view! {
                        <label for=label_for class="scale-point">
                            <input
                                type="radio"
                                id=input_id
                                name=id.clone()
                                value=n.to_string()
                                prop:checked=move || value.get() == n
                                on:change=move |_| set(n)
                            />
                            {n.to_string()}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
    .into_any()
}

/// The evaluation's fields, editing `evaluation` in place. `others`: the requirements it may
/// be said to contradict (id, question).
#[component]
pub fn EvaluationFields(
    evaluation: RwSignal<Evaluation>,
    others: Vec<(String, String)>,
) -> AnyView {
    let i18n = use_i18n();
    let rid = evaluation.get_untracked().requirement_id;
    let prefix = format!("ev-{rid}");
    let initial = evaluation.get_untracked().cost;
    let hours = RwSignal::new(initial.map(|c| shown(c.hours)).unwrap_or_default());
    let rate = RwSignal::new(initial.map(|c| shown(c.hourly_rate)).unwrap_or_default());
    let direct = RwSignal::new(initial.map(|c| shown(c.direct_costs)).unwrap_or_default());
    // The calculator: any figure typed makes a cost; the empty ones count as zero.
    Effect::new(move |_| {
        let (h, r, d) = (hours.get(), rate.get(), direct.get());
        let cost = if h.trim().is_empty() && r.trim().is_empty() && d.trim().is_empty() {
            None
        } else {
            Some(Cost {
                hours: number(&h).unwrap_or(0.0),
                hourly_rate: number(&r).unwrap_or(0.0),
                direct_costs: number(&d).unwrap_or(0.0),
            })
        };
        if evaluation.get_untracked().cost != cost {
            evaluation.update(|e| e.cost = cost);
        }
    });
    let total = move || {
        evaluation.get().cost.map(|c| match c.yearly() {
            Ok(sum) => format!(
                "{} {}",
                t_string!(i18n, self_check.cost_total),
                roubles(sum)
            ),
            Err(problem) => problem.to_string(),
        })
    };
    let problems = move || {
        let e = evaluation.get();
        // Unset scales are the user's next step, not an error yet.
        validate_evaluation(&e)
            .into_iter()
            .filter(|p| {
                !(e.clarity == 0 && *p == crate::domain::self_check::Problem::BadClarity
                    || e.feasibility == 0
                        && *p == crate::domain::self_check::Problem::BadFeasibility)
            })
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
    };
    let contradicts_id = format!("{prefix}-contradicts");
    let proposal_id = format!("{prefix}-proposal");
    view! {
        <div class="evaluation">
            <Scale
                id=format!("{prefix}-clarity")
                label=Signal::derive(move || t_string!(i18n, self_check.clarity).to_owned())
                value=Signal::derive(move || evaluation.get().clarity)
                set=move |n| evaluation.update(|e| e.clarity = n)
            />
            <Scale
                id=format!("{prefix}-feasibility")
                label=Signal::derive(move || t_string!(i18n, self_check.feasibility).to_owned())
                value=Signal::derive(move || evaluation.get().feasibility)
                set=move |n| evaluation.update(|e| e.feasibility = n)
            />
            <div class="field">
                <label for=contradicts_id.clone()>{t!(i18n, self_check.contradicts)}</label>
                <select
                    id=contradicts_id
                    on:change=move |ev| {
                        let value = event_target_value(&ev);
                        evaluation.update(|e| e.contradicts = (!value.is_empty()).then_some(value));
                    }
                >
                    <option value="">{t!(i18n, self_check.contradicts_none)}</option>
                    {others
                        .into_iter()
                        .map(|(id, question)| {
                            let selected = evaluation.get_untracked().contradicts.as_deref()
                                == Some(id.as_str());
                            view! {
                                <option value=id selected=selected>
                                    {question}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <fieldset class="cost">
                <legend>{t!(i18n, self_check.cost)}</legend>
                <div class="cost-fields">
                    <label>
                        {t!(i18n, self_check.cost_hours)}
                        <input inputmode="decimal" name="hours" bind:value=hours />
                    </label>
                    <label>
                        {t!(i18n, self_check.cost_rate)}
                        <input inputmode="decimal" name="rate" bind:value=rate />
                    </label>
                    <label>
                        {t!(i18n, self_check.cost_direct)}
                        <input inputmode="decimal" name="direct" bind:value=direct />
                    </label>
                </div>
                <p class="cost-total" aria-live="polite">
                    {total}
                </p>
            </fieldset>
            <div class="field">
                <label for=proposal_id.clone()>{t!(i18n, self_check.proposal)}</label>
                <textarea
                    id=proposal_id
                    rows="3"
                    prop:value=move || evaluation.get().proposal
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        evaluation.update(|e| e.proposal = text);
                    }
                ></textarea>
            </div>
            <ul class="field-error" role="alert">
                {move || problems().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
            </ul>
        </div>
    }
    .into_any()
}

/// `/requirements/{id}/evaluate`: evaluating one requirement outside a self-assessment. Works
/// offline from the checklists the device keeps; sent through the outbox.
#[component]
pub fn EvaluatePage() -> AnyView {
    let i18n = use_i18n();
    let params = use_params_map();
    let rid = params.get_untracked().get("id").unwrap_or_default();
    let lists = LocalResource::new(|| async { send(cached_checklists()).await });
    let evaluation = RwSignal::new(Evaluation {
        requirement_id: rid.clone(),
        clarity: 0,
        feasibility: 0,
        contradicts: None,
        cost: None,
        proposal: String::new(),
    });
    let queued = RwSignal::new(false);
    let tried = RwSignal::new(false);
    let outbox = use_outbox();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let value = evaluation.get_untracked();
        if !validate_evaluation(&value).is_empty() {
            return;
        }
        let item = Item {
            id: new_draft_id(),
            kind: kinds::REQUIREMENT_EVALUATE.to_owned(),
            title: t_string!(i18n, self_check.evaluation_item).to_owned(),
            payload: serde_json::to_value(&value).unwrap_or_default(),
            status: ItemStatus::Draft,
            op_id: None,
            reason: None,
            result: None,
            updated_ms: now_ms(),
            stamps: Default::default(),
            attempts: 0,
            retry_at_ms: None,
        };
        leptos::task::spawn_local(async move {
            if outbox::submit(item, None).await.is_ok() {
                queued.set(true);
            }
        });
    };
    let rid = StoredValue::new(rid);
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, self_check.evaluate_title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, self_check.evaluate_title) />
        <h1>{t!(i18n, self_check.evaluate_title)}</h1>
        {move || match lists.get() {
            None => view! { <p class="muted">{t!(i18n, self_check.loading)}</p> }.into_any(),
            Some(lists) => {
                let lists = lists.unwrap_or_default();
                let Some(list) = lists
                    .iter()
                    .find(|l| l.questions.iter().any(|q| q.requirement_id == rid.get_value())) else {
                    return view! {
                        <p class="notice">{t!(i18n, self_check.requirement_unknown)}</p>
                    }
                        .into_any();
                };
                let question = list
                    .questions
                    .iter()
                    .find(|q| q.requirement_id == rid.get_value())
                    .cloned();
                let others: Vec<(String, String)> = list
                    .questions
                    .iter()
                    .filter(|q| q.requirement_id != rid.get_value())
                    .map(|q| (q.requirement_id.clone(), q.question.clone()))
                    .collect();
                view! {
                    <p class="muted">{list.kind_name.clone()} " · " {list.body.clone()}</p>
                    {question
                        .map(|q| {
                            view! {
                                <blockquote class="requirement-text">{q.requirement}</blockquote>
                                <p class="muted legal-ref">{q.act} ", " {q.structural_unit}</p>
                            }
                        })}
                    <form class="form panel" on:submit=submit novalidate>
                        <EvaluationFields evaluation=evaluation others=others />
                        <Show when=move || {
                            tried.get() && !validate_evaluation(&evaluation.get()).is_empty()
                        }>
                            <p class="field-error" role="alert">
                                {t!(i18n, self_check.evaluation_incomplete)}
                            </p>
                        </Show>
                        <p class="actions">
                            <button
                                type="submit"
                                class="button primary"
                                prop:disabled=move || queued.get()
                            >
                                {t!(i18n, self_check.evaluation_send)}
                            </button>
                        </p>
                        <Show when=move || queued.get()>
                            <p class="notice" role="status">
                                {t!(i18n, self_check.evaluation_queued)}
                                " "
                                {move || outbox.problem.get()}
                                " "
                                <a href="/drafts">{t!(i18n, feedback.drafts)}</a>
                            </p>
                        </Show>
                    </form>
                }
                    .into_any()
            }
        }}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn figures_are_read_the_way_people_type_them() {
        assert_eq!(number("12,5"), Some(12.5));
        assert_eq!(number(" 1 200 "), Some(1200.0));
        assert_eq!(number(""), None);
        assert!(number("двенадцать").unwrap().is_nan());
    }
}
