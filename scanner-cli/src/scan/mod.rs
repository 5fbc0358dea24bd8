//! `kapsel scan`: crawl a site in real headless Chromium, record every cookie before and after
//! consent, and diff what visitors get against what the site declares.
//!
//! # Design
//!
//! **Phases.** A scan runs up to three consent phases (`--consent none|accept|reject|all`), each
//! in a fresh browser with a fresh profile, so one phase's consent cannot leak into the next.
//! Phase `none` never touches a banner; `accept` and `reject` visit the start page alone, press
//! the banner's accept-all / reject-all button ([`consent`]: Kapsel's `data-kapsel-action`, the
//! common consent platforms by id, else a visible button whose text means accept/reject in
//! nb/nn/en), then visit the rest. When no banner is found the phase says so instead of guessing.
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
//! **A page** ([`page`]). Navigate; wait for the load event and for the network to go quiet
//! (requests started vs finished, `--wait` of silence, bounded by `--timeout`); scroll a screen
//! at a time to the end so lazy embeds load; wait again; read links, storage keys and the jar.
//! A listener records `Set-Cookie` lines with the responding host and the lifetime they asked
//! for (Chromium caps stored lifetimes at 400 days; both are kept), the cookies Chromium refused
//! with its reasons, every host contacted, DOM-storage writes, and `document.cookie` writes with
//! the writing script's URL (a setter installed before page scripts run).
//!
//! **Robustness.** A failed page (DNS, TLS, HTTP ≥ 400, timeout, crashed renderer) is recorded
//! with its error and the crawl goes on; a crashed tab is replaced; a browser that stops
//! answering is restarted. Ctrl-C and `--max-time` set a stop flag checked between pages, and
//! the partial report is written and marked incomplete. Caps on links, events and cookies kept
//! ([`observe`]) keep hostile pages from exhausting memory.
//!
//! **Findings** ([`classify`]). Cookies are classified by the declaration (`--declared`), then
//! the names the privacy statement lists (`--policy`), then the knowledge base (built in, plus
//! `--knowledge-base` Open Cookie Database CSVs), else `unknown`; findings and the report model
//! live in `crate::report`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kapsel_catalogue::{Declaration, KnowledgeBase};
use url::Url;

use crate::exit::{Outcome, Usage};
use crate::report::{self, Format, Phase, Report, Severity};

pub mod browser;
pub mod classify;
pub mod consent;
pub mod crawl;
pub mod observe;
pub mod page;
pub mod runner;

/// Which consent phases to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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

/// Arguments of `kapsel scan` (boxed: they are many, and the subcommand enum stays small).
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    #[command(flatten)]
    options: Box<ScanOptions>,
}

