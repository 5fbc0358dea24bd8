//! Near misses: a declared name that is no real cookie but is close to one (`_utmz` for `__utmz`,
//! `ASP.NET_session` for `ASP.NET_SessionId`, `Datr` for `datr`), with the likely intended name.
//!
//! Rules, in order of confidence: an alias the knowledge base records; the same name in another
//! case; the same name with leading underscores (or a leading dot) added or removed; a truncation of a known name
//! (at least six characters); a small edit distance (one edit for names of four to seven
//! characters, two from eight on).

pub use crate::distance::edit_distance;
use crate::knowledge::{KnowledgeBase, KnownCookie};

/// Why a name looks like a misspelling of a known cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissKind {
    /// The knowledge base records this exact misspelling.
    KnownAlias,
    /// Only the letter case differs.
    Case,
    /// Leading underscores (or a leading dot) differ.
    Underscores,
    /// The name is the start of a known name.
    Truncated,
    /// A letter or two differ.
    Spelling,
}

impl MissKind {
    /// A short id for reports (`known-alias`, `case`, `underscores`, `truncated`, `spelling`).
    pub fn as_str(self) -> &'static str {
        match self {
            MissKind::KnownAlias => "known-alias",
            MissKind::Case => "case",
            MissKind::Underscores => "underscores",
            MissKind::Truncated => "truncated",
            MissKind::Spelling => "spelling",
        }
    }
}

/// A likely intended name for a declared name that matches no known cookie.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMiss<'a> {
    /// The name as written.
    pub written: String,
    /// The name the writer most likely meant (the base entry's name or pattern).
    pub intended: String,
    /// Why.
    pub kind: MissKind,
    /// The entry meant.
    pub entry: &'a KnownCookie,
}

/// The likely intended known cookie for `name`, when `name` itself is unknown to the base.
pub fn suggest<'a>(base: &'a KnowledgeBase, name: &str) -> Option<NearMiss<'a>> {
    suggest_with(base, name, true)
}

/// Like [`suggest`] without the edit-distance rule: cheaper, and all that counts for ordinary
/// words, where one letter off means nothing (`data` is no misspelt `datr`).
pub fn suggest_strict<'a>(base: &'a KnowledgeBase, name: &str) -> Option<NearMiss<'a>> {
    suggest_with(base, name, false)
}

