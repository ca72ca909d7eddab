//! Pages rendered by the server: language, region, 404, server functions.

use crate::common;

use axum::{body::Body, http::Request};
use common::{body_text, get, router, send};
use sqlx::PgPool;

#[sqlx::test(migrations = "../migrations")]
async fn home_page_is_rendered_in_russian_with_the_demo_region(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = router(pool);
    let response = get(&app, "/").await;
    assert_eq!(response.status(), 200);
    let html = body_text(response).await;
    assert!(html.contains(r#"<html lang="ru""#), "{html}");
    assert!(html.contains("<title>Главная — КНД.Онлайн</title>"));
    assert!(html.contains("Сервисы портала"));
    assert!(html.contains("Хабаровский край (демо)"));
    assert!(html.contains("Демонстрационная версия"));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_english_browser_still_gets_russian_by_default(pool: PgPool) {
    let app = router(pool);
    let request = Request::get("/")
        .header("accept-language", "en-US,en;q=0.9")
        .body(Body::empty())
        .unwrap();
    let html = body_text(send(&app, request).await).await;
    assert!(html.contains(r#"<html lang="ru""#));
    assert!(html.contains("Сервисы портала"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_language_cookie_renders_english(pool: PgPool) {
    let app = router(pool);
    let request = Request::get("/")
        .header("cookie", "knd_locale=en")
        .body(Body::empty())
        .unwrap();
    let html = body_text(send(&app, request).await).await;
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("Services of the portal"));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_unknown_address_answers_404_with_a_russian_page(pool: PgPool) {
    let app = router(pool);
    let response = get(&app, "/no/such/page").await;
    assert_eq!(response.status(), 404);
    let html = body_text(response).await;
    assert!(html.contains("Страница не найдена"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_offline_shell_is_a_page_marked_as_the_shell(pool: PgPool) {
    let app = router(pool);
    let response = get(&app, "/offline").await;
    assert_eq!(response.status(), 200);
    let html = body_text(response).await;
    assert!(html.contains(r#"name="knd-shell""#));
    assert!(html.contains("Нет соединения"));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_region_server_function_answers_json(pool: PgPool) {
    let app = router(pool.clone());
    let call = || {
        Request::post("/api/portal/region")
            .body(Body::empty())
            .unwrap()
    };
    let before = send(&app, call()).await;
    assert_eq!(before.status(), 200);
    assert_eq!(body_text(before).await, "null");

    server::seed::seed_demo(&pool).await.unwrap();
    // An instance that has not cached the empty answer (or whose cache expired) sees the region.
    let fresh = router(pool);
    let after = body_text(send(&fresh, call()).await).await;
    let value: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(value["name"], "Хабаровский край (демо)");
    assert_eq!(value["is_demo"], true);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_failing_server_function_hides_the_cause_and_sets_500(pool: PgPool) {
    // Break the query underneath the server function: the client must not see sqlx's text.
    sqlx::query("ALTER TABLE region RENAME TO region_gone")
        .execute(&pool)
        .await
        .unwrap();
    let app = router(pool);
    let response = send(
        &app,
        Request::post("/api/portal/region")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), 500);
    let body = body_text(response).await;
    assert!(!body.contains("region"), "{body}");
    // An internal error as the client gets it: with the request's code, nothing more.
    assert!(body.contains("Incident"), "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn seeding_the_demo_twice_changes_nothing(pool: PgPool) {
    let first = server::seed::seed_demo(&pool).await.unwrap();
    let snapshot = || async {
        sqlx::query_as::<_, (String, bool, String)>(
            "SELECT name, is_demo, updated_at::text FROM region",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    let before = snapshot().await;
    let users = || async {
        sqlx::query_as::<_, (String, String)>(
            "SELECT email, password_hash FROM app_user ORDER BY email",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    let users_before = users().await;
    let second = server::seed::seed_demo(&pool).await.unwrap();
    assert!(first.region_created);
    assert!(!second.region_created);
    assert_eq!(first.accounts_created, 5);
    assert_eq!(second.accounts_created, 0);
    assert_eq!(users_before, users().await, "no account was replaced");
    assert_eq!(before, snapshot().await);
    assert_eq!(before.len(), 1);

    let loaded = first
        .catalogue
        .expect("the catalogue is loaded the first time");
    assert!(second.catalogue.is_none(), "and not again");
    assert!(loaded.bodies >= 8 && loaded.kinds >= 20, "{loaded:?}");
    assert!(loaded.requirements >= 300, "{loaded:?}");
    let count = |table: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (i64,)>(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(&pool)
                .await
                .unwrap()
                .0
        }
    };
    for (table, minimum) in [
        ("faq", 150),
        ("typical_violation", 100),
        ("public_discussion", 30),
        ("prevention_programme", 10),
        ("practice_report", 10),
        ("news", 40),
        ("risk_assignment", 10_000),
    ] {
        assert!(count(table).await >= minimum, "{table}");
    }
    // 10,000 controlled organisations, the demo business among them with a risk category.
    let (organisations,): (i64,) =
        sqlx::query_as("SELECT count(DISTINCT organisation_id) FROM risk_assignment")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(organisations, 10_000);
    let (amur,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM risk_assignment r JOIN organisation o ON o.id = r.organisation_id
         WHERE o.inn = '2721001237' AND o.name = 'ООО «Демо Амур»'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(amur >= 1);

    // The rating: 5,000 events over two years, events of the demo business left to rate, and
    // every body's inspectors; none of it loaded twice.
    let rating = first.rating.expect("the rating is loaded the first time");
    assert!(second.rating.is_none(), "and not again");
    assert_eq!(rating.events, 5_000);
    assert_eq!(count("control_event").await, 5_000);
    assert_eq!(count("rating").await, rating.ratings as i64);
    assert!(rating.ratings > 2_000, "{rating:?}");
    let (oldest, unrated_demo): (i32, i64) = sqlx::query_as(
        "SELECT (SELECT current_date - min(starts_on) FROM control_event),
                (SELECT count(*) FROM control_event e JOIN organisation o ON o.id = e.organisation_id
                 WHERE o.inn = '2721001237' AND e.event_type IN ('knm', 'pm', 'consultation')
                   AND NOT EXISTS (SELECT 1 FROM rating r WHERE r.event_id = e.id))",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(oldest <= 730, "within the last two years: {oldest}");
    assert!(unrated_demo >= 5, "{unrated_demo}");
    let (criteria_business, criteria_body): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE side = 'business'), count(*) FILTER (WHERE side = 'body')
         FROM rating_criterion",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((criteria_business, criteria_body), (5, 4));
    // Every body has inspectors, and events are spread over all of them.
    let (bodies_without_events,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM control_body b
         WHERE NOT EXISTS (SELECT 1 FROM control_event e WHERE e.body_id = b.id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(bodies_without_events, 0);

    // Self-assessments: entrepreneurs' checklists, some sent to bodies, evaluations; once.
    let checks = first
        .self_check
        .expect("self-assessments are loaded the first time");
    assert!(second.self_check.is_none(), "and not again");
    assert_eq!(checks.assessments, 30);
    assert_eq!(count("self_assessment").await, 30);
    assert_eq!(
        count("requirement_evaluation").await,
        checks.evaluations as i64
    );
    let (declared, sent): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE declared_until IS NOT NULL), count(*) FILTER (WHERE to_body)
         FROM self_assessment",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        declared >= 5 && sent >= 15,
        "{declared} declared, {sent} sent"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn no_personal_data_is_rendered_by_the_server_even_for_a_signed_in_user(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = router(pool);
    let cookie =
        common::sign_in(&app, "business@demo.knd.local", server::seed::DEMO_PASSWORD).await;
    for path in ["/", "/cabinet", "/about"] {
        let request = Request::get(path)
            .header("cookie", &cookie)
            .body(Body::empty())
            .unwrap();
        let response = send(&app, request).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = body_text(response).await;
        for personal in [
            "business@demo.knd.local",
            "Анна Предпринимателева",
            "ООО «Демо Амур»",
        ] {
            assert!(!html.contains(personal), "{path} shows {personal}");
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn catalogue_pages_with_editing_render_completely_on_the_server(pool: PgPool) {
    // Editing rights load in the browser only; the server must not wait for them (it once did,
    // and the lists never finished).
    server::seed::seed_demo(&pool).await.unwrap();
    let app = router(pool);
    for (path, expected) in [
        ("/news", "news-"),
        ("/discussions", "discussion-"),
        ("/programmes", "programme-"),
        ("/reports", "report-"),
        ("/kinds/chs-nadzor/requirements", "req-"),
        ("/ratings/feedback", "rating-"),
    ] {
        let response = tokio::time::timeout(std::time::Duration::from_secs(20), get(&app, path))
            .await
            .unwrap_or_else(|_| panic!("{path} did not finish"));
        assert_eq!(response.status(), 200, "{path}");
        let html = tokio::time::timeout(std::time::Duration::from_secs(20), body_text(response))
            .await
            .unwrap_or_else(|_| panic!("{path}: the body did not finish"));
        assert!(
            html.contains(&format!(r#"id="{expected}"#)),
            "{path}: {}",
            html.get(html.find("<main").unwrap_or(0)..)
                .unwrap_or("")
                .chars()
                .take(1500)
                .collect::<String>()
        );
        assert!(html.contains("</html>"), "{path}: cut short");
    }
}

/// The self-assessment pages finish their server render (none waits for the browser), with and
/// without a session; the report of a self-assessment nobody may see is refused in Russian.
#[sqlx::test(migrations = "../migrations")]
async fn self_assessment_pages_render_completely_on_the_server(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = router(pool);
    let business =
        common::sign_in(&app, "business@demo.knd.local", server::seed::DEMO_PASSWORD).await;
    let manager =
        common::sign_in(&app, "manager@demo.knd.local", server::seed::DEMO_PASSWORD).await;
    let missing = "/self-check/report/0190a0a0-0000-7000-8000-000000000000";
    for (path, cookie, expected) in [
        ("/self-check", None, "Самопроверка «Электронный инспектор»"),
        ("/self-check", Some(&business), "Начать самопроверку"),
        (
            "/self-check/0190a0a0-0000-7000-8000-000000000000",
            Some(&business),
            "Загружаем",
        ),
        (
            "/requirements/0190a0a0-0000-7000-8000-000000000000/evaluate",
            None,
            "Оценка обязательного требования",
        ),
        (missing, Some(&business), "Запрошенные сведения не найдены"),
        (
            "/cabinet/self-checks",
            Some(&manager),
            "Чаще всего не соблюдаются",
        ),
        (
            "/kinds/chs-nadzor",
            None,
            "Самопроверка по этому виду контроля",
        ),
    ] {
        let mut request = Request::get(path);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie.as_str());
        }
        let response = tokio::time::timeout(
            std::time::Duration::from_secs(20),
            send(&app, request.body(Body::empty()).unwrap()),
        )
        .await
        .unwrap_or_else(|_| panic!("{path} never finished rendering"));
        let html = tokio::time::timeout(std::time::Duration::from_secs(20), body_text(response))
            .await
            .unwrap_or_else(|_| panic!("{path} never finished streaming"));
        assert!(
            html.contains(expected),
            "{path} should show «{expected}»: {html}"
        );
    }
}
