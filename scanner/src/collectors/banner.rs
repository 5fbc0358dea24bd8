//! The consent banner: in the accept and reject phases, look for the banner on a loaded page,
//! press its accept-all or reject-all button and prove the press ([`crate::press`]: DuckDuckGo's
//! autoconsent first, Kapsel's own finder as the fallback), then wait for what the press sets.
//! The first press in a phase wins; later pages carry the choice and look no more.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headless_chrome::Tab;

use super::{Collector, Data, PageEnd, Visit};
use crate::autoconsent::Autoconsent;
use crate::browser::BrowserError;
use crate::consent::Choice;
use crate::page::PageTab;
use crate::press::{self, Pressed};

/// The phase's banner: what was found and pressed, and on which page.
pub type PhaseBanner = Arc<Mutex<Option<(Pressed, String)>>>;

/// How the banner collector works in a phase.
#[derive(Clone)]
pub struct BannerSettings {
    /// The button to press.
    pub choice: Choice,
    /// How long to look for a banner (consent platforms load late).
    pub patience: Duration,
    /// Network-quiet time.
    pub quiet: Duration,
    /// Least time after a press (cookies set by timers).
    pub dwell: Duration,
    /// DuckDuckGo's autoconsent rule set, when installed (else Kapsel's own finder alone).
    pub autoconsent: Option<Autoconsent>,
    /// The phase's record, shared by its tabs.
    pub phase_banner: PhaseBanner,
}

/// Presses the banner (autoconsent first, Kapsel's own finder as the fallback, see
/// [`crate::press`]) and records what it found and proved.
pub struct Banner {
    settings: BannerSettings,
    seen: Option<Pressed>,
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
    fn add_target(&mut self, tab: &Arc<Tab>) -> Result<(), BrowserError> {
        // autoconsent's binding must exist in the isolated world before the page loads.
        if self.settings.autoconsent.is_some() {
            let _ = Autoconsent::prepare_tab(tab);
        }
        Ok(())
    }

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
        // Once pressed, later pages carry the choice: no banner is looked for.
        if already {
            return;
        }
        let patience = s
            .patience
            .min(visit.deadline.saturating_duration_since(Instant::now()));
        let result = press::press(&tab.tab, s.choice, patience, s.autoconsent.as_ref(), || {
            // The choice's effects get the rest of the page's time, and at least the dwell:
            // they are what this phase is for.
            let settle = visit.deadline.max(Instant::now() + s.dwell);
            tab.wait(settle, s.quiet, Some(s.dwell));
        });
        if let Ok(mut b) = s.phase_banner.lock() {
            let keep_old = b.as_ref().is_some_and(|(r, _)| {
                r.clicked.is_some() || (r.banner_found && !result.banner_found)
            });
            if !keep_old {
                *b = Some((result.clone(), visit.url.to_string()));
            }
        }
        self.seen = Some(result);
    }

    fn get_data(&mut self, _tab: &PageTab, _end: &PageEnd) -> Result<Data, BrowserError> {
        Ok(Data::Banner(Box::new(self.seen.take().unwrap_or_default())))
    }
}
