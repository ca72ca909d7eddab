//! An event the register does not know, entered by hand on the rating form: the control body, a
//! kind of control it runs, the date, the type and the rater's organisation. Businesses only;
//! such a rating is published as unconfirmed and left out of the figures. Everything to choose
//! from comes from what the device keeps, so this works offline after one visit.

use leptos::prelude::*;

use super::{send, today, Form};
use crate::api::catalogue::catalogue_kinds;
use crate::catalogue::views::{self, KindCard, Link};
use crate::client::offline_catalogue::or_device;
use crate::domain::rating::{EventType, Problem, Side};
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::SelectField;
use crate::ui::self_check::{cached_organisations, remembered};

const KINDS_KEY: &str = "knd.rating.kinds";

/// The kinds of control with their bodies: from the server, else from the device's copy of the
/// catalogue, else from the list remembered at the last visit of this form.
async fn kinds_to_pick() -> Option<Vec<KindCard>> {
    remembered(KINDS_KEY, async {
        or_device(catalogue_kinds().await, |snapshot| {
            Some(views::kinds(snapshot))
        })
        .await
        .ok()
    })
    .await
}

/// The bodies that run at least one kind of control, by name (case aside, so «МЧС» sorts
/// among the other words), each once.
fn bodies(kinds: &[KindCard]) -> Vec<Link> {
    let mut bodies: Vec<Link> = kinds.iter().map(|k| k.body.clone()).collect();
    bodies.sort_by_cached_key(|b| (b.name.to_lowercase(), b.slug.clone()));
    bodies.dedup_by(|a, b| a.slug == b.slug);
    bodies
}

/// The kinds offered as `(slug, label)`: those of the chosen body, or, while no body is chosen,
/// every kind labelled with its body (picking one then picks the body).
fn kind_options(kinds: &[KindCard], body: &str) -> Vec<(String, String)> {
    kinds
        .iter()
        .filter(|k| body.is_empty() || k.body.slug == body)
        .map(|k| {
            let label = if body.is_empty() {
                format!("{} — {}", k.name, k.body.name)
            } else {
                k.name.clone()
            };
            (k.slug.clone(), label)
        })
        .collect()
}

/// The body that runs a kind, when the list knows the kind.
fn body_of(kinds: &[KindCard], kind: &str) -> Option<String> {
    kinds
        .iter()
        .find(|k| k.slug == kind)
        .map(|k| k.body.slug.clone())
}

