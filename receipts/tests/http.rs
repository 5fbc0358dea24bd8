//! The real `kapsel-receipts` binary on 127.0.0.1: the contract, CORS, bad input, the rate limit,
//! the export, bad settings and shutdown.

mod support;

use std::process::Command;
use support::{client, post, receipt, uuid, Server, ORIGIN};

fn export(db: &str, args: &[&str]) -> std::process::Output {
    Command::new(support::bin())
        .args(["export", "--db", db])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_receipt_is_stored_once_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let db = db.to_str().unwrap();
    let server = Server::start(db, &[]);
    let c = client();
    let id = uuid();
    let body = receipt(&id, "custom");
    let r = c
        .post(format!("{}/v1/receipts", server.base))
        .header("origin", ORIGIN)
        .header("content-type", "text/plain;charset=UTF-8")
        .body(body.clone())
        .send()
        .unwrap();
    assert_eq!(r.status(), 204);
    assert_eq!(r.headers()["access-control-allow-origin"], ORIGIN);
    assert_eq!(post(&c, &server.base, body).unwrap(), 204, "idempotent");

    let got: serde_json::Value = serde_json::from_str(
        &c.get(format!("{}/v1/receipts/{}", server.base, id.to_uppercase()))
            .send()
            .unwrap()
            .text()
            .unwrap(),
    )
    .unwrap();
    let list = got["receipts"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    let stored = &list[0];
    assert_eq!(
        stored["granted"],
        serde_json::json!(["necessary", "statistics"])
    );
    assert_eq!(stored["method"], "custom");
    assert!(stored["received"].as_str().unwrap().ends_with('Z'));
    // Nothing about the client is kept.
    let fields: Vec<_> = stored.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        fields,
        [
            "at",
            "banner",
            "declaration_sha256",
            "granted",
            "id",
            "lang",
            "method",
            "received",
            "refused",
            "revision",
            "site"
        ]
    );
    let sha = stored["declaration_sha256"].as_str().unwrap();
    let decl = c
        .get(format!("{}/v1/declarations/{sha}", server.base))
        .send()
        .unwrap();
    assert_eq!(decl.status(), 200);
    assert!(decl.text().unwrap().contains("\"_ga\""));
    assert_eq!(
        c.get(format!("{}/v1/receipts/{}", server.base, uuid()))
            .send()
            .unwrap()
            .status(),
        404
    );

    // A preflight from the site is answered; a foreign one is not allowed.
    let pre = |origin: &str| {
        c.request(
            reqwest::Method::OPTIONS,
            format!("{}/v1/receipts", server.base),
        )
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .unwrap()
    };
    assert_eq!(pre(ORIGIN).headers()["access-control-allow-origin"], ORIGIN);
    assert!(pre("https://evil.test")
        .headers()
        .get("access-control-allow-origin")
        .is_none());

    let metrics = c
        .get(format!("{}/metrics", server.base))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        metrics.contains("kapsel_receipts_stored_total 1\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains("kapsel_receipts_duplicates_total 1\n"),
        "{metrics}"
    );
    assert_eq!(
        c.get(format!("{}/healthz", server.base))
            .send()
            .unwrap()
            .status(),
        200
    );
    // The export endpoint is off without a token.
    assert_eq!(
        c.get(format!("{}/v1/export", server.base))
            .send()
            .unwrap()
            .status(),
        404
    );

    // The CLI export reads the store directly.
    let csv = export(db, &["--format", "csv"]);
    assert!(csv.status.success());
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert!(csv.starts_with(
        "id,site,revision,declaration_sha256,granted,refused,method,lang,banner,at,received\n"
    ));
    assert!(csv.contains(&format!("{id},Eksempel kommune,2026-11-01,{sha},necessary statistics,preferences marketing,custom,nb,0.1.0,")), "{csv}");
    let none = export(db, &["--site", "Annen kommune", "--since", "2026-01-01"]);
    assert_eq!(String::from_utf8(none.stdout).unwrap(), "[\n]\n");
    let bad = export(db, &["--since", "yesterday"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--since yesterday"));
}

#[test]
fn the_export_endpoint_needs_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let token = dir.path().join("token");
    std::fs::write(&token, "s3cret-token-for-the-export\n").unwrap();
    let server = Server::start(
        db.to_str().unwrap(),
        &["--token-file", token.to_str().unwrap()],
    );
    let c = client();
    let id = uuid();
    assert_eq!(
        post(&c, &server.base, receipt(&id, "accept-all")).unwrap(),
        204
    );
    let url = format!("{}/v1/export?format=csv", server.base);
    assert_eq!(c.get(&url).send().unwrap().status(), 401);
    assert_eq!(
        c.get(&url)
            .bearer_auth("wrong-token-wrong-token")
            .send()
            .unwrap()
            .status(),
        401
    );
    let ok = c
        .get(&url)
        .bearer_auth("s3cret-token-for-the-export")
        .send()
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.text().unwrap().contains(&id));
}

