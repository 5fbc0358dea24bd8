//! `kapsel-scan`: Kapsel's scanner as a library — crawl a site in real headless Chromium, record
//! every cookie before and after consent, and classify what visitors get against what the site
//! declares. [`scan`] is the entry point; the `kapsel scan` command, the national crawl and any
//! other Rust program call it.
//!
//! ```no_run
//! use kapsel_scan::{scan, ConsentMode, Options};
//!
//! let start = kapsel_scan::start_url("https://www.example.kommune.no/")?;
//! let mut options = Options::new(start);
//! options.consent = ConsentMode::Both;
//! options.max_pages = 10;
//! options.on_progress = Some(std::sync::Arc::new(|p: &kapsel_scan::Progress| {
//!     eprintln!("{}/{} {}", p.done, p.total, p.message)
//! }));
//! let stop = options.stop.clone(); // stop.request("why") from any thread ends the scan early
//! # drop(stop);
//! let report = scan(&options)?;
//! println!("{} cookies, {} findings", report.cookies.len(), report.findings.len());
//! # Ok::<(), kapsel_scan::ScanError>(())
//! ```
//!
//! # What it holds, and what it must not
//! The browser ([`browser`]), the crawl ([`crawl`], [`runner`]), one page's visit ([`page`]),
//! one collector per thing observed ([`collectors`]: cookie jar, `Set-Cookie` lines and refused
//! cookies, `document.cookie` writes, DOM storage, hosts, links, the consent banner), merging
//! their typed results over pages and phases ([`observe`]), pressing a banner ([`consent`]),
//! reading a privacy statement ([`statement`]) and classification into findings ([`classify`]).
//! It fills the report model of `kapsel-report` and never formats it: writers live there, and
//! collectors only observe. It parses no command line and prints nothing; the CLI turns
//! arguments into [`Options`] and the report into files and an exit status.
//!
//! [`scan`] reads as its steps: set up (check the options, read the statement, robots.txt and
//! sitemaps), run each consent phase, assemble the report, classify, finish.
//!
//! # Design
//!
//! **Phases.** A scan runs up to three consent phases (`--consent none|accept|reject|all`), each
//! in a fresh browser with a fresh profile, so one phase's consent cannot leak into the next.
//! Phase `none` never touches a banner; `accept` and `reject` visit the start page alone, press
//! the banner's accept-all / reject-all button ([`press`]: DuckDuckGo's autoconsent rule set
//! ([`autoconsent`]) first, Kapsel's own finder ([`banner`]: shadow roots, same-origin iframes,
//! words by stem in nb/nn/en/da/sv, buttons inside the banner-like element) when no rule finds
//! one), prove the press (banner gone; the rule's self-test or the site's consent state
//! changed), then visit the rest. A phase that found no banner, pressed nothing or could not
//! verify is a `consent-not-measured` finding; the banner's bad practices are judged from its
//! measurements, and screenshots before and after the press go beside the report.
//! The first phase discovers pages; later phases visit the pages it loaded, in the same order.
//!
//! **Browser** ([`browser`]). Debian's Chromium through headless_chrome with the house flags and
//! a profile whose `Default/Preferences` sets `cookie_controls_mode: 0`: third-party cookies
//! allowed, as in an ordinary visitor's Chrome, so the report shows what most visitors get.
//! `--resolve HOST:PORT:ADDR` becomes `--host-resolver-rules` (and reqwest's `.resolve()` for
//! robots.txt and sitemaps). Site isolation is switched off so cross-site iframes share their
//! page's renderer and their network events (raw `Set-Cookie` lines, refused cookies, hosts)
//! reach the page's DevTools session; the cookie jar itself is read with
//! `Network.getAllCookies`, which holds first- and third-party cookies alike. Pop-ups are blocked
//! (`--block-new-web-contents`); `alert()`/`confirm()`/`prompt()` are silenced by a prelude and
//! any dialog left is dismissed. CDP answers are read as plain JSON so a Chromium newer than the
//! protocol bindings cannot break decoding.
//!
//! **Crawl** ([`crawl`], [`runner`]). Breadth first from the start URL plus `/sitemap.xml`
//! (and `Sitemap:` lines of robots.txt, following sitemap indexes) plus the links of each
//! rendered page, within the start URL's registrable domain unless `--include` patterns say
//! otherwise (`--exclude` always removes). URLs are normalised (fragment, default port, tracking
//! parameters such as `utm_*`, `fbclid`, `gclid`; sorted query) so no page is visited twice.
//! Traps are bounded: at most 10 query-string variants per path, no path repeating a segment
//! three times, URLs under 1,000 characters, at most 500 links read per page. robots.txt is
//! honoured unless `--ignore-robots`. `--concurrency` tabs in one browser pull from one frontier.
//!
//! **A page** ([`page`], [`collectors`]). Navigate; wait for the load event and for the network
//! to go quiet (requests started vs finished, `--wait` of silence, bounded by `--timeout`);
//! scroll a screen at a time to the end so lazy embeds load; wait again; then each collector's
//! post-load step (press the banner, read links) and its data (storage keys, the jar).
//! Collectors record `Set-Cookie` lines with the responding host and the lifetime they asked
//! for (Chromium caps stored lifetimes at 400 days; both are kept), the cookies Chromium refused
//! with its reasons, every host contacted, DOM-storage writes, and `document.cookie` writes with
//! the writing script's URL (a setter installed before page scripts run).
//!
//! **Robustness** (measured on the `kapsel-hostile` site, `bench/hostile/`). Each of the
//! `--concurrency` tabs is in a window of its own, so a tab that is not in front still gets
//! rendering frames and observers and animation frames fire at any concurrency (in one window
//! only the front tab of four rendered). A tab serves one page after another while they end
//! cleanly: between pages it is left for `about:blank` (the page's scripts, timers and requests
//! end there), the session storage the page wrote (iframes' too) is cleared and the window's
//! name emptied, and the collectors start a new visit, so the next page starts as in a fresh
//! tab. A page that hit a limit (its deadline, a stuck script, a crash, a release that did not
//! answer in time) has its tab closed and the next page gets a fresh tab with fresh collectors:
//! nothing it leaves running (an endless script, a beforeunload handler, its memory) reaches
//! the next. (Opening a tab takes some fifteen DevTools round trips, about 1.5 s measured; keeping
//! clean tabs took `bench/scan/` at concurrency 1 from 18 to 33 pages/min.) Back-forward cache
//! is off, so a page left is gone, not kept frozen in memory. Tabs are focused
//! (`Emulation.setFocusEmulationEnabled`) and bypass service workers, so an earlier page's worker
//! cannot answer for the server. `--timeout` bounds everything a page may take — the server's
//! first byte, the load, the settle, the scroll, the banner — with every DevTools call given up
//! at the deadline ([`browser::call_within`]); a page still busy then is stopped, a renderer
//! stuck in a script is told to stop (`Runtime.terminateExecution`) and reported `renderer
//! unresponsive`, and its target closed. Each tab's renderer has a memory budget
//! ([`Options::tab_memory_mb`]): a V8 heap cap of half of it, and a watchdog ([`process`]) that
//! kills a renderer past it; the page is reported `out of memory` and the other tabs carry on.
//! Chromium is started as Kapsel's own child with `PR_SET_PDEATHSIG`, so it dies with Kapsel
//! even after SIGKILL. A failed page (DNS, TLS, HTTP ≥ 400, timeout, crash) is recorded with its
//! error and the crawl goes on; a browser that stops answering is restarted. `--max-time` stops
//! starting pages; a signal ([`runner::Stop::interrupt`]) also ends the pages under way; either
//! way the partial report is marked incomplete. While pages finish, [`Options::on_partial`]
//! gets the report so far at most once a second (the CLI keeps its `--out` files current with
//! it), so a scan killed outright leaves a readable report. Caps on links, events and cookies
//! kept ([`observe`]) keep hostile pages from exhausting Kapsel's own memory.
//!
//! **Findings** ([`classify`]). Cookies are classified by the declaration (`--declared`), then
//! the names the privacy statement lists (`--policy`), then the knowledge base (built in, plus
//! `--knowledge-base` Open Cookie Database CSVs), else `unknown`; findings and the report model
//! live in `kapsel_report`.

