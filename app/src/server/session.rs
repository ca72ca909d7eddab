//! Who is signed in: the user id kept in the server-side session, with an absolute lifetime on
//! top of the inactivity expiry the session layer enforces.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

/// Session key of the signed-in user.
const USER_KEY: &str = "auth";
/// A sign-in lasts at most this long, however active the user is.
pub const ABSOLUTE_LIFETIME_SECS: i64 = 12 * 60 * 60;

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct SignedIn {
    user_id: Uuid,
    since_unix: i64,
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Signs the user in under a new session id (so an id planted before sign-in is worthless).
pub async fn sign_in(
    session: &Session,
    user_id: Uuid,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session
        .insert(
            USER_KEY,
            SignedIn {
                user_id,
                since_unix: now_unix(),
            },
        )
        .await
}

/// Ends the session: its record is deleted and the cookie cleared.
pub async fn sign_out(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}

/// The signed-in user, if any and not past the absolute lifetime.
pub async fn current_user(
    session: &Session,
) -> Result<Option<Uuid>, tower_sessions::session::Error> {
    let Some(signed_in) = session.get::<SignedIn>(USER_KEY).await? else {
        return Ok(None);
    };
    if now_unix() - signed_in.since_unix > ABSOLUTE_LIFETIME_SECS {
        session.flush().await?;
        return Ok(None);
    }
    Ok(Some(signed_in.user_id))
}
