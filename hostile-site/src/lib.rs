//! A hostile little website served on 127.0.0.1: every way a page can misbehave towards a
//! crawler, one page each, with ordinary pages that set cookies between them.
//!
//! # What it is
//! A compliance crawl meets whatever the public web serves. This site gathers the worst of it so
//! the scanner's limits (time, memory, every page accounted for) can be tested and benchmarked
//! on one machine, offline. Each page is harmless on its own terms — it only hurts a crawler that
//! does not bound what a page may take. [`PAGES`] lists them with what each does; the front page
//! links to all of them, hostile and ordinary pages interleaved, and `/sitemap.xml` lists them too.
//!
//! The ordinary pages (`/plain/N`) each set two cookies, `plain_N` by a response header and
//! `plain_js_N` from a script, so a test can check that none of them was lost because a hostile
//! neighbour stalled or bloated the browser. The `/lazy/` pages set a cookie only from an
//! `IntersectionObserver` once scrolled into view (no network request), for tests that the
//! result does not depend on concurrency or a busy machine.
//!
//! # How it is served
//! One listener on 127.0.0.1 (any free port), a thread per connection, one request per
//! connection, its head read leniently (the site's own malformed cookies come back in it, raw
//! Latin-1 bytes included). Responses are written by hand because several
//! pages must break HTTP's manners on purpose: a body that never ends, a 45 s silence, a 40 MB
//! body, hundreds of `Set-Cookie` lines, malformed ones, a 64 KB header. Threads that trickle or
//! wait look at the shutdown flag, so dropping [`Hostile`] ends them within a fraction of a second.

#![warn(missing_docs)]

mod pages;

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

pub use pages::{Expect, Page, ORDINARY, PAGES};

/// A running hostile site. Stops on drop.
pub struct Hostile {
    addr: SocketAddr,
    shutdown: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl Hostile {
    /// Starts the site on 127.0.0.1, on `port` (0: any free port).
    pub fn start(port: u16) -> io::Result<Hostile> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shutdown = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&shutdown);
        let accept = std::thread::spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let flag = Arc::clone(&flag);
                        std::thread::spawn(move || pages::serve(stream, &flag));
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Ok(Hostile {
            addr,
            shutdown,
            accept: Some(accept),
        })
    }

    /// The front page, e.g. `http://127.0.0.1:41234/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The URL of a path on the site: `page_url("/plain/1")`.
    pub fn page_url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The address the site listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.shutdown.store(true, Ordering::SeqCst);
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}
