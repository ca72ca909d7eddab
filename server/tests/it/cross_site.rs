//! Cross-site requests change nothing, on every route that could change state — not a sample.
//!
//! The routes come from what the server registers, so a route added later is covered without
//! anybody remembering to: every server function (the registry the authorisation matrix reads
//! too), every page route with a method other than GET, and every non-GET route the server's
//! and the app's sources give the axum router (found by reading them; a new one makes
//! `every_state_changing_router_route_is_checked` fail until it is listed in `ROUTER_ROUTES`).
//! Each is sent, by a signed-in user allowed to use it and with a request that would otherwise
//! succeed, once with `Sec-Fetch-Site: cross-site`, once from a sibling site, and once with only
//! a foreign `Origin` (older browsers): each answers 403 and no table of the database changes.
//! The same requests from the portal's own pages then get through, so the refusals above were
//! the cross-site check's and the fingerprint does see writes.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use axum::{
    body::Body,
    http::{Method, Request},
};
use serde_json::{json, Value};
use server::{http::same_origin::REFUSED, seed::DEMO_PASSWORD};
use sqlx::PgPool;
use uuid::Uuid;

/// Non-GET routes of the axum router that are not server functions, with a valid request each
/// (method, path, JSON body, who sends it). None today: sync push and the session endpoints are
/// server functions. A route added to the router (an upload, a webhook) belongs here.
const ROUTER_ROUTES: &[(&str, &str, &str, Who)] = &[
    // The evidence upload; a JSON body is refused by it, but never reaches it cross-site.
    ("POST", "/api/files", "{}", Who::Business),
];

/// Who sends a request: the demo account allowed to make it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Business,
    Manager,
    Admin,
    /// Signs in and out in the session calls, so nobody else's session ends halfway.
    Consultant,
}

impl Who {
    fn email(self) -> &'static str {
        match self {
            Who::Business => "business@demo.knd.local",
            Who::Manager => "manager@demo.knd.local",
            Who::Admin => "admin@demo.knd.local",
            Who::Consultant => "consultant@demo.knd.local",
        }
    }
}

/// The ways a browser tells us a request comes from another site.
const CROSS_SITE: [(&str, Option<&str>, Option<&str>); 4] = [
    ("Sec-Fetch-Site: cross-site", Some("cross-site"), None),
    (
        "Sec-Fetch-Site: cross-site with a foreign Origin",
        Some("cross-site"),
        Some("https://evil.example"),
    ),
    (
        "Sec-Fetch-Site: same-site (a sibling subdomain)",
        Some("same-site"),
        Some("https://evil.knd.example"),
    ),
    (
        "only a foreign Origin (a browser without Sec-Fetch-*)",
        None,
        Some("https://evil.example"),
    ),
];

/// One request that would change state if it were let through.
#[derive(Debug, Clone)]
struct Attempt {
    method: Method,
    path: String,
    body: Value,
    who: Who,
}

fn request(
    attempt: &Attempt,
    cookie: &str,
    site: Option<&str>,
    origin: Option<&str>,
) -> Request<Body> {
    let mut builder = Request::builder()
        .method(attempt.method.clone())
        .uri(&attempt.path)
        .header("host", "localhost:3000")
        .header("content-type", "application/json")
        .header("cookie", cookie);
    if let Some(site) = site {
        builder = builder.header("sec-fetch-site", site);
    }
    if let Some(origin) = origin {
        builder = builder.header("origin", origin);
    }
    builder.body(Body::from(attempt.body.to_string())).unwrap()
}

/// An md5 of every row of every table (sessions included), per table: any write shows.
async fn fingerprint(pool: &PgPool) -> BTreeMap<String, String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables
         WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut prints = BTreeMap::new();
    for table in tables {
        let print: Option<String> = sqlx::query_scalar(&format!(
            "SELECT md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))) FROM {table} t"
        ))
        .fetch_one(pool)
        .await
        .unwrap();
        prints.insert(table, print.unwrap_or_default());
    }
    prints
}

