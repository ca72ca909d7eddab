//! Reading the catalogue: public server functions behind the portal's pages. Every one is open
//! to everybody (the catalogue is public); pages are built from the server's cached copy with
//! the same view code the device uses offline.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

use crate::catalogue::model::{DiscussionRow, NewsRow, ProgrammeRow, ReportRow};
use crate::catalogue::search::Hit;
use crate::catalogue::views::{BodyCard, BodyPage, KindCard, KindPage, Link, Listed, Paged};
use crate::domain::catalogue::RiskCategory;
use crate::error::AppError;

#[cfg(feature = "ssr")]
async fn snapshot() -> Result<std::sync::Arc<crate::catalogue::model::Snapshot>, AppError> {
    let state = crate::server::app_state()?;
    state
        .catalogue
        .get(&state.pool)
        .await
        .map_err(|e| AppError::internal("loading the catalogue", e))
}

#[server(endpoint = "catalogue/bodies", input = Json, output = Json)]
pub async fn catalogue_bodies() -> Result<Vec<BodyCard>, AppError> {
    let result = async { Ok(crate::catalogue::views::bodies(&*snapshot().await?)) }.await;
    crate::server::respond(result)
}

#[server(endpoint = "catalogue/body", input = Json, output = Json)]
pub async fn catalogue_body(slug: String) -> Result<BodyPage, AppError> {
    let result = async {
        crate::catalogue::views::body(&*snapshot().await?, &slug).ok_or(AppError::NotFound)
    }
    .await;
    crate::server::respond(result)
}

#[server(endpoint = "catalogue/kinds", input = Json, output = Json)]
pub async fn catalogue_kinds() -> Result<Vec<KindCard>, AppError> {
    let result = async { Ok(crate::catalogue::views::kinds(&*snapshot().await?)) }.await;
    crate::server::respond(result)
}

#[server(endpoint = "catalogue/kind", input = Json, output = Json)]
pub async fn catalogue_kind(slug: String) -> Result<KindPage, AppError> {
    let result = async {
        crate::catalogue::views::kind(&*snapshot().await?, &slug).ok_or(AppError::NotFound)
    }
    .await;
    crate::server::respond(result)
}

#[server(endpoint = "catalogue/discussions", input = Json, output = Json)]
pub async fn catalogue_discussions(page: usize) -> Result<Paged<Listed<DiscussionRow>>, AppError> {
    let result = async {
        let all = crate::catalogue::views::discussions(&*snapshot().await?);
        Ok(Paged::of(&all, page))
    }
    .await;
    crate::server::respond(result)
}

#[server(endpoint = "catalogue/programmes", input = Json, output = Json)]
pub async fn catalogue_programmes(page: usize) -> Result<Paged<Listed<ProgrammeRow>>, AppError> {
    let result = async {
        let all = crate::catalogue::views::programmes(&*snapshot().await?);
        Ok(Paged::of(&all, page))
    }
    .await;
    crate::server::respond(result)
}

#[server(endpoint = "catalogue/reports", input = Json, output = Json)]
pub async fn catalogue_reports(page: usize) -> Result<Paged<Listed<ReportRow>>, AppError> {
    let result = async {
        let all = crate::catalogue::views::reports(&*snapshot().await?);
        Ok(Paged::of(&all, page))
    }
    .await;
    crate::server::respond(result)
}

#[server(endpoint = "catalogue/news", input = Json, output = Json)]
pub async fn catalogue_news(page: usize) -> Result<Paged<Listed<NewsRow>>, AppError> {
    let result = async {
        let all = crate::catalogue::views::news(&*snapshot().await?);
        Ok(Paged::of(&all, page))
    }
    .await;
    crate::server::respond(result)
}

/// Full-text search over the catalogue.
#[server(endpoint = "catalogue/search", input = Json, output = Json)]
pub async fn catalogue_search(query: String) -> Result<Vec<Hit>, AppError> {
    let result = async {
        let query = crate::catalogue::search::check_query(&query).map_err(AppError::Invalid)?;
        let state = crate::server::app_state()?;
        crate::server::catalogue::search(&state.read_pool, &query)
            .await
            .map_err(|e| AppError::internal("searching the catalogue", e))
    }
    .await;
    crate::server::respond(result)
}

/// An organisation with its risk categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RiskEntry {
    pub name: String,
    pub inn: String,
    pub risks: Vec<KindRisk>,
}

/// The risk category for one kind of control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KindRisk {
    pub kind: Link,
    pub category: RiskCategory,
}

/// Organisations found by ИНН (exact, checksum checked) or by a part of the name.
#[server(endpoint = "catalogue/risk", input = Json, output = Json)]
pub async fn risk_lookup(query: String, page: usize) -> Result<Paged<RiskEntry>, AppError> {
    let result = async {
        let state = crate::server::app_state()?;
        let lookup = crate::server::risk::Lookup::parse(&query)?;
        crate::server::risk::find(&state.read_pool, &lookup, page)
            .await
            .map_err(|e| AppError::internal("looking up risk categories", e))
    }
    .await;
    crate::server::respond(result)
}
