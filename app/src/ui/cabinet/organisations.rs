//! The business user's organisations: the list (with those awaiting confirmation), the form
//! that claims one (a representation request, never the role itself), the user's requests,
//! the requests the user may decide as a representative, and inviting a colleague. The form
//! checks ИНН and ОГРН with the shared domain rules before sending and shows each error under
//! its field; nothing is saved until every field is right.

use leptos::prelude::*;

use crate::api::organisations::{
    field_name, leave_organisation, my_organisations, OrganisationView,
};
use crate::client::kept_claims::{self, Submitted};
use crate::client::session::use_session;
use crate::domain::organisation::{OrganisationForm, OrganisationKind};
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{error_message, field_error, FormError, TextArea, TextField};
use crate::ui::representation::{InviteColleague, MyRequests, RequestQueue};

#[component]
pub fn Organisations() -> AnyView {
    let i18n = use_i18n();
    let list = LocalResource::new(my_organisations);
    // Bumped when a claim is sent, so the list of requests reloads.
    let claims = RwSignal::new(0usize);
    // Bumped when a claim is kept on the device or one kept is sent or deleted.
    let kept = RwSignal::new(0usize);
    let leave = Action::new(|id: &String| leave_organisation(id.clone()));
    let session = use_session();
    Effect::new(move |_| {
        if let Some(Ok(())) = leave.value().get() {
            list.refetch();
            session.refresh();
        }
    });
    let leave_error = Signal::derive(move || leave.value().get().and_then(Result::err));
    view! {
        <section class="panel" aria-labelledby="organisations-title">
            <h2 id="organisations-title">{t!(i18n, cabinet.organisations)}</h2>
            {move || match list.get() {
                None => view! { <p class="muted">{t!(i18n, loading)}</p> }.into_any(),
                Some(Err(error)) => {
                    view! { <p class="form-error">{error_message(&error)}</p> }.into_any()
                }
                Some(Ok(items)) if items.is_empty() => {
                    view! { <p class="muted">{t!(i18n, cabinet.organisations_none)}</p> }.into_any()
                }
                Some(Ok(items)) => {
                    view! {
                        <ul class="org-list">
                            {items
                                .into_iter()
                                .map(|org| view! { <OrganisationItem org=org leave=leave /> })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
            <FormError error=leave_error />
            {move || match list.get() {
                Some(Ok(items)) => view! { <InviteColleague organisations=items /> }.into_any(),
                _ => ().into_any(),
            }}
            <AddOrganisation
                on_added=move || {
                    list.refetch();
                    claims.update(|n| *n += 1);
                }
                on_kept=move || kept.update(|n| *n += 1)
            />
            <KeptClaims
                refresh=kept
                on_sent=move || {
                    list.refetch();
                    claims.update(|n| *n += 1);
                }
            />
        </section>
        <MyRequests refresh=claims />
        <RequestQueue />
    }
    .into_any()
}

#[component]
fn OrganisationItem(org: OrganisationView, leave: Action<String, Result<(), AppError>>) -> AnyView {
    let i18n = use_i18n();
    let id = org.id.clone();
    let pending = org.pending;
    view! {
        <li class="org">
            <p class="org-name">{org.name}</p>
            <Show when=move || pending>
                <p class="badge badge-queued">{t!(i18n, representation.pending_badge)}</p>
            </Show>
            <p class="muted">
                {move || kind_name(org.kind)} " · " {t!(i18n, cabinet.inn)} " "
                {org.inn.clone().unwrap_or_default()} {org.ogrn.clone().map(|o| format!(" · {o}"))}
            </p>
            <Show when=move || !pending>
                <button
                    type="button"
                    class="button"
                    disabled=move || leave.pending().get()
                    on:click={
                        let id = id.clone();
                        move |_| {
                            leave.dispatch(id.clone());
                        }
                    }
                >
                    {t!(i18n, cabinet.leave)}
                </button>
            </Show>
        </li>
    }
    .into_any()
}

/// The form that adds an organisation.
#[component]
fn AddOrganisation(
    on_added: impl Fn() + Copy + Send + Sync + 'static,
    on_kept: impl Fn() + Copy + Send + Sync + 'static,
) -> AnyView {
    let i18n = use_i18n();
    let kind = RwSignal::new(OrganisationKind::LegalEntity.as_str().to_owned());
    let name = RwSignal::new(String::new());
    let inn = RwSignal::new(String::new());
    let ogrn = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let files_ref = NodeRef::<leptos::html::Input>::new();
    let local = RwSignal::new(None::<crate::domain::organisation::FormErrors>);
    // The evidence goes first, the claim names what was stored; without a connection both
    // are kept on the device and sent later.
    let action = Action::new(move |(form, note): &(OrganisationForm, String)| {
        let (form, note) = (form.clone(), note.clone());
        let input = files_ref.get_untracked();
        crate::ui::rate::send(kept_claims::submit(form, note, input))
    });
    let added = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(submitted)) = action.value().get() {
            added.set(Some(match submitted {
                Submitted::Sent(request) => format!(
                    "{} {}",
                    t_string!(i18n, representation.claimed),
                    request.organisation_name
                ),
                Submitted::Kept => {
                    on_kept();
                    t_string!(i18n, representation.kept_done).to_owned()
                }
            }));
            name.set(String::new());
            inn.set(String::new());
            ogrn.set(String::new());
            note.set(String::new());
            if let Some(input) = files_ref.get_untracked() {
                input.set_value("");
            }
            on_added();
        }
    });
    let server_error = Signal::derive(move || action.value().get().and_then(Result::err));
    // A field's error: the one found on the device, else the server's.
    let error_for = move |field| {
        Signal::derive(move || {
            local
                .with(|l| {
                    l.as_ref()
                        .and_then(|e| e.for_field(field))
                        .map(str::to_owned)
                })
                .or_else(field_error(server_error, field_name(field)))
        })
    };
    use crate::domain::organisation::OrganisationField as F;
    let self_employed = move || kind.get() == OrganisationKind::SelfEmployed.as_str();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        added.set(None);
        let form = OrganisationForm {
            kind: kind.get_untracked(),
            name: name.get_untracked(),
            inn: inn.get_untracked(),
            ogrn: ogrn.get_untracked(),
        };
        match form.validate(&OrganisationKind::BUSINESS) {
            Ok(_) => {
                local.set(None);
                action.dispatch((form, note.get_untracked()));
            }
            Err(errors) => local.set(Some(errors)),
        }
    };
    view! {
        <form class="form" on:submit=submit novalidate aria-labelledby="add-org-title">
            <h3 id="add-org-title">{t!(i18n, representation.claim_title)}</h3>
            <p class="muted">{t!(i18n, representation.claim_intro)}</p>
            <div class="field">
                <label for="kind">{t!(i18n, cabinet.kind)}</label>
                <select id="kind" name="kind" bind:value=kind>
                    {OrganisationKind::BUSINESS
                        .into_iter()
                        .map(|k| view! { <option value=k.as_str()>{move || kind_name(k)}</option> })
                        .collect_view()}
                </select>
            </div>
            <TextField
                id="name"
                label=Signal::derive(move || t_string!(i18n, cabinet.org_name).to_owned())
                value=name
                error=error_for(F::Name)
                autocomplete="organization"
                required=true
            />
            <TextField
                id="inn"
                label=Signal::derive(move || t_string!(i18n, cabinet.inn).to_owned())
                hint=Signal::derive(move || t_string!(i18n, cabinet.inn_hint).to_owned())
                value=inn
                error=error_for(F::Inn)
                inputmode="numeric"
                required=true
            />
            <Show when=move || !self_employed()>
                <TextField
                    id="ogrn"
                    label=Signal::derive(move || t_string!(i18n, cabinet.ogrn).to_owned())
                    hint=Signal::derive(move || t_string!(i18n, cabinet.ogrn_hint).to_owned())
                    value=ogrn
                    error=error_for(F::Ogrn)
                    inputmode="numeric"
                    required=true
                />
            </Show>
            <TextArea
                id="note"
                label=Signal::derive(move || t_string!(i18n, representation.note).to_owned())
                hint=Signal::derive(move || t_string!(i18n, representation.note_hint).to_owned())
                value=note
                rows=2
                error=Signal::derive(field_error(server_error, "note"))
            />
            <EvidenceField
                node_ref=files_ref
                error=Signal::derive(field_error(server_error, "files"))
            />
            <FormError error=server_error />
            <p class="form-success" role="status">
                {move || added.get()}
            </p>
            <button type="submit" class="button primary" disabled=move || action.pending().get()>
                {t!(i18n, representation.submit_claim)}
            </button>
        </form>
    }
    .into_any()
}

/// The name of a kind of organisation in the interface language.
pub fn kind_name(kind: OrganisationKind) -> &'static str {
    let i18n = use_i18n();
    match kind {
        OrganisationKind::LegalEntity => t_string!(i18n, kind.legal_entity),
        OrganisationKind::SoleTrader => t_string!(i18n, kind.sole_trader),
        OrganisationKind::SelfEmployed => t_string!(i18n, kind.self_employed),
        OrganisationKind::ControlBody => t_string!(i18n, kind.control_body),
        OrganisationKind::ConsultingFirm => t_string!(i18n, kind.consulting_firm),
        OrganisationKind::PortalOperator => t_string!(i18n, kind.portal_operator),
    }
}

