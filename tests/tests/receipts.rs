//! The banner and a real `kapsel-receipts` on 127.0.0.1, in headless Chromium: every saved choice
//! (and a withdrawal) reaches the service under the one receipt id the consent record keeps and the
//! settings layer shows; a dead service changes nothing for the visitor.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use kapsel_demo::{DemoOptions, Site};
use kapsel_e2e::fixtures::{copy_dir, replace_in, BANNER_TAG, GUARD_TAG};
use kapsel_e2e::visitor::Visitor;
use serde_json::Value;

/// `kapsel-receipts`, built into this test's target directory when missing.
fn receipts_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("<target>/<profile>/deps");
    let target_dir = profile_dir.parent().expect("a target directory");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "build",
            "--quiet",
            "-p",
            "kapsel-receipts",
            "--bin",
            "kapsel-receipts",
        ])
        .current_dir(kapsel_demo::repo_root())
        .env("CARGO_TARGET_DIR", target_dir)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "`cargo build -p kapsel-receipts` failed");
    profile_dir.join("kapsel-receipts")
}

/// A running receipt service, killed on drop.
struct Service(Child);

impl Service {
    fn start(bin: &Path, db: &Path, origin: &str, port: u16) -> Service {
        let mut child = Command::new(bin)
            .args([
                "serve",
                "--allow-origin",
                origin,
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--db",
            ])
            .arg(db)
            .stdout(Stdio::piped())
            .spawn()
            .expect("kapsel-receipts starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("its first line");
        assert!(
            line.starts_with("kapsel-receipts: listening on "),
            "kapsel-receipts did not start: {line:?}"
        );
        Service(child)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The stored receipts, through the CLI export.
fn stored(bin: &Path, db: &Path) -> Vec<Value> {
    let out = Command::new(bin)
        .args(["export", "--format", "json", "--db"])
        .arg(db)
        .output()
        .expect("export runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&out.stdout).expect("the export is JSON")
}

fn wait_for_receipts(bin: &Path, db: &Path, n: usize) -> Vec<Value> {
    let start = Instant::now();
    loop {
        let list = stored(bin, db);
        if list.len() >= n || start.elapsed() > Duration::from_secs(15) {
            return list;
        }
        sleep(Duration::from_millis(200));
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/banner")
}

#[test]
fn choices_reach_the_receipt_service_and_a_dead_one_changes_nothing() {
    choices_reach_the_service(false);
}

/// The same with the guard first in `<head>` starting the banner (one tag: `guard.js` ends with
/// the banner's classic build, which fetches the receipts module beside itself).
#[test]
fn a_banner_the_guard_starts_sends_receipts_alike() {
    choices_reach_the_service(true);
}

fn choices_reach_the_service(one_tag: bool) {
    let bin = receipts_bin();
    let site = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixtures(), site.path());
    if one_tag {
        replace_in(&site.path().join("index.html"), BANNER_TAG, GUARD_TAG);
    }
    // The site's declaration names the service (on a port free now; the demo resolves the
    // declaration when it starts, and the service needs the demo's origin).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let declaration = site.path().join("declaration.json");
    let text = std::fs::read_to_string(&declaration).expect("declaration");
    let text = text.replacen(
        "{",
        &format!("{{\n  \"receipts\": \"http://127.0.0.1:{port}/v1/receipts\","),
        1,
    );
    std::fs::write(&declaration, &text).expect("write declaration");
    let s = Visitor::start(DemoOptions::new(Site::Dir(site.path().to_path_buf())));
    let origin = s.demo.url("/").trim_end_matches('/').to_string();
    let store = tempfile::tempdir().expect("temp dir");
    let db = store.path().join("receipts.sqlite");
    let service = Service::start(&bin, &db, &origin, port);

    s.visit("/");
    s.click("#kapsel-banner [data-kapsel-action=accept-all]");
    let list = wait_for_receipts(&bin, &db, 1);
    assert_eq!(list.len(), 1, "{list:?}");
    let first = &list[0];
    let id = first["id"].as_str().expect("an id").to_string();
    assert_eq!(first["method"], "accept-all");
    assert_eq!(first["site"], "Testkommune");
    assert_eq!(first["revision"], "r1");
    assert_eq!(first["lang"], "nb");
    assert_eq!(first["refused"], Value::Array(vec![]));
    // The consent record keeps the id, and the settings layer shows it.
    let cookie = s
        .js("document.cookie")
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(cookie.contains(&format!("~{id}~")), "{cookie}");
    s.click("#kapsel-reopen");
    s.wait("document.querySelector('#kapsel-banner [data-kapsel-action=save]')");
    assert!(s
        .text("#kapsel-banner")
        .contains(&format!("Samtykke-ID: {id}")));

    // A withdrawal (it reloads the page) is a second receipt under the same id.
    s.click("#kapsel-banner [data-kapsel-action=reject-all]");
    let list = wait_for_receipts(&bin, &db, 2);
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list[1]["id"], id.as_str());
    assert_eq!(list[1]["method"], "withdraw");
    assert_eq!(list[1]["granted"], serde_json::json!(["necessary"]));
    // What was shown is kept: the declaration the banner read, by its hash.
    assert_eq!(list[0]["declaration_sha256"], list[1]["declaration_sha256"]);

    // The service dies: the visitor's next choice works all the same.
    drop(service);
    s.visit("/");
    s.js("window.kapsel.acceptAll(), 0");
    s.wait_cookies(&["_ga"]);
    assert_eq!(s.js("window.kapsel.consent().statistics"), true);
    let cookie = s
        .js("document.cookie")
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        cookie.contains(&format!("~{id}~")),
        "the same id after the failure: {cookie}"
    );
    assert_eq!(stored(&bin, &db).len(), 2);
}