#![warn(missing_docs)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kapsel_catalogue::{Declaration, KnowledgeBase};
use kapsel_report::{Phase, PhaseInfo};
use url::Url;

pub mod autoconsent;
pub mod banner;
pub mod browser;
pub mod classify;
pub mod collectors;
pub mod consent;
pub mod crawl;
pub mod observe;
pub mod page;
pub mod press;
pub mod process;
pub mod progress;
pub mod runner;
pub mod statement;

pub use kapsel_report::Report;
pub use progress::{Progress, ProgressFn};
pub use runner::Stop;

/// Which consent phases to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentMode {
    /// Only without interaction.
    None,
    /// Only after accept-all.
    Accept,
    /// Only after reject-all.
    Reject,
    /// None and accept.
    Both,
    /// None, accept and reject (the default).
    All,
}

impl ConsentMode {
    /// The phases this mode runs, in order.
    pub fn phases(self) -> Vec<Phase> {
        match self {
            ConsentMode::None => vec![Phase::None],
            ConsentMode::Accept => vec![Phase::Accept],
            ConsentMode::Reject => vec![Phase::Reject],
            ConsentMode::Both => vec![Phase::None, Phase::Accept],
            ConsentMode::All => vec![Phase::None, Phase::Accept, Phase::Reject],
        }
    }
}

