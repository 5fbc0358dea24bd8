//! One collector per thing observed on a page, behind one small trait (modelled on DuckDuckGo's
//! tracker-radar-collector `BaseCollector`: `init`, `addTarget`, `postLoad`, `getData`).
//!
//! A collector is told when a page target appears ([`Collector::add_target`]: subscribe to its
//! protocol events, install scripts and bindings), when a visit begins ([`Collector::init`]:
//! forget the previous page), when the page has loaded and settled ([`Collector::post_load`]:
//! read the DOM, press a button), and is asked for what it saw at the end of the visit
//! ([`Collector::get_data`]), as one typed [`Data`] value. [`PageData`] gathers a page's values;
//! `observe` merges pages. Collectors observe; they hold no classification and no report
//! formatting.
//!
//! Adding a collector is adding a file here, a [`Data`] variant for its result, and a line in
//! [`for_phase`]. With site isolation off (see `browser`), cross-site iframes share their
//! page's target, so the page target is the only one a collector is told about today.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use headless_chrome::Tab;
use kapsel_report::Phase;

use serde_json::Value;

use crate::browser::BrowserError;
use crate::page::PageTab;
use crate::press::Pressed;

pub mod banner;
pub mod cookie_jar;
pub mod document_cookie;
pub mod dom_storage;
pub mod hosts;
pub mod links;
pub mod set_cookie;

/// Most `Set-Cookie` lines, refused cookies, script writes, storage keys and hosts kept per page.
pub const MAX_EVENTS_PER_PAGE: usize = 2_000;

/// The visit a collector is told about.
#[derive(Debug, Clone, Copy)]
pub struct Visit<'a> {
    /// The consent phase.
    pub phase: Phase,
    /// The URL being visited.
    pub url: &'a str,
    /// When the page's time (`--timeout`) is up: every read and wait of a collector ends by
    /// then (plus [`READ_GRACE`] for a last read).
    pub deadline: Instant,
}

/// How long after a page's deadline its results may still be read (links, storage keys).
pub const READ_GRACE: Duration = Duration::from_millis(700);

/// How a visit ended, when collectors are asked for their data.
#[derive(Debug, Clone, Copy)]
pub struct PageEnd {
    /// The page loaded without an error (HTTP status below 400 included).
    pub loaded: bool,
    /// The page's renderer crashed.
    pub crashed: bool,
    /// The page's deadline, as in [`Visit::deadline`].
    pub deadline: Instant,
}

/// What one collector saw on one page.
#[derive(Debug, Clone)]
pub enum Data {
    /// Every cookie in the browser's jar, as Chromium reports it.
    Jar(Vec<Value>),
    /// Raw `Set-Cookie` lines `(response URL, line)` and refused cookies
    /// `(response URL, line, reasons)`.
    SetCookie {
        /// The lines.
        lines: Vec<(String, String)>,
        /// The cookies Chromium refused.
        refused: Vec<(String, String, Vec<String>)>,
    },
    /// `document.cookie` writes: `(cookie line, script URL or document URL)`.
    DocumentCookie(Vec<(String, String)>),
    /// DOM storage: writes seen (`(origin, local?, key)`) and the top document's keys.
    Storage {
        /// Writes reported by the protocol.
        writes: Vec<(String, bool, String)>,
        /// Keys in the top document's localStorage and sessionStorage.
        keys: Vec<(String, bool, String)>,
    },
    /// Hosts requested and how often.
    Hosts(BTreeMap<String, u32>),
    /// Links on the page (absolute).
    Links(Vec<String>),
    /// The consent banner found and the button pressed.
    Banner(Box<Pressed>),
}

/// Everything the collectors saw on one page, by kind.
#[derive(Debug, Clone, Default)]
pub struct PageData {
    /// The cookie jar after the visit.
    pub jar: Vec<Value>,
    /// `(response URL, Set-Cookie line)` pairs.
    pub set_cookie_lines: Vec<(String, String)>,
    /// Refused cookies: response URL, line, reasons.
    pub refused: Vec<(String, String, Vec<String>)>,
    /// `document.cookie` writes: cookie line, script URL.
    pub script_writes: Vec<(String, String)>,
    /// Storage writes: origin, local?, key.
    pub storage_writes: Vec<(String, bool, String)>,
    /// Storage keys of the top document: origin, local?, key.
    pub storage_keys: Vec<(String, bool, String)>,
    /// Hosts requested and how often.
    pub hosts: BTreeMap<String, u32>,
    /// Links on the page.
    pub links: Vec<String>,
    /// The banner, when a collector looked for one.
    pub banner: Option<Pressed>,
}

impl PageData {
    /// Adds one collector's result.
    pub fn add(&mut self, data: Data) {
        match data {
            Data::Jar(jar) => self.jar = jar,
            Data::SetCookie { lines, refused } => {
                self.set_cookie_lines.extend(lines);
                self.refused.extend(refused);
            }
            Data::DocumentCookie(writes) => self.script_writes.extend(writes),
            Data::Storage { writes, keys } => {
                self.storage_writes.extend(writes);
                self.storage_keys.extend(keys);
            }
            Data::Hosts(hosts) => {
                for (host, n) in hosts {
                    *self.hosts.entry(host).or_insert(0) += n;
                }
            }
            Data::Links(links) => self.links.extend(links),
            Data::Banner(b) => self.banner = Some(*b),
        }
    }
}

/// One thing observed on a page.
pub trait Collector: Send {
    /// A page target appeared: subscribe to its events, install scripts and bindings.
    fn add_target(&mut self, _tab: &Arc<Tab>) -> Result<(), BrowserError> {
        Ok(())
    }
    /// A visit begins in the target: forget the previous page.
    fn init(&mut self, _visit: &Visit<'_>) {}
    /// The page has loaded and settled (not called for a page that failed to load).
    fn post_load(&mut self, _tab: &PageTab, _visit: &Visit<'_>) {}
    /// What it saw on this page; an error means the browser was lost.
    fn get_data(&mut self, tab: &PageTab, end: &PageEnd) -> Result<Data, BrowserError>;
}

/// What decides which collectors a phase runs.
pub struct PhaseCollectors {
    /// The button to press, in the accept and reject phases, with the phase's shared banner
    /// record and how long to wait for and after it.
    pub banner: Option<banner::BannerSettings>,
    /// Whether this phase discovers pages (reads links).
    pub discovering: bool,
}

/// The collectors for one tab of a phase, in the order they run: the banner first (a press
/// changes what the others see), the cookie jar last.
pub fn for_phase(settings: &PhaseCollectors) -> Vec<Box<dyn Collector>> {
    let mut out: Vec<Box<dyn Collector>> = Vec::new();
    if let Some(b) = &settings.banner {
        out.push(Box::new(banner::Banner::new(b.clone())));
    }
    if settings.discovering {
        out.push(Box::new(links::Links::default()));
    }
    out.push(Box::new(set_cookie::SetCookie::default()));
    out.push(Box::new(document_cookie::DocumentCookie::default()));
    out.push(Box::new(dom_storage::DomStorage::default()));
    out.push(Box::new(hosts::Hosts::default()));
    out.push(Box::new(cookie_jar::CookieJar));
    out
}
