//! The consent banner in real headless Chromium, against fixture pages (`tests/fixtures/banner/`)
//! served on 127.0.0.1 by the demo server with its stand-in trackers (Google Analytics' gtag.js
//! sets `_ga`, the Facebook page plugin frame sets `datr`/`fr`/`sb`). Needs the banner built
//! (`scripts/build-banner.sh`) and, for the accessibility test, axe-core in `target/tools`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::Duration;

use kapsel_demo::{Demo, DemoOptions, Site};
use kapsel_e2e::chrome::open;
use kapsel_e2e::fixtures::copy_dir;
use kapsel_e2e::visitor::{set, Visitor};
use serde_json::Value;

/// How long to give a (wrongly) activated tracker to show up before concluding it did not.
const SETTLE: Duration = Duration::from_millis(1500);

/// Cookies the fixture's necessary parts may set (the banner's own record).
const NECESSARY: [&str; 1] = ["kapsel_consent"];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/banner")
}

/// The fixture pages served by the demo server, and a fresh browser pointed at them.
fn setup() -> Visitor {
    Visitor::start(DemoOptions::new(Site::Dir(fixtures())))
}

#[test]
fn nothing_non_necessary_runs_before_a_choice() {
    let s = setup();
    s.visit("/");
    s.wait("document.getElementById('kapsel-banner')");
    sleep(SETTLE);
    assert_eq!(
        s.tracker_hosts(),
        BTreeSet::new(),
        "no tracker is contacted before a choice"
    );
    assert!(
        s.cookies().is_empty(),
        "no cookie before a choice: {:?}",
        s.cookies()
    );
    // The gated markup is still inert, and the blocked iframe has a placeholder of its size.
    assert_eq!(
        s.js("document.querySelectorAll('script[type=\"text/plain\"][data-consent]').length"),
        2
    );
    assert_eq!(
        s.js("document.getElementById('facebook').getAttribute('src')"),
        Value::Null
    );
    let ph = s.js(
        "(() => { const p = document.querySelector('[data-kapsel-placeholder]'); const r = p.getBoundingClientRect();
           return { text: p.textContent, w: Math.round(r.width), h: Math.round(r.height),
                    button: p.querySelector('button[data-kapsel-action=allow]').textContent }; })()",
    );
    assert!(ph["text"].as_str().unwrap().contains("Facebook"), "{ph}");
    assert!(
        ph["text"].as_str().unwrap().contains("markedsføring"),
        "{ph}"
    );
    assert_eq!(ph["button"], "Tillat markedsføring");
    assert_eq!(
        (ph["w"].as_i64(), ph["h"].as_i64()),
        (Some(340), Some(300)),
        "{ph}"
    );
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
    assert!(
        banner["text"]
            .as_str()
            .unwrap()
            .contains("Testkommune bruker"),
        "{banner}"
    );
    assert_eq!(banner["link"], "/personvern/");
    assert_eq!(banner["first"], true, "early in the DOM");
    assert_eq!(banner["focused"], true, "focus moves into the banner");
    assert_eq!(
        banner["accept"], banner["reject"],
        "accept and reject equal in size and place"
    );
    assert_eq!(
        banner["acceptLook"], banner["rejectLook"],
        "accept and reject look alike"
    );
}

