//! The crawl itself: one browser per phase, `concurrency` tabs pulling from a shared frontier,
//! each tab kept for the next page while its pages end cleanly and replaced after a timeout, a
//! crash or anything left unclean, a dead browser restarted, and a stop flag (Ctrl-C,
//! `--max-time`) checked between pages so the partial report can still be written.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use url::Url;

use crate::autoconsent::Autoconsent;
use crate::browser::{BrowserConfig, Chromium, Result};
use crate::collectors::banner::{BannerSettings, PhaseBanner};
use crate::collectors::{self, Collector, PageData, PageEnd, PhaseCollectors, Visit};
use crate::consent::Choice;
use crate::crawl::{Frontier, Pending, Via};
use crate::observe::Observations;
use crate::page::PageTab;
use crate::press;
use crate::progress::Tracker;
use kapsel_report::{self as report, Phase, PhaseInfo};

/// Settings for every phase.
pub struct CrawlConfig {
    /// How to start Chromium.
    pub browser: BrowserConfig,
    /// Tabs at once.
    pub concurrency: usize,
    /// Per-page limit.
    pub timeout: Duration,
    /// Network-quiet time.
    pub quiet: Duration,
    /// Least time on a page after its load event (timers that set cookies late).
    pub dwell: Duration,
    /// How long to look for a banner.
    pub banner_patience: Duration,
    /// DuckDuckGo's autoconsent rule set, when installed (else Kapsel's own finder alone).
    pub autoconsent: Option<Autoconsent>,
    /// Why autoconsent is not used, for the phase notes.
    pub autoconsent_missing: Option<String>,
    /// Where the banner screenshots go (beside the report), when anywhere.
    pub evidence_dir: Option<std::path::PathBuf>,
}

/// Why and whether to stop early: a handle the caller keeps (Ctrl-C, a service's cancel button)
/// and clones freely; every clone stops the same scan.
#[derive(Clone, Default)]
pub struct Stop(Arc<StopState>);

#[derive(Default)]
struct StopState {
    flag: AtomicBool,
    urgent: AtomicBool,
    reason: Mutex<Option<String>>,
    deadline: Mutex<Option<(Instant, String)>>,
}

impl std::fmt::Debug for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stop")
            .field("requested", &self.requested())
            .finish()
    }
}

impl Stop {
    /// A handle no one has pulled yet.
    pub fn new() -> Self {
        Stop::default()
    }
    /// Asks every worker to stop after its current page.
    pub fn request(&self, reason: &str) {
        if let Ok(mut r) = self.0.reason.lock() {
            r.get_or_insert_with(|| reason.to_string());
        }
        self.0.flag.store(true, Ordering::SeqCst);
    }
    /// Asks every worker to stop now: pages under way end unfinished (a signal; the partial
    /// report should follow within seconds).
    pub fn interrupt(&self, reason: &str) {
        self.0.urgent.store(true, Ordering::SeqCst);
        self.request(reason);
    }
    /// True once [`Stop::interrupt`] was called.
    pub fn urgent(&self) -> bool {
        self.0.urgent.load(Ordering::SeqCst)
    }
    /// Stops by itself once `after` has passed, giving `reason`.
    pub fn stop_after(&self, after: Duration, reason: &str) {
        let Some(at) = Instant::now().checked_add(after) else {
            return; // never, in practice
        };
        if let Ok(mut d) = self.0.deadline.lock() {
            *d = Some((at, reason.to_string()));
        }
    }
    /// True once a stop was requested (or the deadline passed).
    pub fn requested(&self) -> bool {
        self.check_deadline();
        self.0.flag.load(Ordering::SeqCst)
    }
    /// The first reason given.
    pub fn reason(&self) -> Option<String> {
        self.check_deadline();
        self.0.reason.lock().ok().and_then(|r| r.clone())
    }
    fn check_deadline(&self) {
        let due = self
            .0
            .deadline
            .lock()
            .ok()
            .and_then(|d| d.as_ref().filter(|(at, _)| Instant::now() >= *at).cloned());
        if let Some((_, reason)) = due {
            self.request(&reason);
        }
    }
}

