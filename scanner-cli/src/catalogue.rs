//! `kapsel catalogue …`: validate a site's declaration against the rules regulators enforce,
//! write its resolved form for the banner, render its cookie table for the privacy statement,
//! print the JSON Schema of a declaration, and look up what the knowledge base knows of a cookie
//! name (or of a family written as its stem: `_pk_id` is `_pk_id.*`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use kapsel_catalogue::check::{self, Warning};
use kapsel_catalogue::render::{self, Format};
use kapsel_catalogue::{nearmiss, Category, Declaration, KnowledgeBase, Lang};

use crate::exit::Outcome;

/// The `catalogue` subcommands.
#[derive(Subcommand)]
pub enum CatalogueCommand {
    /// Print the JSON Schema (2020-12) of a declaration, for editors: save it and name it in the
    /// declaration's `"$schema"`.
    Schema {
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Validate a declaration and warn where it breaks the rules regulators enforce
    /// (exit 0 clean, 1 warnings, 2 invalid).
    Check {
        /// The site's declaration (JSON).
        declaration: PathBuf,
        #[command(flatten)]
        base: BaseArgs,
    },
    /// Write the declaration's self-contained form (every service's cookies written out), which
    /// the banner reads as its `data-config`.
    Resolve {
        /// The site's declaration (JSON).
        declaration: PathBuf,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also write the site's guard.js (auto-blocking, with its host map compiled in) here.
        #[arg(long, value_name = "FILE")]
        guard: Option<PathBuf>,
        /// Put the banner's classic build (kapsel-classic.js from scripts/build-banner.sh) at the
        /// end of guard.js: the page then loads both with one tag, `<script src="/kapsel/guard.js"
        /// data-config="/kapsel.json">`, instead of the guard's and the banner's.
        #[arg(long, value_name = "FILE", requires = "guard")]
        banner_js: Option<PathBuf>,
        #[command(flatten)]
        base: BaseArgs,
    },
    /// Render the cookie table for the site's privacy statement.
    Render {
        /// The site's declaration (JSON).
        declaration: PathBuf,
        /// Language of the table.
        #[arg(long, value_enum, default_value = "nb")]
        lang: LangArg,
        /// HTML table or Markdown.
        #[arg(long, value_enum, default_value = "html")]
        format: RenderFormat,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        base: BaseArgs,
    },
    /// Draft a declaration from a scan report (and the old privacy statement), with review notes
    /// beside it: one line per decision, every open one a `TODO` in the declaration.
    Draft(crate::draft::DraftArgs),
    /// What the knowledge base knows of a cookie name (exit 1 when nothing).
    Lookup {
        /// The cookie name as seen in a browser or written in a statement.
        name: String,
        /// The cookie's domain, to choose between entries of the same name.
        #[arg(long)]
        domain: Option<String>,
        /// Language of the purpose shown.
        #[arg(long, value_enum, default_value = "en")]
        lang: LangArg,
        #[command(flatten)]
        base: BaseArgs,
    },
}

/// Extra knowledge bases.
#[derive(clap::Args)]
pub struct BaseArgs {
    /// An extra knowledge base (the Open Cookie Database CSV, or Kapsel JSON); repeatable. The
    /// built-in base wins where both know a name.
    #[arg(long = "knowledge-base", value_name = "FILE")]
    pub knowledge_base: Vec<PathBuf>,
}

/// A language code.
#[derive(Clone, Copy, ValueEnum)]
pub enum LangArg {
    /// Bokmål.
    Nb,
    /// Nynorsk.
    Nn,
    /// English.
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Nb => Lang::Nb,
            LangArg::Nn => Lang::Nn,
            LangArg::En => Lang::En,
        }
    }
}

/// Rendering formats.
#[derive(Clone, Copy, ValueEnum)]
pub enum RenderFormat {
    /// An HTML table.
    Html,
    /// A Markdown table.
    #[value(alias = "markdown")]
    Md,
}

