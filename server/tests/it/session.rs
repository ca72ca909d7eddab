//! Sign-in, the session cookie, sign-out and "who am I" through the fixed JSON endpoints.

use crate::common;

use app::domain::account::{Email, Role};
use app::server::{account, password};
use axum::{body::Body, http::Request};
use common::{body_text, config, login, login_body, post, send, session_cookie, state};
use sqlx::PgPool;
use uuid::Uuid;

const PASSWORD: &str = "demo-password-2026";

async fn demo_user(pool: &PgPool) -> Uuid {
    let hash = password::hash_password(PASSWORD.into()).await.unwrap();
    let email = Email::parse("business@demo.knd.local").unwrap();
    let user = account::insert_user(pool, &email, &hash, "Предприниматель")
        .await
        .unwrap();
    let org = Uuid::now_v7();
    sqlx::query("INSERT INTO organisation (id, kind, name, inn) VALUES ($1, 'legal_entity', 'ООО «Демо Амур»', '2721001237')")
        .bind(org)
        .execute(pool)
        .await
        .unwrap();
    account::grant_role(pool, user, org, Role::Business, None)
        .await
        .unwrap();
    user
}

/// The demo sign-in as a browser on 127.0.0.1:3000 sends it, with these provenance headers.
fn login_from_browser(headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::post("/api/session/login")
        .header("content-type", "application/json")
        .header("host", "127.0.0.1:3000");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
        .body(Body::from(login_body("business@demo.knd.local", PASSWORD)))
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_in_sets_a_protected_cookie_and_returns_the_user_with_roles(pool: PgPool) {
    let user = demo_user(&pool).await;
    let app = common::router(pool);
    let response = login(&app, "Business@demo.knd.local", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let set_cookie = common::session_cookie_header(&response);
    assert!(set_cookie.starts_with("knd_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly"));
    assert!(set_cookie.contains("SameSite=Lax"));
    assert!(set_cookie.contains("Path=/"));
    assert!(!set_cookie.contains("Secure"), "plain http in tests");
    let me: serde_json::Value = serde_json::from_str(&body_text(response).await).unwrap();
    assert_eq!(me["user_id"], user.to_string());
    assert_eq!(me["email"], "business@demo.knd.local");
    assert_eq!(me["roles"][0]["role"], "business");
    assert_eq!(me["roles"][0]["organisation_name"], "ООО «Демо Амур»");
}

#[sqlx::test(migrations = "../migrations")]
async fn over_https_the_cookie_is_secure_and_host_bound(pool: PgPool) {
    demo_user(&pool).await;
    let app = server::http::router(state(pool), &config(Some("https://knd.example.ru")));
    let response = login(&app, "business@demo.knd.local", PASSWORD).await;
    let set_cookie = common::session_cookie_header(&response);
    assert!(
        set_cookie.starts_with("__Host-knd_session="),
        "{set_cookie}"
    );
    assert!(set_cookie.contains("Secure"));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401(pool: PgPool) {
    demo_user(&pool).await;
    let app = common::router(pool);
    let wrong = login(&app, "business@demo.knd.local", "wrong-password-1").await;
    let unknown = login(&app, "nobody@demo.knd.local", PASSWORD).await;
    let malformed = login(&app, "not-an-email", PASSWORD).await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(unknown.status(), 401);
    assert_eq!(malformed.status(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    let (a, b) = (body_text(wrong).await, body_text(unknown).await);
    assert_eq!(a, b);
    assert!(a.contains("BadCredentials"), "{a}");
}

#[sqlx::test(migrations = "../migrations")]
async fn who_am_i_needs_a_session_and_logout_ends_it(pool: PgPool) {
    demo_user(&pool).await;
    let app = common::router(pool);
    assert_eq!(
        send(&app, post("/api/session/me", "{}", None))
            .await
            .status(),
        401
    );

    let cookie = session_cookie(&login(&app, "business@demo.knd.local", PASSWORD).await);
    let me = send(&app, post("/api/session/me", "{}", Some(&cookie))).await;
    assert_eq!(me.status(), 200);

    let logout = send(&app, post("/api/session/logout", "{}", Some(&cookie))).await;
    assert_eq!(logout.status(), 200);
    // The old cookie no longer opens anything: the session record is gone.
    assert_eq!(
        send(&app, post("/api/session/me", "{}", Some(&cookie)))
            .await
            .status(),
        401
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn every_sign_in_gets_a_new_session_id(pool: PgPool) {
    demo_user(&pool).await;
    let app = common::router(pool);
    let first = session_cookie(&login(&app, "business@demo.knd.local", PASSWORD).await);
    // Signing in again from a session that already exists rotates its id.
    let again = send(
        &app,
        post(
            "/api/session/login",
            &login_body("business@demo.knd.local", PASSWORD),
            Some(&first),
        ),
    )
    .await;
    let second = session_cookie(&again);
    assert_ne!(first, second);
    assert_eq!(
        send(&app, post("/api/session/me", "{}", Some(&first)))
            .await
            .status(),
        401
    );
    assert_eq!(
        send(&app, post("/api/session/me", "{}", Some(&second)))
            .await
            .status(),
        200
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_cross_site_form_post_is_refused_with_403_and_changes_nothing(pool: PgPool) {
    demo_user(&pool).await;
    let app = common::router(pool.clone());
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let response = send(&app, login_from_browser(&[(name, value)])).await;
        assert_eq!(response.status(), 403, "{name}: {value}");
        assert!(response.headers().get("set-cookie").is_none());
        assert!(body_text(response).await.contains("с другого сайта"));
    }
    let sessions: (i64,) = sqlx::query_as("SELECT count(*) FROM tower_sessions.session")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sessions.0, 0);

    // The same request from the portal's own pages goes through.
    let own = login_from_browser(&[
        ("origin", "http://127.0.0.1:3000"),
        ("sec-fetch-site", "same-origin"),
    ]);
    assert_eq!(send(&app, own).await.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn repeated_failures_are_throttled_with_429_and_retry_after(pool: PgPool) {
    demo_user(&pool).await;
    let app = common::router(pool);
    for attempt in 1..=5 {
        let response = login(&app, "business@demo.knd.local", "wrong-password-1").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    // The account is now blocked, even with the right password.
    let blocked = login(&app, "business@demo.knd.local", PASSWORD).await;
    assert_eq!(blocked.status(), 429);
    let retry_after: i64 = blocked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert!(body_text(blocked).await.contains("TooManyRequests"));
    // Another account from the same place is not blocked yet (the per-address limit is higher).
    assert_eq!(
        login(&app, "nobody@demo.knd.local", PASSWORD)
            .await
            .status(),
        401
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn every_demo_account_signs_in_with_its_role(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = common::router(pool);
    for (email, role) in [
        ("business@demo.knd.local", "business"),
        ("inspector@demo.knd.local", "kno_staff"),
        ("manager@demo.knd.local", "kno_manager"),
        ("consultant@demo.knd.local", "consultant"),
        ("admin@demo.knd.local", "admin"),
    ] {
        let response = login(&app, email, server::seed::DEMO_PASSWORD).await;
        assert_eq!(response.status(), 200, "{email}");
        let me: serde_json::Value = serde_json::from_str(&body_text(response).await).unwrap();
        assert_eq!(me["roles"][0]["role"], role, "{email}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn logging_out_everywhere_ends_the_sessions_of_every_device(pool: PgPool) {
    demo_user(&pool).await;
    let app = common::router(pool);
    let phone = common::sign_in(&app, "business@demo.knd.local", PASSWORD).await;
    let laptop = common::sign_in(&app, "business@demo.knd.local", PASSWORD).await;
    assert_ne!(phone, laptop);
    let (status, _) = common::call(
        &app,
        "/api/session/logout_everywhere",
        serde_json::json!({}),
        Some(&laptop),
    )
    .await;
    assert_eq!(status, 200);
    for cookie in [&phone, &laptop] {
        let (status, _) =
            common::call(&app, "/api/session/me", serde_json::json!({}), Some(cookie)).await;
        assert_eq!(status, 401);
    }
    // Signing in afterwards works as before.
    let again = common::sign_in(&app, "business@demo.knd.local", PASSWORD).await;
    let (status, _) =
        common::call(&app, "/api/session/me", serde_json::json!({}), Some(&again)).await;
    assert_eq!(status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_session_unused_for_too_long_has_expired(pool: PgPool) {
    demo_user(&pool).await;
    let app = common::router(pool.clone());
    let cookie = common::sign_in(&app, "business@demo.knd.local", PASSWORD).await;
    // As if the inactivity period had passed since the last request.
    sqlx::query("UPDATE tower_sessions.session SET expiry_date = now() - interval '1 second'")
        .execute(&pool)
        .await
        .unwrap();
    let (status, _) = common::call(
        &app,
        "/api/session/me",
        serde_json::json!({}),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 401);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_active_session_still_ends_after_its_absolute_lifetime(pool: PgPool) {
    demo_user(&pool).await;
    let mut state = state(pool);
    state.session_lifetime_secs = 0;
    let app = server::http::router(state, &config(None));
    let cookie = common::sign_in(&app, "business@demo.knd.local", PASSWORD).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, _) = common::call(
        &app,
        "/api/session/me",
        serde_json::json!({}),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 401);
}

fn sign_up_body(email: &str, password: &str) -> serde_json::Value {
    serde_json::json!({ "display_name": " Мария  Иванова ", "email": email, "password": password })
}

#[sqlx::test(migrations = "../migrations")]
async fn signing_up_creates_the_account_and_signs_it_in(pool: PgPool) {
    let app = common::router(pool.clone());
    let response = send(
        &app,
        post(
            "/api/account/signup",
            &sign_up_body("Maria@Example.ru", "длинный-пароль").to_string(),
            None,
        ),
    )
    .await;
    assert_eq!(response.status(), 200);
    let cookie = session_cookie(&response);
    let (status, me) = common::call(
        &app,
        "/api/session/me",
        serde_json::json!({}),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "maria@example.ru");
    assert_eq!(me["display_name"], "Мария Иванова");
    assert_eq!(me["roles"], serde_json::json!([]));
    let stored: (String,) = sqlx::query_as("SELECT password_hash FROM app_user")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        stored.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        stored.0
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_sign_up_input_is_explained_and_saves_nothing(pool: PgPool) {
    demo_user(&pool).await;
    let app = common::router(pool.clone());
    for (body, field, text) in [
        (
            sign_up_body("maria@example.ru", "короткий"),
            "password",
            "не меньше 10",
        ),
        (
            sign_up_body("maria@", "длинный-пароль"),
            "email",
            "электронной почты",
        ),
        (
            sign_up_body("business@demo.knd.local", "длинный-пароль"),
            "email",
            "войдите",
        ),
    ] {
        let (status, error) = common::call(&app, "/api/account/signup", body, None).await;
        assert_eq!(status, 422);
        assert_eq!(error["Field"]["field"], field);
        assert!(
            error["Field"]["message"].as_str().unwrap().contains(text),
            "{error}"
        );
    }
    let users: (i64,) = sqlx::query_as("SELECT count(*) FROM app_user")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users.0, 1, "only the user who was there before");
}

#[sqlx::test(migrations = "../migrations")]
async fn sign_ups_are_throttled_per_address_and_per_email(pool: PgPool) {
    demo_user(&pool).await;
    let app = common::router(pool);
    // Probing one taken email: the sixth attempt is throttled.
    for _ in 0..5 {
        let body = sign_up_body("business@demo.knd.local", "длинный-пароль");
        assert_eq!(
            common::call(&app, "/api/account/signup", body, None)
                .await
                .0,
            422
        );
    }
    let body = sign_up_body("business@demo.knd.local", "длинный-пароль");
    let response = send(&app, post("/api/account/signup", &body.to_string(), None)).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().get("retry-after").is_some());
    // Ten sign-ups from one address an hour, whatever the emails; the refused one above counted
    // too (six so far).
    for i in 0..4 {
        let body = sign_up_body(&format!("user{i}@example.ru"), "короткий");
        assert_eq!(
            common::call(&app, "/api/account/signup", body, None)
                .await
                .0,
            422
        );
    }
    let body = sign_up_body("user-last@example.ru", "длинный-пароль");
    assert_eq!(
        common::call(&app, "/api/account/signup", body, None)
            .await
            .0,
        429
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn parallel_sign_ups_stay_within_the_limit(pool: PgPool) {
    let app = common::router(pool.clone());
    // Twenty at once from one address: the limit is counted atomically, so exactly ten pass.
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..20 {
        let app = app.clone();
        attempts.spawn(async move {
            let body = sign_up_body(&format!("parallel{i}@example.ru"), "длинный-пароль");
            common::call(&app, "/api/account/signup", body, None)
                .await
                .0
        });
    }
    let statuses: Vec<u16> = attempts.join_all().await;
    let created = statuses.iter().filter(|s| **s == 200).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((created, throttled), (10, 10), "{statuses:?}");
    let (users,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM app_user WHERE email LIKE 'parallel%'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(users, 10);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_user_with_several_roles_switches_between_them(pool: PgPool) {
    let user = demo_user(&pool).await;
    let body = Uuid::now_v7();
    sqlx::query("INSERT INTO organisation (id, kind, name, inn) VALUES ($1, 'control_body', 'Инспекция (демо)', '2721002001')")
        .bind(body)
        .execute(&pool)
        .await
        .unwrap();
    account::grant_role(&pool, user, body, Role::KnoStaff, None)
        .await
        .unwrap();
    let app = common::router(pool);
    let cookie = common::sign_in(&app, "business@demo.knd.local", PASSWORD).await;
    let me = |cookie: String| {
        let app = app.clone();
        async move {
            common::call(
                &app,
                "/api/session/me",
                serde_json::json!({}),
                Some(&cookie),
            )
            .await
            .1
        }
    };
    let before = me(cookie.clone()).await;
    assert_eq!(before["roles"].as_array().unwrap().len(), 2);
    // Without a choice the first role (by organisation name) is current.
    assert_eq!(before["current"]["organisation_name"], "Инспекция (демо)");

    let business_org = before["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["role"] == "business")
        .unwrap()["organisation_id"]
        .clone();
    let (status, switched) = common::call(
        &app,
        "/api/session/switch",
        serde_json::json!({ "role": "business", "organisation_id": business_org }),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(switched["current"]["role"], "business");
    // The choice stays for the rest of the session.
    assert_eq!(
        me(cookie.clone()).await["current"]["organisation_name"],
        "ООО «Демо Амур»"
    );

    // A role the user does not hold in that organisation is refused, and nothing changes.
    let (status, _) = common::call(
        &app,
        "/api/session/switch",
        serde_json::json!({ "role": "kno_manager", "organisation_id": body }),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(me(cookie).await["current"]["role"], "business");
}
