//! One self-contained HTML page for a compliance officer: summary, findings, the cookie table
//! with where each cookie was first seen, third parties, and pages with errors. Inline CSS only;
//! nothing is loaded from anywhere.

use std::fmt::Write;

use super::{escape_xml as e, human_duration, Report, Severity};

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e3e3;vertical-align:top}
th{background:#f3f3f3}.sev{font-weight:600;padding:.1rem .45rem;border-radius:.3rem;white-space:nowrap}
.high{background:#b3261e;color:#fff}.medium{background:#f2c94c;color:#1b1b1b}.low{background:#d7e3fc;color:#1b1b1b}.info{background:#eee;color:#1b1b1b}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{border:1px solid #ddd;border-radius:.4rem;padding:.6rem .9rem;min-width:9rem}
.card b{display:block;font-size:1.5rem}.warn{background:#fff4e5;border:1px solid #f2c94c;padding:.6rem .9rem;border-radius:.4rem}
code{background:#f3f3f3;padding:0 .2rem;border-radius:.2rem;overflow-wrap:anywhere}small{color:#555}
.wrap{overflow-x:auto}td.m{text-align:center}
@media (max-width:700px){body{margin:1rem auto;font-size:14px}th,td{padding:.3rem}}";

/// Renders the HTML report.
pub fn render(r: &Report) -> String {
    let s = &r.summary;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>Kapsel cookie report: {}</title><style>{STYLE}</style></head><body>\n",
        e(&r.site)
    );
    let _ = writeln!(o, "<h1>Cookie report for <code>{}</code></h1>", e(&r.site));
    let _ = writeln!(
        o,
        "<p><small>Scanned {} by {} in {:.0} s. Compared with: {}.</small></p>",
        e(&r.started),
        e(&r.tool),
        r.duration_seconds,
        if r.declared_sources.is_empty() {
            "nothing (no declaration or privacy statement given)".to_string()
        } else {
            e(&r.declared_sources.join(", "))
        }
    );
    if !r.complete {
        let _ = writeln!(
            o,
            "<p class=\"warn\"><strong>Partial report:</strong> {}</p>",
            e(r.stopped.as_deref().unwrap_or("the scan stopped early"))
        );
    }
    let _ = writeln!(o, "<h2>Summary</h2><div class=\"cards\">");
    for (n, label) in [
        (s.pages_visited, "pages visited"),
        (s.cookies, "cookies"),
        (s.cookies_before_consent, "set before consent"),
        (s.third_party_cookies, "third-party cookies"),
        (s.third_party_hosts, "third-party hosts"),
        (s.findings_high, "high findings"),
        (s.findings_medium, "medium findings"),
    ] {
        let _ = write!(o, "<div class=\"card\"><b>{n}</b>{label}</div>");
    }
    let _ = writeln!(o, "</div>");
    let _ = writeln!(o, "<h2>Consent banner</h2><ul>");
    for p in &r.phases {
        let proof = if p.proof.is_empty() {
            String::new()
        } else {
            format!(
                " <small>({}: {})</small>",
                if p.verified {
                    "verified"
                } else {
                    "not verified"
                },
                e(&p.proof.join("; "))
            )
        };
        let _ = writeln!(
            o,
            "<li><strong>{}</strong> ({} pages): {}{proof}",
            phase_label(p.phase.as_str()),
            p.pages,
            e(&p.note)
        );
        // Evidence: the banner as found, then the page after the press.
        for (shot, caption) in p
            .screenshots
            .iter()
            .zip(["before the press", "after the press"])
        {
            let _ = write!(
                o,
                "<figure style=\"display:inline-block;margin:.5em\"><a href=\"{0}\"><img src=\"{0}\" alt=\"{1}\" style=\"max-width:360px;border:1px solid #ccc\"></a><figcaption>{1}</figcaption></figure>",
                e(shot),
                caption
            );
        }
        let _ = writeln!(o, "</li>");
    }
    let _ = writeln!(o, "</ul>");

    let _ = writeln!(o, "<h2>Findings ({})</h2>", r.findings.len());
    if r.findings.is_empty() {
        let _ = writeln!(o, "<p>No findings.</p>");
    } else {
        let _ = writeln!(
            o,
            "<div class=wrap><table><thead><tr><th>Severity</th><th>Finding</th><th>What it means</th><th>Page</th></tr></thead><tbody>"
        );
        for f in &r.findings {
            let _ = writeln!(
                o,
                "<tr><td><span class=\"sev {}\">{}</span></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                sev_class(f.severity),
                f.severity,
                f.kind,
                prose(&f.message),
                f.page.as_deref().map(e).unwrap_or_default()
            );
        }
        let _ = writeln!(o, "</tbody></table></div>");
    }

    matrix(r, &mut o);
    let _ = writeln!(o, "<h2>Cookies ({})</h2>", r.cookies.len());
    let _ = writeln!(
        o,
        "<div class=wrap><table><thead><tr><th>Name</th><th>Domain</th><th>Category</th><th>Service</th><th>Lifetime</th>\
         <th>Party</th><th>Declared</th><th>Set by</th><th>First seen</th></tr></thead><tbody>"
    );
    for c in &r.cookies {
        let lifetime = match (c.lifetime_seconds, c.declared_lifetime_seconds) {
            (None, _) => "session".to_string(),
            (Some(stored), Some(asked)) if asked > stored + 86_400 => format!(
                "{} (asked for {})",
                human_duration(stored),
                human_duration(asked)
            ),
            (Some(stored), _) => human_duration(stored),
        };
        let first: Vec<String> = c
            .first_seen
            .iter()
            .map(|s| format!("{}: {}", phase_label(s.phase.as_str()), e(&s.page)))
            .collect();
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e(&c.name),
            e(&c.domain),
            e(&c.category),
            e(c.service.as_deref().unwrap_or("")),
            e(&lifetime),
            if c.first_party { "first" } else { "third" },
            if c.declared { "yes" } else { "<strong>no</strong>" },
            e(&match (&c.set_by, &c.set_by_host) {
                (super::SetBy::Header, Some(h)) => format!("response from {h}"),
                (super::SetBy::Script, Some(h)) => format!("script from {h}"),
                (super::SetBy::Header, None) => "response".into(),
                (super::SetBy::Script, None) => "script".into(),
                (super::SetBy::Unknown, _) => "unknown".into(),
            }),
            first.join("<br>")
        );
    }
    let _ = writeln!(o, "</tbody></table></div>");

    if !r.third_party_hosts.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Third parties contacted ({})</h2><div class=wrap><table><thead><tr><th>Host</th><th>Service</th><th>Before consent</th><th>Declared</th><th>First page</th></tr></thead><tbody>",
            r.third_party_hosts.len()
        );
        for h in &r.third_party_hosts {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(&h.host),
                e(h.service.as_deref().unwrap_or("")),
                if h.before_consent {
                    "<strong>yes</strong>"
                } else {
                    "no"
                },
                if h.declared { "yes" } else { "no" },
                e(&h.first_page)
            );
        }
        let _ = writeln!(o, "</tbody></table></div>");
    }
    if !r.refused_cookies.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Cookies the browser refused ({})</h2><p>The law covers the attempt too.</p><div class=wrap><table><thead><tr><th>Name</th><th>From</th><th>Reason</th><th>Page</th></tr></thead><tbody>",
            r.refused_cookies.len()
        );
        for c in r.refused_cookies.iter().take(500) {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(&c.name),
                e(&c.url),
                e(&c.reasons.join(", ")),
                e(&c.page)
            );
        }
        let _ = writeln!(o, "</tbody></table></div>");
    }
    if !r.storage.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Web storage keys ({})</h2><div class=wrap><table><thead><tr><th>Key</th><th>Kind</th><th>Origin</th><th>First page</th></tr></thead><tbody>",
            r.storage.len()
        );
        for k in r.storage.iter().take(500) {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code></td><td>{}Storage</td><td>{}</td><td>{}</td></tr>",
                e(&k.key),
                e(&k.kind),
                e(&k.origin),
                e(&k.first_page)
            );
        }
        let _ = writeln!(o, "</tbody></table></div>");
    }
    let failed: Vec<_> = r.pages.iter().filter(|p| p.error.is_some()).collect();
    let _ = writeln!(o, "<h2>Pages with errors ({})</h2>", failed.len());
    if !failed.is_empty() {
        let _ = writeln!(
            o,
            "<div class=wrap><table><thead><tr><th>Page</th><th>Phase</th><th>Status</th><th>Error</th></tr></thead><tbody>"
        );
        for p in failed.iter().take(500) {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(&p.url),
                p.phase,
                p.status.map(|s| s.to_string()).unwrap_or_default(),
                e(p.error.as_deref().unwrap_or(""))
            );
        }
        let _ = writeln!(o, "</tbody></table></div>");
    }
    let _ = writeln!(o, "</body></html>");
    o
}

