//! The document shell rendered by the server and the root component with its routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};

use crate::i18n::{t_string, use_i18n, I18nContextProvider};
use crate::routes::{account, catalogue, rating, self_check};
use crate::ui::{home::HomePage, layout::Layout, not_found::NotFound, offline::OfflinePage};

/// The path of the offline shell the service worker precaches and falls back to.
pub const OFFLINE_PATH: &str = "/offline";

/// The HTML document around the app. The build id meta tag tells the page (and through it the
/// service worker) which build it belongs to, so caches of open builds are kept.
pub fn shell(options: LeptosOptions, build_id: String) -> impl IntoView {
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
                <meta name="theme-color" media="(prefers-color-scheme: light)" content="#0b5cab" />
                <meta name="theme-color" media="(prefers-color-scheme: dark)" content="#0f1722" />
                <meta name="color-scheme" content="light dark" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/favicon.ico" sizes="32x32" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
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
    view! {
        <Title formatter=move |page: String| {
            let app = t_string!(i18n, app_name);
            if page.is_empty() { app.to_string() } else { format!("{page} — {app}") }
        } />
        <Meta name="application-name" content=move || t_string!(i18n, app_name) />
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/about") view=Lazy::<catalogue::About>::new() />
                    <Route path=path!("/offline") view=OfflinePage />
                    <Route path=path!("/login") view=Lazy::<account::Login>::new() />
                    <Route path=path!("/signup") view=Lazy::<account::Signup>::new() />
                    <Route path=path!("/cabinet") view=Lazy::<account::Cabinet>::new() />
                    <Route path=path!("/bodies") view=Lazy::<catalogue::Bodies>::new() />
                    <Route path=path!("/bodies/:slug") view=Lazy::<catalogue::BodyDetail>::new() ssr=SsrMode::Async />
                    <Route path=path!("/kinds") view=Lazy::<catalogue::Kinds>::new() />
                    <Route path=path!("/kinds/:slug") view=Lazy::<catalogue::KindDetail>::new() ssr=SsrMode::Async />
                    <Route path=path!("/discussions") view=Lazy::<catalogue::Discussions>::new() />
                    <Route path=path!("/programmes") view=Lazy::<catalogue::Programmes>::new() />
                    <Route path=path!("/reports") view=Lazy::<catalogue::Reports>::new() />
                    <Route path=path!("/news") view=Lazy::<catalogue::News>::new() />
                    <Route path=path!("/risk") view=Lazy::<catalogue::Risk>::new() />
                    <Route path=path!("/search") view=Lazy::<catalogue::Search>::new() />
                    <Route path=path!("/rate") view=Lazy::<rating::Rate>::new() />
                    <Route path=path!("/rate/:id") view=Lazy::<rating::Rate>::new() />
                    <Route path=path!("/drafts") view=Lazy::<rating::Drafts>::new() />
                    <Route path=path!("/self-check") view=Lazy::<self_check::SelfCheck>::new() />
                    <Route
                        path=path!("/self-check/report/:id")
                        view=Lazy::<self_check::Report>::new()
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/self-check/:id")
                        view=Lazy::<self_check::Fill>::new()
                    />
                    <Route
                        path=path!("/requirements/:id/evaluate")
                        view=Lazy::<self_check::Evaluate>::new()
                    />
                    <Route
                        path=path!("/cabinet/self-checks")
                        view=Lazy::<self_check::BodySelfChecks>::new()
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/ratings/feedback") view=Lazy::<rating::Feedback>::new() />
                    <Route
                        path=path!("/cabinet/rating-criteria")
                        view=Lazy::<rating::Reference>::new()
                    />
                    <Route
                        path=path!("/cabinet/ratings")
                        view=Lazy::<rating::ManagerRatings>::new()
                    />
                    <Route path=path!("/ratings") view=Lazy::<rating::Ratings>::new() ssr=SsrMode::Async />
                    <Route
                        path=path!("/ratings/methodology")
                        view=Lazy::<rating::Methodology>::new()
                        ssr=SsrMode::Async
                    />
                </Routes>
            </Layout>
        </Router>
    }
}
