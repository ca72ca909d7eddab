//! Refuses state-changing requests that come from another site (CSRF). Browsers say where a
//! request comes from in `Sec-Fetch-Site`, and older ones in `Origin`; a request with neither is
//! not from a browser and so carries no victim's cookies.

use axum::{
    extract::{Request, State},
    http::{header, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// The message a refused request gets.
pub const REFUSED: &str = "Запрос отклонён: он отправлен с другого сайта.";

/// Where the portal is reached, when configured (behind a proxy the Host header may differ).
#[derive(Clone, Debug, Default)]
pub struct OriginPolicy {
    pub public_origin: Option<String>,
}

/// Whether a request with these headers may change state.
pub fn allowed(
    method: &Method,
    fetch_site: Option<&str>,
    origin: Option<&str>,
    expected: &[String],
) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return true;
    }
    if let Some(site) = fetch_site {
        // `none`: typed into the address bar or opened from a bookmark.
        return matches!(site, "same-origin" | "none");
    }
    match origin {
        Some(origin) => expected.iter().any(|e| e == origin),
        None => true,
    }
}

pub async fn check(State(policy): State<OriginPolicy>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let mut expected = Vec::with_capacity(2);
    if let Some(public) = &policy.public_origin {
        expected.push(public.trim_end_matches('/').to_owned());
    }
    if let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) {
        expected.push(format!("http://{host}"));
        expected.push(format!("https://{host}"));
    }
    if allowed(request.method(), fetch_site, origin, &expected) {
        next.run(request).await
    } else {
        tracing::warn!(?fetch_site, ?origin, path = %request.uri().path(), "cross-site request refused");
        (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            REFUSED,
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours() -> Vec<String> {
        vec!["https://knd.example.ru".to_owned()]
    }

    #[test]
    fn reading_is_always_allowed() {
        assert!(allowed(
            &Method::GET,
            Some("cross-site"),
            Some("https://evil.example"),
            &ours()
        ));
    }

    #[test]
    fn a_cross_site_or_sibling_site_post_is_refused() {
        assert!(!allowed(&Method::POST, Some("cross-site"), None, &ours()));
        assert!(!allowed(&Method::POST, Some("same-site"), None, &ours()));
        assert!(!allowed(
            &Method::POST,
            None,
            Some("https://evil.example"),
            &ours()
        ));
        assert!(!allowed(&Method::DELETE, None, Some("null"), &ours()));
    }

    #[test]
    fn a_same_origin_post_or_a_non_browser_client_is_allowed() {
        assert!(allowed(
            &Method::POST,
            Some("same-origin"),
            Some("https://knd.example.ru"),
            &ours()
        ));
        assert!(allowed(
            &Method::POST,
            None,
            Some("https://knd.example.ru"),
            &ours()
        ));
        assert!(allowed(&Method::POST, None, None, &ours()));
    }
}
