//! `/cabinet`, the single personal cabinet. What it shows depends on the role the user acts in:
//! a business sees its organisations, a body's manager and the admin manage bodies and staff.
//! Everyone sees their profile and can switch between the roles they hold.

mod organisations;
mod staff;

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_navigate};

use crate::api::session::{logout, logout_everywhere, switch_role, CurrentUser, RoleView};
use crate::client::session::use_session;
use crate::domain::account::Role;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{error_message, FormError};

#[component]
pub fn CabinetPage() -> AnyView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, cabinet.title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, cabinet.description) />
        <h1>{t!(i18n, cabinet.title)}</h1>
        {move || match session.user() {
            None => {
                view! {
                    <p class="muted" aria-busy="true">
                        {t!(i18n, loading)}
                    </p>
                }
                    .into_any()
            }
            Some(Err(error)) => {
                view! {
                    <div class="notice notice-error" role="alert">
                        <p>{error_message(&error)}</p>
                    </div>
                }
                    .into_any()
            }
            Some(Ok(None)) => view! { <Anonymous /> }.into_any(),
            Some(Ok(Some(user))) => view! { <Cabinet user=user /> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn Anonymous() -> AnyView {
    let i18n = use_i18n();
    view! {
        <section class="notice">
            <p>{t!(i18n, cabinet.anonymous)}</p>
            <p class="actions">
                <A href="/login" attr:class="button primary">
                    {t!(i18n, auth.submit_login)}
                </A>
                <A href="/signup" attr:class="button">
                    {t!(i18n, auth.submit_signup)}
                </A>
            </p>
        </section>
    }
    .into_any()
}

#[component]
fn Cabinet(user: CurrentUser) -> AnyView {
    let i18n = use_i18n();
    let current = user.current.clone();
    let role = current.as_ref().map(|c| c.role);
    let business_view = matches!(role, None | Some(Role::Business));
    let manages = matches!(role, Some(Role::KnoManager | Role::Admin));
    view! {
        <Profile user=user.clone() />
        <Roles roles=user.roles.clone() current=current.clone() />
        <Show when=move || business_view>
            <crate::ui::self_check::DeclarationReminder />
            <organisations::Organisations />
        </Show>
        <RatingLinks role=role />
        <Show when=move || role == Some(Role::Admin)>
            <p class="actions">
                <a class="button" href="/cabinet/representations">
                    {t!(i18n, representation.admin_link)}
                </a>
            </p>
        </Show>
        <Show when=move || manages>
            <staff::Staff is_admin=role == Some(Role::Admin) />
        </Show>
    }
    .into_any()
}

/// Where the rating starts for each role: rating an event, the device's drafts, and for a
/// body's manager the alerts about low ratings.
#[component]
fn RatingLinks(role: Option<Role>) -> AnyView {
    let i18n = use_i18n();
    let rates = matches!(
        role,
        None | Some(Role::Business | Role::KnoStaff | Role::KnoManager)
    );
    let manager = role == Some(Role::KnoManager);
    view! {
        <section class="panel" aria-labelledby="rating-title">
            <h2 id="rating-title">{t!(i18n, feedback.section)}</h2>
            <p class="actions">
                <Show when=move || rates>
                    <a class="button primary" href="/rate">
                        {t!(i18n, feedback.rate)}
                    </a>
                    <a class="button" href="/drafts">
                        {t!(i18n, feedback.drafts)}
                    </a>
                </Show>
                <Show when=move || role == Some(Role::Business) || role.is_none()>
                    <a class="button" href="/self-check">
                        {t!(i18n, self_check.title)}
                    </a>
                </Show>
                <Show when=move || manager>
                    <a class="button" href="/cabinet/self-checks">
                        {t!(i18n, self_check.body_title)}
                    </a>
                </Show>
                <Show when=move || manager>
                    <a class="button" href="/cabinet/ratings">
                        {t!(i18n, feedback.alerts_title)}
                    </a>
                </Show>
                <Show when=move || role == Some(Role::Admin)>
                    <a class="button" href="/cabinet/rating-criteria">
                        {t!(i18n, feedback.reference_title)}
                    </a>
                </Show>
                <a class="button" href="/ratings/feedback">
                    {t!(i18n, feedback.title)}
                </a>
            </p>
        </section>
    }
    .into_any()
}

#[component]
fn Profile(user: CurrentUser) -> AnyView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let sign_out = Action::new(|everywhere: &bool| {
        let everywhere = *everywhere;
        async move {
            if everywhere {
                logout_everywhere().await
            } else {
                logout().await
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            session.refresh();
            navigate("/", Default::default());
        }
    });
    let error = Signal::derive(move || sign_out.value().get().and_then(Result::err));
    view! {
        <section class="panel" aria-labelledby="profile-title">
            <h2 id="profile-title">{t!(i18n, cabinet.profile)}</h2>
            <dl class="facts">
                <dt>{t!(i18n, cabinet.name)}</dt>
                <dd>{user.display_name}</dd>
                <dt>{t!(i18n, auth.email)}</dt>
                <dd>{user.email}</dd>
            </dl>
            <FormError error=error />
            <p class="actions">
                <button
                    type="button"
                    class="button"
                    disabled=move || sign_out.pending().get()
                    on:click=move |_| {
                        sign_out.dispatch(false);
                    }
                >
                    {t!(i18n, cabinet.logout)}
                </button>
                <button
                    type="button"
                    class="button"
                    title=move || t_string!(i18n, cabinet.logout_everywhere_hint)
                    disabled=move || sign_out.pending().get()
                    on:click=move |_| {
                        sign_out.dispatch(true);
                    }
                >
                    {t!(i18n, cabinet.logout_everywhere)}
                </button>
            </p>
        </section>
    }
    .into_any()
}

/// The roles held, the current one marked, the others one click away.
#[component]
fn Roles(roles: Vec<RoleView>, current: Option<RoleView>) -> AnyView {
    let i18n = use_i18n();
    let session = use_session();
    let switch =
        Action::new(|choice: &RoleView| switch_role(choice.role, choice.organisation_id.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = switch.value().get() {
            session.refresh();
        }
    });
    let error = Signal::derive(move || switch.value().get().and_then(Result::err));
    let empty = roles.is_empty();
    view! {
        <section class="panel" aria-labelledby="roles-title">
            <h2 id="roles-title">{t!(i18n, cabinet.roles)}</h2>
            <Show when=move || empty>
                <p class="muted">{t!(i18n, cabinet.roles_none)}</p>
            </Show>
            <ul class="role-list">
                {roles
                    .into_iter()
                    .map(|grant| {
                        let is_current = current.as_ref() == Some(&grant);
                        let choice = grant.clone();
                        view! {
                            <li class:current=is_current>
                                <span>
                                    <strong>{move || role_name(grant.role)}</strong>
                                    " · "
                                    {grant.organisation_name.clone()}
                                </span>
                                {if is_current {
                                    view! { <span class="badge">{t!(i18n, cabinet.current)}</span> }
                                        .into_any()
                                } else {
                                    view! {
                                        <button
                                            type="button"
                                            class="button"
                                            disabled=move || switch.pending().get()
                                            on:click=move |_| {
                                                switch.dispatch(choice.clone());
                                            }
                                        >
                                            {t!(i18n, cabinet.act_as)}
                                        </button>
                                    }
                                        .into_any()
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <FormError error=error />
        </section>
    }
    .into_any()
}

/// The name of a role in the interface language.
pub fn role_name(role: Role) -> &'static str {
    let i18n = use_i18n();
    match role {
        Role::Business => t_string!(i18n, role.business),
        Role::KnoStaff => t_string!(i18n, role.kno_staff),
        Role::KnoManager => t_string!(i18n, role.kno_manager),
        Role::Consultant => t_string!(i18n, role.consultant),
        Role::Admin => t_string!(i18n, role.admin),
    }
}
