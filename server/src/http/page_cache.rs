//! Serves public pages to anonymous visitors from [`app::server::page_cache`]: a page is
//! rendered once per catalogue version, language and address, then sent with each response's
//! own CSP nonce. Signed-in visitors (a session cookie) always get a fresh render: their pages
//! show their name, role and controls.

use app::client::prefs::{cookie_value, LOCALE_KEY};
use app::server::{
    catalogue::current_version,
    page_cache::{CachedPage, Freshness, PageKey, MAX_PAGE_BYTES},
    AppState,
};
use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, Method, StatusCode};

use super::headers::CspNonce;

/// What the page at `path` (with `has_query`) depends on, if it may be kept at all.
pub fn freshness_of(path: &str, has_query: bool) -> Option<Freshness> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    match segments.as_slice() {
        []
        | ["about"]
        | ["bodies"]
        | ["bodies", _]
        | ["kinds"]
        | ["discussions"]
        | ["programmes"]
        | ["reports"]
        | ["news"]
        | ["search"] => Some(Freshness::Catalogue),
        // The kind's checklist shows what businesses think of its requirements; its other
        // pages are kept on the same terms for simplicity.
        ["kinds", _] | ["kinds", _, "requirements" | "faq" | "violations" | "checklist"] => {
            Some(Freshness::Activity)
        }
        ["ratings"] | ["ratings", "feedback"] | ["ratings", "methodology"] => {
            Some(Freshness::Activity)
        }
        // A lookup of an organisation's risk category is not kept; the empty form is.
        ["risk"] if !has_query => Some(Freshness::Catalogue),
        _ => None,
    }
}

/// True when the request carries a session cookie (signed in, or was).
fn has_session(request: &Request) -> bool {
    request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|h| {
            cookie_value(h, super::sessions::cookie_name(false)).is_some()
                || cookie_value(h, super::sessions::cookie_name(true)).is_some()
        })
}

/// The interface language the page will be rendered in (see `client::prefs`).
fn locale(request: &Request) -> &'static str {
    let chosen = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| cookie_value(h, LOCALE_KEY));
    match chosen {
        Some("en") => "en",
        _ => "ru",
    }
}

pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let uri = request.uri();
    let freshness = if request.method() == Method::GET && !has_session(&request) {
        freshness_of(uri.path(), uri.query().is_some())
    } else {
        None
    };
    let nonce = request.extensions().get::<CspNonce>().map(|n| n.0.clone());
    let (Some(freshness), Some(nonce)) = (freshness, nonce) else {
        return next.run(request).await;
    };
    let key = PageKey {
        path_and_query: uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        locale: locale(&request),
    };
    // One indexed query. If it fails, the page as it was is better than none; without one,
    // the availability guard behind answers 503 if the database is away.
    let Ok(version) = current_version(&state.pool).await else {
        if let Some(page) = state.pages.any(&key) {
            return kept(&page, &nonce);
        }
        return next.run(request).await;
    };
    let stamp = state.pages.stamp(freshness, version);
    if let Some(page) = state.pages.get(&key, stamp) {
        return kept(&page, &nonce);
    }
    // Requests for a page being rendered wait for it rather than render it again.
    let _turn = state.pages.turn(&key).await;
    let stamp = state.pages.stamp(freshness, version);
    if let Some(page) = state.pages.get(&key, stamp) {
        return kept(&page, &nonce);
    }
    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PAGE_BYTES).await else {
        tracing::error!(path = %key.path_and_query, "a page could not be buffered for the cache");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // A request that failed while the page streamed (its status was already sent) shows an
    // error notice in a 200 page: send it, but do not keep it.
    if shows_an_error(&bytes) {
        return Response::from_parts(parts, Body::from(bytes));
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    state.pages.put(
        key,
        CachedPage::new(stamp, freshness, parts.headers.clone(), &bytes, &nonce),
    );
    Response::from_parts(parts, Body::from(bytes))
}

fn kept(page: &CachedPage, nonce: &str) -> Response {
    let mut response = Body::from(page.body_with(nonce)).into_response();
    *response.headers_mut() = page.headers.clone();
    response
}

/// The mark of `ui::form::ErrorNotice`.
fn shows_an_error(body: &[u8]) -> bool {
    const MARK: &[u8] = b"notice notice-error";
    body.windows(MARK.len()).any(|w| w == MARK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_pages_are_kept() {
        assert_eq!(freshness_of("/", false), Some(Freshness::Catalogue));
        assert_eq!(freshness_of("/search", true), Some(Freshness::Catalogue));
        assert_eq!(
            freshness_of("/kinds/chs-nadzor", false),
            Some(Freshness::Activity)
        );
        assert_eq!(freshness_of("/ratings", true), Some(Freshness::Activity));
        assert_eq!(freshness_of("/risk", false), Some(Freshness::Catalogue));
        for private in [
            "/risk?inn=1",
            "/cabinet",
            "/rate",
            "/drafts",
            "/self-check",
            "/login",
            "/api/v1/catalogue/changes",
            "/invitation/x",
            "/kinds/x/y",
            "/kinds/x/faq/more",
        ] {
            let (path, query) = private.split_once('?').unwrap_or((private, ""));
            assert_eq!(freshness_of(path, !query.is_empty()), None, "{private}");
        }
    }
}