/// The browser all tabs of a phase share, with a generation bumped on each restart.
struct SharedBrowser {
    current: RwLock<(u64, Arc<Chromium>)>,
    config: BrowserConfig,
}

impl SharedBrowser {
    fn get(&self) -> (u64, Arc<Chromium>) {
        let g = self.current.read().unwrap_or_else(|e| e.into_inner());
        (g.0, Arc::clone(&g.1))
    }

    /// Restarts the browser if it is generation `seen` and no longer answers.
    fn restart_if_dead(&self, seen: u64) -> Result<()> {
        let mut g = self.current.write().unwrap_or_else(|e| e.into_inner());
        if g.0 != seen || g.1.alive() {
            return Ok(());
        }
        let fresh = self.config.launch()?;
        *g = (seen + 1, Arc::new(fresh));
        Ok(())
    }
}

/// What one phase did.
pub struct PhaseOutcome {
    /// Banner info for the report.
    pub info: PhaseInfo,
    /// Pages that loaded, in crawl order (the plan for later phases).
    pub loaded: Vec<Pending>,
}

/// The pages a phase works through: a frontier that grows (discovery) or a fixed list.
enum Plan {
    Discover(Box<Frontier>),
    Fixed(std::collections::VecDeque<Pending>),
}

impl Plan {
    fn pop(&mut self) -> Option<Pending> {
        match self {
            Plan::Discover(f) => f.pop(),
            Plan::Fixed(q) => q.pop_front(),
        }
    }
}

/// What a phase's workers share.
struct PhaseWork<'a> {
    cfg: &'a CrawlConfig,
    phase: Phase,
    discovering: bool,
    collectors: PhaseCollectors,
    shared: SharedBrowser,
    plan: Mutex<Plan>,
    busy: AtomicUsize,
    loaded: Mutex<Vec<(usize, Pending)>>,
    order: AtomicUsize,
    obs: &'a Mutex<Observations>,
    stop: &'a Stop,
    progress: &'a Tracker,
}

/// Runs one phase. `frontier` discovers pages; otherwise `fixed` lists them.
pub fn run_phase(
    cfg: &CrawlConfig,
    phase: Phase,
    frontier: Option<Frontier>,
    fixed: Vec<Pending>,
    obs: &Mutex<Observations>,
    stop: &Stop,
    progress: &Tracker,
) -> Result<PhaseOutcome> {
    let chromium = cfg.browser.launch()?;
    let choice = match phase {
        Phase::None => None,
        Phase::Accept => Some(Choice::Accept),
        Phase::Reject => Some(Choice::Reject),
    };
    let phase_banner = PhaseBanner::default();
    let discovering = frontier.is_some();
    let work = PhaseWork {
        cfg,
        phase,
        discovering,
        collectors: PhaseCollectors {
            banner: choice.map(|choice| BannerSettings {
                choice,
                patience: cfg.banner_patience,
                quiet: cfg.quiet,
                dwell: cfg.dwell,
                autoconsent: cfg.autoconsent.clone(),
                phase_banner: Arc::clone(&phase_banner),
            }),
            discovering,
        },
        shared: SharedBrowser {
            current: RwLock::new((0, Arc::new(chromium))),
            config: cfg.browser.clone(),
        },
        plan: Mutex::new(match frontier {
            Some(f) => Plan::Discover(Box::new(f)),
            None => Plan::Fixed(fixed.into_iter().collect()),
        }),
        busy: AtomicUsize::new(0),
        loaded: Mutex::new(Vec::new()),
        order: AtomicUsize::new(0),
        obs,
        stop,
        progress,
    };
    let mut info = PhaseInfo {
        phase,
        pages: 0,
        banner_found: false,
        banner: None,
        clicked: None,
        clicked_on: None,
        note: String::new(),
        engine: None,
        verified: false,
        proof: Vec::new(),
        banner_measured: None,
        screenshots: Vec::new(),
    };

    // With a consent choice, the first page is visited alone so the choice is made before the
    // other tabs load pages (they then carry the consent cookie).
    let first_alone = choice.is_some();
    let visit_all = |worker_count: usize, pages_limit: Option<usize>| {
        std::thread::scope(|scope| {
            for _ in 0..worker_count {
                scope.spawn(|| worker(&work, pages_limit));
            }
        });
    };
    if first_alone {
        visit_all(1, Some(1));
    }
    visit_all(cfg.concurrency, None);

    let (loaded, order) = (work.loaded, work.order);
    let mut loaded = loaded.into_inner().unwrap_or_default();
    loaded.sort_by_key(|(i, _)| *i);
    info.pages = order.load(Ordering::SeqCst);
    let banner = phase_banner.lock().ok().and_then(|b| b.clone());
    if let Some((b, page)) = banner {
        press::fill_info(&mut info, &b, &page, cfg.evidence_dir.as_deref());
    }
    info.note = press::note(&info, cfg.autoconsent_missing.as_deref());
    Ok(PhaseOutcome {
        info,
        loaded: loaded.into_iter().map(|(_, p)| p).collect(),
    })
}

