//! Every request gets an id of its own: a span named `request` carries it (with the method and
//! the path) into every log line written while the request is served, the response carries it
//! in `x-request-id`, and an internal error shows it to the user as «Код ошибки: …», so a
//! report from a user leads straight to the log lines. An id a client sends is replaced: log
//! lines must not carry text that a client chose.

use axum::{extract::Request, middleware::Next, response::Response};
use http::{HeaderName, HeaderValue};
use tower_http::{
    classify::{ServerErrorsAsFailures, SharedClassifier},
    trace::{MakeSpan, TraceLayer},
};
use tracing::Span;

pub use app::server::REQUEST_ID_HEADER;

/// The id of this request, in its extensions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(pub String);

/// A fresh id: 12 hexadecimal digits (48 random bits) — short enough to read out on the phone,
/// unique enough, with the log's timestamps, to find the request.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

/// Gives the request its id (replacing any the client sent) and answers with it.
pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = new_id();
    let header = HeaderName::from_static(REQUEST_ID_HEADER);
    let value = HeaderValue::from_str(&id).expect("hex digits are a valid header value");
    request.headers_mut().insert(header.clone(), value.clone());
    request.extensions_mut().insert(RequestId(id));
    let mut response = next.run(request).await;
    response.headers_mut().insert(header, value);
    response
}

/// The span of one request, named by its id.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, request: &http::Request<B>) -> Span {
        let id = request
            .extensions()
            .get::<RequestId>()
            .map_or("-", |RequestId(id)| id.as_str());
        // The path only: a query string may hold what a user typed.
        tracing::info_span!(
            "request",
            id = %id,
            method = %request.method(),
            path = %request.uri().path(),
        )
    }
}

/// Logs each request inside its span; server errors (5xx) are logged as failures.
pub fn trace_layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RequestSpan> {
    TraceLayer::new_for_http().make_span_with(RequestSpan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_twelve_hex_digits_and_differ() {
        let a = new_id();
        let b = new_id();
        assert_eq!(a.len(), 12);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert_ne!(a, b);
    }
}
