//! `/login` and `/signup`. Both check the input with the shared domain rules before sending, so
//! most mistakes are shown next to the field at once; the server checks again.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{components::A, hooks::use_navigate};

use crate::api::account::sign_up;
use crate::api::session::login;
use crate::client::session::use_session;
use crate::domain::account::{Email, Password};
use crate::error::AppError;
use crate::i18n::{t, t_string, use_i18n};
use crate::ui::form::{field_error, FormError, TextField};

/// Where the user goes once signed in.
const AFTER_SIGN_IN: &str = "/cabinet";

#[component]
pub fn LoginPage() -> AnyView {
    let i18n = use_i18n();
    let session = use_session();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let action =
        Action::new(|(email, password): &(String, String)| login(email.clone(), password.clone()));
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            session.refresh();
            navigate(AFTER_SIGN_IN, Default::default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        action.dispatch((email.get_untracked(), password.get_untracked()));
    };
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, auth.login_title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, auth.login_description) />
        <section class="form-page" aria-labelledby="login-title">
            <h1 id="login-title">{t!(i18n, auth.login_title)}</h1>
            <form class="form" method="post" on:submit=submit novalidate>
                <TextField
                    id="email"
                    label=Signal::derive(move || t_string!(i18n, auth.email).to_owned())
                    value=email
                    kind="email"
                    autocomplete="username"
                    inputmode="email"
                    required=true
                />
                <TextField
                    id="password"
                    label=Signal::derive(move || t_string!(i18n, auth.password).to_owned())
                    value=password
                    kind="password"
                    autocomplete="current-password"
                    required=true
                />
                <FormError error=error />
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || action.pending().get()
                >
                    {move || {
                        if action.pending().get() {
                            t_string!(i18n, auth.sending)
                        } else {
                            t_string!(i18n, auth.submit_login)
                        }
                    }}
                </button>
            </form>
            <p>{t!(i18n, auth.no_account)} " " <A href="/signup">{t!(i18n, auth.to_signup)}</A></p>
        </section>
    }
    .into_any()
}

#[component]
pub fn SignupPage() -> AnyView {
    let i18n = use_i18n();
    let session = use_session();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // Errors found on the device before sending, by field.
    let local = RwSignal::new(None::<AppError>);
    let action = Action::new(|(name, email, password): &(String, String, String)| {
        sign_up(name.clone(), email.clone(), password.clone())
    });
    let error = Signal::derive(move || {
        local
            .get()
            .or_else(|| action.value().get().and_then(Result::err))
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            session.refresh();
            navigate(AFTER_SIGN_IN, Default::default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, e, p) = (
            name.get_untracked(),
            email.get_untracked(),
            password.get_untracked(),
        );
        let problem = crate::api::account::validate_display_name(&n)
            .err()
            .or_else(|| {
                Email::parse(&e)
                    .err()
                    .map(|m| AppError::field("email", m.to_string()))
            })
            .or_else(|| {
                Password::parse(&p)
                    .err()
                    .map(|m| AppError::field("password", m.to_string()))
            });
        local.set(problem.clone());
        if problem.is_none() {
            action.dispatch((n, e, p));
        }
    };
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, auth.signup_title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, auth.signup_description) />
        <section class="form-page" aria-labelledby="signup-title">
            <h1 id="signup-title">{t!(i18n, auth.signup_title)}</h1>
            <p class="muted">{t!(i18n, auth.signup_lead)}</p>
            <form class="form" method="post" on:submit=submit novalidate>
                <TextField
                    id="display_name"
                    label=Signal::derive(move || t_string!(i18n, auth.display_name).to_owned())
                    hint=Signal::derive(move || t_string!(i18n, auth.display_name_hint).to_owned())
                    value=name
                    error=Signal::derive(field_error(error, "display_name"))
                    autocomplete="name"
                    required=true
                />
                <TextField
                    id="email"
                    label=Signal::derive(move || t_string!(i18n, auth.email).to_owned())
                    value=email
                    error=Signal::derive(field_error(error, "email"))
                    kind="email"
                    autocomplete="email"
                    inputmode="email"
                    required=true
                />
                <TextField
                    id="password"
                    label=Signal::derive(move || t_string!(i18n, auth.password).to_owned())
                    hint=Signal::derive(move || t_string!(i18n, auth.password_hint).to_owned())
                    value=password
                    error=Signal::derive(field_error(error, "password"))
                    kind="password"
                    autocomplete="new-password"
                    required=true
                />
                <FormError error=error />
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || action.pending().get()
                >
                    {move || {
                        if action.pending().get() {
                            t_string!(i18n, auth.sending)
                        } else {
                            t_string!(i18n, auth.submit_signup)
                        }
                    }}
                </button>
            </form>
            <p>{t!(i18n, auth.have_account)} " " <A href="/login">{t!(i18n, auth.to_login)}</A></p>
        </section>
    }
    .into_any()
}