/// The options of `kapsel scan`.
#[derive(Debug, clap::Args)]
pub struct ScanOptions {
    /// The page to start from (http or https).
    pub url: String,
    /// The site's cookie declaration (JSON) to compare with.
    #[arg(long, value_name = "FILE")]
    pub declared: Option<PathBuf>,
    /// The site's privacy statement (a URL or a file, HTML or text) whose cookie names to compare with.
    #[arg(long, value_name = "URL|FILE")]
    pub policy: Option<String>,
    /// An extra knowledge base: an Open Cookie Database CSV (repeatable).
    #[arg(long = "knowledge-base", value_name = "FILE")]
    pub knowledge_base: Vec<PathBuf>,
    /// Most pages visited per phase.
    #[arg(long, default_value_t = 50)]
    pub max_pages: usize,
    /// Most links followed from the start page.
    #[arg(long, default_value_t = 3)]
    pub depth: u32,
    /// Pages loaded at once (tabs in one browser).
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Consent phases to run.
    #[arg(long, value_enum, default_value_t = ConsentMode::All)]
    pub consent: ConsentMode,
    /// Output format on stdout (default: table on a terminal, json otherwise).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE, in the format its extension names (.json, .html, .xml (JUnit),
    /// .sarif, .txt); repeatable.
    #[arg(long, value_name = "FILE")]
    pub out: Vec<PathBuf>,
    /// Exit 1 when a finding is at or above this severity: info, low, medium, high or never.
    #[arg(long, default_value = "medium", value_name = "SEVERITY")]
    pub fail_on: String,
    /// Reach HOST:PORT at ADDR instead of DNS (as curl); repeatable.
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// The Chromium executable (default: chromium on PATH).
    #[arg(long, value_name = "PATH")]
    pub browser: Option<PathBuf>,
    /// An extra Chromium flag (repeatable), e.g. --browser-arg=--lang=nb.
    #[arg(long = "browser-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub browser_arg: Vec<String>,
    /// Seconds a page may take.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Milliseconds without network activity that count as quiet.
    #[arg(long, default_value_t = 500, value_name = "MS")]
    pub wait: u64,
    /// Milliseconds to stay on a page after its load event at least (cookies set by timers).
    #[arg(long, default_value_t = 1500, value_name = "MS")]
    pub dwell: u64,
    /// Stop after this many seconds and write the partial report.
    #[arg(long, value_name = "SECONDS")]
    pub max_time: Option<f64>,
    /// Only URLs matching these patterns (`*` wildcard; without `*` a substring) are crawled.
    #[arg(long, value_name = "PATTERN")]
    pub include: Vec<String>,
    /// URLs matching these patterns are never crawled.
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,
    /// Crawl pages robots.txt disallows.
    #[arg(long)]
    pub ignore_robots: bool,
    /// Do not read /sitemap.xml.
    #[arg(long)]
    pub no_sitemap: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Parses `HOST:PORT:ADDR` (ADDR may be `[v6]`).
fn parse_resolve(s: &str) -> Result<(String, u16, String)> {
    let bad = || {
        Usage(format!(
            "--resolve {s}: expected HOST:PORT:ADDR, e.g. www.example.no:443:127.0.0.1"
        ))
    };
    let (host, rest) = s.split_once(':').ok_or_else(bad)?;
    let (port, addr) = rest.split_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || addr.parse::<std::net::IpAddr>().is_err() {
        return Err(bad().into());
    }
    Ok((host.to_ascii_lowercase(), port, addr.to_string()))
}

/// The names a privacy statement lists (file or URL), as `policy extract` finds them with the same
/// knowledge base (built in, plus `--knowledge-base`).
fn policy_names(source: &str, fetch: &crawl::Fetcher, base: &KnowledgeBase) -> Result<Vec<String>> {
    let text = if source.starts_with("http://") || source.starts_with("https://") {
        let url = Url::parse(source).map_err(|e| Usage(format!("--policy {source}: {e}")))?;
        fetch
            .get_text(&url)
            .ok_or_else(|| Usage(format!("--policy {source}: could not fetch it")))?
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| Usage(format!("--policy {source}: cannot read the file: {e}")))?
    };
    let text = if crate::policy::is_html(&text, None) {
        crate::policy::html_text(&text)
    } else {
        text
    };
    Ok(extract_policy_names(&text, base))
}

