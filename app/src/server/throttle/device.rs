//! Device cookies (OWASP, «Slow down online guessing attacks with device cookies»): after a
//! successful sign-in the browser gets a random token, which it presents with later attempts.
//! An attempt presenting a token that the same account earned is limited per token, not by the
//! account-wide limit, so someone guessing the password elsewhere cannot keep the owner out of
//! their own browsers. Only the token's SHA-256 is stored; trust lapses after half a year
//! unused, and "log out everywhere" withdraws it.

use http::{header, HeaderValue};
use sha2::{Digest, Sha256};
use sqlx::{PgExecutor, PgPool};
use tower_sessions::cookie::{time, Cookie, SameSite};
use uuid::Uuid;

/// Cookie name over plain http (development) and over https (bound to this host).
const NAME: &str = "knd_device";
const HOST_NAME: &str = "__Host-knd_device";
/// How long a device stays trusted without a sign-in.
pub const TRUST_DAYS: i64 = 180;
/// Devices remembered per account; the least recently used go first.
pub const MAX_PER_ACCOUNT: i64 = 20;

/// Whether the portal is served over https, put into request extensions by the server (so the
/// cookie is `Secure` and host-bound there).
#[derive(Debug, Clone, Copy, Default)]
pub struct DeviceCookiePolicy {
    pub https: bool,
}

/// A presented token, as stored: its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceId(Vec<u8>);

impl DeviceId {
    fn of(token: &str) -> DeviceId {
        DeviceId(Sha256::digest(token.as_bytes()).to_vec())
    }

    /// The throttle key of attempts from this device.
    pub fn throttle_key(&self) -> String {
        format!("device:{}", hex::encode(&self.0[..16]))
    }
}

fn request_parts() -> Option<http::request::Parts> {
    leptos::prelude::use_context::<http::request::Parts>()
}

/// The device token this request carries, if any.
fn presented_token() -> Option<String> {
    let parts = request_parts()?;
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| matches!(cookie.name(), NAME | HOST_NAME))
        .map(|cookie| cookie.value().to_owned())
}

/// The device of this request, if it carries a token that the account with this (normalised)
/// email earned and that has not lapsed.
pub async fn presented_for(db: &PgPool, email: &str) -> sqlx::Result<Option<DeviceId>> {
    let Some(token) = presented_token() else {
        return Ok(None);
    };
    let id = DeviceId::of(&token);
    let known: Option<(i32,)> = sqlx::query_as(
        "SELECT 1 FROM sign_in_device d JOIN app_user u ON u.id = d.user_id
         WHERE d.token_hash = $1 AND u.email = $2
           AND d.last_used_at > now() - make_interval(days => $3)",
    )
    .bind(&id.0)
    .bind(email)
    .bind(TRUST_DAYS as i32)
    .fetch_optional(db)
    .await?;
    Ok(known.map(|_| id))
}

/// Trusts this browser for the user after a successful sign-in: the token it presented, if it
/// is the user's, is kept (and its lifetime renewed); otherwise a new one is issued in a cookie.
pub async fn remember(db: &PgPool, user_id: Uuid) -> sqlx::Result<()> {
    if let Some(token) = presented_token() {
        let renewed = sqlx::query(
            "UPDATE sign_in_device SET last_used_at = now()
             WHERE token_hash = $1 AND user_id = $2",
        )
        .bind(DeviceId::of(&token).0)
        .bind(user_id)
        .execute(db)
        .await?
        .rows_affected();
        if renewed > 0 {
            return Ok(());
        }
    }
    // 244 random bits from the operating system's generator.
    let token = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
    sqlx::query("INSERT INTO sign_in_device (token_hash, user_id) VALUES ($1, $2)")
        .bind(DeviceId::of(&token).0)
        .bind(user_id)
        .execute(db)
        .await?;
    sqlx::query(
        "DELETE FROM sign_in_device WHERE user_id = $1 AND token_hash NOT IN
           (SELECT token_hash FROM sign_in_device WHERE user_id = $1
            ORDER BY last_used_at DESC LIMIT $2)",
    )
    .bind(user_id)
    .bind(MAX_PER_ACCOUNT)
    .execute(db)
    .await?;
    set_cookie(&token);
    Ok(())
}

/// Withdraws the trust of every browser of the user ("log out everywhere").
pub async fn forget_all(db: impl PgExecutor<'_>, user_id: Uuid) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM sign_in_device WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes lapsed devices; returns how many.
pub async fn prune(db: impl PgExecutor<'_>) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM sign_in_device WHERE last_used_at < now() - make_interval(days => $1)",
    )
    .bind(TRUST_DAYS as i32)
    .execute(db)
    .await?
    .rows_affected())
}

fn set_cookie(token: &str) {
    let https = request_parts()
        .and_then(|parts| parts.extensions.get::<DeviceCookiePolicy>().copied())
        .unwrap_or_default()
        .https;
    let cookie = Cookie::build((if https { HOST_NAME } else { NAME }, token.to_owned()))
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::days(TRUST_DAYS))
        .build();
    let Ok(value) = HeaderValue::from_str(&cookie.to_string()) else {
        return;
    };
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(header::SET_COOKIE, value);
    }
}
