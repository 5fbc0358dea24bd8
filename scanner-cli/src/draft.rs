//! `kapsel catalogue draft`: a declaration drafted from a scan report (and the site's old privacy
//! statement), written beside its review notes (`NAME.review.md`) and, with a statement, the
//! drift report (`NAME.statement.md`). The rules are the catalogue's (`kapsel_catalogue::draft`);
//! this file reads the inputs and writes the files.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kapsel_catalogue::check;
use kapsel_catalogue::draft::report::ScanReport;
use kapsel_catalogue::draft::{self, Options, Statement};
use kapsel_catalogue::{Declaration, Lang};

use crate::catalogue::BaseArgs;
use crate::exit::{Outcome, Usage};

/// Arguments of `kapsel catalogue draft`.
#[derive(clap::Args)]
pub struct DraftArgs {
    /// The scan report (`kapsel scan URL --format json --out report.json`).
    #[arg(long = "from-scan", value_name = "REPORT")]
    pub from_scan: PathBuf,
    /// The site's old privacy statement (a file, or an http(s) URL): its names are matched to
    /// what the scan saw.
    #[arg(long = "from-policy", value_name = "URL|FILE")]
    pub from_policy: Option<String>,
    /// The languages the site publishes in, comma-separated.
    #[arg(long, value_name = "nb,nn,en", default_value = "nb,nn,en")]
    pub languages: String,
    /// Where to write the declaration; the notes go beside it.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[command(flatten)]
    pub base: BaseArgs,
}

/// Drafts the declaration and writes it with its notes.
pub fn run(args: DraftArgs) -> Result<Outcome> {
    let base = crate::knowledge::load(&args.base.knowledge_base)?;
    let languages = languages(&args.languages)?;
    let file = args.from_scan.display().to_string();
    let text = std::fs::read_to_string(&args.from_scan)
        .map_err(|e| Usage(format!("cannot read the scan report {file}: {e}")))?;
    let report = ScanReport::parse(&text, &file).map_err(|e| Usage(e.to_string()))?;
    let statement = match &args.from_policy {
        Some(source) => Some(Statement {
            source: source.clone(),
            text: crate::policy::read_statement(source)?,
        }),
        None => None,
    };
    let options = Options {
        languages,
        statement,
        file_name: file_name(&args.out),
    };
    let drafted = draft::draft(&report, &base, &options);
    let review = beside(&args.out, "review.md");
    write(&args.out, &drafted.declaration)?;
    write(&review, &drafted.review)?;
    let mut written = vec![review];
    if let Some(statement) = &drafted.statement_report {
        let path = beside(&args.out, "statement.md");
        write(&path, statement)?;
        written.push(path);
    }

    // Read back as `catalogue check` will: the draft must hold nothing but its TODOs.
    let decl = Declaration::parse(&drafted.declaration, &args.out.display().to_string(), &base)
        .context("the draft does not read back as a declaration (a bug in kapsel)")?;
    let others = check::check(&decl, &base)
        .into_iter()
        .filter(|w| w.rule != check::Rule::Todo)
        .count();
    println!(
        "Drafted {} from {} ({} cookies, {} services): {} TODO(s) to fill in, {} decision(s) in {}.",
        args.out.display(),
        file,
        decl.cookies.len(),
        decl.services.len(),
        decl.todos.len(),
        drafted.decisions,
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    );
    if let Some(d) = &drafted.drift {
        println!(
            "The statement declares {} name(s): {} seen, {} never seen (stale), and {} cookie(s) seen but never declared.",
            d.names.len(),
            d.declared_and_seen.len(),
            d.stale.len(),
            d.undeclared.len()
        );
    }
    if others > 0 {
        println!(
            "`kapsel catalogue check` has {others} warning(s) besides the TODOs: see them there."
        );
    }
    println!(
        "Next: fill in the TODOs, then `kapsel catalogue check {0}` and `kapsel catalogue resolve {0} --out kapsel.json`.",
        args.out.display()
    );
    Ok(Outcome::Clean)
}

fn languages(list: &str) -> Result<Vec<Lang>> {
    let mut out = Vec::new();
    for code in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let lang = Lang::from_code(code).ok_or_else(|| {
            Usage(format!(
                "unknown language `{code}` in --languages; Kapsel writes nb, nn and en"
            ))
        })?;
        if !out.contains(&lang) {
            out.push(lang);
        }
    }
    if out.is_empty() {
        return Err(Usage("--languages names no language".into()).into());
    }
    Ok(out)
}

/// `site/declaration.json` → `site/declaration.EXT`.
fn beside(out: &Path, ext: &str) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "declaration".into());
    out.with_file_name(format!("{stem}.{ext}"))
}

fn file_name(out: &Path) -> String {
    out.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| out.display().to_string())
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text)
        .map_err(|e| Usage(format!("cannot write {}: {e}", path.display())).into())
}