#[component]
pub(super) fn ManualEvent(
    form: Form,
    problems: Memo<Vec<Problem>>,
    tried: RwSignal<bool>,
) -> AnyView {
    let i18n = use_i18n();
    let kinds = LocalResource::new(|| async { send(kinds_to_pick()).await });
    let organisations = LocalResource::new(|| async { send(cached_organisations()).await });
    let list = move || kinds.get().flatten().unwrap_or_default();
    // The only organisation is chosen for the user.
    Effect::new(move |_| {
        if let Some(Some(orgs)) = organisations.get() {
            if orgs.len() == 1 && form.organisation.get_untracked().is_empty() {
                form.organisation.set(orgs[0].id.clone());
            }
        }
    });
    // A kind names its body: picking a kind picks the body.
    Effect::new(move |_| {
        if let Some(body) = body_of(&list(), &form.kind.get()) {
            if form.body.get_untracked() != body {
                form.body.set(body);
            }
        }
    });
    // Another body: a kind of the former one no longer fits. A kind the list does not know (the
    // catalogue changed since the draft) stays, and the server names the problem.
    Effect::new(move |_| {
        let body = form.body.get();
        if body_of(&list(), &form.kind.get_untracked()).is_some_and(|b| b != body) {
            form.kind.set(String::new());
        }
    });
    let shows = move |problem: Problem| tried.get() && problems.get().contains(&problem);
    let error = move |problem: Problem| {
        Signal::derive(move || shows(problem.clone()).then(|| problem.to_string()))
    };
    let business = move || form.side.get() == Side::Business;
    view! {
        <Show when=business>
            <label class="check">
                <input
                    type="checkbox"
                    id="rate-manual"
                    aria-describedby=move || form.manual.get().then_some("rate-manual-notice")
                    bind:checked=form.manual
                />
                {t!(i18n, rate.manual_toggle)}
            </label>
        </Show>
        <Show when=move || form.manual.get() && business()>
            <p class="notice notice-warning" id="rate-manual-notice">
                <span class="badge badge-unconfirmed">{t!(i18n, rate.manual_badge)}</span>
                " "
                {t!(i18n, rate.manual_notice)}
            </p>
            <SelectField
                id="rate-body"
                label=Signal::derive(move || t_string!(i18n, rate.manual_body).to_owned())
                value=form.body
                options=Signal::derive(move || {
                    bodies(&list()).into_iter().map(|b| (b.slug, b.name)).collect()
                })
                error=error(Problem::NoBody)
            />
            <SelectField
                id="rate-kind"
                label=Signal::derive(move || t_string!(i18n, rate.manual_kind).to_owned())
                value=form.kind
                options=Signal::derive(move || kind_options(&list(), &form.body.get()))
                error=error(Problem::NoKind)
            />
            <div class="field" class:invalid=move || shows(Problem::BadDate)>
                <label for="rate-date">{t!(i18n, rate.manual_date)}</label>
                <input
                    id="rate-date"
                    name="rate-date"
                    type="date"
                    max=today
                    aria-invalid=move || shows(Problem::BadDate).then_some("true")
                    aria-describedby="rate-date-error"
                    bind:value=form.date
                />
                <p class="field-error" id="rate-date-error" role="alert">
                    {move || shows(Problem::BadDate).then(|| Problem::BadDate.to_string())}
                </p>
            </div>
            <div class="field">
                <label for="rate-type">{t!(i18n, rate.manual_type)}</label>
                <select
                    id="rate-type"
                    name="rate-type"
                    prop:value=move || form.event_type.get().as_str()
                    on:change=move |ev| {
                        if let Some(t) = EventType::parse(&event_target_value(&ev)) {
                            form.event_type.set(t);
                        }
                    }
                >
                    {EventType::ALL
                        .into_iter()
                        .map(|t| {
                            let label = match t {
                                EventType::Knm => t_string!(i18n, rate.type_knm),
                                EventType::Pm => t_string!(i18n, rate.type_pm),
                                EventType::Consultation => t_string!(i18n, rate.type_consultation),
                            };
                            view! {
                                <option
                                    value=t.as_str()
                                    selected=move || form.event_type.get_untracked() == t
                                >
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <SelectField
                id="rate-org"
                label=Signal::derive(move || t_string!(i18n, self_check.organisation).to_owned())
                value=form.organisation
                options=Signal::derive(move || {
                    organisations
                        .get()
                        .flatten()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|o| (o.id, o.name))
                        .collect()
                })
                error=error(Problem::NoOrganisation)
            />
        </Show>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(slug: &str, body: &str, body_name: &str) -> KindCard {
        KindCard {
            slug: slug.into(),
            name: format!("Контроль {slug}"),
            body: Link {
                slug: body.into(),
                name: body_name.into(),
            },
            requirements: 0,
            faq: 0,
        }
    }

    fn sample() -> Vec<KindCard> {
        vec![
            kind("fire", "mchs", "МЧС"),
            kind("alco", "minek", "Минэкономразвития"),
            kind("forest", "mchs", "МЧС"),
        ]
    }

    #[test]
    fn manual_entry_lists_each_body_once_by_name() {
        let names: Vec<String> = bodies(&sample()).into_iter().map(|b| b.name).collect();
        assert_eq!(names, ["Минэкономразвития", "МЧС"]);
        assert!(bodies(&[]).is_empty());
    }

    #[test]
    fn manual_entry_offers_the_kinds_of_the_chosen_body() {
        let slugs = |body: &str| -> Vec<String> {
            kind_options(&sample(), body)
                .into_iter()
                .map(|(slug, _)| slug)
                .collect()
        };
        assert_eq!(slugs("mchs"), ["fire", "forest"]);
        assert_eq!(slugs("minek"), ["alco"]);
        assert!(slugs("unknown").is_empty());
        // No body yet: every kind, each labelled with its body.
        let all = kind_options(&sample(), "");
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].1, "Контроль fire — МЧС");
        assert_eq!(kind_options(&sample(), "mchs")[0].1, "Контроль fire");
    }

    #[test]
    fn manual_entry_finds_the_body_of_a_kind() {
        assert_eq!(body_of(&sample(), "alco").as_deref(), Some("minek"));
        assert_eq!(body_of(&sample(), "gone"), None);
        assert_eq!(body_of(&sample(), ""), None);
    }
}
