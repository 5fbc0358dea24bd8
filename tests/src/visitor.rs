//! A visitor: a demo server (the demo municipality or a fixture folder) and a fresh headless
//! Chromium pointed at it, with the steps the banner tests take — visit a page, wait for a
//! condition, click, read cookies and the requests that reached the stand-in trackers.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::thread::sleep;
use std::time::{Duration, Instant};

use headless_chrome::Tab;
use kapsel_demo::{Demo, DemoOptions};
use serde_json::Value;

use crate::chrome::{cookie_names, eval, open, wait_for, Chrome, ChromeOptions};

/// How long a step may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(15);

/// A demo, a browser and a tab.
pub struct Visitor {
    /// The server the pages come from.
    pub demo: Demo,
    _chrome: Chrome,
    /// The tab the visitor uses.
    pub tab: Arc<Tab>,
}

impl Visitor {
    /// Starts the demo with `options` and a fresh browser; fails the test when the banner is not
    /// built.
    pub fn start(options: DemoOptions) -> Visitor {
        let demo = Demo::start(options).expect("the demo server starts");
        require_banner(&demo);
        let chrome = Chrome::launch(&ChromeOptions::for_demo(&demo)).expect("Chromium starts");
        let tab = chrome.new_tab().expect("a tab");
        Visitor {
            demo,
            _chrome: chrome,
            tab,
        }
    }

    /// Opens a page and waits until the banner (or, after a choice, its reopen control) is on it.
    pub fn visit(&self, path: &str) {
        open(&self.tab, &self.demo.url(path)).expect("the page loads");
        self.wait(
            "document.getElementById('kapsel-banner') || document.getElementById('kapsel-reopen')",
        );
    }

    /// Waits until a JavaScript condition is true.
    pub fn wait(&self, condition: &str) {
        wait_for(&self.tab, condition, WAIT).unwrap_or_else(|e| panic!("{e}"));
    }

    /// Evaluates a JavaScript expression.
    pub fn js(&self, expression: &str) -> Value {
        eval(&self.tab, expression).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Clicks the first element matching a selector.
    pub fn click(&self, selector: &str) {
        self.tab
            .wait_for_element(selector)
            .unwrap_or_else(|e| panic!("{selector}: {e}"))
            .click()
            .unwrap_or_else(|e| panic!("clicking {selector}: {e}"));
    }

    /// The names of every cookie in the browser, first- and third-party.
    pub fn cookies(&self) -> BTreeSet<String> {
        cookie_names(&self.tab).expect("the cookies")
    }

    /// The stand-in tracker hosts that received a request.
    pub fn tracker_hosts(&self) -> BTreeSet<String> {
        self.demo
            .tracker_requests()
            .into_iter()
            .map(|r| r.host)
            .collect()
    }

    /// Waits until every named cookie exists.
    pub fn wait_cookies(&self, names: &[&str]) {
        let start = Instant::now();
        loop {
            let have = self.cookies();
            if names.iter().all(|n| have.contains(*n)) {
                return;
            }
            assert!(
                start.elapsed() < WAIT,
                "cookies {names:?} never all appeared; cookies: {have:?}, tracker requests: {:?}",
                self.demo.tracker_requests()
            );
            sleep(Duration::from_millis(100));
        }
    }

    /// The text content of the first element matching a selector ("" when none).
    pub fn text(&self, selector: &str) -> String {
        self.js(&format!(
            "(document.querySelector({}) || {{}}).textContent || ''",
            Value::from(selector)
        ))
        .as_str()
        .unwrap_or_default()
        .to_string()
    }
}

/// Fails the test, saying how to build it, when the demo's banner directory lacks the banner.
pub fn require_banner(demo: &Demo) {
    assert!(
        demo.banner_built(),
        "the banner is not built: {} lacks kapsel.js or a kapsel_<lang>.wasm. Run scripts/build-banner.sh \
         (or point KAPSEL_BANNER_DIR at a build).",
        demo.banner_dir().display()
    );
}

/// A set of cookie names.
pub fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}
