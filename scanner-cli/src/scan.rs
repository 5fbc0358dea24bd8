//! `kapsel scan`: the command-line edge of the scanner library (`kapsel_scan`). Arguments become
//! [`kapsel_scan::Options`]; Ctrl-C and the progress bar are wired to the scan's stop handle and
//! progress callback; the report goes to the writers of `kapsel_report` and its findings to the
//! exit status. No scanning logic lives here: see `kapsel_scan`'s crate documentation for the
//! design.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kapsel_catalogue::{Declaration, KnowledgeBase};
use kapsel_report::{self as report, Format, Lang, Report, Severity};
use kapsel_scan::{ConsentMode, Options, ScanError, Stop};

use crate::exit::{Outcome, Usage};

/// Which consent phases to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ConsentArg {
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
    #[arg(long, value_enum, default_value_t = ConsentArg::All)]
    pub consent: ConsentArg,
    /// Output format on stdout (default: table on a terminal, json otherwise).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Write the report to FILE, in the format its extension names (.json, .html, .xml (JUnit),
    /// .sarif, .txt); repeatable.
    #[arg(long, value_name = "FILE")]
    pub out: Vec<PathBuf>,
    /// DuckDuckGo's autoconsent package (npm @duckduckgo/autoconsent) to press banners with
    /// (default: env KAPSEL_AUTOCONSENT, else target/tools as scripts/setup.sh installs it).
    #[arg(long, value_name = "DIR")]
    pub autoconsent: Option<PathBuf>,
    /// Press banners with Kapsel's own finder only.
    #[arg(long)]
    pub no_autoconsent: bool,
    /// Language of the HTML report: nb, nn or en (default en).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
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
    /// Stop after this many seconds and write the partial report, marked incomplete. The
    /// default (30 minutes) keeps unattended runs bounded; 0 means no limit.
    #[arg(long, default_value_t = 1800.0, value_name = "SECONDS")]
    pub max_time: f64,
    /// Memory one tab's renderer may hold before it is stopped and its page reported `out of
    /// memory`. The whole scan (Kapsel and Chromium) stays under about 350 MB plus this much per
    /// tab: about 1.4 GB at --concurrency 4 with the default.
    #[arg(long, default_value_t = kapsel_scan::DEFAULT_TAB_MEMORY_MB, value_name = "MB")]
    pub tab_memory: u64,
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

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// Grouped by category, summary on top (default on a terminal).
    Table,
    /// The JSON contract (default otherwise).
    Json,
    /// One self-contained HTML page.
    Html,
    /// JUnit XML for CI systems.
    Junit,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Html => Format::Html,
            FormatArg::Junit => Format::Junit,
            FormatArg::Sarif => Format::Sarif,
        }
    }
}

impl From<ConsentArg> for ConsentMode {
    fn from(c: ConsentArg) -> ConsentMode {
        match c {
            ConsentArg::None => ConsentMode::None,
            ConsentArg::Accept => ConsentMode::Accept,
            ConsentArg::Reject => ConsentMode::Reject,
            ConsentArg::Both => ConsentMode::Both,
            ConsentArg::All => ConsentMode::All,
        }
    }
}

/// Runs `kapsel scan`.
pub fn run(args: ScanArgs) -> Result<Outcome> {
    let args = *args.options;
    // Inputs first: any mistake is exit 2 before a browser starts.
    let fail_on: Option<Severity> = if args.fail_on.eq_ignore_ascii_case("never") {
        None
    } else {
        Some(args.fail_on.parse().map_err(Usage)?)
    };
    let lang: Lang = match &args.lang {
        Some(l) => l.parse().map_err(Usage)?,
        None => Lang::En,
    };
    let mut options = options(&args)?;
    for out in &args.out {
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(Usage(format!("--out {}: no such directory", out.display())).into());
            }
        }
    }
    stop_on_ctrl_c(&options.stop);
    options.on_partial = journal(&args, fail_on, lang);
    let bar = progress_bar(args.quiet);
    if let Some(bar) = &bar {
        let bar = bar.clone();
        options.on_progress = Some(Arc::new(move |p: &kapsel_scan::Progress| {
            bar.set_length(p.total);
            bar.set_position(p.done);
            bar.set_message(p.message.clone());
        }));
    }
    let result = kapsel_scan::scan(&options);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let report = match result {
        Ok(report) => report,
        Err(ScanError::Input(message)) => return Err(Usage(message).into()),
        Err(ScanError::Incomplete { cause, report }) => {
            write_outputs(&report, &args, fail_on, lang)?;
            anyhow::bail!("the scan could not be completed (partial report written): {cause}");
        }
        Err(e @ ScanError::NothingLoaded { .. }) => {
            if let Some(report) = e.partial_report() {
                write_outputs(report, &args, fail_on, lang)?;
            }
            return Err(e.into());
        }
    };
    write_outputs(&report, &args, fail_on, lang)?;
    Ok(match (fail_on, report.worst()) {
        (Some(threshold), Some(worst)) if worst >= threshold => Outcome::Findings,
        _ => Outcome::Clean,
    })
}

