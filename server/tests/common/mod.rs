//! Helpers for the HTTP tests: the real router over a real (per-test) PostgreSQL database.

#![allow(dead_code)]

use std::{path::PathBuf, sync::Arc, time::Duration};

use app::server::{
    cache::TtlCache,
    release::{BundleHashes, Release},
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
    let release = Release::new("knd", "pkg", "test", &BundleHashes::parse(HASHES));
    AppState {
        pool,
        leptos_options,
        release: Arc::new(release),
        region: Arc::new(TtlCache::new(Duration::from_secs(60))),
    }
}

pub fn config(public_url: Option<&str>) -> Config {
    Config {
        database_url: String::new(),
        environment: Environment::Development,
        session_secret: None,
        public_url: public_url.map(Into::into),
        demo: false,
        trust_forwarded_for: false,
        db_max_connections: 5,
        log_format: LogFormat::Pretty,
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
