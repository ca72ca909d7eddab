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
//!   public rating summary's cache).
//!
//! A page carries the CSP nonce of the response that rendered it; it is kept split at that
//! nonce and joined with each response's own nonce, so no two responses share one.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use bytes::Bytes;
use quick_cache::{sync::Cache, Weighter};

/// How long a page that shows people's activity may be served without a local change.
pub const ACTIVITY_MAX_AGE: Duration = Duration::from_secs(60);
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

    fn fresh_for(&self, stamp: Stamp) -> bool {
        self.stamp == stamp
            && (self.freshness == Freshness::Catalogue || self.stored.elapsed() < ACTIVITY_MAX_AGE)
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
}

impl Default for PageCache {
    fn default() -> Self {
        Self {
            // About 20 KB a page on average: the estimate only sizes the table.
            pages: Cache::with_weighter(3_000, CAPACITY_BYTES, ByBytes),
            activity: AtomicU64::new(1),
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
        self.pages.get(key).filter(|page| page.fresh_for(stamp))
    }

    pub fn put(&self, key: PageKey, page: CachedPage) {
        self.pages.insert(key, Arc::new(page));
    }

    /// Something people did changed what [`Freshness::Activity`] pages show.
    pub fn activity_changed(&self) {
        self.activity.fetch_add(1, Ordering::Relaxed);
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
}
