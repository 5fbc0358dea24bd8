//! SARIF 2.1.0: one rule per finding kind, one result per finding, located at the page URL.

use serde_json::{json, Value};

use super::{FindingKind, Report, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// Renders SARIF 2.1.0 JSON.
pub fn render(r: &Report) -> String {
    let rules: Vec<Value> = FindingKind::ALL
        .iter()
        .map(|k| {
            json!({
                "id": k.as_str(),
                "name": k.as_str(),
                "shortDescription": { "text": k.description() },
                "fullDescription": { "text": k.description() },
                "defaultConfiguration": { "level": level(k.severity()) },
                "properties": { "severity": k.severity().as_str() }
            })
        })
        .collect();
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let uri = f.page.clone().unwrap_or_else(|| r.site.clone());
            let rule_index = FindingKind::ALL
                .iter()
                .position(|k| *k == f.kind)
                .unwrap_or(0);
            json!({
                "ruleId": f.kind.as_str(),
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": uri } },
                    "logicalLocations": [{
                        "name": f.cookie.clone().or_else(|| f.domain.clone()).unwrap_or_default(),
                        "kind": if f.cookie.is_some() { "cookie" } else { "host" }
                    }]
                }],
                "properties": {
                    "severity": f.severity.as_str(),
                    "cookie": f.cookie,
                    "domain": f.domain,
                    "phase": f.phase
                }
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "kapsel",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }},
            "invocations": [{ "executionSuccessful": r.complete }],
            "results": results
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
