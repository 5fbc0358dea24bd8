//! `kapsel report merge`: a run directory's site files → one national overview.
//!
//! Deterministic: rows sorted worst first then by host, maps ordered, no clock. Files of
//! another run (run id, sites file or options differ, or a host the sites file does not list)
//! are refused; sites without a file make the overview incomplete, with the list.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::record::{RecordError, SiteRecord, Status};
use crate::sites::SitesFile;

/// The format tag of the national overview.
pub const FORMAT: &str = "kapsel-national/1";

/// Finding kinds that say the declaration or privacy statement drifted from what was seen.
pub const DRIFT_KINDS: [&str; 3] = [
    "declared-not-found",
    "misspelled-declaration",
    "retention-mismatch",
];

/// One site's row of the overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteRow {
    /// The canonical host.
    pub host: String,
    /// The start URL.
    pub url: String,
    /// `ok`, `unreachable`, `timeout`, `error`, or `missing` (no file).
    pub status: String,
    /// Why, when not ok.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Pages loaded without error (all phases).
    pub pages: usize,
    /// Pages that failed.
    pub pages_failed: usize,
    /// Whether any phase found a consent banner (none when nothing was measured).
    pub banner_found: Option<bool>,
    /// Whether a banner button was pressed in the accept or reject phase.
    pub banner_pressed: Option<bool>,
    /// `set-before-consent` findings.
    pub set_before_consent: usize,
    /// `set-after-reject` findings.
    pub set_after_reject: usize,
    /// `undeclared` findings.
    pub undeclared: usize,
    /// Drift between the declaration/statement and what was seen (none when none was given).
    pub statement_drift: Option<usize>,
    /// Findings per kind.
    pub findings: BTreeMap<String, usize>,
    /// Findings per severity.
    pub severities: BTreeMap<String, usize>,
    /// The site's HTML report, relative to the run directory, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_html: Option<String>,
    /// Rank group: 0 high findings, 1 not measured, 2 medium, 3 low, 4 clean.
    pub rank: u8,
}

/// The national overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct National {
    /// Always [`FORMAT`].
    pub format: String,
    /// The run id.
    pub run_id: String,
    /// SHA-256 of the sites file.
    pub sites_sha256: String,
    /// SHA-256 of the per-site options (absent when no site file exists).
    pub options_sha256: Option<String>,
    /// Kapsel versions that wrote the files.
    pub kapsel_versions: Vec<String>,
    /// Whether every listed site has a file.
    pub complete: bool,
    /// Hosts without a file.
    pub missing: Vec<String>,
    /// Sites per status.
    pub by_status: BTreeMap<String, usize>,
    /// Findings per kind, over all sites.
    pub by_kind: BTreeMap<String, usize>,
    /// Sites with at least one finding of each kind.
    pub sites_by_kind: BTreeMap<String, usize>,
    /// One row per site, worst first.
    pub sites: Vec<SiteRow>,
}

/// Why a run directory cannot be merged (exit 2).
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The run directory is not there.
    #[error("{0}: no such run directory (expected DIR/<run-id> with a sites/ folder)")]
    NoRunDir(String),
    /// A file could not be read.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// A file of another run.
    #[error("{path}: {why}; refusing to mix runs")]
    OtherRun {
        /// The file.
        path: String,
        /// How it differs.
        why: String,
    },
}

