//! Throttling of sign-in attempts and sign-ups, kept in PostgreSQL so that every instance
//! shares the counts exactly.
//!
//! A sign-in attempt is *reserved* before its password is checked: one statement per key that
//! counts the attempt under the key's row lock (`INSERT … ON CONFLICT DO UPDATE`), so parallel
//! attempts are counted one after another and no more than the limit of them ever reach the
//! password check. A successful attempt gives its reservation back. Which keys an attempt
//! counts against depends on the browser: one the account signed in on before presents a
//! device cookie ([`device`]) and is limited per device, so an attacker guessing the password
//! from elsewhere cannot lock the owner out; any other browser shares the account's limit.

pub mod device;

use std::net::IpAddr;

use sqlx::{PgExecutor, PgPool};

use crate::error::AppError;

/// The client's address as the server determined it (the socket's peer, or behind trusted
/// proxies the rightmost untrusted `X-Forwarded-For` hop); put into request extensions by the
/// server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// How many attempts within how long a key allows, and for how long it is then blocked.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max_failures: i32,
    pub window_secs: f64,
    pub block_secs: f64,
}

/// Per account, for browsers the account has not signed in on: guessing one user's password.
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
/// Per device cookie: a browser the account signed in on before gets its own allowance, which
/// an attacker elsewhere cannot use up.
pub const PER_DEVICE: Limit = Limit {
    max_failures: 5,
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

/// How long a counter is kept after its window and block have passed (the longest window).
const FORGET_AFTER_SECS: f64 = 3600.0;

/// The part of an address that identifies one client: an IPv4 address, or the /64 network of
/// an IPv6 one (a single subscriber usually gets a whole /64, and could otherwise take a new
/// address for every attempt). Anything unparsable is kept as it is.
pub fn address_bucket(address: &str) -> String {
    match address.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            format!("{}/64", std::net::Ipv6Addr::from(prefix))
        }
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => address.to_owned(),
    }
}

pub fn sign_up_address_key(address: &str) -> String {
    format!("sign-up-ip:{}", address_bucket(address))
}

pub fn sign_up_account_key(email: &str) -> String {
    format!("sign-up-email:{email}")
}

pub fn account_key(email: &str) -> String {
    format!("email:{email}")
}

pub fn address_key(address: &str) -> String {
    format!("ip:{}", address_bucket(address))
}

/// The client address the server put into this request's extensions.
pub fn client_address() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddress>().cloned())
        .map_or_else(|| "unknown".to_owned(), |ClientAddress(a)| a)
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

/// Counts one attempt against `key` under the row's lock and answers whether it is within the
/// limit; if not, the seconds until the key is free again. A key whose block (or, never
/// blocked, whose window) has passed starts counting afresh. The count stops one past the
/// limit, so a blocked key does not grow.
pub async fn reserve_one(
    db: impl PgExecutor<'_>,
    key: &str,
    limit: Limit,
) -> sqlx::Result<Result<(), i64>> {
    let (attempts, retry_after): (i32, Option<i64>) = sqlx::query_as(
        "INSERT INTO login_throttle AS t (key, failures, window_started, blocked_until)
         VALUES ($1, 1, now(), CASE WHEN 1 >= $3 THEN now() + make_interval(secs => $4) END)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN t.blocked_until <= now()
                             OR (t.blocked_until IS NULL
                                 AND t.window_started < now() - make_interval(secs => $2))
                           THEN 1 ELSE least(t.failures + 1, $3 + 1) END,
           window_started = CASE WHEN t.blocked_until <= now()
                                   OR (t.blocked_until IS NULL
                                       AND t.window_started < now() - make_interval(secs => $2))
                                 THEN now() ELSE t.window_started END,
           blocked_until = CASE
             WHEN t.blocked_until <= now()
                  OR (t.blocked_until IS NULL
                      AND t.window_started < now() - make_interval(secs => $2))
             THEN CASE WHEN 1 >= $3 THEN now() + make_interval(secs => $4) END
             WHEN t.blocked_until IS NULL AND t.failures + 1 >= $3
             THEN now() + make_interval(secs => $4)
             ELSE t.blocked_until END
         RETURNING failures, ceil(extract(epoch FROM blocked_until - now()))::bigint",
    )
    .bind(key)
    .bind(limit.window_secs)
    .bind(limit.max_failures)
    .bind(limit.block_secs)
    .fetch_one(db)
    .await?;
    if attempts <= limit.max_failures {
        Ok(Ok(()))
    } else {
        Ok(Err(retry_after.unwrap_or(1).max(1)))
    }
}

/// Reserves one attempt against every key, in a fixed order (so concurrent attempts lock rows
/// in the same order); 429 when any key is over its limit. Every key is counted even when an
/// earlier one refuses, which errs on the side of counting.
pub async fn reserve(db: &PgPool, keys: &[(String, Limit)]) -> Result<(), AppError> {
    let mut sorted: Vec<&(String, Limit)> = keys.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut refused: Option<i64> = None;
    for (key, limit) in sorted {
        let answer = reserve_one(db, key, *limit)
            .await
            .map_err(|e| AppError::internal("counting a sign-in attempt", e))?;
        if let Err(secs) = answer {
            refused = Some(refused.map_or(secs, |s| s.max(secs)));
        }
    }
    match refused {
        Some(retry_after_secs) => Err(AppError::TooManyRequests { retry_after_secs }),
        None => Ok(()),
    }
}

