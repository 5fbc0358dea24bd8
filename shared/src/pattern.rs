//! Cookie-name patterns: exact names, prefixes (`ASPSESSIONID*`, `_pk_id.*`) and the placeholders
//! privacy statements write (`_ga_<container-id>`, `wordpress_logged_in_[hash]`, `AMCV_xxxxx`).
//!
//! A pattern is a list of literal pieces and wildcards; a wildcard stands for one or more
//! characters. Matching is case-sensitive, as browsers compare cookie names; the near-miss module
//! deals with wrong case. Specificity (how many literal characters a pattern pins down) decides
//! between several patterns that match one name: the most specific wins.
//!
//! `core` and `alloc` only (the banner links it without std). A pattern keeps its text and its
//! shape, the canonical form with one `*` per wildcard; matching walks the literal pieces between
//! the wildcards. [`matches()`] does the same straight from the written text, allocating nothing:
//! the banner's way.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// The wildcard in a pattern's shape. `*` is always a wildcard as written, never a literal, so a
/// shape (literal text with one `*` per wildcard) describes its pattern unambiguously.
const WILD: u8 = b'*';

/// A cookie name or name pattern, as written in a knowledge base or declaration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NamePattern {
    /// As written, trimmed.
    text: String,
    /// Literal text with one `*` per wildcard (consecutive wildcards are one): the canonical form,
    /// valid UTF-8.
    shape: Vec<u8>,
}

impl NamePattern {
    /// Parses a name as written. Wildcards: `*`, `<…>`, `[…]`, `{…}`, and a trailing run of three
    /// or more `x`/`X`/`#` after a separator (`AMCV_xxxxx`). Everything else is literal.
    pub fn parse(text: &str) -> NamePattern {
        NamePattern::parse_trimmed(text.trim())
    }

