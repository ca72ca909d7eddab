//! The client's address behind proxies: `X-Forwarded-For` is read only from configured proxies,
//! and then only its rightmost untrusted hop counts, so a client cannot shake off the sign-in
//! throttle or the open API's rate limit by writing the header itself.

use crate::common;

use std::net::SocketAddr;

use axum::{body::Body, extract::ConnectInfo, http::Request, Router};
use common::{body_text, config, login_body, send, state};
use server::http::client_address::TrustedProxies;
use sqlx::PgPool;

/// A router whose configuration trusts these proxies, with an open API limit of 1 a second.
fn router_behind(pool: PgPool, proxies: &str) -> Router {
    let mut config = config(None);
    config.trusted_proxies = TrustedProxies::parse(proxies).unwrap();
    config.api_rate_per_sec = 1;
    server::http::router(state(pool), &config)
}

/// A request as it arrives from `peer`, with an `X-Forwarded-For` header when given.
fn from(peer: &str, forwarded_for: Option<&str>, request: Request<Body>) -> Request<Body> {
    let (mut parts, body) = request.into_parts();
    let peer: SocketAddr = format!("{peer}:40000").parse().unwrap();
    parts.extensions.insert(ConnectInfo(peer));
    if let Some(value) = forwarded_for {
        parts
            .headers
            .insert("x-forwarded-for", value.parse().unwrap());
    }
    Request::from_parts(parts, body)
}

fn wrong_login(email: &str) -> Request<Body> {
    Request::post("/api/session/login")
        .header("content-type", "application/json")
        .body(Body::from(login_body(email, "wrong-password-1")))
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_spoofed_forwarded_for_does_not_reset_the_sign_in_throttle(pool: PgPool) {
    let app = router_behind(pool, "127.0.0.1");
    // Behind our proxy (127.0.0.1), the client 203.0.113.9 writes a new «address» of its own
    // into the header every time; the proxy appends the address it really came from. Every
    // attempt names another account, so only the per-address limit (20) can stop it.
    for attempt in 0..20 {
        let spoofed = format!("198.51.100.{attempt}, 203.0.113.9");
        let request = from(
            "127.0.0.1",
            Some(&spoofed),
            wrong_login(&format!("user{attempt}@example.ru")),
        );
        assert_eq!(send(&app, request).await.status(), 401, "attempt {attempt}");
    }
    let request = from(
        "127.0.0.1",
        Some("192.0.2.200, 203.0.113.9"),
        wrong_login("another@example.ru"),
    );
    let response = send(&app, request).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().get("retry-after").is_some());
    // Another client behind the same proxy is not affected.
    let request = from(
        "127.0.0.1",
        Some("203.0.113.10"),
        wrong_login("another@example.ru"),
    );
    assert_eq!(send(&app, request).await.status(), 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn without_trusted_proxies_the_header_is_ignored_and_the_peer_is_throttled(pool: PgPool) {
    let app = common::router(pool);
    for attempt in 0..20 {
        let spoofed = format!("198.51.100.{attempt}");
        let request = from(
            "203.0.113.9",
            Some(&spoofed),
            wrong_login(&format!("user{attempt}@example.ru")),
        );
        assert_eq!(send(&app, request).await.status(), 401, "attempt {attempt}");
    }
    let request = from("203.0.113.9", None, wrong_login("another@example.ru"));
    assert_eq!(send(&app, request).await.status(), 429);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_untrusted_peer_cannot_pass_itself_off_as_another_client(pool: PgPool) {
    // The header names a trusted proxy and a client, but the request did not come from a
    // trusted proxy: the peer itself is throttled.
    let app = router_behind(pool, "10.0.0.0/8");
    for attempt in 0..20 {
        let spoofed = format!("198.51.100.{attempt}, 10.0.0.1");
        let request = from(
            "203.0.113.9",
            Some(&spoofed),
            wrong_login(&format!("user{attempt}@example.ru")),
        );
        assert_eq!(send(&app, request).await.status(), 401, "attempt {attempt}");
    }
    let request = from(
        "203.0.113.9",
        Some("192.0.2.1"),
        wrong_login("another@example.ru"),
    );
    assert_eq!(send(&app, request).await.status(), 429);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_open_api_limit_holds_whatever_the_client_writes_in_the_header(pool: PgPool) {
    let app = router_behind(pool, "127.0.0.1");
    let get = |spoofed: String| {
        from(
            "127.0.0.1",
            Some(&format!("{spoofed}, 203.0.113.9")),
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
    };
    // A burst of three at one a second.
    for i in 0..3 {
        assert_eq!(
            send(&app, get(format!("198.51.100.{i}"))).await.status(),
            200
        );
    }
    let refused = send(&app, get("198.51.100.99".to_owned())).await;
    assert_eq!(refused.status(), 429);
    assert!(body_text(refused).await.contains("Слишком много запросов"));
}
