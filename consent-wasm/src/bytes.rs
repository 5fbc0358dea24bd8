//! String helpers that work on ASCII separators byte by byte. core's `str::split` and friends pull
//! in char-boundary panics whose messages drag several kilobytes of `core::fmt` into the wasm;
//! splitting at an ASCII byte always leaves valid UTF-8, so these need no such checks.

/// Splits `s` at every `sep` (an ASCII byte).
pub fn split(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    // SAFETY: `sep` is ASCII, so every piece starts and ends on a char boundary.
    s.as_bytes()
        .split(move |b| *b == sep)
        .map(|piece| unsafe { core::str::from_utf8_unchecked(piece) })
}

/// The index of the first `b` in `s`.
pub fn index_of(s: &[u8], b: u8) -> Option<usize> {
    let mut i = 0;
    while i < s.len() {
        if s[i] == b {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Splits `s` at the first `sep` (an ASCII byte).
pub fn split_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = index_of(s.as_bytes(), sep)?;
    let (a, b) = s.split_at_checked(i)?;
    Some((a, b.get(1..)?))
}

/// `s` without ASCII whitespace at either end.
pub fn trim(s: &str) -> &str {
    // SAFETY: trimming ASCII bytes keeps char boundaries.
    unsafe { core::str::from_utf8_unchecked(s.as_bytes().trim_ascii()) }
}

/// The host of a URL (`https://host:port/path` → `host`), or of a bare `host/path`.
pub fn host(url: &str) -> &str {
    let rest = match split_once(url, b':') {
        Some((_, after)) if after.starts_with("//") => after.get(2..).unwrap_or(""),
        _ => url.strip_prefix("//").unwrap_or(url),
    };
    let mut end = 0;
    for b in rest.bytes() {
        if matches!(b, b'/' | b':' | b'?' | b'#') {
            break;
        }
        end += 1;
    }
    rest.get(..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn hosts_of_urls() {
        assert_eq!(
            host("https://www.facebook.com:8443/plugins/page.php?x"),
            "www.facebook.com"
        );
        assert_eq!(host("//player.vimeo.com/video/1"), "player.vimeo.com");
        assert_eq!(host("player.vimeo.com/video/1"), "player.vimeo.com");
        assert_eq!(
            split("a;b;;c", b';').collect::<alloc::vec::Vec<_>>(),
            ["a", "b", "", "c"]
        );
        assert_eq!(split_once("k=v=w", b'='), Some(("k", "v=w")));
        assert_eq!(trim("  ø x \t"), "ø x");
    }
}