fn suggest_with<'a>(base: &'a KnowledgeBase, name: &str, spelling: bool) -> Option<NearMiss<'a>> {
    let name = name.trim();
    if name.is_empty() || base.lookup(name, None).is_some() {
        return None;
    }
    let hit = |entry: &'a KnownCookie, kind| {
        Some(NearMiss {
            written: name.to_string(),
            intended: entry.pattern.as_str().to_string(),
            kind,
            entry,
        })
    };
    let cookies = base.cookies();
    // A pattern only speaks for names that share a real part of it: `_s*` says nothing of `_si`.
    let pinned = |c: &KnownCookie| {
        c.pattern.is_exact() || c.pattern.prefix().trim_start_matches(['_', '.']).len() >= 3
    };
    if let Some(e) = cookies.iter().find(|c| c.aliases.iter().any(|a| a == name)) {
        return hit(e, MissKind::KnownAlias);
    }
    // Cheap first: a case-insensitive match must start with the pattern's prefix.
    let starts_alike = |c: &KnownCookie| {
        let prefix = c.pattern.prefix();
        name.len() >= prefix.len()
            && name.is_char_boundary(prefix.len())
            && name[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if let Some(e) = cookies
        .iter()
        .find(|c| pinned(c) && starts_alike(c) && c.pattern.matches_ignore_case(name))
    {
        return hit(e, MissKind::Case);
    }
    let lead = ['_', '.'];
    let bare = name.trim_start_matches(lead);
    if let Some(e) = cookies.iter().find(|c| {
        let known = c.pattern.as_str();
        known.trim_start_matches(lead) == bare && known != name && known.starts_with(lead)
            || !c.pattern.is_exact()
                && pinned(c)
                && c.pattern.prefix().trim_start_matches(lead).len() <= bare.len()
                && ["_", "__", "."]
                    .iter()
                    .any(|p| c.pattern.matches(&format!("{p}{name}")))
                && !bare.is_empty()
    }) {
        return hit(e, MissKind::Underscores);
    }
    let lower = name.to_lowercase();
    if name.chars().count() >= 6 {
        if let Some(e) = cookies.iter().filter(|c| c.pattern.is_exact()).find(|c| {
            let known = c.pattern.as_str();
            known.len() > name.len()
                && known.is_char_boundary(name.len())
                && known[..name.len()].to_lowercase() == lower
        }) {
            return hit(e, MissKind::Truncated);
        }
    }
    let len = name.chars().count();
    let allowed = match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    if allowed == 0 || !spelling {
        return None;
    }
    cookies
        .iter()
        // The distance is at least the difference in length: skip what cannot come close.
        .filter(|c| {
            c.pattern.is_exact() && c.pattern.as_str().len().abs_diff(name.len()) <= allowed
        })
        .map(|c| (edit_distance(&lower, &c.pattern.as_str().to_lowercase()), c))
        .filter(|(d, _)| *d <= allowed)
        .min_by_key(|(d, c)| (*d, std::cmp::Reverse(c.pattern.as_str().len())))
        .and_then(|(_, e)| hit(e, MissKind::Spelling))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> KnowledgeBase {
        KnowledgeBase::from_json(
            r#"{"services":[{"id":"s","name":"S","vendor":"V","category":"statistics"}],
               "cookies":[
                 {"name":"__utmz","service":"s","category":"statistics"},
                 {"name":"__utmc","service":"s","category":"statistics","aliases":["_utbc"]},
                 {"name":"ASP.NET_SessionId","service":"s","category":"necessary"},
                 {"name":"datr","service":"s","category":"marketing"},
                 {"name":"_ga","service":"s","category":"statistics"},
                 {"name":"PHPSESSID","service":"s","category":"necessary"}
               ]}"#,
            "t.json",
        )
        .unwrap()
    }

    #[test]
    fn finds_the_intended_name() {
        let base = base();
        let s = |n: &str| suggest(&base, n).map(|m| (m.intended, m.kind));
        assert_eq!(s("_utmz"), Some(("__utmz".into(), MissKind::Underscores)));
        assert_eq!(s("_utbc"), Some(("__utmc".into(), MissKind::KnownAlias)));
        assert_eq!(
            s("ASP.NET_session"),
            Some(("ASP.NET_SessionId".into(), MissKind::Truncated))
        );
        assert_eq!(s("Datr"), Some(("datr".into(), MissKind::Case)));
        assert_eq!(
            s("PHPSESSlD"),
            Some(("PHPSESSID".into(), MissKind::Spelling))
        );
    }

    #[test]
    fn real_and_unrelated_names_are_not_near_misses() {
        let base = base();
        assert!(suggest(&base, "_ga").is_none());
        assert!(suggest(&base, "frobnicate").is_none());
        assert!(suggest(&base, "fr").is_none());
    }

    #[test]
    fn short_pattern_prefixes_do_not_make_near_misses() {
        let base = KnowledgeBase::from_json(
            r#"{"services":[{"id":"s","name":"S","vendor":"V","category":"statistics"}],
               "cookies":[
                 {"name":"_s*","service":"s","category":"statistics"},
                 {"name":"_pk_id.*","service":"s","category":"statistics"},
                 {"name":".ASPXAUTH","service":"s","category":"necessary"}
               ]}"#,
            "t.json",
        )
        .unwrap();
        assert!(suggest(&base, "stilling").is_none());
        assert!(suggest(&base, "si").is_none());
        assert!(suggest_strict(&base, "ASPXAUTHH").is_none());
        assert!(suggest(&base, "ASPXAUTHH").is_some());
        let s = |n: &str| suggest(&base, n).map(|m| (m.intended, m.kind));
        assert_eq!(
            s("pk_id.1.abc"),
            Some(("_pk_id.*".into(), MissKind::Underscores))
        );
        assert_eq!(
            s("ASPXAUTH"),
            Some((".ASPXAUTH".into(), MissKind::Underscores))
        );
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("æøå", "æøa"), 1);
    }
}
