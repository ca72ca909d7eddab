//! `/self-check`: the self-assessment «Электронный инспектор». An entrepreneur picks one of
//! their organisations and the kinds of control that apply; the checklists are copied into a
//! draft on the device (IndexedDB), filled over days with or without network, and submitted
//! exactly once through the outbox. The checklists and the user's organisations are kept in
//! browser storage so a self-assessment can start offline.

pub mod body;
pub mod evaluate;
pub mod fill;
pub mod kind_section;
pub mod report;

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_navigate;

use crate::api::organisations::{my_organisations, OrganisationView};
use crate::api::self_check::{checklists, my_assessments, AssessmentCard};
use crate::client::outbox::{self, use_outbox, Item, ItemStatus};
use crate::client::session::use_session;
use crate::domain::self_check::{validity, Checklist, Submission, Validity};
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::kinds;
use crate::ui::rate::{now_ms, send, today};

const CHECKLISTS_KEY: &str = "knd.selfcheck.checklists";
const ORGANISATIONS_KEY: &str = "knd.selfcheck.organisations";

/// Reads from the server, remembers the answer on the device, and falls back to what the
/// device remembers when the server cannot be reached.
pub(crate) async fn remembered<T, Fut>(key: &'static str, online: Fut) -> Option<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
    Fut: std::future::Future<Output = Option<T>>,
{
    let online = online.await;
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        match online {
            Some(value) => {
                let _ = gloo_storage::LocalStorage::set(key, &value);
                Some(value)
            }
            None => gloo_storage::LocalStorage::get(key).ok(),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = key;
        online
    }
}

/// Every kind's checklist, as the catalogue has it now (or as the device last saw it).
pub async fn cached_checklists() -> Option<Vec<Checklist>> {
    remembered(CHECKLISTS_KEY, async { checklists(Vec::new()).await.ok() }).await
}

/// The organisations the user acts for as a business.
pub(crate) async fn cached_organisations() -> Option<Vec<OrganisationView>> {
    remembered(ORGANISATIONS_KEY, async { my_organisations().await.ok() }).await
}

/// «47 %», or a dash when nothing applies.
pub fn percent(value: Option<u32>) -> String {
    value.map_or_else(|| "—".to_owned(), |p| format!("{p} %"))
}

/// Roubles with thin spaces between thousands: «40 625 ₽», kopecks only when there are any.
pub fn roubles(value: f64) -> String {
    let kopecks = (value * 100.0).round() as i64;
    let whole = (kopecks / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    match kopecks % 100 {
        0 => format!("{grouped}\u{a0}₽"),
        k => format!("{grouped},{k:02}\u{a0}₽"),
    }
}

/// The title a draft shows in the lists: its kinds of control.
fn draft_title(submission: &Submission) -> String {
    let kinds: Vec<&str> = submission
        .checklists
        .iter()
        .map(|c| c.kind_name.as_str())
        .collect();
    format!("Самопроверка: {}", kinds.join(", "))
}

/// The outbox item of a self-assessment draft.
pub fn draft_item(id: String, submission: &Submission, status: ItemStatus) -> Item {
    Item {
        id,
        kind: kinds::SELF_CHECK_SUBMIT.to_owned(),
        title: draft_title(submission),
        payload: serde_json::to_value(submission).unwrap_or_default(),
        status,
        op_id: None,
        reason: None,
        result: None,
        updated_ms: now_ms(),
        stamps: Default::default(),
        attempts: 0,
        retry_at_ms: None,
    }
}

#[component]
pub fn SelfCheckPage() -> AnyView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, self_check.title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, self_check.description) />
        <h1>{t!(i18n, self_check.title)}</h1>
        <p class="lead">{t!(i18n, self_check.lead)}</p>
        <Show when=move || matches!(session.user(), Some(Ok(None)))>
            <p class="notice">
                <a href="/login?next=/self-check">{t!(i18n, self_check.sign_in)}</a>
            </p>
        </Show>
        <InProgress />
        <StartForm />
        <MyAssessments />
    }
    .into_any()
}

