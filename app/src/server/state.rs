//! The state every request handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use sqlx::PgPool;

use super::release::Release;

/// Shared application state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The one connection pool.
    pub pool: PgPool,
    /// Leptos site options (paths, output name, address).
    pub leptos_options: LeptosOptions,
    /// The build being served: its id and the assets the service worker precaches.
    pub release: Arc<Release>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
