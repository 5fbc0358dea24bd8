//! Two national runs side by side: which sites got better or worse.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::merge::{National, SiteRow};

/// One site that changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The host.
    pub host: String,
    /// `better`, `worse`, `new` or `gone`.
    pub verdict: String,
    /// What changed, e.g. `set-before-consent 0 → 2`.
    pub details: Vec<String>,
}

/// The comparison.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// The earlier run id.
    pub old_run: String,
    /// The later run id.
    pub new_run: String,
    /// Sites that got worse.
    pub worse: Vec<Change>,
    /// Sites that got better.
    pub better: Vec<Change>,
    /// Sites only in the later run.
    pub new: Vec<Change>,
    /// Sites only in the earlier run.
    pub gone: Vec<Change>,
}

/// A site's standing: lower is worse. Findings by severity, then whether it was measured.
fn standing(r: &SiteRow) -> (i64, i64, i64, i64) {
    let s = |k: &str| -(r.severities.get(k).copied().unwrap_or(0) as i64);
    let measured = if r.status == "ok" { 0 } else { -1 };
    (s("high"), measured, s("medium"), s("low"))
}

fn details(old: &SiteRow, new: &SiteRow) -> Vec<String> {
    let mut out = Vec::new();
    if old.status != new.status {
        out.push(format!("status {} → {}", old.status, new.status));
    }
    let mut kinds: Vec<&String> = old.findings.keys().chain(new.findings.keys()).collect();
    kinds.sort();
    kinds.dedup();
    for k in kinds {
        let a = old.findings.get(k).copied().unwrap_or(0);
        let b = new.findings.get(k).copied().unwrap_or(0);
        if a != b {
            out.push(format!("{k} {a} → {b}"));
        }
    }
    out
}

/// Compares two overviews.
pub fn compare(old: &National, new: &National) -> Comparison {
    let before: BTreeMap<&str, &SiteRow> = old.sites.iter().map(|r| (r.host.as_str(), r)).collect();
    let after: BTreeMap<&str, &SiteRow> = new.sites.iter().map(|r| (r.host.as_str(), r)).collect();
    let mut c = Comparison {
        old_run: old.run_id.clone(),
        new_run: new.run_id.clone(),
        ..Comparison::default()
    };
    for (host, b) in &after {
        match before.get(host) {
            None => c.new.push(Change {
                host: host.to_string(),
                verdict: "new".into(),
                details: vec![format!("status {}", b.status)],
            }),
            Some(a) => {
                let d = details(a, b);
                let change = |verdict: &str| Change {
                    host: host.to_string(),
                    verdict: verdict.into(),
                    details: d.clone(),
                };
                match standing(b).cmp(&standing(a)) {
                    std::cmp::Ordering::Less => c.worse.push(change("worse")),
                    std::cmp::Ordering::Greater => c.better.push(change("better")),
                    std::cmp::Ordering::Equal => {}
                }
            }
        }
    }
    for host in before.keys().filter(|h| !after.contains_key(*h)) {
        c.gone.push(Change {
            host: host.to_string(),
            verdict: "gone".into(),
            details: Vec::new(),
        });
    }
    c
}

/// Plain-text rendering, one line per changed site.
pub fn render_text(c: &Comparison) -> String {
    let mut out = format!("{} → {}\n", c.old_run, c.new_run);
    for list in [&c.worse, &c.better, &c.new, &c.gone] {
        for ch in list {
            out.push_str(&format!(
                "{:<7} {}: {}\n",
                ch.verdict,
                ch.host,
                ch.details.join("; ")
            ));
        }
    }
    if c.worse.is_empty() && c.better.is_empty() && c.new.is_empty() && c.gone.is_empty() {
        out.push_str("no site changed\n");
    }
    out
}
