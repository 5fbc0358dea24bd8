//! `kapsel catalogue draft` end to end on report files: the draft and its notes are written, `check`
//! reports its TODOs (exit 1) and nothing else, `resolve` refuses it (exit 2) until a reviewer fills
//! them in, and bad input is refused naming the file (exit 2).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn kapsel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kapsel"))
        .args(args)
        .output()
        .expect("the kapsel binary runs")
}

fn status(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const SITE: &str = "https://www.example.kommune.no/";

/// A report in the JSON contract: one known cookie, one nobody knows (set by a third party's
/// script only after accept all), pages in every phase.
fn report() -> Value {
    let cookie = |name: &str, domain: &str, phases: &[&str], by: &str, life: Option<i64>| {
        json!({
            "name": name, "domain": domain, "path": "/", "expires": "session",
            "lifetime_seconds": life, "declared_lifetime_seconds": life, "size": 12,
            "http_only": false, "secure": true, "same_site": null, "partitioned": null,
            "first_party": domain.ends_with("example.kommune.no"),
            "before_consent": phases.contains(&"none"), "after_reject": phases.contains(&"reject"),
            "phases": phases,
            "first_seen": phases.iter().map(|p| json!({"phase": p, "page": SITE})).collect::<Vec<_>>(),
            "pages": [SITE], "set_by": "script", "set_by_host": by,
            "declared": false, "declared_as": null, "category": "unknown", "service": null,
            "vendor": null, "classified_by": "unknown"
        })
    };
    let pages: Vec<Value> = ["none", "accept", "reject"]
        .iter()
        .map(|p| json!({"url": SITE, "final_url": SITE, "phase": p, "status": 200, "error": null, "depth": 0, "via": "start", "millis": 80}))
        .collect();
    json!({
        "tool": "kapsel 0.1.0", "site": SITE, "started": "2026-12-01T09:00:00Z",
        "duration_seconds": 2.0, "complete": true, "stopped": null, "declared_sources": [],
        "summary": {}, "phases": [], "findings": [],
        "cookies": [
            cookie("PHPSESSID", "www.example.kommune.no", &["none", "accept", "reject"], "www.example.kommune.no", None),
            cookie("wqx_track", ".stats.example.org", &["accept"], "cdn.stats.example.org", Some(90 * 86_400)),
        ],
        "refused_cookies": [], "third_party_hosts": [], "storage": [], "pages": pages
    })
}

fn write(dir: &Path, name: &str, value: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, value).unwrap();
    path.display().to_string()
}

/// Fills every `TODO` the way a reviewer would: a name, a provider, a purpose, and for a
/// category the strictest one the TODO still allows.
fn fill(value: &mut Value, key: &str) {
    match value {
        Value::String(s) if s.starts_with("TODO") => {
            *s = match key {
                "category" if s.contains("preferences, statistics or marketing") => "statistics",
                "category" => "necessary",
                _ => "Reviewed by the web team.",
            }
            .to_string();
        }
        Value::Array(items) => items.iter_mut().for_each(|v| fill(v, key)),
        Value::Object(map) => map.iter_mut().for_each(|(k, v)| fill(v, k)),
        _ => {}
    }
}

