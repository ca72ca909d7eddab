//! `GET /healthz` for load balancers: 200 when the database answers, 503 when it does not.

use app::server::{db_health::probe, AppState};
use axum::{extract::State, http::StatusCode, Json};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub db: &'static str,
    pub version: &'static str,
    pub build: String,
}

pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let db_ok = probe(&state.pool).await;
    state.db_health.record(db_ok);
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
