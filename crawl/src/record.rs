//! One site's result file, `DIR/<run-id>/sites/<host>.json`: a header saying which run and
//! options produced it and how the scan ended, then the site's scan report.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The format tag every site file carries.
pub const FORMAT: &str = "kapsel-site/1";

/// How a site's scan ended. A dead site is a result, not a failed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Scanned; the report is there.
    Ok,
    /// No page could be loaded.
    Unreachable,
    /// The per-site time limit ended the scan (a partial report may be there).
    Timeout,
    /// The scan failed for another reason (bad declaration, crash…).
    Error,
}

impl Status {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Unreachable => "unreachable",
            Status::Timeout => "timeout",
            Status::Error => "error",
        }
    }
}

/// Which run and options produced a file, and how the scan ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// The run id (`--run-id`).
    pub run_id: String,
    /// Hex SHA-256 of the sites file.
    pub sites_sha256: String,
    /// Hex SHA-256 of the per-site scan options.
    pub options_sha256: String,
    /// The Kapsel version that wrote it.
    pub kapsel_version: String,
    /// The canonical host.
    pub host: String,
    /// The start URL.
    pub url: String,
    /// The shard that scanned it, as `index/count`.
    pub shard: String,
    /// How the scan ended.
    pub outcome: Status,
    /// Why, when not `ok`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Seconds the scan took.
    pub duration_seconds: f64,
}

/// A site file: header plus the scan report (absent when nothing was measured).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteRecord {
    /// Which run, and how it ended.
    pub header: Header,
    /// The `kapsel scan` JSON report.
    #[serde(default)]
    pub report: Option<serde_json::Value>,
}

/// A site file that cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// I/O.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not a site file.
    #[error("{path}: not a Kapsel site file: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// The directory of a run's site files.
pub fn sites_dir(run_dir: &Path) -> PathBuf {
    run_dir.join("sites")
}

/// The JSON file of a host in a run directory.
pub fn site_path(run_dir: &Path, host: &str) -> PathBuf {
    sites_dir(run_dir).join(format!("{host}.json"))
}

/// The HTML report of a host in a run directory.
pub fn site_html_path(run_dir: &Path, host: &str) -> PathBuf {
    sites_dir(run_dir).join(format!("{host}.html"))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, synced, renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RecordError> {
    use std::io::Write;
    let io = |source| RecordError::Io {
        path: path.display().to_string(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".partial-")
        .tempfile_in(dir)
        .map_err(io)?;
    tmp.write_all(bytes).map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

impl SiteRecord {
    /// Writes the record to its place in `run_dir`, atomically.
    pub fn write(&self, run_dir: &Path) -> Result<PathBuf, RecordError> {
        let path = site_path(run_dir, &self.header.host);
        let mut text = serde_json::to_string_pretty(self).map_err(|e| RecordError::Invalid {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        text.push('\n');
        write_atomic(&path, text.as_bytes())?;
        Ok(path)
    }

    /// Reads a site file.
    pub fn read(path: &Path) -> Result<SiteRecord, RecordError> {
        let text = std::fs::read_to_string(path).map_err(|source| RecordError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let record: SiteRecord = serde_json::from_str(&text).map_err(|e| RecordError::Invalid {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        if record.header.format != FORMAT {
            return Err(RecordError::Invalid {
                path: path.display().to_string(),
                message: format!("format {:?}, expected {FORMAT:?}", record.header.format),
            });
        }
        Ok(record)
    }

    /// Whether this file is final for the given run, sites file and options (a retry skips it).
    pub fn is_final_for(&self, run_id: &str, sites_sha256: &str, options_sha256: &str) -> bool {
        self.header.run_id == run_id
            && self.header.sites_sha256 == sites_sha256
            && self.header.options_sha256 == options_sha256
    }
}

/// Hex SHA-256 of the per-site options: each argument followed by a NUL byte, in order.
pub fn options_sha256(args: &[String]) -> String {
    let mut bytes = Vec::new();
    for a in args {
        bytes.extend_from_slice(a.as_bytes());
        bytes.push(0);
    }
    crate::sha256_hex(&bytes)
}

/// Checks a run id: it names a directory, so letters, digits, `-`, `_` and `.` only.
pub fn check_run_id(id: &str) -> Result<(), String> {
    if id.is_empty()
        || id.len() > 100
        || id.starts_with('.')
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(format!(
            "--run-id {id:?}: use letters, digits, '-', '_' and '.' (e.g. 2026-W49)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(host: &str) -> SiteRecord {
        SiteRecord {
            header: Header {
                format: FORMAT.into(),
                run_id: "2026-W49".into(),
                sites_sha256: "s".into(),
                options_sha256: "o".into(),
                kapsel_version: "0.1.0".into(),
                host: host.into(),
                url: format!("https://{host}/"),
                shard: "0/1".into(),
                outcome: Status::Unreachable,
                reason: Some("net::ERR_NAME_NOT_RESOLVED".into()),
                duration_seconds: 1.5,
            },
            report: None,
        }
    }

    #[test]
    fn round_trip_and_finality() {
        let dir = tempfile::tempdir().unwrap();
        let r = record("www.a.no");
        let path = r.write(dir.path()).unwrap();
        assert_eq!(path, dir.path().join("sites/www.a.no.json"));
        let back = SiteRecord::read(&path).unwrap();
        assert_eq!(back, r);
        assert!(back.is_final_for("2026-W49", "s", "o"));
        assert!(!back.is_final_for("2026-W50", "s", "o"));
        assert!(!back.is_final_for("2026-W49", "s", "other"));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sites"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
    }

    #[test]
    fn run_ids() {
        assert!(check_run_id("2026-W49").is_ok());
        assert!(check_run_id("../x").is_err());
        assert!(check_run_id("").is_err());
    }
}