#[test]
fn accept_all_runs_the_analytics_and_loads_the_iframe() {
    let s = setup();
    s.visit("/");
    s.js("document.addEventListener('kapsel:consent', e => { window.seen = e.detail; }); 1");
    s.click("#kapsel-banner [data-kapsel-action=accept-all]");
    s.wait_cookies(&["_ga"]);
    s.wait_cookies(&["datr"]);
    let hosts = s.tracker_hosts();
    assert!(hosts.contains("www.googletagmanager.com"), "{hosts:?}");
    assert!(hosts.contains("www.facebook.com"), "{hosts:?}");
    assert!(s.cookies().contains("kapsel_consent"));
    assert_eq!(
        s.js("!!document.getElementById('kapsel-banner')"),
        false,
        "the banner closes"
    );
    assert_eq!(
        s.js("!!document.getElementById('kapsel-reopen')"),
        true,
        "the way back is there"
    );
    assert_eq!(
        s.js("document.querySelectorAll('[data-kapsel-placeholder]').length"),
        0
    );
    let seen = s.js("window.seen");
    assert_eq!(seen["statistics"], true, "{seen}");
    assert_eq!(seen["marketing"], true, "{seen}");
    assert_eq!(seen["revision"], "r1", "{seen}");
    // Consent Mode: denied by default before gtag.js, granted after the choice.
    let layer = s.js("window.dataLayer.filter(a => a[0] === 'consent').map(a => [a[1], a[2].analytics_storage, a[2].ad_storage, a[2].security_storage])");
    assert_eq!(
        layer,
        serde_json::json!([
            ["default", "denied", "denied", "granted"],
            ["update", "granted", "granted", "granted"]
        ])
    );
}

#[test]
fn reject_all_runs_nothing_and_is_remembered() {
    let s = setup();
    s.visit("/");
    s.click("#kapsel-banner [data-kapsel-action=reject-all]");
    s.wait_cookies(&["kapsel_consent"]);
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
    assert_eq!(
        layer["necessary"],
        serde_json::json!([true, true, "switch"])
    );
    assert_eq!(
        layer["statistics"],
        serde_json::json!([false, false, "switch"])
    );
    assert_eq!(
        layer["marketing"],
        serde_json::json!([false, false, "switch"])
    );
    assert_eq!(layer["focused"], true);
    let text = layer["text"].as_str().unwrap();
    for expected in [
        "Google Analytics",
        "_ga",
        "Facebook",
        "PHPSESSID",
        "Økt",
        "Tilbakemeldingsskjema",
    ] {
        assert!(text.contains(expected), "settings list {expected}: {text}");
    }
    // Declaration texts are text, never markup.
    assert!(
        text.contains("<b>Fant du det du lette etter?</b>"),
        "{text}"
    );
    assert!(
        !layer["html"].as_str().unwrap().contains("<b>"),
        "declaration text inserted as HTML"
    );

    s.click("#kapsel-banner input[data-kapsel-category=statistics]");
    s.click("#kapsel-banner [data-kapsel-action=save]");
    s.wait_cookies(&["_ga"]);
    sleep(SETTLE);
    let hosts = s.tracker_hosts();
    assert!(hosts.contains("www.googletagmanager.com"), "{hosts:?}");
    assert!(!hosts.contains("www.facebook.com"), "{hosts:?}");
    assert!(!s.cookies().contains("datr"));
    assert_eq!(
        s.js("document.getElementById('facebook').getAttribute('src')"),
        Value::Null
    );
    assert_eq!(
        s.js("document.querySelectorAll('[data-kapsel-placeholder]').length"),
        1
    );
    let c = s.js("window.kapsel.consent()");
    assert_eq!(
        (c["statistics"].clone(), c["marketing"].clone()),
        (Value::Bool(true), Value::Bool(false))
    );
}

