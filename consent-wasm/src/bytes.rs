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

/// Splits `s` at the first `sep` (an ASCII byte).
pub fn split_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == sep)?;
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
    let rest = match url.bytes().position(|b| b == b':') {
        Some(i) if url.as_bytes().get(i + 1..i + 3) == Some(b"//") => url.get(i + 3..).unwrap_or(""),
        _ => url.strip_prefix("//").unwrap_or(url),
    };
    let end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b':' | b'?' | b'#'))
        .unwrap_or(rest.len());
    rest.get(..end).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn hosts_of_urls() {
        assert_eq!(host("https://www.facebook.com:8443/plugins/page.php?x"), "www.facebook.com");
        assert_eq!(host("//player.vimeo.com/video/1"), "player.vimeo.com");
        assert_eq!(host("player.vimeo.com/video/1"), "player.vimeo.com");
        assert_eq!(split("a;b;;c", b';').collect::<alloc::vec::Vec<_>>(), ["a", "b", "", "c"]);
        assert_eq!(split_once("k=v=w", b'='), Some(("k", "v=w")));
        assert_eq!(trim("  ø x \t"), "ø x");
    }
}