fn changed(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    after
        .iter()
        .filter(|(table, print)| before.get(*table) != Some(*print))
        .map(|(table, _)| table.clone())
        .collect()
}

/// The demo data the requests below refer to.
struct Fixture {
    pool: PgPool,
    /// The demo manager's body (its organisation).
    body_org: Uuid,
    /// A low rating of that body by the demo business, not replied to.
    rating: Uuid,
    /// An event of the demo business nobody rated.
    event: String,
    /// The demo business (its organisation).
    business_org: Uuid,
    /// A second organisation the demo business user represents, to leave.
    spare_org: Uuid,
}

impl Fixture {
    async fn new(pool: PgPool) -> Fixture {
        server::seed::seed_demo(&pool).await.unwrap();
        let (body_org, business_org): (Uuid, Uuid) = sqlx::query_as(
            "SELECT (SELECT organisation_id FROM control_body WHERE slug = 'gku'),
                    (SELECT id FROM organisation WHERE inn = '2721001237' AND parent_id IS NULL)",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        let rating = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO rating (id, side, event_type, event_date, body_id, kind_id,
                                 organisation_id, average, low, comment)
             SELECT $1, 'business', 'knm', current_date - 3, b.id, k.id, $2, 3, true, 'Долго.'
             FROM control_body b JOIN control_kind k ON k.body_id = b.id
             WHERE b.slug = 'gku' ORDER BY k.slug LIMIT 1",
        )
        .bind(rating)
        .bind(business_org)
        .execute(&pool)
        .await
        .unwrap();
        let event: String = sqlx::query_scalar(
            "SELECT e.erknm_number FROM control_event e WHERE e.organisation_id = $1
               AND NOT EXISTS (SELECT 1 FROM rating r WHERE r.event_id = e.id)
             ORDER BY 1 LIMIT 1",
        )
        .bind(business_org)
        .fetch_one(&pool)
        .await
        .unwrap();
        let spare_org = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO organisation (id, kind, name) VALUES ($1, 'self_employed', 'Уходящий')",
        )
        .bind(spare_org)
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO membership (user_id, organisation_id, role)
             SELECT id, $1, 'business' FROM app_user WHERE email = 'business@demo.knd.local'",
        )
        .bind(spare_org)
        .execute(&pool)
        .await
        .unwrap();
        Fixture {
            pool,
            body_org,
            rating,
            event,
            business_org,
            spare_org,
        }
    }

    async fn scalar(&self, sql: &str) -> String {
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.unwrap()
    }

    /// A request to a server function that would succeed (and mostly change something) for
    /// the account it names. Functions not listed are sent `{}` by the admin: still refused
    /// whole, before anything reads the body.
    async fn server_function(&self, path: &str) -> (Value, Who) {
        use Who::*;
        match path {
            "/api/sync/push" => {
                let scores = common::business_scores(8);
                (
                    json!({ "ops": [{ "op_id": Uuid::now_v7(), "kind": "rating.submit", "payload": {
                        "side": "business", "event": { "by": "register", "number": self.event },
                        "scores": scores, "comment": "Межсайтовая оценка." } }] }),
                    Business,
                )
            }
            "/api/rating/reply" => (
                json!({ "rating_id": self.rating, "text": "Межсайтовый ответ." }),
                Manager,
            ),
            "/api/rating/act" => (
                json!({ "rating_id": self.rating, "note": "Межсайтовая запись." }),
                Manager,
            ),
            "/api/rating/hide" => (
                json!({ "rating_id": self.rating, "reason": "Межсайтовое скрытие." }),
                Admin,
            ),
            "/api/rating/reference_save" => (
                json!({ "entry": { "list": "reason", "side": "business", "code": "cross_site",
                    "title_ru": "Межсайтовая причина", "title_en": "Cross-site", "position": 99, "active": true } }),
                Admin,
            ),
            "/api/self_check/reword" => {
                let id = self
                    .scalar(
                        "SELECT r.id::text FROM requirement r JOIN control_kind k ON k.id = r.kind_id
                         WHERE k.slug = 'chs-nadzor' ORDER BY r.sort, r.id LIMIT 1",
                    )
                    .await;
                (
                    json!({ "requirement_id": id, "question": "Есть ли межсайтовый план действий?" }),
                    Manager,
                )
            }
            "/api/catalogue/add" => (
                json!({ "entity": "news", "parent": "gku", "fields": [
                    ["published_on", "2026-11-22"], ["title", "Межсайтовая новость"], ["text", "Текст."]] }),
                Manager,
            ),
            "/api/catalogue/update" => {
                let id = self
                    .scalar("SELECT id::text FROM control_body WHERE slug = 'gku'")
                    .await;
                (
                    json!({ "entity": "control_body", "id": id,
                            "fields": [["address", "г. Хабаровск, ул. Межсайтовая, д. 1"]] }),
                    Manager,
                )
            }
            "/api/catalogue/delete" | "/api/catalogue/faq/save" => {
                let id = self
                    .scalar(
                        "SELECT f.id::text FROM faq f JOIN control_kind k ON k.id = f.kind_id
                         WHERE k.slug = 'chs-nadzor' ORDER BY f.id LIMIT 1",
                    )
                    .await;
                if path.ends_with("delete") {
                    (json!({ "entity": "faq", "id": id }), Manager)
                } else {
                    (
                        json!({ "faq_id": id, "question": "Вопрос?", "answer": "Межсайтовый ответ." }),
                        Manager,
                    )
                }
            }
            "/api/catalogue/faq/add" => (
                json!({ "kind_slug": "chs-nadzor", "question": "Межсайтовый вопрос?", "answer": "Ответ." }),
                Manager,
            ),
            "/api/members/grant" => (
                json!({ "organisation_id": self.body_org, "email": "business@demo.knd.local", "role": "kno_staff" }),
                Manager,
            ),
            "/api/members/revoke" => {
                let user = self
                    .scalar(
                        "SELECT id::text FROM app_user WHERE email = 'inspector@demo.knd.local'",
                    )
                    .await;
                (
                    json!({ "organisation_id": self.body_org, "user_id": user, "role": "kno_staff" }),
                    Manager,
                )
            }
            "/api/institutions/add_unit" => (
                json!({ "body_id": self.body_org, "name": "Межсайтовый отдел" }),
                Manager,
            ),
            "/api/institutions/create" => (
                json!({ "form": { "kind": "control_body", "name": "Межсайтовый орган",
                                  "inn": "7701000016", "ogrn": "1027700000011" } }),
                Admin,
            ),
            "/api/organisations/add" => (
                json!({ "form": { "kind": "legal_entity", "name": "Межсайтовое ООО",
                                  "inn": "7701000023", "ogrn": "1027700000022" } }),
                Business,
            ),
            "/api/organisations/leave" => (json!({ "organisation_id": self.spare_org }), Business),
            "/api/session/switch" => (
                json!({ "role": "business", "organisation_id": self.business_org }),
                Business,
            ),
            "/api/session/login" => (
                json!({ "email": Consultant.email(), "password": DEMO_PASSWORD }),
                Consultant,
            ),
            "/api/session/logout" | "/api/session/logout_everywhere" => (json!({}), Consultant),
            "/api/account/signup" => (
                json!({ "display_name": "Межсайтовый", "email": "cross.site@example.ru", "password": "длинный-пароль" }),
                Admin,
            ),
            _ => (json!({}), Admin),
        }
    }
}

