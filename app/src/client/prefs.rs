//! User preferences kept on the device. The interface language is kept in a cookie, so the
//! server renders the chosen language, and in localStorage through gloo-storage, so the choice
//! survives a cleared cookie and applies to pages the service worker stored earlier.
//! The cookie is ours rather than leptos_i18n's: its cookie support pulls a date parser and a
//! cookie library into the wasm for one name=value pair.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_use::UseLocalesOptions;

use crate::i18n::Locale;

/// Name of the language cookie and of the localStorage key.
pub const LOCALE_KEY: &str = "knd_locale";

/// The server renders the language of the cookie, or Russian: the portal serves a Russian
/// region and English is an explicit choice, so `Accept-Language` is ignored.
pub fn locale_from_request() -> UseLocalesOptions {
    UseLocalesOptions::default().ssr_lang_header_getter(request_locale)
}

#[cfg(feature = "ssr")]
fn request_locale() -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|header| cookie_value(header, LOCALE_KEY))
        .map(str::to_owned)
}

#[cfg(not(feature = "ssr"))]
fn request_locale() -> Option<String> {
    None
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then_some(value)
    })
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
    use wasm_bindgen::JsCast;
    // A full or disabled storage only costs the remembered choice; the cookie still holds it.
    let _ = LocalStorage::set(LOCALE_KEY, locale.as_str());
    if let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() {
        let _ = document.set_cookie(&format!(
            "{LOCALE_KEY}={}; Path=/; Max-Age=31536000; SameSite=Lax",
            locale.as_str()
        ));
    }
}

#[cfg(not(feature = "hydrate"))]
fn stored_locale() -> Option<Locale> {
    None
}

#[cfg(not(feature = "hydrate"))]
fn store_locale(_locale: Locale) {}

#[cfg(test)]
mod tests {
    use super::cookie_value;

    #[test]
    fn finds_the_cookie_among_others() {
        assert_eq!(
            cookie_value("a=1; knd_locale=en; b=2", "knd_locale"),
            Some("en")
        );
        assert_eq!(cookie_value("knd_locale=ru", "knd_locale"), Some("ru"));
    }

    #[test]
    fn a_missing_or_similar_cookie_is_not_taken() {
        assert_eq!(cookie_value("xknd_locale=en; a=1", "knd_locale"), None);
        assert_eq!(cookie_value("", "knd_locale"), None);
    }
}
