//! The pages loaded on demand. The home page, the offline shell and the 404 live in the main
//! wasm module; every other page belongs to one of four groups, each split by
//! `cargo leptos build --split` into a chunk of its own that the browser fetches when a page of
//! the group is first shown. A phone opening `/` thus downloads only what `/` needs; the service
//! worker still stores every chunk, so all pages open offline after one visit.
//!
//! Groups rather than one chunk per page: shared page code (forms, charts, the catalogue views)
//! would otherwise be repeated in or split across hundreds of tiny chunks (measured: 566 chunks,
//! a larger main module and an eight-minute wasm-opt run).

/// Declares a group: its page enum, the lazily loaded function that renders any of its pages,
/// and one [`LazyRoute`] per page for the router.
macro_rules! page_group {
    ($group:ident / $chunk:ident { $($route:ident ($ctor:ident) => $page:ident),* $(,)? }) => {
        pub mod $group {
            use leptos::prelude::*;
            use leptos_router::LazyRoute;
            #[allow(unused_imports)]
            use super::pages::*;

            /// The group's name in the build's split manifest.
            pub const CHUNK: &str = stringify!($chunk);

            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            #[repr(u8)]
            pub enum Page { $($route),* }

            // The body of this function and everything only it reaches go to the group's chunk.
            #[leptos::lazy($chunk)]
            fn pages(page: Page) -> AnyView {
                match page {
                    $(Page::$route => view! { <$page /> }.into_any(),)*
                }
            }

            /// Fetches the group's chunk (a no-op on the server and once loaded).
            pub async fn preload() {
                #[cfg(feature = "hydrate")]
                __preload_pages().await;
            }

            $(
                pub struct $route;

                /// The route's view for `<Route view=…>`.
                pub fn $ctor() -> leptos_router::Lazy<$route> {
                    leptos_router::Lazy::new()
                }

                impl LazyRoute for $route {
                    fn data() -> Self {
                        $route
                    }

                    async fn view(_: Self) -> AnyView {
                        pages(Page::$route).await
                    }

                    // Loading the chunk before the route renders lets hydration find the
                    // page's markup instead of rendering it a second time beside it.
                    async fn preload() {
                        preload().await
                    }
                }
            )*
        }
    };
}

/// The page components the groups render, under one roof for the macro.
mod pages {
    pub use crate::ui::{
        about::AboutPage,
        auth::{LoginPage, SignupPage},
        cabinet::CabinetPage,
        catalogue::{
            bodies::{BodiesPage, BodyDetailPage},
            kinds::{
                KindDetailPage, KindFaqPage, KindRequirementsPage, KindViolationsPage, KindsPage,
            },
            lists::{DiscussionsPage, NewsPage, ProgrammesPage, ReportsPage},
            risk::RiskPage,
            search::SearchPage,
        },
        feedback::{FeedbackPage, ManagerRatingsPage, ReferencePage},
        rate::{DraftsPage, RatePage},
        ratings::{methodology::MethodologyPage, RatingsPage},
        representation::{InvitationPage, RepresentationsPage},
        self_check::{
            body::BodySelfChecksPage, evaluate::EvaluatePage, fill::SelfCheckFillPage,
            kind_section::KindChecklistPage, report::ReportPage, SelfCheckPage,
        },
    };
}

page_group!(catalogue / catalogue_pages {
    About (about) => AboutPage,
    Bodies (bodies) => BodiesPage,
    BodyDetail (body_detail) => BodyDetailPage,
    Kinds (kinds) => KindsPage,
    KindDetail (kind_detail) => KindDetailPage,
    KindRequirements (kind_requirements) => KindRequirementsPage,
    KindFaq (kind_faq) => KindFaqPage,
    KindViolations (kind_violations) => KindViolationsPage,
    KindChecklist (kind_checklist) => KindChecklistPage,
    Discussions (discussions) => DiscussionsPage,
    Programmes (programmes) => ProgrammesPage,
    Reports (reports) => ReportsPage,
    News (news) => NewsPage,
    Risk (risk) => RiskPage,
    Search (search) => SearchPage,
});

page_group!(account / account_pages {
    Login (login) => LoginPage,
    Signup (signup) => SignupPage,
    Cabinet (cabinet) => CabinetPage,
    Representations (representations) => RepresentationsPage,
    Invitation (invitation) => InvitationPage,
});

page_group!(rating / rating_pages {
    Rate (rate) => RatePage,
    Drafts (drafts) => DraftsPage,
    Ratings (ratings) => RatingsPage,
    Methodology (methodology) => MethodologyPage,
    Feedback (feedback) => FeedbackPage,
    Reference (reference) => ReferencePage,
    ManagerRatings (manager_ratings) => ManagerRatingsPage,
});

page_group!(self_check / self_check_pages {
    SelfCheck (self_check) => SelfCheckPage,
    Fill (fill) => SelfCheckFillPage,
    Report (report) => ReportPage,
    Evaluate (evaluate) => EvaluatePage,
    BodySelfChecks (body_self_checks) => BodySelfChecksPage,
});

