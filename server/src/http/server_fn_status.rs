//! Server functions that fail before their body runs (a request body that is not the JSON the
//! function takes) answer with the error's own status instead of Leptos's blanket 500: a
//! malformed request is the client's mistake (4xx), and monitoring should only see our own
//! failures as 5xx. An internal error that reached here without the request's id (one Leptos
//! made itself) gets it, as every internal error the user sees carries its «Код ошибки».

use axum::{
    body::{to_bytes, Body},
    extract::Request,
    middleware::Next,
    response::Response,
};
use http::{header, HeaderValue, StatusCode};

use app::error::AppError;

use super::request_id::RequestId;

/// Largest error body worth reading back; errors are a few hundred bytes.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn correct(request: Request, next: Next) -> Response {
    let is_server_fn =
        request.uri().path().starts_with("/api/") && !request.uri().path().starts_with("/api/v1/");
    let code = request
        .extensions()
        .get::<RequestId>()
        .map(|RequestId(id)| id.clone());
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(error) = serde_json::from_slice::<AppError>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    if let Ok(status) = StatusCode::from_u16(error.status()) {
        parts.status = status;
    }
    if error == AppError::Internal && code.is_some() {
        let stamped = error.identified(code.as_deref());
        if let Ok(json) = serde_json::to_vec(&stamped) {
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            return Response::from_parts(parts, Body::from(json));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
