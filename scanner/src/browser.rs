//! One headless Chromium per consent phase: a fresh profile set up like an ordinary visitor's
//! Chrome, the house flags, host-resolver rules for `--resolve`, and raw CDP calls whose answers
//! are read as JSON so a newer Chromium than the protocol bindings cannot break decoding.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use headless_chrome::protocol::cdp::types::Method;
use headless_chrome::protocol::cdp::Target::CreateTarget;
use headless_chrome::{Browser, Tab};
use serde::Serialize;
use serde_json::Value;

use crate::process::{BrowserProcess, Watchdog};

/// What went wrong with the browser: starting it, opening a tab, or a DevTools call. The text
/// names what was being done and the cause.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct BrowserError(pub String);

impl BrowserError {
    /// An error with what was being done and its cause (the cause's whole chain).
    pub fn with_context(what: impl std::fmt::Display, cause: impl std::fmt::Display) -> Self {
        BrowserError(format!("{what}: {cause:#}"))
    }
}

/// A result whose error is a [`BrowserError`].
pub type Result<T, E = BrowserError> = std::result::Result<T, E>;

/// How to start Chromium; the same for every phase.
#[derive(Debug, Clone)]
pub struct BrowserConfig {
    /// The Chromium executable.
    pub executable: PathBuf,
    /// `--resolve HOST:PORT:ADDR` entries, already parsed.
    pub resolve: Vec<(String, u16, String)>,
    /// Extra Chromium flags (`--browser-arg`).
    pub extra_args: Vec<String>,
    /// The memory one tab's renderer may hold, in MB, before the watchdog kills it.
    pub tab_memory_mb: u64,
}