/// Every server function the server registers; each must be a POST (a GET would pass the
/// cross-site check, which lets reading through).
fn server_functions() -> Vec<String> {
    let all: Vec<(String, Method)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_owned(), method))
        .collect();
    let not_post: Vec<_> = all.iter().filter(|(_, m)| *m != Method::POST).collect();
    assert!(
        not_post.is_empty(),
        "server functions not behind the cross-site check (not POST): {not_post:?}"
    );
    let mut paths: Vec<String> = all.into_iter().map(|(p, _)| p).collect();
    paths.sort();
    paths
}

/// Page routes answering a method other than GET (a form posting to a page).
fn page_routes_that_take_posts() -> Vec<(Method, String)> {
    leptos_axum::generate_route_list(app::app::App)
        .iter()
        .flat_map(|route| {
            route
                .methods()
                // leptos_router's own method type, named here by its spelling.
                .map(|m| format!("{m:?}").to_uppercase())
                .filter(|m| m != "GET")
                .map(|m| (m.parse().unwrap(), route.path().to_owned()))
                .collect::<Vec<_>>()
        })
        .collect()
}

async fn every_attempt(fixture: &Fixture) -> Vec<Attempt> {
    let mut attempts = Vec::new();
    for path in server_functions() {
        let (body, who) = fixture.server_function(&path).await;
        attempts.push(Attempt {
            method: Method::POST,
            path,
            body,
            who,
        });
    }
    for (method, path) in page_routes_that_take_posts() {
        attempts.push(Attempt {
            method,
            path,
            body: json!({}),
            who: Who::Admin,
        });
    }
    for (method, path, body, who) in ROUTER_ROUTES {
        attempts.push(Attempt {
            method: method.parse().unwrap(),
            path: (*path).to_owned(),
            body: serde_json::from_str(body).unwrap(),
            who: *who,
        });
    }
    attempts
}

