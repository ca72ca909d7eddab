//! Request bodies are limited before any route sees them: a body larger than the limit is
//! answered 413 with a Russian message and nothing is applied. A declared `Content-Length`
//! over the limit is refused at once; a body without one (chunked) is read up to the limit and
//! refused as soon as it passes it, so memory stays bounded either way.
//!
//! One limit fits every JSON request; routes that take uploads set their own
//! (`RequestBodyLimitLayer` on the route) and are listed in [`OWN_LIMIT`].

use app::error::AppError;
use axum::{
    body::Body,
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{header, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use super::{
    answer::{refusal, RouteKind},
    request_id::RequestId,
};

/// The largest body of a JSON request: 10 MiB. The largest legitimate one is a sync push of
/// a full batch (100) of self-assessments of the largest checklist, which carry their
/// checklists: 4.6 MB with short notes, 10 MB with 800-character notes on every question
/// (measured by `server/tests/it/abuse.rs`, `the_largest_legitimate_push_fits_the_limit`).
pub const MAX_JSON_BODY: usize = 10 * 1024 * 1024;

/// Routes (paths, and everything under them) that set their own body limit, larger than the
/// JSON one, on the route itself: file uploads (3 files × 10 MB).
pub const OWN_LIMIT: &[&str] = &["/api/files"];

/// Whether the route at `path` limits its body itself.
pub fn has_own_limit(path: &str) -> bool {
    OWN_LIMIT.iter().any(|own| {
        path.strip_prefix(own)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The 413 answer, in the shape of the route.
pub fn too_large(kind: RouteKind, limit: usize) -> Response {
    let message = format!(
        "Запрос слишком велик: допускается не больше {} КБ. Ничего не сохранено.",
        limit / 1024
    );
    refusal(
        kind,
        StatusCode::PAYLOAD_TOO_LARGE,
        &message,
        AppError::Invalid(message.clone()),
        None,
    )
}

pub async fn limit(State(max): State<usize>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if has_own_limit(path) {
        return next.run(request).await;
    }
    let kind = RouteKind::of(path);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > max as u64) {
        tracing::warn!(declared, max, "request body too large");
        return too_large(kind, max);
    }
    let (parts, body) = request.into_parts();
    match Limited::new(body, max).collect().await {
        Ok(collected) => {
            let request = Request::from_parts(parts, Body::from(collected.to_bytes()));
            next.run(request).await
        }
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            tracing::warn!(max, "request body too large (no length declared)");
            too_large(kind, max)
        }
        Err(error) => {
            // The client went away or sent a broken body: nothing to apply.
            tracing::debug!(%error, "request body unreadable");
            let code = parts
                .extensions
                .get::<RequestId>()
                .map(|RequestId(id)| id.as_str());
            let message = "Запрос не удалось прочитать. Попробуйте отправить его ещё раз.";
            refusal(
                kind,
                StatusCode::BAD_REQUEST,
                message,
                AppError::Invalid(message.to_owned()),
                code,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_with_their_own_limit_are_matched_by_whole_segments() {
        assert!(has_own_limit("/api/files"));
        assert!(has_own_limit("/api/files/0193a1b2"));
        assert!(!has_own_limit("/api/filesystem"));
        assert!(!has_own_limit("/api/sync/push"));
        assert!(!has_own_limit("/api/v1/files"));
    }
}
