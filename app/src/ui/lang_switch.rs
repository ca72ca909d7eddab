//! The Russian/English switch. The choice is remembered (see `client::prefs`).

use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n, Locale};

#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let toggle = move |_| {
        let next = match i18n.get_locale() {
            Locale::ru => Locale::en,
            Locale::en => Locale::ru,
        };
        i18n.set_locale(next);
    };
    let other_lang = move || match i18n.get_locale() {
        Locale::ru => "en",
        Locale::en => "ru",
    };
    view! {
        <button
            type="button"
            class="lang-switch"
            on:click=toggle
            lang=other_lang
            title=move || t_string!(i18n, lang.switch_hint)
            aria-label=move || t_string!(i18n, lang.switch_hint)
        >
            {t!(i18n, lang.switch_to)}
        </button>
    }
}
