//! How long matching 10,000 observed cookies against the knowledge base takes.
//! Run with `cargo bench -p kapsel-catalogue --bench lookup`.

use std::hint::black_box;
use std::time::Instant;

use kapsel_catalogue::KnowledgeBase;

fn main() {
    measure("built-in", KnowledgeBase::builtin());
    // With the Open Cookie Database merged in, when the team folder beside the repo has it.
    let csv = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/open-cookie-database/open-cookie-database.csv"
    );
    if let Ok(text) = std::fs::read_to_string(csv) {
        let mut base = KnowledgeBase::builtin().clone();
        base.merge(kapsel_catalogue::ocd::read_csv(&text, csv).expect("the database reads"));
        measure("built-in + Open Cookie Database", &base);
    }
}

fn measure(label: &str, base: &KnowledgeBase) {
    // Observed names: every known exact name, concrete instances of every pattern, and unknown
    // names, repeated to 10,000.
    let mut names: Vec<(String, &str)> = Vec::new();
    for c in base.cookies() {
        let concrete = c.pattern.canonical().replace('*', "A1b2C3");
        names.push((concrete, ".example.no"));
        names.push((format!("{}_unknown", c.pattern.prefix()), ".example.no"));
    }
    names.push(("completely_unknown_cookie".into(), "www.example.no"));
    let observed: Vec<(String, &str)> = names.iter().cycle().take(10_000).cloned().collect();

    let rounds = 20;
    let start = Instant::now();
    let mut found = 0;
    for _ in 0..rounds {
        for (name, domain) in &observed {
            if black_box(base.lookup(black_box(name), Some(domain))).is_some() {
                found += 1;
            }
        }
    }
    let per_scan = start.elapsed() / rounds;
    println!(
        "lookup ({label}): {} entries in the base; 10,000 observed cookies matched in {:.2} ms per scan ({} matches per scan)",
        base.cookies().len(),
        per_scan.as_secs_f64() * 1000.0,
        found / rounds as usize
    );
}