/// The group a path's page belongs to; `None` for the pages in the main module and for
/// unknown paths (the 404). Mirrors the route table in `app.rs`: a path missing here still
/// works, it only hydrates a moment later, once its chunk has arrived.
pub fn group_of(path: &str) -> Option<Group> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    match first {
        "about" | "bodies" | "kinds" | "discussions" | "programmes" | "reports" | "news"
        | "risk" | "search" => Some(Group::Catalogue),
        "login" | "signup" | "invitation" => Some(Group::Account),
        "rate" | "drafts" | "ratings" => Some(Group::Rating),
        "self-check" | "requirements" => Some(Group::SelfCheck),
        "cabinet" => Some(match path.trim_end_matches('/') {
            "/cabinet/self-checks" => Group::SelfCheck,
            "/cabinet/rating-criteria" | "/cabinet/ratings" => Group::Rating,
            _ => Group::Account,
        }),
        _ => None,
    }
}

/// A chunk of pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Catalogue,
    Account,
    Rating,
    SelfCheck,
}

impl Group {
    /// The group's name in the build's split manifest.
    pub fn chunk_name(self) -> &'static str {
        match self {
            Group::Catalogue => catalogue::CHUNK,
            Group::Account => account::CHUNK,
            Group::Rating => rating::CHUNK,
            Group::SelfCheck => self_check::CHUNK,
        }
    }

    /// Fetches the group's chunk.
    pub async fn preload(self) {
        match self {
            Group::Catalogue => catalogue::preload().await,
            Group::Account => account::preload().await,
            Group::Rating => rating::preload().await,
            Group::SelfCheck => self_check::preload().await,
        }
    }
}

/// Fetches the chunk of the page at `path` before hydration starts, so that the whole page
/// hydrates in one pass, as it did before splitting: nothing else runs between the server's
/// markup and the hydrated page that could make them differ.
pub async fn preload_path(path: &str) {
    if let Some(group) = group_of(path) {
        group.preload().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_routed_page_maps_to_its_group() {
        let cases = [
            ("/", None),
            ("/offline", None),
            ("/no-such-page", None),
            ("/about", Some(Group::Catalogue)),
            ("/bodies/mchs", Some(Group::Catalogue)),
            ("/kinds/chs-nadzor?tab=1", Some(Group::Catalogue)),
            ("/kinds/chs-nadzor/faq", Some(Group::Catalogue)),
            ("/search?q=пожар", Some(Group::Catalogue)),
            ("/login", Some(Group::Account)),
            ("/signup", Some(Group::Account)),
            ("/cabinet", Some(Group::Account)),
            ("/cabinet/", Some(Group::Account)),
            ("/cabinet/self-checks", Some(Group::SelfCheck)),
            ("/cabinet/rating-criteria", Some(Group::Rating)),
            ("/cabinet/ratings", Some(Group::Rating)),
            ("/cabinet/representations", Some(Group::Account)),
            ("/invitation/0123abcd", Some(Group::Account)),
            ("/rate/0190-aaaa", Some(Group::Rating)),
            ("/drafts", Some(Group::Rating)),
            ("/ratings/methodology", Some(Group::Rating)),
            ("/ratings/feedback", Some(Group::Rating)),
            ("/self-check/report/1", Some(Group::SelfCheck)),
            ("/requirements/5/evaluate", Some(Group::SelfCheck)),
        ];
        for (path, group) in cases {
            assert_eq!(group_of(path), group, "{path}");
        }
    }

    /// Every route of `app.rs` has an example address in `route_examples.json`, which the
    /// end-to-end layout and accessibility checks visit: a new page cannot skip them.
    #[test]
    fn every_route_has_an_example_for_the_layout_checks() {
        let table = include_str!("app.rs");
        let routes: std::collections::BTreeSet<&str> = table
            .split("path!(\"")
            .skip(1)
            .map(|chunk| &chunk[..chunk.find('"').unwrap()])
            .collect();
        let examples: serde_json::Value =
            serde_json::from_str(include_str!("route_examples.json")).unwrap();
        let listed: std::collections::BTreeSet<&str> = examples["routes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["route"].as_str().unwrap())
            .collect();
        assert_eq!(routes, listed, "app.rs routes vs route_examples.json");
        for example in examples["routes"].as_array().unwrap() {
            let (route, path) = (
                example["route"].as_str().unwrap(),
                example["path"].as_str().unwrap(),
            );
            let bare = path.split('?').next().unwrap();
            assert_eq!(
                route.split('/').count(),
                bare.split('/').count(),
                "{path} is not an address of {route}"
            );
            for (r, p) in route.split('/').zip(bare.split('/')) {
                assert!(
                    r.starts_with(':') || r == p,
                    "{path} is not an address of {route}"
                );
            }
        }
    }

    /// Reads the route table in `app.rs`, so a route added there without a line in `group_of`
    /// fails here instead of hydrating late.
    #[test]
    fn group_of_agrees_with_the_route_table() {
        let table = include_str!("app.rs");
        let mut routes = 0;
        for chunk in table.split("path!(\"").skip(1) {
            let pattern = &chunk[..chunk.find('"').unwrap()];
            let view = chunk.split("view=").nth(1).unwrap();
            // `view=catalogue::about()` for a lazy page, `view=HomePage` for one in the main module.
            let view = view.split_whitespace().next().unwrap();
            let expected = view.split_once("::").map(|(group, _)| match group {
                "catalogue" => Group::Catalogue,
                "account" => Group::Account,
                "rating" => Group::Rating,
                "self_check" => Group::SelfCheck,
                other => panic!("unknown group {other}"),
            });
            let path: Vec<&str> = pattern
                .split('/')
                .map(|part| if part.starts_with(':') { "1" } else { part })
                .collect();
            assert_eq!(group_of(&path.join("/")), expected, "{pattern}");
            routes += 1;
        }
        assert!(routes > 25, "read {routes} routes from app.rs");
    }
}
