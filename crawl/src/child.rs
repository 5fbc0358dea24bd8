//! [`SiteScanner`] that runs `kapsel scan` as a child process in its own process group.
//!
//! The child writes its JSON and HTML reports into a temporary directory. It gets
//! `--max-time` equal to the site's time limit, so it stops itself and writes a partial report;
//! if it is still running a grace period later, or when a stop is requested, the whole process
//! group (the scan, its Chromium and the renderers) is killed at once.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::record::Status;
use crate::runner::{NoResult, Scanned, SiteScanner, Stop};
use crate::sites::Site;

/// What `kapsel scan` prints when the browser cannot be started: infrastructure, not the site.
const BROWSER_TROUBLE: [&str; 2] = ["could not start the browser", "no Chromium found"];

/// Runs `PROGRAM scan URL ARGS…` for each site.
#[derive(Debug, Clone)]
pub struct ChildScanner {
    /// The `kapsel` executable.
    pub program: PathBuf,
    /// Per-site `kapsel scan` options (the same for every site).
    pub args: Vec<String>,
    /// The per-site time limit.
    pub site_timeout: Duration,
    /// How long past the limit the child may take to write its partial report.
    pub grace: Duration,
}

fn kill_group(pid: u32) {
    // SAFETY: kill(2) with a negative pid signals the process group the child leads; no memory
    // is touched.
    unsafe {
        libc::kill(-(pid as i32), libc::SIGKILL);
    }
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("kapsel: wrote"))
        .collect();
    let keep = lines.len().saturating_sub(3);
    lines[keep..].join(" / ")
}

impl SiteScanner for ChildScanner {
    fn scan(&self, site: &Site, stop: &Stop) -> Result<Scanned, NoResult> {
        use std::os::unix::process::CommandExt;
        let infra = |what: String| NoResult::Infrastructure(what);
        let dir = tempfile::Builder::new()
            .prefix("kapsel-site-")
            .tempdir()
            .map_err(|e| infra(format!("creating a temporary directory: {e}")))?;
        let json = dir.path().join("report.json");
        let html = dir.path().join("report.html");
        let log = dir.path().join("stderr.txt");
        let log_file = std::fs::File::create(&log)
            .map_err(|e| infra(format!("creating {}: {e}", log.display())))?;
        let mut cmd = Command::new(&self.program);
        cmd.arg("scan")
            .arg(site.url.as_str())
            .arg("--out")
            .arg(&json)
            .arg("--out")
            .arg(&html)
            .args(["--fail-on", "never", "--quiet", "--max-time"])
            .arg(format!("{}", self.site_timeout.as_secs_f64()))
            .args(&self.args);
        if let Some(d) = &site.declaration {
            cmd.arg("--declared").arg(d);
        }
        if let Some(p) = &site.privacy_statement {
            cmd.arg("--policy").arg(p);
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log_file))
            .process_group(0);
        let mut child = cmd
            .spawn()
            .map_err(|e| infra(format!("cannot run {}: {e}", self.program.display())))?;
        let pid = child.id();
        let started = Instant::now();
        let hard_limit = self.site_timeout + self.grace;
        let mut killed_for_time = false;
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) => {}
                Err(_) => break None,
            }
            if stop.requested() {
                kill_group(pid);
                let _ = child.wait();
                return Err(NoResult::Stopped);
            }
            if started.elapsed() > hard_limit {
                killed_for_time = true;
                kill_group(pid);
                break child.wait().ok();
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        // Whatever the scan left behind (a browser it could not close) goes with its group.
        kill_group(pid);
        // A scan ended by SIGTERM/SIGINT/SIGHUP was stopped from outside (an engine signals
        // every process of a job): no verdict on the site, the retry scans it again.
        let signal = status.and_then(|s| {
            use std::os::unix::process::ExitStatusExt;
            s.signal()
        });
        if !killed_for_time {
            if let Some(sig) = signal {
                let settle = Instant::now();
                while !stop.requested() && settle.elapsed() < Duration::from_secs(1) {
                    std::thread::sleep(Duration::from_millis(50));
                }
                if stop.requested() {
                    return Err(NoResult::Stopped);
                }
                if [libc::SIGTERM, libc::SIGINT, libc::SIGHUP].contains(&sig) {
                    return Err(infra(format!("the scan was stopped by signal {sig}")));
                }
            }
        }
        let stderr = std::fs::read_to_string(&log).unwrap_or_default();
        if BROWSER_TROUBLE.iter().any(|t| stderr.contains(t)) {
            return Err(infra(format!(
                "the browser cannot start: {}",
                tail(&stderr)
            )));
        }
        let report: Option<serde_json::Value> = std::fs::read_to_string(&json)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok());
        let html = std::fs::read_to_string(&html).ok();
        let limit = self.site_timeout.as_secs_f64();
        let (status, reason) = match &report {
            _ if killed_for_time => (
                Status::Timeout,
                Some(format!(
                    "still running {limit} s after --site-timeout; killed"
                )),
            ),
            None => (
                Status::Error,
                Some(match status.and_then(|s| s.code()) {
                    Some(code) => format!("kapsel scan exited {code}: {}", tail(&stderr)),
                    None => format!(
                        "kapsel scan was killed by signal {} (out of memory?)",
                        signal.unwrap_or(0)
                    ),
                }),
            ),
            Some(r) => classify(r, limit),
        };
        Ok(Scanned {
            status,
            reason,
            report,
            html,
        })
    }
}

/// How a finished report reads: unreachable when no page loaded, timeout when the time limit
/// stopped it, else ok.
pub fn classify(report: &serde_json::Value, limit_seconds: f64) -> (Status, Option<String>) {
    let pages = report["pages"].as_array().cloned().unwrap_or_default();
    let errors: Vec<&str> = pages.iter().filter_map(|p| p["error"].as_str()).collect();
    let stopped = report["stopped"].as_str().unwrap_or("");
    if pages.is_empty() || errors.len() == pages.len() {
        let why = errors
            .first()
            .map(|e| format!("no page could be loaded: {e}"))
            .unwrap_or_else(|| "no page could be loaded".into());
        return (Status::Unreachable, Some(why));
    }
    if report["complete"] == serde_json::Value::Bool(false) && stopped.contains("--max-time") {
        return (
            Status::Timeout,
            Some(format!(
                "--site-timeout of {limit_seconds} s reached; partial report kept"
            )),
        );
    }
    (Status::Ok, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_are_classified() {
        let dead = json!({"complete": true, "pages": [{"url": "https://a/", "error": "net::ERR_CONNECTION_REFUSED"}]});
        let (s, why) = classify(&dead, 60.0);
        assert_eq!(s, Status::Unreachable);
        assert!(why.unwrap().contains("ERR_CONNECTION_REFUSED"));
        let slow = json!({"complete": false, "stopped": "--max-time of 60 s reached", "pages": [{"url": "https://a/", "error": null}]});
        assert_eq!(classify(&slow, 60.0).0, Status::Timeout);
        let fine = json!({"complete": true, "pages": [{"url": "https://a/"}, {"url": "https://a/x", "error": "404"}]});
        assert_eq!(classify(&fine, 60.0), (Status::Ok, None));
    }
}