/// What to scan and how; [`Options::new`] gives the `kapsel scan` defaults.
pub struct Options {
    /// The page to start from (http or https; see [`start_url`]).
    pub start: Url,
    /// The site's declaration to compare with: its source (file name, for the report) and the
    /// parsed declaration.
    pub declaration: Option<(String, Declaration)>,
    /// The site's privacy statement whose cookie names to compare with: a URL or a file.
    pub policy: Option<String>,
    /// The knowledge base (built in, plus any extra bases).
    pub knowledge: KnowledgeBase,
    /// Most pages visited per phase.
    pub max_pages: usize,
    /// Most links followed from the start page.
    pub depth: u32,
    /// Pages loaded at once (tabs in one browser), 1 to 32.
    pub concurrency: usize,
    /// Consent phases to run.
    pub consent: ConsentMode,
    /// `HOST:PORT:ADDR` mappings (see [`parse_resolve`]) used instead of DNS.
    pub resolve: Vec<(String, u16, String)>,
    /// The Chromium executable (None: chromium on PATH).
    pub browser: Option<PathBuf>,
    /// Extra Chromium flags.
    pub browser_args: Vec<String>,
    /// Time a page may take.
    pub timeout: Duration,
    /// Time without network activity that counts as quiet.
    pub quiet: Duration,
    /// Least time on a page after its load event (cookies set by timers).
    pub dwell: Duration,
    /// Stop after this long and return the partial report.
    pub max_time: Option<Duration>,
    /// The memory one tab's renderer may hold, in MB, before it is stopped as out of memory.
    pub tab_memory_mb: u64,
    /// Only URLs matching these patterns (`*` wildcard; without `*` a substring) are crawled.
    pub include: Vec<String>,
    /// URLs matching these patterns are never crawled.
    pub exclude: Vec<String>,
    /// Crawl pages robots.txt disallows.
    pub ignore_robots: bool,
    /// Do not read sitemaps.
    pub no_sitemap: bool,
    /// Pull it (from any thread) to end the scan after the current pages; the report comes back
    /// marked incomplete.
    pub stop: Stop,
    /// Told how far the scan has come.
    pub on_progress: Option<ProgressFn>,
    /// Handed the report so far (marked incomplete) at most once a second while pages finish,
    /// so that a scan killed outright (SIGKILL, the OOM killer) leaves a readable report.
    pub on_partial: Option<PartialFn>,
    /// Where DuckDuckGo's autoconsent package is (`None`: env `KAPSEL_AUTOCONSENT`, else
    /// `target/tools`; when it is not there, Kapsel's own finder presses alone and the phase
    /// notes say so). An explicit path that holds no bundle is an input error.
    pub autoconsent: Option<PathBuf>,
    /// Press banners with Kapsel's own finder only.
    pub no_autoconsent: bool,
    /// Where to save the banner screenshots (the report refers to them by the folder's name, so
    /// put the folder beside the report); `None`: none are saved.
    pub evidence_dir: Option<PathBuf>,
}

