//! Test support: a small HTTP/1.1 server on 127.0.0.1 (plain or TLS with a generated
//! certificate) whose answers are closures, and helpers to run the built `kapsel` binary against
//! it with stand-in hosts mapped by `--resolve`.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::{ServerConfig, ServerConnection, StreamOwned};

/// A request as the handler sees it.
#[derive(Debug, Clone)]
pub struct Request {
    /// Host header without port.
    pub host: String,
    /// Path with query.
    pub path: String,
    /// Cookie header.
    pub cookie: String,
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code.
    pub status: u16,
    /// Headers besides Content-Length/Connection.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Option<Duration>,
}

impl Response {
    /// 200 text/html.
    pub fn html(body: impl Into<String>) -> Response {
        Response {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: body.into().into_bytes(),
            delay: None,
        }
    }
    /// 200 with a content type.
    pub fn typed(content_type: &str, body: impl Into<String>) -> Response {
        Response {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into().into_bytes(),
            delay: None,
        }
    }
    /// A status with an empty body.
    pub fn status(status: u16) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: format!("<h1>{status}</h1>").into_bytes(),
            delay: None,
        }
    }
    /// A 302 to `location`.
    pub fn redirect(location: &str) -> Response {
        Response::status(302).header("Location", location)
    }
    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
    /// Adds a Set-Cookie header.
    pub fn cookie(self, line: &str) -> Response {
        self.header("Set-Cookie", line)
    }
    /// Answers after a delay.
    pub fn delayed(mut self, d: Duration) -> Response {
        self.delay = Some(d);
        self
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// A running server; stops when dropped.
pub struct Server {
    /// Port on 127.0.0.1.
    pub port: u16,
    /// Whether it speaks TLS.
    pub tls: bool,
    stop: Arc<AtomicBool>,
    /// Paths requested, in order.
    pub log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Serves plain HTTP.
    pub fn http(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Server {
        Server::start(None, Arc::new(handler))
    }

    /// Serves HTTPS with a self-signed certificate for `hosts`.
    pub fn https(
        hosts: &[&str],
        handler: impl Fn(&Request) -> Response + Send + Sync + 'static,
    ) -> Server {
        let (config, _certificate) =
            kapsel_demo::tls::server_config(hosts).expect("a certificate for the test hosts");
        Server::start(Some(config), Arc::new(handler))
    }

    fn start(tls: Option<Arc<ServerConfig>>, handler: Arc<Handler>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let is_tls = tls.is_some();
        {
            let stop = Arc::clone(&stop);
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((tcp, _)) => {
                            let _ = tcp.set_nonblocking(false);
                            let _ = tcp.set_read_timeout(Some(Duration::from_secs(30)));
                            let handler = Arc::clone(&handler);
                            let tls = tls.clone();
                            let log = Arc::clone(&log);
                            std::thread::spawn(move || match tls {
                                None => serve(tcp, &*handler, &log),
                                Some(cfg) => {
                                    let Ok(conn) = ServerConnection::new(cfg) else {
                                        return;
                                    };
                                    serve(StreamOwned::new(conn, tcp), &*handler, &log)
                                }
                            });
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
        }
        Server {
            port,
            tls: is_tls,
            stop,
            log,
        }
    }

    /// `http://127.0.0.1:PORT` (or https with `host`).
    pub fn origin(&self, host: &str) -> String {
        format!(
            "{}://{host}:{}",
            if self.tls { "https" } else { "http" },
            self.port
        )
    }

    /// Paths requested so far.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn serve<S: Read + Write>(stream: S, handler: &Handler, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len.min(1 << 20)];
        let _ = reader.read_exact(&mut body);
        let host = headers
            .get("host")
            .map(|h| h.rsplit_once(':').map(|(a, _)| a).unwrap_or(h).to_string())
            .unwrap_or_default();
        log.lock().unwrap().push(format!("{host}{path}"));
        let req = Request {
            host,
            path,
            cookie: headers.get("cookie").cloned().unwrap_or_default(),
        };
        let resp = handler(&req);
        if let Some(d) = resp.delay {
            std::thread::sleep(d);
        }
        let mut head = format!("HTTP/1.1 {} X\r\n", resp.status);
        for (k, v) in &resp.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: keep-alive\r\n\r\n",
            resp.body.len()
        ));
        let s = reader.get_mut();
        if s.write_all(head.as_bytes()).is_err() || s.write_all(&resp.body).is_err() {
            return;
        }
        let _ = s.flush();
    }
}

/// The built binary.
pub fn kapsel() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kapsel"))
}

/// Runs `kapsel scan URL` with quick test settings, the given extra arguments and JSON on stdout.
pub fn scan(url: &str, extra: &[&str]) -> (Output, serde_json::Value) {
    let mut cmd = Command::new(kapsel());
    cmd.args(["scan", url, "--format", "json"]);
    for (flag, value) in [("--timeout", "20"), ("--wait", "300"), ("--dwell", "1000")] {
        if !extra.contains(&flag) {
            cmd.args([flag, value]);
        }
    }
    cmd.arg("--browser-arg=--ignore-certificate-errors");
    cmd.args(extra);
    let out = cmd.output().expect("run kapsel");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, json)
}

/// Cookie objects of a report with this name.
pub fn cookies<'a>(report: &'a serde_json::Value, name: &str) -> Vec<&'a serde_json::Value> {
    report["cookies"]
        .as_array()
        .map(|a| a.iter().filter(|c| c["name"] == name).collect())
        .unwrap_or_default()
}

/// Findings of a kind: (cookie or domain) subjects.
pub fn findings(report: &serde_json::Value, kind: &str) -> Vec<String> {
    let mut v: Vec<String> = report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["kind"] == kind)
                .map(|f| {
                    f["cookie"]
                        .as_str()
                        .or(f["domain"].as_str())
                        .unwrap_or("")
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Fails unless the run exited with `code`, showing what it wrote to stderr.
#[track_caller]
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes a file into a temp dir and returns its path.
pub fn write_temp(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write temp file");
    p
}
