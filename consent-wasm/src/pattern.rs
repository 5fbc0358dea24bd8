//! Cookie-name patterns as declarations write them, matched the catalogue crate's way: exact names,
//! `*`, placeholders in `<…>`, `[…]` or `{…}`, and a trailing run of three or more `x`/`X`/`#` after
//! `_`, `.` or `-` (`AMCV_xxxxx`). A wildcard stands for one or more characters; case matters.

use crate::bytes::index_of;

/// Whether `name` matches `pattern`.
pub fn matches(pattern: &str, name: &str) -> bool {
    // Literal pieces; a wildcard (one or more characters) sits between consecutive pieces.
    let mut pieces: alloc::vec::Vec<&[u8]> = alloc::vec::Vec::new();
    let mut rest = pattern.as_bytes().trim_ascii();
    let mut lit = 0;
    while let Some(&c) = rest.get(lit) {
        let after = rest.get(lit + 1..).unwrap_or_default();
        let skip = match c {
            b'*' => Some(0),
            b'<' => index_of(after, b'>').filter(|&k| k > 0).map(|k| k + 1),
            b'[' => index_of(after, b']').filter(|&k| k > 0).map(|k| k + 1),
            b'{' => index_of(after, b'}').filter(|&k| k > 0).map(|k| k + 1),
            _ => None,
        };
        match skip {
            Some(k) => {
                pieces.push(rest.get(..lit).unwrap_or_default());
                rest = after.get(k..).unwrap_or_default();
                lit = 0;
            }
            None => lit += 1,
        }
    }
    // `AMCV_xxxxx`: a trailing run of 3+ placeholder characters after a separator.
    let mut run = 0;
    while run < rest.len() && matches!(rest[rest.len() - 1 - run], b'x' | b'X' | b'#') {
        run += 1;
    }
    let sep = rest.len().checked_sub(run + 1).and_then(|i| rest.get(i));
    if run >= 3 && matches!(sep, Some(b'_' | b'.' | b'-')) {
        pieces.push(rest.get(..rest.len() - run).unwrap_or_default());
        pieces.push(b"");
    } else {
        pieces.push(rest);
    }
    let Some((first, others)) = pieces.split_first() else {
        return false;
    };
    name.as_bytes()
        .strip_prefix(*first)
        .is_some_and(|tail| glob(others, tail))
}

/// Whether `name` is a wildcard followed by `pieces` (each again after a wildcard).
fn glob(pieces: &[&[u8]], name: &[u8]) -> bool {
    let Some((lit, rest)) = pieces.split_first() else {
        return name.is_empty();
    };
    let mut k = 1;
    while k <= name.len() {
        if let Some(tail) = name.get(k..).and_then(|after| after.strip_prefix(*lit)) {
            if glob(rest, tail) {
                return true;
            }
        }
        k += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::matches;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn exact_names_match_only_themselves() {
        assert!(matches("_ga", "_ga"));
        assert!(!matches("_ga", "_gat"));
        assert!(!matches("_ga", "_g"));
    }

    #[wasm_bindgen_test]
    fn wildcards_need_at_least_one_character() {
        assert!(matches("_ga_<container-id>", "_ga_ABC123"));
        assert!(!matches("_ga_<container-id>", "_ga_"));
        assert!(matches("ASPSESSIONID*", "ASPSESSIONIDQCRT"));
        assert!(matches("_pk_id.*", "_pk_id.1.abcd"));
        assert!(matches(
            "wordpress_logged_in_[hash]",
            "wordpress_logged_in_0f3c"
        ));
        assert!(matches("AMCV_xxxxx", "AMCV_12AB%40AdobeOrg"));
        assert!(!matches("AMCV_xxxxx", "AMCV_"));
        assert!(matches("a*b*c", "aXbYc"));
        assert!(!matches("a*b*c", "abc"));
    }

    #[wasm_bindgen_test]
    fn unclosed_brackets_are_literal() {
        assert!(matches("odd[name", "odd[name"));
        assert!(!matches("odd[name", "oddXname"));
    }
}