#[test]
fn withdrawal_deletes_the_analytics_cookies_and_reloads() {
    let s = setup();
    s.visit("/");
    s.click("#kapsel-banner [data-kapsel-action=accept-all]");
    s.wait_cookies(&["_ga"]);
    s.wait_cookies(&["_gid"]);
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
    s.wait(
        "document.readyState === 'complete' && window.beforeReload === undefined && window.kapsel",
    );
    let cookies = s.cookies();
    for gone in ["_ga", "_ga_TEST1", "_gid"] {
        assert!(
            !cookies.contains(gone),
            "{gone} survived withdrawal: {cookies:?}"
        );
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
    assert!(s
        .text("#kapsel-desc")
        .contains("Testkommune brukar informasjonskapslar"));
    assert_eq!(s.text("[data-kapsel-action=settings]"), "Innstillingar");
    assert_eq!(
        s.text("[data-kapsel-placeholder] button"),
        "Tillat marknadsføring"
    );
    s.click("#kapsel-banner [data-kapsel-action=settings]");
    s.wait("document.querySelector('#kapsel-banner input')");
    assert_eq!(
        s.text("#kapsel-title"),
        "Innstillingar for informasjonskapslar"
    );
    assert!(s.text("#kapsel-banner").contains("Naudsynte"));
}

#[test]
fn an_english_page_gets_an_english_banner_and_only_its_language() {
    let s = setup();
    s.visit("/en/");
    assert_eq!(s.js("document.getElementById('kapsel-banner').lang"), "en");
    assert_eq!(s.text("#kapsel-title"), "Cookies");
    assert_eq!(s.text("[data-kapsel-action=reject-all]"), "Reject all");
    assert_eq!(
        s.text("[data-kapsel-placeholder] button"),
        "Allow marketing"
    );
    // `en-GB` picked the English build; no other language's wasm was fetched.
    let wasm = s.js(
        "performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)
           .filter(p => p.endsWith('.wasm'))",
    );
    assert_eq!(wasm, serde_json::json!(["/kapsel/kapsel_en.wasm"]));
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
    s.wait_cookies(&["kapsel_consent"]);
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
    s.wait_cookies(&["_ga"]);
    s.visit("/");
    assert_eq!(
        s.js("!!document.getElementById('kapsel-banner')"),
        false,
        "same revision: no banner"
    );

    // The same site with a new revision of its declaration (cookies on 127.0.0.1 ignore the port,
    // so a second server on another port sees the same consent cookie).
    let copy = fixtures_with("\"revision\": \"r1\"", "\"revision\": \"r2\"");
    let r2 = Demo::start(DemoOptions::new(Site::Dir(copy.path().to_path_buf()))).expect("r2 site");
    open(&s.tab, &r2.url("/")).expect("r2 page");
    s.wait("document.getElementById('kapsel-banner')");
    assert_eq!(
        s.js("window.kapsel.consent().statistics"),
        false,
        "the old consent does not carry over"
    );
    assert_eq!(
        s.js("document.querySelectorAll('script[type=\"text/plain\"][data-consent]').length"),
        2,
        "gated scripts stay inert"
    );
    sleep(SETTLE);
    assert!(
        r2.tracker_requests().is_empty(),
        "{:?}",
        r2.tracker_requests()
    );
}

#[test]
fn the_meta_pixel_is_revoked_before_any_pixel_code_and_granted_with_marketing() {
    // The fixture site with `meta_pixel` on, and a page whose own `fbq` stand-in records calls.
    let copy = fixtures_with("\"meta_pixel\": false", "\"meta_pixel\": true");
    std::fs::create_dir_all(copy.path().join("pixel")).expect("mkdir");
    std::fs::write(
        copy.path().join("pixel/index.html"),
        r#"<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Piksel</title>
<script>window.calls = []; window.fbq = function () { calls.push([...arguments].join(" ")); };</script>
<script type="module" src="/kapsel/kapsel.js" data-config="/kapsel.json"></script>
<script type="text/plain" data-consent="marketing">calls.push("pixel code");</script>
</head><body><main><h1>Piksel</h1></main></body></html>"#,
    )
    .expect("write page");
    // A page whose `fbq` throws: the banner still shows, and a choice still takes effect.
    std::fs::create_dir_all(copy.path().join("broken-pixel")).expect("mkdir");
    std::fs::write(
        copy.path().join("broken-pixel/index.html"),
        r#"<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Piksel</title>
<script>window.calls = []; window.fbq = function () { throw new Error("broken pixel"); };</script>
<script type="module" src="/kapsel/kapsel.js" data-config="/kapsel.json"></script>
<script type="text/plain" data-consent="statistics">calls.push("statistics code");</script>
</head><body><main><h1>Piksel</h1></main></body></html>"#,
    )
    .expect("write page");
    let s = Visitor::start(DemoOptions::new(Site::Dir(copy.path().to_path_buf())));
    s.visit("/broken-pixel/");
    s.click("#kapsel-banner [data-kapsel-action=accept-all]");
    s.wait("calls.includes('statistics code')");
    assert_eq!(s.js("window.kapsel.consent().statistics"), true);
    s.js("document.cookie = 'kapsel_consent=; max-age=0; path=/'");

    s.visit("/pixel/");
    assert_eq!(s.js("calls"), serde_json::json!(["consent revoke"]));

    s.click("#kapsel-banner [data-kapsel-action=reject-all]");
    s.wait("!document.getElementById('kapsel-banner')");
    assert_eq!(s.js("calls"), serde_json::json!(["consent revoke"]));

    s.js("window.kapsel.acceptAll()");
    s.wait("calls.includes('consent grant')");
    assert_eq!(
        s.js("calls"),
        serde_json::json!(["consent revoke", "pixel code", "consent grant"])
    );
    // Next page: the stored consent grants before the pixel code runs, once.
    s.visit("/pixel/");
    s.wait("calls.includes('pixel code')");
    assert_eq!(
        s.js("calls"),
        serde_json::json!(["consent grant", "pixel code"])
    );
}

#[test]
fn a_site_missing_a_language_build_gets_the_bokmal_banner() {
    // The banner's files with a broken English build, as a site that uploaded only some would.
    let banner = tempfile::tempdir().expect("temp dir");
    copy_dir(&kapsel_demo::default_banner_dir(), banner.path());
    std::fs::write(banner.path().join("kapsel_en.wasm"), "not found").expect("break en");
    let mut options = DemoOptions::new(Site::Dir(fixtures()));
    options.banner_dir = Some(banner.path().to_path_buf());
    let s = Visitor::start(options);
    s.visit("/en/");
    assert_eq!(s.js("document.getElementById('kapsel-banner').lang"), "nb");
    assert_eq!(s.text("#kapsel-title"), "Informasjonskapsler");
    s.click("#kapsel-banner [data-kapsel-action=reject-all]");
    s.wait("document.getElementById('kapsel-reopen')");
    assert_eq!(s.js("window.kapsel.consent().decided"), true);
}

/// A copy of the fixture site whose declaration has `from` replaced by `to`.
fn fixtures_with(from: &str, to: &str) -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixtures(), copy.path());
    let declaration = copy.path().join("declaration.json");
    let text = std::fs::read_to_string(&declaration).expect("declaration");
    assert!(text.contains(from), "the fixture declaration has {from}");
    std::fs::write(&declaration, text.replace(from, to)).expect("write declaration");
    copy
}

