//! Who is signed in: the user id kept in the server-side session, with an absolute lifetime on
//! top of the inactivity expiry the session layer enforces, and the role the user acts in.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use uuid::Uuid;

use crate::domain::account::Role;

/// Session key of the signed-in user.
const USER_KEY: &str = "auth";
/// Session key of the role and organisation the user currently acts in.
const CURRENT_KEY: &str = "acting_as";
/// A sign-in lasts at most this long, however active the user is.
pub const ABSOLUTE_LIFETIME_SECS: i64 = 12 * 60 * 60;

/// What the session remembers of a sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub user_id: Uuid,
    pub since_unix: i64,
    /// The user's session generation at sign-in; "log out everywhere" moves the user on.
    #[serde(default)]
    pub generation: i32,
}

/// The role and organisation chosen in the role switcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActingAs {
    pub role: Role,
    pub organisation_id: Uuid,
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
    generation: i32,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.remove_value(CURRENT_KEY).await?;
    session
        .insert(
            USER_KEY,
            SignedIn {
                user_id,
                since_unix: now_unix(),
                generation,
            },
        )
        .await
}

/// Ends the session: its record is deleted and the cookie cleared.
pub async fn sign_out(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.flush().await
}

/// The sign-in of this session, if any and not past the absolute lifetime (an expired one is
/// ended here). Whether its generation is still current is for the caller to check.
pub async fn signed_in(
    session: &Session,
    absolute_lifetime_secs: i64,
) -> Result<Option<SignedIn>, tower_sessions::session::Error> {
    let Some(signed_in) = session.get::<SignedIn>(USER_KEY).await? else {
        return Ok(None);
    };
    if now_unix() - signed_in.since_unix > absolute_lifetime_secs {
        session.flush().await?;
        return Ok(None);
    }
    Ok(Some(signed_in))
}

pub async fn acting_as(
    session: &Session,
) -> Result<Option<ActingAs>, tower_sessions::session::Error> {
    session.get::<ActingAs>(CURRENT_KEY).await
}

pub async fn set_acting_as(
    session: &Session,
    acting_as: ActingAs,
) -> Result<(), tower_sessions::session::Error> {
    session.insert(CURRENT_KEY, acting_as).await
}
