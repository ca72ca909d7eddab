//! Whether the primary database answers, as last seen by this instance.
//!
//! Pages are streamed: by the time a server function finds the database gone, the page's
//! `200` has been sent and the visitor gets an error notice inside a normal-looking page. The
//! HTTP layer asks here first and answers `503` with a clear message instead. One request per
//! [`RECHECK`] asks the database; the others use what it found, so an outage costs no extra
//! round trips and a healthy database only one a second.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        OnceLock,
    },
    time::{Duration, Instant},
};

use sqlx::PgPool;

/// How long a finding holds.
pub const RECHECK: Duration = Duration::from_secs(1);
/// How long the database may take to answer `SELECT 1`.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug)]
pub struct DbHealth {
    up: AtomicBool,
    /// Milliseconds since [`epoch`] when the last finding was made (0: never).
    checked_ms: AtomicU64,
    probing: AtomicBool,
}

impl Default for DbHealth {
    fn default() -> Self {
        Self {
            up: AtomicBool::new(true),
            checked_ms: AtomicU64::new(0),
            probing: AtomicBool::new(false),
        }
    }
}

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_ms() -> u64 {
    // Never 0, which means "never checked".
    epoch().elapsed().as_millis() as u64 + 1
}

impl DbHealth {
    /// Whether the database answers: the last finding while it holds, a fresh one otherwise
    /// (made by one request at a time; the others do not wait for it).
    pub async fn is_up(&self, pool: &PgPool) -> bool {
        let checked = self.checked_ms.load(Ordering::Acquire);
        let stale = checked == 0 || now_ms().saturating_sub(checked) >= RECHECK.as_millis() as u64;
        if stale {
            self.recheck(pool).await
        } else {
            self.up.load(Ordering::Acquire)
        }
    }

    /// A fresh finding, for a request that has just failed: whether the database went away
    /// under it. While another request probes, what was last found.
    pub async fn recheck(&self, pool: &PgPool) -> bool {
        let Some(_turn) = ProbeTurn::take(&self.probing) else {
            return self.up.load(Ordering::Acquire);
        };
        let up = probe(pool).await;
        self.record(up);
        up
    }

    /// A finding made elsewhere (a failed query, the health check).
    pub fn record(&self, up: bool) {
        self.up.store(up, Ordering::Release);
        self.checked_ms.store(now_ms(), Ordering::Release);
    }
}

/// The one probe in flight. Given back on drop, so a request cancelled mid-probe (the client
/// gone, the request timeout) does not leave every later request believing a probe runs.
struct ProbeTurn<'a>(&'a AtomicBool);

impl<'a> ProbeTurn<'a> {
    fn take(probing: &'a AtomicBool) -> Option<Self> {
        probing
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
            .then_some(ProbeTurn(probing))
    }
}

impl Drop for ProbeTurn<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Asks the database for `SELECT 1` within [`PROBE_TIMEOUT`].
pub async fn probe(pool: &PgPool) -> bool {
    let query = sqlx::query("SELECT 1").execute(pool);
    matches!(tokio::time::timeout(PROBE_TIMEOUT, query).await, Ok(Ok(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_probe_at_a_time() {
        let probing = AtomicBool::new(false);
        let turn = ProbeTurn::take(&probing);
        assert!(turn.is_some());
        assert!(ProbeTurn::take(&probing).is_none());
        drop(turn);
        assert!(ProbeTurn::take(&probing).is_some());
    }

    /// A request cancelled while it probes (here by a timeout, as the request timeout or a
    /// client hanging up would) must not leave the instance unable to probe again.
    #[tokio::test]
    async fn a_cancelled_probe_gives_its_turn_back() {
        // Nothing listens on port 1: the probe waits out its own timeout.
        let pool = sqlx::postgres::PgPoolOptions::new()
            .connect_lazy("postgres://nobody@127.0.0.1:1/none")
            .unwrap();
        let health = DbHealth::default();
        let cancelled = tokio::time::timeout(Duration::from_millis(50), health.is_up(&pool)).await;
        assert!(cancelled.is_err(), "the probe should still be running");
        assert!(!health.probing.load(Ordering::Acquire));
        assert!(!health.recheck(&pool).await);
        assert!(!health.is_up(&pool).await);
    }
}
