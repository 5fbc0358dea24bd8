//! Consent banners of real open-source consent libraries (from npm, pinned, installed by
//! `scripts/setup.sh` into target/tools) and of banner dark patterns, scanned with all three
//! phases: each library's banner is found, accept and reject are pressed and verified, and the
//! analytics cookie it gates appears after accept only; each dark pattern is reported with its
//! numbers; a phase that measured nothing is a medium finding.

mod support;

use kapsel_cmp_fixtures::{Fixtures, ANALYTICS_COOKIE, FIXTURES};
use support::{cookies, findings, scan};

fn fixtures() -> Fixtures {
    Fixtures::start(&kapsel_cmp_fixtures::default_tools_dir()).unwrap_or_else(|e| panic!("{e}"))
}

/// `kapsel scan --consent all` of one fixture's page.
fn scan_fixture(fx: &Fixtures, name: &str) -> (std::process::Output, serde_json::Value) {
    scan(
        &fx.url(name),
        &[
            "--consent",
            "all",
            "--max-pages",
            "1",
            "--concurrency",
            "1",
            "--fail-on",
            "never",
        ],
    )
}

fn phase<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["phases"]
        .as_array()
        .and_then(|a| a.iter().find(|p| p["phase"] == name))
        .unwrap_or_else(|| panic!("no {name} phase in {report}"))
}

#[test]
fn every_library_banner_is_pressed_both_ways_and_proven() {
    let fx = fixtures();
    let libraries: Vec<_> = FIXTURES
        .iter()
        .filter(|f| f.kind == kapsel_cmp_fixtures::Kind::Library)
        .collect();
    assert!(libraries.len() >= 6);
    let mut failures = Vec::new();
    for f in libraries {
        let (out, report) = scan_fixture(&fx, f.name);
        support::assert_exit(&out, 0);
        for name in ["accept", "reject"] {
            let p = phase(&report, name);
            if p["banner_found"] != true || p["clicked"].is_null() || p["verified"] != true {
                failures.push(format!("{}: {name} phase {p}", f.name));
            }
        }
        let ga = cookies(&report, ANALYTICS_COOKIE);
        let phases: Vec<_> = ga
            .iter()
            .flat_map(|c| c["phases"].as_array().cloned().unwrap_or_default())
            .collect();
        if phases != [serde_json::json!("accept")] {
            failures.push(format!(
                "{}: {ANALYTICS_COOKIE} in phases {phases:?}",
                f.name
            ));
        }
        if !findings(&report, "consent-not-measured").is_empty() {
            failures.push(format!("{}: a phase was not measured", f.name));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn dark_patterns_are_reported_with_their_numbers() {
    let fx = fixtures();
    for (name, kind, words) in [
        ("dark-no-reject", "no-reject-first-layer", "godta alle"),
        ("dark-reject-link", "reject-less-prominent", "px²"),
        ("dark-pre-ticked", "pre-ticked-categories", "statistikk"),
        ("dark-no-banner", "no-banner-with-cookies", ANALYTICS_COOKIE),
    ] {
        let (out, report) = scan_fixture(&fx, name);
        support::assert_exit(&out, 0);
        let hits: Vec<_> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == kind)
            .collect();
        assert_eq!(hits.len(), 1, "{name}: {}", report["findings"]);
        let message = hits[0]["message"].as_str().unwrap();
        assert!(message.contains(words), "{name}: {message}");
    }
}

#[test]
fn a_site_without_banner_is_not_measured_and_fails_at_medium() {
    let fx = fixtures();
    let (out, report) = scan(
        &fx.url("no-banner"),
        &[
            "--consent",
            "all",
            "--max-pages",
            "1",
            "--concurrency",
            "1",
            "--fail-on",
            "medium",
        ],
    );
    support::assert_exit(&out, 1);
    let not_measured: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "consent-not-measured")
        .map(|f| (f["phase"].clone(), f["severity"].clone()))
        .collect();
    assert_eq!(
        not_measured,
        [
            (serde_json::json!("accept"), serde_json::json!("medium")),
            (serde_json::json!("reject"), serde_json::json!("medium"))
        ]
    );
    assert!(findings(&report, "no-banner-with-cookies").is_empty());
    assert_eq!(phase(&report, "accept")["banner_found"], false);
}
