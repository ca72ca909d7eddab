//! Public pages as rendered for anonymous visitors, kept per catalogue version and language.
//!
//! Rendering a catalogue page reads the in-memory catalogue but still builds a few hundred
//! kilobytes of HTML and hydration data per request; anonymous visitors all get the same page,
//! so an instance renders it once per version. What a page shows besides the catalogue:
//! - [`Freshness::Catalogue`]: nothing; the page is valid exactly as long as the catalogue's
//!   version (asked of the database on every request, so every instance sees an edit at once);
//! - [`Freshness::Activity`]: also what people do (ratings, replies, hidings, evaluations of
//!   requirements): valid until such a change lands on this instance, and at most
//!   [`ACTIVITY_MAX_AGE`] for changes that landed on another instance (the same promise as the
//!   public rating summary's cache). Under a stream of changes (at least [`BUSY_CHANGES`] in a
//!   second: a busy day's ratings), re-rendering after each one would render every such page
//!   on nearly every request, so while it lasts a page younger than [`ACTIVITY_COALESCE`] is
//!   still served: an anonymous visitor then sees a change at most that much later. A single
//!   change, or a few, shows at once. Whoever made it is signed in and never gets a kept page.
//!
//! When a kept page is missing, the first request renders it and requests for the same page
//! that arrive meanwhile wait for that render instead of rendering it too ([`PageCache::turn`]).
//! If the database stops answering, a kept page is served as it was (see [`PageCache::any`]).
//!
//! A page carries the CSP nonce of the response that rendered it; it is kept split at that
//! nonce and joined with each response's own nonce, so no two responses share one.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use bytes::Bytes;
use quick_cache::{sync::Cache, Weighter};

/// How long a page that shows people's activity may be served without a local change.
pub const ACTIVITY_MAX_AGE: Duration = Duration::from_secs(60);
/// How long a page that shows people's activity is served after a local change it missed,
/// while changes are [busy](BUSY_CHANGES).
pub const ACTIVITY_COALESCE: Duration = Duration::from_secs(2);
/// Changes in a second from which this instance counts as busy.
pub const BUSY_CHANGES: u32 = 10;
/// Memory the pages of one instance may take (bodies, roughly).
pub const CAPACITY_BYTES: u64 = 64 * 1024 * 1024;
/// Pages larger than this are not kept (none is near it; it bounds one entry).
pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;

/// What, besides the catalogue, a page depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    Catalogue,
    Activity,
}

/// A page: its address (path and query) as asked and the interface language.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub path_and_query: String,
    pub locale: &'static str,
}

/// The data a kept page was rendered from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub catalogue_version: i64,
    /// [`PageCache::activity`] at render time; 0 for [`Freshness::Catalogue`] pages.
    pub activity: u64,
}

/// One rendered page: the body split at its nonce, and the headers the renderer set.
#[derive(Debug)]
pub struct CachedPage {
    pub stamp: Stamp,
    pub stored: Instant,
    pub freshness: Freshness,
    pub headers: http::HeaderMap,
    segments: Vec<Bytes>,
}

impl CachedPage {
    /// Keeps `body` rendered with `nonce`.
    pub fn new(
        stamp: Stamp,
        freshness: Freshness,
        headers: http::HeaderMap,
        body: &[u8],
        nonce: &str,
    ) -> Self {
        let segments = split_at(body, nonce.as_bytes())
            .into_iter()
            .map(Bytes::copy_from_slice)
            .collect();
        Self {
            stamp,
            stored: Instant::now(),
            freshness,
            headers,
            segments,
        }
    }

    /// The body with `nonce` where the renderer's nonce was.
    pub fn body_with(&self, nonce: &str) -> Bytes {
        if let [only] = self.segments.as_slice() {
            return only.clone();
        }
        let size = self.segments.iter().map(Bytes::len).sum::<usize>()
            + nonce.len() * (self.segments.len() - 1);
        let mut body = Vec::with_capacity(size);
        for (i, segment) in self.segments.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(segment);
        }
        body.into()
    }

    fn weight(&self) -> u64 {
        self.segments.iter().map(|s| s.len() as u64).sum::<u64>() + 512
    }

    /// `busy` is asked only of a page that missed a change (it takes a lock).
    fn fresh_for(&self, stamp: Stamp, busy: impl FnOnce() -> bool) -> bool {
        if self.stamp.catalogue_version != stamp.catalogue_version {
            return false;
        }
        match self.freshness {
            Freshness::Catalogue => true,
            Freshness::Activity => {
                let age = self.stored.elapsed();
                age < ACTIVITY_MAX_AGE
                    && (self.stamp.activity == stamp.activity
                        || (age < ACTIVITY_COALESCE && busy()))
            }
        }
    }
}