#[sqlx::test(migrations = "../migrations")]
async fn every_state_changing_route_refuses_cross_site_requests_and_changes_nothing(pool: PgPool) {
    let fixture = Fixture::new(pool.clone()).await;
    let app = common::router(pool.clone());
    let mut cookies = BTreeMap::new();
    for who in [Who::Business, Who::Manager, Who::Admin, Who::Consultant] {
        cookies.insert(
            who.email(),
            common::sign_in(&app, who.email(), DEMO_PASSWORD).await,
        );
    }
    let attempts = every_attempt(&fixture).await;
    assert!(attempts.len() >= 50, "{} routes", attempts.len());

    let before = fingerprint(&pool).await;
    let mut failures = Vec::new();
    for attempt in &attempts {
        let cookie = &cookies[attempt.who.email()];
        for (how, site, origin) in CROSS_SITE {
            let response = common::send(&app, request(attempt, cookie, site, origin)).await;
            let status = response.status().as_u16();
            let text = common::body_text(response).await;
            if status != 403 || text != REFUSED {
                failures.push(format!(
                    "{} {} ({how}): {status} {text}",
                    attempt.method, attempt.path
                ));
            }
        }
    }
    assert!(failures.is_empty(), "let through:\n{}", failures.join("\n"));
    let after = fingerprint(&pool).await;
    assert_eq!(
        changed(&before, &after),
        Vec::<String>::new(),
        "tables changed by refused requests"
    );

    // From the portal's own pages the same requests get through (the refusals were the check's),
    // and the writes show in the fingerprint (it would have seen any above).
    let mut refused = Vec::new();
    for attempt in &attempts {
        let cookie = &cookies[attempt.who.email()];
        let response = common::send(
            &app,
            request(
                attempt,
                cookie,
                Some("same-origin"),
                Some("http://localhost:3000"),
            ),
        )
        .await;
        let status = response.status().as_u16();
        let text = common::body_text(response).await;
        if text == REFUSED {
            refused.push(format!("{} {}: {status}", attempt.method, attempt.path));
        }
    }
    assert!(
        refused.is_empty(),
        "refused from our own pages:\n{}",
        refused.join("\n")
    );
    let written = changed(&after, &fingerprint(&pool).await);
    for table in [
        "rating",
        "rating_reply",
        "rating_action",
        "news",
        "membership",
        "organisation",
    ] {
        let table = format!("public.{table}");
        assert!(written.contains(&table), "{table} unchanged: {written:?}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_check_comes_before_routing_so_any_path_and_method_is_covered(pool: PgPool) {
    let app = common::router(pool);
    // Every page, every open API path, and paths nobody registered: a cross-site write to any
    // of them is refused before the router looks at it.
    let mut paths: BTreeSet<String> = leptos_axum::generate_route_list(app::app::App)
        .iter()
        .map(|r| r.path().replace(['{', '}'], ""))
        .collect();
    let doc = common::body_text(common::get(&app, "/api/v1/openapi.json").await).await;
    let doc: Value = serde_json::from_str(&doc).unwrap();
    paths.extend(doc["paths"].as_object().unwrap().keys().cloned());
    paths.extend([
        "/api/no/such/function".to_owned(),
        "/no/such/page".to_owned(),
        "/healthz".to_owned(),
    ]);
    for path in &paths {
        for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            let attempt = Attempt {
                method: method.clone(),
                path: path.clone(),
                body: json!({}),
                who: Who::Admin,
            };
            for (how, site, origin) in CROSS_SITE {
                let response = common::send(&app, request(&attempt, "", site, origin)).await;
                assert_eq!(response.status(), 403, "{method} {path} ({how})");
            }
        }
    }
}

/// The non-GET routes a Rust source gives an axum router: `(method, path)` for every
/// `.route("…", post(…))` and the like, and `ANY` for a route whose methods are not spelled out
/// (`any`, `on`, `route_service`, `nest_service`, `nest`).
fn routes_in(text: &str) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for call in [".route(", ".route_service(", ".nest_service(", ".nest("] {
        for chunk in text.split(call).skip(1) {
            // The route's own arguments: up to the next route call or the statement's end.
            let args = chunk
                .split(';')
                .next()
                .unwrap_or_default()
                .split(".route")
                .next()
                .unwrap_or_default()
                .split(".nest")
                .next()
                .unwrap_or_default();
            let Some(path) = args.split('"').nth(1).filter(|p| p.starts_with('/')) else {
                continue;
            };
            let mut methods: Vec<&str> = ["post", "put", "patch", "delete"]
                .into_iter()
                .filter(|m| {
                    args.contains(&format!("{m}(")) || args.contains(&format!("{m}_service("))
                })
                .collect();
            let unspelled = ["any(", ".on(", " on(", "(on("]
                .iter()
                .any(|c| args.contains(c));
            if call != ".route(" || unspelled {
                methods.push("any");
            }
            for method in methods {
                routes.insert((method.to_uppercase(), path.to_owned()));
            }
        }
    }
    routes
}

