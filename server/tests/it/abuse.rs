//! The server under abuse, over the real router (and, where it matters, the real binary and a
//! real socket): oversized bodies get 413 and change nothing, slow requests and slow queries
//! are cut off, every request has an id that reaches the log and the user, and production
//! refuses demo data.

use crate::common;

use std::{
    io::Write,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{body::Body, http::Request, Router};
use serde_json::{json, Value};
use sqlx::PgPool;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};
use uuid::Uuid;

use common::{body_text, call, config, get, header, send, sign_in, state};
use server::http::body_limit::MAX_JSON_BODY;
use server::seed::DEMO_PASSWORD;

const PUSH: &str = "/api/sync/push";

async fn seeded(pool: &PgPool) -> Router {
    server::seed::seed_demo(pool).await.unwrap();
    common::router(pool.clone())
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// A rating of one of the demo business's unrated events, as a queued operation.
async fn rating_op(pool: &PgPool) -> Value {
    let number: String = sqlx::query_scalar(
        "SELECT e.erknm_number FROM control_event e JOIN organisation o ON o.id = e.organisation_id
         WHERE o.inn = '2721001237'
           AND NOT EXISTS (SELECT 1 FROM rating r WHERE r.event_id = e.id)
         ORDER BY e.erknm_number LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let scores = common::business_scores(8);
    json!({
        "op_id": Uuid::now_v7(),
        "kind": "rating.submit",
        "payload": {
            "side": "business",
            "event": { "by": "register", "number": number },
            "scores": scores,
            "comment": "",
        },
    })
}

fn push_request(body: impl Into<Body>, cookie: &str) -> Request<Body> {
    Request::post(PUSH)
        .header("content-type", "application/json")
        .header("cookie", cookie)
        .body(body.into())
        .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_12_mb_sync_push_gets_413_in_russian_and_applies_nothing(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let valid = rating_op(&pool).await;
    let padding = json!({
        "op_id": Uuid::now_v7(),
        "kind": "rating.submit",
        "payload": { "comment": "я".repeat(6 * 1024 * 1024) },
    });
    let body = json!({ "ops": [valid.clone(), padding] }).to_string();
    assert!(body.len() > 12 * 1024 * 1024);
    let ratings = count(&pool, "SELECT count(*) FROM rating").await;
    let operations = count(&pool, "SELECT count(*) FROM sync_op").await;

    let response = send(&app, push_request(body, &cookie)).await;
    assert_eq!(response.status(), 413);
    let text = body_text(response).await;
    // Shaped as the browser decodes a server function's error, with a Russian message.
    let error: app::error::AppError = serde_json::from_str(&text).expect(&text);
    let app::error::AppError::Invalid(message) = error else {
        panic!("{text}");
    };
    assert!(message.contains("Запрос слишком велик"), "{message}");
    assert_eq!(count(&pool, "SELECT count(*) FROM rating").await, ratings);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM sync_op").await,
        operations
    );

    // The server is unaffected: the valid operation alone goes through.
    let (status, answer) = call(&app, PUSH, json!({ "ops": [valid] }), Some(&cookie)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer[0]["status"], "applied");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_oversized_open_api_request_gets_413_with_its_error_shape(pool: PgPool) {
    let app = common::router(pool);
    let request = Request::get("/api/v1/control-bodies")
        .header("content-length", (MAX_JSON_BODY + 1).to_string())
        .body(Body::from(vec![b' '; MAX_JSON_BODY + 1]))
        .unwrap();
    let response = send(&app, request).await;
    assert_eq!(response.status(), 413);
    assert!(header(&response, "content-type").starts_with("application/json"));
    let value: Value = serde_json::from_str(&body_text(response).await).unwrap();
    assert!(value["error"]
        .as_str()
        .unwrap()
        .contains("Запрос слишком велик"));
}

/// Serves the router on a real socket; returns its address.
async fn serve(app: Router) -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::http::serve(
        listener,
        app,
        std::future::pending::<()>(),
    ));
    addr
}

#[sqlx::test(migrations = "../migrations")]
async fn a_chunked_body_without_a_length_is_cut_off_at_the_limit(pool: PgPool) {
    let app = seeded(&pool).await;
    let cookie = sign_in(&app, "business@demo.knd.local", DEMO_PASSWORD).await;
    let operations = count(&pool, "SELECT count(*) FROM sync_op").await;
    let addr = serve(app).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {PUSH} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         cookie: {cookie}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    // Send twice the limit in 64 KiB chunks; the server answers (and may close) before the end.
    let sender = tokio::spawn(async move {
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..(2 * MAX_JSON_BODY / chunk.len()) {
            let frame = format!("{:x}\r\n", chunk.len());
            if writer.write_all(frame.as_bytes()).await.is_err()
                || writer.write_all(&chunk).await.is_err()
                || writer.write_all(b"\r\n").await.is_err()
            {
                return;
            }
        }
        let _ = writer.write_all(b"0\r\n\r\n").await;
    });
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(30), reader.read_to_end(&mut answer)).await;
    sender.abort();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("Запрос слишком велик"), "{answer}");
    assert_eq!(
        count(&pool, "SELECT count(*) FROM sync_op").await,
        operations
    );
}