/// Runs a `catalogue` subcommand.
pub fn run(cmd: CatalogueCommand) -> Result<Outcome> {
    match cmd {
        CatalogueCommand::Schema { out } => {
            write_out(
                out.as_deref(),
                &kapsel_catalogue::declaration_schema::declaration_schema(),
            )?;
            Ok(Outcome::Clean)
        }
        CatalogueCommand::Check { declaration, base } => {
            let base = crate::knowledge::load(&base.knowledge_base)?;
            let decl = read_declaration(&declaration, &base)?;
            let warnings = check::check(&decl, &base);
            print!("{}", summary(&decl, &warnings));
            Ok(if warnings.is_empty() {
                Outcome::Clean
            } else {
                Outcome::Findings
            })
        }
        CatalogueCommand::Resolve {
            declaration,
            out,
            guard,
            banner_js,
            base,
        } => {
            let base = crate::knowledge::load(&base.knowledge_base)?;
            let decl = read_declaration(&declaration, &base)?;
            decl.reviewed()?;
            if let Some(path) = &guard {
                let mut js = kapsel_guard::guard_js(&decl, &base);
                if let Some(banner) = &banner_js {
                    let classic = std::fs::read_to_string(banner)
                        .with_context(|| format!("cannot read {}", banner.display()))?;
                    js = kapsel_guard::with_banner(&js, &classic)
                        .with_context(|| banner.display().to_string())?;
                }
                write_out(Some(path), &js)?;
            }
            write_out(out.as_deref(), &decl.to_json())?;
            Ok(Outcome::Clean)
        }
        CatalogueCommand::Render {
            declaration,
            lang,
            format,
            out,
            base,
        } => {
            let base = crate::knowledge::load(&base.knowledge_base)?;
            let decl = read_declaration(&declaration, &base)?;
            decl.reviewed()?;
            let format = match format {
                RenderFormat::Html => Format::Html,
                RenderFormat::Md => Format::Markdown,
            };
            write_out(out.as_deref(), &render::table(&decl, lang.into(), format))?;
            Ok(Outcome::Clean)
        }
        CatalogueCommand::Draft(args) => crate::draft::run(args),
        CatalogueCommand::Lookup {
            name,
            domain,
            lang,
            base,
        } => {
            let base = crate::knowledge::load(&base.knowledge_base)?;
            let (text, found) = lookup(&base, &name, domain.as_deref(), lang.into());
            print!("{text}");
            Ok(if found {
                Outcome::Clean
            } else {
                Outcome::Findings
            })
        }
    }
}

/// Reads and resolves a declaration file; errors name file, line and column.
pub fn read_declaration(path: &Path, base: &KnowledgeBase) -> Result<Declaration> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read declaration {}", path.display()))?;
    Ok(Declaration::parse(
        &text,
        &path.display().to_string(),
        base,
    )?)
}

fn write_out(out: Option<&Path>, text: &str) -> Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn summary(decl: &Declaration, warnings: &[Warning]) -> String {
    let mut o = format!(
        "{}: {} (revision {}), consent asked again after {} days, languages {}\n",
        decl.file,
        decl.site,
        decl.revision,
        decl.consent_lifetime(),
        decl.languages
            .iter()
            .map(|l| l.code())
            .collect::<Vec<_>>()
            .join(", ")
    );
    o.push_str(&format!("  {} services:", decl.services.len()));
    for s in &decl.services {
        o.push_str(&format!(" {} ({})", s.id, s.category));
    }
    o.push('\n');
    for category in Category::ALL {
        let names: Vec<&str> = decl
            .cookies_in(category)
            .map(|c| c.pattern.as_str())
            .collect();
        if !names.is_empty() {
            o.push_str(&format!("  {category}: {}\n", names.join(", ")));
        }
    }
    if !decl.todos.is_empty() {
        o.push_str(&format!(
            "{} TODO(s) await review: the declaration cannot be resolved for visitors until they are filled in.\n",
            decl.todos.len()
        ));
    }
    if warnings.is_empty() {
        o.push_str("No warnings.\n");
    } else {
        o.push_str(&format!("{} warning(s):\n", warnings.len()));
        for w in warnings {
            o.push_str(&format!("{}:{w}\n", decl.file));
        }
    }
    o
}

fn lookup(base: &KnowledgeBase, name: &str, domain: Option<&str>, lang: Lang) -> (String, bool) {
    // A name written as a family's stem (`_pk_id`, `_pk_id*`) is that family (`_pk_id.*`).
    let family = base.family(name);
    match family.or_else(|| base.lookup(name, domain)) {
        Some(c) => {
            let service = base
                .service(&c.service)
                .map(|s| s.name.as_str())
                .unwrap_or(c.service.as_str());
            let retention = c
                .retention
                .map(|r| r.describe(lang))
                .unwrap_or_else(|| "unknown".into());
            let hosts: Vec<&str> = base.hosts_of(c).collect();
            let head = match family {
                Some(_) => format!("{name}: the family `{}` ({})", c.pattern, c.source),
                None => format!("{name}: matches `{}` ({})", c.pattern, c.source),
            };
            let mut o = format!(
                "{head}\n  service:   {service}\n  vendor:    {}\n  category:  {}\n  purpose:   {}\n  retention: {retention}\n",
                c.vendor,
                c.category,
                c.purpose.best(lang),
            );
            if !hosts.is_empty() {
                o.push_str(&format!("  hosts:     {}\n", hosts.join(", ")));
            }
            if !c.reference.is_empty() {
                o.push_str(&format!("  reference: {}\n", c.reference));
            }
            (o, true)
        }
        None => match nearmiss::suggest(base, name) {
            Some(m) => (
                format!(
                    "{name}: not a known cookie; did you mean `{}`?\n",
                    m.intended
                ),
                false,
            ),
            None => (format!("{name}: not a known cookie\n"), false),
        },
    }
}
