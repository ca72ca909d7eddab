//! Answers the server gives by itself, before or instead of a route (a body too large, a
//! request that took too long), in the shape each kind of route speaks: the open API's
//! `{"error": "…"}`, an `AppError` for server functions (so that the browser decodes it as
//! one: anything else would read as a malformed request and the device would give up on its
//! queued operations), and a small Russian page for everything else.

use app::error::AppError;
use axum::{
    body::Body,
    response::{IntoResponse, Response},
};
use http::{header, StatusCode};

/// What kind of route a path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    /// `/api/v1/…`
    OpenApi,
    /// `/api/…` (everything else under `/api/`)
    ServerFunction,
    /// Pages and files.
    Page,
}

impl RouteKind {
    pub fn of(path: &str) -> RouteKind {
        if path.starts_with("/api/v1/") || path == "/api/v1" {
            RouteKind::OpenApi
        } else if path.starts_with("/api/") {
            RouteKind::ServerFunction
        } else {
            RouteKind::Page
        }
    }
}

/// An answer with `status`: `message` for the open API and pages, `error` for server
/// functions; the request's id as «Код ошибки» when given.
pub fn refusal(
    kind: RouteKind,
    status: StatusCode,
    message: &str,
    error: AppError,
    code: Option<&str>,
) -> Response {
    let text = match code {
        Some(code) => format!("{message} Код ошибки: {code}"),
        None => message.to_owned(),
    };
    match kind {
        RouteKind::OpenApi => {
            (status, axum::Json(serde_json::json!({ "error": text }))).into_response()
        }
        RouteKind::ServerFunction => {
            let body = serde_json::to_string(&error).unwrap_or_else(|_| "\"Internal\"".to_owned());
            (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                Body::from(body),
            )
                .into_response()
        }
        RouteKind::Page => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page(&text),
        )
            .into_response(),
    }
}

/// A page of its own: the app's shell may be what is overloaded.
fn page(text: &str) -> String {
    let text = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>КНД.Онлайн</title></head><body><main><h1>КНД.Онлайн</h1>\
         <p role=\"alert\">{text}</p><p><a href=\"/\">На главную</a></p></main></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_told_apart() {
        assert_eq!(RouteKind::of("/api/v1/bodies"), RouteKind::OpenApi);
        assert_eq!(RouteKind::of("/api/sync/push"), RouteKind::ServerFunction);
        assert_eq!(RouteKind::of("/api/v10"), RouteKind::ServerFunction);
        assert_eq!(RouteKind::of("/bodies"), RouteKind::Page);
        assert_eq!(RouteKind::of("/apiary"), RouteKind::Page);
    }
}
