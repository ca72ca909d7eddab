//! Public pages kept per catalogue version and language (`http::page_cache`): what a visitor
//! gets from the cache is the page a fresh render would give, with its own CSP nonce.

use crate::common;

use axum::{body::Body, http::Request};
use common::{body_text, header, router, send};
use sqlx::PgPool;

/// The nonce the CSP header allows for this response.
fn csp_nonce(response: &axum::response::Response) -> String {
    let csp = header(response, "content-security-policy");
    let start = csp.find("'nonce-").expect("a nonce in the CSP") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_owned()
}

async fn page(app: &axum::Router, path: &str, cookie: Option<&str>) -> (String, String) {
    let mut request = Request::get(path);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = send(app, request.body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), 200, "{path}");
    let nonce = csp_nonce(&response);
    (nonce, body_text(response).await)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_kept_page_is_the_same_page_with_its_own_nonce(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = router(pool);
    let (first_nonce, first) = page(&app, "/kinds/chs-nadzor", None).await;
    let (second_nonce, second) = page(&app, "/kinds/chs-nadzor", None).await;
    assert_ne!(first_nonce, second_nonce);
    assert!(second.contains(&format!("nonce=\"{second_nonce}\"")));
    assert!(
        !second.contains(&first_nonce),
        "the first response's nonce leaked"
    );
    assert_eq!(
        first.replace(&first_nonce, "N"),
        second.replace(&second_nonce, "N")
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn a_catalogue_edit_shows_at_once(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = router(pool.clone());
    let (_, before) = page(&app, "/kinds/chs-nadzor", None).await;
    assert!(!before.contains("Новый вопрос кэша"));
    // Written as the editor writes: under the catalogue's lock, with a new version.
    let mut tx = pool.begin().await.unwrap();
    app::server::catalogue::lock_for_writing(&mut tx)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE faq SET question = 'Новый вопрос кэша?', version = nextval('catalogue_version')
         WHERE id = (SELECT f.id FROM faq f JOIN control_kind k ON k.id = f.kind_id
                     WHERE k.slug = 'chs-nadzor' ORDER BY f.sort LIMIT 1)",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let (_, after) = page(&app, "/kinds/chs-nadzor", None).await;
    assert!(after.contains("Новый вопрос кэша?"));
}

#[sqlx::test(migrations = "../migrations")]
async fn each_language_is_kept_apart(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = router(pool);
    let (_, ru) = page(&app, "/bodies", None).await;
    let (_, en) = page(&app, "/bodies", Some("knd_locale=en")).await;
    let (_, ru_again) = page(&app, "/bodies", Some("knd_locale=ru")).await;
    assert!(ru.contains(r#"<html lang="ru""#));
    assert!(en.contains(r#"<html lang="en""#));
    assert!(ru_again.contains(r#"<html lang="ru""#));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_search_is_kept_per_query(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = router(pool);
    let fire_query = "/search?q=%D0%BF%D0%BE%D0%B6%D0%B0%D1%80";
    let (fire_nonce, fire) = page(&app, fire_query, None).await;
    let (housing_nonce, housing) =
        page(&app, "/search?q=%D0%B6%D0%B8%D0%BB%D0%B8%D1%89", None).await;
    assert_ne!(
        fire.replace(&fire_nonce, "N"),
        housing.replace(&housing_nonce, "N")
    );
    let (again_nonce, fire_again) = page(&app, fire_query, None).await;
    assert_eq!(
        fire.replace(&fire_nonce, "N"),
        fire_again.replace(&again_nonce, "N")
    );
}

/// Issue 14's budget for phones: a kind's page, hydration data included, stays under 60 KB;
/// the long sections have pages of their own.
#[sqlx::test(migrations = "../migrations")]
async fn every_demo_kind_page_is_under_60_kb(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let slugs: Vec<String> = sqlx::query_scalar("SELECT slug FROM control_kind ORDER BY slug")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(slugs.len() >= 8, "{slugs:?}");
    let app = router(pool);
    for slug in slugs {
        let (_, html) = page(&app, &format!("/kinds/{slug}"), None).await;
        assert!(html.len() < 60_000, "/kinds/{slug}: {} bytes", html.len());
        for part in ["faq", "violations", "checklist"] {
            let (_, html) = page(&app, &format!("/kinds/{slug}/{part}"), None).await;
            assert!(html.contains("<h1"), "/kinds/{slug}/{part}");
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn while_the_database_is_away_pages_say_so_or_are_served_as_kept(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let state = common::state(pool);
    let app = server::http::router(state.clone(), &common::config(None));
    let (_, home) = page(&app, "/", None).await;
    let away = without_database(state, false);
    let (nonce, kept) = page(&away, "/", None).await;
    assert!(kept.contains(&format!("nonce=\"{nonce}\"")));
    assert_eq!(kept.len(), home.len(), "the page as it was kept");
    for path in ["/bodies", "/cabinet", "/kinds/chs-nadzor/faq"] {
        let response = send(&away, Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(response.status(), 503, "{path}");
        assert_eq!(header(&response, "retry-after"), "30");
        let text = body_text(response).await;
        assert!(
            text.contains("Сервис временно недоступен"),
            "{path}: {text}"
        );
        assert!(
            !text.contains("sqlx") && !text.contains("127.0.0.1"),
            "{text}"
        );
    }
    let health = send(&away, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(health.status(), 503);
    // The instance that reaches its database renders the same pages as usual.
    page(&app, "/bodies", None).await;
}

/// Instances of one deployment: they share the session secret, so a session made on one is
/// valid on another.
fn shared_config() -> server::config::Config {
    server::config::Config {
        session_secret: Some("s".repeat(64)),
        ..common::config(None)
    }
}

/// The same instance as `state`, its database gone (nothing listens on port 1); `seen_up`:
/// whether the instance last found it up (the outage begins under the next request).
fn without_database(state: app::server::AppState, seen_up: bool) -> axum::Router {
    let gone = sqlx::postgres::PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_secs(1))
        .connect_lazy("postgres://knd@127.0.0.1:1/knd")
        .unwrap();
    let health = app::server::db_health::DbHealth::default();
    if seen_up {
        health.record(true);
    }
    server::http::router(
        app::server::AppState {
            pool: gone.clone(),
            read_pool: gone,
            db_health: std::sync::Arc::new(health),
            ..state
        },
        &shared_config(),
    )
}

#[sqlx::test(migrations = "../migrations")]
async fn while_the_database_is_away_server_functions_and_the_api_answer_503(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let state = common::state(pool);
    let live = server::http::router(state.clone(), &shared_config());
    let cookie = common::sign_in(&live, "business@demo.knd.local", "demo-password-2026").await;
    // Known to be away: refused before anything runs; and gone under the request: its 500
    // told as the outage it is.
    for seen_up in [false, true] {
        let away = without_database(state.clone(), seen_up);
        let login = common::login(&away, "business@demo.knd.local", "demo-password-2026").await;
        assert_eq!(login.status(), 503, "sign-in, seen up: {seen_up}");
        assert_eq!(header(&login, "retry-after"), "30");
        let error: app::error::AppError = serde_json::from_str(&body_text(login).await).unwrap();
        assert_eq!(error, app::error::AppError::Unavailable);

        let away = without_database(state.clone(), seen_up);
        let push = serde_json::json!({ "ops": [] });
        let (status, answer) = common::call(&away, "/api/sync/push", push, Some(&cookie)).await;
        assert_eq!(status, 503, "sync push, seen up: {seen_up}: {answer}");
        assert_eq!(answer, serde_json::json!("Unavailable"));

        let away = without_database(state.clone(), seen_up);
        let bodies = send(
            &away,
            Request::get("/api/v1/control-bodies")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(bodies.status(), 503, "open API, seen up: {seen_up}");
        let text = body_text(bodies).await;
        let answer: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(
            answer["error"]
                .as_str()
                .unwrap()
                .starts_with("Сервис временно недоступен"),
            "{text}"
        );
        assert!(
            !text.contains("sqlx") && !text.contains("127.0.0.1"),
            "{text}"
        );
    }
    // The API's description needs no database.
    let away = without_database(state.clone(), false);
    let description = send(
        &away,
        Request::get("/api/v1/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(description.status(), 200);
}
