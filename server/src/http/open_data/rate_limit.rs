//! Requests to the open API are limited per client (GCRA through `governor`), so one client
//! cannot crowd out the others. Each instance keeps its own counters: the limit is per
//! instance, which is enough to stop floods without a shared store.
//!
//! The counters are bounded in memory: a client's entry is dropped once it is as good as new
//! (`retain_recent`, every few seconds in the background), and when a flood of new addresses
//! fills the table anyway, it is pruned at once; whatever still does not fit shares one
//! overflow counter instead of adding entries.

use std::{
    num::NonZeroU32,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Weak,
    },
    time::{Duration, Instant},
};

use app::server::throttle::{address_bucket, ClientAddress};
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
    Json,
};
use governor::{clock::Clock, DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Clients tracked at most (an entry is about a hundred bytes).
pub const MAX_TRACKED_CLIENTS: usize = 100_000;
/// How often idle entries are dropped in the background.
pub const PRUNE_EVERY: Duration = Duration::from_secs(10);
/// The counter shared by clients that arrive while the table is full.
const OVERFLOW_KEY: &str = "(overflow)";

/// The limiter shared by the API routes.
#[derive(Clone)]
pub struct ApiRateLimit(Arc<Inner>);

struct Inner {
    limiter: DefaultKeyedRateLimiter<String>,
    max_clients: usize,
    started: Instant,
    /// Milliseconds since `started` of the last pruning forced by a full table.
    last_forced_prune_ms: AtomicU64,
}

impl ApiRateLimit {
    /// `per_second` sustained requests per client, with bursts of three seconds' worth; idle
    /// entries are pruned in the background while the limiter is in use.
    pub fn new(per_second: u32) -> ApiRateLimit {
        let limit = ApiRateLimit::with_capacity(per_second, MAX_TRACKED_CLIENTS);
        limit.spawn_pruning(PRUNE_EVERY);
        limit
    }

    /// A limiter tracking at most `max_clients` clients, without background pruning.
    pub fn with_capacity(per_second: u32, max_clients: usize) -> ApiRateLimit {
        let rate = NonZeroU32::new(per_second.max(1)).expect("at least 1");
        let burst = NonZeroU32::new(per_second.max(1).saturating_mul(3)).expect("at least 3");
        ApiRateLimit(Arc::new(Inner {
            limiter: RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)),
            max_clients: max_clients.max(1),
            started: Instant::now(),
            last_forced_prune_ms: AtomicU64::new(0),
        }))
    }

    /// Clients tracked now.
    pub fn tracked(&self) -> usize {
        self.0.limiter.len()
    }

    /// Drops the entries of clients whose allowance is full again, and frees their memory.
    pub fn prune(&self) {
        self.0.limiter.retain_recent();
        self.0.limiter.shrink_to_fit();
    }

    /// Counts a request of `client`; `Err` with the wait when it is over the limit.
    pub fn check(&self, client: &str) -> Result<(), Duration> {
        let inner = &self.0;
        let mut key = address_bucket(client);
        if inner.limiter.len() >= inner.max_clients {
            // At most one forced pruning a second: it walks the whole table.
            let now_ms = inner.started.elapsed().as_millis() as u64;
            let last = inner.last_forced_prune_ms.load(Ordering::Relaxed);
            if now_ms.saturating_sub(last) >= 1000
                && inner
                    .last_forced_prune_ms
                    .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
            {
                self.prune();
            }
            if inner.limiter.len() >= inner.max_clients {
                key = OVERFLOW_KEY.to_owned();
            }
        }
        inner.limiter.check_key(&key).map_err(|not_until| {
            not_until.wait_time_from(governor::clock::DefaultClock::default().now())
        })
    }

    /// Prunes every `period` for as long as the limiter is in use (only a weak reference is
    /// held, so the task ends with the router).
    fn spawn_pruning(&self, period: Duration) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let weak: Weak<Inner> = Arc::downgrade(&self.0);
        runtime.spawn(async move {
            let mut every = tokio::time::interval(period);
            every.tick().await;
            loop {
                every.tick().await;
                let Some(inner) = weak.upgrade() else {
                    return;
                };
                ApiRateLimit(inner).prune();
            }
        });
    }
}

pub async fn check(State(limit): State<ApiRateLimit>, request: Request, next: Next) -> Response {
    let address = request
        .extensions()
        .get::<ClientAddress>()
        .map_or_else(|| "unknown".to_owned(), |ClientAddress(a)| a.clone());
    match limit.check(&address) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let secs = wait.as_secs().max(1);
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                Json(serde_json::json!({
                    "error": format!("Слишком много запросов. Повторите через {secs} с.")
                })),
            )
                .into_response();
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(i: u32) -> String {
        std::net::Ipv4Addr::from(0x0a00_0000 + i).to_string()
    }

    #[test]
    fn a_flood_of_new_addresses_never_grows_the_table_past_its_cap() {
        let limit = ApiRateLimit::with_capacity(5, 100);
        for i in 0..10_000 {
            let _ = limit.check(&address(i));
            assert!(limit.tracked() <= 101, "{} after {i}", limit.tracked());
        }
        // Those that did not fit share one counter, which the flood has used up.
        assert!(limit.check(&address(20_000)).is_err());
    }

    #[test]
    fn idle_clients_are_forgotten_when_pruned() {
        let limit = ApiRateLimit::with_capacity(1000, MAX_TRACKED_CLIENTS);
        for i in 0..1000 {
            limit.check(&address(i)).unwrap();
        }
        assert_eq!(limit.tracked(), 1000);
        // One request's cell is back after a millisecond at 1000 a second.
        std::thread::sleep(Duration::from_millis(20));
        limit.prune();
        assert_eq!(limit.tracked(), 0);
    }

    #[test]
    fn a_client_over_its_limit_is_told_how_long_to_wait_and_others_are_not() {
        let limit = ApiRateLimit::with_capacity(1, 100);
        for _ in 0..3 {
            limit.check("203.0.113.9").unwrap();
        }
        assert!(limit.check("203.0.113.9").is_err());
        limit.check("203.0.113.10").unwrap();
    }

    #[test]
    fn one_ipv6_subscriber_network_is_one_client() {
        let limit = ApiRateLimit::with_capacity(1, 100);
        for i in 0..3 {
            limit.check(&format!("2001:db8:1:2::{i}")).unwrap();
        }
        assert!(limit.check("2001:db8:1:2::ffff").is_err());
        assert_eq!(limit.tracked(), 1);
    }

    #[tokio::test]
    async fn pruning_runs_in_the_background() {
        let limit = ApiRateLimit::with_capacity(1000, MAX_TRACKED_CLIENTS);
        limit.spawn_pruning(Duration::from_millis(20));
        for i in 0..100 {
            limit.check(&address(i)).unwrap();
        }
        assert_eq!(limit.tracked(), 100);
        let mut waited = Duration::ZERO;
        while limit.tracked() > 0 && waited < Duration::from_secs(5) {
            tokio::time::sleep(Duration::from_millis(20)).await;
            waited += Duration::from_millis(20);
        }
        assert_eq!(limit.tracked(), 0);
    }
}
