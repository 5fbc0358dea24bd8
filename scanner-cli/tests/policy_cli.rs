//! `kapsel policy extract` end to end (and `catalogue lookup`/`schema`, which it shares the
//! catalogue with): on fixture statements (text and HTML), over HTTP from a
//! small server this test starts on 127.0.0.1, and on bad input (exit 2, naming the file or URL).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::thread;

mod support;
use support::assert_exit;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/tests/fixtures/policies")
        .join(name)
}

fn kapsel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kapsel"))
        .args(args)
        .output()
        .expect("the kapsel binary runs")
}

fn stdout_lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Serves `/personvern/` (HTML, the English fixture) and `/plain.txt` (the Nynorsk fixture as
/// text); everything else is 404. Returns the base URL.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().unwrap();
    let html = std::fs::read_to_string(fixture("english-list.html")).unwrap();
    let plain = std::fs::read_to_string(fixture("nynorsk-prosa.txt")).unwrap();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            answer(stream, &html, &plain);
        }
    });
    format!("http://{addr}")
}

fn answer(mut stream: TcpStream, html: &str, plain: &str) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 0) && header.trim() != "" {
        header.clear();
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("");
    let (status, content_type, body) = match path {
        "/personvern/" => ("200 OK", "text/html; charset=utf-8", html),
        "/plain.txt" => ("200 OK", "text/plain; charset=utf-8", plain),
        _ => ("404 Not Found", "text/plain", "no such page"),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

#[test]
fn extracts_names_from_a_text_file() {
    let path = fixture("bokmal-tabell.txt");
    let out = kapsel(&["policy", "extract", path.to_str().unwrap()]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout_lines(&out),
        ["JSESSIONID", "_pk_id.*", "_pk_ses.*", "langval", "vuid"]
    );
}

#[test]
fn json_carries_matches_near_misses_and_services() {
    let path = fixture("nynorsk-prosa.txt");
    let out = kapsel(&[
        "policy",
        "extract",
        "--format",
        "json",
        path.to_str().unwrap(),
    ]);
    assert_exit(&out, 0);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let names = doc["names"].as_array().unwrap();
    let typo = names
        .iter()
        .find(|n| n["name"] == "cf_clearence")
        .expect("the misspelt name is listed");
    assert_eq!(typo["near_miss"]["intended"], "cf_clearance");
    assert_eq!(typo["service"], "cloudflare");
    let pk = names.iter().find(|n| n["name"] == "_pk_id.1.a2b3").unwrap();
    assert_eq!(pk["match"], "_pk_id.*");
    assert_eq!(pk["category"], "statistics");
    assert!(pk["near_miss"].is_null());
    let services: Vec<&str> = doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    for id in ["matomo", "vimeo", "cloudflare"] {
        assert!(services.contains(&id), "{id} not in {services:?}");
    }
}

#[test]
fn fetches_html_and_text_over_http() {
    let base = serve();
    let out = kapsel(&["policy", "extract", &format!("{base}/personvern/")]);
    assert_exit(&out, 0);
    assert_eq!(
        stdout_lines(&out),
        [
            "kapsel_consent",
            "XSRF-TOKEN",
            "__cf_bm",
            "vuid",
            "ab_variant"
        ]
    );
    let out = kapsel(&["policy", "extract", &format!("{base}/plain.txt")]);
    assert_exit(&out, 0);
    assert!(stdout_lines(&out).contains(&"_pk_id.1.a2b3".to_string()));
}

#[test]
fn a_missing_file_is_exit_2_naming_it() {
    let path = fixture("no-such-statement.txt");
    let out = kapsel(&["policy", "extract", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-statement.txt"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn http_errors_are_exit_2_naming_the_url() {
    let base = serve();
    let url = format!("{base}/gone/");
    let out = kapsel(&["policy", "extract", &url]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&url) && err.contains("404"), "{err}");

    // A port nobody listens on: bind one, then let it go.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/personvern/");
    let out = kapsel(&["policy", "extract", &url]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&url), "{err}");
}

#[test]
fn a_family_written_as_its_stem_is_reported_as_the_family() {
    let out = kapsel(&["catalogue", "lookup", "_pk_id"]);
    assert_exit(&out, 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("_pk_id: the family `_pk_id.*`"), "{text}");
    assert!(text.contains("service:   Matomo"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let statement = dir.path().join("matomo.txt");
    std::fs::write(
        &statement,
        "Informasjonskapsler\n\nNavn\tFormål\n_pk_id*\tKjenner igjen besøkende\nsprak\tSpråkvalg\n",
    )
    .unwrap();
    let out = kapsel(&[
        "policy",
        "extract",
        "--format",
        "json",
        statement.to_str().unwrap(),
    ]);
    assert_exit(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names = json["names"].as_array().unwrap();
    assert_eq!(names[0]["name"], "_pk_id*");
    assert_eq!(names[0]["family"], "_pk_id.*");
    assert_eq!(names[0]["service"], "matomo");
    // A name no base knows, taken for its place in the table's name column.
    assert_eq!(names[1]["name"], "sprak");
    assert!(names[1]["family"].is_null() && names[1]["service"].is_null());
}

#[test]
fn catalogue_schema_prints_a_2020_12_schema_of_the_declaration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kapsel-declaration.schema.json");
    let out = kapsel(&["catalogue", "schema", "--out", path.to_str().unwrap()]);
    assert_exit(&out, 0);
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["additionalProperties"], false);
    for field in ["$schema", "site", "revision", "services", "cookies"] {
        assert!(schema["properties"][field].is_object(), "{field}");
    }
    assert_eq!(
        schema["$defs"]["category"]["enum"],
        serde_json::json!(["necessary", "preferences", "statistics", "marketing"])
    );
}