#[test]
fn the_page_api_and_own_settings_links_work() {
    let s = setup();
    s.visit("/");
    assert_eq!(s.js("window.kapsel.consent().decided"), false);
    s.js("window.kapsel.accept(['statistics', 'bogus']); 1");
    s.wait_cookies(&["_ga"]);
    let c = s.js("window.kapsel.consent()");
    assert_eq!(c["necessary"], true);
    assert_eq!(c["statistics"], true);
    assert_eq!(c["marketing"], false);
    assert_eq!(c["preferences"], false);
    // `show()` brings the first layer back.
    s.js("window.kapsel.show(); 1");
    s.wait("document.querySelector('#kapsel-banner [data-kapsel-action=accept-all]')");
    // The page's own `data-kapsel-action="settings"` link opens the settings.
    s.click("footer [data-kapsel-action=settings]");
    s.wait("document.querySelector('#kapsel-banner input[data-kapsel-category=statistics]')");
    // The placeholder's button allows its category.
    s.js("window.kapsel.rejectAll(); 1");
    s.wait(
        "document.readyState === 'complete' && window.kapsel && window.kapsel.consent().decided",
    );
    s.click("[data-kapsel-placeholder] button");
    s.wait_cookies(&["datr"]);
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
    s.wait_cookies(&["_ga"]);
    sleep(SETTLE);
    assert!(!s.tracker_hosts().contains("www.facebook.com"));
    assert_eq!(s.js("window.kapsel.consent().marketing"), false);
}

