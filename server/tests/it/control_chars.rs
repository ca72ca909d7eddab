//! A NUL character anywhere in a request's text gets 422 with a Russian message, in the shape
//! of its route (the field's name for a server function), and changes nothing; before, it
//! reached PostgreSQL, which cannot store it in text, and answered 500.

use crate::common;

use app::error::AppError;
use axum::Router;
use serde_json::{json, Value};
use sqlx::PgPool;

use common::{body_text, call, get, header, sign_in};
use server::seed::DEMO_PASSWORD;

const MESSAGE: &str = "недопустимый служебный символ";

async fn seeded(pool: &PgPool) -> Router {
    server::seed::seed_demo(pool).await.unwrap();
    common::router(pool.clone())
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// The field a server function's answer names, with its message.
fn field_error(status: u16, answer: &Value) -> (String, String) {
    assert_eq!(status, 422, "{answer}");
    match serde_json::from_value::<AppError>(answer.clone()) {
        Ok(AppError::Field { field, message }) => (field, message),
        other => panic!("not a field error: {other:?} from {answer}"),
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn server_functions_name_the_field_with_the_nul(pool: PgPool) {
    let app = seeded(&pool).await;

    let (status, answer) = call(
        &app,
        "/api/catalogue/risk",
        json!({ "query": "ООО\u{0}", "page": 1 }),
        None,
    )
    .await;
    let (field, message) = field_error(status, &answer);
    assert_eq!(field, "query");
    assert!(message.contains(MESSAGE), "{message}");

    let (status, answer) = call(
        &app,
        "/api/session/login",
        json!({ "email": "business@demo.knd.local\u{0}", "password": DEMO_PASSWORD }),
        None,
    )
    .await;
    assert_eq!(field_error(status, &answer).0, "email");

    // A nested form: the innermost key is the field.
    let admin = sign_in(&app, "admin@demo.knd.local", DEMO_PASSWORD).await;
    let organisations = count(&pool, "SELECT count(*) FROM organisation").await;
    let (status, answer) = call(
        &app,
        "/api/institutions/create",
        json!({ "form": { "kind": "control_body", "name": "Орган\u{0}", "inn": "", "ogrn": "" } }),
        Some(&admin),
    )
    .await;
    assert_eq!(field_error(status, &answer).0, "name");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM organisation").await,
        organisations
    );

    // Text that only spells the escape (a backslash, then "u0000") is ordinary text.
    let (status, answer) = call(
        &app,
        "/api/catalogue/search",
        json!({ "query": "пожарн \\u0000" }),
        None,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_queued_operation_with_a_nul_is_refused_and_the_rest_still_goes_through(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let operations = count(&pool, "SELECT count(*) FROM sync_op").await;
    let bad = json!({
        "op_id": uuid::Uuid::now_v7(),
        "kind": "rating.submit",
        "payload": { "comment": "текст\u{0}" },
    });
    let (status, answer) = call(
        &app,
        "/api/sync/push",
        json!({ "ops": [bad] }),
        Some(&cookie),
    )
    .await;
    // The device keeps the operation and shows this message with it (`outbox::send`).
    let (field, message) = field_error(status, &answer);
    assert_eq!(field, "comment");
    assert!(message.contains(MESSAGE));
    assert_eq!(
        count(&pool, "SELECT count(*) FROM sync_op").await,
        operations
    );
    // The server is unaffected: an empty push is answered as always.
    let (status, _) = call(&app, "/api/sync/push", json!({ "ops": [] }), Some(&cookie)).await;
    assert_eq!(status, 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_and_the_open_api_refuse_a_nul_in_the_address(pool: PgPool) {
    let app = seeded(&pool).await;
    for path in ["/search?q=%00", "/risk?query=abc%00", "/bodies?page=%00"] {
        let response = get(&app, path).await;
        assert_eq!(response.status(), 422, "{path}");
        assert!(header(&response, "content-type").starts_with("text/html"));
        assert!(body_text(response).await.contains(MESSAGE), "{path}");
    }
    let response = get(&app, "/api/v1/search?q=%00").await;
    assert_eq!(response.status(), 422);
    let answer: Value = serde_json::from_str(&body_text(response).await).unwrap();
    assert!(answer["error"].as_str().unwrap().contains(MESSAGE));
    // The same addresses without the character work.
    assert_eq!(
        get(&app, "/search?q=%D0%BF%D0%BE%D0%B6%D0%B0%D1%80")
            .await
            .status(),
        200
    );
}
