//! SARIF 2.1.0: one rule per finding kind, one result per finding, located at the page URL.
//! The document is built from the `serde-sarif` crate's typed model (generated from the
//! SARIF 2.1.0 schema); this module only maps findings onto it.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    PhysicalLocation, PropertyBag, ReportingConfiguration, ReportingDescriptor,
    Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use super::{FindingKind, Report, Severity};

/// The SARIF level name of a severity.
fn level_name(s: Severity) -> &'static str {
    match s {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

/// A property bag of named JSON values.
fn properties<const N: usize>(entries: [(&str, Value); N]) -> PropertyBag {
    let additional: BTreeMap<String, Value> = entries
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    PropertyBag::builder()
        .additional_properties(additional)
        .build()
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s).build()
}

/// Renders SARIF 2.1.0 JSON.
pub fn render(r: &Report) -> String {
    let rules: Vec<ReportingDescriptor> = FindingKind::ALL
        .iter()
        .map(|k| {
            ReportingDescriptor::builder()
                .id(k.as_str())
                .name(k.as_str())
                .short_description(text(k.description()))
                .full_description(text(k.description()))
                .default_configuration(
                    ReportingConfiguration::builder()
                        .level(json!(level_name(k.severity())))
                        .build(),
                )
                .properties(properties([("severity", json!(k.severity().as_str()))]))
                .build()
        })
        .collect();
    let results: Vec<SarifResult> = r
        .findings
        .iter()
        .map(|f| {
            let uri = f.page.clone().unwrap_or_else(|| r.site.clone());
            let rule_index = FindingKind::ALL
                .iter()
                .position(|k| *k == f.kind)
                .unwrap_or(0);
            let logical = LogicalLocation::builder()
                .name(
                    f.cookie
                        .clone()
                        .or_else(|| f.domain.clone())
                        .unwrap_or_default(),
                )
                .kind(if f.cookie.is_some() { "cookie" } else { "host" })
                .build();
            let location = Location::builder()
                .physical_location(
                    PhysicalLocation::builder()
                        .artifact_location(ArtifactLocation::builder().uri(uri).build())
                        .build(),
                )
                .logical_locations(vec![logical])
                .build();
            SarifResult::builder()
                .rule_id(f.kind.as_str())
                .rule_index(rule_index as i64)
                .level(level(f.severity))
                .message(Message::builder().text(f.message.as_str()).build())
                .locations(vec![location])
                .properties(properties([
                    ("severity", json!(f.severity.as_str())),
                    ("cookie", json!(f.cookie)),
                    ("domain", json!(f.domain)),
                    ("phase", json!(f.phase)),
                ]))
                .build()
        })
        .collect();
    let driver = ToolComponent::builder()
        .name("kapsel")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .invocations(vec![Invocation::builder()
            .execution_successful(r.complete)
            .build()])
        .results(results)
        .build();
    let doc = Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
