//! Signing in and out, and who am I. Fixed endpoints with JSON bodies: other clients and the
//! tests call them directly.

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
    pub roles: Vec<RoleView>,
}

#[cfg(feature = "ssr")]
async fn current_user_of(
    state: &crate::server::AppState,
    user_id: uuid::Uuid,
    email: String,
) -> Result<CurrentUser, AppError> {
    let roles = crate::server::account::list_roles(&state.pool, user_id)
        .await
        .map_err(|e| AppError::internal("listing roles", e))?;
    Ok(CurrentUser {
        user_id: user_id.to_string(),
        email,
        roles: roles
            .into_iter()
            .map(|g| RoleView {
                role: g.role,
                organisation_id: g.organisation_id.to_string(),
                organisation_name: g.organisation_name,
            })
            .collect(),
    })
}

#[cfg(feature = "ssr")]
async fn session() -> Result<tower_sessions::Session, AppError> {
    leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|e| AppError::internal("no session layer", e))
}

/// Signs in with email and password; 401 with one message for any wrong pair.
#[server(endpoint = "session/login", input = Json, output = Json)]
pub async fn login(email: String, password: String) -> Result<CurrentUser, AppError> {
    use crate::domain::account::Email;
    use crate::server::throttle::{self, ClientAddress};
    use crate::server::{account, app_state, password as hashing, respond, session as auth};
    let state = app_state()?;
    let address = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddress>().cloned())
        .map_or_else(|| "unknown".to_owned(), |ClientAddress(a)| a);
    let result = async {
        let normalised = email.trim().to_lowercase();
        let keys = [
            (throttle::account_key(&normalised), throttle::PER_ACCOUNT),
            (throttle::address_key(&address), throttle::PER_ADDRESS),
        ];
        for (key, _) in &keys {
            if let Some(retry_after_secs) = throttle::blocked_for(&state.pool, key)
                .await
                .map_err(|e| AppError::internal("reading the throttle", e))?
            {
                return Err(AppError::TooManyRequests { retry_after_secs });
            }
        }
        let failed = || async {
            for (key, limit) in &keys {
                throttle::record_failure(&state.pool, key, *limit)
                    .await
                    .map_err(|e| AppError::internal("recording a failed sign-in", e))?;
            }
            Err(AppError::BadCredentials)
        };
        let Ok(email) = Email::parse(&email) else {
            hashing::verify_against_dummy(password).await;
            return failed().await;
        };
        let user = account::find_user_by_email(&state.pool, &email)
            .await
            .map_err(|e| AppError::internal("finding the user", e))?;
        let Some(user) = user else {
            hashing::verify_against_dummy(password).await;
            return failed().await;
        };
        let valid = hashing::verify_password(password, user.password_hash.clone())
            .await
            .map_err(|e| AppError::internal("checking the password", e))?;
        if !valid {
            return failed().await;
        }
        throttle::clear(&state.pool, &keys[0].0)
            .await
            .map_err(|e| AppError::internal("clearing the throttle", e))?;
        let session = session().await?;
        auth::sign_in(&session, user.id)
            .await
            .map_err(|e| AppError::internal("starting the session", e))?;
        current_user_of(&state, user.id, user.email).await
    }
    .await;
    respond(result)
}

/// Ends the session. Always succeeds, signed in or not.
#[server(endpoint = "session/logout", input = Json, output = Json)]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{respond, session as auth};
    let result = async {
        let session = session().await?;
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
    use crate::server::{app_state, respond, session as auth};
    let state = app_state()?;
    let result = async {
        let session = session().await?;
        let user_id = auth::current_user(&session)
            .await
            .map_err(|e| AppError::internal("reading the session", e))?
            .ok_or(AppError::Unauthorized)?;
        let email = crate::server::account::find_user_email(&state.pool, user_id)
            .await
            .map_err(|e| AppError::internal("reading the user", e))?
            // A deleted account ends its sessions.
            .ok_or(AppError::Unauthorized)?;
        current_user_of(&state, user_id, email).await
    }
    .await;
    respond(result)
}
