//! Eksempel kommune: a demo municipality with stand-in trackers, served on 127.0.0.1.
//!
//! # What it is
//! A small but realistic Norwegian municipal website (Bokmål pages, a Nynorsk page, a feedback form,
//! an ID-porten login link, a privacy statement) running the page stack municipalities really run,
//! with their cookies:
//!
//! | what                         | cookie(s)                              | set by                      | category    |
//! |------------------------------|----------------------------------------|-----------------------------|-------------|
//! | PHP session (every page)     | `PHPSESSID`                            | response header, session    | necessary   |
//! | feedback form                | `FormCookie`                           | response header, 1 year     | necessary   |
//! | ID-porten login (SimpleSAML) | `SimpleSAMLSessionID`                  | response header, session    | necessary   |
//! | the banner's own choice      | `kapsel_consent`                       | the banner                  | necessary   |
//! | Google Analytics (gtag)      | `_ga`, `_ga_<container-id>`, `_gid`    | script, first-party         | statistics  |
//! | Facebook page plugin iframe  | `datr`, `fr`, `sb` on `.facebook.com`  | frame response, third-party | marketing   |
//! | Vimeo video iframe           | `vuid` on `.vimeo.com`                 | frame response, third-party | statistics  |
//! | Vimeo's Cloudflare           | `__cf_bm` on `.vimeo.com`              | frame response, third-party | (undeclared)|
//!
//! Vimeo is declared `statistics`: `vuid` is Vimeo's analytics id (the Open Cookie Database files it
//! under analytics), and the municipality embeds the player to show a video, not to advertise.
//! `__cf_bm` is deliberately left out of `site/declaration.json`: the real Vimeo player brings
//! Cloudflare's bot-management cookie, which hand-written statements never list — the genuine finding
//! the scanner reports as `undeclared`.
//!
//! # How it is served
//! Two listeners on 127.0.0.1, each a thread accepting connections and a short-lived thread per
//! connection (std::net, one request per connection, `Connection: close`):
//! - **the site** (plain HTTP, `site_url()`): pages from `site/` (or any folder, [`Site::Dir`]);
//!   `/kapsel/*` from the banner build directory (default `<repo>/target/banner`, env
//!   `KAPSEL_BANNER_DIR`, or [`DemoOptions::banner_dir`]); `/kapsel.json`, the site's declaration in
//!   resolved form, and `/kapsel/guard.js`, the guard generated from it (both computed at start-up
//!   with the catalogue and guard crates); `/robots.txt` and `/sitemap.xml`
//!   generated from the pages when the folder has none.
//! - **the trackers** (HTTPS, one port for all stand-in hosts, chosen by the `Host` header): a
//!   certificate generated at start-up with rcgen for every stand-in host name. Browsers reach them
//!   through `--host-resolver-rules` ([`Demo::host_resolver_rules`]) and accept the certificate only
//!   with `--ignore-certificate-errors`; the scanner through `--resolve` ([`Demo::resolve_args`]).
//!   HTTPS matters: `www.facebook.com` is HSTS-preloaded, and third-party cookies need
//!   `SameSite=None; Secure`. See the `trackers` module for what each stand-in does.
//!
//! Pages are templates with three placeholders, expanded once at start-up:
//! `{{INCLUDE:name}}` (a file from `site/_partials/`), `{{TRACKER_ORIGIN:host}}` (`https://host`, with
//! `:port` unless the tracker port is 443, so several demos run side by side in parallel tests) and
//! `{{COOKIE_TABLE:lang}}` (the declaration's cookie table rendered by the catalogue crate — the
//! privacy statement's table is never written by hand).
//!
//! [`Site::Ungated`] is the same site with the breach the banner prevents: the banner's script tag
//! removed, gated scripts (`type="text/plain" data-consent`) made live and gated iframes
//! (`data-src`) given their `src` — produced by rewriting the gated pages, so the two copies cannot
//! drift apart.
//!
//! Every request to a stand-in tracker is logged ([`Demo::tracker_requests`]) so tests can prove
//! that nothing reached a tracker before consent. Everything stops when the [`Demo`] is dropped.

#![warn(missing_docs)]

mod catalogue;
pub mod http;
mod server;
mod site;
pub mod tls;
pub mod trackers;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::SystemTime;

