//! Report formats: several `--out` files in one run, each valid for its consumers (JSON parses
//! and follows the contract, JUnit is well-formed XML, SARIF has the 2.1.0 required fields, HTML
//! loads nothing from outside), and `kapsel diff` between two reports.

mod support;

use std::process::Command;

use support::{assert_exit, write_temp, Response, Server};

/// A small XML well-formedness check: balanced tags, quoted attributes, known entities.
fn assert_well_formed_xml(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml.trim_start();
    if let Some(after) = rest.strip_prefix("<?xml") {
        rest = &after[after.find("?>").expect("end of XML declaration") + 2..];
    }
    let mut roots = 0;
    while let Some(lt) = rest.find('<') {
        check_text(&rest[..lt]);
        rest = &rest[lt..];
        let gt = rest.find('>').expect("unclosed tag");
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name = body
            .split_whitespace()
            .next()
            .expect("tag name")
            .to_string();
        let attrs = &body[name.len()..];
        let mut quotes = 0;
        for c in attrs.chars() {
            if c == '"' {
                quotes += 1;
            }
            assert!(c != '<', "`<` inside a tag: {tag}");
        }
        assert_eq!(quotes % 2, 0, "unbalanced quotes in <{tag}>");
        check_text(attrs);
        if stack.is_empty() {
            roots += 1;
        }
        if !self_closing {
            stack.push(name);
        }
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed: {stack:?}");
    assert_eq!(roots, 1, "one root element");
}

fn check_text(text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        rest = &rest[amp..];
        let semi = rest.find(';').expect("unterminated entity");
        let entity = &rest[1..semi];
        assert!(
            ["amp", "lt", "gt", "quot", "apos"].contains(&entity) || entity.starts_with('#'),
            "unknown entity &{entity};"
        );
        rest = &rest[semi + 1..];
    }
}

fn site() -> Server {
    Server::http(|req| {
        match req.path.as_str() {
        "/" => Response::html(
            "<p>Front</p><a href='/two'>two</a><script>document.cookie='_ga=1; max-age=999999'</script>",
        )
        .cookie("weird<&>\"name=1; Path=/"),
        "/two" => Response::html("<p>Two</p>").cookie("PHPSESSID=x; Path=/"),
        _ => Response::status(404),
    }
    })
}

#[test]
fn json_junit_sarif_and_html_in_one_run() {
    let site = site();
    let dir = tempfile::tempdir().unwrap();
    let (json, junit, sarif, html) = (
        dir.path().join("r.json"),
        dir.path().join("junit.xml"),
        dir.path().join("r.sarif"),
        dir.path().join("r.html"),
    );
    let out = Command::new(support::kapsel())
        .args(["scan", &format!("http://127.0.0.1:{}/", site.port)])
        .args([
            "--consent",
            "none",
            "--wait",
            "200",
            "--dwell",
            "300",
            "--format",
            "table",
            "--lang",
            "nb",
        ])
        .arg("--out")
        .arg(&json)
        .arg("--out")
        .arg(&junit)
        .arg("--out")
        .arg(&sarif)
        .arg("--out")
        .arg(&html)
        .output()
        .unwrap();
    assert_exit(&out, 1);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("STATISTICS"), "table on stdout: {table}");
    assert!(table.contains("set-before-consent"));

    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for key in ["cookies", "findings", "pages", "summary"] {
        assert!(!report[key].is_null(), "missing {key}");
    }
    for c in report["cookies"].as_array().unwrap() {
        for key in [
            "name",
            "domain",
            "path",
            "expires",
            "first_party",
            "before_consent",
            "pages",
            "declared",
            "category",
            "service",
        ] {
            assert!(c.get(key).is_some(), "cookie without {key}: {c}");
        }
    }
    for f in report["findings"].as_array().unwrap() {
        for key in ["kind", "severity", "cookie", "domain", "page", "message"] {
            assert!(f.get(key).is_some(), "finding without {key}: {f}");
        }
    }
    for p in report["pages"].as_array().unwrap() {
        for key in ["url", "status", "error"] {
            assert!(p.get(key).is_some(), "page without {key}: {p}");
        }
    }

    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_well_formed_xml(&xml);
    assert!(
        xml.contains("<failure"),
        "the set-before-consent finding fails a case"
    );
    assert!(xml.contains("weird&lt;&amp;&gt;&quot;name"));

    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(s["version"], "2.1.0");
    let run = &s["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "kapsel");
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for r in results {
        assert!(r["message"]["text"].is_string());
        assert!(rules.contains(&r["ruleId"].as_str().unwrap()));
        assert!(["error", "warning", "note", "none"].contains(&r["level"].as_str().unwrap()));
        assert!(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].is_string());
    }

    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<html lang=\"nb\">"), "--lang nb: {page}");
    for heading in [
        "<h2>Sammendrag</h2>",
        "<h2>Funn (",
        "<h2>Hva hvert valg gir</h2>",
    ] {
        assert!(page.contains(heading), "{heading} in the nb report");
    }
    assert!(!page.contains("<h2>Summary</h2>"));
    assert!(page.contains("<code>_ga</code>"));
    assert!(
        !page.contains('`'),
        "messages read as prose, no Markdown backticks"
    );
    assert!(page.contains("id=\"matrix\""), "a cookie × phase matrix");
    assert!(
        page.contains("weird&lt;&amp;&gt;&quot;name"),
        "cookie names are escaped"
    );
    for outside in ["<script", "<link", "src=", "@import", "url("] {
        assert!(
            !page.contains(outside),
            "the HTML report must be self-contained: {outside}"
        );
    }
}

