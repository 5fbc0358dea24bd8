//! A scan driven through the library alone (no `kapsel` binary): real headless Chromium against
//! a small HTTP server on 127.0.0.1. The report comes back as a value; the progress callback and
//! the stop handle work without the CLI.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use kapsel_report::{Phase, SetBy};
use kapsel_scan::{scan, start_url, ScanError};

mod support;

use support::{quick, serve, Page};

/// Serves `/` (a header cookie, a script cookie, a link to `/b`) and `/b`; 404 otherwise.
fn site() -> String {
    let origin = serve(|target| {
        match target {
        "/" => Some(
            Page::html("<html><body><a href=\"/b\">b</a><script>document.cookie = 'lib_script=1; max-age=3600; path=/';</script></body></html>")
                .header("Set-Cookie", "lib_session=1; Max-Age=7200; Path=/"),
        ),
        "/b" => Some(Page::html("<html><body>b</body></html>")),
        _ => None,
    }
    });
    format!("{origin}/")
}

#[test]
fn a_scan_through_the_library_returns_the_report() {
    let url = site();
    let mut options = quick(&url);
    let done = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&done);
    options.on_progress = Some(Arc::new(move |p: &kapsel_scan::Progress| {
        seen.store(p.done, Ordering::SeqCst);
    }));
    let report = scan(&options).expect("the scan runs");

    assert!(report.complete, "{:?}", report.stopped);
    assert_eq!(report.pages.len(), 2, "the start page and its link");
    assert!(report
        .pages
        .iter()
        .all(|p| p.error.is_none() && p.phase == Phase::None));
    assert_eq!(
        done.load(Ordering::SeqCst),
        2,
        "progress counted both visits"
    );

    let header = report
        .cookies
        .iter()
        .find(|c| c.name == "lib_session")
        .unwrap();
    assert_eq!(header.set_by, SetBy::Header);
    assert_eq!(header.declared_lifetime_seconds, Some(7200));
    assert!(header.before_consent && header.first_party);
    let script = report
        .cookies
        .iter()
        .find(|c| c.name == "lib_script")
        .unwrap();
    assert_eq!(script.set_by, SetBy::Script);
    // Neither is declared or known: the classification ran.
    assert_eq!(script.classified_by, "unknown");
    assert!(!report.findings.is_empty());
}

#[test]
fn a_pulled_stop_returns_an_incomplete_report_and_bad_input_is_an_error() {
    let url = site();
    let options = quick(&url);
    options.stop.request("stopped by the caller");
    // Stopped before the first phase: nothing visited, so no page could be loaded.
    match scan(&options) {
        Err(ScanError::NothingLoaded { report, .. }) => {
            assert!(!report.complete);
            assert_eq!(report.stopped.as_deref(), Some("stopped by the caller"));
        }
        other => panic!("expected NothingLoaded, got {other:?}"),
    }
    let mut bad = quick(&url);
    bad.concurrency = 0;
    assert!(matches!(scan(&bad), Err(ScanError::Input(m)) if m.contains("--concurrency")));
    assert!(matches!(start_url("ftp://x/"), Err(ScanError::Input(_))));
}