/// The file input for the evidence of a claim, with its hint and its error.
#[component]
fn EvidenceField(
    node_ref: NodeRef<leptos::html::Input>,
    #[prop(into)] error: Signal<Option<String>>,
) -> AnyView {
    let i18n = use_i18n();
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for="evidence">{t!(i18n, representation.evidence)}</label>
            <p class="field-hint" id="evidence-hint">
                {t!(i18n, representation.evidence_hint)}
            </p>
            <input
                id="evidence"
                name="file"
                type="file"
                multiple
                accept=crate::domain::files::ACCEPT
                node_ref=node_ref
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || {
                    if error.get().is_some() {
                        "evidence-hint evidence-error"
                    } else {
                        "evidence-hint"
                    }
                }
            />
            <p class="field-error" id="evidence-error" role="alert">
                {move || error.get()}
            </p>
        </div>
    }
    .into_any()
}

/// Claims kept on this device for want of a connection, with their files: sent as soon as the
/// app can reach the server (on opening the cabinet and whenever the connection comes back).
#[component]
fn KeptClaims(
    refresh: RwSignal<usize>,
    on_sent: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let online = crate::client::network::use_online();
    let claims = LocalResource::new(move || {
        refresh.track();
        kept_claims::list()
    });
    Effect::new(move |_| {
        if online.get() {
            leptos::task::spawn_local(async move {
                if kept_claims::send_kept().await > 0 {
                    on_sent();
                }
                refresh.update(|n| *n += 1);
            });
        }
    });
    let discard = move |key: String| {
        leptos::task::spawn_local(async move {
            kept_claims::discard(key).await;
            refresh.update(|n| *n += 1);
        });
    };
    move || {
        let claims = claims.get().unwrap_or_default();
        (!claims.is_empty())
            .then(|| {
                view! {
                    <div class="kept-claims" role="region" aria-labelledby="kept-title">
                        <h3 id="kept-title">{t!(i18n, representation.kept_title)}</h3>
                        <p class="muted">{t!(i18n, representation.kept_intro)}</p>
                        <ul class="org-list">
                            {claims
                                .into_iter()
                                .map(|claim| {
                                    let key = claim.key.clone();
                                    view! {
                                        <li class="org">
                                            <p class="org-name">{claim.form.name}</p>
                                            <p class="muted">
                                                {t!(i18n, cabinet.inn)} " " {claim.form.inn} " · "
                                                {t!(i18n, representation.kept_files)} ": "
                                                {if claim.file_names.is_empty() {
                                                    "—".to_owned()
                                                } else {
                                                    claim.file_names.join(", ")
                                                }}
                                            </p>
                                            {match claim.refused {
                                                Some(reason) => {
                                                    view! { <p class="form-error">{reason}</p> }.into_any()
                                                }
                                                None => {
                                                    view! {
                                                        <p class="badge badge-queued">
                                                            {t!(i18n, representation.kept_waiting)}
                                                        </p>
                                                    }
                                                        .into_any()
                                                }
                                            }}
                                            <button
                                                type="button"
                                                class="button"
                                                on:click=move |_| discard(key.clone())
                                            >
                                                {t!(i18n, representation.kept_discard)}
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </div>
                }
            })
    }
}
