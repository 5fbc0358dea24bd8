//! Visiting one page in one tab: navigate, wait for the load and for the network to go quiet,
//! scroll to the end for lazy embeds, then read links, storage and the cookie jar. A listener on
//! the tab records what the protocol tells along the way: raw `Set-Cookie` lines and the cookies
//! Chromium refused (`Network.responseReceivedExtraInfo`), every host contacted, storage writes
//! (`DOMStorage`), and `document.cookie` writes with the script that made them (an injected
//! setter reporting through a binding).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::Tab;
use serde_json::Value;

use crate::browser::{self, call, eval, BrowserError, Result};

/// Most links kept from one page (hostile pages may hold millions).
pub const MAX_LINKS_PER_PAGE: usize = 500;
/// Most `Set-Cookie` lines, refused cookies, script writes and storage keys kept per page.
const MAX_EVENTS_PER_PAGE: usize = 2_000;

/// What happened while a page was loading, filled by the tab's event listener.
#[derive(Default, Debug)]
pub struct Log {
    requests: HashMap<String, String>,
    inflight: HashSet<String>,
    last_activity: Option<Instant>,
    /// Status and URL of the main document's last response.
    pub main_status: Option<(u32, String)>,
    /// `(response URL, Set-Cookie line)` pairs.
    pub set_cookie_lines: Vec<(String, String)>,
    /// Cookies Chromium refused: response URL, line, reasons.
    pub refused: Vec<(String, String, Vec<String>)>,
    /// Hosts requested and how often.
    pub hosts: BTreeMap<String, u32>,
    /// Storage writes: origin, local?, key.
    pub storage: Vec<(String, bool, String)>,
    /// `document.cookie` writes: cookie line, script URL (or document URL).
    pub script_writes: Vec<(String, String)>,
    load_fired: Option<Instant>,
    dialog_pending: bool,
    crashed: bool,
}

impl Log {
    fn touch(&mut self) {
        self.last_activity = Some(Instant::now());
    }
    fn full(&self, len: usize) -> bool {
        len >= MAX_EVENTS_PER_PAGE
    }
}

/// A tab with its listener, reused for page after page.
pub struct PageTab {
    /// The tab.
    pub tab: Arc<Tab>,
    log: Arc<Mutex<Log>>,
}

/// The name of the binding the injected `document.cookie` setter reports through.
const BINDING: &str = "__kapselCookieWrite";

/// Runs in every frame before the page's scripts: silences dialogs and reports cookie writes.
const PRELUDE: &str = r#"(() => {
  try {
    window.alert = () => {}; window.confirm = () => false; window.prompt = () => null; window.print = () => {};
    const d = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
    if (!d || !d.set) return;
    let n = 0;
    Object.defineProperty(Document.prototype, 'cookie', {
      configurable: true, enumerable: true,
      get() { return d.get.call(this); },
      set(v) {
        try {
          if (n++ < 300 && typeof window.__kapselCookieWrite === 'function') {
            const m = String(new Error().stack || '').match(/(https?:\/\/[^\s)]+?)(?::\d+){0,2}(?:\)|\s|$)/);
            window.__kapselCookieWrite(JSON.stringify({ args: [String(v).slice(0, 4096), m ? m[1] : String(location.href)] }));
          }
        } catch (e) {}
        return d.set.call(this, v);
      }
    });
  } catch (e) {}
})();"#;

