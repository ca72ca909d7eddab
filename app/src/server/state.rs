//! The state every request handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;

use super::{cache::TtlCache, release::Release};
use crate::api::portal::RegionInfo;

/// Shared application state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The primary database: every write, and every read that must see them at once.
    pub pool: PgPool,
    /// Public reads that may lag the primary by a moment (search, the risk register, the
    /// public rating and reviews, the open data API's figures): a replica when
    /// `DATABASE_READ_URL` is set, otherwise the primary itself. The catalogue is not read here:
    /// its snapshot is kept in memory per version, and that version comes from the primary.
    pub read_pool: PgPool,
    /// Leptos site options (paths, output name, address).
    pub leptos_options: LeptosOptions,
    /// The build being served: its id and the assets the service worker precaches.
    pub release: Arc<Release>,
    /// The region is read by every home page and changes almost never.
    pub region: Arc<TtlCache<Option<RegionInfo>>>,
    /// The public rating (`/ratings`): nine grouped queries over every rating, so kept for a
    /// short time and dropped on this instance when a rating, a reply or a hiding lands here.
    pub ratings: Arc<TtlCache<Arc<crate::domain::rating_stats::RatingsSummary>>>,
    /// The catalogue at its current version, shared by every page.
    pub catalogue: Arc<super::catalogue::SnapshotCache>,
    /// A sign-in lasts at most this many seconds, however active the user is.
    pub session_lifetime_secs: i64,
    /// Where attached files are kept.
    pub files: super::files::FileStore,
    /// Public pages rendered for anonymous visitors.
    pub pages: Arc<super::page_cache::PageCache>,
    /// Whether the primary database answers, as last seen.
    pub db_health: Arc<super::db_health::DbHealth>,
}

impl AppState {
    /// Something people did (a rating, a reply, a hiding, an evaluation) changed what the
    /// public rating and the kind pages show: this instance stops serving the old figures.
    /// Under a stream of changes the figures are recomputed at most every
    /// [`ACTIVITY_COALESCE`](super::page_cache::ACTIVITY_COALESCE), like the pages.
    pub fn activity_changed(&self) {
        self.pages.activity_changed();
        if self.pages.busy() {
            self.ratings
                .invalidate_after(super::page_cache::ACTIVITY_COALESCE);
        } else {
            self.ratings.invalidate();
        }
    }

    /// The public rating (`/ratings`, the open data API's rating), from this instance's copy.
    pub async fn ratings_summary(
        &self,
    ) -> Result<Arc<crate::domain::rating_stats::RatingsSummary>, sqlx::Error> {
        self.ratings
            .get_or_load(|| async {
                let mut conn = self.read_pool.acquire().await?;
                super::rating_stats::overview(&mut conn).await.map(Arc::new)
            })
            .await
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
