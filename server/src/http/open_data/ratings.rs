//! The public rating as open data: bodies by smoothed score with their per-criterion means, and
//! the anonymised staff of each body. The same figures as `/ratings`; raters never appear, and
//! staff only as «Инспектор №N» from five ratings on.

use app::domain::rating_stats::{BodyScore, BodyStaff};
use app::server::{rating_stats, AppState};
use axum::{extract::State, Json};

use super::{ApiError, ApiResult};

async fn connection(state: &AppState) -> ApiResult<sqlx::pool::PoolConnection<sqlx::Postgres>> {
    state
        .read_pool
        .acquire()
        .await
        .map_err(|e| ApiError::internal("acquiring a connection", e))
}

/// Control bodies as businesses rate them, best smoothed score first: `score` is
/// `(C·m + Σ)/(C + n)` with `C` = 10 and `m` the regional mean; `null` without ratings.
#[utoipa::path(get, path = "/api/v1/ratings/bodies", tag = "ratings",
    responses((status = 200, body = Vec<BodyScore>), (status = 429, body = ApiError)))]
pub async fn rating_bodies(State(state): State<AppState>) -> ApiResult<Json<Vec<BodyScore>>> {
    let mut conn = connection(&state).await?;
    rating_stats::body_scores(&mut conn, false)
        .await
        .map(|scores| Json(scores.bodies))
        .map_err(|e| ApiError::internal("computing the rating of bodies", e))
}

/// The anonymised staff of each body: inspectors with at least 5 ratings of events they took
/// part in, as «Инспектор №N» (N says nothing about the person), best mean first.
#[utoipa::path(get, path = "/api/v1/ratings/staff", tag = "ratings",
    responses((status = 200, body = Vec<BodyStaff>), (status = 429, body = ApiError)))]
pub async fn rating_staff(State(state): State<AppState>) -> ApiResult<Json<Vec<BodyStaff>>> {
    let mut conn = connection(&state).await?;
    rating_stats::staff(&mut conn)
        .await
        .map(Json)
        .map_err(|e| ApiError::internal("computing the rating of staff", e))
}
