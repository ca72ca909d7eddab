//! `GET /healthz` for load balancers: 200 when the database answers, 503 when it does not.

use std::time::Duration;

use app::server::AppState;
use axum::{extract::State, http::StatusCode, Json};
use serde::Serialize;

/// How long the database may take to answer before the instance counts as unhealthy.
const DB_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub db: &'static str,
    pub version: &'static str,
    pub build: String,
}

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let probe = sqlx::query("SELECT 1").execute(&state.pool);
    let db_ok = matches!(tokio::time::timeout(DB_TIMEOUT, probe).await, Ok(Ok(_)));
    let (code, status, db) = if db_ok {
        (StatusCode::OK, "ok", "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "degraded", "down")
    };
    let health = Health {
        status,
        db,
        version: env!("CARGO_PKG_VERSION"),
        build: state.release.build_id.clone(),
    };
    (code, Json(health))
}
