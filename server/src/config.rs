//! Configuration from the environment (see `.env.example`). Leptos reads its own `LEPTOS_*`
//! variables (site address, site root); `RUST_LOG` sets the log level.

use std::time::Duration;

use anyhow::bail;
use clap::{Args, ValueEnum};

use crate::cli::Command;
use crate::http::client_address::TrustedProxies;

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
    /// A read replica of it for public reads that may lag a moment (search, the risk
    /// register, the public rating, the open data API's figures). Unset: the primary.
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true)]
    pub database_read_url: Option<String>,
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
    /// Proxies whose `X-Forwarded-For` is believed: comma-separated addresses and CIDR ranges
    /// of the load balancers in front. Empty (the default): the socket's peer is the client.
    #[arg(
        long,
        env = "KND_TRUSTED_PROXIES",
        default_value = "",
        value_parser = TrustedProxies::parse
    )]
    pub trusted_proxies: TrustedProxies,
    /// The setting `KND_TRUSTED_PROXIES` replaced; still set, it stops the server, so that
    /// nobody believes forwarded addresses are trusted the old way.
    #[arg(long, env = "KND_TRUST_FORWARDED_FOR", hide = true)]
    pub trust_forwarded_for: Option<String>,
    /// A request not answered within this many seconds gets 503 with a Russian message.
    #[arg(long, env = "KND_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub request_timeout_secs: u64,
    /// PostgreSQL cancels a query of a request after this many milliseconds (migrations,
    /// demo seeding and background maintenance are not limited).
    #[arg(long, env = "KND_STATEMENT_TIMEOUT_MS", default_value_t = 10_000)]
    pub statement_timeout_ms: u64,
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

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_secs)
    }

    pub fn statement_timeout(&self) -> Duration {
        Duration::from_millis(self.statement_timeout_ms)
    }

    /// Refuses what must not run: production without real secrets or https, demo data in
    /// production (every demo account's password is published in the README), and settings
    /// that no longer mean what they say.
    pub fn validate_for(&self, command: Command) -> anyhow::Result<()> {
        self.validate()?;
        if self.environment == Environment::Production && matches!(command, Command::SeedDemo) {
            bail!(
                "seed-demo refuses to run with KND_ENV=production: the demo accounts' password \
                 is public, so demo data must never be loaded into a production database"
            );
        }
        Ok(())
    }

    /// The checks of [`Config::validate_for`] that do not depend on the subcommand.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.trust_forwarded_for.is_some() {
            bail!(
                "KND_TRUST_FORWARDED_FOR is no longer read: remove it and list the load \
                 balancers in front of the server in KND_TRUSTED_PROXIES (comma-separated \
                 addresses or CIDR ranges); the client is then the rightmost X-Forwarded-For hop \
                 that is not one of them"
            );
        }
        if self.environment == Environment::Production {
            if self.demo {
                bail!(
                    "KND_DEMO must not be set with KND_ENV=production: the demo accounts' \
                     password is public, so demo data must never be loaded into production"
                );
            }
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
        // Browsers send the origin of a Cyrillic domain (.рф) in its ASCII form, and the
        // same-origin check compares that text: the Cyrillic form would refuse every form.
        if let Some(url) = self.public_url.as_deref().filter(|url| !url.is_ascii()) {
            bail!(
                "KND_PUBLIC_URL must be written in ASCII: for a Cyrillic domain give its \
                 xn-- form as browsers send it (e.g. https://xn--d1alj.xn--p1ai for кнд.рф), not {url}"
            );
        }
        if self.db_max_connections == 0 {
            bail!("KND_DB_MAX_CONNECTIONS must be at least 1");
        }
        if self.request_timeout_secs == 0 {
            bail!("KND_REQUEST_TIMEOUT_SECS must be at least 1");
        }
        if self.statement_timeout_ms == 0 {
            bail!("KND_STATEMENT_TIMEOUT_MS must be at least 1 (PostgreSQL reads 0 as no limit)");
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
            database_read_url: None,
            environment,
            session_secret: secret.map(Into::into),
            public_url: url.map(Into::into),
            demo: false,
            trusted_proxies: TrustedProxies::default(),
            trust_forwarded_for: None,
            request_timeout_secs: 30,
            statement_timeout_ms: 10_000,
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
    fn a_cyrillic_public_url_is_refused_with_its_ascii_form_asked_for() {
        let cfg = config(Environment::Development, None, Some("https://кнд.рф"));
        let error = cfg.validate().unwrap_err().to_string();
        assert!(error.contains("xn--"), "{error}");
        let cfg = config(
            Environment::Development,
            None,
            Some("https://xn--d1alj.xn--p1ai"),
        );
        assert!(cfg.validate().is_ok());
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

    fn production() -> Config {
        let secret = "s".repeat(MIN_SECRET_LEN);
        config(
            Environment::Production,
            Some(&secret),
            Some("https://knd.example.ru"),
        )
    }

    #[test]
    fn production_with_demo_data_refuses_to_start() {
        let cfg = Config {
            demo: true,
            ..production()
        };
        let error = cfg.validate_for(Command::Serve).unwrap_err().to_string();
        assert!(error.contains("KND_DEMO"), "{error}");
        assert!(error.contains("password is public"), "{error}");
        assert!(Config {
            demo: true,
            ..config(Environment::Development, None, None)
        }
        .validate_for(Command::Serve)
        .is_ok());
    }

    #[test]
    fn seeding_the_demo_in_production_is_refused_and_elsewhere_allowed() {
        let error = production()
            .validate_for(Command::SeedDemo)
            .unwrap_err()
            .to_string();
        assert!(error.contains("seed-demo"), "{error}");
        assert!(production().validate_for(Command::Serve).is_ok());
        assert!(production().validate_for(Command::Migrate).is_ok());
        assert!(config(Environment::Development, None, None)
            .validate_for(Command::SeedDemo)
            .is_ok());
    }

    #[test]
    fn the_replaced_forwarded_for_setting_stops_the_server_naming_its_successor() {
        for value in ["true", "false"] {
            let cfg = Config {
                trust_forwarded_for: Some(value.to_owned()),
                ..config(Environment::Development, None, None)
            };
            let error = cfg.validate().unwrap_err().to_string();
            assert!(error.contains("KND_TRUSTED_PROXIES"), "{error}");
        }
    }

    #[test]
    fn zero_timeouts_are_refused() {
        let dev = || config(Environment::Development, None, None);
        assert!(Config {
            request_timeout_secs: 0,
            ..dev()
        }
        .validate()
        .is_err());
        assert!(Config {
            statement_timeout_ms: 0,
            ..dev()
        }
        .validate()
        .is_err());
    }
}
