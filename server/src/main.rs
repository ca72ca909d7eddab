//! The КНД.Онлайн server binary; everything it does lives in the `server` library.

use clap::Parser;

fn main() -> anyhow::Result<()> {
    // A missing .env is normal (production takes real environment variables).
    let _ = dotenvy::dotenv();
    let cli = server::cli::Cli::parse();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(server::run(cli))
}