/// Gives back an attempt reserved against `key` that turned out to be legitimate.
pub async fn refund(db: impl PgExecutor<'_>, key: &str, limit: Limit) -> sqlx::Result<()> {
    sqlx::query(
        "WITH gone AS (DELETE FROM login_throttle WHERE key = $1 AND failures <= 1)
         UPDATE login_throttle SET
           failures = failures - 1,
           blocked_until = CASE WHEN failures - 1 < $2 THEN NULL ELSE blocked_until END
         WHERE key = $1 AND failures > 1",
    )
    .bind(key)
    .bind(limit.max_failures)
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

/// Deletes counters that no longer block or count anything, and lapsed device trust; returns
/// how many rows went. Run periodically, so that attempts with ever new keys (emails,
/// addresses) cannot grow the tables without end.
pub async fn prune(db: &PgPool) -> sqlx::Result<u64> {
    let counters = sqlx::query(
        "DELETE FROM login_throttle
         WHERE (blocked_until IS NULL OR blocked_until < now())
           AND window_started < now() - make_interval(secs => $1)",
    )
    .bind(FORGET_AFTER_SECS)
    .execute(db)
    .await?
    .rows_affected();
    Ok(counters + device::prune(db).await?)
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

    #[sqlx::test(migrations = "../migrations")]
    async fn reservations_stop_at_the_limit_and_report_the_block(pool: PgPool) {
        let key = account_key("a@b.ru");
        for attempt in 1..=3 {
            assert_eq!(
                reserve_one(&pool, &key, SMALL).await.unwrap(),
                Ok(()),
                "{attempt}"
            );
        }
        for _ in 0..5 {
            let secs = reserve_one(&pool, &key, SMALL).await.unwrap().unwrap_err();
            assert!((590..=600).contains(&secs), "{secs}");
        }
        // The count stops one past the limit.
        let (failures,): (i32,) = sqlx::query_as("SELECT failures FROM login_throttle")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(failures, 4);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_key_counts_afresh_once_its_block_or_window_has_passed(pool: PgPool) {
        let blocked = account_key("blocked@b.ru");
        let counting = account_key("counting@b.ru");
        for _ in 0..4 {
            let _ = reserve_one(&pool, &blocked, SMALL).await.unwrap();
        }
        for _ in 0..2 {
            let _ = reserve_one(&pool, &counting, SMALL).await.unwrap();
        }
        sqlx::query(
            "UPDATE login_throttle SET blocked_until = now() - interval '1 second'
             WHERE blocked_until IS NOT NULL",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query("UPDATE login_throttle SET window_started = now() - interval '1 hour'")
            .execute(&pool)
            .await
            .unwrap();
        for key in [&blocked, &counting] {
            for _ in 0..3 {
                assert_eq!(reserve_one(&pool, key, SMALL).await.unwrap(), Ok(()));
            }
            assert!(reserve_one(&pool, key, SMALL).await.unwrap().is_err());
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_refund_gives_back_one_attempt_and_lifts_the_block_it_caused(pool: PgPool) {
        let key = address_key("203.0.113.9");
        for _ in 0..3 {
            reserve_one(&pool, &key, SMALL).await.unwrap().unwrap();
        }
        assert!(blocked_for(&pool, &key).await.unwrap().is_some());
        refund(&pool, &key, SMALL).await.unwrap();
        assert_eq!(blocked_for(&pool, &key).await.unwrap(), None);
        assert_eq!(reserve_one(&pool, &key, SMALL).await.unwrap(), Ok(()));
        assert!(reserve_one(&pool, &key, SMALL).await.unwrap().is_err());
        // A single reservation given back leaves nothing behind.
        let lone = address_key("203.0.113.10");
        reserve_one(&pool, &lone, SMALL).await.unwrap().unwrap();
        refund(&pool, &lone, SMALL).await.unwrap();
        let (rows,): (i64,) = sqlx::query_as("SELECT count(*) FROM login_throttle WHERE key = $1")
            .bind(&lone)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(rows, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn pruning_forgets_only_counters_that_no_longer_matter(pool: PgPool) {
        for key in ["old", "old-blocked", "recent", "blocked"] {
            record_failure(&pool, key, SMALL).await.unwrap();
        }
        sqlx::query(
            "UPDATE login_throttle SET window_started = now() - interval '2 hours'
             WHERE key LIKE 'old%' OR key = 'blocked'",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "UPDATE login_throttle SET blocked_until = now() + interval '5 minutes'
             WHERE key = 'blocked'",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "UPDATE login_throttle SET blocked_until = now() - interval '5 minutes'
             WHERE key = 'old-blocked'",
        )
        .execute(&pool)
        .await
        .unwrap();
        assert_eq!(prune(&pool).await.unwrap(), 2);
        let keys: Vec<(String,)> = sqlx::query_as("SELECT key FROM login_throttle ORDER BY key")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(keys, vec![("blocked".to_owned(),), ("recent".to_owned(),)]);
    }

    #[test]
    fn an_ipv6_client_is_one_key_per_64_network_and_ipv4_per_address() {
        assert_eq!(
            address_key("2001:db8:1:2:aaaa::1"),
            address_key("2001:db8:1:2:ffff::9")
        );
        assert_ne!(
            address_key("2001:db8:1:2::1"),
            address_key("2001:db8:1:3::1")
        );
        assert_eq!(address_key("203.0.113.9"), "ip:203.0.113.9");
        assert_eq!(address_key("::ffff:203.0.113.9"), "ip:203.0.113.9");
        assert_ne!(address_key("203.0.113.9"), address_key("203.0.113.10"));
        assert_eq!(address_key("unknown"), "ip:unknown");
    }
}
