//! Consent-library fixtures: one small site per real open-source consent library from npm
//! (configured as its own docs say, gating a stand-in analytics script that sets `_ga`), one per
//! banner dark pattern, and one without any banner, served on 127.0.0.1.
//!
//! Design: the pages live in `sites/<name>/index.html` (committed); the libraries are never
//! committed but installed at pinned versions by `scripts/setup.sh` into `target/tools`, and the
//! server maps `/npm/<package>/<file>` onto `target/tools/node_modules`. `/stand-in/*` holds the
//! stand-in analytics script. [`FIXTURES`] says what each site is and what a scanner should find
//! there, so the tests and `bench/cmps` read the same expectations.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

/// What a fixture site holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A real consent library with accept-all and reject-all on its first layer.
    Library,
    /// A hand-written banner with one of the EDPB taskforce's bad practices (the finding kind
    /// Kapsel should report).
    DarkPattern(&'static str),
    /// No banner at all.
    NoBanner,
}

/// One fixture site.
#[derive(Debug, Clone, Copy)]
pub struct Fixture {
    /// Folder under `sites/` and first path segment of its URL.
    pub name: &'static str,
    /// What it is.
    pub kind: Kind,
    /// The npm package it is built with, when any.
    pub package: Option<&'static str>,
    /// One line for tables.
    pub about: &'static str,
}

/// Every fixture.
pub const FIXTURES: &[Fixture] = &[
    Fixture {
        name: "vanilla-cookieconsent",
        kind: Kind::Library,
        package: Some("vanilla-cookieconsent"),
        about: "vanilla-cookieconsent, English",
    },
    Fixture {
        name: "klaro",
        kind: Kind::Library,
        package: Some("klaro"),
        about: "Klaro, Norwegian texts shipped with it",
    },
    Fixture {
        name: "orejime",
        kind: Kind::Library,
        package: Some("orejime"),
        about: "Orejime, Bokmål texts shipped with it",
    },
    Fixture {
        name: "tarteaucitron",
        kind: Kind::Library,
        package: Some("tarteaucitronjs"),
        about: "tarteaucitron.js, Norwegian texts shipped with it",
    },
    Fixture {
        name: "osano-cookieconsent",
        kind: Kind::Library,
        package: Some("cookieconsent"),
        about: "Osano cookieconsent, opt-in, reject is a link",
    },
    Fixture {
        name: "porsche-shadow",
        kind: Kind::Library,
        package: Some("@porscheofficial/cookie-consent-banner"),
        about: "cookie-consent-banner web component, shadow DOM",
    },
    Fixture {
        name: "dark-no-reject",
        kind: Kind::DarkPattern("no-reject-first-layer"),
        package: None,
        about: "no reject on the first layer",
    },
    Fixture {
        name: "dark-reject-link",
        kind: Kind::DarkPattern("reject-less-prominent"),
        package: None,
        about: "reject only as a small, light link",
    },
    Fixture {
        name: "dark-pre-ticked",
        kind: Kind::DarkPattern("pre-ticked-categories"),
        package: None,
        about: "non-necessary categories ticked in the settings layer",
    },
    Fixture {
        name: "dark-no-banner",
        kind: Kind::DarkPattern("no-banner-with-cookies"),
        package: None,
        about: "no banner while an analytics cookie is set",
    },
    Fixture {
        name: "no-banner",
        kind: Kind::NoBanner,
        package: None,
        about: "no banner and no cookies",
    },
];

/// The analytics cookie the stand-in script sets.
pub const ANALYTICS_COOKIE: &str = "_ga";

/// Why the fixtures could not be served.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// A consent library is not installed.
    #[error("{package} is not installed under {dir}: run scripts/setup.sh (it installs the consent libraries into target/tools)")]
    Missing {
        /// The npm package.
        package: String,
        /// Where it was looked for.
        dir: PathBuf,
    },
    /// The listener could not start.
    #[error("cannot listen on 127.0.0.1: {0}")]
    Listen(String),
}

/// The fixture server; stops when dropped.
pub struct Fixtures {
    server: Arc<tiny_http::Server>,
    port: u16,
    thread: Option<JoinHandle<()>>,
}

/// `<repo>/target/tools` (or env `KAPSEL_TOOLS`).
pub fn default_tools_dir() -> PathBuf {
    std::env::var_os("KAPSEL_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/tools"))
}

/// The committed site folders.
pub fn sites_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sites")
}

impl Fixtures {
    /// Serves every fixture on a free port of 127.0.0.1, the libraries from `tools`
    /// (`target/tools`); fails when a library is missing there.
    pub fn start(tools: &Path) -> Result<Fixtures, FixtureError> {
        let modules = tools.join("node_modules");
        for package in FIXTURES.iter().filter_map(|f| f.package) {
            if !modules.join(package).join("package.json").is_file() {
                return Err(FixtureError::Missing {
                    package: package.to_string(),
                    dir: modules,
                });
            }
        }
        let server = Arc::new(
            tiny_http::Server::http("127.0.0.1:0")
                .map_err(|e| FixtureError::Listen(e.to_string()))?,
        );
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| FixtureError::Listen("no IP address".into()))?;
        let sites = sites_dir();
        let worker = Arc::clone(&server);
        let thread = std::thread::spawn(move || {
            for request in worker.incoming_requests() {
                let answer = answer(&sites, &modules, request.url());
                let _ = request.respond(answer);
            }
        });
        Ok(Fixtures {
            server,
            port,
            thread: Some(thread),
        })
    }

    /// The port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The start page of a fixture.
    pub fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/{name}/", self.port)
    }
}

impl Drop for Fixtures {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The file a URL path names: `/npm/…` under node_modules, anything else under `sites/`
/// (`index.html` for a folder). `None` for paths leaving their root.
fn file_for(sites: &Path, modules: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let (root, rest) = match path.strip_prefix("/npm/") {
        Some(rest) => (modules, rest),
        None => (sites, path.trim_start_matches('/')),
    };
    let rel = Path::new(rest);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = root.join(rel);
    if path.ends_with('/') || file.is_dir() {
        file = file.join("index.html");
    }
    Some(file)
}

fn answer(
    sites: &Path,
    modules: &Path,
    url: &str,
) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let found = file_for(sites, modules, url).and_then(|f| Some((std::fs::read(&f).ok()?, f)));
    match found {
        Some((body, file)) => {
            let mime = mime_guess::from_path(&file).first_or_octet_stream();
            let mut value = mime.essence_str().to_string();
            if value.starts_with("text/") || value.ends_with("javascript") {
                value.push_str("; charset=utf-8");
            }
            let header = tiny_http::Header::from_bytes("Content-Type", value.as_bytes())
                .expect("a valid header");
            tiny_http::Response::from_data(body).with_header(header)
        }
        None => tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_their_root() {
        let (s, m) = (Path::new("/s"), Path::new("/m"));
        assert_eq!(
            file_for(s, m, "/klaro/"),
            Some(PathBuf::from("/s/klaro/index.html"))
        );
        assert_eq!(
            file_for(s, m, "/npm/klaro/dist/klaro.js?x=1"),
            Some(PathBuf::from("/m/klaro/dist/klaro.js"))
        );
        assert_eq!(file_for(s, m, "/npm/../../etc/passwd"), None);
        assert_eq!(
            file_for(s, m, "/%2e%2e/x"),
            Some(PathBuf::from("/s/%2e%2e/x"))
        );
    }

    #[test]
    fn every_fixture_has_a_page() {
        for f in FIXTURES {
            assert!(
                sites_dir().join(f.name).join("index.html").is_file(),
                "{}",
                f.name
            );
        }
    }
}