impl Options {
    /// The defaults of `kapsel scan` for a start URL.
    pub fn new(start: Url) -> Self {
        Options {
            start,
            declaration: None,
            policy: None,
            knowledge: KnowledgeBase::builtin().clone(),
            max_pages: 50,
            depth: 3,
            concurrency: 4,
            consent: ConsentMode::All,
            resolve: Vec::new(),
            browser: None,
            browser_args: Vec::new(),
            timeout: Duration::from_secs(30),
            quiet: Duration::from_millis(500),
            dwell: Duration::from_millis(1500),
            max_time: None,
            tab_memory_mb: DEFAULT_TAB_MEMORY_MB,
            include: Vec::new(),
            exclude: Vec::new(),
            ignore_robots: false,
            no_sitemap: false,
            stop: Stop::new(),
            on_progress: None,
            on_partial: None,
            autoconsent: None,
            no_autoconsent: false,
            evidence_dir: None,
        }
    }
}

/// A callback handed the partial report while a scan runs (see [`Options::on_partial`]).
pub type PartialFn = Arc<dyn Fn(&Report) + Send + Sync>;

/// The default memory budget of one tab's renderer, in MB. The whole scan (Kapsel, the browser
/// and its helpers, one renderer per tab) stays under about 350 MB plus this per tab.
pub const DEFAULT_TAB_MEMORY_MB: u64 = 256;

/// Why a scan gave no (complete) report.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// Bad input (a URL, a file, a setting); nothing was visited.
    #[error("{0}")]
    Input(String),
    /// The scan broke off (the browser could not be started); the partial report is kept.
    #[error("the scan could not be completed: {cause}")]
    Incomplete {
        /// What broke.
        cause: String,
        /// What was seen until then, marked incomplete.
        report: Box<Report>,
    },
    /// Not one page could be loaded; the report lists each page's error.
    #[error("no page of {start} could be loaded (first error: {first_error})")]
    NothingLoaded {
        /// The start URL.
        start: String,
        /// The first page's error.
        first_error: String,
        /// The report, with the failed pages.
        report: Box<Report>,
    },
}

impl ScanError {
    /// The report that came with the error, when the scan got as far as visiting pages.
    pub fn partial_report(&self) -> Option<&Report> {
        match self {
            ScanError::Input(_) => None,
            ScanError::Incomplete { report, .. } | ScanError::NothingLoaded { report, .. } => {
                Some(report)
            }
        }
    }
}

/// Parses a start URL: http or https with a host.
pub fn start_url(s: &str) -> Result<Url, ScanError> {
    Url::parse(s)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        .ok_or_else(|| ScanError::Input(format!("{s}: not an http(s) URL")))
}

/// Parses `HOST:PORT:ADDR` (ADDR may be `[v6]`), as curl's `--resolve`.
pub fn parse_resolve(s: &str) -> Result<(String, u16, String), ScanError> {
    let bad = || {
        ScanError::Input(format!(
            "--resolve {s}: expected HOST:PORT:ADDR, e.g. www.example.no:443:127.0.0.1"
        ))
    };
    let (host, rest) = s.split_once(':').ok_or_else(bad)?;
    let (port, addr) = rest.split_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || addr.parse::<std::net::IpAddr>().is_err() {
        return Err(bad());
    }
    Ok((host.to_ascii_lowercase(), port, addr.to_string()))
}

/// Scans a site: visits it in each consent phase, classifies what it saw, and returns the report
/// (findings and summary filled in). A stop request or `max_time` returns the partial report
/// marked incomplete; see [`ScanError`] for the rest.
pub fn scan(options: &Options) -> Result<Report, ScanError> {
    let started_at = observe::now_unix();
    let clock = Instant::now();
    let mut setup = set_up(options)?;
    let run = run_phases(options, &mut setup, started_at, clock);
    let mut report = assemble(options, &setup, &run, started_at, clock.elapsed());
    classify_report(&mut report, options, &setup);
    finish(report, run.error, &options.start)
}

/// What the scan knows before the first browser starts.
struct Setup {
    /// The crawl settings every phase shares.
    crawl: runner::CrawlConfig,
    /// The frontier the first phase discovers from (taken by it).
    frontier: Option<crawl::Frontier>,
    /// The start URL's registrable domain.
    site: String,
    /// The privacy statement's source and the names it lists.
    policy: Option<(String, Vec<String>)>,
    /// Progress, told to the caller.
    progress: progress::Tracker,
}