/// Which pages the demo serves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Site {
    /// Eksempel kommune with the Kapsel banner gating every tracker.
    #[default]
    Gated,
    /// The same pages with the banner removed and every tracker ungated (the breach).
    Ungated,
    /// Any folder of pages (for fixture sites); `declaration.json` in it is served as `/kapsel.json`.
    Dir(PathBuf),
}

/// Options for [`Demo::start`].
#[derive(Debug, Clone, Default)]
pub struct DemoOptions {
    /// Which pages to serve.
    pub site: Site,
    /// Port of the site (0: any free port).
    pub port: u16,
    /// Port of the HTTPS stand-in trackers (0: any free port; 443 for real-looking URLs).
    pub tracker_port: u16,
    /// Where the banner build (`kapsel.js`, `kapsel_nb.wasm` …) is; `None`: env `KAPSEL_BANNER_DIR`,
    /// else `<repo>/target/banner`.
    pub banner_dir: Option<PathBuf>,
    /// The declaration to serve as `/kapsel.json` and render in the privacy statement (`None`:
    /// `declaration.json` in the site folder). One that still holds a `TODO` is refused.
    pub declaration: Option<PathBuf>,
}

impl DemoOptions {
    /// Options for this site, everything else default (ephemeral ports).
    pub fn new(site: Site) -> Self {
        DemoOptions {
            site,
            ..Default::default()
        }
    }
}

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A listener could not bind.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A site file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The site's declaration is invalid.
    #[error("{0}")]
    Declaration(String),
    /// A page template is wrong (unknown include, placeholder...).
    #[error("{path}: {message}")]
    Template {
        /// The page.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The TLS set-up failed.
    #[error("TLS: {0}")]
    Tls(String),
}

/// One request that reached a stand-in tracker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerRequest {
    /// Host name (`www.facebook.com`).
    pub host: String,
    /// Method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Query string.
    pub query: String,
    /// The `Referer` header, if any.
    pub referer: Option<String>,
}

/// A running demo: the site and the stand-in trackers. Stops on drop.
pub struct Demo {
    site_addr: SocketAddr,
    tracker_addr: SocketAddr,
    declaration: PathBuf,
    banner_dir: PathBuf,
    certificate: Vec<u8>,
    log: Arc<Mutex<Vec<TrackerRequest>>>,
    shutdown: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Demo {
    /// Starts the site and the stand-in trackers on 127.0.0.1.
    pub fn start(options: DemoOptions) -> Result<Demo, DemoError> {
        let site_listener = bind(options.port)?;
        let tracker_listener = bind(options.tracker_port)?;
        let site_addr = local_addr(&site_listener)?;
        let tracker_addr = local_addr(&tracker_listener)?;
        let tracker_port = tracker_addr.port();

        let (root, mode) = match &options.site {
            Site::Gated => (demo_site_dir(), site::Mode::Demo { ungated: false }),
            Site::Ungated => (demo_site_dir(), site::Mode::Demo { ungated: true }),
            Site::Dir(dir) => (dir.clone(), site::Mode::Static),
        };
        let declaration = options
            .declaration
            .clone()
            .unwrap_or_else(|| root.join("declaration.json"));
        let banner_dir = options
            .banner_dir
            .clone()
            .unwrap_or_else(default_banner_dir);
        let content = site::load(&root, &declaration, mode, tracker_port)?;
        let (tls, certificate) = tls::server_config(&trackers::HOSTS)?;

        let shutdown = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let site_state = Arc::new(server::SiteState {
            content,
            banner_dir: banner_dir.clone(),
        });
        let threads = vec![
            server::spawn_site(site_listener, site_state, shutdown.clone()),
            server::spawn_trackers(
                tracker_listener,
                tls,
                tracker_port,
                log.clone(),
                shutdown.clone(),
            ),
        ];
        Ok(Demo {
            site_addr,
            tracker_addr,
            declaration,
            banner_dir,
            certificate,
            log,
            shutdown,
            threads,
        })
    }

    /// The site's front page, e.g. `http://127.0.0.1:41234/`.
    pub fn site_url(&self) -> String {
        format!("http://{}/", self.site_addr)
    }

    /// A page's URL: `url("/personvern/")`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.site_addr, path)
    }

    /// The site's address.
    pub fn site_addr(&self) -> SocketAddr {
        self.site_addr
    }

    /// The port of the HTTPS stand-in trackers.
    pub fn tracker_port(&self) -> u16 {
        self.tracker_addr.port()
    }

