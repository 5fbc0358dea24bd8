//! `kapsel policy extract <FILE|URL>`: the cookie names (and services) a privacy statement
//! declares, by the catalogue's extraction (`kapsel_catalogue::extract`).
//!
//! A URL is fetched with reqwest; an HTML page (by content type, or by its first tags) is read
//! (`kapsel_scan::statement`, with scraper) into text that keeps what the extraction relies on: blocks and list items on
//! lines of their own, table rows as lines with cells separated by tabs, scripts and styles left
//! out. Output: the names one a line, or JSON with each name's match in the knowledge base (base
//! entry, service, category), its near-miss suggestion, and the services the statement names.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use kapsel_catalogue::extract::{self, Extraction};
use serde_json::{json, Value};

use kapsel_scan::statement::{html_text, is_html};

use crate::exit::{Outcome, Usage};

/// Privacy-statement subcommands.
#[derive(Subcommand)]
pub enum PolicyCommand {
    /// The cookie names (and services) a privacy statement declares, from a file (text or
    /// HTML) or an http(s) URL.
    Extract {
        /// The statement: a file, or an http:// or https:// URL.
        source: String,
        /// Names one a line (`text`), or names with matches, near misses and services (`json`).
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        /// An extra knowledge base (the Open Cookie Database CSV, or Kapsel JSON); repeatable.
        /// The built-in base wins where both know a name.
        #[arg(long = "knowledge-base", value_name = "FILE")]
        knowledge_base: Vec<PathBuf>,
    },
}

/// How `policy extract` writes its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The names, one a line.
    Text,
    /// Names with their matches and near misses, and the services.
    Json,
}

/// Runs a policy subcommand.
pub fn run(cmd: PolicyCommand) -> Result<Outcome> {
    match cmd {
        PolicyCommand::Extract {
            source,
            format,
            knowledge_base,
        } => {
            let base = crate::knowledge::load(&knowledge_base)?;
            let text = read_statement(&source)?;
            let found = extract::extract(&text, &base);
            let out = match format {
                OutputFormat::Text => found
                    .names
                    .iter()
                    .map(|n| format!("{}\n", n.name))
                    .collect(),
                OutputFormat::Json => {
                    serde_json::to_string_pretty(&to_json(&source, &found))? + "\n"
                }
            };
            write_stdout(&out)?;
            Ok(Outcome::Clean)
        }
    }
}

/// Writes to standard output; a reader that stopped early (`| head`) is no error.
fn write_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

/// The text of a statement (a file or an http(s) URL), HTML turned into text.
pub fn read_statement(source: &str) -> Result<String> {
    let (body, content_type) = if is_url(source) {
        fetch(source)?
    } else {
        let bytes = std::fs::read(source)
            .map_err(|e| Usage(format!("cannot read the statement {source}: {e}")))?;
        (String::from_utf8_lossy(&bytes).into_owned(), None)
    };
    Ok(if is_html(&body, content_type.as_deref()) {
        html_text(&body)
    } else {
        body
    })
}

fn is_url(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Fetches a URL: its body and content type. Any failure names the URL.
fn fetch(url: &str) -> Result<(String, Option<String>)> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("kapsel/", env!("CARGO_PKG_VERSION")))
        .build()
        .context("cannot set up the HTTP client")?;
    let response = client
        .get(url)
        .send()
        .map_err(|e| Usage(format!("cannot fetch {url}: {}", error_chain(&e))))?;
    let status = response.status();
    if !status.is_success() {
        return Err(Usage(format!("cannot fetch {url}: the server answered {status}")).into());
    }
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body = response.text().map_err(|e| {
        Usage(format!(
            "cannot read the answer from {url}: {}",
            error_chain(&e)
        ))
    })?;
    Ok((body, content_type))
}

/// An error with its causes, on one line (reqwest's top error alone says little).
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = c.source();
    }
    out
}

/// The JSON form of an extraction.
fn to_json(source: &str, found: &Extraction) -> Value {
    let names: Vec<Value> = found
        .names
        .iter()
        .map(|n| {
            let known = n.known();
            json!({
                "name": n.name,
                "line": n.line,
                "match": n.entry.map(|e| e.pattern.as_str()),
                "service": known.map(|k| k.service.as_str()),
                "category": known.map(|k| k.category.id()),
                "near_miss": n.near_miss.as_ref().map(|m| json!({
                    "intended": m.intended,
                    "kind": m.kind.as_str(),
                })),
            })
        })
        .collect();
    let services: Vec<Value> = found
        .services
        .iter()
        .map(|s| {
            json!({
                "id": s.service.id,
                "name": s.service.name,
                "category": s.service.category.id(),
                "mentioned_as": s.mentioned_as,
                "cookies": s.cookies,
            })
        })
        .collect();
    json!({ "source": source, "names": names, "services": services })
}
