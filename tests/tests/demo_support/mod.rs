//! Shared by the demo end-to-end tests: finding the `kapsel` binary, checking the banner build,
//! running `kapsel scan` against a running demo and reading its JSON report.
//!
//! The `kapsel` binary: `KAPSEL_BIN` when set (scripts/test.sh sets it after `cargo build --bins`);
//! otherwise the test builds it with the same cargo, target directory and profile it was itself
//! built with (`cargo build -p kapsel-scanner --bin kapsel`, a no-op when up to date), so a plain
//! `cargo test -p kapsel-e2e` always scans with the current scanner.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use kapsel_demo::Demo;
use serde_json::Value;

pub use kapsel_e2e::visitor::set;

/// The cookies that need consent on the demo, as the browser names them.
pub const TRACKER_COOKIES: [&str; 7] = ["_ga", "_ga_EKS3MPL4", "_gid", "datr", "fr", "sb", "vuid"];
/// The necessary cookies the demo's server sets while crawling (the banner's own comes on a choice).
pub const SERVER_COOKIES: [&str; 3] = ["PHPSESSID", "FormCookie", "SimpleSAMLSessionID"];
/// The real cookie the declaration leaves out on purpose.
pub const UNDECLARED: &str = "__cf_bm";

/// The `kapsel` binary to test.
pub fn kapsel_bin() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("KAPSEL_BIN").filter(|b| !b.is_empty()) {
            let bin = PathBuf::from(bin);
            assert!(
                bin.is_file(),
                "KAPSEL_BIN={} is not a file: build it with `cargo build --bin kapsel` or unset KAPSEL_BIN",
                bin.display()
            );
            return bin;
        }
        // This test runs from <target>/<profile>/deps/<name>; build kapsel into <target>/<profile>.
        let exe = std::env::current_exe().expect("the test executable's path");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("the test runs from <target>/<profile>/deps")
            .to_path_buf();
        let target_dir = profile_dir.parent().expect("a target directory");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.args(["build", "--quiet", "-p", "kapsel-scanner", "--bin", "kapsel"])
            .current_dir(kapsel_demo::repo_root())
            .env("CARGO_TARGET_DIR", target_dir);
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            cmd.arg("--release");
        }
        let status = cmd.status().expect("cargo runs");
        assert!(status.success(), "`cargo build -p kapsel-scanner --bin kapsel` failed");
        let bin = profile_dir.join(format!("kapsel{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.is_file(), "cargo built no {}", bin.display());
        bin
    })
    .clone()
}

/// One finished `kapsel scan`.
pub struct Scan {
    /// The JSON report.
    pub report: Value,
    /// The exit status (0 clean, 1 findings).
    pub status: i32,
    /// What it printed on stderr.
    pub stderr: String,
}

/// Runs `kapsel scan <site> --consent <consent> --declared <declaration> --out report.json
/// <extra>` against the demo, with its `--resolve` and `--browser-arg` arguments. Fails the test
/// on exit status 2.
pub fn scan(demo: &Demo, consent: &str, extra: &[&str]) -> Scan {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().join("report.json");
    let output = Command::new(kapsel_bin())
        .arg("scan")
        .arg(demo.site_url())
        .args(["--consent", consent, "--declared"])
        .arg(demo.declaration_path())
        .arg("--out")
        .arg(&out)
        .args(demo.scan_args())
        .args(extra)
        .output()
        .expect("kapsel runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let status = output.status.code().unwrap_or(-1);
    assert!(
        status == 0 || status == 1,
        "kapsel scan exited with {status}:\n{stderr}"
    );
    let text = std::fs::read_to_string(&out)
        .unwrap_or_else(|e| panic!("no report at {}: {e}\n{stderr}", out.display()));
    let report = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("the report is not JSON: {e}\n{text}"));
    Scan {
        report,
        status,
        stderr,
    }
}

/// The report's cookies.
pub fn cookies(report: &Value) -> &[Value] {
    report["cookies"]
        .as_array()
        .map(Vec::as_slice)
        .expect("report.cookies is a list")
}

/// The names of the cookies seen in `phase` (`none`, `accept`, `reject`).
pub fn names_in_phase(report: &Value, phase: &str) -> BTreeSet<String> {
    cookies(report)
        .iter()
        .filter(|c| {
            c["phases"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p == phase))
        })
        .map(|c| name(c).to_string())
        .collect()
}

/// The cookie (or, when none, the domain) each finding of `kind` names.
pub fn findings_of(report: &Value, kind: &str) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .expect("report.findings is a list")
        .iter()
        .filter(|f| f["kind"] == kind)
        .map(|f| {
            f["cookie"]
                .as_str()
                .or(f["domain"].as_str())
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// A cookie's name.
pub fn name(cookie: &Value) -> &str {
    cookie["name"].as_str().unwrap_or("")
}

/// The report, short, for assertion messages.
pub fn brief(report: &Value) -> String {
    let cookies: Vec<String> = cookies(report)
        .iter()
        .map(|c| format!("{} {} {}", name(c), c["domain"], c["phases"]))
        .collect();
    let findings: Vec<String> = report["findings"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| format!("{} {} {}", f["kind"], f["cookie"], f["phase"]))
                .collect()
        })
        .unwrap_or_default();
    format!(
        "cookies:\n  {}\nfindings:\n  {}\nphases: {}",
        cookies.join("\n  "),
        findings.join("\n  "),
        report["phases"]
    )
}
