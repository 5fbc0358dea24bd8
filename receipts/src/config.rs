//! The service's settings, from flags, environment variables (`KAPSEL_RECEIPTS_…`) and a TOML
//! file (`--config`), in that order of precedence, checked before anything starts.

use crate::server::Settings;
use clap::Args;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Settings that cannot be used; the CLI exits 2 with this message.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The config file is not valid TOML for these settings.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// The parser's message (names the line).
        message: String,
    },
    /// A setting with a value that cannot work.
    #[error("{setting}: {reason}")]
    Value {
        /// The flag's name.
        setting: &'static str,
        /// What is wrong.
        reason: String,
    },
}

fn value(setting: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Value {
        setting,
        reason: reason.into(),
    }
}

/// `kapsel-receipts serve`'s flags (each also from the environment or the config file).
#[derive(Debug, Args, Default)]
pub struct ServeArgs {
    /// TOML file with any of the settings below (keys as the flags, with `_` for `-`).
    #[arg(long, env = "KAPSEL_RECEIPTS_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8787].
    #[arg(long, env = "KAPSEL_RECEIPTS_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// The store: a SQLite file, or a postgres:// URL [default: receipts.sqlite].
    #[arg(long, env = "KAPSEL_RECEIPTS_DB")]
    pub db: Option<String>,
    /// An origin allowed to post receipts, e.g. https://www.eksempel.kommune.no (repeatable;
    /// comma-separated in the environment).
    #[arg(
        long = "allow-origin",
        env = "KAPSEL_RECEIPTS_ALLOW_ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origin: Vec<String>,
    /// File holding the bearer token for GET /v1/export (KAPSEL_RECEIPTS_TOKEN gives it
    /// directly). Without either, the export endpoint is off.
    #[arg(long, env = "KAPSEL_RECEIPTS_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    /// Delete receipts older than this many days [default: 1461: see the README].
    #[arg(long, env = "KAPSEL_RECEIPTS_RETAIN_DAYS")]
    pub retain_days: Option<u32>,
    /// The largest body accepted, in bytes [default: 65536, sendBeacon's own limit].
    #[arg(long, env = "KAPSEL_RECEIPTS_MAX_BODY")]
    pub max_body: Option<usize>,
    /// Receipts a minute per client, 0 for no limit [default: 60].
    #[arg(long, env = "KAPSEL_RECEIPTS_RATE_PER_MINUTE")]
    pub rate_per_minute: Option<u32>,
    /// Receipts a client may post at once before the rate applies [default: 20].
    #[arg(long, env = "KAPSEL_RECEIPTS_BURST")]
    pub burst: Option<u32>,
    /// Behind a reverse proxy: the client is the last X-Forwarded-For address (rate limit only).
    #[arg(long, env = "KAPSEL_RECEIPTS_TRUST_FORWARDED")]
    pub trust_forwarded: bool,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    listen: Option<SocketAddr>,
    db: Option<String>,
    allow_origin: Option<Vec<String>>,
    token_file: Option<PathBuf>,
    retain_days: Option<u32>,
    max_body: Option<usize>,
    rate_per_minute: Option<u32>,
    burst: Option<u32>,
    trust_forwarded: Option<bool>,
}

/// The default retention: see the README ("Retention").
pub const RETAIN_DAYS: u32 = 1461;

/// Everything `serve` needs, checked.
#[derive(Debug)]
pub struct Serve {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The store's location.
    pub db: String,
    /// The service's settings.
    pub settings: Settings,
}

/// Checks an origin as browsers send it: `scheme://host[:port]`, nothing after.
pub fn origin(s: &str) -> Result<String, ConfigError> {
    let url = url::Url::parse(s).map_err(|e| value("--allow-origin", format!("{s}: {e}")))?;
    let o = url.origin().ascii_serialization();
    if !matches!(url.scheme(), "http" | "https") || s.trim_end_matches('/') != o {
        return Err(value(
            "--allow-origin",
            format!("{s}: an origin is scheme://host[:port] with nothing after (e.g. https://www.eksempel.kommune.no)"),
        ));
    }
    Ok(o)
}

