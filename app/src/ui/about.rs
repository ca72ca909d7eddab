//! `/about`: what the portal is, its offline promise and how to install it.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn AboutPage() -> AnyView {
    let i18n = use_i18n();
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, about.title).to_string()
        }) />
        <Meta name="description" content=move || t_string!(i18n, about.description) />
        <article class="prose">
            <h1>{t!(i18n, about.title)}</h1>
            <p class="lead">{t!(i18n, about.intro)}</p>
            <h2>{t!(i18n, about.offline_heading)}</h2>
            <ul>
                <li>{t!(i18n, about.offline_1)}</li>
                <li>{t!(i18n, about.offline_2)}</li>
                <li>{t!(i18n, about.offline_3)}</li>
                <li>{t!(i18n, about.offline_4)}</li>
            </ul>
            <h2>{t!(i18n, about.install_heading)}</h2>
            <p>{t!(i18n, about.install_text)}</p>
        </article>
    }
    .into_any()
}
