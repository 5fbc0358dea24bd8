//! `kapsel crawl`: scan the sites of one shard of a sites file, one file per site, for any
//! distributed engine (Kubernetes Indexed Job, Slurm array, CI matrix, AWS Batch array).
//!
//! The work is in the `kapsel-crawl` crate; this module parses options, checks them (exit 2
//! before anything starts), checks that the browser starts (exit 75 when it does not: the
//! engine retries), and maps the shard's outcome to the exit status (0 every site of the
//! shard has a final file, 75 retry).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use kapsel_crawl::child::ChildScanner;
use kapsel_crawl::record::Status;
use kapsel_crawl::record::{self, options_sha256};
use kapsel_crawl::runner::{self, NoResult, Scanned, ShardRun, SiteScanner, Stop};
use kapsel_crawl::shard;
use kapsel_crawl::sites::{Site, SitesFile};

use crate::exit::Usage;

/// Exit status asking the engine to retry (EX_TEMPFAIL).
pub const RETRY: u8 = 75;

/// Arguments of `kapsel crawl`.
#[derive(Debug, clap::Args)]
pub struct CrawlArgs {
    /// The sites file: one `URL [DECLARATION] [PRIVACY-STATEMENT]` a line (`-` leaves a field
    /// out, `#` starts a comment).
    #[arg(long, value_name = "FILE")]
    pub sites: PathBuf,
    /// The run id, e.g. 2026-W49; results go to OUT-DIR/RUN-ID/sites/.
    #[arg(long, value_name = "ID", required_unless_present = "plan")]
    pub run_id: Option<String>,
    /// Where runs are kept.
    #[arg(long, value_name = "DIR", required_unless_present = "plan")]
    pub out_dir: Option<PathBuf>,
    /// This shard's 0-based index (else KAPSEL_SHARD_INDEX, JOB_COMPLETION_INDEX,
    /// SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX, CI_NODE_INDEX−1).
    #[arg(long, value_name = "I")]
    pub shard_index: Option<u32>,
    /// The number of shards (else KAPSEL_SHARD_COUNT; never taken from the engine).
    #[arg(long, value_name = "N")]
    pub shard_count: Option<u32>,
    /// Print which site goes to which shard, and exit.
    #[arg(long)]
    pub plan: bool,
    /// Rescan sites that already have a final file for this run.
    #[arg(long)]
    pub force: bool,
    /// Sites scanned at once.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub sites_at_once: usize,
    /// Seconds one site may take (all phases); then it is reported as timed out.
    #[arg(long, default_value_t = 1800.0, value_name = "SECONDS")]
    pub site_timeout: f64,
    /// The `kapsel` executable that scans each site (default: this one).
    #[arg(long, hide = true, value_name = "PATH")]
    pub scanner: Option<PathBuf>,
    #[command(flatten)]
    pub scan: SiteOptions,
}