fn token(file: Option<&Path>, env: Option<String>) -> Result<Option<String>, ConfigError> {
    let t = match file {
        Some(p) => std::fs::read_to_string(p).map_err(|e| ConfigError::Read {
            path: p.to_path_buf(),
            source: e,
        })?,
        None => match env {
            Some(t) => t,
            None => return Ok(None),
        },
    };
    let t = t.trim().to_string();
    if t.len() < 16 {
        return Err(value(
            "--token-file",
            "the token must be at least 16 characters",
        ));
    }
    Ok(Some(t))
}

impl ServeArgs {
    /// Merges flags and environment over the config file over the defaults, and checks them.
    pub fn resolve(self) -> Result<Serve, ConfigError> {
        let file = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
                    path: path.clone(),
                    source: e,
                })?;
                toml::from_str::<File>(&text).map_err(|e| ConfigError::File {
                    path: path.clone(),
                    message: e.to_string(),
                })?
            }
            None => File::default(),
        };
        let origins = if self.allow_origin.is_empty() {
            file.allow_origin.unwrap_or_default()
        } else {
            self.allow_origin
        };
        if origins.is_empty() {
            return Err(value(
                "--allow-origin",
                "at least one origin is needed: the site whose pages post receipts",
            ));
        }
        let origins = origins
            .iter()
            .map(|o| origin(o))
            .collect::<Result<Vec<_>, _>>()?;
        let retain_days = self.retain_days.or(file.retain_days).unwrap_or(RETAIN_DAYS);
        if retain_days == 0 {
            return Err(value("--retain-days", "must be at least 1"));
        }
        let max_body = self.max_body.or(file.max_body).unwrap_or(65_536);
        if max_body < 1024 {
            return Err(value("--max-body", "must be at least 1024 bytes"));
        }
        let token_file = self.token_file.or(file.token_file);
        let db = self
            .db
            .or(file.db)
            .unwrap_or_else(|| "receipts.sqlite".into());
        if db.trim().is_empty() {
            return Err(value("--db", "empty"));
        }
        Ok(Serve {
            listen: self
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8787))),
            db,
            settings: Settings {
                origins,
                token: token(
                    token_file.as_deref(),
                    std::env::var("KAPSEL_RECEIPTS_TOKEN").ok(),
                )?,
                retain_days,
                max_body,
                per_minute: self.rate_per_minute.or(file.rate_per_minute).unwrap_or(60),
                burst: self.burst.or(file.burst).unwrap_or(20),
                trust_forwarded: self.trust_forwarded || file.trust_forwarded.unwrap_or(false),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked_and_normalised() {
        assert_eq!(
            origin("https://www.eksempel.kommune.no/").unwrap(),
            "https://www.eksempel.kommune.no"
        );
        assert_eq!(
            origin("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        for bad in [
            "www.eksempel.kommune.no",
            "https://x.no/path",
            "ftp://x.no",
            "*",
        ] {
            assert!(origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn flags_win_over_the_file_and_bad_files_name_themselves() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("r.toml");
        std::fs::write(
            &f,
            "allow_origin = [\"https://a.no\"]\nretain_days = 30\ndb = \"x.sqlite\"\n",
        )
        .unwrap();
        let s = ServeArgs {
            config: Some(f.clone()),
            retain_days: Some(7),
            ..Default::default()
        }
        .resolve()
        .unwrap();
        assert_eq!((s.settings.retain_days, s.db.as_str()), (7, "x.sqlite"));
        assert_eq!(s.settings.origins, ["https://a.no"]);
        std::fs::write(&f, "allow_orign = [\"https://a.no\"]\n").unwrap();
        let e = ServeArgs {
            config: Some(f),
            ..Default::default()
        }
        .resolve()
        .unwrap_err();
        assert!(
            e.to_string().contains("r.toml") && e.to_string().contains("allow_orign"),
            "{e}"
        );
    }
}
