//! `kapsel catalogue resolve … --guard FILE [--banner-js kapsel-classic.js]`: the site's guard.js
//! written beside the resolved declaration, with the banner's classic build after it when given;
//! a bad declaration or a banner script that cannot follow the guard writes no guard and exits 2
//! naming the file.

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

/// `kapsel catalogue resolve <demo declaration> --guard <dir>/guard.js --banner-js <banner>`.
fn resolve_with_banner(dir: &Path, banner: &str) -> std::process::Output {
    let path = dir.join("banner.js");
    std::fs::write(&path, banner).unwrap();
    Command::new(env!("CARGO_BIN_EXE_kapsel"))
        .args(["catalogue", "resolve"])
        .arg(demo_declaration())
        .arg("--out")
        .arg(dir.join("kapsel.json"))
        .arg("--guard")
        .arg(dir.join("guard.js"))
        .arg("--banner-js")
        .arg(&path)
        .output()
        .unwrap()
}

#[test]
fn the_banner_s_classic_build_goes_at_the_end_of_the_guard() {
    let dir = tempfile::tempdir().unwrap();
    let classic = format!(
        "{}console.log(1)}})();\n",
        kapsel_guard::CLASSIC_BANNER_START
    );
    let out = resolve_with_banner(dir.path(), &classic);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let js = std::fs::read_to_string(dir.path().join("guard.js")).unwrap();
    assert!(js.ends_with(&classic), "{js}");
    let guard_ends = js
        .find("\"2026-11-01\"")
        .expect("the guard's configuration");
    assert!(
        guard_ends < js.len() - classic.len(),
        "the guard comes first: {js}"
    );
}

#[test]
fn the_module_build_cannot_follow_the_guard() {
    let dir = tempfile::tempdir().unwrap();
    let module = "const t=new URL(\"kapsel_nb.wasm\",import.meta.url);";
    let out = resolve_with_banner(dir.path(), module);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("banner.js") && stderr.contains("kapsel-classic.js"),
        "{stderr}"
    );
    assert!(!dir.path().join("guard.js").exists());
}
