//! `seed-demo`: loads the demo region. Every step inserts only what is missing, so running it
//! again changes nothing. Later capabilities add their steps here.

use anyhow::Context;
use sqlx::PgPool;

use app::server::region;

/// Name of the demo region (fictitious data in the style of Khabarovsk Krai).
pub const DEMO_REGION: &str = "Хабаровский край (демо)";

/// What a run inserted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub region_created: bool,
}

/// Loads the demo data in one transaction.
pub async fn seed_demo(pool: &PgPool) -> anyhow::Result<SeedReport> {
    let mut tx = pool.begin().await?;
    let region_created = region::insert_region_if_absent(&mut *tx, DEMO_REGION, true)
        .await
        .context("seeding the region")?;
    tx.commit().await?;
    Ok(SeedReport { region_created })
}