#[test]
fn an_unknown_report_language_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("r.html");
    let out = Command::new(support::kapsel())
        .args(["scan", "http://127.0.0.1:9/", "--lang", "de", "--out"])
        .arg(&html)
        .output()
        .unwrap();
    assert_exit(&out, 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--lang de"), "names the bad value: {err}");
    assert!(!html.exists(), "no report before the input is right");

    // The crawl passes the language to every site's report, and checks it first.
    let sites = write_temp(dir.path(), "sites.txt", "http://127.0.0.1:9/\n");
    let out = Command::new(support::kapsel())
        .args(["crawl", "--sites"])
        .arg(&sites)
        .args(["--run-id", "r1", "--shard-index", "0", "--shard-count", "1"])
        .arg("--out-dir")
        .arg(dir.path().join("out"))
        .args(["--lang", "de"])
        .output()
        .unwrap();
    assert_exit(&out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--lang de"));
    assert!(!dir.path().join("out").exists(), "nothing written");
}

#[test]
fn diff_lists_what_appeared_and_disappeared() {
    let dir = tempfile::tempdir().unwrap();
    let report = |names: &[&str], finding: bool| {
        let cookies: Vec<serde_json::Value> = names
            .iter()
            .map(|n| {
                serde_json::json!({
                    "name": n, "domain": "example.no", "path": "/", "expires": "session",
                    "lifetime_seconds": null, "declared_lifetime_seconds": null, "size": 2,
                    "http_only": false, "secure": false, "same_site": null, "partitioned": null,
                    "first_party": true, "before_consent": true, "after_reject": false,
                    "phases": ["none"], "first_seen": [], "pages": [], "set_by": "header",
                    "set_by_host": null, "declared": false, "declared_as": null,
                    "category": "unknown", "service": null, "vendor": null, "classified_by": "unknown"
                })
            })
            .collect();
        let findings = if finding {
            serde_json::json!([{ "kind": "undeclared", "severity": "medium", "cookie": "b",
                "domain": "example.no", "page": null, "phase": "none", "message": "b" }])
        } else {
            serde_json::json!([])
        };
        serde_json::json!({
            "tool": "kapsel", "site": "https://example.no/", "started": "2026-01-01T00:00:00Z",
            "duration_seconds": 1.0, "complete": true, "stopped": null, "declared_sources": [],
            "summary": {}, "phases": [], "findings": findings, "cookies": cookies,
            "refused_cookies": [], "third_party_hosts": [], "storage": [], "pages": []
        })
        .to_string()
    };
    let old = write_temp(dir.path(), "old.json", &report(&["a", "c"], false));
    let new = write_temp(dir.path(), "new.json", &report(&["a", "b"], true));
    let out = Command::new(support::kapsel())
        .args([
            "diff",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "something appeared");
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["cookies_added"], serde_json::json!(["b (example.no)"]));
    assert_eq!(d["cookies_removed"], serde_json::json!(["c (example.no)"]));
    assert_eq!(d["findings_added"].as_array().unwrap().len(), 1);

    let out = Command::new(support::kapsel())
        .args([
            "diff",
            new.to_str().unwrap(),
            new.to_str().unwrap(),
            "--format",
            "table",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no changes"));

    let broken = write_temp(dir.path(), "broken.json", "{\"tool\": 1,\n nope");
    let out = Command::new(support::kapsel())
        .args(["diff", broken.to_str().unwrap(), new.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.json:"));
}