/// The largest legitimate request is a full batch of self-assessments (100) of the demo
/// catalogue's largest checklist: each carries its checklist (about 43 KB) and every answer.
/// Measured here (2026-12-05): 4.6 MB with short notes, 11 MB with every note at its maximum
/// of 1,000 characters. The limit fits the first twice over, and the second with notes of
/// up to 800 characters on every question.
#[sqlx::test(migrations = "../migrations")]
async fn the_largest_legitimate_push_fits_the_limit(pool: PgPool) {
    let app = seeded(&pool).await;
    let (status, lists) = call(
        &app,
        "/api/self_check/checklists",
        json!({ "kinds": [] }),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let largest = lists
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|list| list.to_string().len())
        .unwrap()
        .clone();
    let questions: Vec<String> = largest["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["requirement_id"].as_str().unwrap().to_owned())
        .collect();
    let batch_size = |note_chars: usize| {
        let replies: Vec<Value> = questions
            .iter()
            .map(|id| json!({ "requirement_id": id, "answer": "no", "note": "я".repeat(note_chars) }))
            .collect();
        let ops: Vec<Value> = (0..app::sync::MAX_BATCH)
            .map(|_| {
                json!({
                    "op_id": Uuid::now_v7(),
                    "kind": "self_check.submit",
                    "payload": {
                        "organisation_id": Uuid::now_v7(),
                        "started_on": "2026-12-05",
                        "checklists": [largest.clone()],
                        "replies": replies.clone(),
                        "to_body": true,
                        "declare": false,
                        "evaluations": [],
                    },
                })
            })
            .collect();
        json!({ "ops": ops }).to_string().len()
    };
    let short_notes = batch_size(20);
    let long_notes = batch_size(800);
    eprintln!(
        "{} questions; a full batch with short notes: {short_notes} bytes, with 800-character \
         notes: {long_notes} bytes; limit {MAX_JSON_BODY}",
        questions.len()
    );
    assert!(short_notes * 2 <= MAX_JSON_BODY, "{short_notes}");
    assert!(long_notes <= MAX_JSON_BODY, "{long_notes}");
    // With every note at its maximum a full batch would not fit, so the device cuts batches by
    // bytes (`sync::batch_len`): what it then sends fits, whatever the notes.
    let longest = batch_size(1000);
    assert!(longest > MAX_JSON_BODY, "{longest}");
    let per_op = longest / app::sync::MAX_BATCH;
    let sent = app::sync::batch_len(std::iter::repeat_n(per_op, app::sync::MAX_BATCH));
    assert!((1..app::sync::MAX_BATCH).contains(&sent), "{sent}");
    assert!(sent * per_op + 1024 <= MAX_JSON_BODY, "{sent} × {per_op}");
}

/// Holds an exclusive lock on `table` until the returned transaction is dropped, so that
/// every query touching it waits.
async fn lock(pool: &PgPool, table: &str) -> sqlx::Transaction<'static, sqlx::Postgres> {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(&format!("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        .execute(&mut *tx)
        .await
        .unwrap();
    tx
}

