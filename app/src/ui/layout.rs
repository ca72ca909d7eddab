//! The app shell around every page: skip link, header, navigation (bottom bar on phones, side
//! bar on wide screens), the main landmark with an error boundary, and the footer.

use leptos::prelude::*;

use leptos_router::hooks::use_location;

use crate::client::offline_catalogue::provide_catalogue_copy;
use crate::client::pwa::{provide_pwa, remember_page};
use crate::client::session::provide_session;
use crate::i18n::{t, use_i18n};
use crate::ui::{
    app_status::{InstallButton, NetworkStatus, UpdatePrompt},
    lang_switch::LangSwitch,
    nav::NavBar,
    user_chip::UserChip,
};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    crate::client::offline_gate::provide_offline_gate();
    provide_pwa();
    provide_session();
    provide_catalogue_copy();
    crate::client::outbox::provide_outbox();
    let location = use_location();
    // The first run is the page load itself, which the worker stores on its way through.
    Effect::new(move |previous: Option<()>| {
        let url = format!("{}{}", location.pathname.get(), location.search.get());
        if previous.is_some() {
            remember_page(&url);
        }
    });
    view! {
        <a class="skip-link" href="#content">
            {t!(i18n, skip_to_content)}
        </a>
        <header class="app-header">
            <a class="brand" href="/">
                <img class="brand-logo" src="/icons/icon.svg" alt="" width="32" height="32" />
                <span class="brand-text">
                    <span class="brand-name">{t!(i18n, app_name)}</span>
                    <span class="brand-tagline">{t!(i18n, tagline)}</span>
                </span>
            </a>
            <div class="header-tools">
                <NetworkStatus />
                <UserChip />
                <LangSwitch />
            </div>
        </header>
        <UpdatePrompt />
        <div class="app-body">
            <NavBar />
            <main id="content" class="app-main" tabindex="-1">
                <ErrorBoundary fallback=|_errors| {
                    view! { <ErrorNotice /> }
                }>{children()}</ErrorBoundary>
            </main>
        </div>
        <footer class="app-footer">
            <p>{t!(i18n, footer.text)}</p>
            <InstallButton />
        </footer>
    }
}

/// Shown in place of a part of the page that failed; details stay in the logs.
#[component]
pub fn ErrorNotice() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="notice notice-error" role="alert">
            <h2>{t!(i18n, error.title)}</h2>
            <p>{t!(i18n, error.text)}</p>
        </section>
    }
}
