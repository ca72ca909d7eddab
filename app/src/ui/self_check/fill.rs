//! `/self-check/{draft}`: filling a self-assessment on the device. Every answer is saved to
//! IndexedDB at once; the page opens at the first unanswered question; the result (share met,
//! gaps with how to fix them) is computed as the user goes and printable; «Отправить» checks
//! the draft with the server's rule and queues it in the outbox.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use super::evaluate::EvaluationFields;
use super::report::ResultView;
use super::{cached_checklists, draft_item, percent};
use crate::client::draft::DraftLink;
use crate::client::outbox::{self, use_outbox, Item, ItemStatus};
use crate::domain::self_check::{
    self, changes, Answer, Changes, Evaluation, Question, Reply, Submission,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::rate::{send, today, DraftReplaced};

#[component]
pub fn SelfCheckFillPage() -> AnyView {
    let i18n = use_i18n();
    let params = use_params_map();
    let outbox = use_outbox();
    let id = Memo::new(move |_| params.get().get("id").unwrap_or_default());
    let draft = RwSignal::new(None::<Submission>);
    let loaded = RwSignal::new(false);
    let tried = RwSignal::new(false);

    // Where the item stands now: the outbox moves it from queued to sent or rejected.
    let item = Memo::new(move |_| {
        let id = id.get();
        outbox
            .items
            .get()
            .and_then(|items| items.into_iter().find(|i| i.id == id))
    });
    let status = Memo::new(move |_| item.get().map_or(ItemStatus::Draft, |i| i.status));
    let editable =
        Memo::new(move |_| matches!(status.get(), ItemStatus::Draft | ItemStatus::Rejected));

    // The draft on the device, merged with what other tabs change in it.
    let link = DraftLink::new(
        move || {
            if !editable.get_untracked() {
                return None;
            }
            let submission = draft.get_untracked()?;
            Some(draft_item(
                id.get_untracked(),
                &submission,
                status.get_untracked(),
            ))
        },
        move |item: Item| draft.set(serde_json::from_value(item.payload).ok()),
    );
    link.follow(move || Some(id.get()));

    Effect::new(move |_| {
        let id = id.get();
        leptos::task::spawn_local(async move {
            let item = outbox::load(id).await;
            if link.gone() {
                return;
            }
            if let Some(item) = item {
                link.loaded(&item);
                draft.set(serde_json::from_value(item.payload).ok());
            }
            loaded.set(true);
        });
    });

    // Autosave every change while the draft is editable.
    Effect::new(move |previous: Option<()>| {
        let current = draft.get();
        if previous.is_none() || !loaded.get_untracked() || !editable.get_untracked() {
            return;
        }
        if current.is_some() {
            link.changed();
        }
    });

    // Resume where the user left off: once loaded, bring the first unanswered question into view.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) || !loaded.get() {
            return done.unwrap_or(false);
        }
        #[cfg(feature = "hydrate")]
        if let Some(next) = draft
            .get_untracked()
            .and_then(|d| d.next_unanswered().map(|q| q.requirement_id.clone()))
        {
            let answered = draft.get_untracked().map_or(0, |d| d.score().answered);
            if answered > 0 {
                request_animation_frame(move || {
                    if let Some(el) = document().get_element_by_id(&format!("q-{next}")) {
                        el.scroll_into_view();
                    }
                });
            }
        }
        true
    });

    // What changed in the catalogue since the draft was started.
    let current = LocalResource::new(|| async { send(cached_checklists()).await });
    let changed = Memo::new(move |_| {
        let (Some(draft), Some(Some(current))) = (draft.get(), current.get()) else {
            return Changes::default();
        };
        let mut all = Changes::default();
        for started in &draft.checklists {
            if let Some(now) = current.iter().find(|c| c.kind == started.kind) {
                let c = changes(&started.questions, &now.questions);
                all.added.extend(c.added);
                all.removed.extend(c.removed);
                all.changed.extend(c.changed);
            }
        }
        all
    });

    let score = Memo::new(move |_| draft.get().map(|d| d.score()).unwrap_or_default());
    let problems = Memo::new(move |_| {
        draft
            .get()
            .map(|d| self_check::validate(&d, &today()))
            .unwrap_or_default()
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let Some(submission) = draft.get_untracked() else {
            return;
        };
        if !problems.get_untracked().is_empty() {
            return;
        }
        let item = draft_item(id.get_untracked(), &submission, ItemStatus::Draft);
        leptos::task::spawn_local(async move {
            let _ = outbox::submit(item, link.base()).await;
        });
    };
    let set_answer = move |requirement_id: String, answer: Answer| {
        draft.update(|d| {
            if let Some(d) = d {
                match d
                    .replies
                    .iter_mut()
                    .find(|r| r.requirement_id == requirement_id)
                {
                    Some(r) => r.answer = answer,
                    None => d.replies.push(Reply {
                        requirement_id,
                        answer,
                        note: String::new(),
                    }),
                }
            }
        })
    };

    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, self_check.fill_title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, self_check.description) />
        <p class="no-print">
            <a href="/self-check">{t!(i18n, self_check.back)}</a>
        </p>
        {move || {
            if !loaded.get() {
                return view! { <p class="muted">{t!(i18n, self_check.loading)}</p> }.into_any();
            }
            let Some(started) = draft.get_untracked() else {
                return view! {
                    <h1>{t!(i18n, self_check.fill_title)}</h1>
                    <p class="notice">{t!(i18n, self_check.not_on_device)}</p>
                }
                    .into_any();
            };
            let others: Vec<(String, String)> = started
                .questions()
                .map(|q| (q.requirement_id.clone(), q.question.clone()))
                .collect();
            let others = StoredValue::new(others);
            view! {
                <h1>{super::draft_title(&started)}</h1>
                <p class="muted">
                    {t!(i18n, self_check.started)} " "
                    {crate::ui::catalogue::date(&started.started_on)}
                </p>
                <div class="progress-block" role="status" aria-live="polite">
                    <p>
                        {t!(i18n, self_check.answered)} " "
                        <strong data-testid="answered">
                            {move || format!("{} / {}", score.get().answered, score.get().total)}
                        </strong> " · " {t!(i18n, self_check.met_share)} " "
                        <strong data-testid="share">
                            {move || percent(score.get().percent())}
                        </strong>
                    </p>
                    <progress
                        max=move || score.get().total.max(1)
                        value=move || score.get().answered
                        aria-label=move || t_string!(i18n, self_check.progress)
                    ></progress>
                    <span class="muted" data-saved=move || link.saved.get().to_string()>
                        {move || {
                            if link.saved.get() {
                                t_string!(i18n, rate.saved)
                            } else {
                                t_string!(i18n, rate.not_saved)
                            }
                        }}
                    </span>
                    <DraftReplaced link=link />
                </div>
                <Show when=move || !changed.get().is_empty()>
                    <ChangesNotice changes=changed />
                </Show>
                <Show when=move || {
                    editable.get() && score.get().answered > 0 && !score.get().complete()
                }>
                    <p class="no-print">
                        <a href=move || {
                            draft
                                .get()
                                .and_then(|d| {
                                    d.next_unanswered().map(|q| format!("#q-{}", q.requirement_id))
                                })
                                .unwrap_or_default()
                        }>{t!(i18n, self_check.resume)}</a>
                    </p>
                </Show>
                <form class="form self-check" on:submit=submit novalidate>
                    {started
                        .checklists
                        .iter()
                        .map(|list| {
                            view! {
                                <section class="panel checklist" aria-label=list.kind_name.clone()>
                                    <h2>{list.kind_name.clone()}</h2>
                                    <p class="muted">{list.body.clone()}</p>
                                    <ol class="questions">
                                        {list
                                            .questions
                                            .iter()
                                            .cloned()
                                            .map(|q| {
                                                view! {
                                                    <QuestionItem
                                                        question=q
                                                        draft=draft
                                                        editable=editable
                                                        others=others
                                                        set_answer=set_answer
                                                    />
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                </section>
                            }
                        })
                        .collect_view()}
                    <ResultView submission=Signal::derive(move || draft.get()) />
                    <fieldset class="panel no-print">
                        <legend>{t!(i18n, self_check.send_title)}</legend>
                        <label>
                            <input
                                type="checkbox"
                                prop:checked=move || draft.get().is_some_and(|d| d.to_body)
                                prop:disabled=move || !editable.get()
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    draft
                                        .update(|d| {
                                            if let Some(d) = d {
                                                d.to_body = on;
                                            }
                                        });
                                }
                            />
                            {t!(i18n, self_check.to_body)}
                        </label>
                        <label>
                            <input
                                type="checkbox"
                                prop:checked=move || draft.get().is_some_and(|d| d.declare)
                                prop:disabled=move || !editable.get() || !score.get().fully_met()
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    draft
                                        .update(|d| {
                                            if let Some(d) = d {
                                                d.declare = on;
                                            }
                                        });
                                }
                            />
                            {t!(i18n, self_check.declare)}
                        </label>
                        <p class="hint">{t!(i18n, self_check.declare_hint)}</p>
                        <Show when=move || tried.get() && !problems.get().is_empty()>
                            <ul class="field-error" role="alert">
                                {move || {
                                    problems
                                        .get()
                                        .into_iter()
                                        .map(|p| view! { <li>{p.to_string()}</li> })
                                        .collect_view()
                                }}
                            </ul>
                        </Show>
                        <p
                            class="notice notice-error"
                            role="alert"
                            hidden=move || status.get() != ItemStatus::Rejected
                        >
                            {move || item.get().and_then(|i| i.reason)}
                        </p>
                        <p class="actions">
                            <Show when=move || editable.get()>
                                <button type="submit" class="button primary">
                                    {t!(i18n, self_check.submit)}
                                </button>
                            </Show>
                            <button type="button" class="button" on:click=move |_| print()>
                                {t!(i18n, self_check.print)}
                            </button>
                        </p>
                        <SentState
                            status=status
                            item_result=Signal::derive(move || item.get().and_then(|i| i.result))
                        />
                    </fieldset>
                </form>
            }
                .into_any()
        }}
    }
    .into_any()
}

