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
    slot: RwLock<Option<(Instant, T)>>,
    /// Held while the value is being loaded, so that a burst of readers after it expires
    /// loads it once instead of each running the same queries (and starving the pool).
    loading: tokio::sync::Mutex<()>,
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
            .filter(|(stored, _)| stored.elapsed() < self.ttl)
            .map(|(_, value)| value.clone())
    }

    pub fn put(&self, value: T) {
        let mut slot = self
            .slot
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = Some((Instant::now(), value));
    }

    /// Forgets the value, so the next reader loads it afresh (after an edit on this instance).
    pub fn invalidate(&self) {
        let mut slot = self
            .slot
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *slot = None;
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
    fn invalidation_forgets_the_value() {
        let cache = TtlCache::new(Duration::from_secs(60));
        cache.put("Хабаровский край");
        cache.invalidate();
        assert_eq!(cache.get(), None);
    }
}
