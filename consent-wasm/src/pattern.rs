//! Cookie-name patterns as declarations write them, matched the catalogue crate's way: exact names,
//! `*`, placeholders in `<…>`, `[…]` or `{…}`, and a trailing run of three or more `x`/`X`/`#` after
//! `_`, `.` or `-` (`AMCV_xxxxx`). A wildcard stands for one or more characters; case matters.

/// Whether `name` matches `pattern`.
pub fn matches(pattern: &str, name: &str) -> bool {
    let mut pieces: alloc::vec::Vec<&[u8]> = alloc::vec::Vec::new();
    let p = pattern.as_bytes().trim_ascii();
    let mut start = 0;
    let mut i = 0;
    while i < p.len() {
        let close = match p[i] {
            b'*' => Some(i),
            b'<' => p[i + 1..].iter().position(|&c| c == b'>').map(|k| i + 1 + k),
            b'[' => p[i + 1..].iter().position(|&c| c == b']').map(|k| i + 1 + k),
            b'{' => p[i + 1..].iter().position(|&c| c == b'}').map(|k| i + 1 + k),
            _ => None,
        };
        match close {
            Some(end) if end > i + 1 || p[i] == b'*' => {
                pieces.push(&p[start..i]);
                start = end + 1;
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    let mut tail = &p[start..];
    let run = tail
        .iter()
        .rev()
        .take_while(|c| matches!(c, b'x' | b'X' | b'#'))
        .count();
    let mut wild_tail = false;
    if run >= 3 && run < tail.len() && matches!(tail[tail.len() - run - 1], b'_' | b'.' | b'-') {
        tail = &tail[..tail.len() - run];
        wild_tail = true;
    }
    pieces.push(tail);
    if wild_tail {
        pieces.push(b"");
    }
    // pieces[0] lit, wild, pieces[1] lit, wild, ... ; a wildcard sits between consecutive pieces.
    glob(&pieces, name.as_bytes(), true)
}

fn glob(pieces: &[&[u8]], name: &[u8], first: bool) -> bool {
    let Some((lit, rest)) = pieces.split_first() else {
        return name.is_empty();
    };
    if first {
        return name.starts_with(lit) && glob(rest, &name[lit.len()..], false);
    }
    // A wildcard of one or more characters, then `lit`.
    (1..=name.len()).any(|k| {
        let after = &name[k..];
        after.starts_with(lit) && glob(rest, &after[lit.len()..], false)
    })
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
        assert!(matches("wordpress_logged_in_[hash]", "wordpress_logged_in_0f3c"));
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
