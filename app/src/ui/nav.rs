//! Main navigation: a bottom tab bar on phones, a side bar on wide screens (same markup, CSS
//! decides). The router marks the current page with `aria-current="page"`.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn NavBar() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="app-nav" aria-label=move || t_string!(i18n, nav.label)>
            <ul>
                <NavItem href="/" icon="⌂" exact=true>
                    {t!(i18n, nav.home)}
                </NavItem>
                <NavItem href="/kinds" icon="☰">
                    {t!(i18n, nav.catalogue)}
                </NavItem>
                <NavItem href="/ratings" icon="★">
                    {t!(i18n, nav.ratings)}
                </NavItem>
                <NavItem href="/search" icon="⌕">
                    {t!(i18n, nav.search)}
                </NavItem>
                <NavItem href="/cabinet" icon="◉">
                    {t!(i18n, nav.cabinet)}
                </NavItem>
                <NavItem href="/about" icon="ℹ">
                    {t!(i18n, nav.about)}
                </NavItem>
            </ul>
        </nav>
    }
}

/// One destination; `exact` for the home page, which would otherwise match every path.
#[component]
fn NavItem(
    href: &'static str,
    icon: &'static str,
    #[prop(optional)] exact: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <li>
            <A href=href exact=exact>
                <span class="nav-icon" aria-hidden="true">
                    {icon}
                </span>
                <span>{children()}</span>
            </A>
        </li>
    }
}
