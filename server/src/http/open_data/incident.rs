//! An internal error of the open API (`{"error": "…"}`, 500) names the request's id as
//! «Код ошибки», as the app's own error messages do, so a report leads to the log lines.

use axum::{
    body::{to_bytes, Body},
    extract::Request,
    middleware::Next,
    response::Response,
};
use http::{header, StatusCode};

use crate::http::request_id::RequestId;

/// Error bodies are a few hundred bytes.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn stamp(request: Request, next: Next) -> Response {
    let code = request
        .extensions()
        .get::<RequestId>()
        .map(|RequestId(id)| id.clone());
    let response = next.run(request).await;
    let Some(code) = code else {
        return response;
    };
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let mut value: serde_json::Value = match serde_json::from_slice(&bytes) {
        Ok(value) => value,
        Err(_) => return Response::from_parts(parts, Body::from(bytes)),
    };
    if let Some(serde_json::Value::String(message)) = value.get_mut("error") {
        message.push_str(&format!(" Код ошибки: {code}"));
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(value.to_string()))
}
