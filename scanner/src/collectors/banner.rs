//! The consent banner: in the accept and reject phases, look for the banner on a loaded page and
//! press its accept-all or reject-all button ([`crate::consent`]), then wait for what the press
//! sets. The first press in a phase wins; later pages look only briefly.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{Collector, Data, PageEnd, Visit};
use crate::browser::BrowserError;
use crate::consent::{self, BannerResult, Choice};
use crate::page::PageTab;

/// The phase's banner: what was found and pressed, and on which page.
pub type PhaseBanner = Arc<Mutex<Option<(BannerResult, String)>>>;

/// How the banner collector works in a phase.
#[derive(Clone)]
pub struct BannerSettings {
    /// The button to press.
    pub choice: Choice,
    /// How long to look for a banner (consent platforms load late).
    pub patience: Duration,
    /// Per-page limit, for the wait after a press.
    pub timeout: Duration,
    /// Network-quiet time.
    pub quiet: Duration,
    /// Least time after a press (cookies set by timers).
    pub dwell: Duration,
    /// The phase's record, shared by its tabs.
    pub phase_banner: PhaseBanner,
}

/// Presses the banner and records what it found.
pub struct Banner {
    settings: BannerSettings,
    seen: Option<BannerResult>,
}

impl Banner {
    /// A banner collector with the phase's settings.
    pub fn new(settings: BannerSettings) -> Self {
        Banner {
            settings,
            seen: None,
        }
    }
}

impl Collector for Banner {
    fn init(&mut self, _visit: &Visit<'_>) {
        self.seen = None;
    }

    fn post_load(&mut self, tab: &PageTab, visit: &Visit<'_>) {
        let s = &self.settings;
        let already = s
            .phase_banner
            .lock()
            .map(|b| b.as_ref().is_some_and(|(r, _)| r.clicked.is_some()))
            .unwrap_or(false);
        let patience = if already { Duration::ZERO } else { s.patience };
        let result = consent::press(tab, s.choice, patience);
        if result.clicked.is_some() {
            tab.wait(Instant::now() + s.timeout, s.quiet, Some(s.dwell));
        }
        if let Ok(mut b) = s.phase_banner.lock() {
            let keep_old = b.as_ref().is_some_and(|(r, _)| {
                r.clicked.is_some() || (r.kind.is_some() && result.kind.is_none())
            });
            if !keep_old {
                *b = Some((result.clone(), visit.url.to_string()));
            }
        }
        self.seen = Some(result);
    }

    fn get_data(&mut self, _tab: &PageTab, _end: &PageEnd) -> Result<Data, BrowserError> {
        Ok(Data::Banner(self.seen.take().unwrap_or_default()))
    }
}
