//! Pages visited one after another in one tab (`--concurrency 1`) start as a fresh tab would:
//! what a page left in the tab's session storage — its own origin's and a cross-origin iframe's
//! — and in `window.name` is gone when the next page loads. Each page reports what it found by
//! setting a `leaked_…` cookie, so a leak shows in the report. Real Chromium, two small HTTP
//! servers on 127.0.0.1 (two origins).

use std::time::Duration;

use kapsel_scan::scan;

mod support;

use support::{quick, serve, Page};

/// Reports (as `leaked_<prefix>_<key>` cookies) the session-storage keys and the window name the
/// document finds, then leaves its own under a name of the page's.
fn probe(prefix: &str) -> String {
    format!(
        r#"<script>(() => {{
  const page = location.pathname.replace(/\W/g, '_');
  for (let i = 0; i < sessionStorage.length; i++)
    document.cookie = 'leaked_{prefix}_' + sessionStorage.key(i) + '=1; path=/; max-age=3600';
  if (window.name) document.cookie = 'leaked_{prefix}_name' + window.name + '=1; path=/; max-age=3600';
  sessionStorage.setItem('{prefix}' + page, '1');
  window.name = page;
  document.cookie = 'visited_{prefix}' + page + '=1; path=/; max-age=3600';
}})();</script>"#
    )
}

#[test]
fn a_page_finds_nothing_the_page_before_it_left_in_the_tab() {
    let frame = serve(|path| (path == "/frame").then(|| Page::html(probe("frame"))));
    let pages = ["/", "/a", "/b", "/c"];
    let site = serve(move |path| {
        pages.contains(&path).then(|| {
            Page::html(format!(
                "<html><body><a href=\"/a\">a</a> <a href=\"/b\">b</a> <a href=\"/c\">c</a>{}\
                 <iframe src=\"{frame}/frame\"></iframe></body></html>",
                probe("top")
            ))
        })
    });
    let mut options = quick(&format!("{site}/"));
    options.max_pages = 10;
    options.dwell = Duration::from_millis(300);
    let report = scan(&options).expect("the scan runs");

    assert!(report.complete, "{:?}", report.stopped);
    assert_eq!(report.pages.len(), pages.len());
    assert!(report.pages.iter().all(|p| p.error.is_none()));
    let names: Vec<&str> = report.cookies.iter().map(|c| c.name.as_str()).collect();
    // Every page and its iframe ran the probe (the test would prove nothing otherwise)...
    for page in ["_", "_a", "_b", "_c"] {
        assert!(
            names.contains(&format!("visited_top{page}").as_str()),
            "{names:?}"
        );
    }
    assert!(names.contains(&"visited_frame_frame"), "{names:?}");
    // ...and found nothing an earlier page left.
    let leaked: Vec<&&str> = names.iter().filter(|n| n.starts_with("leaked_")).collect();
    assert!(
        leaked.is_empty(),
        "left over from an earlier page: {leaked:?}"
    );
    // What each page wrote is still recorded.
    let session: Vec<&str> = report
        .storage
        .iter()
        .filter(|s| s.kind == "session")
        .map(|s| s.key.as_str())
        .collect();
    for key in ["top_", "top_a", "top_b", "top_c", "frame_frame"] {
        assert!(session.contains(&key), "{key} missing from {session:?}");
    }
}
