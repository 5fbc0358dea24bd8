//! `kapsel scan` on the demo municipality, in real headless Chromium: the gated site stores
//! exactly what its declaration promises per consent phase (with the one cookie it forgot), and
//! the ungated copy is caught setting every tracker cookie before consent.

mod demo_support;

use std::collections::BTreeSet;

use demo_support::*;
use kapsel_demo::{Demo, DemoOptions, Site};
use kapsel_e2e::visitor::require_banner;

#[test]
fn gated_demo_stores_exactly_the_expected_cookies_in_each_phase() {
    let demo = Demo::start(DemoOptions::new(Site::Gated)).expect("the demo starts");
    require_banner(&demo);
    let scan = scan(&demo, "all", &[]);
    let report = &scan.report;
    let why = brief(report);

    let server = set(&SERVER_COOKIES);
    let mut after_reject = server.clone();
    after_reject.insert("kapsel_consent".into());
    let mut after_accept = after_reject.clone();
    after_accept.extend(set(&TRACKER_COOKIES));
    after_accept.insert(UNDECLARED.into());

    assert_eq!(
        names_in_phase(report, "none"),
        server,
        "before consent\n{why}"
    );
    assert_eq!(
        names_in_phase(report, "reject"),
        after_reject,
        "after reject\n{why}"
    );
    assert_eq!(
        names_in_phase(report, "accept"),
        after_accept,
        "after accept\n{why}"
    );

    assert_eq!(
        findings_of(report, "set-before-consent"),
        BTreeSet::new(),
        "the banner holds every tracker back\n{why}"
    );
    // Among the pages scanned before consent is the news article whose Vimeo embed an editor
    // pasted without the markup contract: the guard held it back too.
    let article_scanned = report["pages"]
        .as_array()
        .expect("report.pages")
        .iter()
        .any(|p| {
            p["phase"] == "none"
                && p["url"]
                    .as_str()
                    .is_some_and(|u| u.ends_with("/nyheter/kulturprisen-2026/"))
        });
    assert!(
        article_scanned,
        "the article with the pasted embed was scanned before consent\n{why}"
    );
    let origin = |name: &str| {
        let c = cookies(report)
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} in the report\n{why}"));
        (c["set_by"].clone(), c["set_by_host"].clone())
    };
    assert_eq!(
        origin("_ga"),
        ("script".into(), "www.googletagmanager.com".into()),
        "the analytics script on the tracker's host wrote _ga on the site's domain"
    );
    assert_eq!(
        origin("datr"),
        ("header".into(), "www.facebook.com".into()),
        "the Facebook frame's response set datr"
    );
    assert_eq!(
        findings_of(report, "set-after-reject"),
        BTreeSet::new(),
        "{why}"
    );
    assert_eq!(
        findings_of(report, "undeclared"),
        set(&[UNDECLARED]),
        "the one cookie the declaration forgets\n{why}"
    );
    let kinds: BTreeSet<&str> = report["findings"]
        .as_array()
        .expect("report.findings")
        .iter()
        .filter_map(|f| f["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["undeclared"]),
        "no other finding: every declared cookie is seen, with its declared lifetime\n{why}"
    );
    assert_eq!(
        scan.status, 1,
        "an undeclared cookie is a finding\n{}",
        scan.stderr
    );

    for cookie in cookies(report) {
        let name = name(cookie);
        assert_eq!(
            cookie["declared"].as_bool(),
            Some(name != UNDECLARED),
            "declared flag of {name}\n{why}"
        );
        assert_eq!(
            cookie["before_consent"].as_bool(),
            Some(SERVER_COOKIES.contains(&name)),
            "{name}"
        );
    }
    let by_name = |n: &str| {
        cookies(report)
            .iter()
            .find(|c| name(c) == n)
            .unwrap_or_else(|| panic!("{n} in the report\n{why}"))
    };
    for third in ["datr", "fr", "sb"] {
        assert_eq!(by_name(third)["domain"], ".facebook.com", "{why}");
        assert_eq!(by_name(third)["first_party"].as_bool(), Some(false));
        assert_eq!(by_name(third)["category"], "marketing");
    }
    assert_eq!(by_name("vuid")["domain"], ".vimeo.com");
    assert_eq!(by_name("vuid")["category"], "statistics");
    assert_eq!(by_name("_ga")["first_party"].as_bool(), Some(true));
    assert_eq!(by_name("_ga")["category"], "statistics");
    assert_eq!(by_name("PHPSESSID")["category"], "necessary");

    let phases = report["phases"].as_array().expect("report.phases");
    for phase in ["accept", "reject"] {
        let info = phases
            .iter()
            .find(|p| p["phase"] == phase)
            .unwrap_or_else(|| panic!("phase {phase} in the report\n{why}"));
        assert_eq!(
            info["banner_found"].as_bool(),
            Some(true),
            "the scanner found Kapsel's banner in {phase}"
        );
    }
}

#[test]
fn ungated_copy_is_reported_setting_every_tracker_cookie_before_consent() {
    let demo = Demo::start(DemoOptions::new(Site::Ungated)).expect("the demo starts");
    // The front page alone embeds every tracker; three pages keep the run short.
    let scan = scan(&demo, "none", &["--max-pages", "3"]);
    let report = &scan.report;
    let why = brief(report);

    let before = findings_of(report, "set-before-consent");
    for tracker in TRACKER_COOKIES {
        assert!(
            before.contains(tracker),
            "set-before-consent for {tracker}\n{why}"
        );
    }
    for necessary in SERVER_COOKIES.iter().chain([&UNDECLARED]) {
        assert!(
            !before.contains(*necessary),
            "{necessary} is necessary, no breach\n{why}"
        );
    }
    for cookie in cookies(report) {
        if TRACKER_COOKIES.contains(&name(cookie)) {
            assert_eq!(
                cookie["before_consent"].as_bool(),
                Some(true),
                "{}\n{why}",
                name(cookie)
            );
        }
    }
    assert_eq!(scan.status, 1, "a breach is a finding\n{}", scan.stderr);
    // The breach reached the real stand-ins, which the gated site never lets happen unasked.
    let hosts: BTreeSet<String> = demo
        .tracker_requests()
        .into_iter()
        .map(|r| r.host)
        .collect();
    for host in [
        "www.googletagmanager.com",
        "www.google-analytics.com",
        "www.facebook.com",
        "player.vimeo.com",
    ] {
        assert!(hosts.contains(host), "{host} was contacted: {hosts:?}");
    }
}
