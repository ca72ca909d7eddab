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
    telemetry::init(config.log_format);
    config.validate()?;
    let pool = db::connect(&config.database_url, config.db_max_connections).await?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => db::migrate(&pool).await,
        Command::SeedDemo => {
            db::migrate(&pool).await?;
            let report = seed::seed_demo(&pool).await?;
            tracing::info!(?report, "demo data loaded");
            Ok(())
        }
        Command::Serve => {
            db::migrate(&pool).await?;
            if config.demo {
                let report = seed::seed_demo(&pool).await?;
                tracing::info!(?report, "demo mode: demo data loaded");
            }
            http::sessions::spawn_cleanup(pool.clone());
            spawn_tombstone_pruning(pool.clone());
            let files = config.file_store()?;
            tracing::info!(store = %files.location, "attached files");
            let state = http::build_state(pool, files)?;
            let addr = state.leptos_options.site_addr;
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding {addr}"))?;
            tracing::info!(%addr, build = %state.release.build_id, "serving");
            http::serve(listener, http::router(state, &config), shutdown_signal()).await
        }
    }
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
