//! The terminal table: summary on top, findings, then cookies grouped by category.

use std::fmt::Write;

use super::{human_duration, Report};

const CATEGORY_ORDER: [&str; 5] = [
    "necessary",
    "preferences",
    "statistics",
    "marketing",
    "unknown",
];

/// Renders the report for a terminal.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let s = &r.summary;
    let _ = writeln!(out, "Kapsel scan of {}", r.site);
    if !r.complete {
        let _ = writeln!(
            out,
            "PARTIAL REPORT: {}",
            r.stopped.as_deref().unwrap_or("stopped early")
        );
    }
    let _ = writeln!(
        out,
        "{} pages ({} failed), {} cookies ({} before consent, {} third-party), {} third-party hosts",
        s.pages_visited,
        s.pages_failed,
        s.cookies,
        s.cookies_before_consent,
        s.third_party_cookies,
        s.third_party_hosts
    );
    let _ = writeln!(
        out,
        "Findings: {} high, {} medium, {} low, {} info",
        s.findings_high, s.findings_medium, s.findings_low, s.findings_info
    );
    for p in &r.phases {
        let _ = writeln!(
            out,
            "  phase {:<6} {} pages; {}",
            p.phase.as_str(),
            p.pages,
            p.note
        );
    }
    if !r.declared_sources.is_empty() {
        let _ = writeln!(out, "Compared with: {}", r.declared_sources.join(", "));
    }

    if !r.findings.is_empty() {
        let _ = writeln!(out, "\nFINDINGS");
        for f in &r.findings {
            let _ = writeln!(
                out,
                "  [{:<6}] {:<22} {}",
                f.severity.as_str(),
                f.kind.as_str(),
                f.message
            );
        }
    }

    for cat in CATEGORY_ORDER {
        let cookies: Vec<_> = r.cookies.iter().filter(|c| c.category == cat).collect();
        if cookies.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{} ({})", cat.to_uppercase(), cookies.len());
        let rows: Vec<[String; 6]> = cookies
            .iter()
            .map(|c| {
                let expires = match c.lifetime_seconds {
                    None => "session".to_string(),
                    Some(s) => human_duration(s),
                };
                let when = if c.before_consent {
                    "before consent".to_string()
                } else {
                    c.phases
                        .iter()
                        .map(|p| p.as_str())
                        .collect::<Vec<_>>()
                        .join("+")
                };
                [
                    c.name.clone(),
                    c.domain.clone(),
                    expires,
                    c.service.clone().unwrap_or_default(),
                    if c.declared { "declared" } else { "-" }.to_string(),
                    when,
                ]
            })
            .collect();
        let headers = ["name", "domain", "expires", "service", "declared", "seen"];
        let mut widths = headers.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count()).min(40);
            }
        }
        let line = |cells: &[String]| {
            let mut l = String::from(" ");
            for (cell, w) in cells.iter().zip(widths) {
                let cell: String = cell.chars().take(w).collect();
                let _ = write!(l, " {cell:<w$}");
            }
            l.trim_end().to_string()
        };
        let _ = writeln!(out, "{}", line(&headers.map(String::from)));
        for row in &rows {
            let _ = writeln!(out, "{}", line(row));
        }
    }

    let failed: Vec<_> = r.pages.iter().filter(|p| p.error.is_some()).collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "\nPAGES WITH ERRORS");
        for p in failed.iter().take(50) {
            let _ = writeln!(
                out,
                "  [{}] {} {}",
                p.phase.as_str(),
                p.url,
                p.error.as_deref().unwrap_or("")
            );
        }
    }
    out
}
