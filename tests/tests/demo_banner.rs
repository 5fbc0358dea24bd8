//! The Kapsel banner on the demo municipality, in real headless Chromium with the stand-in
//! trackers: nothing before a choice on any page, accept all, reject all (remembered across
//! pages), settings with statistics only, withdrawal from the privacy statement's own button, and
//! the news article whose pasted Vimeo embed only the guard keeps off.
//! Needs the banner built (`scripts/build-banner.sh`).

mod demo_support;

use std::collections::BTreeSet;
use std::thread::sleep;
use std::time::{Duration, Instant};

use demo_support::{set, SERVER_COOKIES, TRACKER_COOKIES, UNDECLARED};
use kapsel_demo::{DemoOptions, Site};
use kapsel_e2e::fixtures::{copy_dir, replace_in, BANNER_TAG, GUARD_TAG};
use kapsel_e2e::visitor::{Visitor, WAIT};
use serde_json::Value;

/// How long to give a (wrongly) activated tracker to show up before concluding it did not.
const SETTLE: Duration = Duration::from_millis(1500);
const STATISTICS: [&str; 4] = ["_ga", "_ga_EKS3MPL4", "_gid", "vuid"];
const MARKETING: [&str; 3] = ["datr", "fr", "sb"];

fn visitor() -> Visitor {
    Visitor::start(DemoOptions::new(Site::Gated))
}

fn banner_shown(v: &Visitor) -> bool {
    v.js("!!document.getElementById('kapsel-banner')") == Value::Bool(true)
}

fn with(base: &[&str], more: &[&str]) -> BTreeSet<String> {
    let mut s = set(base);
    s.extend(set(more));
    s
}

#[test]
fn before_a_choice_no_page_reaches_a_tracker() {
    let v = visitor();
    for page in ["/", "/nyheter/", "/nn/", "/tilbakemelding/"] {
        v.visit(page);
        assert!(banner_shown(&v), "the banner asks on {page}");
        sleep(SETTLE);
        assert_eq!(
            v.js("[...document.querySelectorAll('iframe')].filter(f => f.getAttribute('src')).length"),
            0,
            "no gated frame loaded on {page}"
        );
    }
    assert_eq!(
        v.tracker_hosts(),
        BTreeSet::new(),
        "no request reached a tracker"
    );
    assert_eq!(
        v.cookies(),
        set(&["PHPSESSID", "FormCookie"]),
        "only necessary cookies"
    );
    v.visit("/");
    assert_eq!(
        v.js("document.querySelectorAll('[data-kapsel-placeholder]').length"),
        2,
        "the Vimeo and Facebook frames show placeholders"
    );
}

#[test]
fn accept_all_brings_the_analytics_facebook_and_vimeo_cookies() {
    let v = visitor();
    v.visit("/");
    v.click("#kapsel-banner [data-kapsel-action=accept-all]");
    v.wait_cookies(&TRACKER_COOKIES);
    v.wait_cookies(&[UNDECLARED]);
    assert_eq!(
        v.cookies(),
        with(
            &TRACKER_COOKIES,
            &["PHPSESSID", "kapsel_consent", UNDECLARED]
        )
    );
    assert!(!banner_shown(&v), "the banner closes");
    let hosts = v.tracker_hosts();
    for host in v.demo.tracker_hosts() {
        assert!(
            hosts.contains(*host),
            "{host} contacted after accept: {hosts:?}"
        );
    }
    // The next page runs everything at once, without asking again.
    v.demo.clear_tracker_requests();
    v.visit("/nyheter/");
    assert!(!banner_shown(&v), "the choice is remembered");
    v.wait("document.querySelector('iframe.facebook').getAttribute('src')");
    let start = Instant::now();
    while !v.tracker_hosts().contains("www.google-analytics.com") {
        assert!(start.elapsed() < WAIT, "{:?}", v.demo.tracker_requests());
        sleep(Duration::from_millis(100));
    }
}

