//! The two listeners: the site (plain HTTP) and the stand-in trackers (HTTPS), each an accept loop
//! on its own thread with a short-lived thread per connection.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::http::{self, percent_decode, Request, Response};
use crate::site::{Content, Mode};
use crate::{token, trackers, TrackerRequest};

const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// What the site's handler needs.
pub struct SiteState {
    /// The pages, expanded at start-up.
    pub content: Content,
    /// Where `/kapsel/*` comes from.
    pub banner_dir: PathBuf,
}

/// Starts the site's accept loop.
pub fn spawn_site(
    listener: TcpListener,
    state: Arc<SiteState>,
    shutdown: Arc<AtomicBool>,
) -> JoinHandle<()> {
    accept_loop(listener, shutdown, move |mut stream| {
        let Ok(Some(req)) = http::read_request(&mut stream) else {
            return;
        };
        let resp = site_response(&state, &req);
        let _ = resp.write_to(req.method == "HEAD", &mut stream);
    })
}

/// Starts the stand-in trackers' accept loop (HTTPS).
pub fn spawn_trackers(
    listener: TcpListener,
    tls: Arc<ServerConfig>,
    port: u16,
    log: Arc<Mutex<Vec<TrackerRequest>>>,
    shutdown: Arc<AtomicBool>,
) -> JoinHandle<()> {
    accept_loop(listener, shutdown, move |tcp| {
        let Ok(conn) = ServerConnection::new(tls.clone()) else {
            return;
        };
        let mut stream = StreamOwned::new(conn, tcp);
        let Ok(Some(req)) = http::read_request(&mut stream) else {
            return;
        };
        if let Ok(mut log) = log.lock() {
            log.push(TrackerRequest {
                host: req.host(),
                method: req.method.clone(),
                path: req.path.clone(),
                query: req.query.clone(),
                referer: req.header("referer").map(str::to_string),
            });
        }
        let resp = trackers::respond(&req, &|host| crate::site::tracker_origin(host, port));
        let _ = resp.write_to(req.method == "HEAD", &mut stream);
        stream.conn.send_close_notify();
        let _ = stream.flush();
    })
}

fn accept_loop<F>(listener: TcpListener, shutdown: Arc<AtomicBool>, handle: F) -> JoinHandle<()>
where
    F: Fn(TcpStream) + Send + Sync + 'static,
{
    let handle = Arc::new(handle);
    thread::spawn(move || {
        for stream in listener.incoming() {
            if shutdown.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
            let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
            let handle = handle.clone();
            thread::spawn(move || handle(stream));
        }
    })
}

fn site_response(state: &SiteState, req: &Request) -> Response {
    if !matches!(req.method.as_str(), "GET" | "HEAD" | "POST") {
        return Response::text(405, "Method not allowed\n").with_header("Allow", "GET, HEAD, POST");
    }
    let path = percent_decode(&req.path);
    if !path.starts_with('/') || path.split('/').any(|seg| seg == "..") {
        return Response::text(400, "Bad path\n");
    }
    let content = &state.content;
    let demo = matches!(content.mode, Mode::Demo { .. });

    if let (Some(js), "/kapsel/guard.js") = (&content.guard_js, path.as_str()) {
        let js = if content.guard_carries_banner {
            match guard_with_banner(js, &state.banner_dir) {
                Ok(js) => js,
                Err(resp) => return resp,
            }
        } else {
            js.clone()
        };
        return Response::new(200, "text/javascript; charset=utf-8", js)
            .with_header("Cache-Control", "no-store");
    }
    if let Some(file) = path.strip_prefix("/kapsel/") {
        return banner_file(&state.banner_dir, file);
    }
    if path == "/kapsel.json" {
        return match &content.kapsel_json {
            Some(json) => Response::new(200, "application/json", json.clone())
                .with_header("Cache-Control", "no-store"),
            None => not_found(&path),
        };
    }
    if demo && req.method == "POST" && path == "/tilbakemelding/" {
        return Response::redirect("/tilbakemelding/takk/").with_status(303);
    }
    let host = req.header("host").unwrap_or("127.0.0.1").to_string();
    if path == "/robots.txt" && !content.files.contains_key("/robots.txt") {
        return Response::text(
            200,
            &format!("User-agent: *\nAllow: /\n\nSitemap: http://{host}/sitemap.xml\n"),
        );
    }
    if path == "/sitemap.xml" && !content.files.contains_key("/sitemap.xml") {
        return Response::new(200, "application/xml", content.sitemap(&host));
    }
    match content.files.get(&path) {
        Some(file) => {
            let mut resp = Response::new(200, file.content_type, file.body.clone());
            if demo && file.content_type.starts_with("text/html") {
                resp = demo_cookies(req, &path, resp);
            }
            resp
        }
        None if !path.ends_with('/') && content.files.contains_key(&format!("{path}/")) => {
            Response::redirect(&format!("{path}/")).with_status(301)
        }
        None => not_found(&path),
    }
}

