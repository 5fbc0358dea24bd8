//! `kapsel-demo --declaration FILE`: the demo serves another declaration as `/kapsel.json` and in
//! its privacy statement, and refuses one that still holds a `TODO`.

use std::io::{Read, Write};
use std::net::TcpStream;

use kapsel_demo::{Demo, DemoError, DemoOptions, Site};

fn get(demo: &Demo, path: &str) -> String {
    let mut s = TcpStream::connect(demo.site_addr()).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

const DECLARATION: &str = r#"{"site": "Prøve kommune", "revision": "7", "languages": ["nb"],
  "services": ["kapsel"],
  "cookies": [{"name": "PHPSESSID", "category": "necessary", "retention": "session",
               "purpose": {"nb": "Holder på økta."}}]}"#;

#[test]
fn serves_the_declaration_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.json");
    std::fs::write(&path, DECLARATION).unwrap();
    let demo = Demo::start(DemoOptions {
        declaration: Some(path.clone()),
        ..DemoOptions::new(Site::Gated)
    })
    .expect("the demo starts");
    assert_eq!(demo.declaration_path(), path);
    let config = get(&demo, "/kapsel.json");
    assert!(config.contains("\"site\": \"Prøve kommune\""), "{config}");
    assert!(config.contains("kapsel_consent"), "resolved: {config}");
    let statement = get(&demo, "/personvern/");
    assert!(
        statement.contains("Prøve kommune"),
        "the table is rendered from it"
    );
    assert!(
        !statement.contains("<code>_ga</code>"),
        "not the demo's own declaration"
    );
}

#[test]
fn refuses_a_declaration_holding_a_todo() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("draft.json");
    std::fs::write(&path, DECLARATION.replace("Holder på økta.", "TODO: why")).unwrap();
    let err = Demo::start(DemoOptions {
        declaration: Some(path.clone()),
        ..DemoOptions::new(Site::Gated)
    })
    .err()
    .expect("refused");
    assert!(matches!(err, DemoError::Declaration(_)), "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with(&format!("{}:", path.display())),
        "{message}"
    );
    assert!(message.contains("TODO"), "{message}");
}
