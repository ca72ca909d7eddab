//! User preferences kept on the device. The interface language lives in a cookie (so the server
//! renders the chosen language) and in localStorage through gloo-storage (so the choice survives
//! a cleared cookie and pages served by the service worker, which were rendered without it).

use leptos::prelude::*;
use leptos_i18n::context::CookieOptions;
use leptos_use::{SameSite, UseLocalesOptions};

use leptos_i18n::I18nContext;

use crate::i18n::Locale;

/// localStorage key of the chosen interface language.
pub const LOCALE_KEY: &str = "knd.locale";

const ONE_YEAR_MS: i64 = 365 * 24 * 60 * 60 * 1000;

/// Russian is the default whatever the browser asks for: the portal serves a Russian region,
/// English is an explicit choice. So the server ignores `Accept-Language`.
pub fn ignore_accept_language() -> UseLocalesOptions {
    UseLocalesOptions::default().ssr_lang_header_getter(|| None)
}

/// The language cookie outlives the browser session.
pub fn locale_cookie_options() -> CookieOptions<Locale> {
    CookieOptions::default()
        .max_age(ONE_YEAR_MS)
        .path("/")
        .same_site(SameSite::Lax)
}

/// On the device, applies the stored language once after hydration and stores every change.
pub fn restore_locale(i18n: I18nContext<Locale>) {
    Effect::new(move |previous: Option<()>| {
        let current = i18n.get_locale();
        if previous.is_none() {
            if let Some(stored) = stored_locale().filter(|stored| *stored != current) {
                i18n.set_locale(stored);
                return;
            }
        }
        store_locale(current);
    });
}

#[cfg(feature = "hydrate")]
fn stored_locale() -> Option<Locale> {
    use gloo_storage::{LocalStorage, Storage};
    let raw: String = LocalStorage::get(LOCALE_KEY).ok()?;
    raw.parse().ok()
}

#[cfg(feature = "hydrate")]
fn store_locale(locale: Locale) {
    use gloo_storage::{LocalStorage, Storage};
    use leptos_i18n::Locale as _;
    // A full or disabled storage only costs the remembered choice; the cookie still holds it.
    let _ = LocalStorage::set(LOCALE_KEY, locale.as_str());
}

#[cfg(not(feature = "hydrate"))]
fn stored_locale() -> Option<Locale> {
    None
}

#[cfg(not(feature = "hydrate"))]
fn store_locale(_locale: Locale) {}
