//! A page asked for while the database does not answer gets `503` with a clear message and
//! `Retry-After`, not a normal-looking page with an error notice inside (a streamed page's
//! status is sent before its data fail). The service worker then shows the device's copy of
//! the page if it has one. Files, the offline page and the health check need no database and
//! are left alone; server functions and the open API answer their own errors.

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
    let mut response = refusal(
        RouteKind::Page,
        StatusCode::SERVICE_UNAVAILABLE,
        MESSAGE,
        AppError::Internal,
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
}
