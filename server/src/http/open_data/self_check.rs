//! Self-assessment as open data: the checklist of each kind of control (one question per
//! mandatory requirement, with its legal reference and how to fix a typical violation) and what
//! users think of each requirement (seed 001), published only from `k` evaluations on.

use app::domain::rating_stats::MIN_RESPONDENTS;
use app::domain::self_check::{Aggregate, Checklist};
use app::server::{self_check, AppState};
use axum::{
    extract::{rejection::QueryRejection, Path, Query, State},
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{csv_export, query_or_400, ApiError, ApiResult, Format};

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
        .read_pool
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

/// The format of the evaluations.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationsQuery {
    /// `csv` for a CSV file instead of JSON.
    #[param(inline)]
    format: Option<Format>,
}

/// Evaluations of mandatory requirements by businesses: every requirement with, per
/// requirement, how many evaluated it, mean `clarity` and `feasibility` (1–5), the share
/// flagging a contradiction with another requirement, and the median yearly cost of compliance
/// in roubles. Figures are published only from 5 evaluations on (the median cost only when 5
/// gave a cost): below that a requirement is listed with `withheld: true` and every figure
/// `null` — never zero — so that no single answer can be read out of them.
#[utoipa::path(get, path = "/api/v1/requirements/evaluations", tag = "self_check",
    params(EvaluationsQuery),
    responses((status = 200, body = Vec<Aggregate>, description = "Every requirement (or CSV)"),
              (status = 400, body = ApiError), (status = 429, body = ApiError)))]
pub async fn evaluations(
    State(state): State<AppState>,
    query: Result<Query<EvaluationsQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let query = query_or_400(query)?;
    let mut conn = state
        .read_pool
        .acquire()
        .await
        .map_err(|e| ApiError::internal("acquiring a connection", e))?;
    let all = self_check::aggregates(&mut conn, None)
        .await
        .map_err(|e| ApiError::internal("reading evaluations", e))?;
    if query.format == Some(Format::Csv) {
        return csv_export::response(&all, "requirement-evaluations")
            .map_err(|e| ApiError::internal("writing CSV", e));
    }
    Ok(Json(all).into_response())
}

// The document above says «5»: keep it true.
const _: () = assert!(MIN_RESPONDENTS == 5);
