//! Consent banners: a banner without Kapsel's markup is still found by its button texts
//! (Nynorsk here), each phase runs in a fresh profile, and `--policy` compares with the names a
//! privacy statement lists.

mod support;

use support::{assert_exit, cookies, findings, scan, write_temp, Response, Server};

fn site() -> Server {
    Server::http(|req| {
        let consent = req.cookie.contains("val=");
        match req.path.as_str() {
            "/" => Response::html(format!(
                r#"<!doctype html><html lang="nn"><body>
                {}
                <a href="/side">Side</a>
                <script>
                  function val(ja) {{
                    document.cookie = "val=" + (ja ? "ja" : "nei") + "; max-age=86400; path=/";
                    if (ja) document.cookie = "_gid=GA1.1.7; max-age=86400; path=/";
                    document.getElementById('banner').remove();
                  }}
                </script></body></html>"#,
                if consent {
                    String::new()
                } else {
                    r#"<div id="banner"><p>Vi brukar informasjonskapslar.</p>
                    <button onclick="val(false)">Berre naudsynte</button>
                    <button onclick="val(true)">Godta alle</button></div>"#
                        .to_string()
                }
            )),
            "/side" => Response::html("<p>Side</p>"),
            _ => Response::status(404),
        }
    })
}

#[test]
fn buttons_found_by_their_text_and_phases_kept_apart() {
    let site = site();
    let url = format!("http://127.0.0.1:{}/", site.port);
    let (out, report) = scan(&url, &["--fail-on", "never"]);
    assert_exit(&out, 0);
    let phases = report["phases"].as_array().unwrap();
    assert_eq!(phases[1]["phase"], "accept");
    assert_eq!(phases[1]["banner"], "text");
    assert_eq!(phases[1]["clicked"], "godta alle");
    assert_eq!(phases[2]["clicked"], "berre naudsynte");
    let val = cookies(&report, "val");
    assert_eq!(val.len(), 1);
    assert_eq!(val[0]["phases"], serde_json::json!(["accept", "reject"]));
    assert_eq!(val[0]["before_consent"], false);
    let gid = cookies(&report, "_gid");
    assert_eq!(
        gid[0]["phases"],
        serde_json::json!(["accept"]),
        "a fresh profile per phase"
    );
    assert!(findings(&report, "set-after-reject").is_empty());
    assert!(findings(&report, "set-before-consent").is_empty());
}

#[test]
fn policy_names_are_the_declaration_when_no_json_is_kept() {
    let report = scan_with_policy(
        "Informasjonskapslar\n\nVi brukar Google Analytics. Informasjonskapslane _gid og _utmz \
         blir lagra i to år.\n",
        None,
    );
    assert_eq!(cookies(&report, "_gid")[0]["declared"], true);
    assert_eq!(findings(&report, "undeclared"), vec!["val"]);
    assert_eq!(findings(&report, "misspelled-declaration"), vec!["_utmz"]);
    assert!(report["declared_sources"][0]
        .as_str()
        .unwrap()
        .ends_with("personvern.txt"));
}

#[test]
fn policy_names_are_found_with_the_extra_knowledge_base_too() {
    // `val` is known only to this base: without it, the statement's `val` is not found.
    let report = scan_with_policy(
        "Informasjonskapslar\n\nInformasjonskapslane _gid og val blir lagra i to år.\n",
        Some(
            "ID,Platform,Category,Cookie / Data Key name,Domain,Description,Retention period,\
             Data Controller,User Privacy & GDPR Rights Portals,Wildcard match\n\
             x1,Testkommune,Functional,val,,Remembers a choice,1 year,Testkommune,,0\n",
        ),
    );
    assert_eq!(cookies(&report, "val")[0]["declared"], true);
    assert!(findings(&report, "undeclared").is_empty());
}

/// Scans the test site, accepting, with a privacy statement of `statement` as `--policy` (and
/// `extra_base` as a `--knowledge-base` CSV when given); the run must exit 0.
fn scan_with_policy(statement: &str, extra_base: Option<&str>) -> serde_json::Value {
    let site = site();
    let url = format!("http://127.0.0.1:{}/", site.port);
    let dir = tempfile::tempdir().unwrap();
    let statement = write_temp(dir.path(), "personvern.txt", statement);
    let mut args = vec![
        "--consent".to_string(),
        "accept".to_string(),
        "--policy".to_string(),
        statement.display().to_string(),
        "--fail-on".to_string(),
        "never".to_string(),
    ];
    if let Some(csv) = extra_base {
        args.push("--knowledge-base".to_string());
        args.push(
            write_temp(dir.path(), "extra.csv", csv)
                .display()
                .to_string(),
        );
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (out, report) = scan(&url, &args);
    assert_exit(&out, 0);
    report
}
