//! Self-assessment as open data: the checklist of each kind of control (one question per
//! mandatory requirement, with its legal reference and how to fix a typical violation) and what
//! users think of each requirement (seed 001).

use app::domain::self_check::{Aggregate, Checklist};
use app::server::{self_check, AppState};
use axum::{
    extract::{Path, State},
    Json,
};

use super::{ApiError, ApiResult};

/// The self-assessment checklist of a kind of control: one question per mandatory
/// requirement; `revision` moves whenever the requirement or its question is edited.
#[utoipa::path(get, path = "/api/v1/control-kinds/{slug}/checklist", tag = "self_check",
    params(("slug" = String, Path, description = "Вид контроля")),
    responses((status = 200, body = Checklist), (status = 404, body = ApiError),
              (status = 429, body = ApiError)))]
pub async fn checklist(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> ApiResult<Json<Checklist>> {
    let mut conn = state
        .pool
        .acquire()
        .await
        .map_err(|e| ApiError::internal("acquiring a connection", e))?;
    let kinds = [slug];
    self_check::checklists(&mut conn, Some(&kinds))
        .await
        .map_err(|e| ApiError::internal("building a checklist", e))?
        .into_iter()
        .next()
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

/// Evaluations of mandatory requirements by businesses: per requirement, how many evaluated it,
/// mean `clarity` and `feasibility` (1–5), the share flagging a contradiction with another
/// requirement, and the median yearly cost of compliance in roubles.
#[utoipa::path(get, path = "/api/v1/requirements/evaluations", tag = "self_check",
    responses((status = 200, body = Vec<Aggregate>), (status = 429, body = ApiError)))]
pub async fn evaluations(State(state): State<AppState>) -> ApiResult<Json<Vec<Aggregate>>> {
    let mut conn = state
        .pool
        .acquire()
        .await
        .map_err(|e| ApiError::internal("acquiring a connection", e))?;
    self_check::aggregates(&mut conn, None)
        .await
        .map(Json)
        .map_err(|e| ApiError::internal("reading evaluations", e))
}
