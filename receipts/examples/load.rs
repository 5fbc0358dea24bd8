//! Load generator for `bench/receipts/run.sh`: posts receipts as the banner does (text/plain, from
//! the allowed origin) with several connections for a bounded time, then checks that every
//! receipt answered 2xx is in the store (`kapsel-receipts export`).
//!
//! `load BASE ORIGIN SECONDS CONNECTIONS ACKED_FILE` prints `sent N acked N errors N rate R/s p50 Xms
//! p99 Yms` and writes the acknowledged ids, one a line, to ACKED_FILE. It stops at the deadline
//! or when the server is gone (the crash run), whichever comes first.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, origin, seconds, connections, acked_file] = &args[..] else {
        eprintln!("usage: load BASE ORIGIN SECONDS CONNECTIONS ACKED_FILE");
        std::process::exit(2);
    };
    let deadline = Instant::now() + Duration::from_secs(seconds.parse().expect("SECONDS"));
    let connections: usize = connections.parse().expect("CONNECTIONS");
    let results = Arc::new(Mutex::new((Vec::new(), Vec::new(), 0u64, 0u64)));
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|w| {
            let (base, origin, results) = (base.clone(), origin.clone(), results.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .no_proxy()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .expect("client");
                let (mut ids, mut lat, mut sent, mut errors) = (Vec::new(), Vec::new(), 0u64, 0u64);
                let mut n = 0u64;
                while Instant::now() < deadline {
                    n += 1;
                    let id = format!(
                        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                        std::process::id(),
                        w,
                        (n >> 40) & 0xfff,
                        (n >> 28) & 0xfff,
                        n & 0xfff_ffff
                    );
                    let body = format!(
                        r#"{{"id":"{id}","site":"Eksempel kommune","revision":"2026-11-01","declaration":{{"site":"Eksempel kommune","revision":"2026-11-01","cookies":[{{"name":"_ga","category":"statistics"}}]}},"granted":["necessary","statistics"],"refused":["preferences","marketing"],"method":"custom","lang":"nb","banner":"0.1.0","at":"2026-12-01T12:00:00.000Z"}}"#
                    );
                    let t = Instant::now();
                    sent += 1;
                    match client
                        .post(format!("{base}/v1/receipts"))
                        .header("origin", &origin)
                        .header("content-type", "text/plain;charset=UTF-8")
                        .body(body)
                        .send()
                    {
                        Ok(r) if r.status().is_success() => {
                            lat.push(t.elapsed());
                            ids.push(id);
                        }
                        Ok(_) => errors += 1,
                        Err(_) => {
                            errors += 1;
                            break; // the server is gone
                        }
                    }
                }
                let mut r = results.lock().expect("results");
                r.0.extend(ids);
                r.1.extend(lat);
                r.2 += sent;
                r.3 += errors;
            })
        })
        .collect();
    for w in workers {
        w.join().expect("worker");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut r = results.lock().expect("results");
    r.1.sort();
    let pct = |p: f64| {
        r.1.get(((r.1.len() as f64 * p) as usize).min(r.1.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "sent {} acked {} errors {} rate {:.0}/s p50 {:.2}ms p99 {:.2}ms",
        r.2,
        r.0.len(),
        r.3,
        r.0.len() as f64 / elapsed,
        pct(0.50),
        pct(0.99)
    );
    let mut f = std::fs::File::create(acked_file).expect("ACKED_FILE");
    for id in &r.0 {
        writeln!(f, "{id}").expect("write");
    }
}
