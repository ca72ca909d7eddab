//! Server-side sessions in PostgreSQL, referenced by a signed cookie: HttpOnly, SameSite=Lax,
//! Secure with the `__Host-` prefix behind https, expiring after 30 minutes without use.

use std::time::Duration;

use sqlx::PgPool;
use tower_sessions::{
    cookie::{time, Key, SameSite},
    service::SignedCookie,
    session_store::ExpiredDeletion,
    Expiry, SessionManagerLayer,
};
use tower_sessions_sqlx_store::PostgresStore;

use crate::config::Config;

/// Sessions unused for this long end.
pub const INACTIVITY_MINUTES: i64 = 30;
/// How often expired session records are deleted.
const CLEANUP_EVERY: Duration = Duration::from_secs(60 * 60);

/// Cookie name: `__Host-` binds it to this host and path `/` over https only.
pub fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-knd_session"
    } else {
        "knd_session"
    }
}

/// The key that signs session cookies: derived from KND_SESSION_SECRET (required in
/// production, at least 64 characters); in development without one, a random key per process.
fn signing_key(config: &Config) -> Key {
    match config.session_secret.as_deref() {
        Some(secret) if secret.len() >= 64 => Key::from(secret.as_bytes()),
        _ => {
            tracing::warn!("no KND_SESSION_SECRET of 64+ characters: sessions end on restart");
            Key::generate()
        }
    }
}

pub fn layer(pool: PgPool, config: &Config) -> SessionManagerLayer<PostgresStore, SignedCookie> {
    let https = config.is_https();
    SessionManagerLayer::new(PostgresStore::new(pool))
        .with_name(cookie_name(https))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(https)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(
            INACTIVITY_MINUTES,
        )))
        .with_signed(signing_key(config))
}

/// Deletes expired sessions in the background for as long as the server runs.
pub fn spawn_cleanup(pool: PgPool) {
    let store = PostgresStore::new(pool);
    tokio::spawn(async move {
        if let Err(error) = store.continuously_delete_expired(CLEANUP_EVERY).await {
            tracing::error!(%error, "expired-session cleanup stopped");
        }
    });
}
