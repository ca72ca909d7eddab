//! Managing bodies and staff. The admin registers bodies and firms and assigns any of their
//! roles; a body's manager adds units and inspectors to their own body. The server decides
//! what is allowed; this only offers what will be.

use leptos::prelude::*;

use super::organisations::kind_name;
use super::role_name;
use crate::api::organisations::{field_name, OrganisationView};
use crate::api::staff::{
    add_unit, create_institution, grant_role, institutions, members, revoke_role, MemberView,
};
use crate::domain::{
    account::Role,
    organisation::{OrganisationField, OrganisationForm, OrganisationKind},
};
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{error_message, field_error, FormError, TextField};

#[component]
pub fn Staff(is_admin: bool) -> AnyView {
    let i18n = use_i18n();
    let list = LocalResource::new(institutions);
    let selected = RwSignal::new(None::<String>);
    let chosen = move || {
        let items = list.get().and_then(Result::ok).unwrap_or_default();
        let id = selected.get();
        items
            .iter()
            .find(|o| Some(&o.id) == id.as_ref())
            .or_else(|| items.first())
            .cloned()
    };
    view! {
        <section class="panel" aria-labelledby="staff-title">
            <h2 id="staff-title">{t!(i18n, staff.title)}</h2>
            {move || match list.get() {
                None => view! { <p class="muted">{t!(i18n, loading)}</p> }.into_any(),
                Some(Err(error)) => {
                    view! { <p class="form-error">{error_message(&error)}</p> }.into_any()
                }
                Some(Ok(items)) if items.is_empty() => {
                    view! { <p class="muted">{t!(i18n, staff.none)}</p> }.into_any()
                }
                Some(Ok(items)) => {
                    view! {
                        <div class="field">
                            <label for="institution">{t!(i18n, staff.organisation)}</label>
                            <select
                                id="institution"
                                on:change=move |ev| selected.set(Some(event_target_value(&ev)))
                            >
                                {items
                                    .into_iter()
                                    .map(|o| {
                                        let label = match o.parent_id {
                                            Some(_) => format!("— {}", o.name),
                                            None => o.name.clone(),
                                        };
                                        let is_selected = selected.get_untracked().as_ref()
                                            == Some(&o.id);
                                        view! {
                                            <option value=o.id.clone() selected=is_selected>
                                                {label}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                    }
                        .into_any()
                }
            }}
            {move || {
                chosen()
                    .map(|org| {
                        view! {
                            <Institution
                                org=org
                                is_admin=is_admin
                                on_unit_added=move || list.refetch()
                            />
                        }
                    })
            }}
            <Show when=move || is_admin>
                <CreateInstitution on_created=move |id| {
                    selected.set(Some(id));
                    list.refetch();
                } />
            </Show>
        </section>
    }
    .into_any()
}

/// One body, unit or firm: who works there, and the forms to change that.
#[component]
fn Institution(
    org: OrganisationView,
    is_admin: bool,
    on_unit_added: impl Fn() + Copy + Send + Sync + 'static,
) -> AnyView {
    let i18n = use_i18n();
    let id = org.id.clone();
    let people = {
        let id = id.clone();
        LocalResource::new(move || members(id.clone()))
    };
    let revoke = Action::new(|(org, user, role): &(String, String, Role)| {
        revoke_role(org.clone(), user.clone(), *role)
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            people.refetch();
        }
    });
    let revoke_error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    // Roles this user may hand out here: the admin any the kind admits, a manager inspectors.
    let assignable: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| org.kind.admits(*r) && (is_admin || *r == Role::KnoStaff))
        .collect();
    let may_revoke = {
        let assignable = assignable.clone();
        move |role: Role| assignable.contains(&role)
    };
    let is_body = org.kind == OrganisationKind::ControlBody && org.parent_id.is_none();
    view! {
        <article class="institution" aria-labelledby="institution-title">
            <h3 id="institution-title">{org.name.clone()}</h3>
            <p class="muted">
                {move || kind_name(org.kind)}
                {org.inn.clone().map(|inn| format!(" · ИНН {inn}"))}
            </p>
            <h4>{t!(i18n, staff.members)}</h4>
            {move || {
                let may_revoke = may_revoke.clone();
                let id = id.clone();
                match people.get() {
                    None => view! { <p class="muted">{t!(i18n, loading)}</p> }.into_any(),
                    Some(Err(error)) => {
                        view! { <p class="form-error">{error_message(&error)}</p> }.into_any()
                    }
                    Some(Ok(list)) if list.is_empty() => {
                        view! { <p class="muted">{t!(i18n, staff.no_members)}</p> }.into_any()
                    }
                    Some(Ok(list)) => {
                        view! {
                            <ul class="member-list">
                                {list
                                    .into_iter()
                                    .map(|m| {
                                        let removable = may_revoke(m.role);
                                        view! {
                                            <Member
                                                member=m
                                                org_id=id.clone()
                                                removable=removable
                                                revoke=revoke
                                            />
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }
            }}
            <FormError error=revoke_error />
            <GrantForm org_id=org.id.clone() roles=assignable on_granted=move || people.refetch() />
            <Show when=move || is_body>
                <AddUnit body_id=org.id.clone() on_added=on_unit_added />
            </Show>
        </article>
    }
    .into_any()
}

#[component]
fn Member(
    member: MemberView,
    org_id: String,
    removable: bool,
    revoke: Action<(String, String, Role), Result<(), AppError>>,
) -> AnyView {
    let i18n = use_i18n();
    let role = member.role;
    let user_id = member.user_id.clone();
    view! {
        <li class="member">
            <span>
                <strong>{member.display_name}</strong>
                " · "
                {member.email}
                " · "
                {move || role_name(role)}
            </span>
            <Show when=move || removable>
                <button
                    type="button"
                    class="button"
                    disabled=move || revoke.pending().get()
                    on:click={
                        let (org_id, user_id) = (org_id.clone(), user_id.clone());
                        move |_| {
                            revoke.dispatch((org_id.clone(), user_id.clone(), role));
                        }
                    }
                >
                    {t!(i18n, staff.revoke)}
                </button>
            </Show>
        </li>
    }
    .into_any()
}

#[component]
fn GrantForm(
    org_id: String,
    roles: Vec<Role>,
    on_granted: impl Fn() + Copy + Send + Sync + 'static,
) -> AnyView {
    let i18n = use_i18n();
    let email = RwSignal::new(String::new());
    let first = roles.first().copied().unwrap_or(Role::KnoStaff);
    let role = RwSignal::new(first.as_str().to_owned());
    let action = Action::new(|(org, email, role): &(String, String, Role)| {
        grant_role(org.clone(), email.clone(), *role)
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            email.set(String::new());
            on_granted();
        }
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = Role::parse(&role.get_untracked()).unwrap_or(first);
        action.dispatch((org_id.clone(), email.get_untracked(), chosen));
    };
    view! {
        <form class="form inline-form" on:submit=submit novalidate>
            <h4>{t!(i18n, staff.grant_title)}</h4>
            <TextField
                id="grant-email"
                label=Signal::derive(move || t_string!(i18n, staff.grant_email).to_owned())
                value=email
                error=Signal::derive(field_error(error, "email"))
                kind="email"
                inputmode="email"
                required=true
            />
            <div class="field">
                <label for="grant-role">{t!(i18n, staff.role)}</label>
                <select id="grant-role" bind:value=role>
                    {roles
                        .into_iter()
                        .map(|r| view! { <option value=r.as_str()>{move || role_name(r)}</option> })
                        .collect_view()}
                </select>
            </div>
            <FormError error=error />
            <button type="submit" class="button primary" disabled=move || action.pending().get()>
                {t!(i18n, staff.grant)}
            </button>
        </form>
    }
    .into_any()
}

#[component]
fn AddUnit(body_id: String, on_added: impl Fn() + Copy + Send + Sync + 'static) -> AnyView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let action =
        Action::new(|(body, name): &(String, String)| add_unit(body.clone(), name.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            name.set(String::new());
            on_added();
        }
    });
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch((body_id.clone(), name.get_untracked()));
    };
    view! {
        <form class="form inline-form" on:submit=submit novalidate>
            <h4>{t!(i18n, staff.unit_title)}</h4>
            <TextField
                id="unit-name"
                label=Signal::derive(move || t_string!(i18n, staff.unit_name).to_owned())
                value=name
                error=Signal::derive(field_error(error, "name"))
                required=true
            />
            <FormError error=error />
            <button type="submit" class="button primary" disabled=move || action.pending().get()>
                {t!(i18n, staff.add_unit)}
            </button>
        </form>
    }
    .into_any()
}

/// The admin registers a control body or a consulting firm.
#[component]
fn CreateInstitution(on_created: impl Fn(String) + Copy + Send + Sync + 'static) -> AnyView {
    let i18n = use_i18n();
    let kind = RwSignal::new(OrganisationKind::ControlBody.as_str().to_owned());
    let name = RwSignal::new(String::new());
    let inn = RwSignal::new(String::new());
    let ogrn = RwSignal::new(String::new());
    let local = RwSignal::new(None::<crate::domain::organisation::FormErrors>);
    let action = Action::new(|form: &OrganisationForm| create_institution(form.clone()));
    Effect::new(move |_| {
        if let Some(Ok(org)) = action.value().get() {
            name.set(String::new());
            inn.set(String::new());
            ogrn.set(String::new());
            on_created(org.id);
        }
    });
    let server_error = Signal::derive(move || action.value().get().and_then(Result::err));
    let error_for = move |field: OrganisationField| {
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
    let kinds = [
        OrganisationKind::ControlBody,
        OrganisationKind::ConsultingFirm,
    ];
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let form = OrganisationForm {
            kind: kind.get_untracked(),
            name: name.get_untracked(),
            inn: inn.get_untracked(),
            ogrn: ogrn.get_untracked(),
        };
        match form.validate(&kinds) {
            Ok(_) => {
                local.set(None);
                action.dispatch(form);
            }
            Err(errors) => local.set(Some(errors)),
        }
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <h3>{t!(i18n, staff.create_title)}</h3>
            <div class="field">
                <label for="institution-kind">{t!(i18n, cabinet.kind)}</label>
                <select id="institution-kind" bind:value=kind>
                    {kinds
                        .into_iter()
                        .map(|k| view! { <option value=k.as_str()>{move || kind_name(k)}</option> })
                        .collect_view()}
                </select>
            </div>
            <TextField
                id="institution-name"
                label=Signal::derive(move || t_string!(i18n, cabinet.org_name).to_owned())
                value=name
                error=error_for(OrganisationField::Name)
                required=true
            />
            <TextField
                id="institution-inn"
                label=Signal::derive(move || t_string!(i18n, cabinet.inn).to_owned())
                value=inn
                error=error_for(OrganisationField::Inn)
                inputmode="numeric"
                required=true
            />
            <TextField
                id="institution-ogrn"
                label=Signal::derive(move || t_string!(i18n, cabinet.ogrn).to_owned())
                value=ogrn
                error=error_for(OrganisationField::Ogrn)
                inputmode="numeric"
                required=true
            />
            <FormError error=server_error />
            <button type="submit" class="button primary" disabled=move || action.pending().get()>
                {t!(i18n, staff.create)}
            </button>
        </form>
    }
    .into_any()
}
