//! Server-side only: application state, the build being served, and repositories
//! (`verb_noun` async functions taking the executor explicitly).

pub mod account;
pub mod authz;
pub mod cache;
pub mod catalogue;
pub mod db_health;
pub mod files;
pub mod organisation;
pub mod page_cache;
pub mod password;
pub mod rating;
pub mod rating_stats;
pub mod region;
pub mod release;
pub mod representation;
pub mod risk;
pub mod self_check;
pub mod session;
pub mod state;
pub mod sync;
pub mod throttle;

pub use state::AppState;

use crate::error::AppError;

/// The application state of this request. Absent only when the request has already gone (the
/// client disconnected while a page was still rendering), so the caller's work is moot.
pub fn app_state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::debug!("no application state: the request was cancelled");
        AppError::Internal
    })
}

/// The request header the server puts each request's id in (and answers it in).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The id the server gave this request: every log line of the request carries it, and an
/// internal error shows it to the user as «Код ошибки».
pub fn request_id() -> Option<String> {
    let parts = leptos::prelude::use_context::<http::request::Parts>()?;
    let value = parts.headers.get(REQUEST_ID_HEADER)?.to_str().ok()?;
    Some(value.to_owned())
}

/// Sets the HTTP status of a failed server function to the one its error calls for (Leptos
/// would answer 500 for every error otherwise), and gives an internal error the request's id.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    let result = result.map_err(|error| error.identified(request_id().as_deref()));
    if let Err(error) = &result {
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(error.status()) {
                options.set_status(status);
            }
            if let AppError::TooManyRequests { retry_after_secs } = error {
                options.insert_header(http::header::RETRY_AFTER, (*retry_after_secs).into());
            }
        }
    }
    result
}

/// An id sent by the client; a malformed one is treated like an unknown one (404), so ids are
/// not probed through different answers.
pub fn parse_id(value: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(value.trim()).map_err(|_| AppError::NotFound)
}
