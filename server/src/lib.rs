//! The axum server: configuration → telemetry → state → migrations → serve. It wires the app
//! library into HTTP and holds no business rules.

pub mod cli;
pub mod config;
pub mod db;
pub mod http;
pub mod seed;
pub mod telemetry;

use anyhow::Context;
use cli::{Cli, Command};

/// Runs the subcommand the user asked for (`serve` by default).
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    let command = cli.command.unwrap_or(Command::Serve);
    telemetry::init(config.log_format);
    config.validate_for(command)?;
    // Migrations, seeding and the cleanup jobs may take long: no statement timeout for them.
    let maintenance = db::connect(&config.database_url, db::MAINTENANCE_CONNECTIONS, None).await?;
    match command {
        Command::Migrate => db::migrate(&maintenance).await,
        Command::SeedDemo => {
            db::migrate(&maintenance).await?;
            let report = seed::seed_demo(&maintenance).await?;
            tracing::info!(?report, "demo data loaded");
            Ok(())
        }
        Command::Serve => {
            db::migrate(&maintenance).await?;
            if config.demo {
                let report = seed::seed_demo(&maintenance).await?;
                tracing::info!(?report, "demo mode: demo data loaded");
            }
            let pool = db::connect(
                &config.database_url,
                config.db_max_connections,
                Some(config.statement_timeout()),
            )
            .await?;
            let files = config.file_store()?;
            http::sessions::spawn_cleanup(maintenance.clone());
            spawn_tombstone_pruning(maintenance.clone());
            spawn_file_sweeping(maintenance.clone(), files.clone());
            spawn_throttle_pruning(maintenance);
            tracing::info!(store = %files.location, "attached files");
            let read_pool = match &config.database_read_url {
                Some(url) => {
                    db::connect(
                        url,
                        config.db_max_connections,
                        Some(config.statement_timeout()),
                    )
                    .await?
                }
                None => pool.clone(),
            };
            let state = http::build_state(pool, read_pool, files)?;
            let addr = state.leptos_options.site_addr;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding {addr}"))?;
            tracing::info!(%addr, build = %state.release.build_id, "serving");
            http::serve(listener, http::router(state, &config), shutdown_signal()).await
        }
    }
}

/// Forgets sign-in counters whose window and block have passed, and device trust that has
/// lapsed, every ten minutes: an attacker trying ever new emails or addresses would otherwise
/// grow the table without end.
fn spawn_throttle_pruning(pool: sqlx::PgPool) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(10 * 60));
        loop {
            every.tick().await;
            match app::server::throttle::prune(&pool).await {
                Ok(0) => {}
                Ok(pruned) => tracing::debug!(pruned, "expired sign-in counters forgotten"),
                Err(error) => tracing::warn!(%error, "pruning sign-in counters failed"),
            }
        }
    });
}

/// Forgets uploaded files nobody attached within a day, every hour (idempotent on every
/// instance).
fn spawn_file_sweeping(pool: sqlx::PgPool, store: app::server::files::FileStore) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60 * 60));
        loop {
            every.tick().await;
            let hours = app::server::files::UNATTACHED_HOURS;
            match app::server::files::sweep_unattached(&pool, &store, hours).await {
                Ok(0) => {}
                Ok(swept) => tracing::info!(swept, "unattached uploads forgotten"),
                Err(error) => tracing::warn!(%error, "sweeping unattached uploads failed"),
            }
        }
    });
}

/// Forgets old catalogue deletions once a day (every instance may; the work is idempotent).
fn spawn_tombstone_pruning(pool: sqlx::PgPool) {
    tokio::spawn(async move {
        let mut every_day = tokio::time::interval(std::time::Duration::from_secs(24 * 60 * 60));
        loop {
            every_day.tick().await;
            let days = app::server::catalogue::TOMBSTONE_DAYS;
            match app::server::catalogue::prune_tombstones(&pool, days).await {
                Ok(0) => {}
                Ok(pruned) => tracing::info!(pruned, "old catalogue deletions forgotten"),
                Err(error) => tracing::warn!(%error, "pruning catalogue deletions failed"),
            }
        }
    });
}

/// Resolves on SIGTERM (how process managers stop us) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
