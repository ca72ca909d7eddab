//! `/rate` and `/rate/{draft}`: rating an event, on the device, with or without network. The
//! draft is saved to IndexedDB on every change; «Отправить» checks it with the same rule the
//! server applies and puts it in the outbox. `/drafts` lists what the device holds.

mod manual;

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::rating::{find_event, my_events, rating_criteria, EventCard};
use crate::client::draft::DraftLink;
use crate::client::outbox::{self, use_outbox, Item, ItemStatus};
use crate::client::session::use_session;
use crate::domain::account::Role;
use crate::domain::erknm;
use crate::domain::rating::{
    self, Criteria, EventRef, EventType, Problem, ReferenceItem, Score, Side, Submission, LOW_SCORE,
};
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n, Locale};
use crate::sync::kinds;

/// The criteria from the server, remembered on the device for drafting offline.
async fn criteria() -> Option<Criteria> {
    let online = rating_criteria().await.ok();
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        const KEY: &str = "knd.rating.criteria";
        match online {
            Some(criteria) => {
                let _ = gloo_storage::LocalStorage::set(KEY, &criteria);
                Some(criteria)
            }
            None => gloo_storage::LocalStorage::get(KEY).ok(),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    online
}

/// The user's events to rate, remembered on the device so they can be picked offline.
async fn events_to_rate() -> Vec<EventCard> {
    let online = my_events().await.ok();
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        const KEY: &str = "knd.rating.events";
        match online {
            Some(events) => {
                let _ = gloo_storage::LocalStorage::set(KEY, &events);
                events
            }
            None => gloo_storage::LocalStorage::get(KEY).unwrap_or_default(),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    online.unwrap_or_default()
}

fn type_name(event_type: EventType) -> &'static str {
    match event_type {
        EventType::Knm => "КНМ",
        EventType::Pm => "ПМ",
        EventType::Consultation => "Консультация",
    }
}

fn title_of(item: &ReferenceItem, locale: Locale) -> String {
    if locale == Locale::en {
        item.title_en.clone()
    } else {
        item.title_ru.clone()
    }
}

pub(crate) fn today() -> String {
    #[cfg(feature = "hydrate")]
    {
        let now = js_sys::Date::new_0();
        format!(
            "{:04}-{:02}-{:02}",
            now.get_full_year(),
            now.get_month() + 1,
            now.get_date()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    String::from("9999-12-31")
}

pub(crate) fn now_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    return js_sys::Date::now();
    #[cfg(not(feature = "hydrate"))]
    0.0
}

/// The rating form's state, saved as the draft's payload.
#[derive(Clone, Copy)]
struct Form {
    number: RwSignal<String>,
    side: RwSignal<Side>,
    scores: RwSignal<Vec<Score>>,
    comment: RwSignal<String>,
    /// The event is not in the register: entered by hand (the rating is unconfirmed).
    manual: RwSignal<bool>,
    kind: RwSignal<String>,
    body: RwSignal<String>,
    date: RwSignal<String>,
    event_type: RwSignal<EventType>,
    organisation: RwSignal<String>,
}

impl Form {
    fn new() -> Form {
        Form {
            number: RwSignal::new(String::new()),
            side: RwSignal::new(Side::Business),
            scores: RwSignal::new(Vec::new()),
            comment: RwSignal::new(String::new()),
            manual: RwSignal::new(false),
            kind: RwSignal::new(String::new()),
            body: RwSignal::new(String::new()),
            date: RwSignal::new(String::new()),
            event_type: RwSignal::new(EventType::Knm),
            organisation: RwSignal::new(String::new()),
        }
    }

    fn event(&self) -> EventRef {
        if self.manual.get() && self.side.get() == Side::Business {
            return EventRef::Manual {
                body: self.body.get(),
                kind: self.kind.get(),
                date: self.date.get(),
                event_type: self.event_type.get(),
                organisation_id: self.organisation.get(),
            };
        }
        let typed = self.number.get();
        let number = erknm::parse(&typed)
            .map(|n| n.as_str().to_owned())
            .unwrap_or(typed);
        EventRef::Register { number }
    }

    fn submission(&self) -> Submission {
        Submission {
            side: self.side.get(),
            event: self.event(),
            scores: self.scores.get(),
            comment: self.comment.get(),
        }
    }

    fn fill(&self, submission: Submission) {
        match submission.event {
            EventRef::Register { number } => {
                self.manual.set(false);
                self.number.set(number);
            }
            EventRef::Manual {
                body,
                kind,
                date,
                event_type,
                organisation_id,
            } => {
                self.manual.set(true);
                self.body.set(body);
                self.kind.set(kind);
                self.date.set(date);
                self.event_type.set(event_type);
                self.organisation.set(organisation_id);
            }
        }
        self.side.set(submission.side);
        self.scores.set(submission.scores);
        self.comment.set(submission.comment);
    }

    fn set_score(&self, criterion: &str, value: u8) {
        self.scores.update(
            |scores| match scores.iter_mut().find(|s| s.criterion == criterion) {
                Some(s) => s.score = value,
                None => scores.push(Score {
                    criterion: criterion.to_owned(),
                    score: value,
                    reasons: Vec::new(),
                    note: String::new(),
                }),
            },
        );
    }

    fn toggle_reason(&self, criterion: &str, reason: &str) {
        self.scores.update(|scores| {
            if let Some(s) = scores.iter_mut().find(|s| s.criterion == criterion) {
                if let Some(i) = s.reasons.iter().position(|r| r == reason) {
                    s.reasons.remove(i);
                } else {
                    s.reasons.push(reason.to_owned());
                }
            }
        });
    }

    fn set_note(&self, criterion: &str, note: String) {
        self.scores.update(|scores| {
            if let Some(s) = scores.iter_mut().find(|s| s.criterion == criterion) {
                s.note = note;
            }
        });
    }
}

#[component]
pub fn RatePage() -> AnyView {
    let i18n = use_i18n();
    let params = use_params_map();
    let session = use_session();
    let criteria = LocalResource::new(|| async { send(criteria()).await });
    let form = Form::new();
    // The draft's id: the one in the address, or a new one made when the user starts typing.
    let draft_id = RwSignal::new(params.get_untracked().get("id"));
    let loaded = RwSignal::new(draft_id.get_untracked().is_none());
    let tried = RwSignal::new(false);
    let status = RwSignal::new(ItemStatus::Draft);
    let reason = RwSignal::new(None::<String>);
    // The draft on the device, merged with what other tabs change in it.
    let link = DraftLink::new(
        move || {
            let id = draft_id.get_untracked()?;
            let status_now = status.get_untracked();
            if !matches!(status_now, ItemStatus::Draft | ItemStatus::Rejected) {
                return None;
            }
            let submission = untrack(|| form.submission());
            Some(draft_item(
                id,
                &submission,
                status_now,
                reason.get_untracked(),
            ))
        },
        move |item: Item| {
            if let Ok(submission) = serde_json::from_value::<Submission>(item.payload) {
                form.fill(submission);
            }
            status.set(item.status);
            reason.set(item.reason);
        },
    );
    link.follow(move || draft_id.get());

    // Resume a stored draft.
    Effect::new(move |_| {
        if let Some(id) = draft_id.get_untracked() {
            leptos::task::spawn_local(async move {
                let item = outbox::load(id).await;
                if link.gone() {
                    return;
                }
                if let Some(item) = item {
                    link.loaded(&item);
                    if let Ok(submission) = serde_json::from_value::<Submission>(item.payload) {
                        form.fill(submission);
                    }
                    status.set(item.status);
                    reason.set(item.reason);
                }
                loaded.set(true);
            });
        }
    });
    // The side follows the role the user acts in (staff rate businesses).
    Effect::new(move |_| {
        if let Some(user) = session.signed_in() {
            let staff = user
                .current
                .as_ref()
                .is_some_and(|r| matches!(r.role, Role::KnoStaff | Role::KnoManager));
            if draft_id.get_untracked().is_none() {
                form.side
                    .set(if staff { Side::Body } else { Side::Business });
            }
        }
    });
    // Autosave: every change is written to the device (once the user has typed anything).
    Effect::new(move |previous: Option<()>| {
        let submission = form.submission();
        if previous.is_none() || !loaded.get_untracked() {
            return;
        }
        if matches!(
            status.get_untracked(),
            ItemStatus::Queued | ItemStatus::Sent
        ) {
            return;
        }
        // Nothing typed yet (the form only set itself up): no draft.
        let blank = submission.scores.is_empty()
            && submission.comment.trim().is_empty()
            && match &submission.event {
                EventRef::Register { number } => number.trim().is_empty(),
                EventRef::Manual { kind, date, .. } => kind.is_empty() && date.is_empty(),
            };
        if blank && draft_id.get_untracked().is_none() {
            return;
        }
        if draft_id.get_untracked().is_none() {
            draft_id.set(Some(new_draft_id()));
        }
        link.changed();
    });

    // The event, checked online when the number reads right.
    let parsed = Memo::new(move |_| erknm::parse(&form.number.get()));
    let event = LocalResource::new(move || {
        let number = parsed.get().ok().map(|n| n.as_str().to_owned());
        async move {
            match number {
                Some(n) => Some(send(find_event(n)).await),
                None => None,
            }
        }
    });

    let problems = Memo::new(move |_| match criteria.get().flatten() {
        Some(c) => rating::validate(&form.submission(), &c, &today()),
        None => Vec::new(),
    });
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        if !problems.get_untracked().is_empty() || criteria.get_untracked().flatten().is_none() {
            return;
        }
        let id = draft_id.get_untracked().unwrap_or_else(new_draft_id);
        let item = draft_item(id, &form.submission(), ItemStatus::Draft, None);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            if let Ok(queued) = outbox::submit(item, link.base()).await {
                // The form may have closed meanwhile.
                status.try_set(queued.status);
                navigate("/drafts", Default::default());
            }
        });
    };

    view! {
        <Title text=crate::ui::title::page_title(move || t_string!(i18n, rate.title).to_string()) />
        <Meta name="description" content=move || t_string!(i18n, rate.description) />
        <h1>{t!(i18n, rate.title)}</h1>
        <p class="muted">
            {move || {
                if form.side.get() == Side::Body {
                    t_string!(i18n, rate.body_side)
                } else {
                    t_string!(i18n, rate.business_side)
                }
            }}
        </p>
        <Show when=move || matches!(session.user(), Some(Ok(None)))>
            <p class="notice">
                <a href="/login?next=/rate">{t!(i18n, rate.sign_in)}</a>
            </p>
        </Show>
        <Show when=move || status.get() == ItemStatus::Rejected>
            <p class="notice notice-error" role="alert">
                {move || reason.get()}
            </p>
        </Show>
        <form class="form rate-form" on:submit=submit novalidate>
            <fieldset class="panel">
                <legend>{t!(i18n, rate.event)}</legend>
                <manual::ManualEvent form=form problems=problems tried=tried />
                <Show when=move || !form.manual.get()>
                    <div
                        class="field"
                        class:invalid=move || {
                            tried.get() && problems.get().contains(&Problem::BadNumber)
                        }
                    >
                        <label for="rate-number">{t!(i18n, rate.number_label)}</label>
                        <input
                            id="rate-number"
                            name="number"
                            inputmode="text"
                            autocomplete="off"
                            aria-describedby="rate-number-hint rate-number-state"
                            bind:value=form.number
                        />
                        <p class="hint" id="rate-number-hint">
                            {t!(i18n, rate.number_hint)}
                        </p>
                        <p class="field-state" id="rate-number-state" role="status">
                            {move || number_state(
                                &form.number.get(),
                                parsed.get(),
                                event.get().flatten(),
                            )}
                        </p>
                    </div>
                    <crate::ui::scan::QrScanner on_text=Callback::new(move |text: String| {
                        form.number.set(text);
                    }) />
                    <MyEvents form=form />
                </Show>
            </fieldset>
            <Show
                when=move || criteria.get().flatten().is_some()
                fallback=move || {
                    view! {
                        <Show when=move || criteria.get().is_some()>
                            <p class="notice">{t!(i18n, rate.criteria_unavailable)}</p>
                        </Show>
                    }
                }
            >
                <CriteriaFields
                    form=form
                    criteria=Signal::derive(move || criteria.get().flatten().unwrap_or_default())
                    problems=problems
                    tried=tried
                />
            </Show>
            <div class="field">
                <label for="rate-comment">{t!(i18n, rate.comment)}</label>
                <textarea id="rate-comment" rows="4" bind:value=form.comment></textarea>
            </div>
            <Show when=move || tried.get() && !problems.get().is_empty()>
                <p class="notice notice-error" role="alert">
                    {t!(i18n, rate.fix)}
                    {move || {
                        problems
                            .get()
                            .into_iter()
                            .filter(|p| p.criterion().is_none())
                            .map(|p| format!(" {p}"))
                            .collect::<String>()
                    }}
                </p>
            </Show>
            <p class="actions">
                <button type="submit" class="button primary">
                    {t!(i18n, rate.submit)}
                </button>
                <span class="muted" role="status" data-saved=move || link.saved.get().to_string()>
                    {move || {
                        if link.saved.get() {
                            t_string!(i18n, rate.saved)
                        } else {
                            t_string!(i18n, rate.not_saved)
                        }
                    }}
                </span>
                <DraftReplaced link=link />
            </p>
        </form>
    }
    .into_any()
}