/// Self-assessments on this device: drafts to resume and what is queued or sent.
#[component]
fn InProgress() -> AnyView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    let items = move || {
        outbox
            .items
            .get()
            .unwrap_or_default()
            .into_iter()
            .filter(|i| i.kind == kinds::SELF_CHECK_SUBMIT)
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || !items().is_empty()>
            <section class="panel" aria-labelledby="sc-device">
                <h2 id="sc-device">{t!(i18n, self_check.on_device)}</h2>
                <ul class="plain cards">
                    {move || {
                        items()
                            .into_iter()
                            .map(|item| {
                                let progress = serde_json::from_value::<Submission>(item.payload)
                                    .map(|s| {
                                        let score = s.score();
                                        format!("{} / {}", score.answered, score.total)
                                    })
                                    .unwrap_or_default();
                                let status = match item.status {
                                    ItemStatus::Draft => t_string!(i18n, drafts.status_draft),
                                    ItemStatus::Queued => t_string!(i18n, drafts.status_queued),
                                    ItemStatus::Sent => t_string!(i18n, drafts.status_sent),
                                    ItemStatus::Rejected => t_string!(i18n, drafts.status_rejected),
                                };
                                view! {
                                    <li class="card">
                                        <a href=format!("/self-check/{}", item.id)>{item.title}</a>
                                        <p class="muted">
                                            {status} " · " {t!(i18n, self_check.answered)} " "
                                            {progress}
                                        </p>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </section>
        </Show>
    }
    .into_any()
}

/// Choosing the organisation and the kinds of control, then starting on the device.
#[component]
fn StartForm() -> AnyView {
    let i18n = use_i18n();
    let lists = LocalResource::new(|| async { send(cached_checklists()).await });
    let organisations = LocalResource::new(|| async { send(cached_organisations()).await });
    let organisation = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let filter = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    // The only organisation is chosen for the user.
    Effect::new(move |_| {
        if let Some(Some(orgs)) = organisations.get() {
            if orgs.len() == 1 && organisation.get_untracked().is_empty() {
                organisation.set(orgs[0].id.clone());
            }
        }
    });
    let navigate = use_navigate();
    let start = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(Some(all)) = lists.get_untracked() else {
            return;
        };
        let organisation_id = organisation.get_untracked();
        let kinds = chosen.get_untracked();
        if organisation_id.is_empty() {
            problem.set(Some(
                t_string!(i18n, self_check.choose_organisation).to_owned(),
            ));
            return;
        }
        if kinds.is_empty() {
            problem.set(Some(t_string!(i18n, self_check.choose_kinds).to_owned()));
            return;
        }
        problem.set(None);
        let submission = Submission {
            organisation_id,
            started_on: today(),
            checklists: all
                .into_iter()
                .filter(|c| kinds.contains(&c.kind))
                .collect(),
            replies: Vec::new(),
            to_body: false,
            declare: false,
            evaluations: Vec::new(),
        };
        let id = new_draft_id();
        let item = draft_item(id.clone(), &submission, ItemStatus::Draft);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match outbox::save(&item).await {
                Ok(()) => {
                    use_outbox().reload();
                    navigate(&format!("/self-check/{id}"), Default::default());
                }
                Err(_) => problem.set(Some(t_string!(i18n, self_check.storage_failed).to_owned())),
            }
        });
    };
    let toggle = move |kind: String| {
        chosen.update(|c| {
            if let Some(i) = c.iter().position(|k| *k == kind) {
                c.remove(i);
            } else {
                c.push(kind);
            }
        })
    };
    view! {
        <section class="panel" aria-labelledby="sc-start">
            <h2 id="sc-start">{t!(i18n, self_check.start_title)}</h2>
            {move || {
                let (Some(lists), Some(orgs)) = (lists.get(), organisations.get()) else {
                    return view! { <p class="muted">{t!(i18n, self_check.loading)}</p> }.into_any();
                };
                let Some(all) = lists else {
                    return view! {
                        <p class="notice">{t!(i18n, self_check.checklists_unavailable)}</p>
                    }
                        .into_any();
                };
                let orgs = orgs.unwrap_or_default();
                if orgs.is_empty() {
                    return view! {
                        <p class="notice">
                            {t!(i18n, self_check.no_organisation)} " "
                            <a href="/cabinet">{t!(i18n, self_check.to_cabinet)}</a>
                        </p>
                    }
                        .into_any();
                }
                {
                    let all = StoredValue::new(all);
                    view! {
                        <form class="form" on:submit=start.clone() novalidate>
                            <div class="field">
                                <label for="sc-organisation">
                                    {t!(i18n, self_check.organisation)}
                                </label>
                                <select
                                    id="sc-organisation"
                                    prop:value=move || organisation.get()
                                    on:change=move |ev| organisation.set(event_target_value(&ev))
                                >
                                    <option value="">{t!(i18n, self_check.choose)}</option>
                                    {orgs
                                        .into_iter()
                                        .map(|o| {
                                            let selected = o.id == organisation.get_untracked();
                                            view! {
                                                <option value=o.id selected=selected>
                                                    {o.name}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                            <fieldset class="field">
                                <legend>{t!(i18n, self_check.kinds)}</legend>
                                <label for="sc-filter" class="visually-hidden">
                                    {t!(i18n, self_check.filter)}
                                </label>
                                <input
                                    id="sc-filter"
                                    type="search"
                                    placeholder=move || t_string!(i18n, self_check.filter)
                                    bind:value=filter
                                />
                                <ul class="plain kind-choice">
                                    {move || {
                                        let needle = filter.get().to_lowercase();
                                        all.get_value()
                                            .into_iter()
                                            .filter(|c| {
                                                needle.is_empty()
                                                    || c.kind_name.to_lowercase().contains(&needle)
                                            })
                                            .map(|c| {
                                                let kind = StoredValue::new(c.kind.clone());
                                                let id = format!("sc-kind-{}", c.kind);
                                                let label_for = id.clone();
                                                view! {
                                                    <li>
                                                        <label for=label_for>
                                                            <input
                                                                type="checkbox"
                                                                id=id
                                                                prop:checked=move || {
                                                                    chosen.get().contains(&kind.get_value())
                                                                }
                                                                on:change=move |_| toggle(kind.get_value())
                                                            />
                                                            <span class="kind-choice-text">
                                                                {c.kind_name.clone()}
                                                                <span class="muted">
                                                                    {format!(
                                                                        " · {} · {} {}",
                                                                        c.body,
                                                                        c.questions.len(),
                                                                        t_string!(i18n, self_check.questions),
                                                                    )}
                                                                </span>
                                                            </span>
                                                        </label>
                                                    </li>
                                                }
                                            })
                                            .collect_view()
                                    }}
                                </ul>
                            </fieldset>
                            <p class="field-error" role="alert">
                                {move || problem.get()}
                            </p>
                            <p class="actions">
                                <button type="submit" class="button primary">
                                    {t!(i18n, self_check.start)}
                                </button>
                            </p>
                        </form>
                    }
                        .into_any()
                }
            }}
        </section>
    }
    .into_any()
}

/// The organisation's submitted self-assessments and declarations, with a reminder before a
/// declaration lapses.
#[component]
fn MyAssessments() -> AnyView {
    let i18n = use_i18n();
    let session = use_session();
    let mine = LocalResource::new(move || {
        let signed_in = session.signed_in().is_some();
        async move {
            if signed_in {
                send(my_assessments()).await.ok()
            } else {
                None
            }
        }
    });
    view! {
        {move || {
            mine.get()
                .flatten()
                .filter(|list| !list.is_empty())
                .map(|list| {
                    view! {
                        <section class="panel" aria-labelledby="sc-mine">
                            <h2 id="sc-mine">{t!(i18n, self_check.submitted)}</h2>
                            <ul class="plain cards">
                                {list
                                    .into_iter()
                                    .map(|card| view! { <AssessmentItem card=card /> })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                })
        }}
    }
    .into_any()
}

#[component]
fn AssessmentItem(card: AssessmentCard) -> AnyView {
    let i18n = use_i18n();
    let share = if card.applicable > 0 {
        Some(((card.met * 100 + card.applicable / 2) / card.applicable) as u32)
    } else {
        None
    };
    let declaration = card.declared_until.clone().map(|until| {
        let text = match validity(&until, &today()) {
            Some(Validity::Expired) => {
                format!(
                    "{} {}",
                    t_string!(i18n, self_check.declaration_expired),
                    crate::ui::catalogue::date(&until)
                )
            }
            Some(Validity::Expiring { days_left }) => format!(
                "{} {} ({} {days_left})",
                t_string!(i18n, self_check.declaration_until),
                crate::ui::catalogue::date(&until),
                t_string!(i18n, self_check.days_left)
            ),
            _ => format!(
                "{} {}",
                t_string!(i18n, self_check.declaration_until),
                crate::ui::catalogue::date(&until)
            ),
        };
        let expiring = matches!(
            validity(&until, &today()),
            Some(Validity::Expiring { .. } | Validity::Expired)
        );
        view! {
            <p class=if expiring {
                "notice notice-warning"
            } else {
                "muted"
            }>
                {text}
                {expiring
                    .then(|| {
                        view! {
                            " "
                            <a href="/self-check#sc-start">{t!(i18n, self_check.renew)}</a>
                        }
                    })}
            </p>
        }
    });
    view! {
        <li class="card">
            <a href=format!(
                "/self-check/report/{}",
                card.id,
            )>
                {format!(
                    "{} · {}",
                    crate::ui::catalogue::date(&card.submitted_on),
                    card.kinds.join(", "),
                )}
            </a>
            <p>
                {card.organisation.clone()} " · " {t!(i18n, self_check.met_share)} " "
                <strong>{percent(share)}</strong> {format!(" ({} / {})", card.met, card.applicable)}
                {card
                    .to_body
                    .then(|| {
                        view! {
                            " · "
                            {t!(i18n, self_check.sent_to_body)}
                        }
                    })}
            </p>
            {declaration}
        </li>
    }
    .into_any()
}

/// The cabinet's reminder: the newest declaration of compliance lapses within 30 days (or has
/// lapsed), so it is time to self-assess again.
#[component]
pub fn DeclarationReminder() -> AnyView {
    let i18n = use_i18n();
    let mine = LocalResource::new(|| async { send(my_assessments()).await.ok() });
    view! {
        {move || {
            let newest = mine
                .get()
                .flatten()
                .and_then(|list| list.into_iter().find(|a| a.declared_until.is_some()))?;
            let until = newest.declared_until.clone()?;
            let text = match validity(&until, &today())? {
                Validity::Valid { .. } => return None,
                Validity::Expiring { days_left } => {
                    format!(
                        "{} {} ({} {days_left}).",
                        t_string!(i18n, self_check.declaration_until),
                        crate::ui::catalogue::date(&until),
                        t_string!(i18n, self_check.days_left),
                    )
                }
                Validity::Expired => {
                    format!(
                        "{} {}.",
                        t_string!(i18n, self_check.declaration_expired),
                        crate::ui::catalogue::date(&until),
                    )
                }
            };
            Some(
                view! {
                    <p
                        class="notice notice-warning"
                        role="status"
                        data-testid="declaration-reminder"
                    >
                        {text}
                        " "
                        <a href="/self-check#sc-start">{t!(i18n, self_check.renew)}</a>
                    </p>
                },
            )
        }}
    }
    .into_any()
}

pub(crate) fn new_draft_id() -> String {
    #[cfg(feature = "hydrate")]
    return outbox::new_id().to_string();
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

#[cfg(test)]
mod tests {
    #[test]
    fn roubles_are_grouped_the_russian_way() {
        assert_eq!(super::roubles(40_625.0), "40\u{202f}625\u{a0}₽");
        assert_eq!(super::roubles(0.0), "0\u{a0}₽");
        assert_eq!(
            super::roubles(1_234_567.5),
            "1\u{202f}234\u{202f}567,50\u{a0}₽"
        );
        assert_eq!(super::roubles(999.0), "999\u{a0}₽");
    }
}
