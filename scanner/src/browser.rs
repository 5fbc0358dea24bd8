//! One headless Chromium per consent phase: a fresh profile set up like an ordinary visitor's
//! Chrome, the house flags, host-resolver rules for `--resolve`, and raw CDP calls whose answers
//! are read as JSON so a newer Chromium than the protocol bindings cannot break decoding.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use headless_chrome::protocol::cdp::types::Method;
use headless_chrome::{Browser, LaunchOptions, Tab};
use serde::Serialize;
use serde_json::Value;

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
}

/// Flags every scan runs with: the house flags, no pop-ups, no automation banner, and one
/// renderer per page so that the network traffic of cross-site iframes reaches the page's session.
const BASE_ARGS: &[&str] = &[
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--mute-audio",
    "--block-new-web-contents",
    "--disable-site-isolation-trials",
    "--disable-blink-features=AutomationControlled",
    "--disable-features=TranslateUI,IsolateOrigins,site-per-process,PrivacySandboxSettings4",
];

/// headless_chrome's defaults that would make the browser less like a visitor's.
const DROPPED_DEFAULTS: &[&str] = &[
    "--enable-automation",
    "--disable-popup-blocking",
    "--disable-features=TranslateUI,BlinkGenPropertyTrees",
];

/// A running Chromium with its own profile directory (removed when dropped).
pub struct Chromium {
    /// The browser connection.
    pub browser: Browser,
    /// The user agent tabs present (Chrome's, without "Headless").
    pub user_agent: String,
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

    /// Starts Chromium on a fresh profile that allows third-party cookies.
    pub fn launch(&self) -> Result<Chromium> {
        let profile = tempfile::Builder::new()
            .prefix("kapsel-profile-")
            .tempdir()
            .map_err(|e| BrowserError::with_context("creating a temporary browser profile", e))?;
        write_visitor_preferences(profile.path())?;
        let mut args: Vec<OsString> = BASE_ARGS.iter().map(OsString::from).collect();
        if let Some(rules) = self.host_resolver_rules() {
            args.push(format!("--host-resolver-rules={rules}").into());
        }
        args.extend(self.extra_args.iter().map(OsString::from));
        let arg_refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let dropped: Vec<&std::ffi::OsStr> =
            DROPPED_DEFAULTS.iter().map(std::ffi::OsStr::new).collect();
        let options = LaunchOptions::default_builder()
            .path(Some(self.executable.clone()))
            .headless(false) // `--headless=new` is passed above
            .sandbox(false)
            .ignore_certificate_errors(false)
            .window_size(Some((1280, 900)))
            .user_data_dir(Some(profile.path().to_path_buf()))
            .idle_browser_timeout(Duration::from_secs(24 * 3600))
            .args(arg_refs)
            .ignore_default_args(dropped)
            .build()
            .map_err(|e| BrowserError(format!("browser options: {e}")))?;
        let browser = Browser::new(options).map_err(|e| {
            BrowserError::with_context(
                format_args!(
                    "could not start the browser {} (give another with --browser)",
                    self.executable.display()
                ),
                e,
            )
        })?;
        let user_agent = browser
            .get_version()
            .map(|v| v.user_agent.replace("HeadlessChrome", "Chrome"))
            .unwrap_or_default();
        Ok(Chromium {
            browser,
            user_agent,
            _profile: profile,
        })
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
        let tab = self
            .browser
            .new_tab()
            .map_err(|e| BrowserError::with_context("opening a browser tab", e))?;
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
pub fn call<M>(tab: &Tab, method: M) -> Result<Value>
where
    M: Method<ReturnObject = Value> + Serialize + std::fmt::Debug,
{
    tab.call_method(method)
        .map_err(|e| BrowserError(e.to_string()))
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
    /// `DOMStorage.enable`.
    DomStorageEnable = "DOMStorage.enable" {}
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
pub fn eval(tab: &Tab, expression: &str) -> Result<Value> {
    let answer = call(
        tab,
        Evaluate {
            expression: expression.to_string(),
            return_by_value: true,
            await_promise: true,
            timeout: 5_000,
        },
    )?;
    Ok(answer
        .get("result")
        .and_then(|r| r.get("value"))
        .cloned()
        .unwrap_or(Value::Null))
}
