//! Runs one shard: every site of it not already final, one after another or a few at once,
//! each written to its own file as soon as it ends.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::record::{Header, SiteRecord, Status, FORMAT};
use crate::shard::Shard;
use crate::sites::Site;

/// A stop request shared by the runner, its scans and a signal handler.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    /// Asks everything to stop.
    pub fn request(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    /// Whether a stop was asked for.
    pub fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
    /// The flag itself (for signal handlers that set it).
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }
}

/// What scanning one site gave.
#[derive(Debug, Clone)]
pub struct Scanned {
    /// How it ended.
    pub status: Status,
    /// Why, when not ok.
    pub reason: Option<String>,
    /// The JSON report, when there is one.
    pub report: Option<serde_json::Value>,
    /// The HTML report, when there is one.
    pub html: Option<String>,
}

/// Why a site has no result: not the site's fault, so nothing is written and the shard is
/// retried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoResult {
    /// Infrastructure trouble, e.g. a browser that cannot start (exit 75: retry).
    #[error("infrastructure trouble: {0}")]
    Infrastructure(String),
    /// A stop was requested while the site was being scanned.
    #[error("stopped")]
    Stopped,
}

/// Scans one site. Implementations must return soon after `stop` is requested.
pub trait SiteScanner: Sync {
    /// Scans `site`, giving up when `stop` is requested.
    fn scan(&self, site: &Site, stop: &Stop) -> Result<Scanned, NoResult>;
}

impl<F> SiteScanner for F
where
    F: Fn(&Site, &Stop) -> Result<Scanned, NoResult> + Sync,
{
    fn scan(&self, site: &Site, stop: &Stop) -> Result<Scanned, NoResult> {
        self(site, stop)
    }
}

/// What a shard run is about.
#[derive(Debug, Clone)]
pub struct ShardRun {
    /// `DIR/<run-id>`.
    pub run_dir: PathBuf,
    /// The run id.
    pub run_id: String,
    /// SHA-256 of the sites file.
    pub sites_sha256: String,
    /// SHA-256 of the per-site options.
    pub options_sha256: String,
    /// The Kapsel version writing the files.
    pub kapsel_version: String,
    /// This shard.
    pub shard: Shard,
    /// Rescan sites whose file is already final.
    pub force: bool,
    /// Sites scanned at once (at least 1).
    pub sites_at_once: usize,
}

/// How a shard run ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShardSummary {
    /// Sites scanned and written now.
    pub written: Vec<String>,
    /// Sites skipped because their file was already final.
    pub skipped: Vec<String>,
    /// Sites left without a final file.
    pub left: Vec<String>,
    /// Infrastructure trouble that stopped the shard.
    pub infrastructure: Option<String>,
    /// Whether a stop request ended the run early.
    pub stopped: bool,
}

impl ShardSummary {
    /// Exit status for the engine: 0 every site has a final file; 75 retry (infrastructure
    /// trouble or stopped early).
    pub fn exit_status(&self) -> u8 {
        if self.left.is_empty() && self.infrastructure.is_none() {
            0
        } else {
            75
        }
    }
}

