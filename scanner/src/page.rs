//! Visiting one page in one tab: navigate, wait for the load and for the network to go quiet,
//! scroll to the end for lazy embeds. The tab's own listener follows only what the visit needs
//! (requests in flight, the main document's status, the load event, dialogs, a crash); what a
//! page shows is recorded by the collectors (`crate::collectors`), which the runner attaches to
//! the tab.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::Tab;
use serde_json::Value;

use crate::browser::{self, call, eval, BrowserError, Result};
use crate::collectors::Collector;

/// What happened while a page was loading, filled by the tab's event listener.
#[derive(Default, Debug)]
pub struct Log {
    inflight: HashSet<String>,
    last_activity: Option<Instant>,
    /// Status and URL of the main document's last response.
    pub main_status: Option<(u32, String)>,
    load_fired: Option<Instant>,
    dialog_pending: bool,
    crashed: bool,
}

impl Log {
    fn touch(&mut self) {
        self.last_activity = Some(Instant::now());
    }
}

/// A tab with its listener, reused for page after page.
pub struct PageTab {
    /// The tab.
    pub tab: Arc<Tab>,
    log: Arc<Mutex<Log>>,
}

/// Runs in every frame before the page's scripts: silences dialogs.
const PRELUDE: &str = r#"(() => {
  try {
    window.alert = () => {}; window.confirm = () => false; window.prompt = () => null; window.print = () => {};
  } catch (e) {}
})();"#;

impl PageTab {
    /// Opens a tab, tells each collector about it, enables the domains it listens to and
    /// installs the prelude.
    pub fn open(
        chromium: &browser::Chromium,
        timeout: Duration,
        collectors: &mut [Box<dyn Collector>],
    ) -> Result<PageTab> {
        let tab = chromium.new_tab()?;
        tab.set_default_timeout(timeout);
        let log = Arc::new(Mutex::new(Log::default()));
        let sink = Arc::clone(&log);
        let main_frame = tab.get_target_id().clone();
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let Ok(mut log) = sink.lock() else { return };
            record(&mut log, event, &main_frame);
        }))
        .map_err(|e| BrowserError::with_context("listening to a tab", e))?;
        for collector in collectors.iter_mut() {
            collector.add_target(&tab)?;
        }
        tab.enable_runtime()
            .map_err(|e| BrowserError::with_context("enabling the runtime", e))?;
        call(&tab, browser::NetworkEnable {})?;
        call(
            &tab,
            browser::AddScript {
                source: PRELUDE.to_string(),
            },
        )?;
        Ok(PageTab { tab, log })
    }

    /// Forgets what the previous page logged.
    fn reset(&self) {
        if let Ok(mut log) = self.log.lock() {
            *log = Log::default();
        }
    }

    /// Takes the log of the current page.
    pub fn take_log(&self) -> Log {
        self.log
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }

    /// True when the renderer crashed during the visit.
    pub fn crashed(&self) -> bool {
        self.log.lock().map(|l| l.crashed).unwrap_or(true)
    }

    /// Navigates and waits for load and a quiet network. Returns an error text when the page
    /// failed to load (the log is kept either way).
    pub fn load(
        &self,
        url: &str,
        timeout: Duration,
        quiet: Duration,
        dwell: Duration,
    ) -> Option<String> {
        self.reset();
        let deadline = Instant::now() + timeout;
        match call(
            &self.tab,
            browser::Navigate {
                url: url.to_string(),
            },
        ) {
            Ok(answer) => {
                if let Some(err) = answer.get("errorText").and_then(Value::as_str) {
                    if !err.is_empty() {
                        return Some(err.to_string());
                    }
                }
            }
            Err(e) => {
                let _ = call(&self.tab, browser::StopLoading {});
                return Some(format!("navigation failed: {e}"));
            }
        }
        if !self.wait(deadline, quiet, Some(dwell)) {
            if self.crashed() {
                return Some("the page's renderer crashed".into());
            }
            let _ = call(&self.tab, browser::StopLoading {});
            return Some(format!("timed out after {} s", timeout.as_secs_f32()));
        }
        None
    }

    /// Waits until `dwell` after the load event (when given) and `quiet` without network
    /// activity with nothing in flight (or twice that, at least 2 s, with requests that never
    /// end). False at the deadline.
    pub fn wait(&self, deadline: Instant, quiet: Duration, dwell: Option<Duration>) -> bool {
        let started = Instant::now();
        loop {
            let (done, dialog, crashed) = {
                let Ok(mut log) = self.log.lock() else {
                    return false;
                };
                let idle = log
                    .last_activity
                    .map(|t| t.elapsed())
                    .unwrap_or_else(|| started.elapsed());
                let loaded = match dwell {
                    None => true,
                    Some(d) => log.load_fired.is_some_and(|t| t.elapsed() >= d),
                };
                let quiet_now = (log.inflight.is_empty() && idle >= quiet)
                    || idle >= (quiet * 2).max(Duration::from_secs(2));
                let dialog = std::mem::take(&mut log.dialog_pending);
                (loaded && quiet_now, dialog, log.crashed)
            };
            if dialog {
                let _ = call(&self.tab, browser::HandleDialog { accept: false });
            }
            if crashed {
                return false;
            }
            if done {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    /// Scrolls down a screen at a time to the end (bounded), so lazy embeds load.
    pub fn scroll_to_end(&self) {
        let _ = eval(
            &self.tab,
            r#"new Promise(resolve => {
                let i = 0;
                const step = () => {
                  const h = Math.min(document.documentElement.scrollHeight || 0, 200000);
                  window.scrollBy(0, window.innerHeight || 800);
                  if (++i >= 25 || window.scrollY + (window.innerHeight || 800) >= h) { resolve(true); return; }
                  setTimeout(step, 30);
                };
                step();
            })"#,
        );
    }
}

fn record(log: &mut Log, event: &Event, main_frame: &str) {
    match event {
        Event::NetworkRequestWillBeSent(e) => {
            let p = &e.params;
            let url = &p.request.url;
            if url.starts_with("data:") || url.starts_with("blob:") {
                return;
            }
            if let Some(resp) = &p.redirect_response {
                if p.frame_id.as_deref() == Some(main_frame)
                    && matches!(
                        p.Type,
                        Some(headless_chrome::protocol::cdp::Network::ResourceType::Document)
                    )
                {
                    log.main_status = Some((resp.status, resp.url.clone()));
                }
            }
            log.inflight.insert(p.request_id.clone());
            log.touch();
        }
        Event::NetworkResponseReceived(e) => {
            let p = &e.params;
            if p.frame_id.as_deref() == Some(main_frame)
                && matches!(
                    p.Type,
                    headless_chrome::protocol::cdp::Network::ResourceType::Document
                )
            {
                log.main_status = Some((p.response.status, p.response.url.clone()));
            }
            log.touch();
        }
        Event::NetworkLoadingFinished(e) => {
            log.inflight.remove(&e.params.request_id);
            log.touch();
        }
        Event::NetworkLoadingFailed(e) => {
            log.inflight.remove(&e.params.request_id);
            log.touch();
        }
        Event::PageLoadEventFired(_) => {
            log.load_fired.get_or_insert_with(Instant::now);
        }
        Event::PageJavascriptDialogOpening(_) => log.dialog_pending = true,
        Event::InspectorTargetCrashed(_) => log.crashed = true,
        _ => {}
    }
}