impl PageTab {
    /// Opens a tab, enables the domains it listens to and installs the prelude.
    pub fn open(chromium: &browser::Chromium, timeout: Duration) -> Result<PageTab> {
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
        let sink = Arc::clone(&log);
        tab.expose_function(
            BINDING,
            Arc::new(move |payload: Value| {
                let Some(text) = payload.as_str() else { return };
                let Ok(v) = serde_json::from_str::<Value>(text) else {
                    return;
                };
                let args = v.get("args").and_then(Value::as_array);
                let (Some(line), Some(source)) = (
                    args.and_then(|a| a.first()).and_then(Value::as_str),
                    args.and_then(|a| a.get(1)).and_then(Value::as_str),
                ) else {
                    return;
                };
                if let Ok(mut log) = sink.lock() {
                    if !log.full(log.script_writes.len()) {
                        log.script_writes
                            .push((line.to_string(), source.to_string()));
                    }
                }
            }),
        )
        .map_err(|e| BrowserError::with_context("exposing the cookie-write binding", e))?;
        tab.enable_runtime()
            .map_err(|e| BrowserError::with_context("enabling the runtime", e))?;
        call(&tab, browser::NetworkEnable {})?;
        let _ = call(&tab, browser::DomStorageEnable {});
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

    /// The links on the page (absolute, at most [`MAX_LINKS_PER_PAGE`] distinct).
    pub fn links(&self) -> Vec<String> {
        let v = eval(
            &self.tab,
            r#"(() => { const out = new Set(); const as = document.querySelectorAll('a[href], area[href]');
                for (let i = 0; i < as.length && i < 20000 && out.size < 500; i++) {
                  const h = as[i].href; if (typeof h === 'string' && h.length < 2048) out.add(h); }
                return Array.from(out); })()"#,
        )
        .unwrap_or(Value::Null);
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .take(MAX_LINKS_PER_PAGE)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Keys in the top document's localStorage and sessionStorage: `(origin, local?, key)`.
    pub fn storage_keys(&self) -> Vec<(String, bool, String)> {
        let v = eval(
            &self.tab,
            r#"(() => { const out = []; const o = location.origin;
                try { for (let i = 0; i < localStorage.length && i < 500; i++) out.push([o, true, localStorage.key(i)]); } catch (e) {}
                try { for (let i = 0; i < sessionStorage.length && i < 500; i++) out.push([o, false, sessionStorage.key(i)]); } catch (e) {}
                return out; })()"#,
        )
        .unwrap_or(Value::Null);
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| {
                        Some((
                            e.get(0)?.as_str()?.to_string(),
                            e.get(1)?.as_bool()?,
                            e.get(2)?.as_str()?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every cookie in the browser, as Chromium reports it.
    pub fn all_cookies(&self) -> Result<Vec<Value>> {
        let v = call(&self.tab, browser::GetAllCookies {})?;
        Ok(v.get("cookies")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default())
    }
}

fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
}

fn record(log: &mut Log, event: &Event, main_frame: &str) {
    match event {
        Event::NetworkRequestWillBeSent(e) => {
            let p = &e.params;
            let url = p.request.url.clone();
            if url.starts_with("data:") || url.starts_with("blob:") {
                return;
            }
            if let Some(host) = host_of(&url) {
                if log.hosts.len() < MAX_EVENTS_PER_PAGE || log.hosts.contains_key(&host) {
                    *log.hosts.entry(host).or_insert(0) += 1;
                }
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
            if log.requests.len() < 20_000 {
                log.requests.insert(p.request_id.clone(), url);
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
        Event::NetworkResponseReceivedExtraInfo(e) => {
            let p = &e.params;
            let url = log.requests.get(&p.request_id).cloned().unwrap_or_default();
            if let Some(Value::Object(headers)) = &p.headers.0 {
                for (name, value) in headers {
                    if name.eq_ignore_ascii_case("set-cookie") {
                        if let Some(v) = value.as_str() {
                            for line in v.split('\n').filter(|l| !l.trim().is_empty()) {
                                if !log.full(log.set_cookie_lines.len()) {
                                    log.set_cookie_lines.push((url.clone(), line.to_string()));
                                }
                            }
                        }
                    }
                }
            }
            for blocked in &p.blocked_cookies {
                if log.full(log.refused.len()) {
                    break;
                }
                let reasons = blocked
                    .blocked_reasons
                    .iter()
                    .filter_map(|r| serde_json::to_value(r).ok())
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect();
                log.refused
                    .push((url.clone(), blocked.cookie_line.clone(), reasons));
            }
        }
        Event::DOMStorageDomStorageItemAdded(e) => {
            let p = &e.params;
            let origin = p.storage_id.security_origin.clone().unwrap_or_default();
            if !log.full(log.storage.len()) {
                log.storage
                    .push((origin, p.storage_id.is_local_storage, p.key.clone()));
            }
        }
        Event::PageLoadEventFired(_) => {
            log.load_fired.get_or_insert_with(Instant::now);
        }
        Event::PageJavascriptDialogOpening(_) => log.dialog_pending = true,
        Event::InspectorTargetCrashed(_) => log.crashed = true,
        _ => {}
    }
}
