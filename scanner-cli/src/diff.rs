//! `kapsel diff OLD.json NEW.json`: what appeared and disappeared between two scan reports
//! (cookies, third-party hosts, findings), for scheduled scans. Exit 1 when anything new
//! appeared (a cookie, a host or a finding), 0 otherwise, 2 on unreadable input.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Serialize;

use crate::exit::{Outcome, Usage};
use kapsel_report::Report;

/// Arguments of `kapsel diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The earlier JSON report.
    pub old: PathBuf,
    /// The later JSON report.
    pub new: PathBuf,
    /// `table` (default on a terminal) or `json`.
    #[arg(long, value_parser = ["table", "json"])]
    pub format: Option<String>,
}

/// The differences.
#[derive(Debug, Default, Serialize)]
pub struct Delta {
    /// Cookies (name, domain) only in the new report.
    pub cookies_added: Vec<String>,
    /// Cookies only in the old report.
    pub cookies_removed: Vec<String>,
    /// Cookies now present before consent that were not before.
    pub newly_before_consent: Vec<String>,
    /// Third-party hosts only in the new report.
    pub hosts_added: Vec<String>,
    /// Hosts only in the old report.
    pub hosts_removed: Vec<String>,
    /// Findings (kind: subject) only in the new report.
    pub findings_added: Vec<String>,
    /// Findings only in the old report.
    pub findings_resolved: Vec<String>,
}

fn read(path: &Path) -> Result<Report> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Usage(format!("{}: cannot read: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Usage(format!(
            "{}:{}:{}: not a kapsel scan report: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
        .into()
    })
}

fn cookie_keys(r: &Report) -> BTreeSet<String> {
    r.cookies
        .iter()
        .map(|c| format!("{} ({})", c.name, c.domain))
        .collect()
}

fn finding_keys(r: &Report) -> BTreeSet<String> {
    r.findings
        .iter()
        .map(|f| {
            format!(
                "{} [{}]: {}",
                f.kind,
                f.severity,
                match (&f.cookie, &f.domain) {
                    (Some(c), Some(d)) => format!("{c} ({d})"),
                    (Some(c), None) => c.clone(),
                    (None, Some(d)) => d.clone(),
                    (None, None) => String::new(),
                }
            )
        })
        .collect()
}

/// Compares two reports.
pub fn compare(old: &Report, new: &Report) -> Delta {
    let diff = |a: &BTreeSet<String>, b: &BTreeSet<String>| -> Vec<String> {
        b.difference(a).cloned().collect()
    };
    let (oc, nc) = (cookie_keys(old), cookie_keys(new));
    let before = |r: &Report| -> BTreeSet<String> {
        r.cookies
            .iter()
            .filter(|c| c.before_consent)
            .map(|c| format!("{} ({})", c.name, c.domain))
            .collect()
    };
    let oh: BTreeSet<String> = old
        .third_party_hosts
        .iter()
        .map(|h| h.host.clone())
        .collect();
    let nh: BTreeSet<String> = new
        .third_party_hosts
        .iter()
        .map(|h| h.host.clone())
        .collect();
    let (of, nf) = (finding_keys(old), finding_keys(new));
    Delta {
        cookies_added: diff(&oc, &nc),
        cookies_removed: diff(&nc, &oc),
        newly_before_consent: diff(&before(old), &before(new)),
        hosts_added: diff(&oh, &nh),
        hosts_removed: diff(&nh, &oh),
        findings_added: diff(&of, &nf),
        findings_resolved: diff(&nf, &of),
    }
}

/// Runs `kapsel diff`.
pub fn run(args: DiffArgs) -> Result<Outcome> {
    let old = read(&args.old)?;
    let new = read(&args.new)?;
    let d = compare(&old, &new);
    let json = match args.format.as_deref() {
        Some("json") => true,
        Some(_) => false,
        None => !std::io::stdout().is_terminal(),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&d)?);
    } else {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} ({}) → {} ({})",
            args.old.display(),
            old.started,
            args.new.display(),
            new.started
        );
        for (title, sign, list) in [
            ("cookies appeared", '+', &d.cookies_added),
            ("cookies disappeared", '-', &d.cookies_removed),
            ("now set before consent", '!', &d.newly_before_consent),
            ("third-party hosts appeared", '+', &d.hosts_added),
            ("third-party hosts disappeared", '-', &d.hosts_removed),
            ("new findings", '+', &d.findings_added),
            ("resolved findings", '-', &d.findings_resolved),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "\n{title} ({})", list.len());
            for item in list {
                let _ = writeln!(out, "  {sign} {item}");
            }
        }
        if d.cookies_added.is_empty()
            && d.cookies_removed.is_empty()
            && d.hosts_added.is_empty()
            && d.hosts_removed.is_empty()
            && d.findings_added.is_empty()
            && d.findings_resolved.is_empty()
        {
            let _ = writeln!(out, "no changes");
        }
        print!("{out}");
    }
    let appeared = !d.cookies_added.is_empty()
        || !d.hosts_added.is_empty()
        || !d.findings_added.is_empty()
        || !d.newly_before_consent.is_empty();
    Ok(if appeared {
        Outcome::Findings
    } else {
        Outcome::Clean
    })
}
