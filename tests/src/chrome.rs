//! A headless Chromium for end-to-end tests, set up like an ordinary visitor's browser.
//!
//! [`Chrome::launch`] starts Debian's Chromium (env `KAPSEL_CHROMIUM`, else `/usr/bin/chromium`,
//! else `chromium` on `PATH`) through headless_chrome with the house flags (`--headless
//! --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
//! --disable-sync --no-first-run`), a fresh temporary `--user-data-dir` whose `Default/Preferences`
//! allows third-party cookies (`{"profile":{"cookie_controls_mode":0}}` — a fresh Chromium profile
//! blocks them, and the stand-in Facebook and Vimeo frames must be able to set theirs),
//! `--ignore-certificate-errors` (the stand-in trackers use a certificate the demo generates), and,
//! when given, `--host-resolver-rules` that send the stand-in tracker names to 127.0.0.1 (see
//! `kapsel_demo::Demo::host_resolver_rules`, which also maps every other name to nowhere). The idle
//! timeout is raised to five minutes so slow steps do not close the connection.
//!
//! Utilities: [`all_cookies`] (CDP `Network.getAllCookies`: first- and third-party), [`RequestLog`]
//! (every request URL and host the page and its frames make), [`eval`] (evaluate JavaScript and
//! get the value as JSON), [`wait_for`] (poll a JavaScript condition), [`open`] (navigate and wait).
//!
//! ```no_run
//! use kapsel_e2e::chrome::{Chrome, ChromeOptions, open, all_cookies};
//! let demo = kapsel_demo::Demo::start(kapsel_demo::DemoOptions::default()).unwrap();
//! let chrome = Chrome::launch(&ChromeOptions::for_demo(&demo)).unwrap();
//! let tab = chrome.new_tab().unwrap();
//! open(&tab, &demo.site_url()).unwrap();
//! let cookies = all_cookies(&tab).unwrap();
//! ```

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Network, Runtime};
use headless_chrome::{Browser, LaunchOptions, Tab};

pub use headless_chrome::protocol::cdp::Network::Cookie;

/// The flags every test browser gets (besides `--headless` and `--no-sandbox`, which
/// headless_chrome adds from [`LaunchOptions`]).
pub const HOUSE_FLAGS: [&str; 6] = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--ignore-certificate-errors",
];

/// How to start the browser.
#[derive(Debug, Clone)]
pub struct ChromeOptions {
    /// `--host-resolver-rules` (e.g. from `Demo::host_resolver_rules`), when set.
    pub host_resolver_rules: Option<String>,
    /// Any further Chromium flags.
    pub extra_args: Vec<String>,
    /// Window size in CSS pixels.
    pub window_size: (u32, u32),
    /// How long the browser may be idle before the connection closes.
    pub idle_timeout: Duration,
}

impl Default for ChromeOptions {
    fn default() -> Self {
        ChromeOptions {
            host_resolver_rules: None,
            extra_args: Vec::new(),
            window_size: (1280, 900),
            idle_timeout: Duration::from_secs(300),
        }
    }
}

impl ChromeOptions {
    /// Options for a demo: its host-resolver rules, so stand-in tracker names reach 127.0.0.1.
    pub fn for_demo(demo: &kapsel_demo::Demo) -> Self {
        ChromeOptions {
            host_resolver_rules: Some(demo.host_resolver_rules()),
            ..Default::default()
        }
    }
}

/// A running headless Chromium with its own throw-away profile. Closes on drop.
pub struct Chrome {
    browser: Browser,
    // Dropped after the browser (fields drop in order), so the profile outlives the process.
    _profile: tempfile::TempDir,
}

/// The Chromium binary: env `KAPSEL_CHROMIUM`, else `/usr/bin/chromium`, else `chromium` or
/// `chromium-browser` on `PATH`.
pub fn chromium_path() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("KAPSEL_CHROMIUM").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    if debian.is_file() {
        return Ok(debian);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    bail!("Chromium not found: install Debian's chromium (apt-get install chromium) or set KAPSEL_CHROMIUM")
}

impl Chrome {
    /// Starts Chromium as described in the module documentation.
    pub fn launch(options: &ChromeOptions) -> Result<Chrome> {
        let profile = tempfile::Builder::new()
            .prefix("kapsel-chrome-")
            .tempdir()
            .context("creating a temporary Chromium profile")?;
        let default = profile.path().join("Default");
        std::fs::create_dir_all(&default).context("creating the profile's Default folder")?;
        std::fs::write(
            default.join("Preferences"),
            r#"{"profile":{"cookie_controls_mode":0}}"#,
        )
        .context("writing the profile's Preferences")?;

        let mut args: Vec<String> = HOUSE_FLAGS.iter().map(|s| s.to_string()).collect();
        if let Some(rules) = &options.host_resolver_rules {
            args.push(format!("--host-resolver-rules={rules}"));
        }
        args.extend(options.extra_args.iter().cloned());
        let os_args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();

        let launch = LaunchOptions::default_builder()
            .path(Some(chromium_path()?))
            .headless(true)
            .sandbox(false)
            .user_data_dir(Some(profile.path().to_path_buf()))
            .window_size(Some(options.window_size))
            .idle_browser_timeout(options.idle_timeout)
            .args(os_args.iter().map(|a| a.as_os_str()).collect())
            .build()
            .map_err(|e| anyhow!("Chromium launch options: {e}"))?;
        let browser = Browser::new(launch).context("starting Chromium")?;
        Ok(Chrome {
            browser,
            _profile: profile,
        })
    }

