//! The public views of the rating: one server function for the whole `/ratings` page (open to
//! everybody: all ratings are public, raters never are).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::rating_stats::RatingsSummary;
use crate::error::AppError;

/// Bodies, businesses, anonymised staff, prevention indicators, the distribution of scores and
/// the monthly trend, from a fixed number of grouped queries.
#[server(endpoint = "ratings/overview", input = Json, output = Json)]
pub async fn ratings_overview() -> Result<RatingsSummary, AppError> {
    use crate::server::{app_state, respond};
    let result = async {
        let state = app_state()?;
        let summary = state
            .ratings_summary()
            .await
            .map_err(|e| AppError::internal("computing the rating", e))?;
        Ok((*summary).clone())
    }
    .await;
    respond(result)
}
