//! Server functions that fail before their body runs (a request body that is not the JSON the
//! function takes) answer with the error's own status instead of Leptos's blanket 500: a
//! malformed request is the client's mistake (4xx), and monitoring should only see our own
//! failures as 5xx.

use axum::{
    body::{to_bytes, Body},
    extract::Request,
    middleware::Next,
    response::Response,
};
use http::StatusCode;

use app::error::AppError;

/// Largest error body worth reading back; errors are a few hundred bytes.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn correct(request: Request, next: Next) -> Response {
    let is_server_fn =
        request.uri().path().starts_with("/api/") && !request.uri().path().starts_with("/api/v1/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
