//! The connection pools and migrations. Requests are served from a pool whose queries
//! PostgreSQL cancels after the statement timeout, so one slow query cannot hold a connection
//! (and the request) for ever; migrations, demo seeding and background maintenance use a small
//! pool of their own without that limit, since their work may legitimately take long.

use std::{str::FromStr, time::Duration};

use anyhow::Context;
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    PgPool,
};

/// How long to wait for the database at startup before giving up.
const STARTUP_ATTEMPTS: u32 = 15;

/// Connections of the maintenance pool (migrations, seeding, cleanup jobs): they run one at a
/// time or rarely.
pub const MAINTENANCE_CONNECTIONS: u32 = 2;

/// The options of a pool's connections: with `statement_timeout`, PostgreSQL cancels any
/// statement running longer (set at connection start-up, so it holds for every query).
pub fn connect_options(
    url: &str,
    statement_timeout: Option<Duration>,
) -> anyhow::Result<PgConnectOptions> {
    let options = PgConnectOptions::from_str(url).context("reading DATABASE_URL")?;
    Ok(match statement_timeout {
        Some(limit) => options.options([("statement_timeout", limit.as_millis().to_string())]),
        None => options,
    })
}

/// Opens a pool, waiting for the database for a while (it may start after us). Once running,
/// the pool replaces broken connections by itself, so the server recovers when the database
/// comes back.
pub async fn connect(
    url: &str,
    max_connections: u32,
    statement_timeout: Option<Duration>,
) -> anyhow::Result<PgPool> {
    let connect_options = connect_options(url, statement_timeout)?;
    let options = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(3));
    let mut attempt = 1;
    loop {
        match options.clone().connect_with(connect_options.clone()).await {
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
