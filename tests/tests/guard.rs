//! The guard (`/kapsel/guard.js`, generated from the fixture's declaration) on a page that inserts
//! trackers in every way a CMS, a theme, a plugin or a tag manager does — none of them marked up —
//! in real headless Chromium with the stand-in trackers under their real host names: nothing
//! reaches a tracker before a choice or after "reject all"; "accept all" runs every tracker once;
//! statistics alone leaves marketing off; and `kapsel scan` finds nothing set before consent.

mod demo_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::thread::sleep;
use std::time::{Duration, Instant};

use demo_support::{findings_of, scan, set};
use kapsel_demo::{DemoOptions, Site};
use kapsel_e2e::visitor::{Visitor, WAIT};

/// How long to let a page's requests settle before asserting that none happened.
const SETTLE: Duration = Duration::from_millis(1500);

/// Every way the fixture inserts a tracker (the `way=` of its URL) and the category it needs.
const WAYS: [(&str, &str); 11] = [
    ("append", "marketing"),
    ("insert", "marketing"),
    ("innerhtml", "marketing"),
    ("write", "marketing"),
    ("gtm", "statistics"),
    ("gtm-gtag", "statistics"),
    ("gtm-pixel", "marketing"),
    ("image", "marketing"),
    ("img", "marketing"),
    ("beacon", "statistics"),
    ("fetch", "statistics"),
];
/// The XMLHttpRequest way (statistics), kept apart so the table above stays one type wide.
const XHR: &str = "xhr";

const TRACKER_COOKIES: [&str; 7] = ["_ga", "_ga_GTM0001", "_gid", "datr", "fr", "sb", "vuid"];

fn fixture() -> PathBuf {
    kapsel_demo::repo_root().join("tests/fixtures/guard")
}

fn visitor() -> Visitor {
    Visitor::start(DemoOptions::new(Site::Dir(fixture())))
}

/// Requests that reached a stand-in tracker, counted by their `way=`.
fn ways(v: &Visitor) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in v.demo.tracker_requests() {
        if let Some(way) = r.query.split('&').find_map(|p| p.strip_prefix("way=")) {
            *out.entry(way.to_string()).or_default() += 1;
        }
    }
    out
}

fn all_ways() -> Vec<&'static str> {
    WAYS.iter().map(|(w, _)| *w).chain([XHR]).collect()
}

fn ways_in(category: &str) -> Vec<&'static str> {
    let mut w: Vec<_> = WAYS
        .iter()
        .filter(|(_, c)| *c == category)
        .map(|(w, _)| *w)
        .collect();
    if category == "statistics" {
        w.push(XHR);
    }
    w
}

/// Loads a page and waits until the fixture's script ran, the site's own fetch came back and the
/// banner (or its reopen control) is up; then lets requests settle.
fn load(v: &Visitor, path: &str) {
    v.visit(path);
    v.wait("window.fixtureDone && window.ownFetch === 200");
    sleep(SETTLE);
}

fn tracker_cookies(v: &Visitor) -> BTreeSet<String> {
    let all = v.cookies();
    all.into_iter()
        .filter(|c| TRACKER_COOKIES.contains(&c.as_str()))
        .collect()
}

/// Waits until every listed way reached its tracker at least once, then lets the rest settle.
fn wait_ways(v: &Visitor, expected: &[&str]) {
    let start = Instant::now();
    while !expected.iter().all(|w| ways(v).contains_key(*w)) {
        assert!(
            start.elapsed() < WAIT,
            "never reached their trackers: {:?}; requests: {:?}",
            expected
                .iter()
                .filter(|w| !ways(v).contains_key(**w))
                .collect::<Vec<_>>(),
            v.demo.tracker_requests()
        );
        sleep(Duration::from_millis(100));
    }
    sleep(SETTLE);
}

#[test]
fn before_a_choice_and_after_reject_all_nothing_reaches_a_tracker() {
    let v = visitor();
    load(&v, "/");
    assert_eq!(
        v.demo.tracker_requests(),
        vec![],
        "before any choice, no request reaches a tracker host"
    );
    assert_eq!(tracker_cookies(&v), set(&[]));
    assert_eq!(
        v.js("[...document.querySelectorAll('iframe[title^=Facebook], iframe[title^=Video]')].map(f => f.hasAttribute('src') + ':' + f.dataset.consent + ':' + !!f.dataset.src).join()"),
        "false:marketing:true,false:marketing:true",
        "the inserted embeds were neutralised into the banner's markup contract"
    );
    assert_eq!(
        v.js("!!document.querySelector('[data-kapsel-placeholder]')"),
        true,
        "the banner put its placeholder in front of the neutralised embed"
    );

    v.click("[data-kapsel-action=reject-all]");
    v.wait("kapsel.consent().decided");
    sleep(SETTLE);
    assert_eq!(v.demo.tracker_requests(), vec![], "after reject all");
    // The next page reads the stored refusal.
    load(&v, "/");
    assert_eq!(
        v.demo.tracker_requests(),
        vec![],
        "the next page after reject all"
    );
    assert_eq!(tracker_cookies(&v), set(&[]));
    assert_eq!(v.js("window.ownFetch"), 200, "the site's own requests pass");
}

