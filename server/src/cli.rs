//! Command line: `serve` (default), `migrate`, `seed-demo`.

use clap::{Parser, Subcommand};

use crate::config::Config;

#[derive(Debug, Parser)]
#[command(name = "server", about = "КНД.Онлайн server", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum Command {
    /// Apply pending migrations, then serve the app (the default).
    Serve,
    /// Apply pending migrations and exit.
    Migrate,
    /// Apply migrations and load the demo region; running it again changes nothing.
    SeedDemo,
}