#[test]
fn reject_all_keeps_every_tracker_out_on_every_page() {
    let v = visitor();
    v.visit("/");
    v.click("#kapsel-banner [data-kapsel-action=reject-all]");
    v.wait("!document.getElementById('kapsel-banner')");
    for page in ["/nyheter/", "/tilbakemelding/", "/nn/"] {
        v.visit(page);
        assert!(
            !banner_shown(&v),
            "a refusal is remembered on {page}: no nagging"
        );
    }
    sleep(SETTLE);
    assert_eq!(v.tracker_hosts(), BTreeSet::new());
    assert_eq!(
        v.cookies(),
        set(&["PHPSESSID", "FormCookie", "kapsel_consent"])
    );
}

#[test]
fn settings_with_statistics_only_run_analytics_and_vimeo_but_not_facebook() {
    let v = visitor();
    v.visit("/");
    v.click("#kapsel-banner [data-kapsel-action=settings]");
    v.wait("document.querySelector('#kapsel-banner input[data-kapsel-category=statistics]')");
    let text = v.js("document.getElementById('kapsel-banner').textContent");
    let text = text.as_str().unwrap_or_default();
    for declared in [
        "Google Analytics 4",
        "_ga",
        "Vimeo",
        "datr",
        "PHPSESSID",
        "FormCookie",
    ] {
        assert!(
            text.contains(declared),
            "the settings list {declared}: {text}"
        );
    }
    assert!(
        !text.contains(UNDECLARED),
        "the banner only knows the declaration"
    );
    v.click("#kapsel-banner input[data-kapsel-category=statistics]");
    v.click("#kapsel-banner [data-kapsel-action=save]");
    v.wait_cookies(&STATISTICS);
    sleep(SETTLE);
    let hosts = v.tracker_hosts();
    assert!(
        hosts.contains("player.vimeo.com"),
        "Vimeo is declared statistics: {hosts:?}"
    );
    assert!(
        !hosts.contains("www.facebook.com") && !hosts.contains("connect.facebook.net"),
        "{hosts:?}"
    );
    let cookies = v.cookies();
    for name in MARKETING {
        assert!(
            !cookies.contains(name),
            "{name} without marketing consent: {cookies:?}"
        );
    }
    assert_eq!(
        v.js("document.querySelector('iframe.facebook').getAttribute('src')"),
        Value::Null
    );
}

#[test]
fn withdrawal_from_the_privacy_statement_deletes_the_analytics_cookies() {
    let v = visitor();
    v.visit("/");
    v.click("#kapsel-banner [data-kapsel-action=accept-all]");
    v.wait_cookies(&TRACKER_COOKIES);
    v.visit("/personvern/");
    v.js("window.beforeReload = 1");
    // The statement's own "Endre samtykket ditt" button opens the settings.
    v.click("main [data-kapsel-action=settings]");
    v.wait("document.querySelector('#kapsel-banner input[data-kapsel-category=statistics]')");
    assert_eq!(
        v.js("document.querySelector('#kapsel-banner input[data-kapsel-category=statistics]').checked"),
        true
    );
    v.click("#kapsel-banner input[data-kapsel-category=statistics]");
    v.demo.clear_tracker_requests();
    v.click("#kapsel-banner [data-kapsel-action=save]");
    v.wait(
        "document.readyState === 'complete' && window.beforeReload === undefined && window.kapsel",
    );
    sleep(SETTLE);
    let cookies = v.cookies();
    for gone in ["_ga", "_ga_EKS3MPL4", "_gid"] {
        assert!(
            !cookies.contains(gone),
            "{gone} survived withdrawal: {cookies:?}"
        );
    }
    for kept in SERVER_COOKIES
        .iter()
        .take(1)
        .chain(&["kapsel_consent", "datr"])
    {
        assert!(cookies.contains(*kept), "{kept} stays: {cookies:?}");
    }
    let hosts = v.tracker_hosts();
    assert!(
        !hosts.contains("www.googletagmanager.com") && !hosts.contains("www.google-analytics.com"),
        "analytics stopped after withdrawal: {hosts:?}"
    );
    let c = v.js("window.kapsel.consent()");
    assert_eq!(
        (&c["statistics"], &c["marketing"]),
        (&Value::Bool(false), &Value::Bool(true))
    );
}