/// Runs the shard's sites through `scanner`; `log` gets one line per site.
pub fn run(
    cfg: &ShardRun,
    sites: &[Site],
    scanner: &dyn SiteScanner,
    stop: &Stop,
    log: &(dyn Fn(&str) + Sync),
) -> ShardSummary {
    let mut summary = ShardSummary::default();
    let mut todo = Vec::new();
    for site in sites {
        let path = crate::record::site_path(&cfg.run_dir, &site.host);
        let final_already = !cfg.force
            && crate::record::SiteRecord::read(&path)
                .map(|r| r.is_final_for(&cfg.run_id, &cfg.sites_sha256, &cfg.options_sha256))
                .unwrap_or(false);
        if final_already {
            summary.skipped.push(site.host.clone());
        } else {
            todo.push(site);
        }
    }
    if !summary.skipped.is_empty() {
        log(&format!(
            "{} of {} sites already have a final file (resume; --force rescans)",
            summary.skipped.len(),
            sites.len()
        ));
    }
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let shared = Mutex::new(summary);
    let abort = Stop::default();
    let total = todo.len();
    std::thread::scope(|scope| {
        for _ in 0..cfg.sites_at_once.clamp(1, 64).min(total.max(1)) {
            scope.spawn(|| loop {
                if stop.requested() || abort.requested() {
                    return;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(site) = todo.get(i) else { return };
                let clock = Instant::now();
                let result = scanner.scan(site, stop);
                let seconds = (clock.elapsed().as_secs_f64() * 10.0).round() / 10.0;
                match result {
                    Ok(scanned) => match write(cfg, site, scanned, seconds) {
                        Ok(status) => {
                            let n = done.fetch_add(1, Ordering::SeqCst) + 1;
                            log(&format!(
                                "[{n}/{total}] {} {} ({seconds} s)",
                                site.host,
                                status.as_str()
                            ));
                            lock(&shared).written.push(site.host.clone());
                        }
                        Err(e) => {
                            lock(&shared).infrastructure = Some(e.to_string());
                            abort.request();
                        }
                    },
                    Err(NoResult::Stopped) => {}
                    Err(NoResult::Infrastructure(why)) => {
                        log(&format!("{}: {why}", site.host));
                        let mut s = lock(&shared);
                        s.infrastructure.get_or_insert(why);
                        abort.request();
                    }
                }
            });
        }
    });
    let mut summary = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    let finished: std::collections::HashSet<&String> = summary
        .written
        .iter()
        .chain(summary.skipped.iter())
        .collect();
    let left: Vec<String> = sites
        .iter()
        .filter(|s| !finished.contains(&s.host))
        .map(|s| s.host.clone())
        .collect();
    summary.left = left;
    summary.stopped = stop.requested() && !summary.left.is_empty();
    summary.written.sort();
    summary
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Writes the site's HTML report (if any), then its JSON file; the JSON's presence means final.
fn write(
    cfg: &ShardRun,
    site: &Site,
    scanned: Scanned,
    seconds: f64,
) -> Result<Status, crate::record::RecordError> {
    if let Some(html) = &scanned.html {
        crate::record::write_atomic(
            &crate::record::site_html_path(&cfg.run_dir, &site.host),
            html.as_bytes(),
        )?;
    }
    let record = SiteRecord {
        header: Header {
            format: FORMAT.into(),
            run_id: cfg.run_id.clone(),
            sites_sha256: cfg.sites_sha256.clone(),
            options_sha256: cfg.options_sha256.clone(),
            kapsel_version: cfg.kapsel_version.clone(),
            host: site.host.clone(),
            url: site.url.to_string(),
            shard: format!("{}/{}", cfg.shard.index, cfg.shard.count),
            outcome: scanned.status,
            reason: scanned.reason,
            duration_seconds: seconds,
        },
        report: scanned.report,
    };
    record.write(&cfg.run_dir)?;
    Ok(scanned.status)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shard::Source;

    fn sites(n: usize) -> Vec<Site> {
        let text: String = (0..n).map(|i| format!("https://s{i}.test/\n")).collect();
        crate::sites::parse(&text, "t", std::path::Path::new("")).unwrap()
    }

    fn cfg(dir: &std::path::Path, opts: &str) -> ShardRun {
        ShardRun {
            run_dir: dir.join("r1"),
            run_id: "r1".into(),
            sites_sha256: "s".into(),
            options_sha256: opts.into(),
            kapsel_version: "t".into(),
            shard: Shard {
                index: 0,
                count: 1,
                index_source: Source::Default,
            },
            force: false,
            sites_at_once: 2,
        }
    }

    fn ok(_: &Site, _: &Stop) -> Result<Scanned, NoResult> {
        Ok(Scanned {
            status: Status::Ok,
            reason: None,
            report: Some(serde_json::json!({})),
            html: None,
        })
    }

    #[test]
    fn resume_skips_final_files_and_force_rescans() {
        let dir = tempfile::tempdir().unwrap();
        let list = sites(4);
        let calls = AtomicUsize::new(0);
        // The second site's scan fails on infrastructure: that site stays without a file.
        let flaky = |s: &Site, st: &Stop| {
            calls.fetch_add(1, Ordering::SeqCst);
            if s.host == "s1.test" {
                Err(NoResult::Infrastructure("browser".into()))
            } else {
                ok(s, st)
            }
        };
        let mut c = cfg(dir.path(), "o");
        c.sites_at_once = 1;
        let first = run(&c, &list, &flaky, &Stop::default(), &|_| {});
        assert_eq!(first.exit_status(), 75);
        assert!(first.left.contains(&"s1.test".to_string()));
        let second = run(&c, &list, &ok, &Stop::default(), &|_| {});
        assert_eq!(second.exit_status(), 0);
        assert_eq!(second.skipped, vec!["s0.test".to_string()]);
        assert_eq!(second.written.len(), 3);
        let third = run(&c, &list, &ok, &Stop::default(), &|_| {});
        assert_eq!((third.written.len(), third.skipped.len()), (0, 4));
        c.force = true;
        assert_eq!(
            run(&c, &list, &ok, &Stop::default(), &|_| {}).written.len(),
            4
        );
        // Other options: nothing is final.
        let other = cfg(dir.path(), "other");
        assert_eq!(
            run(&other, &list, &ok, &Stop::default(), &|_| {})
                .written
                .len(),
            4
        );
    }

    #[test]
    fn a_stop_leaves_the_rest_for_the_retry() {
        let dir = tempfile::tempdir().unwrap();
        let list = sites(5);
        let stop = Stop::default();
        let stopper = |s: &Site, st: &Stop| {
            if s.host == "s2.test" {
                st.request();
                return Err(NoResult::Stopped);
            }
            ok(s, st)
        };
        let mut c = cfg(dir.path(), "o");
        c.sites_at_once = 1;
        let summary = run(&c, &list, &stopper, &stop, &|_| {});
        assert!(summary.stopped);
        assert_eq!(summary.exit_status(), 75);
        assert_eq!(
            summary.written,
            vec!["s0.test".to_string(), "s1.test".to_string()]
        );
        assert!(!crate::record::site_path(&c.run_dir, "s2.test").exists());
    }
}
