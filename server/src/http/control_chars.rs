//! Text with a NUL character is refused before any route sees it. PostgreSQL cannot store NUL
//! in text, so such input would otherwise fail deep in a query and answer 500; here it gets
//! 422 with a message, and nothing is applied.
//!
//! A server function learns which field it was: its JSON arguments are an object keyed by the
//! argument names (`{"email": …}`, `{"form": {"name": …}}`), and the answer is
//! `AppError::Field` with the innermost key that holds the character, which the forms show next
//! to that field. Other control characters are storable and are refused by the fields' own
//! rules (`app::domain::text`). File uploads (`body_limit::OWN_LIMIT`) carry binary data and
//! are not read here.

use app::{domain::text::TextIssue, error::AppError};
use axum::{
    body::Body,
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, StatusCode};
use http_body_util::BodyExt;

use super::{
    answer::{refusal, RouteKind},
    body_limit::has_own_limit,
};

/// `%00` in a query string or a form body, either case of hex being the same byte.
fn has_encoded_nul(text: &[u8]) -> bool {
    text.windows(3).any(|w| w == b"%00")
}

/// A NUL in JSON text: the raw byte (invalid JSON, refused all the same) or the escape
/// `\u0000` that is not itself an escaped backslash followed by `u0000`.
fn has_json_nul(body: &[u8]) -> bool {
    if body.contains(&0) {
        return true;
    }
    let needle = b"u0000";
    body.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| w.eq_ignore_ascii_case(needle))
        .any(|(at, _)| {
            let backslashes = body[..at].iter().rev().take_while(|&&b| b == b'\\').count();
            backslashes % 2 == 1
        })
}

/// The innermost object key whose value holds a NUL, if the body is JSON.
fn field_with_nul(body: &[u8]) -> Option<String> {
    fn search(value: &serde_json::Value, key: Option<&str>) -> Option<Option<String>> {
        match value {
            serde_json::Value::String(s) if s.contains('\0') => Some(key.map(str::to_owned)),
            serde_json::Value::Array(items) => items.iter().find_map(|v| search(v, key)),
            serde_json::Value::Object(map) => map
                .iter()
                .find_map(|(k, v)| search(v, Some(k)))
                .or_else(|| map.keys().any(|k| k.contains('\0')).then_some(None)),
            _ => None,
        }
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    search(&value, None).flatten()
}

fn refuse(kind: RouteKind, field: Option<String>) -> Response {
    let message = TextIssue::ControlCharacter.to_string();
    let error = match field {
        Some(field) => AppError::field(&field, message.clone()),
        None => AppError::Invalid(message.clone()),
    };
    tracing::info!("request refused: NUL character in its text");
    refusal(
        kind,
        StatusCode::UNPROCESSABLE_ENTITY,
        &message,
        error,
        None,
    )
}

pub async fn refuse_nul(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let kind = RouteKind::of(path);
    if request
        .uri()
        .query()
        .is_some_and(|q| has_encoded_nul(q.as_bytes()))
    {
        return refuse(kind, None);
    }
    if has_own_limit(path) {
        return next.run(request).await;
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let json = content_type.starts_with("application/json");
    let form = content_type.starts_with("application/x-www-form-urlencoded");
    if !json && !form {
        return next.run(request).await;
    }
    // The body is already in memory (and limited): `body_limit` runs before this.
    let (parts, body) = request.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    if json && has_json_nul(&bytes) {
        return refuse(kind, field_with_nul(&bytes));
    }
    if form && (has_encoded_nul(&bytes) || bytes.contains(&0)) {
        return refuse(kind, None);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_escapes_are_told_from_escaped_backslashes() {
        assert!(has_json_nul(br#"{"email":"a\u0000b"}"#));
        assert!(has_json_nul(br#"{"email":"a\\\u0000b"}"#));
        assert!(has_json_nul(br#"{"q":"\U0000"}"#));
        assert!(has_json_nul(b"{\"q\":\"a\0\"}"));
        assert!(!has_json_nul(br#"{"q":"a\\u0000b"}"#));
        assert!(!has_json_nul(br#"{"q":"u0000 \u0001"}"#));
    }

    #[test]
    fn the_innermost_key_names_the_field() {
        assert_eq!(
            field_with_nul(br#"{"email":"x\u0000","password":"p"}"#).as_deref(),
            Some("email")
        );
        assert_eq!(
            field_with_nul(br#"{"form":{"kind":"ip","name":"\u0000"}}"#).as_deref(),
            Some("name")
        );
        assert_eq!(field_with_nul(br#"["\u0000"]"#), None);
    }

    #[test]
    fn percent_encoded_nul_is_found() {
        assert!(has_encoded_nul(b"q=a%00b"));
        assert!(!has_encoded_nul(b"q=a%20b%0A"));
    }
}