fn sev_class(s: Severity) -> &'static str {
    s.as_str()
}

fn phase_label(p: &str) -> &'static str {
    match p {
        "none" => "Before any choice",
        "accept" => "After accept all",
        _ => "After reject all",
    }
}

/// A message as prose: HTML-escaped, with `code` spans set as `<code>` instead of showing the
/// backticks.
pub fn prose(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        // Odd parts are inside backticks, when the backtick that closes them exists.
        if i % 2 == 1 && i + 1 < parts.len() {
            let _ = write!(out, "<code>{}</code>", e(part));
        } else {
            out.push_str(&e(part));
        }
    }
    out
}

/// Cookie × phase: which cookies each choice (no choice, accept all, reject all) brings.
fn matrix(r: &Report, o: &mut String) {
    use super::Phase;
    let phases: Vec<Phase> = r.phases.iter().map(|p| p.phase).collect();
    if r.cookies.is_empty() || phases.is_empty() {
        return;
    }
    let _ = write!(
        o,
        "<h2>What each choice brings</h2><div class=\"wrap\"><table id=\"matrix\"><thead><tr><th>Cookie</th><th>Category</th>"
    );
    for p in &phases {
        let label = match p {
            Phase::None => "No choice",
            Phase::Accept => "Accept all",
            Phase::Reject => "Reject all",
        };
        let _ = write!(o, "<th>{label}</th>");
    }
    let _ = writeln!(o, "</tr></thead><tbody>");
    for c in &r.cookies {
        let _ = write!(
            o,
            "<tr><td><code>{}</code> <small>{}</small></td><td>{}</td>",
            e(&c.name),
            e(&c.domain),
            e(&c.category)
        );
        for p in &phases {
            let seen = c.phases.contains(p);
            let _ = write!(
                o,
                "<td class=\"m\" data-phase=\"{p}\">{}</td>",
                if seen { "●" } else { "–" }
            );
        }
        let _ = writeln!(o, "</tr>");
    }
    let _ = writeln!(o, "</tbody></table></div>");
}

#[cfg(test)]
mod tests {
    use super::prose;

    #[test]
    fn backticks_become_code() {
        assert_eq!(
            prose("`_ga` (.example.no) is set before consent <b>"),
            "<code>_ga</code> (.example.no) is set before consent &lt;b&gt;"
        );
        assert_eq!(prose("a `lone backtick"), "a lone backtick");
    }
}