/// The element that has focus, as `#id`, `data-kapsel-action`, `input:<category>` or the tag name.
fn focused(s: &Visitor) -> String {
    s.js(
        "(() => { const e = document.activeElement; if (!e) return '';
           if (e.id) return '#' + e.id;
           if (e.dataset.kapselAction) return e.dataset.kapselAction + (e.closest('[data-kapsel-placeholder]') ? '@placeholder' : '');
           if (e.dataset.kapselCategory) return 'input:' + e.dataset.kapselCategory;
           return e.tagName.toLowerCase(); })()",
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Presses Tab until `target` has focus (at most `limit` times); returns what had focus on the way.
fn tab_to(s: &Visitor, target: &str, limit: usize) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..limit {
        s.tab.press_key("Tab").expect("Tab");
        let f = focused(s);
        seen.push(f.clone());
        if f == target {
            return seen;
        }
    }
    panic!("Tab never reached {target}; focus went {seen:?}");
}

#[test]
fn the_keyboard_alone_reaches_and_presses_every_button() {
    let s = setup();
    s.visit("/");
    assert_eq!(focused(&s), "#kapsel-banner", "focus starts in the banner");
    // First layer, in reading order: the privacy link, accept, reject, settings.
    let order = tab_to(&s, "settings", 6);
    assert_eq!(order, ["a", "accept-all", "reject-all", "settings"]);
    // Focus is visible.
    s.tab.press_key("Tab").expect("Tab");
    s.tab.press_key("Tab").expect("Tab"); // wraps past the page's own links eventually; go back:
    let _ = tab_to(&s, "accept-all", 30);
    assert_ne!(
        s.js("getComputedStyle(document.activeElement).outlineStyle"),
        "none",
        "a visible focus indicator"
    );
    let _ = tab_to(&s, "settings", 4);
    s.tab.press_key("Enter").expect("Enter");
    s.wait("document.querySelector('#kapsel-banner input[data-kapsel-category]')");
    assert_eq!(
        focused(&s),
        "#kapsel-banner",
        "focus moves into the settings layer"
    );
    // Switch statistics on with Space, then save.
    let _ = tab_to(&s, "input:statistics", 10);
    s.tab.press_key(" ").expect("Space");
    assert_eq!(s.js("document.activeElement.checked"), true);
    let order = tab_to(&s, "save", 12);
    assert!(order.contains(&"input:marketing".to_string()), "{order:?}");
    s.tab.press_key("Enter").expect("Enter");
    s.wait_cookies(&["_ga"]);
    assert_eq!(s.js("!!document.getElementById('kapsel-banner')"), false);
    // The placeholder's allow button, then the reopen control, come in page order.
    let _ = tab_to(&s, "allow@placeholder", 20);
    s.tab.press_key("Enter").expect("Enter");
    s.wait_cookies(&["datr"]);
    let _ = tab_to(&s, "#kapsel-reopen", 20);
    s.tab.press_key("Enter").expect("Enter");
    s.wait("document.querySelector('#kapsel-banner input[data-kapsel-category]')");
    assert_eq!(focused(&s), "#kapsel-banner");
    let _ = tab_to(&s, "save", 16);
    s.tab.press_key("Enter").expect("Enter");
    s.wait("!document.getElementById('kapsel-banner')");
    assert_eq!(
        focused(&s),
        "#kapsel-reopen",
        "focus returns to the control that opened the settings"
    );
    s.tab.press_key("Enter").expect("Enter");
    s.wait("document.querySelector('#kapsel-banner input[data-kapsel-category]')");
    let order = tab_to(&s, "reject-all", 16);
    assert!(order.contains(&"accept-all".to_string()), "{order:?}");
    s.js("window.beforeReload = 1");
    s.tab.press_key("Enter").expect("Enter");
    s.wait(
        "document.readyState === 'complete' && window.beforeReload === undefined && window.kapsel",
    );
    let c = s.js("window.kapsel.consent()");
    assert_eq!(
        (c["statistics"].clone(), c["marketing"].clone()),
        (Value::Bool(false), Value::Bool(false))
    );
}