/// The cookies the demo's server stack sets: a PHP session on every page, the feedback form's
/// cookie on the form, SimpleSAML's session on the ID-porten login.
fn demo_cookies(req: &Request, path: &str, mut resp: Response) -> Response {
    if req.cookie("PHPSESSID").is_none() {
        resp = resp.with_header(
            "Set-Cookie",
            &format!(
                "PHPSESSID={}; Path=/; HttpOnly; SameSite=Lax",
                token(26).to_ascii_lowercase()
            ),
        );
    }
    if path == "/tilbakemelding/" && req.cookie("FormCookie").is_none() {
        resp = resp.with_header(
            "Set-Cookie",
            &format!(
                "FormCookie={}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax",
                token(32)
            ),
        );
    }
    if path == "/min-side/logg-inn/" && req.cookie("SimpleSAMLSessionID").is_none() {
        resp = resp.with_header(
            "Set-Cookie",
            &format!(
                "SimpleSAMLSessionID={}; Path=/; HttpOnly; SameSite=Lax",
                token(32).to_ascii_lowercase()
            ),
        );
    }
    resp.with_header("Cache-Control", "no-store")
}

/// The guard with the banner's classic build after it (read per request, so a banner rebuilt
/// while the demo runs is served).
fn guard_with_banner(guard: &[u8], banner_dir: &Path) -> Result<Vec<u8>, Response> {
    let path = banner_dir.join("kapsel-classic.js");
    let classic = std::fs::read_to_string(&path).map_err(|_| not_built(&path))?;
    let guard = String::from_utf8_lossy(guard);
    kapsel_guard::with_banner(&guard, &classic)
        .map(String::into_bytes)
        .map_err(|e| Response::text(500, &format!("{}: {e}\n", path.display())))
}

fn banner_file(dir: &Path, file: &str) -> Response {
    let rel = Path::new(file);
    if file.is_empty() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return not_found(file);
    }
    let full = dir.join(rel);
    let mut body = Vec::new();
    match std::fs::File::open(&full).and_then(|mut f| f.read_to_end(&mut body)) {
        Ok(_) => Response::new(200, http::content_type(file), body)
            .with_header("Cache-Control", "no-store"),
        Err(_) => not_built(&full),
    }
}

/// A banner file that is missing: the banner is not built.
fn not_built(path: &Path) -> Response {
    Response::text(
        404,
        &format!(
            "The banner is not built: {} is missing. Run scripts/build-banner.sh.\n",
            path.display()
        ),
    )
}

fn not_found(path: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"nb\"><head><meta charset=\"utf-8\"><title>Fant ikke siden</title></head>\
         <body><h1>Fant ikke siden</h1><p>Vi fant ingen side på <code>{}</code>. <a href=\"/\">Til forsiden</a></p></body></html>",
        path.replace('&', "&amp;").replace('<', "&lt;")
    );
    Response::html(page).with_status(404)
}
