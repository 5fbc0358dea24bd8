//! The rules regulators enforce, applied to a declaration: what `kapsel catalogue check` warns of.
//!
//! - A cookie declared `necessary` that the knowledge base knows as statistics, marketing or
//!   preferences (`_ga` as "necessary" is the classic): it needs consent.
//! - A non-necessary cookie without purpose, provider or retention in every language the site
//!   uses: consent is only valid when the visitor was told what, why, by whom and for how long.
//! - A consent lifetime over 12 months.
//! - A declared name that is a misspelling of a real cookie (`_utmz` for `__utmz`).
//! - A `TODO` still awaiting review (as `kapsel catalogue draft` leaves them).

use std::fmt;

use crate::category::Category;
use crate::declaration::{Declaration, Origin};
use crate::json::Pos;
use crate::knowledge::KnowledgeBase;
use crate::nearmiss;

/// The kinds of warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Declared necessary, known as a consent-requiring category.
    NecessaryButNot,
    /// Purpose, provider or retention missing in a language.
    MissingInformation,
    /// Consent asked for longer than 12 months.
    LongConsent,
    /// The declared name is likely a typo of a real cookie.
    Misspelled,
    /// A decision still marked `TODO`.
    Todo,
}

impl Rule {
    /// A stable id for the rule (used in machine-readable output).
    pub fn id(self) -> &'static str {
        match self {
            Rule::NecessaryButNot => "necessary-but-not",
            Rule::MissingInformation => "missing-information",
            Rule::LongConsent => "long-consent",
            Rule::Misspelled => "misspelled",
            Rule::Todo => "todo",
        }
    }
}

/// One warning about a declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Which rule.
    pub rule: Rule,
    /// Where in the declaration.
    pub pos: Pos,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.pos, self.message, self.rule.id())
    }
}

/// Checks a declaration against the rules; warnings in document order.
pub fn check(decl: &Declaration, base: &KnowledgeBase) -> Vec<Warning> {
    let mut out = Vec::new();
    if decl.consent_lifetime() > 365 {
        out.push(Warning {
            rule: Rule::LongConsent,
            pos: decl.consent_lifetime_pos,
            message: format!(
                "consent lasts {} days; ask again at least every 12 months (6 months is common practice)",
                decl.consent_lifetime()
            ),
        });
    }
    for cookie in &decl.cookies {
        let name = cookie.pattern.as_str();
        let known = base.lookup(name, cookie.domain.as_deref()).or_else(|| {
            // A declared pattern (`_ga_<id>`) is known when the base has the same shape.
            base.cookies()
                .iter()
                .find(|k| cookie.pattern.covered_by(&k.pattern))
        });
        if cookie.category == Category::Necessary {
            if let Some(k) = known.filter(|k| k.category.needs_consent()) {
                out.push(Warning {
                    rule: Rule::NecessaryButNot,
                    pos: cookie.pos,
                    message: format!(
                        "`{name}` is declared necessary, but it is a {} cookie ({}); it needs consent and must be switched off until the visitor agrees",
                        k.category, k.vendor
                    ),
                });
            }
        }
        if cookie.origin == Origin::Declared && known.is_none() {
            if let Some(miss) = nearmiss::suggest(base, name) {
                out.push(Warning {
                    rule: Rule::Misspelled,
                    pos: cookie.pos,
                    message: format!(
                        "`{name}` is not a cookie Kapsel knows; did you mean `{}`? The scanner will not match the real cookie to this entry",
                        miss.intended
                    ),
                });
            }
        }
        if cookie.category.needs_consent() {
            let mut missing = Vec::new();
            for &lang in &decl.languages {
                if cookie.purpose.get(lang).is_none() {
                    missing.push(format!("purpose ({lang})"));
                }
            }
            if cookie.provider.trim().is_empty() {
                missing.push("provider".to_string());
            }
            if cookie.retention.is_none() {
                missing.push("retention".to_string());
            }
            if !missing.is_empty() {
                out.push(Warning {
                    rule: Rule::MissingInformation,
                    pos: cookie.pos,
                    message: format!(
                        "{} cookie `{name}` lacks {}: visitors must be told what, why, by whom and for how long before they consent",
                        cookie.category,
                        missing.join(", ")
                    ),
                });
            }
        }
    }
    for todo in &decl.todos {
        out.push(Warning {
            rule: Rule::Todo,
            pos: todo.pos,
            message: format!("{} awaits review: {}", todo.field, todo.text),
        });
    }
    out.sort_by_key(|w| w.pos);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> KnowledgeBase {
        KnowledgeBase::from_json(
            r#"{"services":[{"id":"ga","name":"GA","vendor":"Google","category":"statistics"}],
               "cookies":[{"name":"_ga","service":"ga","category":"statistics","retention":"2 years"},
                          {"name":"__utmz","service":"ga","category":"statistics"}]}"#,
            "b.json",
        )
        .unwrap()
    }

    fn warnings(text: &str) -> Vec<Warning> {
        let d = Declaration::parse(text, "d.json", &base()).unwrap();
        check(&d, &base())
    }

    #[test]
    fn ga_as_necessary_is_flagged() {
        let w = warnings(
            r#"{"site":"S","revision":"1","cookies":[{"name":"_ga","category":"necessary"}]}"#,
        );
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].rule, Rule::NecessaryButNot);
        assert!(
            w[0].message.contains("statistics cookie (Google)"),
            "{}",
            w[0]
        );
    }

    #[test]
    fn missing_information_per_language() {
        let w = warnings(
            r#"{"site":"S","revision":"1","languages":["nb","en"],"cookies":[
                {"name":"_ga","category":"statistics","purpose":{"nb":"Telling"}}]}"#,
        );
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].rule, Rule::MissingInformation);
        assert!(w[0].message.contains("purpose (en), retention"), "{}", w[0]);
        let fine = warnings(
            r#"{"site":"S","revision":"1","languages":["nb"],"cookies":[
                {"name":"_ga","category":"statistics","purpose":{"nb":"Telling"},"retention":"2 years"}]}"#,
        );
        assert!(fine.is_empty(), "{fine:?}");
    }

    #[test]
    fn todos_are_reported_as_such_and_nothing_else() {
        let w = warnings(
            r#"{"site":"TODO: the site's name","revision":"1","languages":["nb"],"cookies":[
                {"name":"xq","category":"TODO: which category?","provider":"P",
                 "purpose":{"nb":"TODO: why"},"retention":"30 minutes"}]}"#,
        );
        let rules: Vec<Rule> = w.iter().map(|w| w.rule).collect();
        assert_eq!(rules, vec![Rule::Todo; 3], "{w:?}");
        assert!(
            w[1].message
                .starts_with("cookie `xq` category awaits review: TODO: which"),
            "{}",
            w[1]
        );
        assert!(
            w[2].message.starts_with("cookie `xq` purpose nb awaits"),
            "{}",
            w[2]
        );
    }

    #[test]
    fn long_consent_and_misspellings() {
        let w = warnings(
            r#"{"site":"S","revision":"1","consent_lifetime_days":400,"cookies":[
                {"name":"_utmz","category":"necessary"}]}"#,
        );
        let rules: Vec<Rule> = w.iter().map(|w| w.rule).collect();
        assert_eq!(rules, vec![Rule::LongConsent, Rule::Misspelled]);
        assert!(w[1].message.contains("did you mean `__utmz`"), "{}", w[1]);
    }
}
