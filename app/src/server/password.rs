//! Password hashing: Argon2id at the OWASP minimum (m = 19 MiB, t = 2, p = 1). Hashing takes tens
//! of milliseconds of CPU, so it runs on tokio's blocking pool, never on the async threads.

use std::sync::OnceLock;

use argon2::{
    password_hash::{phc::PasswordHash, PasswordHasher, PasswordVerifier},
    Algorithm, Argon2, Params, Version,
};

/// Memory cost in KiB (19 MiB).
pub const M_COST_KIB: u32 = 19 * 1024;
/// Iterations.
pub const T_COST: u32 = 2;
/// Parallelism.
pub const P_COST: u32 = 1;

/// Hashing failed (the blocking pool is gone, or the stored hash is not a PHC string).
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("the hashing task did not finish: {0}")]
    Task(#[from] tokio::task::JoinError),
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None).expect("OWASP parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password with a fresh random salt into a PHC string (`$argon2id$v=19$…`).
pub async fn hash_password(password: String) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || {
        hasher()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| PasswordError::Hash(e.to_string()))
    })
    .await?
}

/// Whether `password` matches the stored PHC string. A malformed stored hash is an error, not a
/// mismatch, so it is noticed.
pub async fn verify_password(password: String, stored: String) -> Result<bool, PasswordError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored).map_err(|e| PasswordError::Hash(e.to_string()))?;
        Ok(hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
}

/// Spends the same work as checking a real password, for sign-in attempts with an unknown
/// email: the answer's timing must not tell which emails have accounts.
pub async fn verify_against_dummy(password: String) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = match DUMMY.get() {
        Some(hash) => hash.clone(),
        None => match hash_password("not a real account".to_owned()).await {
            Ok(hash) => DUMMY.get_or_init(|| hash).clone(),
            Err(_) => return,
        },
    };
    let _ = verify_password(password, stored).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("правильный пароль".into()).await.unwrap();
        assert!(verify_password("правильный пароль".into(), hash.clone())
            .await
            .unwrap());
        assert!(!verify_password("неправильный пароль".into(), hash)
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn hashes_use_argon2id_at_the_owasp_minimum_with_a_fresh_salt() {
        let one = hash_password("demo-password-2026".into()).await.unwrap();
        let two = hash_password("demo-password-2026".into()).await.unwrap();
        assert!(one.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{one}");
        assert_ne!(one, two);
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_is_an_error() {
        assert!(verify_password("x".into(), "not-a-hash".into())
            .await
            .is_err());
    }
}
