//! The public rating as open data: bodies by smoothed score with their per-criterion means, and
//! the anonymised staff of each body. The same figures as `/ratings`; raters never appear, and
//! staff only as «Инспектор №N» from five ratings on.

use app::domain::rating_stats::{BodyScore, BodyStaff, RatingsSummary};
use app::server::AppState;
use axum::{extract::State, Json};

use super::{ApiError, ApiResult};

/// The figures of `/ratings`, computed once for both and kept like the page's (a minute at most
/// for a rating given on another instance).
async fn summary(state: &AppState) -> ApiResult<std::sync::Arc<RatingsSummary>> {
    state
        .ratings_summary()
        .await
        .map_err(|e| ApiError::internal("computing the rating", e))
}

#[utoipa::path(get, path = "/api/v1/ratings/bodies", tag = "ratings",
    responses((status = 200, body = Vec<BodyScore>), (status = 429, body = ApiError)))]
pub async fn rating_bodies(State(state): State<AppState>) -> ApiResult<Json<Vec<BodyScore>>> {
    let summary = summary(&state).await?;
    // The API lists bodies without the page's distribution and trend.
    let bodies = summary
        .bodies
        .iter()
        .map(|body| BodyScore {
            distribution: Vec::new(),
            trend: Vec::new(),
            ..body.clone()
        })
        .collect();
    Ok(Json(bodies))
}

#[utoipa::path(get, path = "/api/v1/ratings/staff", tag = "ratings",
    responses((status = 200, body = Vec<BodyStaff>), (status = 429, body = ApiError)))]
pub async fn rating_staff(State(state): State<AppState>) -> ApiResult<Json<Vec<BodyStaff>>> {
    Ok(Json(summary(&state).await?.staff.clone()))
}
