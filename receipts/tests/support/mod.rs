//! Shared by the tests: a throw-away PostgreSQL cluster, the real `kapsel-receipts` binary on
//! 127.0.0.1, and receipts to post.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

/// A PostgreSQL cluster started by `scripts/pg-cluster.sh` in a temp dir, stopped on drop.
pub struct Pg {
    dir: tempfile::TempDir,
    /// Its URL.
    pub url: String,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/pg-cluster.sh")
}

impl Pg {
    /// Starts a cluster (panics with the reason when PostgreSQL is missing or does not start).
    pub fn start() -> Pg {
        let dir = tempfile::Builder::new()
            .prefix("kapsel-pg")
            .tempdir()
            .unwrap();
        let out = Command::new(script())
            .arg("start")
            .arg(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "PostgreSQL could not be started (scripts/setup.sh installs it): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Pg {
            url: String::from_utf8(out.stdout).unwrap().trim().to_string(),
            dir,
        }
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .arg("stop")
            .arg(self.dir.path())
            .status();
    }
}

/// The origin the test servers allow.
pub const ORIGIN: &str = "http://site.test";

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A fresh UUID v4 (unique within this run).
pub fn uuid() -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let p = u64::from(std::process::id());
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        p,
        n >> 48 & 0xffff,
        n >> 36 & 0xfff,
        n >> 24 & 0xfff,
        n & 0xff_ffff_ffff
    )
}

/// A valid receipt as the banner posts it (with the declaration it showed).
pub fn receipt(id: &str, method: &str) -> String {
    let (granted, refused) = match method {
        "accept-all" => (
            r#"["necessary","preferences","statistics","marketing"]"#,
            "[]",
        ),
        "reject-all" | "withdraw" => (
            r#"["necessary"]"#,
            r#"["preferences","statistics","marketing"]"#,
        ),
        _ => (
            r#"["necessary","statistics"]"#,
            r#"["preferences","marketing"]"#,
        ),
    };
    format!(
        r#"{{"id":"{id}","site":"Eksempel kommune","revision":"2026-11-01","declaration":{{"site":"Eksempel kommune","revision":"2026-11-01","cookies":[{{"name":"_ga","category":"statistics"}}]}},"granted":{granted},"refused":{refused},"method":"{method}","lang":"nb","banner":"0.1.0","at":"2026-12-01T12:00:00.{:03}Z"}}"#,
        NEXT.fetch_add(1, Ordering::Relaxed) % 1000
    )
}

/// A running `kapsel-receipts serve`, killed on drop.
pub struct Server {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

/// The binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kapsel-receipts")
}

impl Server {
    /// Serves `db` on a free port with the test origin and extra flags.
    pub fn start(db: &str, extra: &[&str]) -> Server {
        let mut child = Command::new(bin())
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--db",
                db,
                "--allow-origin",
                ORIGIN,
            ])
            .args(extra)
            .env_remove("KAPSEL_RECEIPTS_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("kapsel-receipts: listening on ")
            .unwrap_or_else(|| panic!("server did not start: {line:?}"))
            .to_string();
        Server { child, base }
    }

    /// Kills it with SIGKILL, as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// An HTTP client without proxies.
pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .no_proxy()
        // A fresh connection per request, as each visitor's beacon has: a kept-alive one the
        // server has just closed (after refusing a body it did not read) would fail the next
        // request before it is sent (hyper's IncompleteMessage), which says nothing of the server.
        .pool_max_idle_per_host(0)
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap()
}

/// Posts a body as the banner does (text/plain, from the allowed origin); the status.
pub fn post(
    c: &reqwest::blocking::Client,
    base: &str,
    body: impl Into<reqwest::blocking::Body>,
) -> reqwest::Result<u16> {
    c.post(format!("{base}/v1/receipts"))
        .header("origin", ORIGIN)
        .header("content-type", "text/plain;charset=UTF-8")
        .body(body)
        .send()
        .map(|r| r.status().as_u16())
}
