//! Authorisation: every server function starts by asking this module who is acting, and checks
//! what it needs against the roles held *in the organisation it touches* — never against ids
//! the client claims. The authorisation matrix test (server/tests/it/authz.rs) holds every server
//! function to its row.

use tower_sessions::Session;
use uuid::Uuid;

use super::{account, app_state, organisation::Organisation, session as auth, AppState};
use crate::domain::account::Role;
use crate::error::AppError;

/// The signed-in user making this request, with every role they hold.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<account::RoleGrant>,
    /// The role chosen in the switcher, when the user still holds it.
    pub acting_as: Option<auth::ActingAs>,
}

impl Actor {
    /// Whether the user holds this role in exactly this organisation.
    pub fn holds(&self, role: Role, organisation_id: Uuid) -> bool {
        self.roles
            .iter()
            .any(|g| g.role == role && g.organisation_id == organisation_id)
    }

    /// The portal's administrators hold `admin` in the operator organisation.
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|g| g.role == Role::Admin)
    }

    /// Whether the user may manage the staff and units of this organisation: the admin anywhere,
    /// a manager in their own body and its units (a unit's manager in that unit only).
    pub fn manages(&self, organisation: &Organisation) -> bool {
        self.is_admin()
            || self.holds(Role::KnoManager, organisation.id)
            || organisation
                .parent_id
                .is_some_and(|body| self.holds(Role::KnoManager, body))
    }

    /// The bodies (their organisations) the user manages: a unit's manager counts for the body.
    pub fn managed_bodies(&self) -> Vec<Uuid> {
        self.roles
            .iter()
            .filter(|g| g.role == Role::KnoManager)
            .map(|g| g.parent_id.unwrap_or(g.organisation_id))
            .collect()
    }

    /// The role the user acts in now: the one chosen, or else the first one held.
    pub fn current(&self) -> Option<&account::RoleGrant> {
        self.acting_as
            .and_then(|a| {
                self.roles
                    .iter()
                    .find(|g| g.role == a.role && g.organisation_id == a.organisation_id)
            })
            .or_else(|| self.roles.first())
    }
}

/// The session of this request.
pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| AppError::internal("no session layer", e))
}

/// The signed-in user, or `None` when anonymous. A session from before "log out everywhere",
/// past its absolute lifetime, or of a deleted account is ended here.
pub async fn optional_actor(state: &AppState) -> Result<Option<Actor>, AppError> {
    let session = session().await?;
    actor_of_session(state, &session).await
}

/// The signed-in user of a session, for plain HTTP handlers (file uploads and downloads) that
/// run outside a server function but must authorise the same way.
pub async fn actor_of_session(
    state: &AppState,
    session: &Session,
) -> Result<Option<Actor>, AppError> {
    let signed_in = auth::signed_in(session, state.session_lifetime_secs)
        .await
        .map_err(|e| AppError::internal("reading the session", e))?;
    let Some(signed_in) = signed_in else {
        return Ok(None);
    };
    let user = account::find_user(&state.pool, signed_in.user_id)
        .await
        .map_err(|e| AppError::internal("reading the user", e))?;
    let user = match user {
        Some(user) if user.session_generation == signed_in.generation => user,
        _ => {
            auth::sign_out(session)
                .await
                .map_err(|e| AppError::internal("ending a void session", e))?;
            return Ok(None);
        }
    };
    let roles = account::list_roles(&state.pool, user.id)
        .await
        .map_err(|e| AppError::internal("listing roles", e))?;
    let acting_as = auth::acting_as(session)
        .await
        .map_err(|e| AppError::internal("reading the chosen role", e))?;
    Ok(Some(Actor {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
        roles,
        acting_as,
    }))
}

/// The application state and the signed-in user; 401 when anonymous.
pub async fn signed_in() -> Result<(AppState, Actor), AppError> {
    let state = app_state()?;
    let actor = optional_actor(&state)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok((state, actor))
}

/// 403 unless the check holds.
pub fn ensure(allowed: bool) -> Result<(), AppError> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
