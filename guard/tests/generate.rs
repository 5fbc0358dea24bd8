//! The generator: the host map a declaration gives, the configuration compiled in, the template
//! being the minified source, and the size budget.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use kapsel_catalogue::{Category, Declaration, KnowledgeBase};
use kapsel_guard::{bit, encode_revision, guard_js, HostMap, PLACEHOLDER, TEMPLATE};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn demo_declaration() -> Declaration {
    let path = repo().join("demo-site/site/declaration.json");
    let text = std::fs::read_to_string(&path).unwrap();
    Declaration::parse(&text, "declaration.json", KnowledgeBase::builtin()).unwrap()
}

fn parse(json: &str) -> Declaration {
    Declaration::parse(json, "site.json", KnowledgeBase::builtin()).unwrap()
}

#[test]
fn declared_categories_win_and_undeclared_trackers_are_still_mapped() {
    let map = HostMap::for_site(&demo_declaration(), KnowledgeBase::builtin());
    let stat = bit(Category::Statistics);
    let mark = bit(Category::Marketing);
    // Google Ads (marketing) also lists this host; the site declares only Analytics on it.
    assert_eq!(map.lookup("www.googletagmanager.com"), stat);
    // Vimeo is declared statistics (the base says marketing); subdomains follow their parent.
    assert_eq!(map.lookup("player.vimeo.com"), stat);
    assert_eq!(map.lookup("www.facebook.com"), mark);
    assert_eq!(map.lookup("connect.facebook.net"), mark);
    // Not declared, but a tracker the knowledge base knows.
    assert_eq!(map.lookup("www.youtube.com"), mark);
    // Necessary services and unknown hosts are never blocked.
    assert_eq!(map.lookup("login.idporten.no"), 0);
    assert_eq!(map.lookup("challenges.cloudflare.com"), 0);
    assert_eq!(map.lookup("eksempel.kommune.no"), 0);
    // A host its parent domain covers is not listed twice.
    assert!(map.0.contains_key("facebook.com"));
    assert!(!map.0.contains_key("www.facebook.com"));
}

#[test]
fn a_host_the_site_declares_necessary_is_never_blocked() {
    let decl = parse(
        r#"{"site":"S","provider":"P","revision":"1","languages":["nb"],"services":[
            {"id":"kart","name":"Kart","provider":"P","category":"necessary",
             "purpose":{"nb":"Kart over tjenestene."},"hosts":["maps.googleapis.com"]}],"cookies":[]}"#,
    );
    let map = HostMap::for_site(&decl, KnowledgeBase::builtin());
    assert_eq!(map.lookup("maps.googleapis.com"), 0);
    assert_eq!(map.lookup("www.google.com"), bit(Category::Marketing));
}

#[test]
fn nothing_to_block_gives_an_empty_map() {
    let decl = parse(
        r#"{"site":"S","provider":"P","revision":"1","languages":["nb"],"services":[],"cookies":[]}"#,
    );
    let empty = KnowledgeBase::from_json(r#"{"services":[],"cookies":[]}"#, "empty.json").unwrap();
    let map = HostMap::for_site(&decl, &empty);
    assert!(map.is_empty());
    assert!(guard_js(&decl, &empty).contains(r#"[{},"1",180]"#));
}

#[test]
fn configuration_is_compiled_in_with_the_banner_s_revision_encoding() {
    assert_eq!(encode_revision("2026-11-01 b/ø"), "2026-11-01%20b%2f%c3%b8");
    let js = guard_js(&demo_declaration(), KnowledgeBase::builtin());
    assert!(!js.contains(PLACEHOLDER));
    assert!(js.contains(r#""www.googletagmanager.com":4"#), "{js}");
    assert!(js.contains(r#""2026-11-01",180]"#));
}

fn gzip9(bytes: &[u8]) -> usize {
    let mut gz = Command::new("gzip")
        .arg("-9")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip");
    gz.stdin.take().unwrap().write_all(bytes).unwrap();
    gz.wait_with_output().unwrap().stdout.len()
}

#[test]
fn the_demo_s_guard_fits_in_2048_bytes_gzipped() {
    let js = guard_js(&demo_declaration(), KnowledgeBase::builtin());
    let size = gzip9(js.as_bytes());
    println!("guard.js for the demo: {} B, {size} B gzip -9", js.len());
    assert!(size <= 2048, "guard.js is {size} B gzip -9, over 2,048");
}

#[test]
fn the_template_is_the_minified_source() {
    assert_eq!(TEMPLATE.matches(PLACEHOLDER).count(), 1);
    let terser = repo().join("target/tools/node_modules/.bin/terser");
    let out = Command::new(&terser)
        .arg(repo().join("guard/js/guard.js"))
        .args(["--ecma", "2020", "-c", "passes=2", "-m"])
        .output()
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup.sh)", terser.display()));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim_end(),
        TEMPLATE.trim_end(),
        "guard/js/guard.min.js is stale: run scripts/build-guard.sh"
    );
}

#[test]
fn the_guard_reads_the_stored_choice_with_the_banner_s_own_function() {
    let path = repo().join("consent-wasm/js/stored-choice.js");
    let shared = std::fs::read_to_string(&path).unwrap();
    let code: Vec<&str> = shared
        .lines()
        .filter(|l| !l.starts_with("//"))
        .map(str::trim)
        .collect();
    assert!(code.len() > 3, "{}", path.display());
    let guard: Vec<&str> = kapsel_guard::SOURCE.lines().map(str::trim).collect();
    assert!(
        guard.windows(code.len()).any(|w| w == code.as_slice()),
        "guard/js/guard.js must hold consent-wasm/js/stored-choice.js verbatim (indentation aside)"
    );
}
