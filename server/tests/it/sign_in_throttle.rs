//! Sign-in throttling under attack, over the real router and PostgreSQL: parallel guesses
//! cannot overrun the limit, and an attacker cannot lock the owner out of the browser they
//! signed in on before (device cookies).

use crate::common;

use std::net::SocketAddr;

use axum::{body::Body, extract::ConnectInfo, http::Request, response::Response, Router};
use sqlx::PgPool;

use common::{body_text, login_body, send, session_cookie};
use server::seed::DEMO_PASSWORD;

const OWNER: &str = "business@demo.knd.local";

async fn seeded(pool: &PgPool) -> Router {
    server::seed::seed_demo(pool).await.unwrap();
    common::router(pool.clone())
}

/// A sign-in from `address`, with these cookies.
fn login_from(address: &str, email: &str, password: &str, cookies: &[&str]) -> Request<Body> {
    let mut request = Request::post("/api/session/login")
        .header("content-type", "application/json")
        .body(Body::from(login_body(email, password)))
        .unwrap();
    let peer: SocketAddr = format!("{address}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    if !cookies.is_empty() {
        request
            .headers_mut()
            .insert("cookie", cookies.join("; ").parse().unwrap());
    }
    request
}

/// The `name=value` of the device cookie a response sets.
fn device_cookie(response: &Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.starts_with("knd_device="))
        .expect("a device cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

#[sqlx::test(migrations = "../migrations")]
async fn parallel_wrong_sign_ins_stay_within_the_limit(pool: PgPool) {
    let app = seeded(&pool).await;
    // Twenty guesses at once, from twenty places: the account's limit is five.
    let attempts = (0..20).map(|i| {
        let app = app.clone();
        async move {
            let request = login_from(&format!("203.0.113.{i}"), OWNER, "wrong-guess-1", &[]);
            send(&app, request).await.status().as_u16()
        }
    });
    let statuses = futures_join_all(attempts).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + refused, 20, "{statuses:?}");
    assert!(checked <= 5, "{checked} passwords checked: {statuses:?}");
    assert!(checked >= 1, "{statuses:?}");
    // Still blocked for the right password from a new place.
    let response = send(&app, login_from("198.51.100.1", OWNER, DEMO_PASSWORD, &[])).await;
    assert_eq!(response.status(), 429);
}

/// Runs the futures concurrently and collects their outputs (in no particular order).
async fn futures_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<u16>
where
    F: std::future::Future<Output = u16> + Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for future in futures {
        set.spawn(future);
    }
    let mut out = Vec::new();
    while let Some(status) = set.join_next().await {
        out.push(status.unwrap());
    }
    out
}

