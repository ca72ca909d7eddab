//! The document shell rendered by the server and the root component with its routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::i18n::{t_string, use_i18n, I18nContextProvider};
use crate::routes::{account, catalogue, rating, self_check};
use crate::ui::{home::HomePage, layout::Layout, not_found::NotFound, offline::OfflinePage};

/// The path of the offline shell the service worker precaches and falls back to.
pub const OFFLINE_PATH: &str = "/offline";

/// The HTML document around the app. The build id meta tag tells the page (and through it the
/// service worker) which build it belongs to, so caches of open builds are kept. `chunks` are
/// the wasm chunks of the page's group (see `routes`): fetched alongside the main module
/// instead of after it. `qr_module` is the QR decoder's own wasm module (`ui::scan` loads it
/// only when the browser cannot read QR codes itself).
pub fn shell(
    options: LeptosOptions,
    build_id: String,
    chunks: Vec<String>,
    qr_module: Option<String>,
) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta
                    name="viewport"
                    content="width=device-width, initial-scale=1, viewport-fit=cover"
                />
                <meta name="knd-build" content=build_id />
                {qr_module.map(|href| view! { <meta name="knd-qr" content=href /> })}
                <meta name="theme-color" media="(prefers-color-scheme: light)" content="#0b5cab" />
                <meta name="theme-color" media="(prefers-color-scheme: dark)" content="#0f1722" />
                <meta name="color-scheme" content="light dark" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/favicon.ico" sizes="32x32" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                {chunks
                    .into_iter()
                    .map(|href| {
                        view! {
                            <link
                                rel="preload"
                                href=href
                                r#as="fetch"
                                r#type="application/wasm"
                                crossorigin="anonymous"
                            />
                        }
                    })
                    .collect_view()}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The root component: i18n context, document metadata and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider
            set_lang_attr_on_html=true
            ssr_lang_header_getter=crate::client::prefs::locale_from_request()
        >
            <Document />
        </I18nContextProvider>
    }
}

#[component]
fn Document() -> impl IntoView {
    let i18n = use_i18n();
    crate::client::prefs::restore_locale(i18n);
    Effect::new(move |_| crate::client::pwa::mark_hydrated());
    // The server formats the title after the render, when the render's reactive owner (and
    // with it the locale signal) may already be disposed: reading the signal there panics and
    // drops the response. The locale cannot change within one request, so the server uses the
    // name read now; the browser follows the locale as the user switches it.
    #[cfg(feature = "ssr")]
    let app_name = t_string!(i18n, app_name).to_string();
    let app_name = move || {
        #[cfg(feature = "ssr")]
        return app_name.clone();
        #[cfg(not(feature = "ssr"))]
        t_string!(i18n, app_name).to_string()
    };
    view! {
        <Title formatter=move |page: String| {
            let app = app_name();
            if page.is_empty() { app } else { format!("{page} — {app}") }
        } />
        <Meta name="application-name" content=move || t_string!(i18n, app_name) />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/about") view=catalogue::about() />
                    <Route path=path!("/offline") view=OfflinePage />
                    <Route path=path!("/login") view=account::login() />
                    <Route path=path!("/signup") view=account::signup() />
                    <Route path=path!("/cabinet") view=account::cabinet() />
                    <Route path=path!("/cabinet/representations") view=account::representations() />
                    <Route path=path!("/invitation/:token") view=account::invitation() />
                    <Route path=path!("/bodies") view=catalogue::bodies() />
                    <Route
                        path=path!("/bodies/:slug")
                        view=catalogue::body_detail()
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/kinds") view=catalogue::kinds() />
                    <Route
                        path=path!("/kinds/:slug")
                        view=catalogue::kind_detail()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/kinds/:slug/requirements")
                        view=catalogue::kind_requirements()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/kinds/:slug/faq")
                        view=catalogue::kind_faq()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/kinds/:slug/violations")
                        view=catalogue::kind_violations()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/kinds/:slug/checklist")
                        view=catalogue::kind_checklist()
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/discussions") view=catalogue::discussions() />
                    <Route path=path!("/programmes") view=catalogue::programmes() />
                    <Route path=path!("/reports") view=catalogue::reports() />
                    <Route path=path!("/news") view=catalogue::news() />
                    <Route path=path!("/risk") view=catalogue::risk() />
                    <Route path=path!("/search") view=catalogue::search() />
                    <Route path=path!("/rate") view=rating::rate() />
                    <Route path=path!("/rate/:id") view=rating::rate() />
                    <Route path=path!("/drafts") view=rating::drafts() />
                    <Route path=path!("/self-check") view=self_check::self_check() />
                    <Route
                        path=path!("/self-check/report/:id")
                        view=self_check::report()
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/self-check/:id") view=self_check::fill() />
                    <Route path=path!("/requirements/:id/evaluate") view=self_check::evaluate() />
                    <Route
                        path=path!("/cabinet/self-checks")
                        view=self_check::body_self_checks()
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/ratings/feedback") view=rating::feedback() />
                    <Route path=path!("/cabinet/rating-criteria") view=rating::reference() />
                    <Route path=path!("/cabinet/ratings") view=rating::manager_ratings() />
                    <Route path=path!("/ratings") view=rating::ratings() ssr=SsrMode::Async />
                    <Route
                        path=path!("/ratings/methodology")
                        view=rating::methodology()
                        ssr=SsrMode::Async
                    />
                </Routes>
            </Layout>
        </Router>
    }
}
