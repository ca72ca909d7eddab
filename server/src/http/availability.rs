//! A page asked for while the database does not answer gets `503` with a clear message and
//! `Retry-After`, not a normal-looking page with an error notice inside (a streamed page's
//! status is sent before its data fail). The service worker then shows the device's copy of
//! the page if it has one. Files, the offline page and the health check need no database and
//! are left alone.
//!
//! Server functions and the open API ([`api_guard`]) answer `503` too, with the same message:
//! at once while the database is known to be away (nothing is attempted, so nothing is half
//! applied, and a queued operation is simply sent again later), and instead of the `500` a
//! request gets when the database goes away under it. A client can thus tell "try again
//! later" from a fault of ours, and monitoring sees the outage as one.

use app::{error::AppError, server::AppState};
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{header, HeaderValue, Method, StatusCode};

use super::answer::{refusal, RouteKind};

/// What the user reads while the database is away.
pub const MESSAGE: &str = "Сервис временно недоступен: идут технические работы. \
     Повторите попытку через минуту. Черновики на вашем устройстве сохранены.";

/// Whether `path` is a page that is rendered from the database.
fn needs_database(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    RouteKind::of(path) == RouteKind::Page
        && !last.contains('.')
        && !matches!(path, "/healthz" | "/offline")
        && !path.starts_with("/pkg/")
}

pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let page = matches!(*request.method(), Method::GET | Method::HEAD)
        && needs_database(request.uri().path());
    if !page || state.db_health.is_up(&state.pool).await {
        return next.run(request).await;
    }
    tracing::warn!(path = %request.uri().path(), "page refused: the database does not answer");
    unavailable(RouteKind::Page)
}

/// Whether `path` is a server function or an open API route that reads the database (all of
/// them but the API's own description).
fn api_needs_database(path: &str) -> bool {
    RouteKind::of(path) != RouteKind::Page && path != "/api/v1/openapi.json"
}

/// Server functions and the open API while the database is away. Runs outside the session
/// layer, whose own store errors it thus covers too.
pub async fn api_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if !api_needs_database(path) {
        return next.run(request).await;
    }
    let kind = RouteKind::of(path);
    if !state.db_health.is_up(&state.pool).await {
        tracing::warn!(%path, "request refused: the database does not answer");
        return unavailable(kind);
    }
    let path = path.to_owned();
    let response = next.run(request).await;
    // A fault of ours or the database gone under the request: one probe tells which (and
    // makes the requests that follow refused at once).
    if response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && !state.db_health.recheck(&state.pool).await
    {
        tracing::warn!(%path, "request failed: the database does not answer");
        return unavailable(kind);
    }
    response
}

/// `503` with [`MESSAGE`] and `Retry-After`, in the form the route's clients read.
fn unavailable(kind: RouteKind) -> Response {
    let mut response = refusal(
        kind,
        StatusCode::SERVICE_UNAVAILABLE,
        MESSAGE,
        AppError::Unavailable,
        None,
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rendered_pages_wait_for_the_database() {
        for page in ["/", "/kinds/chs-nadzor", "/cabinet", "/ratings"] {
            assert!(needs_database(page), "{page}");
        }
        for other in [
            "/pkg/knd.wasm",
            "/favicon.ico",
            "/sw.js",
            "/manifest.webmanifest",
            "/healthz",
            "/offline",
            "/api/sync/push",
            "/api/v1/bodies",
        ] {
            assert!(!needs_database(other), "{other}");
        }
    }

    #[test]
    fn every_api_route_but_its_description_needs_the_database() {
        for api in [
            "/api/sync/push",
            "/api/v1/bodies",
            "/api/files",
            "/api/session/login",
        ] {
            assert!(api_needs_database(api), "{api}");
        }
        for other in ["/api/v1/openapi.json", "/", "/healthz", "/pkg/knd.wasm"] {
            assert!(!api_needs_database(other), "{other}");
        }
    }
}