/// Runs `kapsel scan`.
pub fn run(args: ScanArgs) -> Result<Outcome> {
    let args = *args.options;
    let started_at = observe::now_unix();
    let clock = Instant::now();
    // Inputs first: any mistake is exit 2 before a browser starts.
    let start = Url::parse(&args.url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        .ok_or_else(|| Usage(format!("{}: not an http(s) URL", args.url)))?;
    let fail_on: Option<Severity> = if args.fail_on.eq_ignore_ascii_case("never") {
        None
    } else {
        Some(args.fail_on.parse().map_err(Usage)?)
    };
    let resolve = args
        .resolve
        .iter()
        .map(|s| parse_resolve(s))
        .collect::<Result<Vec<_>>>()?;
    if args.concurrency == 0 || args.concurrency > 32 {
        return Err(Usage("--concurrency must be between 1 and 32".into()).into());
    }
    if !(args.timeout > 0.0 && args.timeout < 3600.0) {
        return Err(Usage("--timeout must be between 0 and 3600 seconds".into()).into());
    }
    let base: KnowledgeBase =
        crate::knowledge::load(&args.knowledge_base).map_err(|e| Usage(format!("{e:#}")))?;
    let declaration = match &args.declared {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Usage(format!(
                    "{}: cannot read the declaration: {e}",
                    path.display()
                ))
            })?;
            Some(
                Declaration::parse(&text, &path.display().to_string(), &base)
                    .map_err(|e| Usage(e.to_string()))?,
            )
        }
    };
    let insecure = args
        .browser_arg
        .iter()
        .any(|a| a == "--ignore-certificate-errors");
    let fetcher = crawl::Fetcher::new(&resolve, insecure).map_err(|e| Usage(e.to_string()))?;
    let policy = match &args.policy {
        None => None,
        Some(src) => Some((src.clone(), policy_names(src, &fetcher, &base)?)),
    };
    for out in &args.out {
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(Usage(format!("--out {}: no such directory", out.display())).into());
            }
        }
    }
    let executable =
        browser::find_executable(args.browser.as_deref()).map_err(|e| Usage(e.to_string()))?;

    let stop = Arc::new(runner::Stop::default());
    {
        let stop = Arc::clone(&stop);
        let mut presses = 0;
        let handler = ctrlc::set_handler(move || {
            presses += 1;
            if presses > 1 {
                std::process::exit(130);
            }
            stop.request("interrupted (Ctrl-C)");
        });
        if let Err(e) = handler {
            eprintln!("kapsel: warning: Ctrl-C will not write a partial report: {e}");
        }
    }
    if let Some(secs) = args.max_time {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs_f64(secs.max(0.0)));
            stop.request(&format!("--max-time of {secs} s reached"));
        });
    }

    let site = crawl::registrable_domain(start.host_str().unwrap_or(""));
    let scope = crawl::Scope {
        site: site.clone(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
    };
    let robots = if args.ignore_robots {
        None
    } else {
        Some(fetcher.robots(&start))
    };
    let mut frontier = crawl::Frontier::new(scope, robots.clone(), args.depth, args.max_pages);
    frontier.push(&start, 0, crawl::Via::Start);
    if !args.no_sitemap {
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
        for u in fetcher.sitemap_urls(&maps, args.max_pages * 4) {
            frontier.push(&u, 1, crawl::Via::Sitemap);
        }
    }

    let phases: Vec<Phase> = match args.consent {
        ConsentMode::None => vec![Phase::None],
        ConsentMode::Accept => vec![Phase::Accept],
        ConsentMode::Reject => vec![Phase::Reject],
        ConsentMode::Both => vec![Phase::None, Phase::Accept],
        ConsentMode::All => vec![Phase::None, Phase::Accept, Phase::Reject],
    };
    let cfg = runner::CrawlConfig {
        browser: browser::BrowserConfig {
            executable,
            resolve: resolve.clone(),
            extra_args: args.browser_arg.clone(),
        },
        concurrency: args.concurrency,
        timeout: Duration::from_secs_f64(args.timeout),
        quiet: Duration::from_millis(args.wait),
        dwell: Duration::from_millis(args.dwell),
        banner_patience: Duration::from_secs(3),
    };
    let progress = if !args.quiet && std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(
            Some((frontier.remaining() * phases.len()) as u64),
            ProgressDrawTarget::stderr(),
        );
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos}/{len} pages {elapsed} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };

    let obs = Mutex::new(observe::Observations::new(site));
    let mut infos = Vec::new();
    let mut plan: Option<Vec<crawl::Pending>> = None;
    let mut frontier = Some(frontier);
    let mut run_error = None;
    for phase in &phases {
        if stop.requested() {
            break;
        }
        let outcome = match plan.take() {
            None => runner::run_phase(
                &cfg,
                *phase,
                frontier.take(),
                Vec::new(),
                &obs,
                &stop,
                &progress,
            ),
            Some(pages) => {
                let keep = pages.clone();
                let r = runner::run_phase(&cfg, *phase, None, pages, &obs, &stop, &progress);
                plan = Some(keep);
                r
            }
        };
        match outcome {
            Ok(o) => {
                if plan.is_none() {
                    let remaining = (phases.len() - infos.len() - 1) * o.loaded.len();
                    progress.set_length(progress.position() + remaining as u64);
                    plan = Some(o.loaded);
                }
                infos.push(o.info);
            }
            Err(e) => {
                run_error = Some(e);
                break;
            }
        }
    }
    progress.finish_and_clear();

    let obs = obs.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut report = assemble(
        &start,
        started_at,
        clock.elapsed(),
        &obs,
        infos,
        &stop,
        run_error.as_ref(),
    );
    let declared = classify::Declared {
        declaration: declaration.as_ref(),
        policy: policy.as_ref().map(|(s, n)| (s.as_str(), n.as_slice())),
    };
    if let Some(d) = &args.declared {
        report.declared_sources.push(d.display().to_string());
    }
    if let Some((src, _)) = &policy {
        report.declared_sources.push(src.clone());
    }
    report.findings = classify::classify(
        &mut report.cookies,
        &mut report.third_party_hosts,
        &report.phases,
        &declared,
        &base,
    );
    report.summarise();
    write_outputs(&report, &args, fail_on)?;

    if let Some(e) = run_error {
        return Err(e.context("the scan could not be completed (partial report written)"));
    }
    if report.pages.iter().all(|p| p.error.is_some()) {
        anyhow::bail!(
            "no page of {} could be loaded (first error: {})",
            start,
            report
                .pages
                .first()
                .and_then(|p| p.error.clone())
                .unwrap_or_else(|| "none visited".into())
        );
    }
    Ok(match (fail_on, report.worst()) {
        (Some(threshold), Some(worst)) if worst >= threshold => Outcome::Findings,
        _ => Outcome::Clean,
    })
}

