//! Creating an account. The new user is signed in straight away and then adds the
//! organisations they act for in the cabinet.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::api::session::CurrentUser;
use crate::error::AppError;

/// Longest display name accepted.
pub const MAX_DISPLAY_NAME_CHARS: usize = 200;

/// Checks the display name: trimmed, inner runs of spaces collapsed.
pub fn validate_display_name(input: &str) -> Result<String, AppError> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err(AppError::field(
            "display_name",
            "Укажите, как к вам обращаться.",
        ))
    } else if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        Err(AppError::field(
            "display_name",
            format!("Имя длиннее {MAX_DISPLAY_NAME_CHARS} символов."),
        ))
    } else {
        Ok(name)
    }
}

/// Creates an account and signs it in. Refused the same way, and throttled, when the email is
/// taken; sign-ups from one address are limited too.
#[server(endpoint = "account/signup", input = Json, output = Json)]
pub async fn sign_up(
    display_name: String,
    email: String,
    password: String,
) -> Result<CurrentUser, AppError> {
    use crate::domain::account::{Email, Password};
    use crate::server::account::{self, InsertUserError};
    use crate::server::throttle::{self, client_address};
    use crate::server::{app_state, password as hashing, respond};
    let result = async {
        let state = app_state()?;
        let address_key = throttle::sign_up_address_key(&client_address());
        let account_key = throttle::sign_up_account_key(&email.trim().to_lowercase());
        // Reserved before anything else, one atomic statement per key: parallel sign-ups cannot
        // pass the limits. Every sign-up counts against the address; only one refused for a
        // taken address counts against that address's key, so the reservation is given back
        // otherwise.
        throttle::reserve(
            &state.pool,
            &[
                (address_key, throttle::SIGN_UPS_PER_ADDRESS),
                (account_key.clone(), throttle::SIGN_UPS_PER_ACCOUNT),
            ],
        )
        .await?;
        let created = async {
            let display_name = validate_display_name(&display_name)?;
            let email =
                Email::parse(&email).map_err(|e| AppError::field("email", e.to_string()))?;
            let password = Password::parse(&password)
                .map_err(|e| AppError::field("password", e.to_string()))?;
            let hash = hashing::hash_password(password.expose().to_owned())
                .await
                .map_err(|e| AppError::internal("hashing a password", e))?;
            Ok(account::insert_user(&state.pool, &email, &hash, &display_name).await)
        }
        .await;
        if !matches!(created, Ok(Err(InsertUserError::DuplicateEmail))) {
            throttle::refund(&state.pool, &account_key, throttle::SIGN_UPS_PER_ACCOUNT)
                .await
                .map_err(|e| AppError::internal("giving back a sign-up attempt", e))?;
        }
        let user_id = match created? {
            Ok(id) => id,
            Err(InsertUserError::DuplicateEmail) => {
                return Err(AppError::field(
                    "email",
                    "С этим адресом зарегистрироваться нельзя. Если это ваш адрес, войдите в личный кабинет.",
                ));
            }
            Err(InsertUserError::Db(e)) => return Err(AppError::internal("creating a user", e)),
        };
        tracing::info!(%user_id, "account created");
        crate::api::session::start_session(&state, user_id, 0).await
    }
    .await;
    respond(result)
}
