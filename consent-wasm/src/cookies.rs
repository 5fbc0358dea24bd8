//! First-party cookies through `document.cookie`: write the consent record, and delete
//! by name on the current host and every parent domain, for every path the current URL could have
//! set it on. (HttpOnly cookies are out of a script's reach; the server has to expire those.)

use crate::buf::Buf;
use crate::{bytes, dom};

/// The names of the cookies in `jar` (`document.cookie`).
pub fn names(jar: &str) -> impl Iterator<Item = &str> {
    bytes::split(jar, b';').filter_map(|pair| {
        let name = bytes::trim(bytes::split(pair, b'=').next().unwrap_or(""));
        (!name.is_empty()).then_some(name)
    })
}

/// Sets a first-party cookie for the whole site (`path=/`, `SameSite=Lax`, `Secure` on HTTPS).
pub fn set(name: &str, value: &str, max_age_seconds: u64) {
    let mut c = Buf::from(name);
    c.byte(b'=')
        .add(value)
        .add(";path=/;SameSite=Lax;max-age=")
        .decimal(max_age_seconds);
    if dom::secure() {
        c.add(";Secure");
    }
    dom::set_cookie(&c);
}

/// Each domain a cookie of this host may sit on: the host and its parents (none for IP addresses
/// or single-label hosts, where only a host-only cookie exists).
pub fn domains(host: &str, mut each: impl FnMut(&str)) {
    let b = host.as_bytes();
    if b.iter().all(|&c| c.is_ascii_digit() || c == b'.') || bytes::index_of(b, b':').is_some() {
        return;
    }
    let mut rest = host;
    while let Some((_, parent)) = bytes::split_once(rest, b'.') {
        each(rest);
        rest = parent;
    }
}

/// Each path a cookie visible at `path` may have been set with: `/`, and every prefix of the
/// path with and without a trailing slash.
pub fn paths(path: &str, mut each: impl FnMut(&str)) {
    for (i, &c) in path.as_bytes().iter().enumerate() {
        if c == b'/' {
            if let Some(p) = path.get(..i).filter(|p| !p.is_empty()) {
                each(p);
            }
            if let Some(p) = path.get(..=i) {
                each(p);
            }
        }
    }
    if path.len() > 1 && !path.ends_with("/") {
        each(path);
    }
}

/// Deletes a cookie everywhere this page could have set it.
pub fn delete(name: &str) {
    let host = dom::hostname();
    paths(&dom::pathname(), |p| {
        let mut base = Buf::from(name);
        base.add("=;max-age=0;path=").add(p);
        dom::set_cookie(&base);
        domains(&host, |d| {
            dom::set_cookie(Buf::from(&base).add(";domain=").add(d));
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn all(f: impl Fn(&mut dyn FnMut(&str))) -> Vec<String> {
        let mut out = Vec::new();
        f(&mut |s: &str| out.push(String::from(s)));
        out
    }

    #[wasm_bindgen_test]
    fn parent_domains_and_paths() {
        let domains = |h: &str| all(|f| domains(h, f));
        let paths = |p: &str| all(|f| paths(p, f));
        assert_eq!(
            domains("www.eksempel.kommune.no"),
            [
                "www.eksempel.kommune.no",
                "eksempel.kommune.no",
                "kommune.no"
            ]
        );
        assert!(domains("127.0.0.1").is_empty());
        assert!(domains("localhost").is_empty());
        assert_eq!(paths("/"), ["/"]);
        assert_eq!(paths("/a/b"), ["/", "/a", "/a/", "/a/b"]);
        assert_eq!(paths("/a/b/"), ["/", "/a", "/a/", "/a/b", "/a/b/"]);
    }
}