#[test]
fn accept_all_runs_every_tracker_once_and_the_next_page_passes_them_straight_through() {
    let v = visitor();
    load(&v, "/");
    assert_eq!(v.demo.tracker_requests(), vec![]);
    v.click("[data-kapsel-action=accept-all]");
    wait_ways(&v, &all_ways());
    let once: BTreeMap<String, usize> = all_ways().iter().map(|w| (w.to_string(), 1)).collect();
    assert_eq!(ways(&v), once, "every tracker ran exactly once");
    v.wait_cookies(&["_ga", "datr", "vuid", "fr"]);

    // A returning visitor: the guard reads the stored consent and lets everything through.
    v.demo.clear_tracker_requests();
    load(&v, "/");
    wait_ways(&v, &all_ways());
    assert_eq!(ways(&v), once, "every tracker once on the next page");
}

#[test]
fn statistics_alone_leaves_marketing_off() {
    let v = visitor();
    load(&v, "/");
    v.js("kapsel.accept(['statistics'])");
    let stats = ways_in("statistics");
    wait_ways(&v, &stats);
    let got = ways(&v);
    for w in &stats {
        assert_eq!(got.get(*w), Some(&1), "{w} ran once: {got:?}");
    }
    for w in ways_in("marketing") {
        assert_eq!(got.get(w), None, "{w} is marketing and stays off: {got:?}");
    }
    let marketing_hosts: Vec<_> = v
        .demo
        .tracker_requests()
        .into_iter()
        .filter(|r| !r.host.contains("google"))
        .collect();
    assert_eq!(
        marketing_hosts,
        vec![],
        "no request to a marketing host at all"
    );
    let cookies = tracker_cookies(&v);
    assert!(cookies.contains("_ga"), "statistics ran: {cookies:?}");
    for c in ["datr", "fr", "sb", "vuid"] {
        assert!(!cookies.contains(c), "{c} is marketing: {cookies:?}");
    }
}

#[test]
fn the_scanner_finds_nothing_set_before_consent_on_the_guarded_page() {
    let demo = kapsel_demo::Demo::start(DemoOptions::new(Site::Dir(fixture())))
        .expect("the fixture is served");
    kapsel_e2e::visitor::require_banner(&demo);
    let scan = scan(&demo, "all", &["--max-pages", "1"]);
    let why = demo_support::brief(&scan.report);
    assert_eq!(
        findings_of(&scan.report, "set-before-consent"),
        BTreeSet::new(),
        "{why}"
    );
    assert_eq!(
        findings_of(&scan.report, "set-after-reject"),
        BTreeSet::new(),
        "{why}"
    );
    let after_accept = demo_support::names_in_phase(&scan.report, "accept");
    for c in ["_ga", "datr", "vuid"] {
        assert!(
            after_accept.contains(c),
            "the scanner's accept phase ran the trackers: {why}"
        );
    }
}

/// What the guard cannot promise: what the HTML parser inserts from the page's own markup.
/// Chromium's preload scanner reads ahead in the HTML bytes and requests `<script src>` and
/// `<img src>` before any script on the page runs, and starts an iframe's navigation as the parser
/// inserts it (the guard's MutationObserver cancels it, often but not always before the request is
/// sent; an iframe marked `loading="lazy"` waits for layout, by which time the guard has stopped
/// it). The guard still keeps the script from running, the pixel from loading and the embed from
/// showing until consent; after "accept all" they all run.
#[test]
fn what_the_parser_inserts_is_kept_from_running_until_consent() {
    let v = visitor();
    v.visit("/markup/");
    sleep(SETTLE);
    assert_eq!(v.js("typeof FB"), "undefined", "the pasted SDK never ran");
    assert_eq!(
        v.js("[...document.querySelectorAll('script[src*=sdk], iframe, img')].map(e => e.tagName + ':' + (e.type || '') + ':' + e.hasAttribute('src') + ':' + e.dataset.consent).join()"),
        "IFRAME::false:marketing,IFRAME::false:marketing,SCRIPT:text/plain:true:marketing,IMG::false:marketing",
    );
    assert_eq!(
        v.js("!!document.querySelector('[data-kapsel-placeholder]')"),
        true,
        "the banner put its placeholder in front of the pasted embed"
    );
    let reached = ways(&v);
    eprintln!("markup page, before a choice: requests that reached trackers anyway: {reached:?}");
    // A lazy iframe's navigation waits for layout: the guard has always heard of it by then.
    assert!(
        !reached.contains_key("parser-iframe-lazy"),
        "the lazy-loading embed was stopped before its request: {reached:?}"
    );
    v.demo.clear_tracker_requests();
    v.click("[data-kapsel-action=accept-all]");
    // (What the preload scanner fetched may be served from its cache: judge by the page.)
    v.wait("typeof FB === 'object' && document.querySelector('img[alt=pixel]').naturalWidth > 0 && [...document.querySelectorAll('iframe')].every(f => f.src.includes('way=parser-iframe'))");
    v.wait_cookies(&["vuid"]);
}