/// Where the test command installs axe-core (`npm install --prefix target/tools axe-core`).
fn axe_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../target/tools/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is not installed at {} ({e}): run `npm install --prefix target/tools axe-core@4` \
             (scripts/test.sh does)",
            path.display()
        )
    })
}

fn reduced_motion(s: &Visitor) {
    s.tab
        .call_method(
            headless_chrome::protocol::cdp::Emulation::SetEmulatedMedia {
                media: None,
                features: Some(vec![
                    headless_chrome::protocol::cdp::Emulation::MediaFeature {
                        name: "prefers-reduced-motion".into(),
                        value: "reduce".into(),
                    },
                ]),
            },
        )
        .expect("emulate reduced motion");
}

fn axe_violations(s: &Visitor, include: &str) -> Value {
    s.js(&format!(
        "axe.run({{ include: {include} }}, {{ runOnly: {{ type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }} }})
           .then(r => r.violations.map(v => ({{ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary) }})))"
    ))
}

#[test]
fn axe_finds_no_violation_in_the_banner_or_the_settings_layer() {
    let s = setup();
    reduced_motion(&s);
    s.visit("/");
    assert_eq!(
        s.js("getComputedStyle(document.getElementById('kapsel-banner')).animationName"),
        "none",
        "no motion when the visitor asks for less"
    );
    s.js(&axe_source());
    let first = axe_violations(&s, "[['#kapsel-banner'], ['[data-kapsel-placeholder]']]");
    assert_eq!(
        first,
        serde_json::json!([]),
        "first layer and placeholder: {first:#}"
    );
    s.click("#kapsel-banner [data-kapsel-action=settings]");
    s.wait("document.querySelector('#kapsel-banner input[data-kapsel-category]')");
    s.js("document.querySelectorAll('#kapsel-banner details').forEach(d => d.open = true); 1");
    let settings = axe_violations(&s, "[['#kapsel-banner']]");
    assert_eq!(
        settings,
        serde_json::json!([]),
        "settings layer: {settings:#}"
    );
    s.click("#kapsel-banner [data-kapsel-action=reject-all]");
    s.wait("document.getElementById('kapsel-reopen')");
    let reopen = axe_violations(&s, "[['#kapsel-reopen']]");
    assert_eq!(reopen, serde_json::json!([]), "reopen control: {reopen:#}");
}

#[test]
fn the_banner_motion_follows_the_visitor_preference() {
    let s = setup();
    s.visit("/");
    assert_eq!(
        s.js("getComputedStyle(document.getElementById('kapsel-banner')).animationName"),
        "kapsel-in"
    );
}