/// What the server's and the app's sources give the router.
fn declared_router_routes() -> BTreeSet<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["server/src", "app/src"] {
        collect_rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "read {} files", files.len());
    files
        .iter()
        .flat_map(|file| routes_in(&std::fs::read_to_string(file).unwrap()))
        .collect()
}

fn collect_rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_state_changing_router_route_is_checked() {
    let declared = declared_router_routes();
    let listed: BTreeSet<(String, String)> = ROUTER_ROUTES
        .iter()
        .map(|(method, path, _, _)| ((*method).to_owned(), (*path).to_owned()))
        .collect();
    let missing: Vec<_> = declared.difference(&listed).collect();
    assert!(
        missing.is_empty(),
        "state-changing routes of the router without a cross-site test: {missing:?} — add each \
         to ROUTER_ROUTES with a request that would succeed"
    );
    let stale: Vec<_> = listed.difference(&declared).collect();
    assert!(
        stale.is_empty(),
        "ROUTER_ROUTES lists routes that no longer exist: {stale:?}"
    );
}

#[test]
fn the_route_reader_finds_what_changes_state_and_skips_reads() {
    let text = r#"
        Router::new()
            .route("/api/upload", post(upload))
            .route("/api/v1/things", get(list).delete(remove))
            .route("/healthz", get(health))
            .route_service("/files", ServeDir::new("files"))
            .route("/hook", any(hook));
    "#;
    let expected: BTreeSet<(String, String)> = [
        ("POST", "/api/upload"),
        ("DELETE", "/api/v1/things"),
        ("ANY", "/files"),
        ("ANY", "/hook"),
    ]
    .into_iter()
    .map(|(m, p)| (m.to_owned(), p.to_owned()))
    .collect();
    assert_eq!(routes_in(text), expected);
}