/// The user's latest events to rate; picking one fills the number.
#[component]
fn MyEvents(form: Form) -> AnyView {
    let i18n = use_i18n();
    let events = LocalResource::new(|| async { send(events_to_rate()).await });
    view! {
        <Show when=move || events.get().is_some_and(|e| !e.is_empty())>
            <details class="my-events" open>
                <summary>{t!(i18n, rate.my_events)}</summary>
                <ul class="plain">
                    {move || {
                        events
                            .get()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|card| {
                                let number = StoredValue::new(card.number.clone());
                                view! {
                                    <li class="event-pick">
                                        <span>
                                            {format!(
                                                "№ {} · {} · {} · {} · {}",
                                                card.number,
                                                type_name(card.event_type),
                                                card.body,
                                                card.kind,
                                                crate::ui::catalogue::date(&card.starts_on),
                                            )}
                                        </span>
                                        <button
                                            type="button"
                                            class="link-button"
                                            on:click=move |_| form.number.set(number.get_value())
                                        >
                                            {t!(i18n, rate.pick)}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </details>
        </Show>
    }
    .into_any()
}

/// One fieldset per criterion: ten radio buttons, and below 5 the reasons and a note.
#[component]
fn CriteriaFields(
    form: Form,
    criteria: Signal<Criteria>,
    problems: Memo<Vec<Problem>>,
    tried: RwSignal<bool>,
) -> AnyView {
    let i18n = use_i18n();
    view! {
        <fieldset class="panel criteria">
            <legend>{t!(i18n, rate.criteria)}</legend>
            <p class="hint">{t!(i18n, rate.criteria_hint)}</p>
            <For
                each=move || {
                    let side = form.side.get();
                    criteria.get().criteria_of(side).cloned().collect::<Vec<_>>()
                }
                key=|c| c.code.clone()
                let:criterion
            >
                {
                    let code = StoredValue::new(criterion.code.clone());
                    let current = move || {
                        form.scores
                            .get()
                            .iter()
                            .find(|s| s.criterion == code.get_value())
                            .map(|s| s.score)
                    };
                    let problem = move || {
                        problems
                            .get()
                            .into_iter()
                            .find(|p| p.criterion() == Some(code.get_value().as_str()))
                    };
                    let shown = move || {
                        problem()
                            .filter(|p| tried.get() || matches!(p, Problem::ReasonRequired { .. }))
                    };
                    let title = criterion.clone();
                    view! {
                        <fieldset
                            class="criterion"
                            id=format!("criterion-{}", criterion.code)
                            class:invalid=move || shown().is_some()
                        >
                            <legend>{move || title_of(&title, i18n.get_locale())}</legend>
                            <div class="scale">
                                {(1..=10u8)
                                    .map(|value| {
                                        let id = format!("score-{}-{value}", code.get_value());
                                        view! {
                                            <label class="scale-option">
                                                <input
                                                    type="radio"
                                                    id=id
                                                    name=format!("score-{}", code.get_value())
                                                    value=value.to_string()
                                                    prop:checked=move || current() == Some(value)
                                                    on:change=move |_| {
                                                        form.set_score(&code.get_value(), value)
                                                    }
                                                />
                                                <span>{value}</span>
                                            </label>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                            <Show when=move || current().is_some_and(|v| v < LOW_SCORE)>
                                <Reasons form=form criteria=criteria code=code.get_value() />
                            </Show>
                            <p class="field-error" role="alert">
                                {move || shown().map(|p| p.to_string())}
                            </p>
                        </fieldset>
                    }
                }
            </For>
        </fieldset>
    }
    .into_any()
}

#[component]
fn Reasons(form: Form, criteria: Signal<Criteria>, code: String) -> AnyView {
    let i18n = use_i18n();
    let code = StoredValue::new(code);
    let chosen = move |reason: &str| {
        form.scores
            .get()
            .iter()
            .any(|s| s.criterion == code.get_value() && s.reasons.iter().any(|r| r == reason))
    };
    let note = move || {
        form.scores
            .get()
            .iter()
            .find(|s| s.criterion == code.get_value())
            .map(|s| s.note.clone())
            .unwrap_or_default()
    };
    view! {
        <div class="reasons" role="group" aria-label=move || t_string!(i18n, rate.reasons)>
            <p class="hint">{t!(i18n, rate.reasons)}</p>
            {move || {
                let side = form.side.get();
                criteria
                    .get()
                    .reasons_of(side)
                    .map(|reason| {
                        let id = format!("reason-{}-{}", code.get_value(), reason.code);
                        let value = StoredValue::new(reason.code.clone());
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    id=id
                                    prop:checked=move || chosen(&value.get_value())
                                    on:change=move |_| {
                                        form.toggle_reason(&code.get_value(), &value.get_value())
                                    }
                                />
                                {title_of(reason, i18n.get_locale())}
                            </label>
                        }
                    })
                    .collect_view()
            }}
            <label for=format!("note-{}", code.get_value())>{t!(i18n, rate.note)}</label>
            <textarea
                id=format!("note-{}", code.get_value())
                rows="2"
                prop:value=note
                on:input=move |ev| form.set_note(&code.get_value(), event_target_value(&ev))
            ></textarea>
        </div>
    }
    .into_any()
}

/// What the number field says under it.
fn number_state(
    typed: &str,
    parsed: Result<erknm::ErknmNumber, erknm::ParseError>,
    event: Option<Result<EventCard, AppError>>,
) -> String {
    if typed.trim().is_empty() {
        return String::new();
    }
    let number = match parsed {
        Ok(number) => number,
        Err(error) => return error.to_string(),
    };
    match event {
        None => format!("№ {number}"),
        Some(Ok(card)) => {
            let kind = type_name(card.event_type);
            let mut text = format!(
                "№ {number}: {kind}, {}, {} — {}, {}",
                card.kind,
                crate::ui::catalogue::date(&card.starts_on),
                crate::ui::catalogue::date(&card.ends_on),
                card.organisation
            );
            if card.rated {
                text.push_str(". Это мероприятие уже оценено.");
            } else if card.side.is_none() {
                text.push_str(". Вы не можете оценить это мероприятие.");
            }
            text
        }
        Some(Err(error)) if error.try_later() => {
            format!("№ {number}. Нет связи: номер проверим при отправке.")
        }
        Some(Err(AppError::NotFound)) => {
            "Мероприятие не найдено среди ваших. Проверьте номер.".to_owned()
        }
        Some(Err(error)) => crate::ui::form::error_message(&error),
    }
}

fn new_draft_id() -> String {
    #[cfg(feature = "hydrate")]
    return outbox::new_id().to_string();
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

fn draft_item(
    id: String,
    submission: &Submission,
    status: ItemStatus,
    reason: Option<String>,
) -> Item {
    let title = match &submission.event {
        EventRef::Register { number } => format!("Оценка мероприятия № {number}"),
        EventRef::Manual { date, .. } => format!(
            "Оценка мероприятия от {} (указано вручную)",
            crate::ui::catalogue::date(date)
        ),
    };
    Item {
        id,
        kind: kinds::RATING_SUBMIT.to_owned(),
        title,
        payload: serde_json::to_value(submission).unwrap_or_default(),
        status,
        op_id: None,
        reason,
        result: None,
        updated_ms: now_ms(),
        stamps: Default::default(),
        attempts: 0,
        retry_at_ms: None,
    }
}

/// Browser futures are not `Send`; everything runs on one thread there.
pub(crate) fn send<F: std::future::Future>(
    future: F,
) -> impl std::future::Future<Output = F::Output> {
    #[cfg(feature = "hydrate")]
    return send_wrapper::SendWrapper::new(future);
    #[cfg(not(feature = "hydrate"))]
    future
}

#[component]
pub fn DraftsPage() -> AnyView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, drafts.title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, drafts.description) />
        <h1>{t!(i18n, drafts.title)}</h1>
        <p class="actions">
            <a class="button primary" href="/rate">
                {t!(i18n, drafts.new_rating)}
            </a>
            <button
                type="button"
                class="button"
                disabled=move || outbox.queued() == 0 || outbox.sending.get()
                on:click=move |_| outbox.send_now()
            >
                {t!(i18n, drafts.send_now)}
            </button>
        </p>
        <p class="notice" role="status" hidden=move || outbox.problem.get().is_none()>
            {move || outbox.problem.get()}
        </p>
        {move || match outbox.items.get() {
            None => view! { <p class="muted">{t!(i18n, drafts.loading)}</p> }.into_any(),
            Some(items) if items.is_empty() => {
                view! { <p class="muted">{t!(i18n, drafts.empty)}</p> }.into_any()
            }
            Some(items) => {
                view! {
                    <ul class="cards drafts">
                        {items
                            .into_iter()
                            .map(|item| view! { <DraftCard item=item /> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }
        }}
    }
    .into_any()
}

#[component]
fn DraftCard(item: Item) -> AnyView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    let status = item.status;
    let label = move || match status {
        ItemStatus::Draft => t_string!(i18n, drafts.status_draft),
        ItemStatus::Queued if outbox.sending.get() => t_string!(i18n, drafts.status_sending),
        ItemStatus::Queued => t_string!(i18n, drafts.status_queued),
        ItemStatus::Sent => t_string!(i18n, drafts.status_sent),
        ItemStatus::Rejected => t_string!(i18n, drafts.status_rejected),
    };
    let stuck = item.is_stuck();
    let attempts = item.attempts;
    let retrying = status == ItemStatus::Queued && attempts != 0;
    let status_class = match status {
        ItemStatus::Draft => "draft",
        ItemStatus::Queued if stuck => "stuck",
        ItemStatus::Queued => "queued",
        ItemStatus::Sent => "sent",
        ItemStatus::Rejected => "rejected",
    };
    let editable = item.is_editable();
    let id = StoredValue::new(item.id.clone());
    // Each kind of item opens in its own form.
    let edit_href = match item.kind.as_str() {
        kinds::SELF_CHECK_SUBMIT => format!("/self-check/{}", item.id),
        kinds::REQUIREMENT_EVALUATE => format!(
            "/requirements/{}/evaluate",
            item.payload["requirement_id"].as_str().unwrap_or_default()
        ),
        _ => format!("/rate/{}", item.id),
    };
    view! {
        <li class="card draft" data-status=status_class data-id=item.id.clone()>
            <h2>{item.title.clone()}</h2>
            <p>
                <span class=format!("badge badge-{status_class}")>{label}</span>
            </p>
            {item.reason.clone().map(|r| view! { <p class="field-error">{r}</p> })}
            <Show when=move || retrying>
                <p class="muted" data-attempts=attempts.to_string()>
                    {t!(i18n, drafts_sync.attempts)}
                    ": "
                    {attempts}
                </p>
            </Show>
            <Show when=move || editable>
                <p class="actions">
                    <a class="button" href=edit_href.clone()>
                        {t!(i18n, drafts.edit)}
                    </a>
                    <DiscardButton id=id />
                </p>
            </Show>
            <Show when=move || stuck>
                <StuckActions id=id />
            </Show>
        </li>
    }
    .into_any()
}

/// A queued item that failed several times: say so, and let the user retry or delete it.
#[component]
fn StuckActions(id: StoredValue<String>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <p class="notice notice-error" role="alert">
            <strong>{t!(i18n, drafts_sync.stuck)}</strong>
            ". "
            {t!(i18n, drafts_sync.stuck_hint)}
        </p>
        <p class="actions">
            <button
                type="button"
                class="button"
                on:click=move |_| {
                    leptos::task::spawn_local(async move {
                        let _ = outbox::retry_now(id.get_value()).await;
                    });
                }
            >
                {t!(i18n, drafts_sync.retry)}
            </button>
            <DiscardButton id=id />
        </p>
    }
    .into_any()
}

/// «Удалить черновик», asking once more before anything is deleted.
#[component]
fn DiscardButton(id: StoredValue<String>) -> AnyView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    view! {
        <Show
            when=move || asking.get()
            fallback=move || {
                view! {
                    <button type="button" class="link-button" on:click=move |_| asking.set(true)>
                        {t!(i18n, drafts.discard)}
                    </button>
                }
            }
        >
            <span class="confirm" role="group" aria-label=move || t_string!(i18n, drafts.discard)>
                <span>{t!(i18n, drafts_sync.confirm_discard)}</span>
                " "
                <button
                    type="button"
                    class="button"
                    on:click=move |_| {
                        leptos::task::spawn_local(async move {
                            let _ = outbox::discard(id.get_value()).await;
                        });
                    }
                >
                    {t!(i18n, drafts_sync.confirm_yes)}
                </button>
                " "
                <button type="button" class="link-button" on:click=move |_| asking.set(false)>
                    {t!(i18n, drafts_sync.confirm_no)}
                </button>
            </span>
        </Show>
    }
    .into_any()
}

/// Said when an edit of this tab gave way to a later edit of the same field in another tab.
#[component]
pub(crate) fn DraftReplaced(link: DraftLink) -> AnyView {
    let i18n = use_i18n();
    view! {
        <Show when=move || link.replaced.get()>
            <p class="notice" role="status" data-testid="draft-replaced">
                {t!(i18n, drafts_sync.replaced)}
            </p>
        </Show>
    }
    .into_any()
}