    /// `https://host` or `https://host:port`: where a stand-in tracker answers.
    pub fn tracker_origin(&self, host: &str) -> String {
        site::tracker_origin(host, self.tracker_port())
    }

    /// The stand-in tracker host names.
    pub fn tracker_hosts(&self) -> &'static [&'static str] {
        &trackers::HOSTS
    }

    /// `HOST:PORT:127.0.0.1` for every stand-in host, for `kapsel scan --resolve`.
    pub fn resolve_args(&self) -> Vec<String> {
        trackers::HOSTS
            .iter()
            .map(|h| format!("{h}:{}:127.0.0.1", self.tracker_port()))
            .collect()
    }

    /// The value for Chromium's `--host-resolver-rules`: every stand-in host to 127.0.0.1, every
    /// other name to nowhere (nothing leaves the machine).
    pub fn host_resolver_rules(&self) -> String {
        let mut rules: Vec<String> = trackers::HOSTS
            .iter()
            .map(|h| format!("MAP {h} 127.0.0.1"))
            .collect();
        rules.push("MAP * ~NOTFOUND".into());
        rules.push("EXCLUDE localhost".into());
        rules.push("EXCLUDE 127.0.0.1".into());
        rules.join(", ")
    }

    /// Every argument `kapsel scan` needs besides the URL and `--declared`: `--resolve` for each
    /// stand-in and `--browser-arg=--ignore-certificate-errors`.
    pub fn scan_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for r in self.resolve_args() {
            args.push("--resolve".into());
            args.push(r);
        }
        args.push("--browser-arg=--ignore-certificate-errors".into());
        args
    }

    /// The site's declaration (`declaration.json` in the site folder).
    pub fn declaration_path(&self) -> &Path {
        &self.declaration
    }

    /// Where `/kapsel/*` is served from.
    pub fn banner_dir(&self) -> &Path {
        &self.banner_dir
    }

    /// Whether the banner build is there (`kapsel.js` and one wasm per language).
    pub fn banner_built(&self) -> bool {
        [
            "kapsel.js",
            "kapsel_nb.wasm",
            "kapsel_nn.wasm",
            "kapsel_en.wasm",
        ]
        .iter()
        .all(|f| self.banner_dir.join(f).is_file())
    }

    /// The stand-in trackers' self-signed certificate (DER), generated at start-up: a client that
    /// trusts exactly this certificate can verify the stand-ins properly.
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate
    }

    /// Every request that reached a stand-in tracker so far, in order.
    pub fn tracker_requests(&self) -> Vec<TrackerRequest> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Forgets the logged tracker requests.
    pub fn clear_tracker_requests(&self) {
        if let Ok(mut l) = self.log.lock() {
            l.clear();
        }
    }
}

impl Drop for Demo {
    fn drop(&mut self) {
        self.shutdown.store(true, Ordering::SeqCst);
        // Wake the accept loops.
        let _ = TcpStream::connect(self.site_addr);
        let _ = TcpStream::connect(self.tracker_addr);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// The repository root (the workspace this crate was built in).
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The demo site's folder (`demo-site/site`).
pub fn demo_site_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("site")
}

/// The banner build directory: env `KAPSEL_BANNER_DIR`, else `<repo>/target/banner`.
pub fn default_banner_dir() -> PathBuf {
    match std::env::var_os("KAPSEL_BANNER_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => repo_root().join("target").join("banner"),
    }
}

fn bind(port: u16) -> Result<TcpListener, DemoError> {
    TcpListener::bind(("127.0.0.1", port)).map_err(|source| DemoError::Bind {
        addr: format!("127.0.0.1:{port}"),
        source,
    })
}

fn local_addr(l: &TcpListener) -> Result<SocketAddr, DemoError> {
    l.local_addr().map_err(|source| DemoError::Bind {
        addr: "127.0.0.1".into(),
        source,
    })
}

/// A random alphanumeric token of `len` characters (cookie values; not for security).
pub(crate) fn token(len: usize) -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::AtomicU64;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        if let Ok(d) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
            h.write_u128(d.as_nanos());
        }
        let mut v = h.finish();
        for _ in 0..10 {
            if out.len() == len {
                break;
            }
            out.push(ALPHABET[(v % ALPHABET.len() as u64) as usize] as char);
            v /= ALPHABET.len() as u64;
        }
    }
    out
}