/// Hundreds of bodies that are not receipts: every one refused with a 4xx and a reason, none
/// stored, and the server keeps serving.
#[test]
fn bad_input_is_refused_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let server = Server::start(db.to_str().unwrap(), &["--rate-per-minute", "0"]);
    let c = client();
    let id = uuid();
    let good = receipt(&id, "custom");
    let mut bodies: Vec<(String, Vec<u8>)> = Vec::new();
    // Every truncation of a valid receipt.
    for cut in (0..good.len() - 1).step_by(3) {
        bodies.push((format!("cut at {cut}"), good.as_bytes()[..cut].to_vec()));
    }
    // Each field with a value of every wrong type.
    let value: serde_json::Value = serde_json::from_str(&good).unwrap();
    // What the server derives when absent (from the declaration, from the categories).
    let optional = ["site", "revision", "refused", "method", "declaration"];
    for (field, _) in value.as_object().unwrap() {
        for wrong in [
            if optional.contains(&field.as_str()) {
                serde_json::json!(7)
            } else {
                serde_json::Value::Null
            },
            serde_json::json!(42),
            serde_json::json!(true),
            serde_json::json!({"a": 1}),
            serde_json::json!(["x"]),
            serde_json::json!(""),
        ] {
            let mut v = value.clone();
            v[field] = wrong.clone();
            bodies.push((format!("{field} = {wrong}"), v.to_string().into_bytes()));
        }
        let mut v = value.clone();
        v.as_object_mut().unwrap().remove(field);
        if !optional.contains(&field.as_str()) {
            bodies.push((format!("without {field}"), v.to_string().into_bytes()));
        }
    }
    // Unknown fields (an IP address or user agent above all), wrong categories and methods.
    for (from, to) in [
        ("\"lang\"", "\"ip\":\"203.0.113.7\",\"lang\""),
        ("\"lang\"", "\"user_agent\":\"Mozilla/5.0\",\"lang\""),
        ("\"statistics\"]", "\"analytics\"]"),
        ("[\"necessary\",", "["),
        ("\"marketing\"]", "\"marketing\",\"necessary\"]"),
        ("\"marketing\"]", "\"marketing\",\"marketing\"]"),
        ("\"custom\"", "\"accept\""),
        ("\"nb\"", "\"<script>\""),
        ("2026-12-01T12:00:00", "2026-13-01T12:00:00"),
        (&id[..14], "zzzzzzzz-0000-"),
        ("-4", "-1"),
    ] {
        bodies.push((
            format!("{from} -> {to}"),
            good.replacen(from, to, 1).into_bytes(),
        ));
    }
    bodies.push((
        "a long site".into(),
        good.replace(
            "Eksempel kommune\",\"revision",
            &format!("{}\",\"revision", "x".repeat(300)),
        )
        .into_bytes(),
    ));
    bodies.push(("not JSON".into(), b"\xff\xfe garbage".to_vec()));
    bodies.push(("an array".into(), format!("[{good}]").into_bytes()));
    bodies.push((
        "oversized".into(),
        good.replace(
            "\"cookies\":[",
            &format!("\"pad\":\"{}\",\"cookies\":[", "x".repeat(100_000)),
        )
        .into_bytes(),
    ));
    bodies.push(("oversized, not JSON".into(), vec![b'{'; 1 << 20]));
    assert!(bodies.len() >= 200, "{}", bodies.len());

    for (what, body) in &bodies {
        let status = post(&c, &server.base, body.clone()).unwrap();
        assert!((400..500).contains(&status), "{what}: {status}");
    }
    // The right body from the wrong origin, or from none.
    for origin in [
        "https://evil.test",
        "http://site.test.evil.test",
        "null",
        "http://site.test:8080",
    ] {
        let r = c
            .post(format!("{}/v1/receipts", server.base))
            .header("origin", origin)
            .body(good.clone())
            .send()
            .unwrap();
        assert_eq!(r.status(), 403, "{origin}");
        assert!(r.text().unwrap().contains("origin"));
    }
    let r = c
        .post(format!("{}/v1/receipts", server.base))
        .body(good.clone())
        .send()
        .unwrap();
    assert_eq!(r.status(), 403);

    // A refusal says why.
    let r = c
        .post(format!("{}/v1/receipts", server.base))
        .header("origin", ORIGIN)
        .body(good.replace("\"statistics\"]", "\"analytics\"]"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().unwrap().contains("granted"));

    // Nothing stored; the server still takes the good receipt.
    assert_eq!(
        c.get(format!("{}/v1/receipts/{id}", server.base))
            .send()
            .unwrap()
            .status(),
        404
    );
    let out = Command::new(support::bin())
        .args(["export", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "[\n]\n");
    assert_eq!(post(&c, &server.base, good).unwrap(), 204);
    assert_eq!(
        c.get(format!("{}/v1/receipts/{id}", server.base))
            .send()
            .unwrap()
            .status(),
        200
    );
}

#[test]
fn one_client_is_rate_limited() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let server = Server::start(
        db.to_str().unwrap(),
        &["--rate-per-minute", "1", "--burst", "5"],
    );
    let c = client();
    let statuses: Vec<u16> = (0..8)
        .map(|_| post(&c, &server.base, receipt(&uuid(), "custom")).unwrap())
        .collect();
    assert_eq!(statuses, [204, 204, 204, 204, 204, 429, 429, 429]);
    let metrics = c
        .get(format!("{}/metrics", server.base))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        metrics.contains("kapsel_receipts_refused_total{reason=\"rate_limited\"} 3"),
        "{metrics}"
    );
}