fn assemble(
    start: &Url,
    started_at: i64,
    took: Duration,
    obs: &observe::Observations,
    phases: Vec<report::PhaseInfo>,
    stop: &runner::Stop,
    error: Option<&anyhow::Error>,
) -> Report {
    let stopped = stop
        .reason()
        .or_else(|| error.map(|e| format!("{e:#}")))
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
        .map(|(host, (n, phases, first))| report::ThirdPartyHost {
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
            |((kind, origin, key), (phases, first))| report::StorageKey {
                kind: kind.clone(),
                origin: origin.clone(),
                key: key.clone(),
                phases: phases.iter().copied().collect(),
                first_page: first.clone(),
            },
        )
        .collect();
    Report {
        tool: format!("kapsel {}", env!("CARGO_PKG_VERSION")),
        site: start.to_string(),
        started: report::rfc3339(started_at),
        duration_seconds: (took.as_secs_f64() * 10.0).round() / 10.0,
        complete: stop.reason().is_none() && error.is_none(),
        stopped,
        declared_sources: Vec::new(),
        summary: report::Summary::default(),
        phases,
        findings: Vec::new(),
        cookies: obs.report_cookies(),
        refused_cookies: obs.refused.clone(),
        third_party_hosts,
        storage,
        pages: obs.pages.clone(),
    }
}

/// Writes each `--out` file and, when asked (or when no file is), stdout.
fn write_outputs(report: &Report, args: &ScanOptions, fail_on: Option<Severity>) -> Result<()> {
    let mut file_formats = Vec::new();
    for path in &args.out {
        let format = Format::from_path(path)
            .or(args.format)
            .unwrap_or(Format::Json);
        file_formats.push(format);
        std::fs::write(path, report::render(report, format, fail_on))
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("kapsel: wrote {}", path.display());
    }
    let stdout_format = match args.format {
        Some(f) if !file_formats.contains(&f) => Some(f),
        Some(_) => None,
        None if args.out.is_empty() => Some(if std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        }),
        None => None,
    };
    if let Some(f) = stdout_format {
        use std::io::Write;
        let text = report::render(report, f, fail_on);
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth a panic.
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
    Ok(())
}

/// The cookie names a privacy statement lists, by the catalogue's extraction.
fn extract_policy_names(text: &str, base: &KnowledgeBase) -> Vec<String> {
    kapsel_catalogue::extract::extract(text, base)
        .name_list()
        .into_iter()
        .map(String::from)
        .collect()
}
