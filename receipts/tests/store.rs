//! One suite run against both stores: SQLite (a temp file) and PostgreSQL (a throw-away cluster).

mod support;

use kapsel_receipts::receipt::{self, Receipt};
use kapsel_receipts::store::{self, Filter, Inserted, Store};
use time::OffsetDateTime;

fn parsed(body: &str, received: &str) -> (Receipt, Option<String>) {
    let (mut r, d) = receipt::parse(body.as_bytes(), OffsetDateTime::now_utc()).unwrap();
    r.received = received.to_string();
    (r, d)
}

fn suite(open: &dyn Fn() -> Box<dyn Store>) {
    let s = open();
    let id = support::uuid();
    let (first, decl) = parsed(
        &support::receipt(&id, "accept-all"),
        "2026-12-01T12:00:00.000Z",
    );
    assert_eq!(s.insert(&first, decl.as_deref()).unwrap(), Inserted::New);
    assert_eq!(
        s.insert(&first, decl.as_deref()).unwrap(),
        Inserted::Duplicate
    );
    // The same visitor withdraws later: a second receipt under the same id.
    let (later, _) = parsed(
        &support::receipt(&id, "withdraw").replace("2026-12-01T12:00:00.", "2026-12-02T08:00:00."),
        "2026-12-02T08:00:01.000Z",
    );
    assert_eq!(s.insert(&later, None).unwrap(), Inserted::New);
    let mine = s.receipts(&id).unwrap();
    assert_eq!(mine, vec![first.clone(), later.clone()]);
    assert!(s.receipts(&support::uuid()).unwrap().is_empty());

    // The declaration is kept once, by its hash.
    assert_eq!(s.declaration(&first.declaration_sha256).unwrap(), decl);
    assert_eq!(s.declaration(&"0".repeat(64)).unwrap(), None);

    // Another site, older.
    let (other, _) = parsed(
        &support::receipt(&support::uuid(), "reject-all")
            .replace("Eksempel kommune", "Annen kommune"),
        "2020-01-01T00:00:00.000Z",
    );
    s.insert(&other, None).unwrap();
    assert_eq!(s.count().unwrap(), 3);
    let site = s
        .export(&Filter {
            site: Some("Annen kommune".into()),
            since: None,
        })
        .unwrap();
    assert_eq!(site, vec![other.clone()]);
    let recent = s
        .export(&Filter {
            site: None,
            since: Some("2026-12-02T00:00:00.000Z".into()),
        })
        .unwrap();
    assert_eq!(recent, vec![later.clone()]);
    assert_eq!(s.export(&Filter::default()).unwrap().len(), 3);

    // Many writers at once: none lost.
    let s = std::sync::Arc::new(s);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let s = s.clone();
            scope.spawn(move || {
                for _ in 0..25 {
                    let (r, d) = parsed(
                        &support::receipt(&support::uuid(), "custom"),
                        "2026-12-03T00:00:00.000Z",
                    );
                    assert_eq!(s.insert(&r, d.as_deref()).unwrap(), Inserted::New);
                }
            });
        }
    });
    assert_eq!(s.count().unwrap(), 103);

    // Reopened, everything is there; retention takes the old receipts and only them.
    drop(s);
    let s = open();
    assert_eq!(s.count().unwrap(), 103);
    assert_eq!(s.prune("2026-12-02T00:00:00.000Z").unwrap(), 2);
    assert_eq!(s.count().unwrap(), 101);
    assert_eq!(s.receipts(&id).unwrap(), vec![later]);
    // The declaration stays while a receipt refers to it, and goes with the last one.
    assert!(s.declaration(&first.declaration_sha256).unwrap().is_some());
    assert_eq!(s.prune("2027-01-01T00:00:00.000Z").unwrap(), 101);
    assert_eq!(s.declaration(&first.declaration_sha256).unwrap(), None);
}

#[test]
fn sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("receipts.sqlite");
    suite(&|| store::open(db.to_str().unwrap()).unwrap());
}

#[test]
fn postgres_store() {
    let pg = support::Pg::start();
    suite(&|| store::open(&pg.url).unwrap());
}

#[test]
fn a_bad_location_is_an_error() {
    assert!(store::open("").is_err());
    assert!(store::open("postgres://nobody@127.0.0.1:1/none").is_err());
    assert!(store::open("/nonexistent-dir/x/receipts.sqlite").is_err());
}