/// `haystack` cut at every occurrence of `needle` (which is not empty).
fn split_at<'a>(haystack: &'a [u8], needle: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while !needle.is_empty() && i + needle.len() <= haystack.len() {
        if &haystack[i..i + needle.len()] == needle {
            parts.push(&haystack[start..i]);
            i += needle.len();
            start = i;
        } else {
            i += 1;
        }
    }
    parts.push(&haystack[start..]);
    parts
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<PageKey, Arc<CachedPage>> for ByBytes {
    fn weight(&self, _key: &PageKey, page: &Arc<CachedPage>) -> u64 {
        page.weight()
    }
}

/// The pages of this instance.
pub struct PageCache {
    pages: Cache<PageKey, Arc<CachedPage>, ByBytes>,
    activity: AtomicU64,
    /// Pages being rendered now, each with the lock its renderer holds.
    rendering: Mutex<HashMap<PageKey, Arc<tokio::sync::Mutex<()>>>>,
    rate: Mutex<ChangeRate>,
}

/// Changes counted per whole second: this one's and the one before.
#[derive(Default)]
struct ChangeRate {
    second: u64,
    this: u32,
    before: u32,
}

impl ChangeRate {
    fn roll(&mut self, second: u64) {
        if second != self.second {
            self.before = if second == self.second + 1 {
                self.this
            } else {
                0
            };
            self.this = 0;
            self.second = second;
        }
    }
}

/// Whole seconds since this process started.
fn second_now() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs()
}

impl Default for PageCache {
    fn default() -> Self {
        Self {
            // About 20 KB a page on average: the estimate only sizes the table.
            pages: Cache::with_weighter(3_000, CAPACITY_BYTES, ByBytes),
            activity: AtomicU64::new(1),
            rendering: Mutex::default(),
            rate: Mutex::default(),
        }
    }
}

/// A request's turn to render a page (see [`PageCache::turn`]); ends when dropped.
pub struct RenderTurn<'a> {
    cache: &'a PageCache,
    key: PageKey,
    guard: tokio::sync::OwnedMutexGuard<()>,
}

impl Drop for RenderTurn<'_> {
    fn drop(&mut self) {
        let mut rendering = self
            .cache
            .rendering
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Every handle is taken under this lock: two left (the table's and our guard's) means
        // no request waits for this page any more.
        if Arc::strong_count(tokio::sync::OwnedMutexGuard::mutex(&self.guard)) == 2 {
            rendering.remove(&self.key);
        }
    }
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("pages", &self.pages.len())
            .field("activity", &self.activity())
            .finish()
    }
}

impl PageCache {
    /// The stamp a page of `freshness` rendered now would carry.
    pub fn stamp(&self, freshness: Freshness, catalogue_version: i64) -> Stamp {
        Stamp {
            catalogue_version,
            activity: match freshness {
                Freshness::Catalogue => 0,
                Freshness::Activity => self.activity(),
            },
        }
    }

    /// The kept page if it was rendered from the data `stamp` describes.
    pub fn get(&self, key: &PageKey, stamp: Stamp) -> Option<Arc<CachedPage>> {
        self.pages
            .get(key)
            .filter(|page| page.fresh_for(stamp, || self.busy()))
    }

    /// The kept page whatever data it was rendered from: for when the database does not
    /// answer, so the page cannot be rendered again (or even checked).
    pub fn any(&self, key: &PageKey) -> Option<Arc<CachedPage>> {
        self.pages.get(key)
    }

    pub fn put(&self, key: PageKey, page: CachedPage) {
        self.pages.insert(key, Arc::new(page));
    }

