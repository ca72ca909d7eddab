//! Main navigation: a bottom tab bar on phones, a side bar on wide screens (same markup, CSS
//! decides). The router marks the current page with `aria-current="page"`.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{t, use_i18n};

#[component]
pub fn NavBar() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="app-nav" aria-label=move || crate::i18n::t_string!(i18n, nav.label)>
            <ul>
                <li>
                    <A href="/" exact=true>
                        <span class="nav-icon" aria-hidden="true">
                            "⌂"
                        </span>
                        <span>{t!(i18n, nav.home)}</span>
                    </A>
                </li>
                <li>
                    <A href="/about">
                        <span class="nav-icon" aria-hidden="true">
                            "ℹ"
                        </span>
                        <span>{t!(i18n, nav.about)}</span>
                    </A>
                </li>
            </ul>
        </nav>
    }
}