fn router_with(pool: PgPool, change: impl FnOnce(&mut server::config::Config)) -> Router {
    let mut config = config(None);
    change(&mut config);
    server::http::router(state(pool), &config)
}

#[sqlx::test(migrations = "../migrations")]
async fn a_request_over_the_time_limit_gets_503_with_its_code(pool: PgPool) {
    server::seed::seed_demo(&pool).await.unwrap();
    let app = router_with(pool.clone(), |c| c.request_timeout_secs = 1);
    let held = lock(&pool, "region").await;

    let started = Instant::now();
    let response = send(
        &app,
        Request::post("/api/portal/region")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(response.status(), 503);
    let code = header(&response, "x-request-id").to_owned();
    let error: app::error::AppError = serde_json::from_str(&body_text(response).await).unwrap();
    assert_eq!(error, app::error::AppError::Incident { code });

    // A page that waits for its data is cut off too, with a Russian page.
    let held_catalogue = lock(&pool, "control_body").await;
    let response = get(&app, "/bodies/no-such-body").await;
    assert_eq!(response.status(), 503);
    let code = header(&response, "x-request-id").to_owned();
    let page = body_text(response).await;
    assert!(page.contains("Сервер не успел ответить"), "{page}");
    assert!(page.contains(&format!("Код ошибки: {code}")), "{page}");
    drop(held_catalogue);
    drop(held);

    // Once the lock is gone the same request is answered.
    let response = send(
        &app,
        Request::post("/api/portal/region")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), 200);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_request_pool_cancels_slow_queries_and_the_maintenance_pool_does_not(pool: PgPool) {
    use sqlx::ConnectOptions;
    server::seed::seed_demo(&pool).await.unwrap();
    let url = pool.connect_options().to_url_lossy().to_string();
    let serving = server::db::connect(&url, 2, Some(Duration::from_millis(300)))
        .await
        .unwrap();
    let maintenance = server::db::connect(&url, 1, None).await.unwrap();
    let shown = |pool: PgPool| async move {
        sqlx::query_scalar::<_, String>("SHOW statement_timeout")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert_eq!(shown(serving.clone()).await, "300ms");
    assert_eq!(shown(maintenance.clone()).await, "0");

    // A request whose query waits on a lock is answered within the statement timeout, as an
    // internal error with its code, long before the request timeout.
    let app = server::http::router(state(serving), &config(None));
    let held = lock(&pool, "region").await;
    let started = Instant::now();
    let response = send(
        &app,
        Request::post("/api/portal/region")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(response.status(), 500);
    let code = header(&response, "x-request-id").to_owned();
    let error: app::error::AppError = serde_json::from_str(&body_text(response).await).unwrap();
    assert_eq!(error, app::error::AppError::Incident { code });
    // Maintenance work may wait as long as it takes.
    let waiting = tokio::spawn(async move {
        sqlx::query("SELECT count(*) FROM region")
            .execute(&maintenance)
            .await
    });
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(!waiting.is_finished());
    drop(held);
    waiting.await.unwrap().unwrap();
}

/// Log lines written while the test runs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("info")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (captured, guard)
}

#[sqlx::test(migrations = "../migrations")]
async fn every_response_has_its_own_request_id_which_a_client_cannot_choose(pool: PgPool) {
    let app = common::router(pool);
    let mut seen = Vec::new();
    for path in ["/", "/healthz", "/api/v1/openapi.json", "/no-such-page"] {
        let request = Request::get(path)
            .header("x-request-id", "chosen-by-client")
            .body(Body::empty())
            .unwrap();
        let response = send(&app, request).await;
        let id = header(&response, "x-request-id").to_owned();
        assert_eq!(id.len(), 12, "{path}: {id}");
        assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{path}: {id}");
        seen.push(id);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 4);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_internal_error_shows_its_code_and_the_log_lines_carry_it(pool: PgPool) {
    let (logs, _guard) = capture_logs();
    sqlx::query("ALTER TABLE region RENAME TO region_gone")
        .execute(&pool)
        .await
        .unwrap();
    let app = common::router(pool);
    let response = send(
        &app,
        Request::post("/api/portal/region")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), 500);
    let code = header(&response, "x-request-id").to_owned();
    let body = body_text(response).await;
    let error: app::error::AppError = serde_json::from_str(&body).unwrap();
    assert_eq!(error, app::error::AppError::Incident { code: code.clone() });
    assert!(error.to_string().contains(&format!("Код ошибки: {code}")));
    assert!(!body.contains("region_gone"), "{body}");
    // The detail is in the log, in a line of this request's span.
    let log = logs.text();
    let line = log
        .lines()
        .find(|line| line.contains("region_gone") || line.contains("relation"))
        .unwrap_or_else(|| panic!("no log line of the failure:\n{log}"));
    assert!(line.contains(&format!("id={code}")), "{line}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_page_whose_data_fails_shows_the_code_of_its_request(pool: PgPool) {
    sqlx::query("ALTER TABLE control_body RENAME TO control_body_gone")
        .execute(&pool)
        .await
        .unwrap();
    let app = common::router(pool);
    let response = get(&app, "/bodies/no-such-body").await;
    assert_eq!(response.status(), 500);
    let code = header(&response, "x-request-id").to_owned();
    let page = body_text(response).await;
    assert!(page.contains(&format!("Код ошибки: {code}")), "{page}");
    assert!(!page.contains("control_body_gone"));
}

#[sqlx::test(migrations = "../migrations")]
async fn an_open_api_internal_error_names_its_code(pool: PgPool) {
    sqlx::query("ALTER TABLE control_body RENAME TO control_body_gone")
        .execute(&pool)
        .await
        .unwrap();
    let app = common::router(pool);
    let response = get(&app, "/api/v1/control-bodies").await;
    assert_eq!(response.status(), 500);
    let code = header(&response, "x-request-id").to_owned();
    let value: Value = serde_json::from_str(&body_text(response).await).unwrap();
    let message = value["error"].as_str().unwrap();
    assert!(
        message.ends_with(&format!("Код ошибки: {code}")),
        "{message}"
    );
}

/// Runs the real binary with this environment (nothing from the caller's), in an empty
/// directory (so no `.env` is read); returns whether it succeeded and what it wrote.
fn run_binary(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let dir = std::env::temp_dir().join(format!("knd-binary-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .args(args)
        .current_dir(&dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        // Nothing listens here: a run that got past its checks would fail differently.
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn production_refuses_demo_data_and_the_replaced_setting_in_the_real_binary() {
    let secret = "s".repeat(64);
    let production = [
        ("KND_ENV", "production"),
        ("KND_SESSION_SECRET", secret.as_str()),
        ("KND_PUBLIC_URL", "https://knd.example.ru"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut env: Vec<(&str, &str)> = production.to_vec();
        env.extend_from_slice(extra);
        env
    };

    let (ok, text) = run_binary(&["serve"], &with(&[("KND_DEMO", "true")]));
    assert!(!ok, "{text}");
    assert!(text.contains("KND_DEMO must not be set"), "{text}");
    assert!(text.contains("password is public"), "{text}");

    let (ok, text) = run_binary(&["seed-demo"], &with(&[]));
    assert!(!ok, "{text}");
    assert!(text.contains("seed-demo refuses to run"), "{text}");

    let (ok, text) = run_binary(&[], &with(&[("KND_TRUST_FORWARDED_FOR", "true")]));
    assert!(!ok, "{text}");
    assert!(text.contains("KND_TRUSTED_PROXIES"), "{text}");

    let (ok, text) = run_binary(
        &["seed-demo"],
        &[("KND_TRUSTED_PROXIES", "10.0.0.0/8, not-an-address")],
    );
    assert!(!ok, "{text}");
    assert!(text.contains("not-an-address"), "{text}");
}