    /// A new tab (page target).
    pub fn new_tab(&self) -> Result<Arc<Tab>> {
        let tab = self.browser.new_tab().context("opening a tab")?;
        tab.set_default_timeout(Duration::from_secs(30));
        Ok(tab)
    }

    /// The underlying headless_chrome browser.
    pub fn browser(&self) -> &Browser {
        &self.browser
    }

    /// Whether the browser still answers (it may have closed after a crash or an idle timeout).
    pub fn is_alive(&self) -> bool {
        self.browser.get_version().is_ok()
    }
}

/// Navigates `tab` to `url` and waits until the load finished.
pub fn open(tab: &Tab, url: &str) -> Result<()> {
    tab.navigate_to(url)
        .with_context(|| format!("navigating to {url}"))?
        .wait_until_navigated()
        .with_context(|| format!("waiting for {url} to load"))?;
    Ok(())
}

/// Every cookie in the browser (first- and third-party, every frame), via `Network.getAllCookies`.
pub fn all_cookies(tab: &Tab) -> Result<Vec<Cookie>> {
    Ok(tab
        .call_method(Network::GetAllCookies(None))
        .context("Network.getAllCookies")?
        .cookies)
}

/// The names of every cookie in the browser.
pub fn cookie_names(tab: &Tab) -> Result<BTreeSet<String>> {
    Ok(all_cookies(tab)?.into_iter().map(|c| c.name).collect())
}

/// Evaluates `expression` in the page (awaiting a promise) and returns its value as JSON
/// (`null` for `undefined`). A thrown exception is an error carrying its description.
pub fn eval(tab: &Tab, expression: &str) -> Result<serde_json::Value> {
    let ret = tab
        .call_method(Runtime::Evaluate {
            expression: expression.to_string(),
            return_by_value: Some(true),
            generate_preview: None,
            silent: Some(false),
            await_promise: Some(true),
            include_command_line_api: Some(false),
            user_gesture: Some(true),
            object_group: None,
            context_id: None,
            throw_on_side_effect: None,
            timeout: None,
            disable_breaks: None,
            repl_mode: None,
            allow_unsafe_eval_blocked_by_csp: None,
            unique_context_id: None,
            serialization_options: None,
        })
        .with_context(|| format!("evaluating {expression}"))?;
    if let Some(ex) = ret.exception_details {
        let what = ex.exception.and_then(|e| e.description).unwrap_or(ex.text);
        bail!("{expression} threw: {what}");
    }
    Ok(ret.result.value.unwrap_or(serde_json::Value::Null))
}

/// Polls the JavaScript `condition` until it is truthy, or fails after `timeout` naming it.
pub fn wait_for(tab: &Tab, condition: &str, timeout: Duration) -> Result<()> {
    let start = Instant::now();
    loop {
        let v = eval(tab, &format!("!!({condition})"))?;
        if v == serde_json::Value::Bool(true) {
            return Ok(());
        }
        if start.elapsed() > timeout {
            bail!("timed out after {timeout:?} waiting for `{condition}`");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A record of the requests a tab (and its same-process frames) makes, from
/// `Network.requestWillBeSent`. For requests inside cross-site iframes, which Chromium reports on
/// the frame's own target, launch with `--disable-site-isolation-trials
/// --disable-features=IsolateOrigins,site-per-process` (tests only) or check the server's log.
#[derive(Clone, Default)]
pub struct RequestLog {
    urls: Arc<Mutex<Vec<String>>>,
}

impl RequestLog {
    /// Enables the Network domain on `tab` and starts recording.
    pub fn attach(tab: &Tab) -> Result<RequestLog> {
        tab.call_method(Network::Enable {
            max_total_buffer_size: None,
            max_resource_buffer_size: None,
            max_post_data_size: None,
            report_direct_socket_traffic: None,
            enable_durable_messages: None,
        })
        .context("Network.enable")?;
        let log = RequestLog::default();
        let urls = log.urls.clone();
        tab.add_event_listener(Arc::new(move |event: &Event| {
            if let Event::NetworkRequestWillBeSent(e) = event {
                if let Ok(mut u) = urls.lock() {
                    u.push(e.params.request.url.clone());
                }
            }
        }))
        .map_err(|e| anyhow!("adding a network listener: {e}"))?;
        Ok(log)
    }

    /// Every request URL so far, in order.
    pub fn urls(&self) -> Vec<String> {
        self.urls.lock().map(|u| u.clone()).unwrap_or_default()
    }

    /// The distinct hosts requested so far.
    pub fn hosts(&self) -> BTreeSet<String> {
        self.urls().iter().filter_map(|u| url_host(u)).collect()
    }

    /// Forgets what was recorded.
    pub fn clear(&self) {
        if let Ok(mut u) = self.urls.lock() {
            u.clear();
        }
    }
}

/// The host of an absolute `http(s)://` URL.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::url_host;

    #[test]
    fn hosts_of_urls() {
        assert_eq!(
            url_host("https://www.facebook.com:8443/plugins/page.php?x=1").as_deref(),
            Some("www.facebook.com")
        );
        assert_eq!(
            url_host("http://127.0.0.1:9/").as_deref(),
            Some("127.0.0.1")
        );
        assert_eq!(url_host("data:text/plain,x"), None);
    }
}