    /// [`NamePattern::parse`] for text already trimmed, such as [`NamePattern::as_str`] gives
    /// back (a resolved declaration writes names that way): no whitespace is removed. It spares
    /// the banner the Unicode whitespace tables.
    pub fn parse_trimmed(trimmed: &str) -> NamePattern {
        let mut shape = Vec::with_capacity(trimmed.len());
        for (k, piece) in Literals::of(trimmed).enumerate() {
            if k > 0 {
                shape.push(WILD);
            }
            shape.extend_from_slice(piece);
        }
        NamePattern {
            text: String::from(trimmed),
            shape,
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this is a plain name, without wildcards.
    pub fn is_exact(&self) -> bool {
        !self.shape.contains(&WILD)
    }

    /// The literal text before the first wildcard (the whole name for an exact pattern).
    pub fn prefix(&self) -> &str {
        // The text as written starts with the same literal bytes.
        let end = self.shape.iter().position(|&c| c == WILD);
        self.text
            .get(..end.unwrap_or(self.shape.len()))
            .unwrap_or_default()
    }

    /// The canonical form: literals with `*` for each wildcard (`_ga_<container-id>` → `_ga_*`).
    pub fn canonical(&self) -> String {
        String::from_utf8_lossy(&self.shape).into_owned()
    }

    /// How many literal characters the pattern pins down; exact names rank above any pattern.
    pub fn specificity(&self) -> usize {
        // Characters, not bytes: UTF-8 continuation bytes do not count.
        let literal = self
            .shape
            .iter()
            .filter(|&&c| c != WILD && c & 0xc0 != 0x80)
            .count();
        if self.is_exact() {
            literal + 10_000
        } else {
            literal
        }
    }

    /// Whether a cookie name matches (case-sensitive).
    pub fn matches(&self, name: &str) -> bool {
        glob::<false>(self.shape.split(|&c| c == WILD), name.as_bytes())
    }

    /// Whether a cookie name matches ignoring ASCII case.
    pub fn matches_ignore_case(&self, name: &str) -> bool {
        glob::<true>(self.shape.split(|&c| c == WILD), name.as_bytes())
    }

    /// Whether two patterns describe the same names (`_ga_<id>` and `_ga_*` do).
    pub fn same_shape(&self, other: &NamePattern) -> bool {
        self.shape == other.shape
    }

    /// Whether every name this pattern matches is matched by `other` too (the pattern a
    /// declaration writes may be narrower than the base's, or just the same name).
    pub fn covered_by(&self, other: &NamePattern) -> bool {
        if self.same_shape(other) {
            return true;
        }
        // A concrete representative: each wildcard replaced by one character.
        let sample: String = self
            .canonical()
            .chars()
            .map(|c| if c == '*' { '0' } else { c })
            .collect();
        other.matches(&sample) && other.specificity() <= self.specificity()
    }
}

impl fmt::Display for NamePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Whether `name` matches the pattern written as `trimmed` (as [`NamePattern::parse_trimmed`]
/// reads it, then [`NamePattern::matches`]), without building the pattern: the banner's way, which
/// allocates nothing.
pub fn matches(trimmed: &str, name: &str) -> bool {
    glob::<false>(Literals::of(trimmed), name.as_bytes())
}

/// The literal pieces of a written pattern, in order, borrowed from it: its shape is these joined
/// by wildcards (`_ga_<container-id>` → `_ga_`, ``; `a*b<x>c` → `a`, `b`, `c`; an exact name →
/// itself). Wildcards: `*`, `<…>`, `[…]`, `{…}` with something inside (consecutive ones count as
/// one), and a run of three or more `x`/`X`/`#` after a separator ending the last literal
/// (`AMCV_xxxxx`).
struct Literals<'a> {
    text: &'a [u8],
    /// Start of the next piece; `None` when done.
    next: Option<usize>,
}

impl<'a> Literals<'a> {
    fn of(trimmed: &'a str) -> Literals<'a> {
        Literals {
            text: trimmed.as_bytes(),
            next: Some(0),
        }
    }

    /// The length of the wildcard at `i`, if one starts there.
    fn wildcard(&self, i: usize) -> Option<usize> {
        match *self.text.get(i)? {
            WILD => Some(1),
            open @ (b'<' | b'[' | b'{') => {
                // `>` is two after `<` in ASCII, as `]` after `[` and `}` after `{`.
                let inside = self
                    .text
                    .get(i + 1..)?
                    .iter()
                    .position(|&c| c == open + 2)?;
                (inside > 0).then_some(inside + 2)
            }
            _ => None,
        }
    }
}

impl<'a> Iterator for Literals<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let start = self.next?;
        let mut i = start;
        while i < self.text.len() {
            if let Some(mut len) = self.wildcard(i) {
                let piece = self.text.get(start..i);
                while let Some(more) = self.wildcard(i + len) {
                    len += more;
                }
                self.next = Some(i + len);
                return piece;
            }
            i += 1;
        }
        // The last piece: a placeholder run at its end after a separator is one more wildcard,
        // followed by an empty piece (`start == len` marks that one).
        let mut sep = i;
        while sep > start && matches!(self.text.get(sep - 1), Some(b'x' | b'X' | b'#')) {
            sep -= 1;
        }
        let cut = i - sep >= 3 && sep > start;
        if cut && matches!(self.text.get(sep - 1), Some(b'_' | b'.' | b'-')) {
            self.next = Some(i);
            return self.text.get(start..sep);
        }
        self.next = None;
        self.text.get(start..)
    }
}

/// Byte equality, ASCII case folded when `FOLD` (a constant: the banner, which never folds,
/// links no folding code).
fn same<const FOLD: bool>(a: &[u8], b: &[u8]) -> bool {
    if FOLD {
        a.eq_ignore_ascii_case(b)
    } else {
        a == b
    }
}

/// Matches a name against a pattern's literal pieces (its shape split at the wildcards); a
/// wildcard consumes at least one character.
///
/// Byte-oriented and without backtracking: each literal between wildcards is taken at its leftmost
/// place (at least one byte on), which never rules out a match that a later place would allow; the
/// last literal must then end the name. A literal starts with a UTF-8 lead byte, so it can only be
/// found on a char boundary: "one byte or more" before it is "one character or more".
fn glob<'p, const FOLD: bool>(mut pieces: impl Iterator<Item = &'p [u8]>, name: &[u8]) -> bool {
    let first = pieces.next().unwrap_or_default();
    if !name
        .get(..first.len())
        .is_some_and(|head| same::<FOLD>(head, first))
    {
        return false;
    }
    // `name[at..]` is still to match, and `piece` follows a wildcard.
    let mut at = first.len();
    let Some(mut piece) = pieces.next() else {
        return at == name.len();
    };
    loop {
        let Some(next) = pieces.next() else {
            // The last literal ends the name, at least one byte on.
            return name.len() > at + piece.len()
                && name
                    .get(name.len() - piece.len()..)
                    .is_some_and(|tail| same::<FOLD>(tail, piece));
        };
        // A literal between wildcards: its leftmost place at least one byte on.
        let mut from = at + 1;
        loop {
            match name.get(from..from + piece.len()) {
                Some(window) if same::<FOLD>(window, piece) => break,
                Some(_) => from += 1,
                None => return false,
            }
        }
        at = from + piece.len();
        piece = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_names_match_only_themselves() {
        let p = NamePattern::parse("_ga");
        assert!(p.is_exact());
        assert!(p.matches("_ga"));
        assert!(!p.matches("_ga_ABC"));
        assert!(!p.matches("_GA"));
        assert!(p.matches_ignore_case("_GA"));
    }

    #[test]
    fn prefixes_and_placeholders() {
        let asp = NamePattern::parse("ASPSESSIONID*");
        assert!(asp.matches("ASPSESSIONIDACABABQ"));
        assert!(!asp.matches("ASPSESSIONID"));
        let pk = NamePattern::parse("_pk_id.*");
        assert!(pk.matches("_pk_id.1.1fff"));
        assert!(!pk.matches("_pk_ses.1.1fff"));
        let ga = NamePattern::parse("_ga_<container-id>");
        assert_eq!(ga.canonical(), "_ga_*");
        assert!(ga.matches("_ga_XYZ123"));
        assert!(!ga.matches("_ga"));
        let wp = NamePattern::parse("wordpress_logged_in_[hash]");
        assert!(wp.matches("wordpress_logged_in_0a1b2c"));
        let amcv = NamePattern::parse("AMCV_xxxxx");
        assert!(amcv.matches("AMCV_0D15148954E6C5100A4C98BC%40AdobeOrg"));
        assert!(!NamePattern::parse("Max").matches("Maxx"));
        let mid = NamePattern::parse("wp-settings-*-time");
        assert!(mid.matches("wp-settings-1-time"));
        assert!(!mid.matches("wp-settings-1"));
    }

    #[test]
    fn unclosed_brackets_are_literal() {
        let p = NamePattern::parse("a[b");
        assert!(p.is_exact());
        assert!(p.matches("a[b"));
    }

    #[test]
    fn specificity_prefers_exact_then_longer_literals() {
        let exact = NamePattern::parse("_gat_UA-1");
        let gat = NamePattern::parse("_gat_<tracker>");
        let ga = NamePattern::parse("_ga*");
        assert!(exact.specificity() > gat.specificity());
        assert!(gat.specificity() > ga.specificity());
    }

    #[test]
    fn several_wildcards_and_non_ascii_names() {
        let p = NamePattern::parse("a*b<x>c");
        assert_eq!(p.canonical(), "a*b*c");
        assert!(p.matches("aXbYc"));
        assert!(p.matches("aXbbYc"));
        assert!(!p.matches("abYc"), "a wildcard needs a character");
        assert!(!p.matches("aXbc"));
        assert!(!p.matches("aXbYcd"));
        // Consecutive wildcards are one.
        let two = NamePattern::parse("a*<x>b");
        assert_eq!(two.canonical(), "a*b");
        assert!(two.matches("aXb"));
        // One character, not one byte; specificity counts characters.
        let oe = NamePattern::parse("ø*");
        assert!(oe.matches("øå"));
        assert!(!oe.matches("ø"));
        assert_eq!(NamePattern::parse("blå").specificity(), 10_003);
        assert!(NamePattern::parse("Lang_*").matches_ignore_case("lang_NB"));
        assert!(!NamePattern::parse("Lang_*").matches("lang_NB"));
        assert_eq!(NamePattern::parse(" _ga_<id>\u{a0}").as_str(), "_ga_<id>");
        assert_eq!(NamePattern::parse_trimmed(" _ga").as_str(), " _ga");
        assert_eq!(NamePattern::parse("_ga_<id>").prefix(), "_ga_");
        assert_eq!(NamePattern::parse("*_ga").prefix(), "");
        assert_eq!(NamePattern::parse("_ga_<id>").to_string(), "_ga_<id>");
    }

    /// Every wildcard tried at every length: the greedy matcher must agree.
    fn backtrack(shape: &[char], name: &[char]) -> bool {
        match shape.split_first() {
            None => name.is_empty(),
            Some(('*', rest)) => (1..=name.len()).any(|k| backtrack(rest, &name[k..])),
            Some((c, rest)) => name.first() == Some(c) && backtrack(rest, &name[1..]),
        }
    }

    #[test]
    fn greedy_matching_agrees_with_backtracking() {
        let shapes = [
            "a*", "*a", "a*a", "*a*", "a*b*a", "ab*ab*b", "*", "a", "*b*b*",
        ];
        let alphabet = ['a', 'b', 'ø'];
        let mut names = vec![String::new()];
        for len in 1..=5u32 {
            for n in 0..alphabet.len().pow(len) {
                let mut k = n;
                let name: String = (0..len)
                    .map(|_| {
                        let c = alphabet[k % alphabet.len()];
                        k /= alphabet.len();
                        c
                    })
                    .collect();
                names.push(name);
            }
        }
        for shape in shapes {
            let p = NamePattern::parse(shape);
            let s: Vec<char> = shape.chars().collect();
            for name in &names {
                let n: Vec<char> = name.chars().collect();
                assert_eq!(p.matches(name), backtrack(&s, &n), "{shape} against {name}");
            }
        }
    }

    #[test]
    fn written_patterns_match_as_parsed_ones() {
        let written = [
            "_ga",
            "_ga_<container-id>",
            "AMCV_xxxxx",
            "_hjSession_###",
            "xxx",
            "a_xx",
            "a*<x>b",
            "*",
            "**",
            "<id>",
            "a[b",
            "a<>b",
            "wp-settings-*-time",
            "_ga_<id>xxx",
            "{x}_{y}",
            "ø*",
            "Lang_*",
            "",
        ];
        let names = [
            "",
            "_ga",
            "_ga_",
            "_ga_X1",
            "AMCV_",
            "AMCV_1%40Adobe",
            "_hjSession_1",
            "xxx",
            "a_xx",
            "aXb",
            "ab",
            "a[b",
            "a<>b",
            "wp-settings-1-time",
            "_ga_1xxx",
            "1_2",
            "øå",
            "Lang_nb",
        ];
        for w in written {
            let p = NamePattern::parse_trimmed(w);
            for n in names {
                assert_eq!(matches(w, n), p.matches(n), "{w} against {n}");
            }
        }
        assert!(matches("AMCV_xxxxx", "AMCV_1%40Adobe") && !matches("AMCV_xxxxx", "AMCV_"));
    }

    #[test]
    fn shapes_compare_placeholders_alike() {
        let a = NamePattern::parse("_ga_<id>");
        let b = NamePattern::parse("_ga_*");
        assert!(a.same_shape(&b));
        assert!(NamePattern::parse("_ga_ABC").covered_by(&b));
        assert!(!NamePattern::parse("_gid").covered_by(&b));
    }
}
