//! Files generated per build rather than read from the site directory.

use app::server::AppState;
use axum::{extract::State, http::header, response::IntoResponse};

use super::headers::REVALIDATE;

/// `GET /sw.js`: the service worker of the build being served. Always revalidated, so browsers
/// notice a new build.
pub async fn service_worker(State(state): State<AppState>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, REVALIDATE),
        ],
        state.release.service_worker.clone(),
    )
}
