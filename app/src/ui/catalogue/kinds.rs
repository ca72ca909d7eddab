//! `/kinds` and `/kinds/{slug}`: kinds of control with everything an entrepreneur needs to know
//! before an inspection: officials, documents requested, acts and their mandatory requirements,
//! risk indicators, FAQ and typical violations. The long sections (answers to the FAQ, typical
//! violations, the checklist with its figures) have pages of their own under the kind's address,
//! so the kind's page stays light on a phone.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_params_map};

use super::row_edit::{choice, value, AddRow, EditableRow, Values};
use super::{date, LoadError, OfflineCopyNote, Updated};
use crate::api::catalogue::{catalogue_kind, catalogue_kinds};
use crate::catalogue::model::{ActRow, KindRow, OfficialRow, RequirementRow, ViolationRow};
use crate::catalogue::views;
use crate::catalogue::views::{KindPage, KindPart, Link};
use crate::client::offline_catalogue::or_device;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn KindsPage() -> AnyView {
    let i18n = use_i18n();
    let kinds = OnceResource::new(async {
        or_device(catalogue_kinds().await, |s| Some(views::kinds(s))).await
    });
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, catalogue.kinds_title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, catalogue.kinds_description) />
        <h1>{t!(i18n, catalogue.kinds_title)}</h1>
        <OfflineCopyNote />
        <Suspense fallback=move || {
            view! { <p class="muted">{t!(i18n, loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match kinds.await {
                    Ok(list) => {
                        view! {
                            <ul class="cards">
                                {list
                                    .into_iter()
                                    .map(|k| {
                                        view! {
                                            <li class="card">
                                                <h2>
                                                    <A href=format!("/kinds/{}", k.slug)>{k.name}</A>
                                                </h2>
                                                <p class="muted">{k.body.name}</p>
                                                <p class="muted">
                                                    {move || {
                                                        format!(
                                                            "{}: {} · {}: {}",
                                                            t_string!(i18n, catalogue.requirements),
                                                            k.requirements,
                                                            t_string!(i18n, catalogue.faq),
                                                            k.faq,
                                                        )
                                                    }}
                                                </p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
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
pub fn KindDetailPage() -> AnyView {
    kind_part_page(KindPart::Overview).into_any()
}

#[component]
pub fn KindRequirementsPage() -> AnyView {
    kind_part_page(KindPart::Requirements).into_any()
}

#[component]
pub fn KindFaqPage() -> AnyView {
    kind_part_page(KindPart::Faq).into_any()
}

#[component]
pub fn KindViolationsPage() -> AnyView {
    kind_part_page(KindPart::Violations).into_any()
}

/// A page of the kind in the address: online from the server, offline from the device copy,
/// with only the data of `part`.
fn kind_part_page(part: KindPart) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let kind = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        move |slug| async move {
            let online = catalogue_kind(slug.clone()).await;
            or_device(online, move |s| views::kind(s, &slug))
                .await
                .map(|page| page.part(part))
        },
    );
    view! {
        <Suspense fallback=move || {
            view! { <p class="muted">{t!(i18n, loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match kind.await {
                    Ok(page) => {
                        match part {
                            KindPart::Overview => view! { <KindView page=page /> }.into_any(),
                            KindPart::Requirements => {
                                view! { <KindRequirements page=page /> }.into_any()
                            }
                            KindPart::Faq => view! { <KindFaq page=page /> }.into_any(),
                            KindPart::Violations => {
                                view! { <KindViolations page=page /> }.into_any()
                            }
                        }
                    }
                    Err(error) => view! { <LoadError error=error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Edit buttons for the body's manager and the admin; asked in the browser only.
fn editable_kind(slug: &str) -> Signal<bool> {
    let slug = slug.to_owned();
    super::asked_in_browser(move || crate::api::catalogue_edit::can_edit_kind(slug.clone()))
}

/// Requirements (with their place in the act) to choose for a typical violation.
fn requirement_choices(acts: &[views::ActView]) -> Signal<Vec<(String, String)>> {
    Signal::stored(
        acts.iter()
            .flat_map(|a| {
                a.requirements.iter().map(move |r| {
                    (
                        r.id.clone(),
                        format!("{} — {}: {}", r.structural_unit, a.act.title, r.text),
                    )
                })
            })
            .collect::<Vec<_>>(),
    )
}

/// The heading of a section page: where it belongs, its title, the kind's name.
#[component]
fn PartHeading(kind: KindRow, body: Link, updated_on: String, title: String) -> AnyView {
    let i18n = use_i18n();
    let k = kind;
    view! {
        <Title text=format!("{title} — {}", k.short_name) />
        <p class="breadcrumbs">
            <A href="/kinds">{t!(i18n, catalogue.kinds_title)}</A>
            " · "
            <A href=format!("/bodies/{}", body.slug)>{body.name}</A>
            " · "
            <A href=KindPart::Overview.href(&k.slug)>{k.short_name.clone()}</A>
        </p>
        <h1>{title}</h1>
        <p class="lead">{t!(i18n, catalogue.part_of)} ": " {k.name.clone()}</p>
        <Updated on=updated_on />
    }
    .into_any()
}

#[component]
fn KindView(page: KindPage) -> AnyView {
    let i18n = use_i18n();
    let k = page.kind;
    let description = k.description.clone();
    let editable = editable_kind(&k.slug);
    let requirements_href = KindPart::Requirements.href(&k.slug);
    let requirement_total: usize = page.acts.iter().map(|a| a.requirements.len()).sum();
    let faq_href = KindPart::Faq.href(&k.slug);
    let violations_href = KindPart::Violations.href(&k.slug);
    view! {
        <Title text=k.name.clone() />
        <Meta name="description" content=description />
        <article class="catalogue-page">
            <p class="breadcrumbs">
                <A href="/kinds">{t!(i18n, catalogue.kinds_title)}</A>
                " · "
                <A href=format!("/bodies/{}", page.body.slug)>{page.body.name.clone()}</A>
            </p>
            <h1>{k.name.clone()}</h1>
            <Updated on=page.updated_on />
            <p class="lead">{k.description.clone()}</p>
            <nav class="toc" aria-label=move || t_string!(i18n, catalogue.contents)>
                <a href="#officials">{t!(i18n, catalogue.officials)}</a>
                <a href="#documents">{t!(i18n, catalogue.documents)}</a>
                <a href="#acts">{t!(i18n, catalogue.acts)}</a>
                <a href="#checklist">{t!(i18n, self_check.kind_section)}</a>
                <a href="#indicators">{t!(i18n, catalogue.indicators)}</a>
                <a href="#faq">{t!(i18n, catalogue.faq)}</a>
                <a href="#violations">{t!(i18n, catalogue.violations)}</a>
            </nav>

            <section id="officials" aria-labelledby="officials-title">
                <h2 id="officials-title">{t!(i18n, catalogue.officials)}</h2>
                <ul class="plain">
                    {page
                        .officials
                        .into_iter()
                        .map(|o| {
                            view! {
                                <EditableRow
                                    entity="kind_official"
                                    dom_id=format!("official-{}", o.id)
                                    id=o.id.clone()
                                    values=official_values(&o)
                                    editable=editable
                                    render=official
                                />
                            }
                        })
                        .collect_view()}
                </ul>
                <AddRow
                    entity="kind_official"
                    parent=k.slug.clone()
                    editable=editable
                    render=official
                    label=Signal::derive(move || t_string!(i18n, catalogue.add_official).to_owned())
                    dom_prefix="official"
                    list_class="plain"
                />
            </section>

            <section id="documents" aria-labelledby="documents-title">
                <h2 id="documents-title">{t!(i18n, catalogue.documents)}</h2>
                <ol>
                    {page
                        .documents
                        .into_iter()
                        .map(|d| {
                            view! {
                                <EditableRow
                                    entity="kind_document"
                                    dom_id=format!("document-{}", d.id)
                                    id=d.id.clone()
                                    values=vec![("title", d.title)]
                                    editable=editable
                                    render=|v, _| value(v, "title").to_owned().into_any()
                                />
                            }
                        })
                        .collect_view()}
                </ol>
                <AddRow
                    entity="kind_document"
                    parent=k.slug.clone()
                    editable=editable
                    render=|v, _| value(v, "title").to_owned().into_any()
                    label=Signal::derive(move || t_string!(i18n, catalogue.add_document).to_owned())
                    dom_prefix="document"
                />
            </section>

            <section id="acts" aria-labelledby="acts-title">
                <h2 id="acts-title">{t!(i18n, catalogue.acts)}</h2>
                <ul class="part-list">
                    {page
                        .acts
                        .into_iter()
                        .map(|a| {
                            let count = a.requirements.len();
                            view! {
                                <li id=format!("act-{}", a.act.id)>
                                    <A href=format!(
                                        "{requirements_href}#act-{}",
                                        a.act.id,
                                    )>
                                        {format!(
                                            "{} № {} от {}",
                                            a.act.title,
                                            a.act.number,
                                            date(&a.act.adopted_on),
                                        )}
                                    </A>
                                    <span class="muted">
                                        " · " {t!(i18n, catalogue.requirements)} ": " {count}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <p>
                    <A href=requirements_href
                        .clone()>
                        {t!(i18n, catalogue.all_requirements)} " (" {requirement_total} ")"
                    </A>
                </p>
            </section>

            <section id="checklist" aria-labelledby="checklist-title">
                <h2 id="checklist-title">{t!(i18n, self_check.kind_section)}</h2>
                <p>{t!(i18n, self_check.kind_lead)}</p>
                <p>
                    <A href=format!(
                        "/kinds/{}/checklist",
                        k.slug,
                    )>{t!(i18n, catalogue.checklist_open)}</A>
                    " · "
                    <a href="/self-check">{t!(i18n, self_check.kind_start)}</a>
                </p>
            </section>

            <section id="indicators" aria-labelledby="indicators-title">
                <h2 id="indicators-title">{t!(i18n, catalogue.indicators)}</h2>
                <ul>
                    {page
                        .indicators
                        .into_iter()
                        .map(|i| {
                            view! {
                                <EditableRow
                                    entity="risk_indicator"
                                    dom_id=format!("indicator-{}", i.id)
                                    id=i.id.clone()
                                    values=vec![("text", i.text)]
                                    editable=editable
                                    render=|v, _| value(v, "text").to_owned().into_any()
                                />
                            }
                        })
                        .collect_view()}
                </ul>
                <AddRow
                    entity="risk_indicator"
                    parent=k.slug.clone()
                    editable=editable
                    render=|v, _| value(v, "text").to_owned().into_any()
                    label=Signal::derive(move || {
                        t_string!(i18n, catalogue.add_indicator).to_owned()
                    })
                    dom_prefix="indicator"
                />
            </section>

            <section id="faq" aria-labelledby="faq-title">
                <h2 id="faq-title">{t!(i18n, catalogue.faq)}</h2>
                <ul class="part-list">
                    {page
                        .faq
                        .into_iter()
                        .map(|f| {
                            view! {
                                <li>
                                    <A href=format!("{faq_href}#faq-{}", f.id)>{f.question}</A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <p>
                    <A href=faq_href.clone()>{t!(i18n, catalogue.all_faq)}</A>
                </p>
            </section>

            <section id="violations" aria-labelledby="violations-title">
                <h2 id="violations-title">{t!(i18n, catalogue.violations)}</h2>
                <ul class="part-list">
                    {page
                        .violations
                        .into_iter()
                        .map(|v| {
                            view! {
                                <li>
                                    <A href=format!(
                                        "{violations_href}#violation-{}",
                                        v.violation.id,
                                    )>{v.violation.what_goes_wrong}</A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <p>
                    <A href=violations_href.clone()>{t!(i18n, catalogue.all_violations)}</A>
                </p>
            </section>
        </article>
    }
    .into_any()
}

/// `/kinds/{slug}/requirements`: the acts and the mandatory requirements each sets; the
/// body's staff edit them here.
#[component]
fn KindRequirements(page: KindPage) -> AnyView {
    let i18n = use_i18n();
    let KindPage {
        kind: k,
        body,
        acts,
        updated_on,
        ..
    } = page;
    let editable = editable_kind(&k.slug);
    // Acts to choose for a requirement.
    let act_choices = Signal::stored(
        acts.iter()
            .map(|a| {
                (
                    a.act.id.clone(),
                    format!("{} № {}", a.act.title, a.act.number),
                )
            })
            .collect::<Vec<_>>(),
    );
    view! {
        <article class="catalogue-page">
            <PartHeading
                kind=k.clone()
                body=body
                updated_on=updated_on
                title=t_string!(i18n, catalogue.acts).to_owned()
            />
            <section id="acts" aria-label=move || t_string!(i18n, catalogue.acts)>
                <ul class="plain">
                    {acts
                        .into_iter()
                        .map(|a| {
                            let requirements = a.requirements;
                            view! {
                                <EditableRow
                                    entity="legal_act"
                                    dom_id=format!("act-{}", a.act.id)
                                    class="act"
                                    id=a.act.id.clone()
                                    values=act_values(&a.act)
                                    editable=editable
                                    render=act
                                >
                                    <ol class="requirements">
                                        {requirements
                                            .into_iter()
                                            .map(|r| {
                                                view! {
                                                    <EditableRow
                                                        entity="requirement"
                                                        dom_id=format!("req-{}", r.id)
                                                        id=r.id.clone()
                                                        values=requirement_values(&r)
                                                        editable=editable
                                                        choices=act_choices
                                                        render=requirement
                                                    />
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                </EditableRow>
                            }
                        })
                        .collect_view()}
                </ul>
                <AddRow
                    entity="legal_act"
                    parent=k.slug.clone()
                    editable=editable
                    render=act
                    label=Signal::derive(move || t_string!(i18n, catalogue.add_act).to_owned())
                    dom_prefix="act"
                    list_class="plain"
                    item_class="act"
                />
                <AddRow
                    entity="requirement"
                    parent=k.slug.clone()
                    editable=editable
                    choices=act_choices
                    render=requirement
                    label=Signal::derive(move || {
                        t_string!(i18n, catalogue.add_requirement).to_owned()
                    })
                    dom_prefix="req"
                    list_class="requirements"
                />
            </section>

        </article>
    }
    .into_any()
}

/// `/kinds/{slug}/faq`: every question with its answer; the body's staff edit them here.
#[component]
fn KindFaq(page: KindPage) -> AnyView {
    let i18n = use_i18n();
    let KindPage {
        kind,
        body,
        faq,
        updated_on,
        ..
    } = page;
    let slug = kind.slug.clone();
    let editable = editable_kind(&slug);
    view! {
        <article class="catalogue-page">
            <PartHeading
                kind=kind
                body=body
                updated_on=updated_on
                title=t_string!(i18n, catalogue.faq).to_owned()
            />
            <section id="faq" aria-label=move || t_string!(i18n, catalogue.faq)>
                {faq
                    .into_iter()
                    .map(|f| view! { <super::faq_edit::FaqEntry faq=f editable=editable /> })
                    .collect_view()}
                <super::faq_edit::AddFaq kind_slug=slug editable=editable />
            </section>
        </article>
    }
    .into_any()
}

/// `/kinds/{slug}/violations`: typical violations with the requirement each breaks, how to
/// avoid and how to fix it.
#[component]
fn KindViolations(page: KindPage) -> AnyView {
    let i18n = use_i18n();
    let KindPage {
        kind,
        body,
        acts,
        violations,
        updated_on,
        ..
    } = page;
    let slug = kind.slug.clone();
    let editable = editable_kind(&slug);
    let requirement_choices = requirement_choices(&acts);
    view! {
        <article class="catalogue-page">
            <PartHeading
                kind=kind
                body=body
                updated_on=updated_on
                title=t_string!(i18n, catalogue.violations).to_owned()
            />
            <section id="violations" aria-label=move || t_string!(i18n, catalogue.violations)>
                <ul class="plain">
                    {violations
                        .into_iter()
                        .map(|v| {
                            view! {
                                <EditableRow
                                    entity="typical_violation"
                                    dom_id=format!("violation-{}", v.violation.id)
                                    class="violation-row"
                                    id=v.violation.id.clone()
                                    values=violation_values(&v.violation)
                                    editable=editable
                                    choices=requirement_choices
                                    render=violation
                                />
                            }
                        })
                        .collect_view()}
                </ul>
                <AddRow
                    entity="typical_violation"
                    parent=slug
                    editable=editable
                    choices=requirement_choices
                    render=violation
                    label=Signal::derive(move || {
                        t_string!(i18n, catalogue.add_violation).to_owned()
                    })
                    dom_prefix="violation"
                    list_class="plain"
                    item_class="violation-row"
                />
            </section>
        </article>
    }
    .into_any()
}

fn official_values(o: &OfficialRow) -> Values {
    vec![
        ("full_name", o.full_name.clone()),
        ("position", o.position.clone()),
        ("phone", o.phone.clone()),
    ]
}

fn official(v: &Values, _: &[(String, String)]) -> AnyView {
    let phone = value(v, "phone").to_owned();
    let tel: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    view! {
        <strong>{value(v, "full_name").to_owned()}</strong>
        ", "
        {value(v, "position").to_owned()}
        ", "
        <a href=format!("tel:{tel}")>{phone}</a>
    }
    .into_any()
}

fn act_values(a: &ActRow) -> Values {
    vec![
        ("title", a.title.clone()),
        ("number", a.number.clone()),
        ("adopted_on", a.adopted_on.clone()),
        ("url", a.url.clone()),
    ]
}

fn act(v: &Values, _: &[(String, String)]) -> AnyView {
    view! {
        <h3>
            <a href=value(v, "url").to_owned() rel="noopener">
                {value(v, "title").to_owned()}
            </a>
        </h3>
        <p class="muted">
            {format!("№ {} от {}", value(v, "number"), date(value(v, "adopted_on")))}
        </p>
    }
    .into_any()
}

fn requirement_values(r: &RequirementRow) -> Values {
    vec![
        ("act_id", r.act_id.clone()),
        ("text", r.text.clone()),
        ("structural_unit", r.structural_unit.clone()),
    ]
}

fn requirement(v: &Values, _: &[(String, String)]) -> AnyView {
    view! {
        <p>{value(v, "text").to_owned()}</p>
        <p class="muted">{value(v, "structural_unit").to_owned()}</p>
    }
    .into_any()
}

fn violation_values(v: &ViolationRow) -> Values {
    vec![
        ("requirement_id", v.requirement_id.clone()),
        ("what_goes_wrong", v.what_goes_wrong.clone()),
        ("how_to_avoid", v.how_to_avoid.clone()),
        ("how_to_fix", v.how_to_fix.clone()),
    ]
}

fn violation(v: &Values, requirements: &[(String, String)]) -> AnyView {
    let i18n = use_i18n();
    // The choice reads «структурная единица — акт: текст требования».
    let (reference, text) = choice(requirements, value(v, "requirement_id"))
        .split_once(": ")
        .map(|(r, t)| (r.to_owned(), t.to_owned()))
        .unwrap_or_default();
    view! {
        <article class="violation">
            <h3>{value(v, "what_goes_wrong").to_owned()}</h3>
            <p class="muted">{reference}</p>
            <blockquote>{text}</blockquote>
            <h4>{t!(i18n, catalogue.how_to_avoid)}</h4>
            <p>{value(v, "how_to_avoid").to_owned()}</p>
            <h4>{t!(i18n, catalogue.how_to_fix)}</h4>
            <p>{value(v, "how_to_fix").to_owned()}</p>
        </article>
    }
    .into_any()
}