pub(super) fn print() {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().print();
    }
}

/// Queued or sent: what the user can expect, and the report once the server has it.
#[component]
fn SentState(status: Memo<ItemStatus>, item_result: Signal<Option<serde_json::Value>>) -> AnyView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    view! {
        {move || match status.get() {
            ItemStatus::Queued => {
                view! {
                    <p class="notice" role="status" data-testid="sc-state">
                        {t!(i18n, self_check.queued)}
                        " "
                        {move || outbox.problem.get()}
                    </p>
                }
                    .into_any()
            }
            ItemStatus::Sent => {
                let report = item_result
                    .get()
                    .and_then(|r| r["assessment_id"].as_str().map(str::to_owned));
                view! {
                    <p class="notice notice-success" role="status" data-testid="sc-state">
                        {t!(i18n, self_check.sent)}
                        " "
                        {report
                            .map(|id| {
                                view! {
                                    <a href=format!(
                                        "/self-check/report/{id}",
                                    )>{t!(i18n, self_check.open_report)}</a>
                                }
                            })}
                    </p>
                }
                    .into_any()
            }
            _ => ().into_any(),
        }}
    }
    .into_any()
}

/// The questions added, removed or edited since the draft was started; the draft keeps the
/// version it started with.
#[component]
fn ChangesNotice(changes: Memo<Changes>) -> AnyView {
    let i18n = use_i18n();
    let list = move |items: Vec<String>, label: String| {
        (!items.is_empty()).then(|| {
            view! {
                <p>
                    <strong>{label}</strong>
                </p>
                <ul>{items.into_iter().map(|q| view! { <li>{q}</li> }).collect_view()}</ul>
            }
        })
    };
    view! {
        <section class="notice notice-warning" role="note" data-testid="sc-changes">
            <p>{t!(i18n, self_check.changed_lead)}</p>
            {move || {
                let c = changes.get();
                view! {
                    {list(c.added, t_string!(i18n, self_check.changed_added).to_owned())}
                    {list(c.removed, t_string!(i18n, self_check.changed_removed).to_owned())}
                    {list(c.changed, t_string!(i18n, self_check.changed_edited).to_owned())}
                }
            }}
        </section>
    }
    .into_any()
}

