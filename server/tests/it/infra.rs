//! HTTP infrastructure: health, security and cache headers, compression, the service worker,
//! graceful shutdown.

use crate::common;

use std::time::Duration;

use axum::{body::Body, http::Request};
use common::{body_text, config, get, header, router, send, state};
use sqlx::{postgres::PgPoolOptions, PgPool};
use tokio::net::{TcpListener, TcpStream};

#[sqlx::test(migrations = "../migrations")]
async fn health_is_ok_with_the_database_up(pool: PgPool) {
    let response = get(&router(pool), "/healthz").await;
    assert_eq!(response.status(), 200);
    let value: serde_json::Value = serde_json::from_str(&body_text(response).await).unwrap();
    assert_eq!(value["status"], "ok");
    assert_eq!(value["db"], "ok");
    assert_eq!(value["version"], env!("CARGO_PKG_VERSION"));
}

/// A TCP relay to the real database that can be switched off and on, standing in for a
/// database going down and coming back.
async fn relay(listener: TcpListener, upstream: String) {
    loop {
        let Ok((mut inbound, _)) = listener.accept().await else {
            return;
        };
        let upstream = upstream.clone();
        tokio::spawn(async move {
            if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            }
        });
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn health_is_503_while_the_database_is_down_and_recovers_by_itself(pool: PgPool) {
    // Where the test database really is, and a free local port that nothing listens on yet.
    let options = pool.connect_options();
    let upstream = format!("{}:{}", options.get_host(), options.get_port());
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let through_relay = (*options).clone().host("127.0.0.1").port(port);
    let relayed_pool = PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(1))
        .connect_lazy_with(through_relay);
    let app = server::http::router(state(relayed_pool), &config(None));

    let down = get(&app, "/healthz").await;
    assert_eq!(down.status(), 503);
    let value: serde_json::Value = serde_json::from_str(&body_text(down).await).unwrap();
    assert_eq!(value["db"], "down");

    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let relay = tokio::spawn(relay(listener, upstream));
    let mut recovered = false;
    for _ in 0..20 {
        if get(&app, "/healthz").await.status() == 200 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    relay.abort();
    assert!(
        recovered,
        "health did not recover after the database came back"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn every_response_carries_the_security_headers(pool: PgPool) {
    let app = router(pool);
    for path in [
        "/",
        "/healthz",
        "/sw.js",
        "/no-such-page",
        "/pkg/knd.testjs.js",
    ] {
        let response = get(&app, path).await;
        let csp = header(&response, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("'wasm-unsafe-eval'"), "{path}: {csp}");
        assert!(!csp.contains("'unsafe-inline'"), "{path}: {csp}");
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            header(&response, "referrer-policy"),
            "strict-origin-when-cross-origin"
        );
        assert_eq!(header(&response, "x-frame-options"), "DENY");
        assert!(
            response
                .headers()
                .get("strict-transport-security")
                .is_none(),
            "{path}"
        );
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn hsts_is_sent_when_the_portal_is_served_over_https(pool: PgPool) {
    let app = server::http::router(state(pool), &config(Some("https://knd.example.ru")));
    let response = get(&app, "/").await;
    assert!(header(&response, "strict-transport-security").contains("max-age=63072000"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_hydration_script_carries_the_nonce_of_its_policy(pool: PgPool) {
    let response = get(&router(pool), "/").await;
    let csp = header(&response, "content-security-policy").to_owned();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    let html = body_text(response).await;
    assert!(
        html.contains(&format!(r#"<script type="module" nonce="{nonce}">"#)),
        "{html}"
    );
    // Another response gets another nonce.
    let again = get(&router_again(), "/").await;
    assert!(!header(&again, "content-security-policy").contains(&nonce));
}

fn router_again() -> axum::Router {
    let pool = PgPoolOptions::new()
        .connect_lazy("postgres://nobody@127.0.0.1:1/none")
        .unwrap();
    server::http::router(state(pool), &config(None))
}

#[sqlx::test(migrations = "../migrations")]
async fn hashed_assets_are_cached_forever_and_pages_revalidated(pool: PgPool) {
    let app = router(pool);
    let asset = get(&app, "/pkg/knd.testjs.js").await;
    assert_eq!(asset.status(), 200);
    assert_eq!(
        header(&asset, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&get(&app, "/").await, "cache-control"), "no-cache");
    assert_eq!(
        header(&get(&app, "/manifest.webmanifest").await, "cache-control"),
        "public, max-age=3600"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_are_compressed_with_gzip_and_static_files_served_precompressed(pool: PgPool) {
    let site = common::site_dir();
    let css = std::fs::read(site.join("pkg/knd.testcss.css")).unwrap();
    std::fs::write(site.join("pkg/knd.testcss.css.br"), &css).unwrap();
    let app = router(pool);
    let request = Request::get("/pkg/knd.testcss.css")
        .header("accept-encoding", "gzip, deflate, br")
        .body(Body::empty())
        .unwrap();
    assert_eq!(header(&send(&app, request).await, "content-encoding"), "br");
    for (accept, expected) in [("gzip", "gzip"), ("gzip, deflate, br", "gzip")] {
        let request = Request::get("/")
            .header("accept-encoding", accept)
            .body(Body::empty())
            .unwrap();
        let response = send(&app, request).await;
        assert_eq!(header(&response, "content-encoding"), expected, "{accept}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_service_worker_is_this_builds_and_always_revalidated(pool: PgPool) {
    let app = router(pool);
    let response = get(&app, "/sw.js").await;
    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-type").starts_with("text/javascript"));
    assert_eq!(header(&response, "cache-control"), "no-cache");
    let build = header(&response, "x-knd-build").to_owned();
    let script = body_text(response).await;
    assert!(script.contains(&format!("const BUILD = \"{build}\"")));
    assert!(script.contains(r#""/pkg/knd.testwasm.wasm""#));
    assert!(script.contains(r#""/offline""#));
    assert!(script.contains(r#"url.pathname.startsWith("/api/")"#));
}

#[sqlx::test(migrations = "../migrations")]
async fn shutdown_lets_the_request_in_flight_finish(pool: PgPool) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = router(pool);
    let server = tokio::spawn(server::http::serve(listener, app, async {
        let _ = stopped.await;
    }));
    // Start a request, ask the server to stop while its headers are still arriving, then
    // finish the request: it is still answered.
    let mut stream = TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stream
        .write_all(b"connection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops")
        .unwrap()
        .unwrap();
}