/// The per-site options, as `kapsel scan` takes them.
#[derive(Debug, clap::Args)]
pub struct SiteOptions {
    /// Most pages visited per phase.
    #[arg(long, default_value_t = 50)]
    pub max_pages: usize,
    /// Most links followed from the start page.
    #[arg(long, default_value_t = 3)]
    pub depth: u32,
    /// Pages loaded at once per site.
    #[arg(long, default_value_t = 2)]
    pub concurrency: usize,
    /// Consent phases: none, accept, reject, both or all.
    #[arg(long, default_value = "all")]
    pub consent: String,
    /// Seconds a page may take.
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Milliseconds without network activity that count as quiet.
    #[arg(long, value_name = "MS")]
    pub wait: Option<u64>,
    /// Milliseconds to stay on a page after its load event at least.
    #[arg(long, value_name = "MS")]
    pub dwell: Option<u64>,
    /// An extra knowledge base: an Open Cookie Database CSV (repeatable).
    #[arg(long = "knowledge-base", value_name = "FILE")]
    pub knowledge_base: Vec<PathBuf>,
    /// Reach HOST:PORT at ADDR instead of DNS (repeatable).
    #[arg(long, value_name = "HOST:PORT:ADDR")]
    pub resolve: Vec<String>,
    /// The Chromium executable.
    #[arg(long, value_name = "PATH")]
    pub browser: Option<PathBuf>,
    /// An extra Chromium flag (repeatable).
    #[arg(long = "browser-arg", value_name = "ARG", allow_hyphen_values = true)]
    pub browser_arg: Vec<String>,
    /// Crawl pages robots.txt disallows.
    #[arg(long)]
    pub ignore_robots: bool,
    /// Do not read /sitemap.xml.
    #[arg(long)]
    pub no_sitemap: bool,
    /// Language of each site's HTML report: nb, nn or en (default en).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

impl SiteOptions {
    /// The `kapsel scan` arguments these options stand for (also what the options hash covers).
    fn scan_args(&self, site_timeout: f64) -> Vec<String> {
        let mut a = vec![
            "--max-pages".to_string(),
            self.max_pages.to_string(),
            "--depth".into(),
            self.depth.to_string(),
            "--concurrency".into(),
            self.concurrency.to_string(),
            "--consent".into(),
            self.consent.clone(),
            "--timeout".into(),
            self.timeout.to_string(),
        ];
        if let Some(w) = self.wait {
            a.extend(["--wait".into(), w.to_string()]);
        }
        if let Some(d) = self.dwell {
            a.extend(["--dwell".into(), d.to_string()]);
        }
        for k in &self.knowledge_base {
            a.extend(["--knowledge-base".into(), k.display().to_string()]);
        }
        for r in &self.resolve {
            a.extend(["--resolve".into(), r.clone()]);
        }
        if let Some(b) = &self.browser {
            a.extend(["--browser".into(), b.display().to_string()]);
        }
        for b in &self.browser_arg {
            a.push(format!("--browser-arg={b}"));
        }
        if self.ignore_robots {
            a.push("--ignore-robots".into());
        }
        if self.no_sitemap {
            a.push("--no-sitemap".into());
        }
        if let Some(l) = &self.lang {
            a.extend(["--lang".into(), l.clone()]);
        }
        // Not passed to the scan, but it changes results: part of the options hash.
        a.push(format!("site-timeout={site_timeout}"));
        a
    }
}

/// Runs `kapsel crawl`.
pub fn run(args: CrawlArgs) -> ExitCode {
    match crawl(args) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("kapsel: error: {err:#}");
            let retry = err.downcast_ref::<Retry>().is_some();
            ExitCode::from(if retry { RETRY } else { 2 })
        }
    }
}

/// Infrastructure trouble: exit 75 so the engine retries.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Retry(String);