/// One question: the answer, an optional note, and (folded) the evaluation of the requirement.
#[component]
fn QuestionItem(
    question: Question,
    draft: RwSignal<Option<Submission>>,
    editable: Memo<bool>,
    others: StoredValue<Vec<(String, String)>>,
    set_answer: impl Fn(String, Answer) + Copy + Send + Sync + 'static,
) -> AnyView {
    let i18n = use_i18n();
    let rid = StoredValue::new(question.requirement_id.clone());
    let answer = move || {
        draft
            .get()
            .and_then(|d| d.reply(&rid.get_value()).map(|r| r.answer))
    };
    let note = move || {
        draft
            .get()
            .and_then(|d| d.reply(&rid.get_value()).map(|r| r.note.clone()))
            .unwrap_or_default()
    };
    // The evaluation is edited in its own signal and written back into the draft.
    let existing = draft.get_untracked().and_then(|d| {
        d.evaluations
            .iter()
            .find(|e| e.requirement_id == question.requirement_id)
            .cloned()
    });
    let evaluating = RwSignal::new(existing.is_some());
    let evaluation = RwSignal::new(existing.unwrap_or_else(|| Evaluation {
        requirement_id: question.requirement_id.clone(),
        clarity: 0,
        feasibility: 0,
        contradicts: None,
        cost: None,
        proposal: String::new(),
    }));
    Effect::new(move |previous: Option<()>| {
        let value = evaluation.get();
        let on = evaluating.get();
        if previous.is_none() {
            return;
        }
        draft.update(|d| {
            if let Some(d) = d {
                d.evaluations
                    .retain(|e| e.requirement_id != value.requirement_id);
                if on {
                    d.evaluations.push(value);
                }
            }
        });
    });
    let options = [(Answer::Yes, "yes"), (Answer::No, "no"), (Answer::Na, "na")];
    let name = format!("answer-{}", question.requirement_id);
    let others_here: Vec<(String, String)> = others
        .get_value()
        .into_iter()
        .filter(|(id, _)| *id != question.requirement_id)
        .collect();
    view! {
        <li class="question" id=format!("q-{}", question.requirement_id)>
            <fieldset>
                <legend>{question.question.clone()}</legend>
                <p class="muted requirement-text">{question.requirement.clone()}</p>
                <p class="muted legal-ref">
                    {question.act.clone()} ", " {question.structural_unit.clone()}
                </p>
                <div class="answers" role="radiogroup">
                    {options
                        .into_iter()
                        .map(|(value, code)| {
                            let id = format!("{name}-{code}");
                            let label_for = id.clone();
                            let label = match value {
                                Answer::Yes => t_string!(i18n, self_check.yes),
                                Answer::No => t_string!(i18n, self_check.no),
                                Answer::Na => t_string!(i18n, self_check.na),
                            };
                            view! {
                                <label for=label_for class="answer">
                                    <input
                                        type="radio"
                                        id=id
                                        name=name.clone()
                                        value=code
                                        prop:checked=move || answer() == Some(value)
                                        prop:disabled=move || !editable.get()
                                        on:change=move |_| set_answer(rid.get_value(), value)
                                    />
                                    {label}
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
                <Show when=move || answer().is_some()>
                    <details class="note no-print" open=!note().is_empty()>
                        <summary>{t!(i18n, self_check.note)}</summary>
                        <textarea
                            rows="2"
                            aria-label=move || t_string!(i18n, self_check.note)
                            prop:value=note
                            prop:disabled=move || !editable.get()
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                draft
                                    .update(|d| {
                                        if let Some(r) = d
                                            .as_mut()
                                            .and_then(|d| {
                                                d.replies
                                                    .iter_mut()
                                                    .find(|r| r.requirement_id == rid.get_value())
                                            })
                                        {
                                            r.note = text;
                                        }
                                    });
                            }
                        ></textarea>
                    </details>
                </Show>
                <details class="evaluate no-print" open=evaluating.get_untracked()>
                    <summary>{t!(i18n, self_check.evaluate)}</summary>
                    <Show
                        when=move || evaluating.get()
                        fallback=move || {
                            view! {
                                <button
                                    type="button"
                                    class="button"
                                    prop:disabled=move || !editable.get()
                                    on:click=move |_| evaluating.set(true)
                                >
                                    {t!(i18n, self_check.evaluate_start)}
                                </button>
                            }
                        }
                    >
                        <EvaluationFields evaluation=evaluation others=others_here.clone() />
                        <button
                            type="button"
                            class="link-button"
                            prop:disabled=move || !editable.get()
                            on:click=move |_| evaluating.set(false)
                        >
                            {t!(i18n, self_check.evaluate_remove)}
                        </button>
                    </Show>
                </details>
            </fieldset>
        </li>
    }
    .into_any()
}
