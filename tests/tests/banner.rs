//! The consent banner in real headless Chromium, against fixture pages (`tests/fixtures/banner/`)
//! served on 127.0.0.1 by the demo server with its stand-in trackers (Google Analytics' gtag.js
//! sets `_ga`, the Facebook page plugin frame sets `datr`/`fr`/`sb`). Needs the banner built
//! (`scripts/build-banner.sh`) and, for the accessibility test, axe-core in `target/tools`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::sleep;
use std::time::Duration;

use headless_chrome::Tab;
use kapsel_demo::{Demo, DemoOptions, Site};
use kapsel_e2e::chrome::{cookie_names, eval, open, wait_for, Chrome, ChromeOptions};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(15);
/// How long to give a (wrongly) activated tracker to show up before concluding it did not.
const SETTLE: Duration = Duration::from_millis(1500);

/// Cookies the fixture's necessary parts may set (the banner's own record).
const NECESSARY: [&str; 1] = ["kapsel_consent"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/banner")
}

/// A demo serving the fixture pages, and a fresh browser pointed at it.
struct Setup {
    demo: Demo,
    _chrome: Chrome,
    tab: Arc<Tab>,
}

fn setup() -> Setup {
    let demo = Demo::start(DemoOptions::new(Site::Dir(fixtures()))).expect("the fixture site starts");
    assert!(
        demo.banner_built(),
        "the banner is not built: {} lacks kapsel.js/kapsel_bg.wasm — run scripts/build-banner.sh first",
        demo.banner_dir().display()
    );
    let chrome = Chrome::launch(&ChromeOptions::for_demo(&demo)).expect("Chromium starts");
    let tab = chrome.new_tab().expect("a tab");
    Setup {
        demo,
        _chrome: chrome,
        tab,
    }
}

impl Setup {
    /// Opens a fixture page and waits until the banner (or, after a choice, its reopen control)
    /// is on the page.
    fn visit(&self, path: &str) {
        open(&self.tab, &self.demo.url(path)).expect("page loads");
        self.wait("document.getElementById('kapsel-banner') || document.getElementById('kapsel-reopen')");
    }

    fn wait(&self, condition: &str) {
        wait_for(&self.tab, condition, WAIT).unwrap_or_else(|e| panic!("{e}"));
    }

    fn js(&self, expression: &str) -> Value {
        eval(&self.tab, expression).unwrap_or_else(|e| panic!("{e}"))
    }

    fn click(&self, selector: &str) {
        self.tab
            .wait_for_element(selector)
            .unwrap_or_else(|e| panic!("{selector}: {e}"))
            .click()
            .unwrap_or_else(|e| panic!("clicking {selector}: {e}"));
    }

    fn cookies(&self) -> BTreeSet<String> {
        cookie_names(&self.tab).expect("cookies")
    }

    fn tracker_hosts(&self) -> BTreeSet<String> {
        self.demo
            .tracker_requests()
            .into_iter()
            .map(|r| r.host)
            .collect()
    }

    fn wait_cookie(&self, name: &str) {
        let start = std::time::Instant::now();
        while !self.cookies().contains(name) {
            assert!(
                start.elapsed() < WAIT,
                "cookie {name} never appeared; cookies: {:?}, tracker requests: {:?}",
                self.cookies(),
                self.demo.tracker_requests()
            );
            sleep(Duration::from_millis(100));
        }
    }

