//! Visiting one page in one tab: navigate, wait for the load and for the network to go quiet,
//! scroll to the end for lazy embeds. The tab's own listener follows only what the visit needs
//! (requests in flight, the main document's status, the load event, dialogs, a crash, the
//! origins that wrote session storage); what a page shows is recorded by the collectors
//! (`crate::collectors`), which the runner attaches to the tab.
//!
//! A tab serves one page after another as long as each ends cleanly: [`PageTab::release`] clears
//! the session storage the page wrote and leaves it for `about:blank` (its scripts, timers and
//! requests end there), and reports whether that worked in time. A page that hit a limit (its
//! deadline, a stuck script, a crash) marks its tab unclean, and the runner closes such a tab
//! ([`PageTab::close`]) and opens a fresh one.

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::Tab;
use serde_json::Value;

use crate::browser::{self, call, call_within, eval_within, BrowserError, Result, CALL_LIMIT};
use crate::collectors::Collector;
use crate::runner::Stop;

/// What happened while a page was loading, filled by the tab's event listener.
#[derive(Default, Debug)]
pub struct Log {
    inflight: HashSet<String>,
    last_activity: Option<Instant>,
    /// Status and URL of the main document's last response.
    pub main_status: Option<(u32, String)>,
    load_fired: Option<Instant>,
    dialog_pending: Option<String>,
    crashed: Option<Instant>,
}

impl Log {
    fn touch(&mut self) {
        self.last_activity = Some(Instant::now());
    }
}

/// A tab with its listener, serving pages one after another until one ends uncleanly.
pub struct PageTab {
    /// The tab.
    pub tab: Arc<Tab>,
    log: Arc<Mutex<Log>>,
    /// Session storage written since the last release, by storage id (as JSON) as the protocol
    /// names it: what [`PageTab::release`] clears.
    session: Arc<Mutex<BTreeMap<String, Value>>>,
    /// Set when a visit hit a limit (a deadline, a stuck script, a crash, a stop): the tab then
    /// serves no further page.
    unclean: AtomicBool,
    /// The scan's stop handle: waiting ends at once when the scan is interrupted (SIGTERM).
    stop: Stop,
}

/// How long leaving a cleanly ended page may take (clearing its session storage, loading
/// `about:blank`) before its tab is closed instead.
pub const RELEASE_LIMIT: Duration = Duration::from_secs(2);

/// Runs in every frame before the page's scripts: silences dialogs.
const PRELUDE: &str = r#"(() => {
  try {
    window.alert = () => {}; window.confirm = () => false; window.prompt = () => null; window.print = () => {};
  } catch (e) {}
})();"#;

