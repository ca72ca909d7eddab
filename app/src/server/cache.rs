//! A value kept in memory for a short time: for data read on most pages but changed rarely.
//! Each instance keeps its own copy, so after a change other instances may show the old value
//! for up to the time to live; only use it where that is acceptable.

use std::{
    sync::RwLock,
    time::{Duration, Instant},
};

/// One cached value with a time to live.
#[derive(Debug)]
pub struct TtlCache<T> {
    ttl: Duration,
    slot: RwLock<Option<Slot<T>>>,
    /// Held while the value is being loaded, so that a burst of readers after it expires
    /// loads it once instead of each running the same queries (and starving the pool).
    loading: tokio::sync::Mutex<()>,
}

#[derive(Debug)]
struct Slot<T> {
    stored: Instant,
    value: T,
    /// Set when the value went out of date but may still be read while younger than this.
    grace: Option<Duration>,
}

impl<T> Slot<T> {
    fn valid(&self, ttl: Duration) -> bool {
        let age = self.stored.elapsed();
        age < ttl && self.grace.is_none_or(|grace| age < grace)
    }
}

impl<T: Clone> TtlCache<T> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            slot: RwLock::new(None),
            loading: tokio::sync::Mutex::new(()),
        }
    }

    /// The value, loading it when it is missing or expired; concurrent callers wait for one
    /// load instead of each loading it.
    pub async fn get_or_load<E, Fut>(&self, load: impl FnOnce() -> Fut) -> Result<T, E>
    where
        Fut: std::future::Future<Output = Result<T, E>>,
    {
        if let Some(value) = self.get() {
            return Ok(value);
        }
        let _loading = self.loading.lock().await;
        if let Some(value) = self.get() {
            return Ok(value);
        }
        let value = load().await?;
        self.put(value.clone());
        Ok(value)
    }

    /// The value if it is younger than the time to live.
    pub fn get(&self) -> Option<T> {
        let slot = self
            .slot
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        slot.as_ref()
            .filter(|slot| slot.valid(self.ttl))
            .map(|slot| slot.value.clone())
    }

    pub fn put(&self, value: T) {
        let mut slot = self
            .slot
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = Some(Slot {
            stored: Instant::now(),
            value,
            grace: None,
        });
    }

    /// Forgets the value, so the next reader loads it afresh (after an edit on this instance).
    pub fn invalidate(&self) {
        let mut slot = self
            .slot
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = None;
    }

    /// Marks the value out of date but lets readers keep it until it is `grace` old: under a
    /// stream of edits, it is then loaded again at most once per `grace`, not after each.
    pub fn invalidate_after(&self, grace: Duration) {
        let mut slot = self
            .slot
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(slot) = slot.as_mut() {
            slot.grace = Some(grace);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_cache_has_nothing() {
        assert_eq!(TtlCache::<u8>::new(Duration::from_secs(60)).get(), None);
    }

    #[test]
    fn a_stored_value_is_returned_until_it_expires() {
        let cache = TtlCache::new(Duration::from_millis(30));
        cache.put(7);
        assert_eq!(cache.get(), Some(7));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(cache.get(), None);
    }

    #[tokio::test]
    async fn concurrent_readers_of_an_empty_cache_load_once() {
        let cache = std::sync::Arc::new(TtlCache::new(Duration::from_secs(60)));
        let loads = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let readers: Vec<_> = (0..20)
            .map(|_| {
                let (cache, loads) = (cache.clone(), loads.clone());
                tokio::spawn(async move {
                    cache
                        .get_or_load(|| async {
                            loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            Ok::<_, ()>(42)
                        })
                        .await
                })
            })
            .collect();
        for reader in readers {
            assert_eq!(reader.await.unwrap(), Ok(42));
        }
        assert_eq!(loads.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn a_value_invalidated_with_grace_lasts_only_that_long() {
        let cache = TtlCache::new(Duration::from_secs(60));
        cache.put(1);
        cache.invalidate_after(Duration::from_millis(30));
        assert_eq!(cache.get(), Some(1));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(cache.get(), None);
        cache.put(2);
        assert_eq!(cache.get(), Some(2), "a new value is clean");
    }

    #[test]
    fn invalidation_forgets_the_value() {
        let cache = TtlCache::new(Duration::from_secs(60));
        cache.put("Хабаровский край");
        cache.invalidate();
        assert_eq!(cache.get(), None);
    }
}