    fn text(&self, selector: &str) -> String {
        self.js(&format!(
            "(document.querySelector({}) || {{}}).textContent || ''",
            Value::from(selector)
        ))
        .as_str()
        .unwrap_or_default()
        .to_string()
    }
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn nothing_non_necessary_runs_before_a_choice() {
    let s = setup();
    s.visit("/");
    s.wait("document.getElementById('kapsel-banner')");
    sleep(SETTLE);
    assert_eq!(s.tracker_hosts(), BTreeSet::new(), "no tracker is contacted before a choice");
    assert!(s.cookies().is_empty(), "no cookie before a choice: {:?}", s.cookies());
    // The gated markup is still inert, and the blocked iframe has a placeholder of its size.
    assert_eq!(
        s.js("document.querySelectorAll('script[type=\"text/plain\"][data-consent]').length"),
        2
    );
    assert_eq!(s.js("document.getElementById('facebook').getAttribute('src')"), Value::Null);
    let ph = s.js(
        "(() => { const p = document.querySelector('[data-kapsel-placeholder]'); const r = p.getBoundingClientRect();
           return { text: p.textContent, w: Math.round(r.width), h: Math.round(r.height),
                    button: p.querySelector('button[data-kapsel-action=allow]').textContent }; })()",
    );
    assert!(ph["text"].as_str().unwrap().contains("Facebook"), "{ph}");
    assert!(ph["text"].as_str().unwrap().contains("markedsføring"), "{ph}");
    assert_eq!(ph["button"], "Tillat markedsføring");
    assert_eq!((ph["w"].as_i64(), ph["h"].as_i64()), (Some(340), Some(300)), "{ph}");
    // The first layer: who asks, the privacy statement, three buttons, accept and reject alike.
    let banner = s.js(
        "(() => { const b = document.getElementById('kapsel-banner');
           const size = a => { const r = b.querySelector(`[data-kapsel-action=${a}]`).getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height), Math.round(r.top)]; };
           const look = a => { const st = getComputedStyle(b.querySelector(`[data-kapsel-action=${a}]`)); return [st.backgroundColor, st.color, st.fontWeight, st.fontSize]; };
           return { role: b.getAttribute('role'), modal: b.getAttribute('aria-modal'), lang: b.lang,
                    name: document.getElementById(b.getAttribute('aria-labelledby')).textContent,
                    text: b.textContent, link: b.querySelector('a').getAttribute('href'),
                    first: document.body.firstElementChild === b, focused: b.contains(document.activeElement),
                    accept: size('accept-all'), reject: size('reject-all'),
                    acceptLook: look('accept-all'), rejectLook: look('reject-all') }; })()",
    );
    assert_eq!(banner["role"], "dialog");
    assert_eq!(banner["modal"], Value::Null, "non-modal");
    assert_eq!(banner["lang"], "nb");
    assert_eq!(banner["name"], "Informasjonskapsler");
    assert!(banner["text"].as_str().unwrap().contains("Testkommune bruker"), "{banner}");
    assert_eq!(banner["link"], "/personvern/");
    assert_eq!(banner["first"], true, "early in the DOM");
    assert_eq!(banner["focused"], true, "focus moves into the banner");
    assert_eq!(banner["accept"], banner["reject"], "accept and reject equal in size and place");
    assert_eq!(banner["acceptLook"], banner["rejectLook"], "accept and reject look alike");
}

#[test]
fn accept_all_runs_the_analytics_and_loads_the_iframe() {
    let s = setup();
    s.visit("/");
    s.js("document.addEventListener('kapsel:consent', e => { window.seen = e.detail; }); 1");
    s.click("#kapsel-banner [data-kapsel-action=accept-all]");
    s.wait_cookie("_ga");
    s.wait_cookie("datr");
    let hosts = s.tracker_hosts();
    assert!(hosts.contains("www.googletagmanager.com"), "{hosts:?}");
    assert!(hosts.contains("www.facebook.com"), "{hosts:?}");
    assert!(s.cookies().contains("kapsel_consent"));
    assert_eq!(s.js("!!document.getElementById('kapsel-banner')"), false, "the banner closes");
    assert_eq!(s.js("!!document.getElementById('kapsel-reopen')"), true, "the way back is there");
    assert_eq!(s.js("document.querySelectorAll('[data-kapsel-placeholder]').length"), 0);
    let seen = s.js("window.seen");
    assert_eq!(seen["statistics"], true, "{seen}");
    assert_eq!(seen["marketing"], true, "{seen}");
    assert_eq!(seen["revision"], "r1", "{seen}");
    // Consent Mode: denied by default before gtag.js, granted after the choice.
    let layer = s.js("window.dataLayer.filter(a => a[0] === 'consent').map(a => [a[1], a[2].analytics_storage, a[2].ad_storage, a[2].security_storage])");
    assert_eq!(
        layer,
        serde_json::json!([["default", "denied", "denied", "granted"], ["update", "granted", "granted", "granted"]])
    );
}

#[test]
fn reject_all_runs_nothing_and_is_remembered() {
    let s = setup();
    s.visit("/");
    s.click("#kapsel-banner [data-kapsel-action=reject-all]");
    s.wait_cookie("kapsel_consent");
    sleep(SETTLE);
    assert_eq!(s.tracker_hosts(), BTreeSet::new());
    assert_eq!(s.cookies(), set(&NECESSARY));
    // No nagging: the next page remembers the refusal.
    s.visit("/personvern/");
    assert_eq!(s.js("!!document.getElementById('kapsel-banner')"), false);
    assert_eq!(s.js("window.kapsel.consent().decided"), true);
    sleep(SETTLE);
    assert_eq!(s.tracker_hosts(), BTreeSet::new());
}

