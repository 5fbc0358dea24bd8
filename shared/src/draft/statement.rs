//! An old privacy statement against the scan: the names it declares ([`crate::extract`]) matched
//! to the cookies seen — declared and seen, declared but never seen (a stale line), seen but never
//! declared (the drift).
//!
//! A statement name covers a seen cookie when it matches as written (patterns included:
//! `_ga_<container-id>`), when it differs only in case, or when the knowledge-base entry it stands
//! for (a recorded misspelling, `_utmz` for `__utmz`) matches.

use crate::extract;
use crate::knowledge::KnowledgeBase;
use crate::pattern::NamePattern;

use super::report::SeenCookie;

/// A name the statement declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementName {
    /// As written.
    pub name: String,
    /// The line (from 1) of the statement's text where it first stands.
    pub line: usize,
    /// That line, trimmed and shortened: what the statement says of it.
    pub context: String,
}

/// How a statement name covers a seen cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// As written.
    Exact,
    /// Written in another case.
    Case,
    /// Misspelt: the knowledge-base entry it stands for matches.
    Misspelt,
}

/// The statement matched to the scan.
#[derive(Debug, Clone, Default)]
pub struct Drift {
    /// Where the statement came from (file or URL).
    pub source: String,
    /// Every name the statement declares.
    pub names: Vec<StatementName>,
    /// Seen cookies the statement declares: (cookie index, name index, how).
    pub declared_and_seen: Vec<(usize, usize, How)>,
    /// Names that cover no seen cookie (indexes into `names`): stale lines.
    pub stale: Vec<usize>,
    /// Seen cookies no name covers (indexes into the report's cookies): the drift.
    pub undeclared: Vec<usize>,
}

impl Drift {
    /// Matches the statement's text to the cookies seen.
    pub fn new(source: &str, text: &str, seen: &[SeenCookie], base: &KnowledgeBase) -> Drift {
        let found = extract::extract(text, base);
        let lines: Vec<&str> = text.lines().collect();
        let names: Vec<StatementName> = found
            .names
            .iter()
            .map(|n| StatementName {
                name: n.name.clone(),
                line: n.line,
                context: shorten(lines.get(n.line.wrapping_sub(1)).copied().unwrap_or("")),
            })
            .collect();
        let mut drift = Drift {
            source: source.to_string(),
            ..Drift::default()
        };
        let mut used = vec![false; names.len()];
        for (ci, cookie) in seen.iter().enumerate() {
            let best = found.names.iter().enumerate().find_map(|(ni, n)| {
                let written = NamePattern::parse(&n.name);
                let how = if written.matches(&cookie.name) {
                    How::Exact
                } else if written.matches_ignore_case(&cookie.name) {
                    How::Case
                } else if n.known().is_some_and(|k| k.pattern.matches(&cookie.name)) {
                    How::Misspelt
                } else {
                    return None;
                };
                Some((ni, how))
            });
            match best {
                Some((ni, how)) => {
                    used[ni] = true;
                    drift.declared_and_seen.push((ci, ni, how));
                }
                None => drift.undeclared.push(ci),
            }
        }
        drift.stale = (0..names.len()).filter(|&i| !used[i]).collect();
        drift.names = names;
        drift
    }

    /// The statement name covering a seen cookie, if any.
    pub fn name_for(&self, cookie: usize) -> Option<(&StatementName, How)> {
        self.declared_and_seen
            .iter()
            .find(|(c, _, _)| *c == cookie)
            .map(|&(_, n, how)| (&self.names[n], how))
    }
}

fn shorten(line: &str) -> String {
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= 140 {
        line
    } else {
        let cut: String = line.chars().take(137).collect();
        format!("{cut}…")
    }
}
