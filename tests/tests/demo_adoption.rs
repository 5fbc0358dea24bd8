//! Adopting Kapsel on an existing site, end to end on the demo municipality: scan the ungated copy
//! (the site as it was, trackers live), draft a declaration from the report and the old privacy
//! statement, fill its TODOs as a reviewer would, resolve it, serve the site with that declaration
//! and the banner, and scan again — nothing undeclared, nothing before consent, and the privacy
//! statement's rendered cookie table lists every cookie the first scan saw.

mod demo_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output};

use demo_support::*;
use kapsel_catalogue::NamePattern;
use kapsel_demo::{Demo, DemoOptions, Site};
use kapsel_e2e::visitor::require_banner;
use serde_json::Value;

fn kapsel(args: &[&str]) -> Output {
    Command::new(kapsel_bin())
        .args(args)
        .output()
        .expect("kapsel runs")
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Fills every `TODO` as a reviewer would: names and texts written, a category chosen as the
/// strictest the TODO still allows (`marketing` where it says "not necessary", else
/// `necessary` — a reviewer's call the test does not second-guess).
fn fill(value: &mut Value, key: &str) {
    match value {
        Value::String(s) if s.starts_with("TODO") => {
            *s = match key {
                "category" if s.contains("preferences, statistics or marketing") => "marketing",
                "category" => "necessary",
                "site" | "provider" => "Eksempel kommune",
                _ => "Skrevet av nettredaksjonen.",
            }
            .to_string();
        }
        Value::Array(items) => items.iter_mut().for_each(|v| fill(v, key)),
        Value::Object(map) => map.iter_mut().for_each(|(k, v)| fill(v, k)),
        _ => {}
    }
}

/// GET a page of the demo over plain HTTP.
fn get(demo: &Demo, path: &str) -> String {
    let mut stream = TcpStream::connect(demo.site_addr()).expect("the demo answers");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        demo.site_addr()
    )
    .unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).unwrap();
    body
}

/// The names in the rows of a rendered cookie table (`<th scope="row"><code>NAME</code></th>`).
fn table_names(html: &str) -> Vec<String> {
    html.split("<th scope=\"row\"><code>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</code>").map(|(name, _)| name))
        .map(|name| {
            name.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

#[test]
fn a_site_adopts_kapsel_from_a_scan_and_its_old_statement() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();

    // 1. The site as it was: every tracker live, no banner.
    let before = Demo::start(DemoOptions::new(Site::Ungated)).expect("the demo starts");
    let report = path("report.json");
    let mut args = vec![
        "scan".to_string(),
        before.site_url(),
        "--consent".into(),
        "none".into(),
        "--out".into(),
        report.clone(),
    ];
    args.extend(before.scan_args());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let scan1 = kapsel(&args);
    assert!(
        matches!(scan1.status.code(), Some(0 | 1)),
        "{}",
        said(&scan1)
    );
    let first: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let seen: Vec<String> = cookies(&first)
        .iter()
        .map(|c| name(c).to_string())
        .collect();
    for tracker in TRACKER_COOKIES {
        assert!(
            seen.iter().any(|s| s == tracker),
            "{tracker} seen\n{}",
            brief(&first)
        );
    }

    // 2. The draft, from the report and the old statement.
    let declaration = path("declaration.json");
    let statement = before.url("/personvern/");
    let draft = kapsel(&[
        "catalogue",
        "draft",
        "--from-scan",
        &report,
        "--from-policy",
        &statement,
        "--out",
        &declaration,
    ]);
    assert_eq!(draft.status.code(), Some(0), "{}", said(&draft));
    drop(before);
    let drift = std::fs::read_to_string(path("declaration.statement.md")).unwrap();
    assert!(
        drift.contains(&format!(
            "## Seen but never declared: the drift (1)\n\n- `{UNDECLARED}`"
        )),
        "the cookie the old statement forgets is the drift:\n{drift}"
    );
    let review = std::fs::read_to_string(path("declaration.review.md")).unwrap();
    assert!(
        review.lines().filter(|l| l.starts_with("- [ ] ")).count() >= seen.len() / 3,
        "{review}"
    );

    // 3. The check reports the TODOs and nothing else; resolve refuses them.
    let check = kapsel(&["catalogue", "check", &declaration]);
    assert_eq!(check.status.code(), Some(1), "{}", said(&check));
    let warnings: Vec<String> = said(&check)
        .lines()
        .filter(|l| l.ends_with(']'))
        .map(String::from)
        .collect();
    assert!(
        !warnings.is_empty() && warnings.iter().all(|w| w.ends_with("[todo]")),
        "{warnings:#?}"
    );
    let refused = kapsel(&["catalogue", "resolve", &declaration]);
    assert_eq!(refused.status.code(), Some(2), "{}", said(&refused));

    // 4. The reviewer fills them in; now it checks clean and resolves.
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&declaration).unwrap()).unwrap();
    fill(&mut doc, "");
    std::fs::write(&declaration, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let check = kapsel(&["catalogue", "check", &declaration]);
    assert_eq!(check.status.code(), Some(0), "{}", said(&check));
    let resolved = path("kapsel.json");
    let resolve = kapsel(&["catalogue", "resolve", &declaration, "--out", &resolved]);
    assert_eq!(resolve.status.code(), Some(0), "{}", said(&resolve));

    // 5. The site with the banner and the new declaration, scanned again.
    let after = Demo::start(DemoOptions {
        declaration: Some(Path::new(&resolved).to_path_buf()),
        ..DemoOptions::new(Site::Gated)
    })
    .expect("the demo serves the drafted declaration");
    require_banner(&after);
    assert_eq!(after.declaration_path(), Path::new(&resolved));
    let scan2 = scan(&after, "both", &[]);
    let why = brief(&scan2.report);
    assert_eq!(findings_of(&scan2.report, "undeclared"), set(&[]), "{why}");
    assert_eq!(
        findings_of(&scan2.report, "set-before-consent"),
        set(&[]),
        "{why}"
    );
    for tracker in TRACKER_COOKIES {
        assert!(
            names_in_phase(&scan2.report, "accept").contains(tracker),
            "the banner lets {tracker} in after accept all\n{why}"
        );
    }

    // 6. The privacy statement's table is the new declaration's, and lists every cookie seen.
    let page = get(&after, "/personvern/");
    let rows = table_names(&page);
    assert!(
        !page.contains("TODO"),
        "nothing half-reviewed reaches visitors"
    );
    for cookie in &seen {
        assert!(
            rows.iter().any(|r| NamePattern::parse(r).matches(cookie)),
            "{cookie} in the cookie table {rows:?}"
        );
    }
}