#[test]
fn settings_with_only_statistics_allow_analytics_but_not_facebook() {
    let s = setup();
    s.visit("/");
    s.click("#kapsel-banner [data-kapsel-action=settings]");
    s.wait("document.querySelector('#kapsel-banner input[data-kapsel-category=statistics]')");
    // The settings layer: necessary locked on, the others off, with the declared services and cookies.
    let layer = s.js(
        "(() => { const b = document.getElementById('kapsel-banner');
           const sw = id => { const i = b.querySelector(`input[data-kapsel-category=${id}]`); return i && [i.checked, i.disabled, i.getAttribute('role')]; };
           return { necessary: sw('necessary'), statistics: sw('statistics'), marketing: sw('marketing'),
                    focused: b.contains(document.activeElement), text: b.textContent,
                    html: b.innerHTML }; })()",
    );
    assert_eq!(layer["necessary"], serde_json::json!([true, true, "switch"]));
    assert_eq!(layer["statistics"], serde_json::json!([false, false, "switch"]));
    assert_eq!(layer["marketing"], serde_json::json!([false, false, "switch"]));
    assert_eq!(layer["focused"], true);
    let text = layer["text"].as_str().unwrap();
    for expected in ["Google Analytics", "_ga", "Facebook", "PHPSESSID", "Økt", "Tilbakemeldingsskjema"] {
        assert!(text.contains(expected), "settings list {expected}: {text}");
    }
    // Declaration texts are text, never markup.
    assert!(text.contains("<b>Fant du det du lette etter?</b>"), "{text}");
    assert!(!layer["html"].as_str().unwrap().contains("<b>"), "declaration text inserted as HTML");

    s.click("#kapsel-banner input[data-kapsel-category=statistics]");
    s.click("#kapsel-banner [data-kapsel-action=save]");
    s.wait_cookie("_ga");
    sleep(SETTLE);
    let hosts = s.tracker_hosts();
    assert!(hosts.contains("www.googletagmanager.com"), "{hosts:?}");
    assert!(!hosts.contains("www.facebook.com"), "{hosts:?}");
    assert!(!s.cookies().contains("datr"));
    assert_eq!(s.js("document.getElementById('facebook').getAttribute('src')"), Value::Null);
    assert_eq!(s.js("document.querySelectorAll('[data-kapsel-placeholder]').length"), 1);
    let c = s.js("window.kapsel.consent()");
    assert_eq!((c["statistics"].clone(), c["marketing"].clone()), (Value::Bool(true), Value::Bool(false)));
}

#[test]
fn withdrawal_deletes_the_analytics_cookies_and_reloads() {
    let s = setup();
    s.visit("/");
    s.click("#kapsel-banner [data-kapsel-action=accept-all]");
    s.wait_cookie("_ga");
    s.wait_cookie("_gid");
    s.js("window.beforeReload = 1");
    s.click("#kapsel-reopen");
    s.wait("document.querySelector('#kapsel-banner input[data-kapsel-category=statistics]')");
    assert_eq!(
        s.js("document.querySelector('#kapsel-banner input[data-kapsel-category=statistics]').checked"),
        true,
        "the settings show the current choice"
    );
    s.click("#kapsel-banner input[data-kapsel-category=statistics]");
    s.click("#kapsel-banner [data-kapsel-action=save]");
    s.wait("document.readyState === 'complete' && window.beforeReload === undefined && window.kapsel");
    let cookies = s.cookies();
    for gone in ["_ga", "_ga_TEST1", "_gid"] {
        assert!(!cookies.contains(gone), "{gone} survived withdrawal: {cookies:?}");
    }
    assert!(cookies.contains("kapsel_consent"));
    let c = s.js("window.kapsel.consent()");
    assert_eq!(c["statistics"], false);
    assert_eq!(c["marketing"], true, "marketing stays as it was");
}

#[test]
fn a_nynorsk_page_gets_a_nynorsk_banner() {
    let s = setup();
    s.visit("/nn/");
    assert_eq!(s.js("document.getElementById('kapsel-banner').lang"), "nn");
    assert_eq!(s.text("#kapsel-title"), "Informasjonskapslar");
    assert!(s.text("#kapsel-desc").contains("Testkommune brukar informasjonskapslar"));
    assert_eq!(s.text("[data-kapsel-action=settings]"), "Innstillingar");
    assert_eq!(s.text("[data-kapsel-placeholder] button"), "Tillat marknadsføring");
    s.click("#kapsel-banner [data-kapsel-action=settings]");
    s.wait("document.querySelector('#kapsel-banner input')");
    assert_eq!(s.text("#kapsel-title"), "Innstillingar for informasjonskapslar");
    assert!(s.text("#kapsel-banner").contains("Naudsynte"));
}