/// Checks the options, reads the privacy statement, robots.txt and sitemaps, and queues the
/// start page: every mistake in the input surfaces here, before a browser starts.
fn set_up(options: &Options) -> Result<Setup, ScanError> {
    let start = start_url(options.start.as_str())?;
    if options.concurrency == 0 || options.concurrency > 32 {
        return Err(ScanError::Input(
            "--concurrency must be between 1 and 32".into(),
        ));
    }
    if !(options.timeout > Duration::ZERO && options.timeout < Duration::from_secs(3600)) {
        return Err(ScanError::Input(
            "--timeout must be between 0 and 3600 seconds".into(),
        ));
    }
    let insecure = options
        .browser_args
        .iter()
        .any(|a| a == "--ignore-certificate-errors");
    let fetcher = crawl::Fetcher::new(&options.resolve, insecure)
        .map_err(|e| ScanError::Input(e.to_string()))?;
    let policy = match &options.policy {
        None => None,
        Some(src) => Some((
            src.clone(),
            policy_names(src, &fetcher, &options.knowledge)?,
        )),
    };
    let executable = browser::find_executable(options.browser.as_deref())
        .map_err(|e| ScanError::Input(e.to_string()))?;
    if let Some(max_time) = options.max_time {
        options.stop.stop_after(
            max_time,
            &format!("--max-time of {} s reached", max_time.as_secs_f64()),
        );
    }
    let site = crawl::registrable_domain(start.host_str().unwrap_or(""));
    let frontier = queue_start(options, &start, &site, &fetcher);
    let (autoconsent, autoconsent_missing) = if options.no_autoconsent {
        (None, Some("switched off".to_string()))
    } else {
        match autoconsent::Autoconsent::locate(options.autoconsent.as_deref()) {
            Ok(a) => (Some(a), None),
            Err(e) if options.autoconsent.is_some() => {
                return Err(ScanError::Input(format!("--autoconsent: {e}")))
            }
            Err(e) => (None, Some(e.to_string())),
        }
    };
    let crawl = runner::CrawlConfig {
        browser: browser::BrowserConfig {
            executable,
            resolve: options.resolve.clone(),
            extra_args: options.browser_args.clone(),
            tab_memory_mb: options.tab_memory_mb,
        },
        concurrency: options.concurrency,
        timeout: options.timeout,
        quiet: options.quiet,
        dwell: options.dwell,
        banner_patience: Duration::from_secs(3),
        autoconsent,
        autoconsent_missing,
        evidence_dir: options.evidence_dir.clone(),
    };
    let progress = progress::Tracker::new(options.on_progress.clone());
    progress.set_length((frontier.remaining() * options.consent.phases().len()) as u64);
    Ok(Setup {
        crawl,
        frontier: Some(frontier),
        site,
        policy,
        progress,
    })
}

/// The frontier with the start page, and (unless switched off) the sitemaps' pages.
fn queue_start(
    options: &Options,
    start: &Url,
    site: &str,
    fetcher: &crawl::Fetcher,
) -> crawl::Frontier {
    let scope = crawl::Scope {
        site: site.to_string(),
        include: options.include.clone(),
        exclude: options.exclude.clone(),
    };
    let robots = if options.ignore_robots {
        None
    } else {
        Some(fetcher.robots(start))
    };
    let mut frontier =
        crawl::Frontier::new(scope, robots.clone(), options.depth, options.max_pages);
    frontier.push(start, 0, crawl::Via::Start);
    if !options.no_sitemap {
        let mut maps: Vec<Url> = robots
            .iter()
            .flat_map(|r| r.sitemaps.iter())
            .filter_map(|s| Url::parse(s).ok())
            .collect();
        if let Ok(default) = start.join("/sitemap.xml") {
            if !maps.contains(&default) {
                maps.push(default);
            }
        }
        for u in fetcher.sitemap_urls(&maps, options.max_pages * 4) {
            frontier.push(&u, 1, crawl::Via::Sitemap);
        }
    }
    frontier
}

