//! JUnit XML: one test case per cookie and per finding that is not about a cookie; a case fails
//! when it has a finding at or above `--fail-on`.

use std::fmt::Write;

use super::{escape_xml, Finding, Report, Severity};

/// Renders JUnit XML.
pub fn render(r: &Report, fail_on: Option<Severity>) -> String {
    let threshold = fail_on.unwrap_or(Severity::Medium);
    let mut cases: Vec<(String, String, Vec<&Finding>)> = Vec::new();
    for c in &r.cookies {
        let findings: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| {
                f.cookie.as_deref() == Some(c.name.as_str())
                    && f.domain.as_deref().is_none_or(|d| d == c.domain)
            })
            .collect();
        cases.push((
            c.category.clone(),
            format!("{} ({})", c.name, c.domain),
            findings,
        ));
    }
    for f in &r.findings {
        let about_listed_cookie = f.cookie.as_ref().is_some_and(|name| {
            r.cookies
                .iter()
                .any(|c| &c.name == name && f.domain.as_deref().is_none_or(|d| d == c.domain))
        });
        if !about_listed_cookie {
            let subject = f
                .cookie
                .clone()
                .or_else(|| f.domain.clone())
                .unwrap_or_default();
            cases.push((f.kind.as_str().to_string(), subject, vec![f]));
        }
    }
    let failures = cases
        .iter()
        .filter(|(_, _, fs)| fs.iter().any(|f| f.severity >= threshold))
        .count();
    let page_errors: Vec<_> = r.pages.iter().filter(|p| p.error.is_some()).collect();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"kapsel\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        cases.len() + page_errors.len(),
        failures,
        page_errors.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"kapsel scan {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.1}\">",
        escape_xml(&r.site),
        cases.len() + page_errors.len(),
        failures,
        page_errors.len(),
        r.duration_seconds
    );
    for (class, name, findings) in &cases {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\"",
            escape_xml(class),
            escape_xml(name)
        );
        let failing: Vec<_> = findings
            .iter()
            .filter(|f| f.severity >= threshold)
            .collect();
        let passing: Vec<_> = findings.iter().filter(|f| f.severity < threshold).collect();
        if failing.is_empty() && passing.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        if !failing.is_empty() {
            let kinds: Vec<&str> = failing.iter().map(|f| f.kind.as_str()).collect();
            let text: Vec<String> = failing
                .iter()
                .map(|f| format!("[{}] {}", f.severity, f.message))
                .collect();
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                escape_xml(&kinds.join(",")),
                escape_xml(&failing[0].message),
                escape_xml(&text.join("\n"))
            );
        }
        if !passing.is_empty() {
            let text: Vec<String> = passing
                .iter()
                .map(|f| format!("[{}] {}: {}", f.severity, f.kind, f.message))
                .collect();
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape_xml(&text.join("\n"))
            );
        }
        out.push_str("    </testcase>\n");
    }
    for p in page_errors {
        let _ = writeln!(
            out,
            "    <testcase classname=\"page.{}\" name=\"{}\">\n      <error message=\"{}\"/>\n    </testcase>",
            p.phase,
            escape_xml(&p.url),
            escape_xml(p.error.as_deref().unwrap_or(""))
        );
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