fn crawl(args: CrawlArgs) -> Result<u8> {
    let sites = SitesFile::read(&args.sites).map_err(|e| Usage(e.to_string()))?;
    if args.plan {
        let count = match args.shard_count {
            Some(c) => c,
            None => match std::env::var("KAPSEL_SHARD_COUNT") {
                Ok(v) => v
                    .trim()
                    .parse()
                    .map_err(|_| Usage(format!("KAPSEL_SHARD_COUNT={v}: not a whole number")))?,
                Err(_) => 1,
            },
        };
        if count == 0 {
            return Err(Usage("the shard count must be at least 1".into()).into());
        }
        println!("# shard\thost\turl (of {count} shards; shard = sha256(host) mod {count})");
        for (n, site) in shard::plan(&sites.sites, count) {
            println!("{n}\t{}\t{}", site.host, site.url);
        }
        return Ok(0);
    }
    let shard = shard::resolve(args.shard_index, args.shard_count, |k| {
        std::env::var(k).ok()
    })
    .map_err(|e| Usage(e.to_string()))?;
    let (Some(run_id), Some(out_dir)) = (args.run_id.clone(), args.out_dir.clone()) else {
        return Err(Usage("--run-id and --out-dir are needed (or --plan)".into()).into());
    };
    record::check_run_id(&run_id).map_err(Usage)?;
    if !(args.site_timeout > 0.0 && args.site_timeout <= 7.0 * 86400.0) {
        return Err(Usage("--site-timeout must be between 0 and a week in seconds".into()).into());
    }
    if args.sites_at_once == 0 || args.sites_at_once > 64 {
        return Err(Usage("--sites-at-once must be between 1 and 64".into()).into());
    }
    for r in &args.scan.resolve {
        let parts: Vec<&str> = r.splitn(3, ':').collect();
        if parts.len() != 3 || parts[1].parse::<u16>().is_err() {
            return Err(Usage(format!("--resolve {r}: expected HOST:PORT:ADDR")).into());
        }
    }
    if !["none", "accept", "reject", "both", "all"].contains(&args.scan.consent.as_str()) {
        return Err(Usage(format!(
            "--consent {}: use none, accept, reject, both or all",
            args.scan.consent
        ))
        .into());
    }
    if let Some(l) = &args.scan.lang {
        l.parse::<kapsel_report::Lang>().map_err(Usage)?;
    }
    let executable = find_browser(args.scan.browser.as_deref()).map_err(Usage)?;
    let run_dir = out_dir.join(&run_id);
    std::fs::create_dir_all(record::sites_dir(&run_dir))
        .with_context(|| {
            format!(
                "--out-dir {}: cannot create the run directory",
                out_dir.display()
            )
        })
        .map_err(|e| Usage(format!("{e:#}")))?;
    let mine = shard::sites_of(&sites.sites, &shard);
    eprintln!(
        "kapsel: run {run_id}, shard {}/{} ({} of {} sites)",
        shard.index,
        shard.count,
        mine.len(),
        sites.sites.len()
    );
    if mine.is_empty() {
        return Ok(0);
    }
    browser_starts(&executable, &args.scan.browser_arg).map_err(Retry)?;

    let stop = Stop::default();
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, stop.flag())
            .context("installing the SIGTERM handler")?;
    }
    let program = match &args.scanner {
        Some(p) => p.clone(),
        None => std::env::current_exe().context("finding the kapsel executable")?,
    };
    let scan_args = args.scan.scan_args(args.site_timeout);
    let cfg = ShardRun {
        run_dir,
        run_id,
        sites_sha256: sites.sha256.clone(),
        options_sha256: options_sha256(&scan_args),
        kapsel_version: env!("CARGO_PKG_VERSION").to_string(),
        shard,
        force: args.force,
        sites_at_once: args.sites_at_once,
    };
    let mut child_args = scan_args;
    child_args.pop(); // the site-timeout marker is for the hash only
    let scanner = ChildScanner {
        program,
        args: child_args,
        site_timeout: Duration::from_secs_f64(args.site_timeout),
        grace: Duration::from_secs(15),
    };
    let fetcher = DeclarationFetcher::new(&args.scan.resolve, &args.scan.browser_arg)?;
    let scan_site = |site: &Site, stop: &Stop| -> Result<Scanned, NoResult> {
        match fetcher.localise(site) {
            Ok((site, _kept)) => scanner.scan(&site, stop),
            Err(why) => Ok(Scanned {
                status: Status::Error,
                reason: Some(why),
                report: None,
                html: None,
            }),
        }
    };
    let summary = runner::run(&cfg, &mine, &scan_site, &stop, &|line| {
        eprintln!("kapsel: {line}")
    });
    if let Some(why) = &summary.infrastructure {
        eprintln!(
            "kapsel: error: {why}; {} sites left for a retry",
            summary.left.len()
        );
    } else if summary.stopped {
        eprintln!(
            "kapsel: stopped; {} sites left for a retry (no partial file written)",
            summary.left.len()
        );
    } else {
        eprintln!(
            "kapsel: shard done: {} scanned, {} already final",
            summary.written.len(),
            summary.skipped.len()
        );
    }
    Ok(summary.exit_status())
}