/// The names a privacy statement lists (file or URL), as `policy extract` finds them with the
/// same knowledge base.
fn policy_names(
    source: &str,
    fetch: &crawl::Fetcher,
    base: &KnowledgeBase,
) -> Result<Vec<String>, ScanError> {
    let text = if source.starts_with("http://") || source.starts_with("https://") {
        let url =
            Url::parse(source).map_err(|e| ScanError::Input(format!("--policy {source}: {e}")))?;
        fetch
            .get_text(&url)
            .ok_or_else(|| ScanError::Input(format!("--policy {source}: could not fetch it")))?
    } else {
        std::fs::read_to_string(source).map_err(|e| {
            ScanError::Input(format!("--policy {source}: cannot read the file: {e}"))
        })?
    };
    let text = if statement::is_html(&text, None) {
        statement::html_text(&text)
    } else {
        text
    };
    Ok(kapsel_catalogue::extract::extract(&text, base)
        .name_list()
        .into_iter()
        .map(String::from)
        .collect())
}

/// What the phases saw, and how far they got.
struct PhaseRun {
    /// Everything observed, over all phases.
    observations: observe::Observations,
    /// Each phase that ran, with its banner.
    infos: Vec<PhaseInfo>,
    /// What broke the run off, if anything.
    error: Option<browser::BrowserError>,
}

/// Runs each consent phase in a fresh browser: the first discovers pages, the later ones visit
/// the pages it loaded, in the same order.
fn run_phases(options: &Options, setup: &mut Setup, started_at: i64, clock: Instant) -> PhaseRun {
    let mut frontier = setup.frontier.take();
    let setup = &*setup;
    let obs = Mutex::new(observe::Observations::new(setup.site.clone()));
    let infos = Mutex::new(Vec::new());
    let done = std::sync::atomic::AtomicBool::new(false);
    let error = std::thread::scope(|scope| {
        if let Some(on_partial) = &options.on_partial {
            let (obs, infos, done) = (&obs, &infos, &done);
            scope.spawn(move || {
                journal(
                    options, setup, obs, infos, done, on_partial, started_at, clock,
                )
            });
        }
        let error = visit_phases(options, setup, frontier.take(), &obs, &infos);
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        error
    });
    PhaseRun {
        observations: obs.into_inner().unwrap_or_else(|e| e.into_inner()),
        infos: infos.into_inner().unwrap_or_else(|e| e.into_inner()),
        error,
    }
}

/// How often the journal looks for newly finished pages.
const JOURNAL_EVERY: Duration = Duration::from_secs(1);

/// While the phases run, hands [`Options::on_partial`] the report so far (marked incomplete)
/// whenever pages finished since the last one, so a scan killed outright leaves its work behind.
#[allow(clippy::too_many_arguments)]
fn journal(
    options: &Options,
    setup: &Setup,
    obs: &Mutex<observe::Observations>,
    infos: &Mutex<Vec<PhaseInfo>>,
    done: &std::sync::atomic::AtomicBool,
    on_partial: &PartialFn,
    started_at: i64,
    clock: Instant,
) {
    let mut written = 0;
    let mut last = Instant::now() - JOURNAL_EVERY;
    while !done.load(std::sync::atomic::Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(100));
        if last.elapsed() < JOURNAL_EVERY {
            continue;
        }
        let snapshot = {
            let Ok(o) = obs.lock() else { return };
            if o.pages.len() == written {
                continue;
            }
            o.clone()
        };
        written = snapshot.pages.len();
        last = Instant::now();
        let run = PhaseRun {
            observations: snapshot,
            infos: infos.lock().map(|i| i.clone()).unwrap_or_default(),
            error: None,
        };
        let mut report = assemble(options, setup, &run, started_at, clock.elapsed());
        classify_report(&mut report, options, setup);
        report.summarise();
        report.complete = false;
        report.stopped.get_or_insert_with(|| {
            format!("scan still running: {written} pages done when this was written")
        });
        on_partial(&report);
    }
}

