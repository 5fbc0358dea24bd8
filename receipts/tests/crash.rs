//! kill -9 during load, then restart on the same store: every receipt that was acknowledged is
//! there, and the store opens cleanly. Against SQLite and PostgreSQL.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{client, post, receipt, uuid, Server};

fn crash_and_recover(db: &str) {
    let mut server = Server::start(db, &["--rate-per-minute", "0"]);
    let base = server.base.clone();
    let acked = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (base, acked, stop) = (base.clone(), acked.clone(), stop.clone());
            std::thread::spawn(move || {
                let c = client();
                while !stop.load(Ordering::Relaxed) {
                    let id = uuid();
                    match post(&c, &base, receipt(&id, "accept-all")) {
                        Ok(204) => acked.lock().unwrap().push(id),
                        Ok(s) => panic!("answered {s}"),
                        Err(_) => break, // the server is gone
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.kill();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 20,
        "too little load before the kill: {}",
        acked.len()
    );

    let server = Server::start(db, &[]);
    let c = client();
    let lost: Vec<_> = acked
        .iter()
        .filter(|id| {
            c.get(format!("{}/v1/receipts/{id}", server.base))
                .send()
                .unwrap()
                .status()
                != 200
        })
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged receipts lost",
        lost.len(),
        acked.len()
    );
    eprintln!(
        "{db}: {} acknowledged before kill -9, all there after restart",
        acked.len()
    );
}

#[test]
fn sqlite_keeps_every_acknowledged_receipt() {
    let dir = tempfile::tempdir().unwrap();
    crash_and_recover(dir.path().join("r.sqlite").to_str().unwrap());
}

#[test]
fn postgres_keeps_every_acknowledged_receipt() {
    let pg = support::Pg::start();
    crash_and_recover(&pg.url);
}
