//! `kapsel catalogue resolve … --guard FILE`: the site's guard.js written beside the resolved
//! declaration; a bad declaration writes neither and exits 2 naming the file.

use std::path::Path;
use std::process::Command;

fn demo_declaration() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo-site/site/declaration.json")
}

#[test]
fn resolve_writes_the_guard_with_the_site_s_hosts() {
    let dir = tempfile::tempdir().unwrap();
    let guard = dir.path().join("guard.js");
    let out = Command::new(env!("CARGO_BIN_EXE_kapsel"))
        .args(["catalogue", "resolve"])
        .arg(demo_declaration())
        .arg("--out")
        .arg(dir.path().join("kapsel.json"))
        .arg("--guard")
        .arg(&guard)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js = std::fs::read_to_string(&guard).unwrap();
    assert!(
        js.contains("\"player.vimeo.com\"") || js.contains("\"vimeo.com\""),
        "{js}"
    );
    assert!(js.contains("\"2026-11-01\""), "the revision is compiled in");
    assert!(!js.contains(kapsel_guard_placeholder()), "{js}");
    assert!(dir.path().join("kapsel.json").is_file());
}

fn kapsel_guard_placeholder() -> &'static str {
    "KAPSEL_CONFIG"
}

#[test]
fn a_broken_declaration_writes_no_guard_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("site.json");
    std::fs::write(&bad, "{\"site\": \"S\",\n \"bogus_field\": 1}").unwrap();
    let guard = dir.path().join("guard.js");
    let out = Command::new(env!("CARGO_BIN_EXE_kapsel"))
        .args(["catalogue", "resolve"])
        .arg(&bad)
        .arg("--guard")
        .arg(&guard)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("site.json"));
    assert!(!guard.exists());
}