/// The house flags every Chromium Kapsel starts gets, besides `--headless` and a fresh
/// `--user-data-dir` (the scanner's and the crawl's start check alike).
pub const HOUSE_FLAGS: &[&str] = &[
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

/// Flags every scan runs with besides the [`HOUSE_FLAGS`]: headless, no pop-ups, no automation
/// banner, one renderer per page so that the network traffic of cross-site iframes reaches the
/// page's session, and no back-forward cache, so a page a tab has left is gone rather than kept
/// frozen in memory.
const BASE_ARGS: &[&str] = &[
    "--headless=new",
    "--disable-quic",
    "--mute-audio",
    "--block-new-web-contents",
    "--disable-site-isolation-trials",
    "--disable-blink-features=AutomationControlled",
    "--disable-features=TranslateUI,IsolateOrigins,site-per-process,PrivacySandboxSettings4,BackForwardCache",
];

/// The launch defaults headless_chrome would add, less those that make the browser less like a
/// visitor's (`--enable-automation`, `--disable-popup-blocking`, its `--disable-features`).
const KEPT_DEFAULTS: &[&str] = &[
    "--enable-features=NetworkService,NetworkServiceInProcess",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-breakpad",
    "--disable-client-side-phishing-detection",
    "--disable-component-extensions-with-background-pages",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-hang-monitor",
    "--disable-ipc-flooding-protection",
    "--disable-prompt-on-repost",
    "--disable-renderer-backgrounding",
    "--force-color-profile=srgb",
    "--metrics-recording-only",
    "--password-store=basic",
    "--use-mock-keychain",
];

/// A running Chromium with its own profile directory (removed when dropped). Fields drop in
/// order: the connection, the watchdog, the browser process (killed), then the profile.
pub struct Chromium {
    /// The browser connection.
    pub browser: Browser,
    /// The user agent tabs present (Chrome's, without "Headless").
    pub user_agent: String,
    /// The watchdog over the renderers' memory.
    pub watchdog: Watchdog,
    _heartbeat: Heartbeat,
    _process: BrowserProcess,
    _profile: tempfile::TempDir,
}

impl BrowserConfig {
    /// The `--host-resolver-rules` value for the `--resolve` entries (Chromium keeps the port).
    pub fn host_resolver_rules(&self) -> Option<String> {
        if self.resolve.is_empty() {
            return None;
        }
        let rules: Vec<String> = self
            .resolve
            .iter()
            .map(|(host, _, addr)| format!("MAP {host} {addr}"))
            .collect();
        Some(rules.join(", "))
    }

    /// Starts Chromium on a fresh profile that allows third-party cookies, as Kapsel's own child
    /// (it dies with Kapsel), with a watchdog over its renderers' memory.
    pub fn launch(&self) -> Result<Chromium> {
        let profile = tempfile::Builder::new()
            .prefix("kapsel-profile-")
            .tempdir()
            .map_err(|e| BrowserError::with_context("creating a temporary browser profile", e))?;
        write_visitor_preferences(profile.path())?;
        let mut args: Vec<String> = KEPT_DEFAULTS
            .iter()
            .chain(HOUSE_FLAGS)
            .chain(BASE_ARGS)
            .map(|a| a.to_string())
            .collect();
        args.push("--window-size=1280,900".into());
        args.push(format!("--user-data-dir={}", profile.path().display()));
        // The JS heap may take about half a tab's budget: most script eaters then stop themselves.
        args.push(format!(
            "--js-flags=--max-old-space-size={}",
            (self.tab_memory_mb / 2).max(64)
        ));
        if let Some(rules) = self.host_resolver_rules() {
            args.push(format!("--host-resolver-rules={rules}"));
        }
        args.extend(self.extra_args.iter().cloned());
        args.push("about:blank".into());
        let process = BrowserProcess::start(&self.executable, &args, Duration::from_secs(30))
            .map_err(|e| BrowserError(format!("{e} (give another browser with --browser)")))?;
        let browser = Browser::connect_with_timeout(process.ws_url.clone(), CONNECTION_IDLE)
            .map_err(|e| {
                BrowserError::with_context(
                    format_args!(
                        "could not connect to the browser {} (give another with --browser)",
                        self.executable.display()
                    ),
                    e,
                )
            })?;
        let user_agent = browser
            .get_version()
            .map(|v| v.user_agent.replace("HeadlessChrome", "Chrome"))
            .unwrap_or_default();
        let watchdog = process.watchdog(self.tab_memory_mb * 1024 * 1024);
        let heartbeat = Heartbeat::start(browser.clone());
        Ok(Chromium {
            browser,
            user_agent,
            watchdog,
            _heartbeat: heartbeat,
            _process: process,
            _profile: profile,
        })
    }
}

/// Asks the browser its version every few seconds, so a quiet but healthy browser keeps its
/// connection (which closes after [`CONNECTION_IDLE`] without a message) while a hung one loses it.
struct Heartbeat(Arc<std::sync::atomic::AtomicBool>);

impl Heartbeat {
    fn start(browser: Browser) -> Heartbeat {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        std::thread::spawn(move || {
            while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                let _ = browser.get_version();
                for _ in 0..20 {
                    if flag.load(std::sync::atomic::Ordering::SeqCst) {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        });
        Heartbeat(stop)
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Writes `Default/Preferences` so the profile accepts third-party cookies like most visitors'.
fn write_visitor_preferences(profile: &Path) -> Result<()> {
    let default = profile.join("Default");
    std::fs::create_dir_all(&default)
        .map_err(|e| BrowserError::with_context("creating the profile directory", e))?;
    std::fs::write(
        default.join("Preferences"),
        r#"{"profile":{"cookie_controls_mode":0,"exit_type":"Normal"}}"#,
    )
    .map_err(|e| BrowserError::with_context("writing the profile preferences", e))?;
    Ok(())
}

impl Chromium {
    /// True while the browser still answers.
    pub fn alive(&self) -> bool {
        self.browser.get_version().is_ok()
    }

    /// Opens a tab with the visitor's user agent.
    pub fn new_tab(&self) -> Result<Arc<Tab>> {
        // A window of its own: a tab behind others in one window gets no rendering frames, so
        // its observers and animation frames would never fire (measured: 1 tab of 4 rendered).
        let tab = self
            .browser
            .new_tab_with_options(CreateTarget {
                url: "about:blank".into(),
                left: None,
                top: None,
                width: Some(1280),
                height: Some(900),
                window_state: None,
                browser_context_id: None,
                enable_begin_frame_control: None,
                new_window: Some(true),
                background: None,
                for_tab: None,
                hidden: None,
            })
            .map_err(|e| BrowserError::with_context("opening a browser tab", e))?;
        // Focused as a visitor's tab is, whatever else is open.
        let _ = call(&tab, SetFocusEmulation { enabled: true });
        // What the server sends, not what a service worker an earlier page installed answers.
        let _ = call(&tab, BypassServiceWorker { bypass: true });
        if !self.user_agent.is_empty() {
            let _ = call(
                &tab,
                SetUserAgentOverride {
                    user_agent: self.user_agent.clone(),
                },
            );
        }
        Ok(tab)
    }
}

/// Finds Chromium: the given path, else `chromium`/`chromium-browser`/`google-chrome` on PATH.
pub fn find_executable(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = given {
        if path.is_file() {
            return Ok(path.to_path_buf());
        }
        return Err(BrowserError(format!(
            "--browser {}: no such file",
            path.display()
        )));
    }
    let path_var = std::env::var_os("PATH").unwrap_or_default();
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path_var) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    for fixed in ["/usr/bin/chromium", "/usr/lib/chromium/chromium"] {
        if Path::new(fixed).is_file() {
            return Ok(PathBuf::from(fixed));
        }
    }
    Err(BrowserError(
        "no Chromium found on PATH (install Debian's `chromium` or give one with --browser PATH)"
            .into(),
    ))
}

/// Calls a CDP method whose answer is read as plain JSON.
pub fn call<M>(tab: &Arc<Tab>, method: M) -> Result<Value>
where
    M: Method<ReturnObject = Value> + Serialize + std::fmt::Debug + Send + 'static,
{
    call_within(tab, method, CALL_LIMIT)
}

/// The longest a DevTools call may take before it counts as unanswered (a renderer stuck in a
/// script answers nothing).
pub const CALL_LIMIT: Duration = Duration::from_secs(10);

/// How long the connection waits for any message from the browser before it counts the browser
/// as gone; a heartbeat keeps a healthy one talking. It also bounds how long an unanswered call
/// lingers in the background after [`call_within`] gave up on it.
const CONNECTION_IDLE: Duration = Duration::from_secs(30);

/// Calls a CDP method, giving up after `limit`: headless_chrome waits for an answer as long as
/// the connection lives, so the call runs on a helper thread that is left to end by itself.
pub fn call_within<M>(tab: &Arc<Tab>, method: M, limit: Duration) -> Result<Value>
where
    M: Method<ReturnObject = Value> + Serialize + std::fmt::Debug + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    let tab = Arc::clone(tab);
    std::thread::spawn(move || {
        let _ = tx.send(tab.call_method(method));
    });
    match rx.recv_timeout(limit) {
        Ok(answer) => answer.map_err(|e| BrowserError(e.to_string())),
        Err(_) => Err(BrowserError(format!(
            "{} got no answer within {:.1} s",
            M::NAME,
            limit.as_secs_f32()
        ))),
    }
}

macro_rules! raw_method {
    ($(#[$doc:meta])* $name:ident = $cdp:literal { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Serialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name { $($(#[$fdoc])* pub $field: $ty),* }
        impl Method for $name {
            const NAME: &'static str = $cdp;
            type ReturnObject = Value;
        }
    };
}

raw_method!(
    /// `Network.getAllCookies`.
    GetAllCookies = "Network.getAllCookies" {}
);
raw_method!(
    /// `Network.enable`.
    NetworkEnable = "Network.enable" {}
);
raw_method!(
    /// `Emulation.setFocusEmulationEnabled`.
    SetFocusEmulation = "Emulation.setFocusEmulationEnabled" {
        /// On.
        enabled: bool,
    }
);
raw_method!(
    /// `Network.setBypassServiceWorker`.
    BypassServiceWorker = "Network.setBypassServiceWorker" {
        /// On.
        bypass: bool,
    }
);
raw_method!(
    /// `Runtime.terminateExecution`: stops the script running now (an endless loop too).
    TerminateExecution = "Runtime.terminateExecution" {}
);
raw_method!(
    /// `DOMStorage.enable`.
    DomStorageEnable = "DOMStorage.enable" {}
);
raw_method!(
    /// `DOMStorage.clear`.
    DomStorageClear = "DOMStorage.clear" {
        /// The storage, as the protocol named it in its events.
        storage_id: Value,
    }
);
raw_method!(
    /// `Network.setUserAgentOverride`.
    SetUserAgentOverride = "Network.setUserAgentOverride" {
        /// The user agent to present.
        user_agent: String
    }
);
raw_method!(
    /// `Page.addScriptToEvaluateOnNewDocument`.
    AddScript = "Page.addScriptToEvaluateOnNewDocument" {
        /// The script.
        source: String
    }
);
raw_method!(
    /// `Page.handleJavaScriptDialog`.
    HandleDialog = "Page.handleJavaScriptDialog" {
        /// Accept (true) or dismiss.
        accept: bool
    }
);
raw_method!(
    /// `Page.stopLoading`.
    StopLoading = "Page.stopLoading" {}
);
raw_method!(
    /// `Page.navigate`.
    Navigate = "Page.navigate" {
        /// Where to go.
        url: String
    }
);
raw_method!(
    /// `Runtime.evaluate` with the result returned by value.
    Evaluate = "Runtime.evaluate" {
        /// The script.
        expression: String,
        /// Always true here.
        return_by_value: bool,
        /// Wait for a returned promise.
        await_promise: bool,
        /// Milliseconds before the evaluation is stopped.
        timeout: u64,
    }
);

/// Evaluates `expression` in the page and returns its JSON value (`null` when it threw).
pub fn eval(tab: &Arc<Tab>, expression: &str) -> Result<Value> {
    eval_within(tab, expression, Duration::from_secs(5))
}

/// Evaluates `expression` in the page, giving up after `limit` (a script still running then is
/// left to the caller: see [`TerminateExecution`]).
pub fn eval_within(tab: &Arc<Tab>, expression: &str, limit: Duration) -> Result<Value> {
    let limit = limit.max(Duration::from_millis(50));
    let answer = call_within(
        tab,
        Evaluate {
            expression: expression.to_string(),
            return_by_value: true,
            await_promise: true,
            timeout: limit.as_millis() as u64,
        },
        limit + Duration::from_millis(250),
    )?;
    Ok(answer
        .get("result")
        .and_then(|r| r.get("value"))
        .cloned()
        .unwrap_or(Value::Null))
}