    /// Waits until no other request renders the page at `key`, then gives this request the
    /// turn: look the page up again (the previous turn may have kept it), render it if it is
    /// still missing, and drop the turn when done.
    pub async fn turn(&self, key: &PageKey) -> RenderTurn<'_> {
        let lock = {
            let mut rendering = self
                .rendering
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            rendering.entry(key.clone()).or_default().clone()
        };
        RenderTurn {
            cache: self,
            key: key.clone(),
            guard: lock.lock_owned().await,
        }
    }

    /// Something people did changed what [`Freshness::Activity`] pages show.
    pub fn activity_changed(&self) {
        self.activity.fetch_add(1, Ordering::Relaxed);
        let mut rate = self.rate.lock().unwrap_or_else(|p| p.into_inner());
        rate.roll(second_now());
        rate.this += 1;
    }

    /// Whether at least [`BUSY_CHANGES`] changes landed in this second or the one before.
    pub fn busy(&self) -> bool {
        let mut rate = self.rate.lock().unwrap_or_else(|p| p.into_inner());
        rate.roll(second_now());
        rate.this.max(rate.before) >= BUSY_CHANGES
    }

    fn activity(&self) -> u64 {
        self.activity.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(stamp: Stamp, freshness: Freshness, body: &str, nonce: &str) -> CachedPage {
        CachedPage::new(
            stamp,
            freshness,
            http::HeaderMap::new(),
            body.as_bytes(),
            nonce,
        )
    }

    #[test]
    fn every_nonce_of_the_render_is_replaced() {
        let p = page(
            Stamp {
                catalogue_version: 1,
                activity: 0,
            },
            Freshness::Catalogue,
            r#"<script nonce="AAA">x</script><p>AA</p><script nonce="AAA"></script>"#,
            "AAA",
        );
        assert_eq!(
            p.body_with("zz"),
            r#"<script nonce="zz">x</script><p>AA</p><script nonce="zz"></script>"#
        );
        let plain = page(p.stamp, Freshness::Catalogue, "<p>no scripts</p>", "AAA");
        assert_eq!(plain.body_with("zz"), "<p>no scripts</p>");
    }

    #[test]
    fn a_page_lives_exactly_as_long_as_its_data() {
        let cache = PageCache::default();
        let key = PageKey {
            path_and_query: "/kinds/x".into(),
            locale: "ru",
        };
        let v1 = cache.stamp(Freshness::Activity, 1);
        cache.put(key.clone(), page(v1, Freshness::Activity, "one", "n"));
        assert!(cache
            .get(&key, cache.stamp(Freshness::Activity, 1))
            .is_some());
        // A new catalogue version, or activity on this instance, retires it.
        assert!(cache
            .get(&key, cache.stamp(Freshness::Activity, 2))
            .is_none());
        cache.activity_changed();
        assert!(cache
            .get(&key, cache.stamp(Freshness::Activity, 1))
            .is_none());
        assert!(
            cache.any(&key).is_some(),
            "kept for when the database is away"
        );
        // Catalogue pages do not care about activity.
        let c = cache.stamp(Freshness::Catalogue, 1);
        cache.put(key.clone(), page(c, Freshness::Catalogue, "two", "n"));
        cache.activity_changed();
        assert!(cache
            .get(&key, cache.stamp(Freshness::Catalogue, 1))
            .is_some());
        let other_language = PageKey {
            locale: "en",
            ..key
        };
        assert!(cache.get(&other_language, c).is_none());
    }

    #[test]
    fn a_stream_of_changes_is_shown_at_most_two_seconds_late() {
        let cache = PageCache::default();
        let key = PageKey {
            path_and_query: "/ratings".into(),
            locale: "ru",
        };
        for _ in 0..BUSY_CHANGES {
            cache.activity_changed();
        }
        let v = cache.stamp(Freshness::Activity, 1);
        cache.put(key.clone(), page(v, Freshness::Activity, "one", "n"));
        cache.activity_changed();
        let now = cache.stamp(Freshness::Activity, 1);
        assert!(cache.get(&key, now).is_some(), "busy: the fresh page stays");
        let mut old = page(v, Freshness::Activity, "one", "n");
        old.stored = Instant::now() - ACTIVITY_COALESCE;
        cache.put(key.clone(), old);
        assert!(cache.get(&key, now).is_none(), "but not beyond the window");
    }

    #[test]
    fn change_rates_roll_by_the_second() {
        let mut rate = ChangeRate::default();
        rate.roll(5);
        rate.this = 12;
        rate.roll(6);
        assert_eq!((rate.before, rate.this), (12, 0));
        rate.roll(9);
        assert_eq!((rate.before, rate.this), (0, 0));
    }

    #[tokio::test]
    async fn one_request_renders_a_page_at_a_time() {
        let cache = Arc::new(PageCache::default());
        let key = PageKey {
            path_and_query: "/ratings".into(),
            locale: "ru",
        };
        let first = cache.turn(&key).await;
        let waiting = tokio::spawn({
            let (cache, key) = (cache.clone(), key.clone());
            async move {
                let _turn = cache.turn(&key).await;
            }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !waiting.is_finished(),
            "the second request waits for the first"
        );
        drop(first);
        waiting.await.unwrap();
        assert!(
            cache.rendering.lock().unwrap().is_empty(),
            "no lock is left behind"
        );
    }
}
