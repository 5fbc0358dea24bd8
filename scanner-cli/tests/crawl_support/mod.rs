//! Test support for the national crawl: one HTTP server on 127.0.0.1 serving many small
//! generated sites, told apart by the Host header (the scanner reaches each host name with
//! `--resolve`), and helpers to run the built `kapsel`.

#![allow(dead_code)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Sites served by one loopback server.
pub struct Sites {
    /// The port.
    pub port: u16,
    /// Hosts whose pages set a tracking cookie from script before any consent.
    pub tracking: HashSet<String>,
    /// Hosts whose pages answer only after this long while `slow_on` is set.
    pub slow: Arc<Mutex<HashSet<String>>>,
    stop: Arc<AtomicBool>,
}

fn page(host: &str, path: &str, tracking: bool) -> String {
    let script = if tracking {
        "<script>document.cookie='_ga=GA1.1.42.42; max-age=63072000; path=/';</script>"
    } else {
        ""
    };
    format!(
        "<!doctype html><html lang=\"nb\"><head><meta charset=\"utf-8\"><title>{host}{path}</title></head>\
         <body><h1>{host}</h1>{script}<p><a href=\"/p1\">Side 1</a> <a href=\"/p2\">Side 2</a></p></body></html>"
    )
}

impl Sites {
    /// Starts the server; `tracking` hosts set `_ga` before consent.
    pub fn start(tracking: &[&str]) -> Sites {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let tracking: HashSet<String> = tracking.iter().map(|s| s.to_string()).collect();
        let slow: Arc<Mutex<HashSet<String>>> = Arc::default();
        {
            let (stop, tracking, slow) = (stop.clone(), tracking.clone(), slow.clone());
            listener.set_nonblocking(true).unwrap();
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let Ok((stream, _)) = listener.accept() else {
                        std::thread::sleep(Duration::from_millis(20));
                        continue;
                    };
                    let (tracking, slow) = (tracking.clone(), slow.clone());
                    std::thread::spawn(move || {
                        let _ = stream.set_nonblocking(false);
                        let mut reader = BufReader::new(match stream.try_clone() {
                            Ok(s) => s,
                            Err(_) => return,
                        });
                        let mut first = String::new();
                        if reader.read_line(&mut first).is_err() {
                            return;
                        }
                        let path = first.split_whitespace().nth(1).unwrap_or("/").to_string();
                        let mut host = String::new();
                        loop {
                            let mut line = String::new();
                            if reader.read_line(&mut line).unwrap_or(0) == 0
                                || line.trim().is_empty()
                            {
                                break;
                            }
                            if let Some((k, v)) = line.split_once(':') {
                                if k.eq_ignore_ascii_case("host") {
                                    host = v
                                        .trim()
                                        .split(':')
                                        .next()
                                        .unwrap_or("")
                                        .to_ascii_lowercase();
                                }
                            }
                        }
                        if slow.lock().unwrap().contains(&host) {
                            std::thread::sleep(Duration::from_secs(120));
                        }
                        let (status, body) = if path == "/" || path == "/p1" || path == "/p2" {
                            ("200 OK", page(&host, &path, tracking.contains(&host)))
                        } else {
                            ("404 Not Found", "not here".to_string())
                        };
                        let mut out = stream;
                        let _ = write!(
                            out,
                            "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                    });
                }
            });
        }
        Sites {
            port,
            tracking,
            slow,
            stop,
        }
    }

    /// `http://HOST:PORT/`.
    pub fn url(&self, host: &str) -> String {
        format!("http://{host}:{}/", self.port)
    }

    /// `--resolve` arguments mapping each host to the server.
    pub fn resolve_args(&self, hosts: &[&str]) -> Vec<String> {
        hosts
            .iter()
            .flat_map(|h| {
                [
                    "--resolve".to_string(),
                    format!("{h}:{}:127.0.0.1", self.port),
                ]
            })
            .collect()
    }
}

impl Drop for Sites {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// The built `kapsel`.
pub fn kapsel() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kapsel"))
}

/// Small, quick per-site options.
pub fn quick() -> Vec<String> {
    [
        "--max-pages",
        "2",
        "--consent",
        "none",
        "--wait",
        "200",
        "--dwell",
        "300",
        "--concurrency",
        "1",
        "--no-sitemap",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Writes a sites file.
pub fn sites_file(dir: &Path, lines: &[String]) -> std::path::PathBuf {
    let path = dir.join("sites.txt");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// Exit code, with stderr shown when it is not the expected one.
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The `.json` files of a run's sites directory (temporary files included, so a test sees them).
pub fn site_files(run_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(run_dir.join("sites"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| !n.ends_with(".html"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
