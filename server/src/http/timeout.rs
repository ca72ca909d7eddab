//! A request not answered in time gets 503 with a Russian message and its «Код ошибки»,
//! in the shape of its route, and the work behind it is dropped (a transaction in progress
//! rolls back). Pages that stream count until their first byte; the statement timeout of the
//! request pool bounds the queries behind what they stream afterwards.

use std::time::Duration;

use app::error::AppError;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{header, HeaderValue, StatusCode};

use super::{
    answer::{refusal, RouteKind},
    body_limit::has_own_limit,
    request_id::RequestId,
};

/// Time allowed to routes that take uploads: a 30 MB upload over a slow mobile network takes
/// minutes.
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// What the user reads when the server did not answer in time.
pub const MESSAGE: &str = "Сервер не успел ответить. Попробуйте ещё раз чуть позже.";

pub async fn limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let kind = RouteKind::of(path);
    let limit = if has_own_limit(path) {
        limit.max(UPLOAD_TIMEOUT)
    } else {
        limit
    };
    let code = request
        .extensions()
        .get::<RequestId>()
        .map(|RequestId(id)| id.clone());
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!(after_secs = limit.as_secs_f64(), "request timed out");
            let error = match &code {
                Some(code) => AppError::Incident { code: code.clone() },
                None => AppError::Internal,
            };
            let mut response = refusal(
                kind,
                StatusCode::SERVICE_UNAVAILABLE,
                MESSAGE,
                error,
                code.as_deref(),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            response
        }
    }
}
