//! The connection pool and migrations.

use std::time::Duration;

use anyhow::Context;
use sqlx::{postgres::PgPoolOptions, PgPool};

/// How long to wait for the database at startup before giving up.
const STARTUP_ATTEMPTS: u32 = 15;

/// Opens the pool, waiting for the database for a while (it may start after us). Once running,
/// the pool replaces broken connections by itself, so the server recovers when the database
/// comes back.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    let options = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(3));
    let mut attempt = 1;
    loop {
        match options.clone().connect(url).await {
            Ok(pool) => return Ok(pool),
            Err(error) if attempt < STARTUP_ATTEMPTS => {
                tracing::warn!(%error, attempt, "database not reachable yet, retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                attempt += 1;
            }
            Err(error) => return Err(error).context("connecting to the database"),
        }
    }
}

/// Applies pending migrations from `migrations/`.
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!("../migrations")
        .run(pool)
        .await
        .context("applying migrations")
}