#[test]
fn bad_settings_exit_2_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("receipts.toml");
    std::fs::write(
        &conf,
        "allow_origin = [\"https://a.no\"]\nretain_dayz = 3\n",
    )
    .unwrap();
    let db = dir.path().join("r.sqlite");
    let db = db.to_str().unwrap();
    for (args, says) in [
        (vec!["serve", "--db", db], "--allow-origin"),
        (
            vec!["serve", "--db", db, "--allow-origin", "https://a.no/path"],
            "https://a.no/path",
        ),
        (
            vec!["serve", "--db", db, "--config", conf.to_str().unwrap()],
            "retain_dayz",
        ),
        (
            vec![
                "serve",
                "--db",
                db,
                "--allow-origin",
                "https://a.no",
                "--retain-days",
                "0",
            ],
            "--retain-days",
        ),
        (
            vec![
                "serve",
                "--db",
                db,
                "--allow-origin",
                "https://a.no",
                "--token-file",
                "/nonexistent/token",
            ],
            "/nonexistent/token",
        ),
        (
            vec![
                "serve",
                "--db",
                "/nonexistent/dir/r.sqlite",
                "--allow-origin",
                "https://a.no",
            ],
            "/nonexistent/dir",
        ),
        (
            vec!["export", "--db", "/nonexistent.sqlite"],
            "no such file",
        ),
    ] {
        let out = Command::new(support::bin())
            .args(&args)
            .env_remove("KAPSEL_RECEIPTS_ALLOW_ORIGIN")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn sigterm_stops_it_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.sqlite");
    let mut server = Server::start(db.to_str().unwrap(), &[]);
    assert_eq!(
        post(&client(), &server.base, receipt(&uuid(), "custom")).unwrap(),
        204
    );
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}
