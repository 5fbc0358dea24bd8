//! Each finding kind is produced where it should be and nowhere else: one site with a banner,
//! a declaration that is right about some cookies and wrong about others, scanned in all three
//! consent phases.

mod support;

use support::{findings, scan, write_temp, Response, Server};

fn trackers() -> Server {
    Server::https(
        &["www.facebook.com", "www.google-analytics.com"],
        |req| match (req.host.as_str(), req.path.split('?').next().unwrap_or("")) {
            ("www.facebook.com", "/plugin") => Response::html("<p>like</p>").cookie(
                "datr=abc; Max-Age=63072000; Path=/; Domain=.facebook.com; SameSite=None; Secure",
            ),
            ("www.google-analytics.com", "/collect") => Response::typed("image/gif", "GIF89a"),
            _ => Response::status(404),
        },
    )
}

/// A front page that sets `_ga` before any choice and pings the analytics host; accept loads a
/// Facebook frame; reject still sets `_fbp` (the breach the reject phase must catch).
fn site(tp: u16) -> Server {
    Server::http(move |req| {
        match req.path.split('?').next().unwrap_or("") {
        "/" => Response::html(format!(
            r#"<!doctype html><html lang="nb"><body>
            <div id="kapsel-banner" role="dialog" aria-label="Informasjonskapsler">
              <button data-kapsel-action="accept-all" onclick="choose(true)">Godta alle</button>
              <button data-kapsel-action="reject-all" onclick="choose(false)">Avvis alle</button>
            </div>
            <img src="https://www.google-analytics.com:{tp}/collect?v=2" alt="">
            <a href="/about">Om oss</a>
            <script>
              document.cookie = "_ga=GA1.1.42; max-age=63072000; path=/";
              function choose(all) {{
                document.getElementById('kapsel-banner').remove();
                document.cookie = "consent=" + (all ? "all" : "none") + "; max-age=15552000; path=/";
                if (all) {{
                  const f = document.createElement('iframe');
                  f.src = "https://www.facebook.com:{tp}/plugin";
                  document.body.appendChild(f);
                }} else {{
                  document.cookie = "_fbp=fb.1.2; max-age=7776000; path=/";
                }}
              }}
            </script></body></html>"#
        ))
        .cookie("sess=1; Path=/; HttpOnly")
        .cookie("zq_x9=1; Path=/"),
        "/about" => Response::html("<p>Om oss</p>"),
        _ => Response::status(404),
    }
    })
}

const DECLARATION: &str = r#"{
  "site": "Testkommune",
  "revision": "1",
  "languages": ["nb"],
  "services": [
    { "id": "stats", "name": "Statistikk", "provider": "Google", "category": "statistics",
      "purpose": { "nb": "Besøksstatistikk" }, "hosts": ["www.google-analytics.com"] }
  ],
  "cookies": [
    { "name": "sess", "category": "necessary", "purpose": { "nb": "Økt" }, "retention": "session" },
    { "name": "consent", "category": "necessary", "purpose": { "nb": "Samtykke" }, "retention": "6 months" },
    { "name": "_ga", "service": "stats", "category": "statistics", "purpose": { "nb": "Statistikk" }, "retention": "24 hours" },
    { "name": "_fbp", "category": "marketing", "purpose": { "nb": "Annonser" }, "retention": "90 days" },
    { "name": "_utmz", "category": "statistics", "purpose": { "nb": "Kampanjer" }, "retention": "6 months" },
    { "name": "ghost", "category": "necessary", "purpose": { "nb": "Ingenting" }, "retention": "session" }
  ]
}"#;

#[test]
fn every_finding_kind_where_it_belongs_and_nowhere_else() {
    let tp = trackers();
    let site = site(tp.port);
    let dir = tempfile::tempdir().unwrap();
    let decl = write_temp(dir.path(), "declaration.json", DECLARATION);
    let url = format!("http://127.0.0.1:{}/", site.port);
    let r1 = format!("www.facebook.com:{}:127.0.0.1", tp.port);
    let r2 = format!("www.google-analytics.com:{}:127.0.0.1", tp.port);
    let (out, report) = scan(
        &url,
        &[
            "--declared",
            decl.to_str().unwrap(),
            "--resolve",
            &r1,
            "--resolve",
            &r2,
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "findings → exit 1; stderr: {stderr}"
    );

    let phases = report["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 3);
    for p in &phases[1..] {
        assert_eq!(p["banner"], "kapsel", "{p}");
        assert!(p["clicked"].is_string(), "{p}");
    }

    assert_eq!(
        findings(&report, "set-before-consent"),
        vec!["_ga", "www.google-analytics.com"],
        "{report:#}"
    );
    assert_eq!(findings(&report, "set-after-reject"), vec!["_fbp", "_ga"]);
    assert_eq!(findings(&report, "undeclared"), vec!["datr", "zq_x9"]);
    assert_eq!(findings(&report, "unknown-cookie"), vec!["zq_x9"]);
    assert_eq!(findings(&report, "retention-mismatch"), vec!["_ga"]);
    assert_eq!(findings(&report, "misspelled-declaration"), vec!["_utmz"]);
    assert_eq!(findings(&report, "declared-not-found"), vec!["ghost"]);
    assert_eq!(
        findings(&report, "undeclared-third-party"),
        vec!["www.facebook.com"]
    );

    let fnd = report["findings"].as_array().unwrap();
    let misspelled = fnd
        .iter()
        .find(|f| f["kind"] == "misspelled-declaration")
        .unwrap();
    assert!(misspelled["message"].as_str().unwrap().contains("__utmz"));
    let before = fnd
        .iter()
        .find(|f| f["kind"] == "set-before-consent" && f["cookie"] == "_ga")
        .unwrap();
    assert_eq!(before["severity"], "high");
    assert_eq!(before["page"], url.as_str());
    // datr appeared only after accept.
    let datr = support::cookies(&report, "datr")[0];
    assert_eq!(datr["phases"], serde_json::json!(["accept"]));
    assert_eq!(datr["category"], "marketing");
    assert_eq!(datr["classified_by"], "knowledge-base");
    let ga = support::cookies(&report, "_ga")[0];
    assert_eq!(ga["classified_by"], "declaration");
    assert_eq!(ga["declared"], true);
}

#[test]
fn without_a_banner_the_report_says_so_and_fail_on_sets_the_status() {
    let site =
        Server::http(|_| Response::html("<p>no banner</p>").cookie("_ga=1; Max-Age=600; Path=/"));
    let url = format!("http://127.0.0.1:{}/", site.port);
    let (out, report) = scan(&url, &["--consent", "accept", "--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(0));
    let phase = &report["phases"][0];
    assert_eq!(phase["banner_found"], false);
    assert!(phase["note"]
        .as_str()
        .unwrap()
        .contains("no consent banner found"));
    // No declaration: nothing is `undeclared`, and `_ga` is not "before consent" in an accept-only scan.
    assert!(findings(&report, "undeclared").is_empty());
    assert!(findings(&report, "set-before-consent").is_empty());

    let (out, report) = scan(&url, &["--consent", "none", "--fail-on", "high"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(findings(&report, "set-before-consent"), vec!["_ga"]);
    let (out, _) = scan(&url, &["--consent", "none", "--fail-on", "never"]);
    assert_eq!(out.status.code(), Some(0));
}
