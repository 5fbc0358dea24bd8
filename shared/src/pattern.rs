//! Cookie-name patterns: exact names, prefixes (`ASPSESSIONID*`, `_pk_id.*`) and the placeholders
//! privacy statements write (`_ga_<container-id>`, `wordpress_logged_in_[hash]`, `AMCV_xxxxx`).
//!
//! A pattern is a list of literal pieces and wildcards; a wildcard stands for one or more
//! characters. Matching is case-sensitive, as browsers compare cookie names; the near-miss module
//! deals with wrong case. Specificity (how many literal characters a pattern pins down) decides
//! between several patterns that match one name: the most specific wins.

use std::fmt;

/// One piece of a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Piece {
    Literal(String),
    Wild,
}

/// A cookie name or name pattern, as written in a knowledge base or declaration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NamePattern {
    text: String,
    pieces: Vec<Piece>,
}

impl NamePattern {
    /// Parses a name as written. Wildcards: `*`, `<…>`, `[…]`, `{…}`, and a trailing run of three
    /// or more `x`/`X`/`#` after a separator (`AMCV_xxxxx`). Everything else is literal.
    pub fn parse(text: &str) -> NamePattern {
        let trimmed = text.trim();
        let mut pieces: Vec<Piece> = Vec::new();
        let mut literal = String::new();
        let mut chars = trimmed.chars().peekable();
        while let Some(c) = chars.next() {
            let close = match c {
                '*' => Some(None),
                '<' => Some(Some('>')),
                '[' => Some(Some(']')),
                '{' => Some(Some('}')),
                _ => None,
            };
            match close {
                Some(end) => {
                    if let Some(end) = end {
                        // Only a closed bracket is a placeholder; `[` alone is literal.
                        let rest: String = chars.clone().collect();
                        match rest.find(end) {
                            Some(pos) if pos > 0 => {
                                for _ in 0..rest[..pos].chars().count() + 1 {
                                    chars.next();
                                }
                            }
                            _ => {
                                literal.push(c);
                                continue;
                            }
                        }
                    }
                    if !literal.is_empty() {
                        pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                    }
                    if pieces.last() != Some(&Piece::Wild) {
                        pieces.push(Piece::Wild);
                    }
                }
                None => literal.push(c),
            }
        }
        if !literal.is_empty() {
            // `AMCV_xxxxx`, `_hjSession_###`: a placeholder run at the end after a separator.
            let run = literal
                .chars()
                .rev()
                .take_while(|c| matches!(c, 'x' | 'X' | '#'))
                .count();
            let head_len = literal.chars().count() - run;
            let head: String = literal.chars().take(head_len).collect();
            if run >= 3 && head.ends_with(['_', '.', '-']) {
                pieces.push(Piece::Literal(head));
                pieces.push(Piece::Wild);
            } else {
                pieces.push(Piece::Literal(literal));
            }
        }
        NamePattern {
            text: trimmed.to_string(),
            pieces,
        }
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether this is a plain name, without wildcards.
    pub fn is_exact(&self) -> bool {
        !self.pieces.contains(&Piece::Wild)
    }

    /// The literal text before the first wildcard (the whole name for an exact pattern).
    pub fn prefix(&self) -> &str {
        match self.pieces.first() {
            Some(Piece::Literal(s)) => s,
            _ => "",
        }
    }

    /// The canonical form: literals with `*` for each wildcard (`_ga_<container-id>` → `_ga_*`).
    pub fn canonical(&self) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(s) => s.as_str(),
                Piece::Wild => "*",
            })
            .collect()
    }

    /// How many literal characters the pattern pins down; exact names rank above any pattern.
    pub fn specificity(&self) -> usize {
        let literal: usize = self
            .pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(s) => s.chars().count(),
                Piece::Wild => 0,
            })
            .sum();
        if self.is_exact() {
            literal + 10_000
        } else {
            literal
        }
    }

    /// Whether a cookie name matches (case-sensitive).
    pub fn matches(&self, name: &str) -> bool {
        match_pieces(&self.pieces, name, false)
    }

    /// Whether a cookie name matches ignoring ASCII case.
    pub fn matches_ignore_case(&self, name: &str) -> bool {
        match_pieces(&self.pieces, name, true)
    }

    /// Whether two patterns describe the same names (`_ga_<id>` and `_ga_*` do).
    pub fn same_shape(&self, other: &NamePattern) -> bool {
        self.pieces == other.pieces
    }

    /// Whether every name this pattern matches is matched by `other` too (the pattern a
    /// declaration writes may be narrower than the base's, or just the same name).
    pub fn covered_by(&self, other: &NamePattern) -> bool {
        if self.same_shape(other) {
            return true;
        }
        // A concrete representative: each wildcard replaced by one character.
        let sample: String = self
            .pieces
            .iter()
            .map(|p| match p {
                Piece::Literal(s) => s.clone(),
                Piece::Wild => "0".to_string(),
            })
            .collect();
        other.matches(&sample) && other.specificity() <= self.specificity()
    }
}

impl fmt::Display for NamePattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn starts_with(name: &str, lit: &str, ignore_case: bool) -> bool {
    if ignore_case {
        name.len() >= lit.len()
            && name.is_char_boundary(lit.len())
            && name[..lit.len()].eq_ignore_ascii_case(lit)
    } else {
        name.starts_with(lit)
    }
}

fn find_from(name: &str, lit: &str, ignore_case: bool) -> Vec<usize> {
    (0..=name.len().saturating_sub(lit.len()))
        .filter(|&i| name.is_char_boundary(i) && starts_with(&name[i..], lit, ignore_case))
        .collect()
}

/// Backtracking glob match; a wildcard consumes at least one character.
fn match_pieces(pieces: &[Piece], name: &str, ignore_case: bool) -> bool {
    match pieces.split_first() {
        None => name.is_empty(),
        Some((Piece::Literal(lit), rest)) => {
            starts_with(name, lit, ignore_case)
                && match_pieces(rest, &name[lit.len()..], ignore_case)
        }
        Some((Piece::Wild, rest)) => {
            let Some(first) = name.chars().next() else {
                return false;
            };
            let after_one = &name[first.len_utf8()..];
            match rest.first() {
                None => true,
                Some(Piece::Literal(lit)) => find_from(after_one, lit, ignore_case)
                    .into_iter()
                    .any(|i| match_pieces(rest, &after_one[i..], ignore_case)),
                Some(Piece::Wild) => match_pieces(rest, after_one, ignore_case),
            }
        }
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
    fn shapes_compare_placeholders_alike() {
        let a = NamePattern::parse("_ga_<id>");
        let b = NamePattern::parse("_ga_*");
        assert!(a.same_shape(&b));
        assert!(NamePattern::parse("_ga_ABC").covered_by(&b));
        assert!(!NamePattern::parse("_gid").covered_by(&b));
    }
}
