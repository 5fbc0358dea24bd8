//! First-party cookies through `document.cookie`: read one, write the consent record, and delete
//! by name on the current host and every parent domain, for every path the current URL could have
//! set it on. (HttpOnly cookies are out of a script's reach; the server has to expire those.)

use crate::{bytes, dom};
use alloc::string::String;
use alloc::vec::Vec;

/// The names of the cookies this page can see.
pub fn names() -> Vec<String> {
    bytes::split(&dom::cookie(), b';')
        .filter_map(|pair| {
            let name = bytes::trim(bytes::split(pair, b'=').next().unwrap_or(""));
            (!name.is_empty()).then(|| String::from(name))
        })
        .collect()
}

/// The value of a cookie, if set.
pub fn get(name: &str) -> Option<String> {
    bytes::split(&dom::cookie(), b';').find_map(|pair| {
        let (n, v) = bytes::split_once(pair, b'=')?;
        (bytes::trim(n) == name).then(|| String::from(bytes::trim(v)))
    })
}

/// Sets a first-party cookie for the whole site (`path=/`, `SameSite=Lax`, `Secure` on HTTPS).
pub fn set(name: &str, value: &str, max_age_seconds: u64) {
    let mut c = String::from(name);
    bytes::push(&mut c, b'=');
    c.push_str(value);
    c.push_str(";path=/;SameSite=Lax;max-age=");
    crate::record::push_decimal(&mut c, max_age_seconds);
    if dom::secure() {
        c.push_str(";Secure");
    }
    dom::set_cookie(&c);
}

/// The domains a cookie of this host may sit on: the host and its parents (none for IP addresses
/// or single-label hosts, where only a host-only cookie exists).
pub fn domains(host: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = host.as_bytes();
    let is_ip =
        b.iter().all(|&c| c.is_ascii_digit() || c == b'.') || bytes::index_of(b, b':').is_some();
    let mut rest = host;
    while let (false, Some((_, parent))) = (is_ip, bytes::split_once(rest, b'.')) {
        out.push(rest);
        rest = parent;
    }
    out
}

/// The paths a cookie visible at `path` may have been set with: `/`, and every prefix of the path
/// with and without a trailing slash.
pub fn paths(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (i, &c) in path.as_bytes().iter().enumerate() {
        if c == b'/' {
            out.extend(path.get(..i).filter(|p| !p.is_empty()));
            out.extend(path.get(..=i));
        }
    }
    if path.len() > 1 && !path.ends_with("/") {
        out.push(path);
    }
    out
}

/// Deletes a cookie everywhere this page could have set it.
pub fn delete(name: &str) {
    let host = dom::hostname();
    let path = dom::pathname();
    let doms = domains(&host);
    for p in paths(&path) {
        let mut base = String::from(name);
        base.push_str("=;max-age=0;path=");
        base.push_str(p);
        dom::set_cookie(&base);
        for d in &doms {
            let mut c = base.clone();
            c.push_str(";domain=");
            c.push_str(d);
            dom::set_cookie(&c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn parent_domains_and_paths() {
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