/// Runs the phases one after another; the error that broke them off, if any.
fn visit_phases(
    options: &Options,
    setup: &Setup,
    mut frontier: Option<crawl::Frontier>,
    obs: &Mutex<observe::Observations>,
    infos_out: &Mutex<Vec<PhaseInfo>>,
) -> Option<browser::BrowserError> {
    let phases = options.consent.phases();
    let stop = &options.stop;
    let progress = &setup.progress;
    let mut infos = Vec::new();
    let mut plan: Option<Vec<crawl::Pending>> = None;
    let mut error = None;
    for phase in &phases {
        if stop.requested() {
            break;
        }
        let (discover, fixed) = match &plan {
            None => (frontier.take(), Vec::new()),
            Some(pages) => (None, pages.clone()),
        };
        match runner::run_phase(&setup.crawl, *phase, discover, fixed, obs, stop, progress) {
            Ok(o) => {
                if plan.is_none() {
                    let remaining = (phases.len() - infos.len() - 1) * o.loaded.len();
                    progress.set_length(progress.position() + remaining as u64);
                    plan = Some(o.loaded);
                }
                infos.push(o.info.clone());
                if let Ok(mut shared) = infos_out.lock() {
                    shared.push(o.info);
                }
            }
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    error
}

/// The report of what the phases saw (findings not yet filled in).
fn assemble(
    options: &Options,
    setup: &Setup,
    run: &PhaseRun,
    started_at: i64,
    took: Duration,
) -> Report {
    let obs = &run.observations;
    let stop = &options.stop;
    let stopped = stop
        .reason()
        .or_else(|| run.error.as_ref().map(|e| e.to_string()))
        .or_else(|| {
            (obs.cookies_dropped > 0).then(|| {
                format!(
                    "more than {} cookies: {} were not kept",
                    observe::MAX_COOKIES,
                    obs.cookies_dropped
                )
            })
        });
    let third_party_hosts = obs
        .hosts
        .iter()
        .map(|(host, (n, phases, first))| kapsel_report::ThirdPartyHost {
            host: host.clone(),
            requests: *n,
            phases: phases.iter().copied().collect(),
            before_consent: phases.contains(&Phase::None),
            first_page: first.clone(),
            service: None,
            category: None,
            declared: false,
        })
        .collect();
    let storage = obs
        .storage
        .iter()
        .map(
            |((kind, origin, key), (phases, first))| kapsel_report::StorageKey {
                kind: kind.clone(),
                origin: origin.clone(),
                key: key.clone(),
                phases: phases.iter().copied().collect(),
                first_page: first.clone(),
            },
        )
        .collect();
    let mut declared_sources = Vec::new();
    if let Some((source, _)) = &options.declaration {
        declared_sources.push(source.clone());
    }
    if let Some((source, _)) = &setup.policy {
        declared_sources.push(source.clone());
    }
    Report {
        tool: format!("kapsel {}", env!("CARGO_PKG_VERSION")),
        site: options.start.to_string(),
        started: kapsel_report::rfc3339(started_at),
        duration_seconds: (took.as_secs_f64() * 10.0).round() / 10.0,
        complete: stop.reason().is_none() && run.error.is_none(),
        stopped,
        declared_sources,
        summary: kapsel_report::Summary::default(),
        phases: run.infos.clone(),
        findings: Vec::new(),
        cookies: obs.report_cookies(),
        refused_cookies: obs.refused.clone(),
        third_party_hosts,
        storage,
        pages: obs.pages.clone(),
    }
}

/// Classifies the cookies and hosts by the declaration, the statement and the knowledge base,
/// and fills in the findings and the summary.
fn classify_report(report: &mut Report, options: &Options, setup: &Setup) {
    let declared = classify::Declared {
        declaration: options.declaration.as_ref().map(|(_, d)| d),
        policy: setup
            .policy
            .as_ref()
            .map(|(s, n)| (s.as_str(), n.as_slice())),
    };
    report.findings = classify::classify(
        &mut report.cookies,
        &mut report.third_party_hosts,
        &report.phases,
        &declared,
        &options.knowledge,
    );
    let banner_findings = press::findings(&report.phases, &report.findings);
    report.findings.extend(banner_findings);
    report
        .findings
        .sort_by(|a, b| b.severity.cmp(&a.severity).then(a.kind.cmp(&b.kind)));
    report.summarise();
}

/// The report, or the error that comes with it.
fn finish(
    report: Report,
    error: Option<browser::BrowserError>,
    start: &Url,
) -> Result<Report, ScanError> {
    if let Some(e) = error {
        return Err(ScanError::Incomplete {
            cause: e.to_string(),
            report: Box::new(report),
        });
    }
    if report.pages.iter().all(|p| p.error.is_some()) {
        let first_error = report
            .pages
            .first()
            .and_then(|p| p.error.clone())
            .unwrap_or_else(|| "none visited".into());
        return Err(ScanError::NothingLoaded {
            start: start.to_string(),
            first_error,
            report: Box::new(report),
        });
    }
    Ok(report)
}
