//! `kapsel report merge`: a crawl's run directory → the national overview (JSON and/or HTML),
//! and the national side of `kapsel diff`.
//!
//! Exit 0 every site has a result; 3 some are missing (the overview is still written, marked
//! incomplete, with the list); 2 bad input or files of another run.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use kapsel_crawl::merge::{self, National};
use kapsel_crawl::overview::{self, Lang};
use kapsel_crawl::sites::SitesFile;

use crate::exit::Usage;

/// `kapsel report …`.
#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// Merge a crawl's site files into one national overview.
    Merge(MergeArgs),
}

/// Arguments of `kapsel report merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The run directory, OUT-DIR/RUN-ID.
    #[arg(long, value_name = "DIR")]
    pub run_dir: PathBuf,
    /// The sites file the run was made from.
    #[arg(long, value_name = "FILE")]
    pub sites: PathBuf,
    /// Write the overview to FILE: .json or .html (repeatable).
    #[arg(long, value_name = "FILE", required = true)]
    pub out: Vec<PathBuf>,
    /// Language of the HTML overview: nb, nn or en (default en).
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
}

/// Runs `kapsel report …`.
pub fn run(cmd: ReportCommand) -> ExitCode {
    let ReportCommand::Merge(args) = cmd;
    match merge_cmd(args) {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("kapsel: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn merge_cmd(args: MergeArgs) -> Result<u8> {
    let lang: Lang = match &args.lang {
        Some(l) => l.parse().map_err(Usage)?,
        None => Lang::En,
    };
    let sites = SitesFile::read(&args.sites).map_err(|e| Usage(e.to_string()))?;
    let mut outs = Vec::new();
    for out in &args.out {
        let ext = out.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "json" | "html" | "htm") {
            return Err(Usage(format!(
                "--out {}: name a .json or .html file",
                out.display()
            ))
            .into());
        }
        let dir = out
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(Usage(format!("--out {}: no such directory", out.display())).into());
        }
        outs.push((out, ext == "json", dir));
    }
    let national = merge::merge(&args.run_dir, &sites).map_err(|e| Usage(e.to_string()))?;
    for (out, json, dir) in outs {
        let text = if json {
            let mut t = serde_json::to_string_pretty(&national)?;
            t.push('\n');
            t
        } else {
            overview::render(&national, lang, &link_prefix(dir, &args.run_dir))
        };
        kapsel_crawl::record::write_atomic(out, text.as_bytes())
            .with_context(|| format!("writing {}", out.display()))?;
        eprintln!("kapsel: wrote {}", out.display());
    }
    if national.complete {
        Ok(0)
    } else {
        eprintln!(
            "kapsel: incomplete: {} of {} sites have no result: {}",
            national.missing.len(),
            national.sites.len(),
            national.missing.join(", ")
        );
        Ok(3)
    }
}

/// The path from the overview's directory to the run directory, ending in `/` (absolute when
/// they share nothing).
fn link_prefix(from: &Path, run_dir: &Path) -> String {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (from, to) = (abs(from), abs(run_dir));
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common <= 1 {
        return format!("{}/", to.display());
    }
    let mut rel = PathBuf::new();
    for _ in common..a.len() {
        rel.push("..");
    }
    for c in &b[common..] {
        rel.push(c);
    }
    let s = rel.display().to_string();
    if s.is_empty() {
        String::new()
    } else {
        format!("{s}/")
    }
}

/// Reads a national overview, or `None` when the file is not one (a single-site report).
pub fn read_national(path: &Path) -> Result<Option<National>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Usage(format!("{}: cannot read: {e}", path.display())))?;
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(_) => return Ok(None),
    };
    if value["format"] != merge::FORMAT {
        return Ok(None);
    }
    let national = serde_json::from_value(value)
        .map_err(|e| Usage(format!("{}: not a national overview: {e}", path.display())))?;
    Ok(Some(national))
}

/// `kapsel diff` on two national overviews: which sites got better or worse. Exit 1 when a
/// site got worse.
pub fn diff_national(old: &National, new: &National, json: bool) -> Result<crate::exit::Outcome> {
    let c = kapsel_crawl::compare::compare(old, new);
    if json {
        println!("{}", serde_json::to_string_pretty(&c)?);
    } else {
        print!("{}", kapsel_crawl::compare::render_text(&c));
    }
    Ok(if c.worse.is_empty() {
        crate::exit::Outcome::Clean
    } else {
        crate::exit::Outcome::Findings
    })
}
