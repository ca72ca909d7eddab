//! `/ratings/feedback`: ratings one by one with their comments and the rated party's replies
//! (right to reply), and `/cabinet/ratings`: the manager's alert list of low ratings, their
//! staff by name, and the median time to react.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::api::rating_feedback::{act, low_rating_alerts, reply, reviews, Alert, Review};
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::catalogue::{date, LoadError};
use crate::ui::form::{field_error, FormError};

/// «22.11.2026» for a day, «11.2026» for the month public views show.
fn day_or_month(iso: &str) -> String {
    match iso.split_once('-') {
        Some((year, month)) if month.len() == 2 => format!("{month}.{year}"),
        _ => date(iso),
    }
}

fn type_label(event_type: &str) -> &'static str {
    match event_type {
        "knm" => "КНМ",
        "pm" => "Профилактическое мероприятие",
        _ => "Консультация",
    }
}

#[component]
fn ReviewCard(review: Review, #[prop(optional)] children: Option<Children>) -> AnyView {
    let i18n = use_i18n();
    // A body's rating of a business names neither the business nor its people: beside the
    // business's own rating of the same event it would say who rated the body.
    let by_body = review.side != "business";
    view! {
        <article class="card review" id=format!("rating-{}", review.id)>
            <h3>
                {review.body.clone()}
                {by_body
                    .then(|| {
                        view! {
                            " · "
                            {t!(i18n, privacy.rated_business)}
                        }
                    })} " — " <span class="score">{format!("{:.1}", review.average)}</span>
                " / 10"
            </h3>
            <p class="muted">
                {format!(
                    "{} · {} · {}",
                    type_label(&review.event_type),
                    review.kind,
                    day_or_month(&review.event_date),
                )}
                {review
                    .unconfirmed
                    .then(|| {
                        view! {
                            " "
                            <span class="badge badge-unconfirmed">
                                {t!(i18n, feedback.unconfirmed)}
                            </span>
                            " "
                            {t!(i18n, feedback.unconfirmed_hint)}
                        }
                    })}
            </p>
            <ul class="plain scores">
                {review
                    .scores
                    .iter()
                    .map(|s| {
                        let low = s.score < 5;
                        view! {
                            <li class:low=low>
                                {format!("{}: {}", s.criterion, s.score)}
                                {(!s.reasons.is_empty())
                                    .then(|| {
                                        view! {
                                            " — "
                                            {t!(i18n, feedback.reasons)}
                                            ": "
                                            {s.reasons.join(", ")}
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {match (&review.hidden_reason, &review.comment) {
                (Some(reason), _) => {
                    view! {
                        <p class="notice">{t!(i18n, feedback.hidden)} ": " {reason.clone()}</p>
                    }
                        .into_any()
                }
                (None, Some(comment)) => {
                    view! { <blockquote>{comment.clone()}</blockquote> }.into_any()
                }
                (None, None) => ().into_any(),
            }}
            {review
                .reply
                .clone()
                .map(|text| {
                    view! {
                        <div class="reply">
                            <p class="muted">{t!(i18n, feedback.reply_of_rated)}</p>
                            <p>{text}</p>
                        </div>
                    }
                })}
            {children.map(|c| c())}
        </article>
    }
    .into_any()
}

#[component]
pub fn FeedbackPage() -> AnyView {
    let i18n = use_i18n();
    let session = crate::client::session::use_session();
    // The admin hides abusive text; known in the browser only (pages hold no personal data).
    // A plain signal set by an effect: the who-am-I resource read inside `Suspense` would keep
    // the server waiting for it.
    let admin = RwSignal::new(false);
    Effect::new(move |_| {
        admin.set(session.signed_in().is_some_and(|u| {
            u.roles
                .iter()
                .any(|r| r.role == crate::domain::account::Role::Admin)
        }));
    });
    let is_admin = move || admin.get();
    let query = use_query_map();
    let list = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("body"),
                q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1usize),
            )
        },
        |(body, page)| reviews(body, page),
    );
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, feedback.title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, feedback.description) />
        <h1>{t!(i18n, feedback.title)}</h1>
        <p class="lead">{t!(i18n, feedback.lead)}</p>
        <Suspense fallback=move || {
            view! { <p class="muted">{t!(i18n, loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(items) if items.is_empty() => {
                        view! { <p class="muted">{t!(i18n, feedback.empty)}</p> }.into_any()
                    }
                    Ok(items) => {
                        view! {
                            <div class="reviews">
                                {items
                                    .into_iter()
                                    .map(|r| {
                                        let id = r.id.clone();
                                        let hidden = r.hidden_reason.is_some();
                                        view! {
                                            <ReviewCard review=r>
                                                <Show when=move || is_admin() && !hidden>
                                                    <HideForm rating_id=id.clone() />
                                                </Show>
                                            </ReviewCard>
                                        }
                                    })
                                    .collect_view()}
                            </div>
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
pub fn ManagerRatingsPage() -> AnyView {
    let i18n = use_i18n();
    let data = LocalResource::new(low_rating_alerts);
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, feedback.alerts_title).to_string()
        }) />
        <h1>{t!(i18n, feedback.alerts_title)}</h1>
        {move || match data.get() {
            None => view! { <p class="muted">{t!(i18n, loading)}</p> }.into_any(),
            Some(Err(error)) => view! { <LoadError error=error /> }.into_any(),
            Some(Ok(a)) => {
                view! {
                    <p class="lead">{a.body.clone()}</p>
                    <dl class="figures">
                        <div>
                            <dt>{t!(i18n, feedback.unanswered)}</dt>
                            <dd data-unanswered=a.unanswered.to_string()>{a.unanswered}</dd>
                        </div>
                        <div>
                            <dt>{t!(i18n, feedback.median_reaction)}</dt>
                            <dd>
                                {a
                                    .median_reaction_hours
                                    .map(|h| format!("{h:.1} ч"))
                                    .unwrap_or_else(|| "—".to_owned())}
                            </dd>
                        </div>
                    </dl>
                    <section aria-labelledby="staff-title">
                        <h2 id="staff-title">{t!(i18n, feedback.staff)}</h2>
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, feedback.name)}</th>
                                    <th scope="col">{t!(i18n, feedback.count)}</th>
                                    <th scope="col">{t!(i18n, feedback.average)}</th>
                                    <th scope="col">{t!(i18n, feedback.low)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {a
                                    .staff
                                    .iter()
                                    .map(|s| {
                                        view! {
                                            <tr>
                                                <td>{s.name.clone()}</td>
                                                <td>{s.count}</td>
                                                <td>
                                                    {s
                                                        .average
                                                        .map(|v| format!("{v:.1}"))
                                                        .unwrap_or_else(|| "—".into())}
                                                </td>
                                                <td>{s.low}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </section>
                    <section aria-labelledby="alerts-title">
                        <h2 id="alerts-title">{t!(i18n, feedback.alerts)}</h2>
                        {a
                            .alerts
                            .into_iter()
                            .map(|alert| view! { <AlertCard alert=alert /> })
                            .collect_view()}
                    </section>
                }
                    .into_any()
            }
        }}
    }
    .into_any()
}

#[component]
fn AlertCard(alert: Alert) -> AnyView {
    let i18n = use_i18n();
    let id = StoredValue::new(alert.review.id.clone());
    let answered = alert.review.reply.is_some();
    let reply_text = RwSignal::new(String::new());
    let note_text = RwSignal::new(String::new());
    let send_reply = Action::new(|(id, text): &(String, String)| reply(id.clone(), text.clone()));
    let send_note = Action::new(|(id, note): &(String, String)| act(id.clone(), note.clone()));
    let replied = RwSignal::new(None::<String>);
    let noted = RwSignal::new(Vec::<String>::new());
    Effect::new(move |_| {
        if let Some(Ok(())) = send_reply.value().get() {
            replied.set(Some(reply_text.get_untracked()));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = send_note.value().get() {
            noted.update(|n| n.push(note_text.get_untracked()));
            note_text.set(String::new());
        }
    });
    let reply_error = Signal::derive(move || send_reply.value().get().and_then(Result::err));
    let note_error = Signal::derive(move || send_note.value().get().and_then(Result::err));
    let reply_field = Signal::derive(field_error(reply_error, "text"));
    let inspectors = alert.inspectors.join(", ");
    let actions = alert.actions.clone();
    let reacted = alert.reacted_after_hours;
    view! {
        <ReviewCard review=alert.review>
            <p class="muted">{t!(i18n, feedback.inspectors)} ": " {inspectors}</p>
            {reacted
                .map(|h| {
                    view! {
                        <p class="muted">
                            {t!(i18n, feedback.reacted_after)} {format!(" {h:.1} ч")}
                        </p>
                    }
                })}
            <ul class="plain">
                {actions.into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}
                {move || noted.get().into_iter().map(|a| view! { <li>{a}</li> }).collect_view()}
            </ul>
            {move || {
                replied
                    .get()
                    .map(|text| {
                        view! {
                            <div class="reply">
                                <p class="muted">{t!(i18n, feedback.reply_of_rated)}</p>
                                <p>{text}</p>
                            </div>
                        }
                    })
            }}
            <Show when=move || !answered && replied.get().is_none()>
                <form
                    class="form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        send_reply.dispatch((id.get_value(), reply_text.get_untracked()));
                    }
                >
                    <div class="field" class:invalid=move || reply_field.get().is_some()>
                        <label for=format!(
                            "reply-{}",
                            id.get_value(),
                        )>{t!(i18n, feedback.public_reply)}</label>
                        <textarea
                            id=format!("reply-{}", id.get_value())
                            rows="3"
                            bind:value=reply_text
                        ></textarea>
                        <p class="field-error" role="alert">
                            {move || reply_field.get()}
                        </p>
                    </div>
                    <button
                        type="submit"
                        class="button primary"
                        disabled=move || send_reply.pending().get()
                    >
                        {t!(i18n, feedback.publish)}
                    </button>
                </form>
            </Show>
            <form
                class="form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    send_note.dispatch((id.get_value(), note_text.get_untracked()));
                }
            >
                <div class="field">
                    <label for=format!(
                        "note-{}",
                        id.get_value(),
                    )>{t!(i18n, feedback.internal_action)}</label>
                    <input id=format!("note-{}", id.get_value()) bind:value=note_text />
                </div>
                <FormError error=note_error />
                <button type="submit" class="button" disabled=move || send_note.pending().get()>
                    {t!(i18n, feedback.record)}
                </button>
            </form>
        </ReviewCard>
    }
    .into_any()
}

/// The admin's form that hides the text of an abusive rating, with the reason shown instead.
#[component]
fn HideForm(rating_id: String) -> AnyView {
    let i18n = use_i18n();
    let id = StoredValue::new(rating_id);
    let reason = RwSignal::new(String::new());
    let action = Action::new(|(id, reason): &(String, String)| {
        crate::api::rating_feedback::hide(id.clone(), reason.clone())
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let field = Signal::derive(field_error(error, "reason"));
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <Show
            when=move || !done()
            fallback=move || {
                view! {
                    <p class="notice">{t!(i18n, feedback.hidden)} ": " {move || reason.get()}</p>
                }
            }
        >
            <form
                class="form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    action.dispatch((id.get_value(), reason.get_untracked()));
                }
            >
                <div class="field" class:invalid=move || field.get().is_some()>
                    <label for=format!(
                        "hide-{}",
                        id.get_value(),
                    )>{t!(i18n, feedback.hide_reason)}</label>
                    <input id=format!("hide-{}", id.get_value()) bind:value=reason />
                    <p class="field-error" role="alert">
                        {move || field.get()}
                    </p>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {t!(i18n, feedback.hide)}
                </button>
            </form>
        </Show>
    }
    .into_any()
}

/// `/cabinet/rating-criteria`: the admin manages the criteria and the reasons for a low score.
#[component]
pub fn ReferencePage() -> AnyView {
    use crate::api::rating::{reference, ReferenceEntry};
    let i18n = use_i18n();
    let list = LocalResource::new(reference);
    let blank = || ReferenceEntry {
        list: "criterion".into(),
        side: "business".into(),
        code: String::new(),
        title_ru: String::new(),
        title_en: String::new(),
        position: 100,
        active: true,
    };
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, feedback.reference_title).to_string()
        }) />
        <h1>{t!(i18n, feedback.reference_title)}</h1>
        <p class="lead">{t!(i18n, feedback.reference_lead)}</p>
        {move || match list.get() {
            None => view! { <p class="muted">{t!(i18n, loading)}</p> }.into_any(),
            Some(Err(error)) => view! { <LoadError error=error /> }.into_any(),
            Some(Ok(entries)) => {
                view! {
                    <div class="reference">
                        {entries
                            .into_iter()
                            .map(|e| {
                                view! { <ReferenceForm entry=e on_saved=move || list.refetch() /> }
                            })
                            .collect_view()}
                    </div>
                    <h2>{t!(i18n, feedback.add_entry)}</h2>
                    <ReferenceForm entry=blank() on_saved=move || list.refetch() />
                }
                    .into_any()
            }
        }}
    }
    .into_any()
}

#[component]
fn ReferenceForm(
    entry: crate::api::rating::ReferenceEntry,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
) -> AnyView {
    use crate::api::rating::save_reference;
    let i18n = use_i18n();
    let key = format!("{}-{}-{}", entry.list, entry.side, entry.code);
    let list = RwSignal::new(entry.list.clone());
    let side = RwSignal::new(entry.side.clone());
    let code = RwSignal::new(entry.code.clone());
    let title_ru = RwSignal::new(entry.title_ru.clone());
    let title_en = RwSignal::new(entry.title_en.clone());
    let position = RwSignal::new(entry.position.to_string());
    let active = RwSignal::new(entry.active);
    let is_new = entry.code.is_empty();
    let action =
        Action::new(move |e: &crate::api::rating::ReferenceEntry| save_reference(e.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            on_saved();
        }
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch(crate::api::rating::ReferenceEntry {
            list: list.get_untracked(),
            side: side.get_untracked(),
            code: code.get_untracked(),
            title_ru: title_ru.get_untracked(),
            title_en: title_en.get_untracked(),
            position: position.get_untracked().trim().parse().unwrap_or(-1),
            active: active.get_untracked(),
        });
    };
    let key = StoredValue::new(key);
    let id = move |f: &str| format!("{f}-{}", key.get_value());
    view! {
        <form class="form panel reference-entry" on:submit=submit novalidate>
            <Show when=move || is_new>
                <div class="field">
                    <label for=id("list")>{t!(i18n, feedback.list)}</label>
                    <select id=id("list") bind:value=list>
                        <option value="criterion">{t!(i18n, feedback.list_criterion)}</option>
                        <option value="reason">{t!(i18n, feedback.list_reason)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for=id("side")>{t!(i18n, feedback.side)}</label>
                    <select id=id("side") bind:value=side>
                        <option value="business">{t!(i18n, feedback.side_business)}</option>
                        <option value="body">{t!(i18n, feedback.side_body)}</option>
                    </select>
                </div>
                <div class="field">
                    <label for=id("code")>{t!(i18n, feedback.code)}</label>
                    <input id=id("code") bind:value=code autocomplete="off" />
                </div>
            </Show>
            <Show when=move || !is_new>
                <p class="muted">
                    {move || format!("{} · {} · {}", list.get(), side.get(), code.get())}
                </p>
            </Show>
            <div class="field">
                <label for=id("ru")>{t!(i18n, feedback.title_ru)}</label>
                <input id=id("ru") bind:value=title_ru />
            </div>
            <div class="field">
                <label for=id("en")>{t!(i18n, feedback.title_en)}</label>
                <input id=id("en") bind:value=title_en />
            </div>
            <div class="field">
                <label for=id("pos")>{t!(i18n, feedback.position)}</label>
                <input id=id("pos") inputmode="numeric" bind:value=position />
            </div>
            <label class="check">
                <input type="checkbox" bind:checked=active />
                {t!(i18n, feedback.active)}
            </label>
            <FormError error=error />
            <button type="submit" class="button" disabled=move || action.pending().get()>
                {t!(i18n, feedback.save)}
            </button>
        </form>
    }
    .into_any()
}
