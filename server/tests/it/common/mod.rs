//! Helpers for the HTTP tests: the real router over a real (per-test) PostgreSQL database.

#![allow(dead_code)]

use std::{path::PathBuf, sync::Arc, time::Duration};

use app::server::{
    cache::TtlCache,
    release::{BundleHashes, Release, SplitManifest},
    AppState,
};
use axum::{body::Body, http::Request, response::Response, Router};
use leptos::prelude::LeptosOptions;
use server::config::{Config, Environment, LogFormat};
use sqlx::PgPool;
use tower::ServiceExt;

pub const HASHES: &str = "js: testjs\nwasm: testwasm\ncss: testcss\n";

/// A site directory with the files of a hashed build, as cargo-leptos lays them out.
pub fn site_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("knd-site-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(dir.join("pkg/knd.testjs.js"), "export default function(){}").unwrap();
    std::fs::write(dir.join("pkg/knd.testcss.css"), "body{margin:0}").unwrap();
    std::fs::write(dir.join("manifest.webmanifest"), r#"{"name":"КНД.Онлайн"}"#).unwrap();
    dir
}

pub fn state(pool: PgPool) -> AppState {
    let site = site_dir();
    let leptos_options = LeptosOptions::builder()
        .output_name("knd")
        .site_root(site.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .build();
    let release = Release::new(
        "knd",
        "pkg",
        "test",
        &BundleHashes::parse(HASHES),
        &SplitManifest::default(),
        None,
    );
    AppState {
        read_pool: pool.clone(),
        pool,
        leptos_options,
        release: Arc::new(release),
        region: Arc::new(TtlCache::new(Duration::from_secs(60))),
        ratings: Arc::new(TtlCache::new(Duration::from_secs(60))),
        catalogue: Default::default(),
        session_lifetime_secs: app::server::session::ABSOLUTE_LIFETIME_SECS,
        files: file_store(),
        pages: Default::default(),
        db_health: Default::default(),
    }
}

/// A file store of its own for this test process, in the temporary directory.
pub fn file_store() -> app::server::files::FileStore {
    let dir = std::env::temp_dir().join(format!("knd-files-{}", std::process::id()));
    app::server::files::FileStore::local(&dir).unwrap()
}

pub fn config(public_url: Option<&str>) -> Config {
    Config {
        database_url: String::new(),
        database_read_url: None,
        environment: Environment::Development,
        session_secret: None,
        public_url: public_url.map(Into::into),
        demo: false,
        trusted_proxies: Default::default(),
        trust_forwarded_for: None,
        request_timeout_secs: 30,
        statement_timeout_ms: 10_000,
        db_max_connections: 5,
        log_format: LogFormat::Pretty,
        api_rate_per_sec: 1000,
        data_dir: std::env::temp_dir(),
        file_store: None,
    }
}

pub fn router(pool: PgPool) -> Router {
    server::http::router(state(pool), &config(None))
}

pub async fn send(router: &Router, request: Request<Body>) -> Response {
    router
        .clone()
        .oneshot(request)
        .await
        .expect("the router is infallible")
}

pub async fn get(router: &Router, path: &str) -> Response {
    send(router, Request::get(path).body(Body::empty()).unwrap()).await
}

pub async fn body_text(response: Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).expect("utf-8 body")
}

pub fn header<'a>(response: &'a Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("missing header {name}"))
        .to_str()
        .unwrap()
}

/// A JSON POST as our own pages send it, with the session cookie when given.
pub fn post(path: &str, json: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(path).header("content-type", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.body(Body::from(json.to_owned())).unwrap()
}

/// Calls a JSON endpoint and returns the status and the parsed answer (`null` when empty).
pub async fn call(
    router: &Router,
    path: &str,
    json: serde_json::Value,
    cookie: Option<&str>,
) -> (u16, serde_json::Value) {
    let response = send(router, post(path, &json.to_string(), cookie)).await;
    let status = response.status().as_u16();
    let text = body_text(response).await;
    let value = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    (status, value)
}

pub fn login_body(email: &str, password: &str) -> String {
    serde_json::json!({ "email": email, "password": password }).to_string()
}

pub async fn login(router: &Router, email: &str, password: &str) -> Response {
    send(
        router,
        post("/api/session/login", &login_body(email, password), None),
    )
    .await
}

/// The whole `Set-Cookie` value of the session cookie set by a response (a sign-in also sets
/// the device cookie).
pub fn session_cookie_header(response: &Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap())
        .find(|value| !value.contains("knd_device="))
        .expect("a session cookie")
        .to_owned()
}

/// The `name=value` part of the session cookie set by a response.
pub fn session_cookie(response: &Response) -> String {
    let set_cookie = session_cookie_header(response);
    set_cookie.split(';').next().unwrap().to_owned()
}

/// Signs in and returns the session cookie.
pub async fn sign_in(router: &Router, email: &str, password: &str) -> String {
    let response = login(router, email, password).await;
    assert_eq!(response.status(), 200, "signing in as {email}");
    session_cookie(&response)
}

/// The business side's five criteria, each scored `score`: the `scores` of a valid rating.
pub fn business_scores(score: u8) -> Vec<serde_json::Value> {
    [
        "courtesy",
        "competence",
        "procedure",
        "clarity",
        "usefulness",
    ]
    .iter()
    .map(|c| serde_json::json!({ "criterion": c, "score": score }))
    .collect()
}