#[test]
fn a_draft_is_checked_refused_until_reviewed_then_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let report = write(dir.path(), "report.json", &report().to_string());
    let statement = write(
        dir.path(),
        "personvern.txt",
        "Informasjonskapsler\nNavn\tFormål\nPHPSESSID\tHolder økta\n_utmz\tKampanjer\n",
    );
    let out_path = dir.path().join("declaration.json");
    let out = out_path.display().to_string();
    let run = kapsel(&[
        "catalogue",
        "draft",
        "--from-scan",
        &report,
        "--from-policy",
        &statement,
        "--languages",
        "nb,en",
        "--out",
        &out,
    ]);
    assert_eq!(status(&run), 0, "{}", text(&run));
    let review = std::fs::read_to_string(dir.path().join("declaration.review.md")).unwrap();
    assert!(
        review.contains("- [ ] `wqx_track`: nobody knows it"),
        "{review}"
    );
    let drift = std::fs::read_to_string(dir.path().join("declaration.statement.md")).unwrap();
    assert!(
        drift.contains("- `_utmz` (line 4)"),
        "a stale line: {drift}"
    );
    assert!(
        drift.contains("- `wqx_track` on .stats.example.org"),
        "the drift: {drift}"
    );

    let check = kapsel(&["catalogue", "check", &out]);
    assert_eq!(status(&check), 1, "{}", text(&check));
    let warnings: Vec<String> = text(&check)
        .lines()
        .filter(|l| l.ends_with(']'))
        .map(str::to_string)
        .collect();
    assert!(!warnings.is_empty());
    assert!(
        warnings.iter().all(|w| w.ends_with("[todo]")),
        "only TODOs: {warnings:#?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("cookie `wqx_track` category awaits review: TODO: preferences, statistics or marketing (not necessary")),
        "{warnings:#?}"
    );

    let resolve = kapsel(&["catalogue", "resolve", &out]);
    assert_eq!(status(&resolve), 2, "{}", text(&resolve));
    assert!(
        text(&resolve).contains(&format!("{out}:2:")),
        "{}",
        text(&resolve)
    );
    assert!(text(&resolve).contains("TODO(s) awaiting review"));
    let render = kapsel(&["catalogue", "render", &out]);
    assert_eq!(status(&render), 2, "the cookie table is for visitors too");

    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    fill(&mut doc, "");
    std::fs::write(&out_path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    let check = kapsel(&["catalogue", "check", &out]);
    assert_eq!(status(&check), 0, "{}", text(&check));
    let resolved = dir.path().join("kapsel.json").display().to_string();
    let resolve = kapsel(&["catalogue", "resolve", &out, "--out", &resolved]);
    assert_eq!(status(&resolve), 0, "{}", text(&resolve));
    let kapsel_json: Value =
        serde_json::from_str(&std::fs::read_to_string(&resolved).unwrap()).unwrap();
    let track = kapsel_json["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "wqx_track")
        .expect("the reviewed cookie reaches the banner");
    assert_eq!(track["category"], "statistics");
    assert_eq!(track["retention"], "3 months");
}

#[test]
fn bad_input_is_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.json").display().to_string();
    let draft =
        |report: &str| kapsel(&["catalogue", "draft", "--from-scan", report, "--out", &out]);

    let sarif = write(
        dir.path(),
        "scan.sarif",
        &json!({"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": []}).to_string(),
    );
    let run = draft(&sarif);
    assert_eq!(status(&run), 2);
    assert!(
        text(&run).contains(&format!(
            "{sarif}: not a kapsel scan report: it looks like SARIF"
        )),
        "{}",
        text(&run)
    );

    let mut empty = report();
    empty["cookies"] = json!([]);
    empty["pages"] = json!([]);
    let empty = write(dir.path(), "empty.json", &empty.to_string());
    let run = draft(&empty);
    assert_eq!(status(&run), 2);
    assert!(
        text(&run).contains(&format!("{empty}: the scan is empty")),
        "{}",
        text(&run)
    );

    let broken = write(
        dir.path(),
        "broken.json",
        "{\"tool\": \"kapsel\",\n  \"cookies\": [,]}",
    );
    let run = draft(&broken);
    assert_eq!(status(&run), 2);
    assert!(
        text(&run).contains(&format!("{broken}:2:")),
        "{}",
        text(&run)
    );

    let good = write(dir.path(), "report.json", &report().to_string());
    let run = kapsel(&[
        "catalogue",
        "draft",
        "--from-scan",
        &good,
        "--languages",
        "nb,se",
        "--out",
        &out,
    ]);
    assert_eq!(status(&run), 2);
    assert!(
        text(&run).contains("unknown language `se`"),
        "{}",
        text(&run)
    );
    let missing = dir.path().join("nope.txt").display().to_string();
    let run = kapsel(&[
        "catalogue",
        "draft",
        "--from-scan",
        &good,
        "--from-policy",
        &missing,
        "--out",
        &out,
    ]);
    assert_eq!(status(&run), 2);
    assert!(text(&run).contains(&missing), "{}", text(&run));
    assert!(!Path::new(&out).exists(), "nothing written on bad input");
}
