//! Headers on every response: a Content-Security-Policy with a per-response nonce for the
//! hydration script, the other security headers, the build id, and cache policy by path.

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::{header, HeaderMap, HeaderName, HeaderValue};
use leptos::nonce::Nonce;

/// The nonce of this response's inline scripts; read by the page renderer.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// Settings the header middleware needs.
#[derive(Clone, Debug)]
pub struct HeaderPolicy {
    /// Send HSTS (only when the portal is served over https).
    pub https: bool,
    /// Sent as `x-knd-build` so the service worker caches pages of its own build only.
    pub build_id: String,
}

/// Hashed bundle files never change under the same name.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages and the service worker are revalidated on every use.
pub const REVALIDATE: &str = "no-cache";
/// Icons, manifest and other unhashed static files.
pub const SHORT_LIVED: &str = "public, max-age=3600";

pub async fn apply(
    State(policy): State<HeaderPolicy>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new().to_string();
    request.extensions_mut().insert(CspNonce(nonce.clone()));
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    set(
        headers,
        header::CONTENT_SECURITY_POLICY,
        &content_security_policy(&nonce),
    );
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        headers,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        "camera=(self), geolocation=(), microphone=(), payment=()",
    );
    if policy.https {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    set(
        headers,
        HeaderName::from_static("x-knd-build"),
        &policy.build_id,
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        set(headers, header::CACHE_CONTROL, cache_policy(&path));
    }
    response
}

/// Scripts only from us plus the nonced hydration script; wasm may be compiled; nothing may
/// frame the portal.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; \
         manifest-src 'self'; worker-src 'self'; media-src 'self' blob:; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Cache policy chosen by path.
pub fn cache_policy(path: &str) -> &'static str {
    // Both hold content-hashed files only (cargo-leptos's bundle, `scripts/build-qr`).
    if path.starts_with("/pkg/") || path.starts_with("/qr/") {
        IMMUTABLE
    } else if path.starts_with("/icons/")
        || path == "/favicon.ico"
        || path == "/manifest.webmanifest"
    {
        SHORT_LIVED
    } else {
        REVALIDATE
    }
}

fn set(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_bundle_files_are_immutable_and_pages_revalidate() {
        assert_eq!(cache_policy("/pkg/knd.abc123.wasm"), IMMUTABLE);
        assert_eq!(cache_policy("/qr/knd_qr.0123456789abcdef.wasm"), IMMUTABLE);
        assert_eq!(cache_policy("/"), REVALIDATE);
        assert_eq!(cache_policy("/sw.js"), REVALIDATE);
        assert_eq!(cache_policy("/icons/icon-192.png"), SHORT_LIVED);
    }

    #[test]
    fn policy_lets_the_wasm_run_and_forbids_framing() {
        let csp = content_security_policy("n0nce");
        assert!(csp.contains("'nonce-n0nce'"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