/// Starts the browser once on a blank page: a browser that cannot start is infrastructure
/// trouble (retry elsewhere), not a verdict on the sites.
fn browser_starts(executable: &std::path::Path, extra: &[String]) -> Result<(), String> {
    let profile = tempfile::tempdir().map_err(|e| format!("creating a browser profile: {e}"))?;
    let mut child = std::process::Command::new(executable)
        .arg("--headless")
        .args(kapsel_scan::browser::HOUSE_FLAGS)
        .arg("--dump-dom")
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra.iter().filter(|a| !a.starts_with("--user-data-dir")))
        .arg("about:blank")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("the browser {} cannot start: {e}", executable.display()))?;
    let started = std::time::Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(s)) if s.success() => return Ok(()),
            Ok(Some(s)) => {
                return Err(format!(
                    "the browser {} cannot start ({s})",
                    executable.display()
                ))
            }
            Ok(None) if started.elapsed() > Duration::from_secs(60) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the browser {} did not open a blank page within 60 s",
                    executable.display()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(format!("waiting for the browser: {e}")),
        }
    }
}

/// Fetches declarations given as URLs in the sites file into temporary files for the scan
/// (`kapsel scan --declared` takes a file). A declaration that cannot be fetched is the site's
/// `error` outcome, with the reason.
struct DeclarationFetcher {
    client: reqwest::blocking::Client,
}

impl DeclarationFetcher {
    fn new(resolve: &[String], browser_args: &[String]) -> Result<DeclarationFetcher> {
        let insecure = browser_args
            .iter()
            .any(|a| a == "--ignore-certificate-errors");
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("kapsel/", env!("CARGO_PKG_VERSION")))
            .tls_danger_accept_invalid_certs(insecure);
        for r in resolve {
            let mut parts = r.splitn(3, ':');
            let (host, port, addr) = (parts.next(), parts.next(), parts.next());
            let addr = addr.map(|a| a.trim_start_matches('[').trim_end_matches(']'));
            let (Some(host), Some(Ok(port)), Some(Ok(ip))) = (
                host,
                port.map(str::parse::<u16>),
                addr.map(str::parse::<std::net::IpAddr>),
            ) else {
                return Err(Usage(format!("--resolve {r}: expected HOST:PORT:ADDR")).into());
            };
            builder = builder.resolve(host, std::net::SocketAddr::new(ip, port));
        }
        Ok(DeclarationFetcher {
            client: builder.build().context("building the HTTP client")?,
        })
    }

    /// The site with a URL declaration replaced by a fetched temporary file (kept alive by the
    /// returned handle).
    fn localise(&self, site: &Site) -> Result<(Site, Option<tempfile::NamedTempFile>), String> {
        let Some(url) = site
            .declaration
            .as_deref()
            .filter(|d| d.starts_with("http://") || d.starts_with("https://"))
        else {
            return Ok((site.clone(), None));
        };
        let fail = |e: String| format!("declaration {url}: {e}");
        let resp = self
            .client
            .get(url)
            .send()
            .map_err(|e| fail(e.to_string()))?;
        if !resp.status().is_success() {
            return Err(fail(format!("HTTP {}", resp.status())));
        }
        let body = resp.bytes().map_err(|e| fail(e.to_string()))?;
        let mut file = tempfile::Builder::new()
            .prefix("kapsel-declaration-")
            .suffix(".json")
            .tempfile()
            .map_err(|e| fail(e.to_string()))?;
        std::io::Write::write_all(&mut file, &body).map_err(|e| fail(e.to_string()))?;
        let mut local = site.clone();
        local.declaration = Some(file.path().display().to_string());
        Ok((local, Some(file)))
    }
}

/// The browser each site's scan will use: `--browser`, else Chromium on PATH (as `kapsel scan`
/// finds it).
fn find_browser(given: Option<&std::path::Path>) -> Result<PathBuf, String> {
    if let Some(path) = given {
        return if path.is_file() {
            Ok(path.to_path_buf())
        } else {
            Err(format!("--browser {}: no such file", path.display()))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
    .chain([PathBuf::from("/usr/bin/chromium")])
    .find(|p| p.is_file())
    .ok_or_else(|| {
        "no Chromium found on PATH (install Debian's `chromium` or give one with --browser PATH)"
            .to_string()
    })
}
