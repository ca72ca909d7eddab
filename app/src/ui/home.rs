//! `/`: introduces the three services of the portal and the offline promise.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

use crate::api::portal::portal_region;
use crate::i18n::{t, t_string, use_i18n};

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=crate::ui::title::page_title(move || t_string!(i18n, home.title).to_string()) />
        <Meta name="description" content=move || t_string!(i18n, home.description) />
        <section class="hero" aria-labelledby="hero-title">
            <h1 id="hero-title">{t!(i18n, app_name)}</h1>
            <p class="lead">{t!(i18n, home.lead)}</p>
            <RegionLine />
        </section>
        <section aria-labelledby="services-title">
            <h2 id="services-title">{t!(i18n, home.services_heading)}</h2>
            <ul class="cards">
                <ServiceCard
                    title=move || t_string!(i18n, home.portal_title)
                    text=move || t_string!(i18n, home.portal_text)
                    href="/kinds"
                />
                <ServiceCard
                    title=move || t_string!(i18n, home.self_check_title)
                    text=move || t_string!(i18n, home.self_check_text)
                    href="/self-check"
                />
                <ServiceCard
                    title=move || t_string!(i18n, home.rating_title)
                    text=move || t_string!(i18n, home.rating_text)
                    href="/ratings"
                />
                <ServiceCard
                    title=move || t_string!(i18n, home.consult_title)
                    text=move || t_string!(i18n, home.consult_text)
                />
            </ul>
        </section>
        <section class="notice" aria-labelledby="offline-title">
            <h2 id="offline-title">{t!(i18n, home.offline_title)}</h2>
            <p>{t!(i18n, home.offline_text)}</p>
            <p>
                <A href="/about">{t!(i18n, home.more)}</A>
            </p>
        </section>
    }
}

/// A service of the portal. Services whose pages do not exist yet say so instead of linking.
#[component]
fn ServiceCard(
    title: impl Fn() -> &'static str + Send + Sync + 'static,
    text: impl Fn() -> &'static str + Send + Sync + 'static,
    #[prop(optional)] href: Option<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <li class="card">
            <h3>{title}</h3>
            <p>{text}</p>
            {match href {
                Some(href) => {
                    view! {
                        <p>
                            <A href=href>{t!(i18n, home.open)}</A>
                        </p>
                    }
                        .into_any()
                }
                None => view! { <p class="badge">{t!(i18n, home.soon)}</p> }.into_any(),
            }}
        </li>
    }
}

/// The region served, read from the database; the demo banner when the data is demo data.
#[component]
fn RegionLine() -> impl IntoView {
    let i18n = use_i18n();
    // Loaded once per page: nothing reactive to track, so nothing to re-run.
    let region = OnceResource::new(portal_region());
    view! {
        <Suspense fallback=move || {
            view! { <p class="region">{t!(i18n, loading)}</p> }
        }>
            {move || Suspend::new(async move {
                match region.await {
                    Ok(Some(info)) => {
                        view! {
                            <p class="region">
                                <span>{t!(i18n, home.region)} ": "</span>
                                <strong>{info.name}</strong>
                            </p>
                            <Show when=move || info.is_demo>
                                <p class="demo-banner" role="note">
                                    {t!(i18n, demo_banner)}
                                </p>
                            </Show>
                        }
                            .into_any()
                    }
                    Ok(None) => ().into_any(),
                    Err(_) => {
                        view! { <p class="region muted">{t!(i18n, error.region_unavailable)}</p> }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
