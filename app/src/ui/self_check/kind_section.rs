//! `/kinds/{slug}/checklist`: the self-assessment questions of a kind, what businesses think
//! of each requirement (published figures of seed 001), a link to evaluate it, and for the
//! body's manager and the admin a way to reword a question.
//!
//! The page has one resource, created by the page itself. A resource created inside another
//! resource's `Suspense` is created anew whenever that `Suspense` renders again on the server
//! (which happens), and the browser then hydrates with the first, abandoned copy's result:
//! that was the rare «hydration error at ErrorNotice» of the kind page.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::{percent, roubles};
use crate::api::self_check::{checklists, evaluations, reword};
use crate::domain::self_check::{Aggregate, Question};
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn KindChecklistPage() -> AnyView {
    let i18n = use_i18n();
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let version = RwSignal::new(0u32);
    let data = Resource::new(
        move || (slug.get(), version.get()),
        move |(slug, _)| async move {
            let lists = checklists(vec![slug.clone()]).await?;
            let figures = evaluations(slug).await?;
            Ok::<_, crate::error::AppError>((lists.into_iter().next(), figures))
        },
    );
    // Edit buttons for the body's manager and the admin; asked in the browser only.
    let editable = crate::ui::catalogue::asked_in_browser(move || {
        crate::api::catalogue_edit::can_edit_kind(slug.get_untracked())
    });
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, self_check.kind_section).to_string()
        }) />
        <article class="catalogue-page">
            <p class="breadcrumbs">
                <A href="/kinds">{t!(i18n, catalogue.kinds_title)}</A>
                " · "
                <A href=move || format!("/kinds/{}", slug.get())>{t!(i18n, catalogue.part_of)}</A>
            </p>
            <h1 id="checklist-title">{t!(i18n, self_check.kind_section)}</h1>
            <section id="checklist" aria-labelledby="checklist-title">
                <Suspense fallback=move || {
                    view! { <p class="muted">{t!(i18n, self_check.loading)}</p> }
                }>
                    {move || Suspend::new(async move {
                        match data.await {
                            Ok((Some(list), figures)) => {
                                view! {
                                    <p class="lead">
                                        {t!(i18n, catalogue.part_of)} ": " {list.kind_name.clone()}
                                        " (" {list.body.clone()} ")"
                                    </p>
                                    <p>
                                        {t!(i18n, self_check.kind_lead)} " "
                                        <a href="/self-check">{t!(i18n, self_check.kind_start)}</a>
                                    </p>
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
        </article>
    }
    .into_any()
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
) -> AnyView {
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
    .into_any()
}