/// Merges the site files of `run_dir` for the sites of `sites`.
pub fn merge(run_dir: &Path, sites: &SitesFile) -> Result<National, MergeError> {
    let dir = crate::record::sites_dir(run_dir);
    if !run_dir.is_dir() {
        return Err(MergeError::NoRunDir(run_dir.display().to_string()));
    }
    let run_id = run_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let listed: BTreeMap<&str, &crate::sites::Site> =
        sites.sites.iter().map(|s| (s.host.as_str(), s)).collect();
    let mut records: BTreeMap<String, SiteRecord> = BTreeMap::new();
    let mut options: Option<(String, String)> = None;
    let mut paths: Vec<std::path::PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "json")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    paths.sort();
    for path in paths {
        let record = SiteRecord::read(&path)?;
        let shown = path.display().to_string();
        let h = &record.header;
        let other = |why: String| MergeError::OtherRun {
            path: shown.clone(),
            why,
        };
        if h.run_id != run_id {
            return Err(other(format!("run id {:?}, not {run_id:?}", h.run_id)));
        }
        if h.sites_sha256 != sites.sha256 {
            return Err(other(format!(
                "written for another sites file (sha256 {}, this one {})",
                h.sites_sha256, sites.sha256
            )));
        }
        if !listed.contains_key(h.host.as_str()) {
            return Err(other(format!("{} is not in the sites file", h.host)));
        }
        match &options {
            None => options = Some((h.options_sha256.clone(), shown.clone())),
            Some((o, first)) if *o != h.options_sha256 => {
                return Err(other(format!(
                    "scanned with other options than {first} (options sha256 {} vs {o})",
                    h.options_sha256
                )))
            }
            Some(_) => {}
        }
        records.insert(h.host.clone(), record);
    }
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for site in &sites.sites {
        match records.get(&site.host) {
            Some(r) => rows.push(row(r, run_dir)),
            None => {
                missing.push(site.host.clone());
                rows.push(SiteRow {
                    host: site.host.clone(),
                    url: site.url.to_string(),
                    status: "missing".into(),
                    reason: Some("no result file: the shard did not finish this site".into()),
                    pages: 0,
                    pages_failed: 0,
                    banner_found: None,
                    banner_pressed: None,
                    set_before_consent: 0,
                    set_after_reject: 0,
                    undeclared: 0,
                    statement_drift: None,
                    findings: BTreeMap::new(),
                    severities: BTreeMap::new(),
                    report_html: None,
                    rank: 1,
                });
            }
        }
    }
    rows.sort_by(|a, b| {
        let key = |r: &SiteRow| {
            (
                r.rank,
                std::cmp::Reverse(r.severities.get("high").copied().unwrap_or(0)),
                std::cmp::Reverse(r.severities.get("medium").copied().unwrap_or(0)),
                std::cmp::Reverse(r.severities.get("low").copied().unwrap_or(0)),
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.host.cmp(&b.host))
    });
    missing.sort();
    let mut by_status = BTreeMap::new();
    let mut by_kind = BTreeMap::new();
    let mut sites_by_kind = BTreeMap::new();
    for r in &rows {
        *by_status.entry(r.status.clone()).or_insert(0) += 1;
        for (k, n) in &r.findings {
            *by_kind.entry(k.clone()).or_insert(0) += n;
            *sites_by_kind.entry(k.clone()).or_insert(0) += 1;
        }
    }
    let versions: BTreeSet<String> = records
        .values()
        .map(|r| r.header.kapsel_version.clone())
        .collect();
    Ok(National {
        format: FORMAT.into(),
        run_id,
        sites_sha256: sites.sha256.clone(),
        options_sha256: options.map(|(o, _)| o),
        kapsel_versions: versions.into_iter().collect(),
        complete: missing.is_empty(),
        missing,
        by_status,
        by_kind,
        sites_by_kind,
        sites: rows,
    })
}

fn row(record: &SiteRecord, run_dir: &Path) -> SiteRow {
    let h = &record.header;
    let null = serde_json::Value::Null;
    let report = record.report.as_ref().unwrap_or(&null);
    let pages = report["pages"].as_array().cloned().unwrap_or_default();
    let failed = pages.iter().filter(|p| p["error"].is_string()).count();
    let phases = report["phases"].as_array().cloned().unwrap_or_default();
    let measured = record.report.is_some()
        && !phases.is_empty()
        && h.outcome != Status::Unreachable
        && failed < pages.len();
    let banner_found = measured.then(|| phases.iter().any(|p| p["banner_found"] == true));
    let pressing: Vec<&serde_json::Value> = phases
        .iter()
        .filter(|p| matches!(p["phase"].as_str(), Some("accept" | "reject")))
        .collect();
    let banner_pressed = (measured && !pressing.is_empty())
        .then(|| pressing.iter().any(|p| p["clicked"].is_string()));
    let mut findings = BTreeMap::new();
    let mut severities = BTreeMap::new();
    for f in report["findings"].as_array().into_iter().flatten() {
        if let Some(kind) = f["kind"].as_str() {
            *findings.entry(kind.to_string()).or_insert(0) += 1;
        }
        if let Some(sev) = f["severity"].as_str() {
            *severities.entry(sev.to_string()).or_insert(0) += 1;
        }
    }
    let count = |k: &str| findings.get(k).copied().unwrap_or(0);
    let has_sources = report["declared_sources"]
        .as_array()
        .is_some_and(|a| !a.is_empty());
    let statement_drift = has_sources.then(|| DRIFT_KINDS.iter().map(|k| count(k)).sum());
    let sev = |s: &str| severities.get(s).copied().unwrap_or(0);
    let rank = if sev("high") > 0 {
        0
    } else if h.outcome != Status::Ok {
        1
    } else if sev("medium") > 0 {
        2
    } else if sev("low") > 0 {
        3
    } else {
        4
    };
    let html = crate::record::site_html_path(run_dir, &h.host);
    SiteRow {
        host: h.host.clone(),
        url: h.url.clone(),
        status: h.outcome.as_str().into(),
        reason: h.reason.clone(),
        pages: pages.len() - failed,
        pages_failed: failed,
        banner_found,
        banner_pressed,
        set_before_consent: count("set-before-consent"),
        set_after_reject: count("set-after-reject"),
        undeclared: count("undeclared"),
        statement_drift,
        report_html: html.is_file().then(|| format!("sites/{}.html", h.host)),
        findings,
        severities,
        rank,
    }
}
