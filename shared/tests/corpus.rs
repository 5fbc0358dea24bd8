//! Extraction on the generalisation corpus (`tests/corpus`, see its README): prints recall and
//! precision per layout and overall with the built-in knowledge base only, and the recall on
//! names that base does not know. The development part must reach 0.95 overall and 0.90 in
//! every layout; the held-out part's figures are printed by a test of their own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kapsel_catalogue::extract::{extract, html_to_text, FoundName};
use kapsel_catalogue::json::{self, Value};
use kapsel_catalogue::KnowledgeBase;

fn corpus(part: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(part)
}

/// The comparison key: lower case, a leading dot and a trailing `*` or `.*` trimmed.
fn key(name: &str) -> String {
    let t = name.trim().trim_start_matches('.');
    let t = t.strip_suffix('*').unwrap_or(t);
    let t = t.strip_suffix('.').unwrap_or(t);
    t.to_lowercase()
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .unwrap_or(&[])
        .iter()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// Whether a found name stands for a required one (as written, or as the pattern it matches).
fn same(found: &FoundName, wanted: &str) -> bool {
    key(&found.name) == key(wanted)
        || found.known().is_some_and(|k| {
            !k.pattern.is_exact()
                && k.pattern.matches(wanted)
                && key(k.pattern.as_str()) == key(&found.name)
        })
}

/// Whether the base knows a name (or the family it writes).
fn known(base: &KnowledgeBase, name: &str) -> bool {
    base.lookup(name, None).is_some()
        || base
            .cookies()
            .iter()
            .any(|c| key(c.pattern.as_str()) == key(name))
}

#[derive(Default, Clone, Copy)]
struct Tally {
    required: usize,
    hit: usize,
    found: usize,
    right: usize,
    unknown: usize,
    unknown_hit: usize,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.required += o.required;
        self.hit += o.hit;
        self.found += o.found;
        self.right += o.right;
        self.unknown += o.unknown;
        self.unknown_hit += o.unknown_hit;
    }
    fn recall(&self) -> f64 {
        ratio(self.hit, self.required)
    }
    fn precision(&self) -> f64 {
        ratio(self.right, self.found)
    }
    fn line(&self, label: &str) -> String {
        format!(
            "{label:<16} recall {:.3} ({}/{})  precision {:.3} ({}/{})  unknown-to-base recall {:.3} ({}/{})",
            self.recall(),
            self.hit,
            self.required,
            self.precision(),
            self.right,
            self.found,
            ratio(self.unknown_hit, self.unknown),
            self.unknown_hit,
            self.unknown
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Extracts every statement of a part: the tally per layout and in total, printed as it goes.
fn measure(part: &str) -> (BTreeMap<String, Tally>, Tally) {
    let dir = corpus(part);
    let text = std::fs::read_to_string(dir.join("expected.json")).expect("expected.json");
    let expected = json::parse(&text).expect("expected.json is JSON");
    let base = KnowledgeBase::builtin();
    let mut layouts: BTreeMap<String, Tally> = BTreeMap::new();
    for member in expected.as_object().expect("an object") {
        if member.key == "about" {
            continue;
        }
        let layout = member
            .value
            .get("layout")
            .and_then(Value::as_str)
            .expect("a layout")
            .to_string();
        let t = statement_text(&dir.join(&member.key));
        let ex = extract(&t, base);
        let required = strings(member.value.get("required"));
        let optional = strings(member.value.get("optional"));
        let mut tally = Tally {
            required: required.len(),
            ..Tally::default()
        };
        let mut missed = Vec::new();
        for r in &required {
            let hit = ex.names.iter().any(|f| same(f, r));
            let unknown = !known(base, r);
            tally.hit += usize::from(hit);
            tally.unknown += usize::from(unknown);
            tally.unknown_hit += usize::from(hit && unknown);
            if !hit {
                missed.push(r.as_str());
            }
        }
        let mut wrong = Vec::new();
        for f in &ex.names {
            if optional.iter().any(|o| key(o) == key(&f.name)) {
                continue;
            }
            tally.found += 1;
            if required.iter().any(|r| same(f, r)) {
                tally.right += 1;
            } else {
                wrong.push(f.name.as_str());
            }
        }
        println!("{}", tally.line(&member.key));
        if !missed.is_empty() {
            println!("    missed: {missed:?}");
        }
        if !wrong.is_empty() {
            println!("    not declared: {wrong:?}");
        }
        layouts.entry(layout).or_default().add(tally);
    }
    let mut total = Tally::default();
    println!("-- {part}: per layout");
    for (layout, t) in &layouts {
        println!("{}", t.line(layout));
        total.add(*t);
    }
    println!("{}", total.line("total"));
    (layouts, total)
}

/// A statement's text: HTML made text as the extraction reads it.
fn statement_text(path: &Path) -> String {
    let raw = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    if path.extension().is_some_and(|e| e == "html") {
        html_to_text(&raw)
    } else {
        raw
    }
}

#[test]
fn development_part_reaches_the_targets() {
    let (layouts, total) = measure("dev");
    assert!(layouts.len() >= 7, "at least seven layouts");
    assert!(total.required >= 100, "a corpus of some size");
    let mut failures = Vec::new();
    for (layout, t) in &layouts {
        if t.recall() < 0.90 || t.precision() < 0.90 {
            failures.push(format!(
                "{layout}: recall {:.3}, precision {:.3} (< 0.90)",
                t.recall(),
                t.precision()
            ));
        }
    }
    assert!(total.recall() >= 0.95, "total recall {:.3}", total.recall());
    assert!(
        total.precision() >= 0.95,
        "total precision {:.3}",
        total.precision()
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The held-out part: figures printed, reported apart; held to the seeds' floor only, so that
/// it stays a measurement rather than a target the extractor is tuned to.
#[test]
fn held_out_part_figures() {
    let (_, total) = measure("heldout");
    assert!(total.required >= 40, "a held-out part of some size");
    assert!(
        total.recall() >= 0.80,
        "held-out recall {:.3}",
        total.recall()
    );
    assert!(
        total.precision() >= 0.80,
        "held-out precision {:.3}",
        total.precision()
    );
}
