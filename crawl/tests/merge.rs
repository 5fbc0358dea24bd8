//! Merging run directories: complete, incomplete, and mixed with other runs' files; and the
//! comparison of two national runs.

use std::path::Path;

use kapsel_crawl::merge::{merge, MergeError};
use kapsel_crawl::record::{Header, SiteRecord, Status, FORMAT};
use kapsel_crawl::sites::SitesFile;
use serde_json::json;

const SITES: &str =
    "# three sites\nhttps://www.a.no/\nhttps://www.b.no/ decl.json\nhttps://www.c.no/\n";

fn sites(dir: &Path, text: &str) -> SitesFile {
    let p = dir.join("sites.txt");
    std::fs::write(&p, text).unwrap();
    SitesFile::read(&p).unwrap()
}

fn report(findings: &[(&str, &str)], declared: bool) -> serde_json::Value {
    json!({
        "complete": true,
        "declared_sources": if declared { json!(["decl.json"]) } else { json!([]) },
        "phases": [
            {"phase": "none", "banner_found": true, "clicked": null},
            {"phase": "accept", "banner_found": true, "clicked": "accept-all"}
        ],
        "pages": [{"url": "https://x/", "error": null}, {"url": "https://x/2", "error": null}],
        "findings": findings.iter().map(|(k, s)| json!({"kind": k, "severity": s})).collect::<Vec<_>>(),
    })
}

fn write(
    run: &Path,
    sites: &SitesFile,
    host: &str,
    outcome: Status,
    report: Option<serde_json::Value>,
) {
    SiteRecord {
        header: Header {
            format: FORMAT.into(),
            run_id: run.file_name().unwrap().to_string_lossy().into_owned(),
            sites_sha256: sites.sha256.clone(),
            options_sha256: "opts".into(),
            kapsel_version: "0.1.0".into(),
            host: host.into(),
            url: format!("https://{host}/"),
            shard: "0/1".into(),
            outcome,
            reason: (outcome != Status::Ok).then(|| "net::ERR_NAME_NOT_RESOLVED".into()),
            duration_seconds: 1.0,
        },
        report,
    }
    .write(run)
    .unwrap();
}

#[test]
fn complete_run_is_ranked_worst_first_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let s = sites(dir.path(), SITES);
    let run = dir.path().join("2026-W49");
    write(
        &run,
        &s,
        "www.a.no",
        Status::Ok,
        Some(report(&[("undeclared", "medium")], false)),
    );
    write(
        &run,
        &s,
        "www.b.no",
        Status::Ok,
        Some(report(
            &[
                ("set-before-consent", "high"),
                ("declared-not-found", "low"),
                ("misspelled-declaration", "low"),
            ],
            true,
        )),
    );
    write(
        &run,
        &s,
        "www.c.no",
        Status::Unreachable,
        Some(
            json!({"pages": [{"url": "https://www.c.no/", "error": "dns"}], "phases": [{"phase": "none", "banner_found": false}]}),
        ),
    );
    let n = merge(&run, &s).unwrap();
    assert!(n.complete && n.missing.is_empty());
    let order: Vec<&str> = n.sites.iter().map(|r| r.host.as_str()).collect();
    assert_eq!(
        order,
        ["www.b.no", "www.c.no", "www.a.no"],
        "high, then unmeasured, then medium"
    );
    let b = &n.sites[0];
    assert_eq!(
        (
            b.set_before_consent,
            b.statement_drift,
            b.banner_found,
            b.banner_pressed
        ),
        (1, Some(2), Some(true), Some(true))
    );
    assert_eq!(
        n.sites[2].statement_drift, None,
        "no statement given: no drift to speak of"
    );
    assert_eq!(
        n.sites[1].banner_found, None,
        "an unreachable site says nothing about banners"
    );
    assert_eq!(n.by_kind.get("set-before-consent"), Some(&1));
    assert_eq!(n.by_status.get("unreachable"), Some(&1));
    let again = merge(&run, &s).unwrap();
    assert_eq!(
        serde_json::to_string(&n).unwrap(),
        serde_json::to_string(&again).unwrap()
    );
}