/// A worker's tab, kept between pages with its collectors, and the browser generation it
/// belongs to.
struct KeptTab {
    generation: u64,
    tab: PageTab,
    collectors: Vec<Box<dyn Collector>>,
}

/// One worker: pulls pages from the plan until it is empty, the stop is pulled or its page
/// limit is reached; its tab is closed when it ends.
fn worker(work: &PhaseWork<'_>, pages_limit: Option<usize>) {
    let mut kept = None;
    work_through(work, pages_limit, &mut kept);
    if let Some(k) = kept {
        k.tab.close();
    }
}

fn work_through(work: &PhaseWork<'_>, pages_limit: Option<usize>, kept: &mut Option<KeptTab>) {
    let mut done = 0usize;
    loop {
        if work.stop.requested() || pages_limit.is_some_and(|l| done >= l) {
            return;
        }
        let next = {
            let mut p = work.plan.lock().unwrap_or_else(|e| e.into_inner());
            let n = p.pop();
            if n.is_some() {
                work.busy.fetch_add(1, Ordering::SeqCst);
            }
            n
        };
        let Some(pending) = next else {
            if work.busy.load(Ordering::SeqCst) == 0 {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
            continue;
        };
        done += 1;
        let index = work.order.fetch_add(1, Ordering::SeqCst);
        work.progress
            .set_message(format!("[{}] {}", work.phase, pending.url));
        let (page, links) = visit_page(work, &pending, kept);
        record_page(work, page, links, index, &pending);
        work.progress.inc(1);
        work.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Visits one page, all within the page's deadline, and merges what the collectors saw. The
/// page gets the worker's kept tab when the previous page ended cleanly (released: its session
/// storage cleared, `about:blank` loaded, the collectors told a new visit begins), else a fresh
/// tab with fresh collectors. A page that hit a limit or crashed has its tab closed after it:
/// nothing it leaves running — an endless script, a beforeunload handler, its memory — reaches
/// the next one. Returns the page record and its links.
fn visit_page(
    work: &PhaseWork<'_>,
    pending: &Pending,
    kept: &mut Option<KeptTab>,
) -> (report::Page, Vec<String>) {
    let cfg = work.cfg;
    let phase = work.phase;
    let (generation, chromium) = work.shared.get();
    let started = Instant::now();
    let deadline = started + cfg.timeout;
    // A tab of an earlier browser went with it.
    let (tab, mut collectors) = match kept.take().filter(|k| k.generation == generation) {
        Some(k) => (Some(k.tab), k.collectors),
        None => {
            let mut collectors = collectors::for_phase(&work.collectors);
            let tab = PageTab::open(&chromium, work.stop, &mut collectors).ok();
            (tab, collectors)
        }
    };
    let mut page = report::Page {
        url: pending.url.to_string(),
        final_url: None,
        phase,
        status: None,
        error: None,
        depth: pending.depth,
        via: match pending.via {
            Via::Start => "start",
            Via::Sitemap => "sitemap",
            Via::Link => "link",
        }
        .into(),
        millis: 0,
    };
    let mut links = Vec::new();
    match &tab {
        None => page.error = Some("could not open a browser tab".into()),
        Some(t) => {
            let visit = Visit {
                phase,
                url: pending.url.as_str(),
                deadline,
            };
            for c in collectors.iter_mut() {
                c.init(&visit);
            }
            page.error = t.load(
                pending.url.as_str(),
                cfg.timeout,
                deadline,
                cfg.quiet,
                cfg.dwell,
            );
            if page.error.is_none() {
                t.scroll_to_end(deadline);
                t.wait(deadline, cfg.quiet, None);
                for c in collectors.iter_mut() {
                    c.post_load(t, &visit);
                }
            }
            // Before the log is taken: taking it resets what the tab's listener recorded.
            let crashed_at = t.crashed_at();
            let crashed = crashed_at.is_some();
            let log = t.take_log();
            if let Some((status, final_url)) = &log.main_status {
                page.status = Some(*status);
                if final_url != pending.url.as_str() {
                    page.final_url = Some(final_url.clone());
                }
                if *status >= 400 && page.error.is_none() {
                    page.error = Some(format!("HTTP {status}"));
                }
            }
            let end = PageEnd {
                loaded: page.error.is_none(),
                crashed,
                deadline,
            };
            let mut data = PageData::default();
            let mut lost = None;
            for c in collectors.iter_mut() {
                match c.get_data(t, &end) {
                    Ok(d) => data.add(d),
                    Err(e) => {
                        lost.get_or_insert(e);
                    }
                }
            }
            links = std::mem::take(&mut data.links);
            let lost_any = lost.is_some();
            match lost {
                None => {
                    if let Ok(mut o) = work.obs.lock() {
                        o.add_page(phase, pending.url.as_str(), &data);
                    }
                }
                Some(e) => {
                    page.error
                        .get_or_insert_with(|| format!("browser lost: {e}"));
                }
            }
            if crashed {
                let memory = crashed_at.is_some_and(|at| {
                    chromium
                        .watchdog
                        .memory_death_near(at, Duration::from_millis(500))
                });
                page.error = Some(if memory {
                    format!(
                        "out of memory: the page's renderer reached the limit of {} MB per tab and was stopped",
                        cfg.browser.tab_memory_mb
                    )
                } else {
                    "the page's renderer crashed".into()
                });
            }
            // Kept for the next page only when this one ended cleanly and in time.
            let clean = !lost_any && !crashed && Instant::now() < deadline;
            if !(clean && t.release()) {
                t.close();
            }
        }
    }
    if page.error.is_some() && !work.stop.requested() && !chromium.alive() {
        // The browser died: restart it (a fresh profile, so later pages start clean).
        page.error = page
            .error
            .map(|e| format!("{e} (the browser died and was restarted)"));
        let _ = work.shared.restart_if_dead(generation);
    }
    page.millis = started.elapsed().as_millis() as u64;
    if let Some(t) = tab.filter(|t| !t.unclean()) {
        *kept = Some(KeptTab {
            generation,
            tab: t,
            collectors,
        });
    }
    (page, links)
}

/// Files a visited page: the report's page list, the plan of later phases, and (when
/// discovering) its links into the frontier.
fn record_page(
    work: &PhaseWork<'_>,
    page: report::Page,
    links: Vec<String>,
    index: usize,
    pending: &Pending,
) {
    let ok = page.error.is_none();
    if let Some(final_url) = page.final_url.as_deref().and_then(|u| Url::parse(u).ok()) {
        if let Ok(mut p) = work.plan.lock() {
            if let Plan::Discover(f) = &mut *p {
                f.mark_seen(&final_url);
            }
        }
    }
    if let Ok(mut o) = work.obs.lock() {
        o.pages.push(page);
    }
    if ok || pending.via == Via::Start {
        if let Ok(mut l) = work.loaded.lock() {
            l.push((index, pending.clone()));
        }
    }
    if work.discovering {
        let base = pending.url.clone();
        let mut p = work.plan.lock().unwrap_or_else(|e| e.into_inner());
        if let Plan::Discover(f) = &mut *p {
            for link in &links {
                if let Ok(u) = base.join(link) {
                    f.push(&u, pending.depth + 1, Via::Link);
                }
            }
            let progress = work.progress;
            progress.set_length(
                (progress.position() + 1 + f.remaining() as u64)
                    .max(progress.length().unwrap_or(0)),
            );
        }
    }
}
