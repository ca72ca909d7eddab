//! Configuration from the environment (see `.env.example`). Leptos reads its own `LEPTOS_*`
//! variables (site address, site root); `RUST_LOG` sets the log level.

use anyhow::bail;
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// PostgreSQL connection string.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: String,
    /// `production` refuses to start without real secrets and an https public URL.
    #[arg(long, env = "KND_ENV", value_enum, default_value = "development")]
    pub environment: Environment,
    /// Secret for signing session data; at least 64 characters in production.
    #[arg(long, env = "KND_SESSION_SECRET", hide_env_values = true)]
    pub session_secret: Option<String>,
    /// The address users reach the portal at, e.g. https://knd.example.ru. With https, responses
    /// carry HSTS.
    #[arg(long, env = "KND_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Load the demo region on start and mark the portal as a demo.
    #[arg(long, env = "KND_DEMO", default_value_t = false)]
    pub demo: bool,
    /// Take the client address from the first `X-Forwarded-For` entry: only behind a load
    /// balancer that sets it (otherwise clients could pick their own address).
    #[arg(long, env = "KND_TRUST_FORWARDED_FOR", default_value_t = false)]
    pub trust_forwarded_for: bool,
    /// Size of the database connection pool of this instance.
    #[arg(long, env = "KND_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,
    #[arg(long, env = "KND_LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,
    /// Sustained requests per second one client address may make to the open API
    /// (`/api/v1/…`); bursts of three times as many are allowed.
    #[arg(long, env = "KND_API_RATE_PER_SEC", default_value_t = 20)]
    pub api_rate_per_sec: u32,
    /// Where the server keeps what it must not lose besides the database: attached files go to
    /// `<dir>/files` unless KND_FILE_STORE names another store.
    #[arg(long, env = "KND_DATA_DIR", default_value = "data")]
    pub data_dir: std::path::PathBuf,
    /// The store of attached files as a URL: `file:///var/lib/knd/files`, or
    /// `s3://bucket/prefix` for an S3-compatible store (credentials, region and endpoint from
    /// the AWS_* variables). Several instances must share one store.
    #[arg(long, env = "KND_FILE_STORE")]
    pub file_store: Option<String>,
}

/// Shortest session secret accepted in production.
pub const MIN_SECRET_LEN: usize = 64;

impl Config {
    /// The store of attached files this configuration names.
    pub fn file_store(&self) -> anyhow::Result<app::server::files::FileStore> {
        let store = match &self.file_store {
            Some(url) => app::server::files::FileStore::from_url(url),
            None => app::server::files::FileStore::local(&self.data_dir.join("files")),
        };
        store.map_err(|e| anyhow::anyhow!("KND_FILE_STORE: {e}"))
    }

    /// Whether the portal is served over https (then HSTS is sent).
    pub fn is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|url| url.starts_with("https://"))
    }

    /// Refuses configurations that must not run: production without real secrets or https.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.environment == Environment::Production {
            match &self.session_secret {
                Some(secret) if secret.chars().count() >= MIN_SECRET_LEN => {}
                _ => bail!(
                    "KND_SESSION_SECRET must be set to at least {MIN_SECRET_LEN} characters in production"
                ),
            }
            if !self.is_https() {
                bail!("KND_PUBLIC_URL must be an https:// address in production");
            }
        }
        if self.db_max_connections == 0 {
            bail!("KND_DB_MAX_CONNECTIONS must be at least 1");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(environment: Environment, secret: Option<&str>, url: Option<&str>) -> Config {
        Config {
            database_url: "postgres://localhost/knd".into(),
            environment,
            session_secret: secret.map(Into::into),
            public_url: url.map(Into::into),
            demo: false,
            trust_forwarded_for: false,
            db_max_connections: 10,
            log_format: LogFormat::Pretty,
            api_rate_per_sec: 20,
            data_dir: "data".into(),
            file_store: None,
        }
    }

    #[test]
    fn production_without_a_session_secret_refuses_to_start() {
        let cfg = config(
            Environment::Production,
            None,
            Some("https://knd.example.ru"),
        );
        assert!(cfg.validate().is_err());
    }

    #[test]
    fn production_with_a_short_secret_refuses_to_start() {
        let cfg = config(
            Environment::Production,
            Some("short"),
            Some("https://knd.example.ru"),
        );
        assert!(cfg.validate().is_err());
    }

    #[test]
    fn production_over_plain_http_refuses_to_start() {
        let secret = "s".repeat(MIN_SECRET_LEN);
        let cfg = config(
            Environment::Production,
            Some(&secret),
            Some("http://knd.example.ru"),
        );
        assert!(cfg.validate().is_err());
    }

    #[test]
    fn production_with_secret_and_https_starts() {
        let secret = "s".repeat(MIN_SECRET_LEN);
        let cfg = config(
            Environment::Production,
            Some(&secret),
            Some("https://knd.example.ru"),
        );
        assert!(cfg.validate().is_ok());
        assert!(cfg.is_https());
    }

    #[test]
    fn development_needs_no_secret() {
        assert!(config(Environment::Development, None, None)
            .validate()
            .is_ok());
    }
}
