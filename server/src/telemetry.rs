//! Logging through `tracing`; the level comes from `RUST_LOG` (default `info`).

use std::{future::Future, pin::Pin};

use any_spawner::{CustomExecutor, Executor};
use tracing::Instrument;
use tracing_subscriber::{fmt, EnvFilter};

use crate::config::LogFormat;

/// Installs the global subscriber; a second call (as in tests) is a no-op.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Spawns the tasks of page rendering (Leptos resources, server functions run while a page
/// renders) on tokio inside the span that spawned them, so that their log lines carry the
/// request's id like every other line of the request.
struct SpanKeepingExecutor;

impl CustomExecutor for SpanKeepingExecutor {
    fn spawn(&self, fut: Pin<Box<dyn Future<Output = ()> + Send>>) {
        tokio::spawn(fut.in_current_span());
    }

    fn spawn_local(&self, fut: Pin<Box<dyn Future<Output = ()>>>) {
        tokio::task::spawn_local(fut.in_current_span());
    }

    fn poll_local(&self) {}
}

/// Makes Leptos spawn its tasks through [`SpanKeepingExecutor`]. Must run before Leptos first
/// renders (it would set up a plain tokio executor); a second call is a no-op.
pub fn init_executor() {
    let _ = Executor::init_custom_executor(SpanKeepingExecutor);
}