#[sqlx::test(migrations = "../migrations")]
async fn the_owner_signs_in_from_their_own_browser_while_the_account_is_under_attack(pool: PgPool) {
    let app = seeded(&pool).await;
    // The owner signed in on this browser before, and got a device cookie.
    let first = send(&app, login_from("198.51.100.7", OWNER, DEMO_PASSWORD, &[])).await;
    assert_eq!(first.status(), 200);
    let device = device_cookie(&first);
    assert!(first
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().contains("HttpOnly")));

    // An attacker guesses from many addresses until the account is locked for strangers.
    for i in 0..10 {
        let response = send(
            &app,
            login_from(
                &format!("203.0.113.{i}"),
                OWNER,
                &format!("guess-{i}-xx"),
                &[],
            ),
        )
        .await;
        assert!(
            [401, 429].contains(&response.status().as_u16()),
            "{}",
            response.status()
        );
    }
    let stranger = send(&app, login_from("203.0.113.50", OWNER, DEMO_PASSWORD, &[])).await;
    assert_eq!(stranger.status(), 429, "strangers are locked out");

    // The owner, from their own browser and address, still gets in.
    let owner = send(
        &app,
        login_from("198.51.100.7", OWNER, DEMO_PASSWORD, &[&device]),
    )
    .await;
    assert_eq!(owner.status(), 200, "{}", body_text(owner).await);

    // A device cookie earned by another account does not exempt its holder.
    let attacker_first = send(
        &app,
        login_from(
            "203.0.113.60",
            "inspector@demo.knd.local",
            DEMO_PASSWORD,
            &[],
        ),
    )
    .await;
    assert_eq!(attacker_first.status(), 200);
    let attackers_device = device_cookie(&attacker_first);
    let response = send(
        &app,
        login_from("203.0.113.60", OWNER, DEMO_PASSWORD, &[&attackers_device]),
    )
    .await;
    assert_eq!(response.status(), 429);
    // Nor does a made-up one.
    let response = send(
        &app,
        login_from(
            "203.0.113.61",
            OWNER,
            DEMO_PASSWORD,
            &["knd_device=00000000000000000000000000000000"],
        ),
    )
    .await;
    assert_eq!(response.status(), 429);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_trusted_browser_has_its_own_limit_for_wrong_passwords(pool: PgPool) {
    let app = seeded(&pool).await;
    let first = send(&app, login_from("198.51.100.7", OWNER, DEMO_PASSWORD, &[])).await;
    let device = device_cookie(&first);
    for attempt in 1..=5 {
        let response = send(
            &app,
            login_from("198.51.100.7", OWNER, "wrong-guess-1", &[&device]),
        )
        .await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    let blocked = send(
        &app,
        login_from("198.51.100.7", OWNER, DEMO_PASSWORD, &[&device]),
    )
    .await;
    assert_eq!(blocked.status(), 429);
    // The device's failures did not count against the account for other browsers.
    let elsewhere = send(&app, login_from("198.51.100.8", OWNER, DEMO_PASSWORD, &[])).await;
    assert_eq!(elsewhere.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_successful_sign_in_keeps_the_browsers_device_and_gives_back_its_attempt(pool: PgPool) {
    let app = seeded(&pool).await;
    let first = send(&app, login_from("198.51.100.7", OWNER, DEMO_PASSWORD, &[])).await;
    let device = device_cookie(&first);
    let again = send(
        &app,
        login_from("198.51.100.7", OWNER, DEMO_PASSWORD, &[&device]),
    )
    .await;
    assert_eq!(again.status(), 200);
    // The same device is kept: no new cookie, one row.
    assert!(!again
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("knd_device=")));
    let devices: i64 = sqlx::query_scalar("SELECT count(*) FROM sign_in_device")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(devices, 1);
    // Successful sign-ins leave no counters behind.
    let counters: i64 = sqlx::query_scalar("SELECT count(*) FROM login_throttle")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(counters, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn logging_out_everywhere_withdraws_the_trust_of_every_browser(pool: PgPool) {
    let app = seeded(&pool).await;
    let first = send(&app, login_from("198.51.100.7", OWNER, DEMO_PASSWORD, &[])).await;
    let device = device_cookie(&first);
    let session = session_cookie(&first);
    let out = send(
        &app,
        common::post("/api/session/logout_everywhere", "{}", Some(&session)),
    )
    .await;
    assert_eq!(out.status(), 200);
    for i in 0..5 {
        let _ = send(
            &app,
            login_from(&format!("203.0.113.{i}"), OWNER, "wrong-guess-1", &[]),
        )
        .await;
    }
    let response = send(
        &app,
        login_from("198.51.100.7", OWNER, DEMO_PASSWORD, &[&device]),
    )
    .await;
    assert_eq!(response.status(), 429);
}

#[sqlx::test(migrations = "../migrations")]
async fn over_https_the_device_cookie_is_secure_and_host_bound(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = server::http::router(
        common::state(pool),
        &common::config(Some("https://knd.example.ru")),
    );
    let response = send(&app, login_from("198.51.100.7", OWNER, DEMO_PASSWORD, &[])).await;
    assert_eq!(response.status(), 200);
    let set_cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("__Host-knd_device="))
        .expect("a host-bound device cookie");
    for attribute in ["Secure", "HttpOnly", "Path=/", "SameSite=Lax", "Max-Age="] {
        assert!(set_cookie.contains(attribute), "{attribute}: {set_cookie}");
    }
    assert!(!set_cookie.contains("Domain"), "{set_cookie}");
    // Presented back under that name, it is recognised: no new device is issued.
    let device = set_cookie.split(';').next().unwrap().to_owned();
    let again = send(
        &app,
        login_from("198.51.100.7", OWNER, DEMO_PASSWORD, &[&device]),
    )
    .await;
    assert_eq!(again.status(), 200);
    assert!(!again
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().contains("knd_device=")));
}
