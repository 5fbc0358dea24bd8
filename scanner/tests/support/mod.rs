//! What the scanner's tests share: a small HTTP server on 127.0.0.1 (tiny_http) that answers each
//! request target with the page a test's route gives.
// Each test binary compiles its own copy and uses only part of it.
#![allow(dead_code)]

use std::time::Duration;

use kapsel_scan::{start_url, ConsentMode, Options};
use tiny_http::{Header, Response, Server};

/// A page to serve: HTML, with any extra response headers.
pub struct Page {
    /// Extra headers (name, value), e.g. a `Set-Cookie`.
    pub headers: Vec<(&'static str, String)>,
    /// The HTML.
    pub body: String,
}

impl Page {
    /// An HTML page without extra headers.
    pub fn html(body: impl Into<String>) -> Page {
        Page {
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// The page with one more response header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Page {
        self.headers.push((name, value.into()));
        self
    }
}

/// Serves `route(target)` (the request target: path and query) on a free port, 404 when it gives
/// nothing, until the test ends. Returns the origin (`http://127.0.0.1:PORT`, no slash).
pub fn serve(route: impl Fn(&str) -> Option<Page> + Send + 'static) -> String {
    let server = Server::http("127.0.0.1:0").expect("a free port on 127.0.0.1");
    let origin = format!("http://{}", server.server_addr());
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let html = Header::from_bytes("Content-Type", "text/html").expect("a valid header");
            let response = match route(request.url()) {
                Some(page) => page.headers.iter().fold(
                    Response::from_string(page.body).with_header(html),
                    |r, (name, value)| {
                        r.with_header(
                            Header::from_bytes(*name, value.as_bytes()).expect("a valid header"),
                        )
                    },
                ),
                None => Response::from_string("no")
                    .with_status_code(404)
                    .with_header(html),
            };
            let _ = request.respond(response);
        }
    });
    origin
}

/// Options for a short scan of `url`: no consent phases, one tab, at most 5 pages, no sitemap,
/// short waits.
pub fn quick(url: &str) -> Options {
    let mut options = Options::new(start_url(url).expect("a valid start URL"));
    options.consent = ConsentMode::None;
    options.max_pages = 5;
    options.concurrency = 1;
    options.no_sitemap = true;
    options.timeout = Duration::from_secs(20);
    options.quiet = Duration::from_millis(300);
    options.dwell = Duration::from_millis(500);
    options
}