/// A copy of the demo whose pages have `tags` where the guard's one tag was, and a visitor on it.
fn demo_with_tags(tags: &str) -> (tempfile::TempDir, Visitor) {
    let site = tempfile::tempdir().expect("a temporary directory");
    copy_dir(&kapsel_demo::demo_site_dir(), site.path());
    replace_in(&site.path().join("_partials/head.html"), GUARD_TAG, tags);
    let v = Visitor::start(DemoOptions::new(Site::Dir(site.path().into())));
    (site, v)
}

/// The news article whose Vimeo embed an editor pasted as Vimeo gives it: an `<iframe src>` in
/// the page's markup, without the markup contract.
const ARTICLE: &str = "/nyheter/kulturprisen-2026/";

/// The tracker cookies in the browser.
fn tracker_cookies(v: &Visitor) -> BTreeSet<String> {
    v.cookies()
        .into_iter()
        .filter(|c| TRACKER_COOKIES.contains(&c.as_str()) || c == UNDECLARED)
        .collect()
}

#[test]
fn only_the_guard_keeps_the_pasted_vimeo_embed_off_until_consent() {
    // With the guard (first in every page's head): neutralised into the markup contract, so the
    // banner gives it the placeholder of a marked-up iframe, and nothing reached Vimeo.
    let v = visitor();
    v.visit(ARTICLE);
    v.wait("document.querySelector('article [data-kapsel-placeholder] + iframe')");
    sleep(SETTLE);
    assert_eq!(
        v.js("(f => [f.getAttribute('src'), f.dataset.consent, f.dataset.src.includes('/video/76979871')])(document.querySelector('article iframe'))"),
        serde_json::json!([null, "statistics", true]),
        "the pasted iframe lost its src to data-src and asks for the category the declaration gives Vimeo"
    );
    assert_eq!(
        v.tracker_hosts(),
        BTreeSet::new(),
        "no request reached a tracker"
    );
    assert_eq!(tracker_cookies(&v), BTreeSet::new(), "no tracker cookie");
    // The placeholder's own button allows statistics: the video plays, once.
    v.click("article [data-kapsel-placeholder] [data-kapsel-action=allow]");
    v.wait_cookies(&["vuid"]);
    v.wait("(document.querySelector('article iframe').getAttribute('src') || '').includes('/video/76979871')");
    let frames = v
        .demo
        .tracker_requests()
        .iter()
        .filter(|r| r.host == "player.vimeo.com")
        .count();
    assert_eq!(frames, 1, "{:?}", v.demo.tracker_requests());
    assert!(
        !tracker_cookies(&v)
            .iter()
            .any(|c| MARKETING.contains(&c.as_str())),
        "allowing statistics leaves marketing off"
    );

    // The same site with the banner alone (its module tag instead of the guard's one tag): the
    // banner cannot know the pasted iframe, and Vimeo gets its request and sets vuid before
    // anyone chose.
    let (_site, bare) = demo_with_tags(BANNER_TAG);
    bare.visit(ARTICLE);
    assert!(banner_shown(&bare), "no choice was made");
    bare.wait_cookies(&["vuid"]);
    assert!(bare.tracker_hosts().contains("player.vimeo.com"));
}

#[test]
fn a_page_that_loads_the_banner_twice_starts_it_once() {
    // The guard's one tag, and the banner's own tag left in place after it.
    let (_site, v) = demo_with_tags(&format!("{GUARD_TAG}\n{BANNER_TAG}"));
    v.visit("/");
    sleep(SETTLE);
    assert_eq!(
        v.js("document.querySelectorAll('#kapsel-banner').length"),
        1
    );
    v.js("window.choices = 0; document.addEventListener('kapsel:consent', () => choices++), 0");
    v.click("#kapsel-banner [data-kapsel-action=accept-all]");
    v.wait_cookies(&["_ga", "vuid"]);
    sleep(SETTLE);
    assert_eq!(v.js("choices"), 1, "one banner took the choice");
    assert_eq!(
        v.js("document.querySelectorAll('#kapsel-banner, #kapsel-reopen').length"),
        1,
        "one reopen control, no second banner"
    );
}
