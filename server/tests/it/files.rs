//! Attached files over the real router and a real PostgreSQL database per test: the type is
//! told by content, the limits hold, the checksum and metadata are recorded, only those allowed
//! download (always as an attachment), and uploads nobody attaches are capped and swept.

use crate::common;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use common::{body_text, header, send, session_cookie};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
const BOUNDARY: &str = "knd-test-boundary";

/// A multipart upload of `files` (name, bytes) as the app's form sends it.
fn upload(files: &[(&str, &[u8])], cookie: Option<&str>) -> Request<Body> {
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let mut request = Request::post("/api/files").header(
        "content-type",
        format!("multipart/form-data; boundary={BOUNDARY}"),
    );
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.body(Body::from(body)).unwrap()
}

async fn sign_up(app: &Router, email: &str) -> String {
    let body = json!({ "display_name": "Загружающий", "email": email,
                       "password": "длинный-пароль-2026" });
    let response = send(
        app,
        common::post("/api/account/signup", &body.to_string(), None),
    )
    .await;
    assert_eq!(response.status(), 200);
    session_cookie(&response)
}

async fn answer(app: &Router, request: Request<Body>) -> (u16, Value) {
    let response = send(app, request).await;
    let status = response.status().as_u16();
    let text = body_text(response).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn count(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM stored_file")
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_pdf_is_stored_with_its_checksum_and_read_only_by_those_allowed(pool: PgPool) {
    let app = common::router(pool.clone());
    let (status, _) = answer(&app, upload(&[("скан.pdf", PDF)], None)).await;
    assert_eq!(status, 401, "signed-in users only");

    let owner = sign_up(&app, "owner@example.ru").await;
    let (status, stored) = answer(&app, upload(&[("доверенность.pdf", PDF)], Some(&owner))).await;
    assert_eq!(status, 200, "{stored}");
    let id = stored[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(stored[0]["name"], "доверенность.pdf");
    assert_eq!(stored[0]["content_type"], "application/pdf");
    assert_eq!(stored[0]["size"], PDF.len());
    let (sha256, size): (Vec<u8>, i64) =
        sqlx::query_as("SELECT sha256, size FROM stored_file WHERE id = $1::uuid")
            .bind(&id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(sha256, Sha256::digest(PDF).to_vec());
    assert_eq!(size, PDF.len() as i64);

    let download = |cookie: &str| {
        Request::get(format!("/api/files/{id}"))
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap()
    };
    let response = send(&app, download(&owner)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), "application/pdf");
    assert!(header(&response, "content-disposition").starts_with("attachment;"));
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert_eq!(body_text(response).await.as_bytes(), PDF);

    // Someone else: the same answer as for an id that does not exist.
    let other = sign_up(&app, "other@example.ru").await;
    let refused = send(&app, download(&other)).await;
    assert_eq!(refused.status(), 404);
    let unknown = send(
        &app,
        Request::get(format!("/api/files/{}", Uuid::now_v7()))
            .header("cookie", &other)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(body_text(refused).await, body_text(unknown).await);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_type_is_told_by_content_and_the_limits_hold(pool: PgPool) {
    let app = common::router(pool.clone());
    let cookie = sign_up(&app, "limits@example.ru").await;
    // An executable named .pdf.
    let (status, refusal) = answer(
        &app,
        upload(
            &[("доверенность.pdf", b"MZ\x90\x00not a pdf")],
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(status, 422);
    assert!(refusal["error"]
        .as_str()
        .unwrap()
        .contains("не PDF, JPEG или PNG"));
    // Four files where three are allowed.
    let four = [
        ("1.pdf", PDF),
        ("2.pdf", PDF),
        ("3.pdf", PDF),
        ("4.pdf", PDF),
    ];
    let (status, refusal) = answer(&app, upload(&four, Some(&cookie))).await;
    assert_eq!(status, 422);
    assert!(refusal["error"].as_str().unwrap().contains("не больше 3"));
    // A file over 10 MiB.
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let (status, refusal) = answer(&app, upload(&[("большой.pdf", &big)], Some(&cookie))).await;
    assert_eq!(status, 413);
    assert!(refusal["error"].as_str().unwrap().contains("больше 10 МБ"));
    // A good file after a bad one in the same upload: nothing of it is kept.
    let mixed = [("хороший.pdf", PDF), ("плохой.pdf", &b"<html>"[..])];
    let (status, _) = answer(&app, upload(&mixed, Some(&cookie))).await;
    assert_eq!(status, 422);
    assert_eq!(count(&pool).await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn uploads_nobody_attaches_are_capped_and_swept(pool: PgPool) {
    let app = common::router(pool.clone());
    let cookie = sign_up(&app, "loop@example.ru").await;
    let max = app::server::files::MAX_UNATTACHED as usize;
    for _ in 0..max / 3 {
        let (status, _) = answer(
            &app,
            upload(
                &[("a.pdf", PDF), ("b.pdf", PDF), ("c.pdf", PDF)],
                Some(&cookie),
            ),
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, refusal) = answer(&app, upload(&[("d.pdf", PDF)], Some(&cookie))).await;
    assert_eq!(status, 429, "{refusal}");
    assert!(refusal["error"]
        .as_str()
        .unwrap()
        .contains("ещё не приложено"));
    assert_eq!(count(&pool).await, max as i64);

    // A day later they are forgotten, records and bytes; a fresh upload stays.
    let keys: Vec<String> = sqlx::query_scalar("SELECT storage_key FROM stored_file")
        .fetch_all(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE stored_file SET created_at = now() - interval '25 hours'")
        .execute(&pool)
        .await
        .unwrap();
    let store = common::file_store();
    let (status, fresh) = answer(&app, upload(&[("e.pdf", PDF)], Some(&cookie))).await;
    assert_eq!(status, 200, "{fresh}");
    let swept = app::server::files::sweep_unattached(&pool, &store, 24)
        .await
        .unwrap();
    assert_eq!(swept, max);
    assert_eq!(count(&pool).await, 1);
    for key in keys {
        assert!(store.get(&key).await.is_err(), "{key} is still stored");
    }
}