#[test]
fn incomplete_run_lists_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let s = sites(dir.path(), SITES);
    let run = dir.path().join("2026-W49");
    write(&run, &s, "www.a.no", Status::Ok, Some(report(&[], false)));
    // A temporary file a killed shard might have left is not a result.
    std::fs::write(run.join("sites/.partial-xyz"), "{").unwrap();
    let n = merge(&run, &s).unwrap();
    assert!(!n.complete);
    assert_eq!(n.missing, ["www.b.no", "www.c.no"]);
    assert_eq!(n.sites.iter().filter(|r| r.status == "missing").count(), 2);
    assert_eq!(
        n.sites.last().unwrap().host,
        "www.a.no",
        "the clean site comes last"
    );
    let html = kapsel_crawl::overview::render(&n, kapsel_crawl::overview::Lang::Nb, "");
    assert!(html.contains("Ufullstendig:") && html.contains("www.b.no, www.c.no"));
}

#[test]
fn mixed_runs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = sites(dir.path(), SITES);
    let run = dir.path().join("2026-W49");
    write(&run, &s, "www.a.no", Status::Ok, Some(report(&[], false)));

    // A file copied in from last week's run.
    let last = dir.path().join("2026-W48");
    write(&last, &s, "www.b.no", Status::Ok, None);
    std::fs::copy(
        last.join("sites/www.b.no.json"),
        run.join("sites/www.b.no.json"),
    )
    .unwrap();
    let e = merge(&run, &s).unwrap_err();
    assert!(matches!(e, MergeError::OtherRun { .. }), "{e}");
    assert!(e.to_string().contains("run id \"2026-W48\""), "{e}");
    std::fs::remove_file(run.join("sites/www.b.no.json")).unwrap();

    // The same run id, another sites file.
    let other = sites(
        &dir.path().join("."),
        "https://www.a.no/\nhttps://www.d.no/\n",
    );
    let e = merge(&run, &other).unwrap_err();
    assert!(e.to_string().contains("another sites file"), "{e}");

    // Same run, other options.
    let s = sites(dir.path(), SITES);
    let mut rec = SiteRecord::read(&run.join("sites/www.a.no.json")).unwrap();
    rec.header.host = "www.c.no".into();
    rec.header.options_sha256 = "other".into();
    rec.write(&run).unwrap();
    let e = merge(&run, &s).unwrap_err();
    assert!(e.to_string().contains("other options"), "{e}");
}

#[test]
fn comparing_two_runs_names_better_and_worse_sites() {
    let dir = tempfile::tempdir().unwrap();
    let s = sites(dir.path(), SITES);
    let w48 = dir.path().join("2026-W48");
    let w49 = dir.path().join("2026-W49");
    write(
        &w48,
        &s,
        "www.a.no",
        Status::Ok,
        Some(report(&[("set-before-consent", "high")], false)),
    );
    write(&w48, &s, "www.b.no", Status::Ok, Some(report(&[], false)));
    write(&w48, &s, "www.c.no", Status::Ok, Some(report(&[], false)));
    write(&w49, &s, "www.a.no", Status::Ok, Some(report(&[], false)));
    write(
        &w49,
        &s,
        "www.b.no",
        Status::Ok,
        Some(report(&[("set-after-reject", "high")], false)),
    );
    write(&w49, &s, "www.c.no", Status::Ok, Some(report(&[], false)));
    let c = kapsel_crawl::compare::compare(&merge(&w48, &s).unwrap(), &merge(&w49, &s).unwrap());
    assert_eq!(
        c.better.iter().map(|x| x.host.as_str()).collect::<Vec<_>>(),
        ["www.a.no"]
    );
    assert_eq!(
        c.worse.iter().map(|x| x.host.as_str()).collect::<Vec<_>>(),
        ["www.b.no"]
    );
    assert_eq!(c.worse[0].details, ["set-after-reject 0 → 1"]);
    let text = kapsel_crawl::compare::render_text(&c);
    assert!(
        text.contains("worse   www.b.no: set-after-reject 0 → 1"),
        "{text}"
    );
}
