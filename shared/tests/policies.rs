//! Extraction on the five real privacy statements kept beside the repository
//! (`<repo>/../shared/policies`, with `expected.json`): prints recall and precision per statement
//! and in total, and requires at least 0.95 of each. Skipped, with a note, when the folder is
//! absent.
//!
//! Scoring follows `expected.json`'s `about`: names compare case-insensitively after trimming
//! dots and spaces at the ends; a required prefix name (`ASPSESSIONIDACABABQ`) may come back as
//! written or as the pattern of the base entry it matches; `optional` names neither count for
//! nor against; every other name found counts against precision.

use std::path::PathBuf;

use kapsel_catalogue::extract::{extract, Extraction};
use kapsel_catalogue::json::{self, Value};
use kapsel_catalogue::KnowledgeBase;

fn policies_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/policies")
}

fn key(name: &str) -> String {
    name.trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_lowercase()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .unwrap_or(&[])
        .iter()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// Whether a found name stands for a required one (as written, or as the pattern it matches).
fn same(found: &kapsel_catalogue::extract::FoundName, wanted: &str) -> bool {
    key(&found.name) == key(wanted)
        || found.known().is_some_and(|k| {
            !k.pattern.is_exact()
                && k.pattern.matches(wanted)
                && key(k.pattern.as_str()) == key(&found.name)
        })
}

struct Score {
    required: usize,
    hit: usize,
    found: usize,
    counted_right: usize,
}

fn score(
    ex: &Extraction,
    required: &[String],
    optional: &[String],
) -> (Score, Vec<String>, Vec<String>) {
    let missed: Vec<String> = required
        .iter()
        .filter(|r| !ex.names.iter().any(|f| same(f, r)))
        .cloned()
        .collect();
    let mut wrong = Vec::new();
    let mut counted = 0;
    let mut right = 0;
    for f in &ex.names {
        if optional.iter().any(|o| key(o) == key(&f.name)) {
            continue;
        }
        counted += 1;
        if required.iter().any(|r| same(f, r)) {
            right += 1;
        } else {
            wrong.push(f.name.clone());
        }
    }
    (
        Score {
            required: required.len(),
            hit: required.len() - missed.len(),
            found: counted,
            counted_right: right,
        },
        missed,
        wrong,
    )
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

#[test]
fn real_statements_reach_the_recall_and_precision_targets() {
    let dir = policies_dir();
    let Ok(expected_text) = std::fs::read_to_string(dir.join("expected.json")) else {
        println!(
            "note: {} not found; the real-statement extraction test is skipped",
            dir.display()
        );
        return;
    };
    let expected = json::parse(&expected_text).expect("expected.json is JSON");
    let base = KnowledgeBase::builtin();
    let (mut required, mut hit, mut found, mut right) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for member in expected.as_object().expect("an object") {
        if member.key == "about" {
            continue;
        }
        let text = std::fs::read_to_string(dir.join(&member.key))
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", member.key));
        let ex = extract(&text, base);
        let req = strings(member.value.get("required"));
        let opt = strings(member.value.get("optional"));
        let forbidden = strings(member.value.get("forbidden"));
        let want_services = strings(member.value.get("services"));
        let (s, missed, wrong) = score(&ex, &req, &opt);
        println!(
            "{:<28} recall {:.2} ({}/{})  precision {:.2} ({}/{})",
            member.key,
            ratio(s.hit, s.required),
            s.hit,
            s.required,
            ratio(s.counted_right, s.found),
            s.counted_right,
            s.found
        );
        if !missed.is_empty() {
            println!("    missed: {missed:?}");
        }
        if !wrong.is_empty() {
            println!("    not declared: {wrong:?}");
        }
        let services: Vec<&str> = ex.services.iter().map(|s| s.service.id.as_str()).collect();
        println!("    services: {services:?}");
        for f in &forbidden {
            if ex.names.iter().any(|n| key(&n.name) == key(f)) {
                failures.push(format!("{}: forbidden `{f}` extracted", member.key));
            }
        }
        for s in &want_services {
            if !services.contains(&s.as_str()) {
                failures.push(format!("{}: service `{s}` not found", member.key));
            }
        }
        required += s.required;
        hit += s.hit;
        found += s.found;
        right += s.counted_right;
        if ratio(s.hit, s.required) < 0.95 || ratio(s.counted_right, s.found) < 0.95 {
            failures.push(format!("{}: below 0.95", member.key));
        }
    }
    let (recall, precision) = (ratio(hit, required), ratio(right, found));
    println!(
        "{:<28} recall {recall:.3} ({hit}/{required})  precision {precision:.3} ({right}/{found})",
        "total"
    );
    assert!(recall >= 0.95, "total recall {recall:.3} < 0.95");
    assert!(precision >= 0.95, "total precision {precision:.3} < 0.95");
    assert!(failures.is_empty(), "{failures:#?}");
}
