//! The 404 page, answered with HTTP status 404 by the server.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=crate::ui::title::page_title(move || {
            t_string!(i18n, not_found.title).to_string()
        }) />
        <Meta name="robots" content="noindex" />
        <section class="notice">
            <h1>{t!(i18n, not_found.title)}</h1>
            <p>{t!(i18n, not_found.text)}</p>
            <p>
                <A href="/">{t!(i18n, not_found.home_link)}</A>
            </p>
        </section>
    }
}