/// The library's options from the arguments; files are read here (exit 2 on a mistake).
fn options(args: &ScanOptions) -> Result<Options> {
    let start = kapsel_scan::start_url(&args.url).map_err(|e| Usage(e.to_string()))?;
    let resolve = args
        .resolve
        .iter()
        .map(|s| kapsel_scan::parse_resolve(s).map_err(|e| Usage(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    if !(args.timeout > 0.0 && args.timeout < 3600.0) {
        return Err(Usage("--timeout must be between 0 and 3600 seconds".into()).into());
    }
    let knowledge: KnowledgeBase =
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
            let name = path.display().to_string();
            let parsed =
                Declaration::parse(&text, &name, &knowledge).map_err(|e| Usage(e.to_string()))?;
            Some((name, parsed))
        }
    };
    let mut options = Options::new(start);
    options.declaration = declaration;
    options.policy = args.policy.clone();
    options.knowledge = knowledge;
    options.max_pages = args.max_pages;
    options.depth = args.depth;
    options.concurrency = args.concurrency;
    options.consent = args.consent.into();
    options.resolve = resolve;
    options.browser = args.browser.clone();
    options.browser_args = args.browser_arg.clone();
    options.timeout = Duration::from_secs_f64(args.timeout);
    options.quiet = Duration::from_millis(args.wait);
    options.dwell = Duration::from_millis(args.dwell);
    options.max_time = (args.max_time > 0.0)
        .then(|| Duration::try_from_secs_f64(args.max_time).unwrap_or(Duration::MAX));
    if args.tab_memory < 64 {
        return Err(Usage("--tab-memory must be at least 64 MB".into()).into());
    }
    options.tab_memory_mb = args.tab_memory;
    options.include = args.include.clone();
    options.exclude = args.exclude.clone();
    options.ignore_robots = args.ignore_robots;
    options.no_sitemap = args.no_sitemap;
    options.autoconsent = args.autoconsent.clone();
    options.no_autoconsent = args.no_autoconsent;
    // Banner screenshots go beside the first report file: `<stem>-evidence/`.
    options.evidence_dir = args.out.first().map(|out| {
        let stem = out
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "report".into());
        out.with_file_name(format!("{stem}-evidence"))
    });
    Ok(options)
}

/// Ctrl-C or SIGTERM stops the scan at once (the pages under way end unfinished) and the partial
/// report is written; a second one exits without it.
fn stop_on_ctrl_c(stop: &Stop) {
    let stop = stop.clone();
    let mut presses = 0;
    let handler = ctrlc::set_handler(move || {
        presses += 1;
        if presses > 1 {
            std::process::exit(130);
        }
        stop.interrupt("interrupted (Ctrl-C or SIGTERM)");
    });
    if let Err(e) = handler {
        eprintln!("kapsel: warning: Ctrl-C will not write a partial report: {e}");
    }
}

/// While the scan runs, each `--out` file holds the report so far, marked incomplete, replaced
/// atomically (written beside it, then renamed) so a reader never sees half a file and a scan
/// killed outright leaves the pages it had done.
fn journal(
    args: &ScanOptions,
    fail_on: Option<Severity>,
    lang: Lang,
) -> Option<kapsel_scan::PartialFn> {
    if args.out.is_empty() {
        return None;
    }
    let outs: Vec<(PathBuf, Format)> = args
        .out
        .iter()
        .map(|path| {
            let format = Format::from_path(path)
                .or(args.format.map(Format::from))
                .unwrap_or(Format::Json);
            (path.clone(), format)
        })
        .collect();
    Some(Arc::new(move |report: &Report| {
        for (path, format) in &outs {
            let mut part = path.clone().into_os_string();
            part.push(".part");
            let part = PathBuf::from(part);
            if std::fs::write(&part, report::render_in(report, *format, fail_on, lang)).is_ok() {
                let _ = std::fs::rename(&part, path);
            }
        }
    }))
}

/// A progress bar on a terminal's stderr, unless `--quiet`.
fn progress_bar(quiet: bool) -> Option<ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} pages {elapsed} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// Writes each `--out` file and, when asked (or when no file is), stdout.
fn write_outputs(
    report: &Report,
    args: &ScanOptions,
    fail_on: Option<Severity>,
    lang: Lang,
) -> Result<()> {
    let mut file_formats = Vec::new();
    for path in &args.out {
        let format = Format::from_path(path)
            .or(args.format.map(Format::from))
            .unwrap_or(Format::Json);
        file_formats.push(format);
        std::fs::write(path, report::render_in(report, format, fail_on, lang))
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("kapsel: wrote {}", path.display());
    }
    let stdout_format = match args.format.map(Format::from) {
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
        let text = report::render_in(report, f, fail_on, lang);
        let mut out = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth a panic.
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
    Ok(())
}