#[test]
fn a_broken_declaration_blocks_everything() {
    let s = setup();
    s.visit("/broken/");
    let text = s.text("#kapsel-banner");
    assert!(text.contains("kunne ikke lastes"), "{text}");
    assert_eq!(
        s.js("[...document.querySelectorAll('#kapsel-banner button')].map(b => b.dataset.kapselAction)"),
        serde_json::json!(["reject-all"]),
        "only a necessary-only choice"
    );
    // Even an explicit accept through the API grants nothing without a declaration.
    s.js("window.kapsel.acceptAll(); 1");
    sleep(SETTLE);
    assert_eq!(s.tracker_hosts(), BTreeSet::new());
    assert_eq!(s.cookies(), set(&NECESSARY));
    assert_eq!(s.js("window.kapsel.consent().statistics"), false);
}

#[test]
fn a_tampered_consent_cookie_fails_closed() {
    let s = setup();
    s.visit("/");
    s.click("#kapsel-banner [data-kapsel-action=reject-all]");
    s.wait_cookie("kapsel_consent");
    // Grant marketing and statistics by hand: the check no longer matches.
    s.js("document.cookie = 'kapsel_consent=' + (document.cookie.match(/kapsel_consent=([^;]*)/)[1].replace('necessary', 'necessary.statistics.marketing')) + ';path=/'; 1");
    s.visit("/");
    s.wait("document.getElementById('kapsel-banner')");
    sleep(SETTLE);
    assert_eq!(s.tracker_hosts(), BTreeSet::new());
    assert_eq!(s.js("window.kapsel.consent().decided"), false);
}

#[test]
fn a_new_declaration_revision_asks_again() {
    let s = setup();
    s.visit("/");
    s.click("#kapsel-banner [data-kapsel-action=accept-all]");
    s.wait_cookie("_ga");
    s.visit("/");
    assert_eq!(s.js("!!document.getElementById('kapsel-banner')"), false, "same revision: no banner");
    s.visit("/r2/");
    s.wait("document.getElementById('kapsel-banner')");
    assert_eq!(s.js("window.kapsel.consent().statistics"), false, "the old consent does not carry over");
    assert_eq!(
        s.js("document.querySelector('script[type=\"text/plain\"][data-consent]') !== null"),
        true,
        "gated scripts stay inert"
    );
}

#[test]
fn the_page_api_and_own_settings_links_work() {
    let s = setup();
    s.visit("/");
    assert_eq!(s.js("window.kapsel.consent().decided"), false);
    s.js("window.kapsel.accept(['statistics', 'bogus']); 1");
    s.wait_cookie("_ga");
    let c = s.js("window.kapsel.consent()");
    assert_eq!(c["necessary"], true);
    assert_eq!(c["statistics"], true);
    assert_eq!(c["marketing"], false);
    assert_eq!(c["preferences"], false);
    // The page's own `data-kapsel-action="settings"` link opens the settings.
    s.click("footer [data-kapsel-action=settings]");
    s.wait("document.querySelector('#kapsel-banner input[data-kapsel-category=statistics]')");
    // The placeholder's button allows its category.
    s.js("window.kapsel.rejectAll(); 1");
    s.wait("document.readyState === 'complete' && window.kapsel && window.kapsel.consent().decided");
    s.click("[data-kapsel-placeholder] button");
    s.wait_cookie("datr");
    assert_eq!(s.js("window.kapsel.consent().marketing"), true);
}

#[test]
fn global_privacy_control_refuses_marketing() {
    let s = setup();
    s.tab
        .call_method(headless_chrome::protocol::cdp::Page::AddScriptToEvaluateOnNewDocument {
            source: "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true });".into(),
            world_name: None,
            include_command_line_api: None,
            run_immediately: None,
        })
        .expect("GPC script");
    s.visit("/");
    assert!(s.text("#kapsel-banner").contains("Global Privacy Control"));
    s.click("#kapsel-banner [data-kapsel-action=accept-all]");
    s.wait_cookie("_ga");
    sleep(SETTLE);
    assert!(!s.tracker_hosts().contains("www.facebook.com"));
    assert_eq!(s.js("window.kapsel.consent().marketing"), false);
}