/// FNV-1a (32 bits): the check the stored choice ends with.
fn fnv(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5, |h: u32, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// A `kapsel_consent` value with a correct check over `body`.
fn record(body: &str) -> String {
    format!("{body}~{:08x}", fnv(body))
}

/// The guard and the banner each read the stored choice themselves (the guard before anything
/// else on the page, the banner once its wasm is in); a record that one honours and the other
/// does not would let trackers run under a banner that still asks, or hold them back after a
/// choice. Every shape of record, valid or not, gets the same verdict from both.
#[test]
fn the_guard_and_the_banner_read_a_stored_choice_alike() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs();
    let day = 86_400;
    let id = "0b6f2a5e-8c1d-4f3a-9e2b-7d4c5a6b8e9f";
    let stats = &["statistics"][..];
    let cases: Vec<(&str, String, Option<&[&str]>)> = vec![
        (
            "with a receipt id",
            record(&format!("1~necessary.statistics~{now}~guard-1~{id}")),
            Some(stats),
        ),
        (
            "with an empty receipt id",
            record(&format!("1~necessary.preferences.marketing~{now}~guard-1~")),
            Some(&["preferences", "marketing"]),
        ),
        (
            "from before receipts (four fields)",
            record(&format!("1~necessary.marketing~{now}~guard-1")),
            Some(&["marketing"]),
        ),
        (
            "necessary only",
            record(&format!("1~necessary~{now}~guard-1~{id}")),
            Some(&[]),
        ),
        (
            "a wrong check",
            format!("1~necessary.statistics~{now}~guard-1~{id}~00000000"),
            None,
        ),
        (
            "another revision",
            record(&format!("1~necessary.statistics~{now}~guard-0~{id}")),
            None,
        ),
        (
            "expired",
            record(&format!(
                "1~necessary.statistics~{}~guard-1~{id}",
                now - 181 * day
            )),
            None,
        ),
        (
            "from the future",
            record(&format!(
                "1~necessary.statistics~{}~guard-1~{id}",
                now + 2 * day
            )),
            None,
        ),
        (
            "without necessary",
            record(&format!("1~statistics~{now}~guard-1~{id}")),
            None,
        ),
        (
            "an unknown category",
            record(&format!("1~necessary.ads~{now}~guard-1~{id}")),
            None,
        ),
        (
            "another format version",
            record(&format!("2~necessary.statistics~{now}~guard-1~{id}")),
            None,
        ),
        (
            "six fields",
            record(&format!("1~necessary.statistics~{now}~guard-1~{id}~x")),
            None,
        ),
        ("no record", String::new(), None),
    ];
    let v = visitor();
    v.visit("/");
    // The guard's Consent Mode calls come first in `dataLayer` (it runs before anything else):
    // `default`, then `update` when it honoured a stored choice.
    let guard_verdict = "(() => { const u = dataLayer[1]; if (!u || u[1] !== 'update') return null; \
        const g = (k) => u[2][k] === 'granted'; \
        return [g('functionality_storage') && 'preferences', g('analytics_storage') && 'statistics', \
                g('ad_storage') && 'marketing'].filter(Boolean).join(); })()";
    let banner_verdict = "(() => { const c = kapsel.consent(); return c.decided ? \
        ['preferences', 'statistics', 'marketing'].filter((k) => c[k]).join() : null; })()";
    for (what, value, expected) in cases {
        v.js(&format!(
            "document.cookie = 'kapsel_consent={value}; path=/; max-age={}'",
            if value.is_empty() { 0 } else { 3600 }
        ));
        v.visit("/");
        v.wait("window.kapsel && kapsel.consent().revision !== null");
        let guard = v.js(guard_verdict);
        let banner = v.js(banner_verdict);
        let expected = expected.map_or(serde_json::Value::Null, |c| c.join(",").into());
        assert_eq!(banner, expected, "the banner, on a record {what}: {value}");
        assert_eq!(
            guard, banner,
            "the guard and the banner, on a record {what}: {value}"
        );
    }
}
