//! Throttling of failed sign-ins, per account and per client address, kept in PostgreSQL so all
//! instances share it. A key that reaches its limit within the window is blocked for a while.

use sqlx::PgExecutor;

/// The client's address as the server determined it (the peer, or the first
/// `X-Forwarded-For` entry behind a trusted proxy); put into request extensions by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// How many failures within how long block a key, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_failures: i32,
    pub window_secs: f64,
    pub block_secs: f64,
}

/// Per account: guessing one user's password.
pub const PER_ACCOUNT: Limit = Limit {
    max_failures: 5,
    window_secs: 900.0,
    block_secs: 900.0,
};
/// Per client address: trying many accounts from one place.
pub const PER_ADDRESS: Limit = Limit {
    max_failures: 20,
    window_secs: 900.0,
    block_secs: 900.0,
};

/// Sign-ups per client address, successful or not: creating accounts in bulk.
pub const SIGN_UPS_PER_ADDRESS: Limit = Limit {
    max_failures: 10,
    window_secs: 3600.0,
    block_secs: 3600.0,
};
/// Sign-ups refused for one email: probing which addresses have accounts.
pub const SIGN_UPS_PER_ACCOUNT: Limit = Limit {
    max_failures: 5,
    window_secs: 900.0,
    block_secs: 900.0,
};

pub fn sign_up_address_key(address: &str) -> String {
    format!("sign-up-ip:{address}")
}

pub fn sign_up_account_key(email: &str) -> String {
    format!("sign-up-email:{email}")
}

/// The client address the server put into this request's extensions.
pub fn client_address() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddress>().cloned())
        .map_or_else(|| "unknown".to_owned(), |ClientAddress(a)| a)
}

/// 429 when any of the keys is blocked now.
pub async fn check(db: &sqlx::PgPool, keys: &[&str]) -> Result<(), crate::error::AppError> {
    for key in keys {
        if let Some(retry_after_secs) = blocked_for(db, key)
            .await
            .map_err(|e| crate::error::AppError::internal("reading the throttle", e))?
        {
            return Err(crate::error::AppError::TooManyRequests { retry_after_secs });
        }
    }
    Ok(())
}

pub fn account_key(email: &str) -> String {
    format!("email:{email}")
}

pub fn address_key(address: &str) -> String {
    format!("ip:{address}")
}

/// Seconds until the key is unblocked, if it is blocked now.
pub async fn blocked_for(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "SELECT ceil(extract(epoch FROM blocked_until - now()))::bigint FROM login_throttle
         WHERE key = $1 AND blocked_until > now()",
    )
    .bind(key)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(secs,)| secs.max(1)))
}

/// Counts a failure; a new window starts when the old one has passed.
pub async fn record_failure(db: impl PgExecutor<'_>, key: &str, limit: Limit) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO login_throttle AS t (key, failures, window_started, blocked_until)
         VALUES ($1, 1, now(), CASE WHEN 1 >= $3 THEN now() + make_interval(secs => $4) END)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN t.window_started < now() - make_interval(secs => $2)
                           THEN 1 ELSE t.failures + 1 END,
           window_started = CASE WHEN t.window_started < now() - make_interval(secs => $2)
                                 THEN now() ELSE t.window_started END,
           blocked_until = CASE
             WHEN (CASE WHEN t.window_started < now() - make_interval(secs => $2)
                        THEN 1 ELSE t.failures + 1 END) >= $3
             THEN now() + make_interval(secs => $4)
             ELSE t.blocked_until END",
    )
    .bind(key)
    .bind(limit.window_secs)
    .bind(limit.max_failures)
    .bind(limit.block_secs)
    .execute(db)
    .await?;
    Ok(())
}

/// Forgets a key's failures (after a successful sign-in to that account).
pub async fn clear(db: impl PgExecutor<'_>, key: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1")
        .bind(key)
        .execute(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use sqlx::PgPool;

    use super::*;

    const SMALL: Limit = Limit {
        max_failures: 3,
        window_secs: 900.0,
        block_secs: 600.0,
    };

    #[sqlx::test(migrations = "../migrations")]
    async fn a_key_is_blocked_when_it_reaches_the_limit(pool: PgPool) {
        let key = account_key("business@demo.knd.local");
        for _ in 0..2 {
            record_failure(&pool, &key, SMALL).await.unwrap();
            assert_eq!(blocked_for(&pool, &key).await.unwrap(), None);
        }
        record_failure(&pool, &key, SMALL).await.unwrap();
        let secs = blocked_for(&pool, &key).await.unwrap().unwrap();
        assert!((590..=600).contains(&secs), "{secs}");
        assert_eq!(
            blocked_for(&pool, &address_key("10.0.0.1")).await.unwrap(),
            None
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn failures_of_a_past_window_do_not_count(pool: PgPool) {
        let key = account_key("a@b.ru");
        record_failure(&pool, &key, SMALL).await.unwrap();
        record_failure(&pool, &key, SMALL).await.unwrap();
        sqlx::query("UPDATE login_throttle SET window_started = now() - interval '1 hour'")
            .execute(&pool)
            .await
            .unwrap();
        record_failure(&pool, &key, SMALL).await.unwrap();
        assert_eq!(blocked_for(&pool, &key).await.unwrap(), None);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn clearing_unblocks(pool: PgPool) {
        let key = account_key("a@b.ru");
        for _ in 0..3 {
            record_failure(&pool, &key, SMALL).await.unwrap();
        }
        clear(&pool, &key).await.unwrap();
        assert_eq!(blocked_for(&pool, &key).await.unwrap(), None);
    }
}