impl PageTab {
    /// Opens a tab, tells each collector about it, enables the domains it listens to and
    /// installs the prelude. The collectors stay with the tab: each visit begins with their
    /// [`Collector::init`].
    pub fn open(
        chromium: &browser::Chromium,
        stop: &Stop,
        collectors: &mut [Box<dyn Collector>],
    ) -> Result<PageTab> {
        let tab = chromium.new_tab()?;
        let log = Arc::new(Mutex::new(Log::default()));
        let sink = Arc::clone(&log);
        let session = Arc::new(Mutex::new(BTreeMap::new()));
        let session_sink = Arc::clone(&session);
        let main_frame = tab.get_target_id().clone();
        tab.add_event_listener(Arc::new(move |event: &Event| {
            if let Event::DOMStorageDomStorageItemAdded(e) = event {
                let id = &e.params.storage_id;
                if !id.is_local_storage {
                    if let (Ok(mut s), Ok(v)) = (session_sink.lock(), serde_json::to_value(id)) {
                        s.insert(v.to_string(), v);
                    }
                }
                return;
            }
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
        // Session-storage writes are followed so a released tab can forget them.
        call(&tab, browser::DomStorageEnable {})?;
        call(
            &tab,
            browser::AddScript {
                source: PRELUDE.to_string(),
            },
        )?;
        Ok(PageTab {
            tab,
            log,
            session,
            unclean: AtomicBool::new(false),
            stop: stop.clone(),
        })
    }

    /// Marks the tab as left unclean: it serves no further page.
    fn mark_unclean(&self) {
        self.unclean.store(true, Ordering::SeqCst);
    }

    /// True when a visit hit a limit or the renderer crashed: the tab must be closed.
    pub fn unclean(&self) -> bool {
        self.unclean.load(Ordering::SeqCst) || self.crashed()
    }

    /// Leaves a cleanly ended page so the tab can serve the next one as a fresh tab would: clears
    /// the session storage written since the last release (every origin, iframes included),
    /// loads `about:blank`, which ends the page's scripts, timers and requests (a `beforeunload`
    /// prompt is accepted), and empties the window's name. True when all of it answered within
    /// [`RELEASE_LIMIT`]; false for an unclean tab, which the caller closes.
    pub fn release(&self) -> bool {
        if self.unclean() || self.stop.requested() {
            return false;
        }
        let until = Instant::now() + RELEASE_LIMIT;
        let released = self.clear_session_storage(until) && self.leave(until);
        // Whatever the page did while it was left, and `about:blank` itself, is not the next
        // page's; session storage written while it was left could no longer be cleared.
        self.reset();
        let written_late = self.session.lock().map_or(true, |s| !s.is_empty());
        if !released || written_late || self.unclean() {
            self.mark_unclean();
            return false;
        }
        true
    }

    /// Clears the session storage written since the last release, before `until`.
    fn clear_session_storage(&self, until: Instant) -> bool {
        let written: Vec<Value> = self
            .session
            .lock()
            .map(|mut s| std::mem::take(&mut *s).into_values().collect())
            .unwrap_or_default();
        written.into_iter().all(|storage_id| {
            let left = until.saturating_duration_since(Instant::now());
            call_within(&self.tab, browser::DomStorageClear { storage_id }, left).is_ok()
        })
    }

    /// Loads `about:blank` and empties the window's name (it outlives documents; a fresh tab's
    /// is empty), before `until`.
    fn leave(&self, until: Instant) -> bool {
        self.reset();
        let navigated = self.navigate("about:blank", until).is_ok_and(|answer| {
            answer
                .get("errorText")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
        });
        navigated
            && eval_within(
                &self.tab,
                "window.name = ''; true",
                until.saturating_duration_since(Instant::now()),
            )
            .is_ok_and(|v| v == Value::Bool(true))
            && self.wait_for_load(until)
    }

    /// Waits for the load event before `until`, handling dialogs; false at `until`.
    fn wait_for_load(&self, until: Instant) -> bool {
        loop {
            let (loaded, crashed) = match self.log.lock() {
                Ok(l) => (l.load_fired.is_some(), l.crashed.is_some()),
                Err(_) => return false,
            };
            if loaded {
                return true;
            }
            if crashed || Instant::now() >= until || self.stop.urgent() {
                return false;
            }
            self.answer_dialog();
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Answers a dialog the page opened, if any: leaving is always allowed, anything else is
    /// dismissed.
    fn answer_dialog(&self) {
        let dialog = self
            .log
            .lock()
            .ok()
            .and_then(|mut l| l.dialog_pending.take());
        if let Some(kind) = dialog {
            let accept = kind == "beforeunload";
            let _ = call_within(
                &self.tab,
                browser::HandleDialog { accept },
                Duration::from_secs(1),
            );
        }
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
        self.crashed_at().is_some()
    }

    /// When the renderer crashed during the visit, if it did.
    pub fn crashed_at(&self) -> Option<Instant> {
        self.log.lock().ok().and_then(|l| l.crashed)
    }

    /// Navigates and waits for load and a quiet network, all before `deadline` (the server's
    /// first byte included). Returns an error text when the page failed to load (the log is kept
    /// either way); at the deadline the page is stopped, and a renderer stuck in a script is
    /// told to stop it and reported as unresponsive.
    pub fn load(
        &self,
        url: &str,
        timeout: Duration,
        deadline: Instant,
        quiet: Duration,
        dwell: Duration,
    ) -> Option<String> {
        self.reset();
        let navigated = self.navigate(url, deadline);
        match navigated {
            Ok(answer) => {
                if let Some(err) = answer.get("errorText").and_then(Value::as_str) {
                    if !err.is_empty() {
                        return Some(err.to_string());
                    }
                }
            }
            Err(_) if self.stop.urgent() => {
                self.stop_loading();
                return Some("not finished: the scan was stopped".into());
            }
            Err(_) if Instant::now() >= deadline => {
                self.stop_loading();
                return Some(format!(
                    "timed out after {} s waiting for the server to answer",
                    secs(timeout)
                ));
            }
            Err(e) => {
                self.stop_loading();
                return Some(format!("navigation failed: {e}"));
            }
        }
        // A navigation the browser refused (DNS, TLS, a redirect loop) leaves an error page in a
        // clean tab; the wait below marks the tab when a limit is hit.
        if !self.wait(deadline, quiet, Some(dwell)) {
            if self.stop.urgent() {
                self.stop_loading();
                return Some("not finished: the scan was stopped".into());
            }
            if self.crashed() {
                return Some("the page's renderer crashed".into());
            }
            if !self.responsive() {
                return Some(format!(
                    "renderer unresponsive: a script was still running after {} s and was stopped",
                    secs(timeout)
                ));
            }
            self.stop_loading();
            return Some(format!("timed out after {} s", secs(timeout)));
        }
        None
    }

    /// `Page.navigate`, which answers once the server's response starts: given up at the
    /// deadline, or at once when the scan is stopped.
    fn navigate(&self, url: &str, deadline: Instant) -> Result<Value> {
        let (tx, rx) = std::sync::mpsc::channel();
        let tab = Arc::clone(&self.tab);
        let url = url.to_string();
        std::thread::spawn(move || {
            let _ = tx.send(call_within(
                &tab,
                browser::Navigate { url },
                CALL_LIMIT * 100,
            ));
        });
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || self.stop.urgent() {
                return Err(BrowserError("no answer before the deadline".into()));
            }
            match rx.recv_timeout(left.min(Duration::from_millis(40))) {
                Ok(answer) => return answer,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => self.answer_dialog(),
                Err(_) => return Err(BrowserError("the navigation was lost".into())),
            }
        }
    }

    /// True when the page answers a trivial script at once; when it does not, the script it is
    /// stuck in is told to stop (without waiting) so the tab can be read and closed.
    pub fn responsive(&self) -> bool {
        if eval_within(&self.tab, "1", Duration::from_millis(300)).is_ok() {
            return true;
        }
        self.mark_unclean();
        self.fire(browser::TerminateExecution {});
        false
    }

    /// Stops loading (a body that never ends, a slow server), without waiting for an answer; the
    /// tab serves no further page.
    fn stop_loading(&self) {
        self.mark_unclean();
        self.fire(browser::StopLoading {});
    }

    /// Sends a call whose answer does not matter and does not wait for it.
    fn fire<M>(&self, method: M)
    where
        M: headless_chrome::protocol::cdp::types::Method<ReturnObject = Value>
            + serde::Serialize
            + std::fmt::Debug
            + Send
            + 'static,
    {
        let tab = Arc::clone(&self.tab);
        std::thread::spawn(move || {
            let _ = call_within(&tab, method, Duration::from_secs(2));
        });
    }

    /// Closes the tab's target, and with it its renderer; returns within a fraction of a second
    /// whatever the page does (a script still running is told to stop first).
    pub fn close(&self) {
        self.mark_unclean();
        if !self.crashed() {
            self.fire(browser::TerminateExecution {});
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let tab = Arc::clone(&self.tab);
        std::thread::spawn(move || {
            let _ = tx.send(tab.close_target());
        });
        let _ = rx.recv_timeout(Duration::from_millis(300));
    }

    /// Waits until `dwell` after the load event (when given) and `quiet` without network
    /// activity with nothing in flight (or twice that, at least 2 s, with requests that never
    /// end). False at the deadline (or on a crash or an interrupt): the tab is then unclean.
    pub fn wait(&self, deadline: Instant, quiet: Duration, dwell: Option<Duration>) -> bool {
        let settled = self.settle(deadline, quiet, dwell);
        if !settled {
            self.mark_unclean();
        }
        settled
    }

    fn settle(&self, deadline: Instant, quiet: Duration, dwell: Option<Duration>) -> bool {
        let started = Instant::now();
        loop {
            let (done, crashed) = {
                let Ok(log) = self.log.lock() else {
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
                (loaded && quiet_now, log.crashed.is_some())
            };
            self.answer_dialog();
            if crashed || self.stop.urgent() {
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

    /// Scrolls down a screen at a time to the end (bounded, and given up at `deadline`), so lazy
    /// embeds load. A scroll that does not answer leaves the tab unclean.
    pub fn scroll_to_end(&self, deadline: Instant) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            self.mark_unclean();
            return;
        }
        let scrolled = eval_within(
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
            left.min(Duration::from_secs(5)),
        );
        if scrolled.is_err() {
            self.mark_unclean();
        }
    }
}

/// The time left until `until`, at least a little so a quick read can still answer.
pub(crate) fn left(until: Instant) -> Duration {
    until
        .saturating_duration_since(Instant::now())
        .clamp(Duration::from_millis(200), Duration::from_secs(5))
}

/// Seconds as a report shows them: `10`, `2.5`.
fn secs(d: Duration) -> String {
    let s = (d.as_secs_f64() * 10.0).round() / 10.0;
    format!("{s}")
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
        Event::PageJavascriptDialogOpening(e) => {
            let kind = serde_json::to_value(&e.params.Type)
                .ok()
                .and_then(|v| v.as_str().map(str::to_ascii_lowercase))
                .unwrap_or_default();
            log.dialog_pending = Some(kind);
        }
        Event::InspectorTargetCrashed(_) => {
            log.crashed.get_or_insert_with(Instant::now);
        }
        _ => {}
    }
}
