//! Signing in and out, who am I, which role I act in. Fixed endpoints with JSON bodies: other
//! clients and the tests call them directly.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::domain::account::Role;
use crate::error::AppError;

/// A role the user holds, for the header's role switcher and for clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleView {
    pub role: Role,
    pub organisation_id: String,
    pub organisation_name: String,
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<RoleView>,
    /// The role the user acts in now (one of `roles`); `None` while they hold none.
    pub current: Option<RoleView>,
}

#[cfg(feature = "ssr")]
impl From<crate::server::account::RoleGrant> for RoleView {
    fn from(g: crate::server::account::RoleGrant) -> Self {
        RoleView {
            role: g.role,
            organisation_id: g.organisation_id.to_string(),
            organisation_name: g.organisation_name,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::server::authz::Actor> for CurrentUser {
    fn from(actor: crate::server::authz::Actor) -> Self {
        let current = actor.current().cloned().map(RoleView::from);
        CurrentUser {
            user_id: actor.user_id.to_string(),
            email: actor.email,
            display_name: actor.display_name,
            roles: actor.roles.into_iter().map(RoleView::from).collect(),
            current,
        }
    }
}

/// Signs in with email and password; 401 with one message for any wrong pair, 429 past the
/// limits. The attempt is counted before the password is checked (so parallel guesses cannot
/// overrun the limit) and given back when it succeeds. A browser the account signed in on
/// before (its device cookie) is limited on its own; any other shares the account's and the
/// address's limits.
#[server(endpoint = "session/login", input = Json, output = Json)]
pub async fn login(email: String, password: String) -> Result<CurrentUser, AppError> {
    use crate::domain::account::Email;
    use crate::server::throttle::{self, client_address, device};
    use crate::server::{account, app_state, password as hashing, respond};
    let result = async {
        let state = app_state()?;
        let normalised = email.trim().to_lowercase();
        let device = device::presented_for(&state.pool, &normalised)
            .await
            .map_err(|e| AppError::internal("reading the device cookie", e))?;
        let account_key = throttle::account_key(&normalised);
        let address_key = throttle::address_key(&client_address());
        let keys = match &device {
            Some(device) => vec![(device.throttle_key(), throttle::PER_DEVICE)],
            None => vec![
                (account_key.clone(), throttle::PER_ACCOUNT),
                (address_key.clone(), throttle::PER_ADDRESS),
            ],
        };
        throttle::reserve(&state.pool, &keys).await?;
        let Ok(email) = Email::parse(&email) else {
            hashing::verify_against_dummy(password).await;
            return Err(AppError::BadCredentials);
        };
        let user = account::find_user_by_email(&state.pool, &email)
            .await
            .map_err(|e| AppError::internal("finding the user", e))?;
        let Some(user) = user else {
            hashing::verify_against_dummy(password).await;
            return Err(AppError::BadCredentials);
        };
        let valid = hashing::verify_password(password, user.password_hash.clone())
            .await
            .map_err(|e| AppError::internal("checking the password", e))?;
        if !valid {
            return Err(AppError::BadCredentials);
        }
        // The device's (or the account's) failures are forgotten; the address keeps what it
        // tried on other accounts, and only this attempt is given back.
        let forgotten = match &device {
            Some(device) => throttle::clear(&state.pool, &device.throttle_key()).await,
            None => match throttle::clear(&state.pool, &account_key).await {
                Ok(()) => throttle::refund(&state.pool, &address_key, throttle::PER_ADDRESS).await,
                Err(e) => Err(e),
            },
        };
        forgotten.map_err(|e| AppError::internal("updating the throttle", e))?;
        start_session(&state, user.id, user.session_generation).await
    }
    .await;
    respond(result)
}

/// Signs the user in on this browser, trusts the browser for later sign-ins (its device
/// cookie), and answers with who they are now.
#[cfg(feature = "ssr")]
pub(crate) async fn start_session(
    state: &crate::server::AppState,
    user_id: uuid::Uuid,
    generation: i32,
) -> Result<CurrentUser, AppError> {
    use crate::server::{authz, session as auth, throttle::device};
    let session = authz::session().await?;
    auth::sign_in(&session, user_id, generation)
        .await
        .map_err(|e| AppError::internal("starting the session", e))?;
    device::remember(&state.pool, user_id)
        .await
        .map_err(|e| AppError::internal("remembering the device", e))?;
    let actor = authz::optional_actor(state)
        .await?
        .ok_or_else(|| AppError::internal("signing in", "the new session has no user"))?;
    Ok(actor.into())
}

/// Ends the session. Always succeeds, signed in or not.
#[server(endpoint = "session/logout", input = Json, output = Json)]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{authz, respond, session as auth};
    let result = async {
        let session = authz::session().await?;
        auth::sign_out(&session)
            .await
            .map_err(|e| AppError::internal("ending the session", e))
    }
    .await;
    respond(result)
}

/// Ends every session of the user, on every device, this one included.
#[server(endpoint = "session/logout_everywhere", input = Json, output = Json)]
pub async fn logout_everywhere() -> Result<(), AppError> {
    use crate::server::{account, authz, respond, session as auth};
    let result = async {
        let (state, actor) = authz::signed_in().await?;
        account::next_session_generation(&state.pool, actor.user_id)
            .await
            .map_err(|e| AppError::internal("ending every session", e))?;
        // A lost or stolen device must not keep its exemption from the account's limit.
        crate::server::throttle::device::forget_all(&state.pool, actor.user_id)
            .await
            .map_err(|e| AppError::internal("forgetting the devices", e))?;
        let session = authz::session().await?;
        auth::sign_out(&session)
            .await
            .map_err(|e| AppError::internal("ending the session", e))
    }
    .await;
    respond(result)
}

/// The signed-in user and their roles; 401 when anonymous.
#[server(endpoint = "session/me", input = Json, output = Json)]
pub async fn me() -> Result<CurrentUser, AppError> {
    use crate::server::{authz, respond};
    let result = async {
        let (_, actor) = authz::signed_in().await?;
        Ok(actor.into())
    }
    .await;
    respond(result)
}

/// The signed-in user, or `None` when anonymous: for pages that show either.
#[server(endpoint = "session/whoami", input = Json, output = Json)]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    use crate::server::{app_state, authz, respond};
    let result = async {
        let state = app_state()?;
        Ok(authz::optional_actor(&state).await?.map(CurrentUser::from))
    }
    .await;
    respond(result)
}

/// Chooses the role (and organisation) to act in; only one the user holds.
#[server(endpoint = "session/switch", input = Json, output = Json)]
pub async fn switch_role(role: Role, organisation_id: String) -> Result<CurrentUser, AppError> {
    use crate::server::{authz, respond, session as auth};
    let result = async {
        let (_, mut actor) = authz::signed_in().await?;
        let organisation_id = crate::server::parse_id(&organisation_id)?;
        authz::ensure(actor.holds(role, organisation_id))?;
        let acting_as = auth::ActingAs {
            role,
            organisation_id,
        };
        let session = authz::session().await?;
        auth::set_acting_as(&session, acting_as)
            .await
            .map_err(|e| AppError::internal("choosing the role", e))?;
        actor.acting_as = Some(acting_as);
        Ok(actor.into())
    }
    .await;
    respond(result)
}