#[test]
fn both_layers_reflow_at_320_css_pixels() {
    let s = setup();
    s.tab
        .call_method(
            headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride {
                width: 320,
                height: 568,
                device_scale_factor: 1.0,
                mobile: false,
                scale: None,
                screen_width: None,
                screen_height: None,
                position_x: None,
                position_y: None,
                dont_set_visible_size: None,
                screen_orientation: None,
                viewport: None,
                display_feature: None,
                device_posture: None,
            },
        )
        .expect("320 px viewport");
    s.visit("/");
    let fits = "(() => { const b = document.getElementById('kapsel-banner');
        const r = b.getBoundingClientRect();
        const buttons = [...b.querySelectorAll('button')].every(x => { const q = x.getBoundingClientRect(); return q.left >= 0 && q.right <= 320; });
        return { overflow: b.scrollWidth > b.clientWidth, width: Math.round(r.width), height: Math.round(r.height), buttons }; })()";
    let first = s.js(fits);
    assert_eq!(first["overflow"], false, "{first}");
    assert_eq!(first["width"], 320, "{first}");
    assert_eq!(first["buttons"], true, "{first}");
    assert!(first["height"].as_i64().unwrap() <= 568, "{first}");
    s.click("#kapsel-banner [data-kapsel-action=settings]");
    s.wait("document.querySelector('#kapsel-banner input[data-kapsel-category]')");
    s.js("document.querySelectorAll('#kapsel-banner details').forEach(d => d.open = true); 1");
    let settings = s.js(fits);
    assert_eq!(settings["overflow"], false, "{settings}");
    assert_eq!(settings["buttons"], true, "{settings}");
    assert!(
        settings["height"].as_i64().unwrap() <= 568,
        "scrolls within the viewport: {settings}"
    );
}

#[test]
fn it_works_under_a_strict_content_security_policy() {
    let s = setup();
    s.tab
        .call_method(headless_chrome::protocol::cdp::Page::AddScriptToEvaluateOnNewDocument {
            source: "window.violations = []; document.addEventListener('securitypolicyviolation', e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));".into(),
            world_name: None,
            include_command_line_api: None,
            run_immediately: None,
        })
        .expect("violation recorder");
    s.visit("/csp/");
    s.wait("document.getElementById('kapsel-banner')");
    assert_eq!(
        s.js("getComputedStyle(document.getElementById('kapsel-banner')).position"),
        "fixed",
        "the stylesheet applies under style-src 'self'"
    );
    s.click("#kapsel-banner [data-kapsel-action=accept-all]");
    s.wait_cookies(&["_ga"]);
    s.wait_cookies(&["datr"]);
    assert_eq!(s.js("window.violations"), serde_json::json!([]));
}

/// The banner's allocator hands memory back between calls: hundreds of open/settings/choose
/// cycles leave the wasm memory the size it had after the first few (a leaking allocator grows it
/// by several pages).
#[test]
fn memory_stays_bounded_across_many_choices() {
    use headless_chrome::protocol::cdp::Page::AddScriptToEvaluateOnNewDocument;
    let s = setup();
    // Keep a handle on the module's memory as the bootstrap instantiates it (the build gives the
    // exports short names, so it is found by type).
    s.tab
        .call_method(AddScriptToEvaluateOnNewDocument {
            source: "for (const k of ['instantiate', 'instantiateStreaming']) { \
                       const f = WebAssembly[k]; \
                       WebAssembly[k] = function () { return f.apply(this, arguments).then((r) => \
                         { self.__kapselMemory = Object.values((r.instance || r).exports) \
                           .find((e) => e instanceof WebAssembly.Memory); return r; }); }; }"
                .to_string(),
            world_name: None,
            include_command_line_api: None,
            run_immediately: None,
        })
        .expect("hook installed");
    s.visit("/");
    s.wait("self.__kapselMemory && window.kapsel");
    let cycles = |n: u32| {
        s.js(&format!(
            "for (let i = 0; i < {n}; i++) {{ kapsel.show(); \
               document.querySelector('#kapsel-banner [data-kapsel-action=settings]').click(); \
               document.querySelector('#kapsel-banner [data-kapsel-action=save]').click(); \
               kapsel.accept(['statistics']); kapsel.consent(); }} \
             self.__kapselMemory.buffer.byteLength"
        ))
        .as_f64()
        .expect("a memory size")
    };
    let early = cycles(20);
    let late = cycles(500);
    assert_eq!(early, late, "wasm memory grew from {early} to {late} bytes");
    assert_eq!(s.js("kapsel.consent().statistics"), true);
}
