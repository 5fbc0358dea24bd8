//! JUnit XML: one test case per cookie and per finding that is not about a cookie; a case fails
//! when it has a finding at or above `--fail-on`. The XML (escaping, counts per suite) is
//! written by the `quick-junit` crate; this module only decides the cases.

use std::time::Duration;

use quick_junit::{NonSuccessKind, TestCase, TestCaseStatus, TestSuite};

use super::{Finding, Report, Severity};

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
    let mut suite = TestSuite::new(format!("kapsel scan {}", r.site));
    suite.set_time(Duration::from_secs_f64(r.duration_seconds.max(0.0)));
    for (class, name, findings) in &cases {
        let failing: Vec<_> = findings
            .iter()
            .filter(|f| f.severity >= threshold)
            .collect();
        let passing: Vec<_> = findings.iter().filter(|f| f.severity < threshold).collect();
        let status = if failing.is_empty() {
            TestCaseStatus::success()
        } else {
            let kinds: Vec<&str> = failing.iter().map(|f| f.kind.as_str()).collect();
            let text: Vec<String> = failing
                .iter()
                .map(|f| format!("[{}] {}", f.severity, f.message))
                .collect();
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_type(kinds.join(","))
                .set_message(failing[0].message.as_str())
                .set_description(text.join("\n"));
            status
        };
        let mut case = TestCase::new(name.as_str(), status);
        case.set_classname(class.as_str());
        if !passing.is_empty() {
            let text: Vec<String> = passing
                .iter()
                .map(|f| format!("[{}] {}: {}", f.severity, f.kind, f.message))
                .collect();
            case.set_system_out(text.join("\n"));
        }
        suite.add_test_case(case);
    }
    for p in r.pages.iter().filter(|p| p.error.is_some()) {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(p.error.as_deref().unwrap_or(""));
        let mut case = TestCase::new(p.url.as_str(), status);
        case.set_classname(format!("page.{}", p.phase));
        suite.add_test_case(case);
    }
    let mut report = quick_junit::Report::new("kapsel");
    report.add_test_suite(suite);
    let mut out = report.to_string().unwrap_or_default();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}
