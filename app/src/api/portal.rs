//! Facts about the portal itself: which region it serves and whether it runs on demo data.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The region the portal serves, as shown in the header and on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionInfo {
    /// Name in Russian, e.g. «Хабаровский край».
    pub name: String,
    /// Whether the data on the portal is demo data.
    pub is_demo: bool,
}

/// The portal's region; `None` before the operator has configured one. Public: anyone may read it.
#[server(endpoint = "portal/region")]
pub async fn portal_region() -> Result<Option<RegionInfo>, AppError> {
    use crate::server::{app_state, region, respond};
    let state = app_state()?;
    if let Some(cached) = state.region.get() {
        return Ok(cached);
    }
    let fetched = region::fetch_region(&state.pool)
        .await
        .map_err(|e| AppError::internal("fetching the region", e));
    if let Ok(value) = &fetched {
        state.region.put(value.clone());
    }
    respond(fetched)
}
