//! The receipt contract: what the banner posts, how it is checked, and the record the store keeps.

use kapsel_catalogue::Category;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Why a posted body is not a receipt (answered with 400 or 422 and this text).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Invalid {
    /// Not JSON, a wrong type, a missing or an unknown field (serde's message).
    #[error("not a receipt: {0}")]
    Json(String),
    /// A field that parsed but does not hold a valid value.
    #[error("bad `{field}`: {reason}")]
    Field {
        /// The field's name in the contract.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
}

fn bad(field: &'static str, reason: &'static str) -> Invalid {
    Invalid::Field { field, reason }
}

/// How the visitor chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// "Accept all".
    AcceptAll,
    /// "Reject all" (or "only necessary").
    RejectAll,
    /// Switches in the settings layer, a placeholder's allow button, or the page's own API.
    Custom,
    /// A category granted before was taken back.
    Withdraw,
    /// "Accept all" with Global Privacy Control on: marketing stays refused.
    Gpc,
}

impl Method {
    /// The contract's name for the method.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::AcceptAll => "accept-all",
            Method::RejectAll => "reject-all",
            Method::Custom => "custom",
            Method::Withdraw => "withdraw",
            Method::Gpc => "gpc",
        }
    }

    /// Parses a stored method name.
    pub fn parse(s: &str) -> Option<Method> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
}

/// A receipt as posted: the contract's fields, nothing else (unknown fields are refused).
/// Either `declaration_sha256` or `declaration` (the resolved declaration the banner showed,
/// from which the server computes the hash) must be given; when both are, they must agree.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Posted<'a> {
    /// The banner's receipt id: a UUID v4, kept in the visitor's `kapsel_consent` cookie.
    pub id: String,
    /// The site's name from the declaration (when absent: the declaration's `site`).
    #[serde(default)]
    pub site: Option<String>,
    /// The declaration's revision (when absent: the declaration's `revision`).
    #[serde(default)]
    pub revision: Option<String>,
    /// SHA-256 (hex) of the declaration shown.
    #[serde(default)]
    pub declaration_sha256: Option<String>,
    /// The declaration shown, as JSON.
    #[serde(default, borrow)]
    pub declaration: Option<&'a RawValue>,
    /// Categories granted (always `necessary`).
    pub granted: Vec<String>,
    /// Categories refused; when absent, every category not granted.
    #[serde(default)]
    pub refused: Option<Vec<String>>,
    /// How the visitor chose; when absent, derived from the categories (see [`derive_method`]).
    #[serde(default)]
    pub method: Option<Method>,
    /// The language the banner was shown in.
    pub lang: String,
    /// The banner's version.
    pub banner: String,
    /// The browser's time of the choice (RFC 3339).
    pub at: String,
}

/// A checked receipt, as stored and exported (`received` is the server's time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// UUID v4, lower case.
    pub id: String,
    /// The site's name.
    pub site: String,
    /// The declaration's revision.
    pub revision: String,
    /// SHA-256 (64 lower-case hex digits) of the declaration shown.
    pub declaration_sha256: String,
    /// Categories granted, in the catalogue's order.
    pub granted: Vec<String>,
    /// Categories refused, in the catalogue's order.
    pub refused: Vec<String>,
    /// How the visitor chose.
    pub method: Method,
    /// The language shown.
    pub lang: String,
    /// The banner's version.
    pub banner: String,
    /// The browser's time, RFC 3339 in UTC.
    pub at: String,
    /// The server's time of receipt, RFC 3339 in UTC.
    pub received: String,
}

/// The longest text accepted in `site`, `revision`, `banner`.
pub const MAX_TEXT: usize = 200;

/// Parses and checks a posted body. Returns the receipt (with `received` set to `now`) and the
/// declaration's JSON text when the body carried it.
pub fn parse(body: &[u8], now: OffsetDateTime) -> Result<(Receipt, Option<String>), Invalid> {
    parse_named(body, now).map(|(r, d, _)| (r, d))
}

/// As [`parse`], and whether the body named its method (else it was derived from the categories,
/// and [`Receipt::refine_method`] may refine it).
pub fn parse_named(
    body: &[u8],
    now: OffsetDateTime,
) -> Result<(Receipt, Option<String>, bool), Invalid> {
    let posted: Posted = serde_json::from_slice(body).map_err(|e| Invalid::Json(e.to_string()))?;
    let named = posted.method.is_some();
    check(posted, now).map(|(r, d)| (r, d, named))
}

impl Receipt {
    /// Refines a derived method: `withdraw` when `previous` (the same visitor's last receipt)
    /// granted a category this one refuses; `gpc` when the browser sent Global Privacy Control
    /// and everything but marketing is granted.
    pub fn refine_method(&mut self, previous: Option<&Receipt>, gpc: bool) {
        if previous.is_some_and(|p| p.granted.iter().any(|c| self.refused.contains(c))) {
            self.method = Method::Withdraw;
        } else if gpc && self.refused == ["marketing"] {
            self.method = Method::Gpc;
        }
    }
}

fn text(field: &'static str, s: String) -> Result<String, Invalid> {
    if s.trim().is_empty() {
        return Err(bad(field, "empty"));
    }
    if s.chars().count() > MAX_TEXT {
        return Err(bad(field, "longer than 200 characters"));
    }
    if s.chars().any(char::is_control) {
        return Err(bad(field, "holds control characters"));
    }
    Ok(s)
}

/// SHA-256 of a text, as 64 lower-case hex digits.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `s` is 64 lower-case hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn categories(field: &'static str, ids: &[String]) -> Result<u8, Invalid> {
    let mut mask = 0u8;
    for id in ids {
        let i = Category::ALL
            .iter()
            .position(|c| c.id() == id)
            .ok_or(bad(field, "unknown category"))?;
        if mask & (1 << i) != 0 {
            return Err(bad(field, "a category twice"));
        }
        mask |= 1 << i;
    }
    Ok(mask)
}

fn names(mask: u8) -> Vec<String> {
    Category::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, c)| c.id().to_string())
        .collect()
}

/// RFC 3339 time in UTC with exactly three decimals (`2026-12-01T12:00:00.000Z`): stored times
/// sort as text.
pub fn format_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Parses `YYYY-MM-DD` (midnight UTC) or RFC 3339, as `--since` takes it.
pub fn parse_since(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
        let f = time::format_description::parse_borrowed::<2>("[year]-[month]-[day]").ok()?;
        Some(time::Date::parse(s, &f).ok()?.midnight().assume_utc())
    })
}

/// The method of a receipt that does not name one: everything granted is `accept-all`, only
/// necessary is `reject-all`, anything else `custom`. (The store turns a choice that takes back
/// what the same visitor granted before into `withdraw`.)
pub fn derive_method(granted: u8, all: u8) -> Method {
    match granted {
        g if g == all => Method::AcceptAll,
        1 => Method::RejectAll,
        _ => Method::Custom,
    }
}

fn check(p: Posted, now: OffsetDateTime) -> Result<(Receipt, Option<String>), Invalid> {
    let id = uuid::Uuid::try_parse(&p.id).map_err(|_| bad("id", "not a UUID"))?;
    if id.get_version_num() != 4 || p.id.len() != 36 {
        return Err(bad("id", "not a UUID v4 in hyphenated form"));
    }
    // The declaration shown, when the body carries it: its site and revision are the receipt's.
    #[derive(Deserialize, Default)]
    struct Head {
        revision: Option<String>,
        site: Option<String>,
    }
    let head: Head = match p.declaration {
        Some(raw) if !raw.get().starts_with('{') => {
            return Err(bad("declaration", "not a JSON object"))
        }
        Some(raw) => {
            serde_json::from_str(raw.get()).map_err(|_| bad("declaration", "not a declaration"))?
        }
        None => Head::default(),
    };
    let site = text("site", p.site.or(head.site.clone()).unwrap_or_default())?;
    let revision = text(
        "revision",
        p.revision.or(head.revision.clone()).unwrap_or_default(),
    )?;
    if p.declaration.is_some() {
        if head.revision.as_deref() != Some(revision.as_str()) {
            return Err(bad("declaration", "its revision is not the receipt's"));
        }
        if head.site.is_some_and(|s| s != site) {
            return Err(bad("declaration", "its site is not the receipt's"));
        }
    }
    let banner = text("banner", p.banner)?;
    if p.lang.is_empty()
        || p.lang.len() > 16
        || !p.lang.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-')
    {
        return Err(bad("lang", "not a language tag"));
    }
    let granted = categories("granted", &p.granted)?;
    let all = (1u8 << Category::ALL.len()) - 1;
    let refused = match &p.refused {
        Some(list) => categories("refused", list)?,
        None => all & !granted,
    };
    if granted & 1 == 0 {
        return Err(bad("granted", "must hold `necessary`"));
    }
    if granted & refused != 0 {
        return Err(bad("refused", "a category both granted and refused"));
    }
    if granted | refused != all {
        return Err(bad("refused", "every category must be granted or refused"));
    }
    let at = OffsetDateTime::parse(&p.at, &Rfc3339).map_err(|_| bad("at", "not RFC 3339"))?;
    let declaration = p.declaration.map(|raw| raw.get().to_string());
    let computed = declaration.as_deref().map(sha256_hex);
    let declaration_sha256 = match (p.declaration_sha256, computed) {
        (Some(given), _) if !is_sha256(&given) => {
            return Err(bad("declaration_sha256", "not 64 lower-case hex digits"))
        }
        (Some(given), Some(computed)) if given != computed => {
            return Err(bad("declaration_sha256", "does not match the declaration"))
        }
        (Some(given), _) => given,
        (None, Some(computed)) => computed,
        (None, None) => {
            return Err(bad(
                "declaration_sha256",
                "missing (give it or the declaration)",
            ))
        }
    };
    Ok((
        Receipt {
            id: p.id.to_ascii_lowercase(),
            site,
            revision,
            declaration_sha256,
            granted: names(granted),
            refused: names(refused),
            method: p.method.unwrap_or(derive_method(granted, all)),
            lang: p.lang,
            banner,
            at: format_time(at),
            received: format_time(now),
        },
        declaration,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"id": "0b6f2a5e-8c1d-4f3a-9e2b-7d4c5a6b8e9f", "site": "Eksempel kommune",
        "revision": "2026-11-01", "declaration_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "granted": ["necessary", "statistics"], "refused": ["preferences", "marketing"],
        "method": "custom", "lang": "nb", "banner": "0.1.0", "at": "2026-12-01T13:00:00+01:00"}"#;

    #[test]
    fn the_contract_example_parses_and_normalises() {
        let (r, decl) = parse(GOOD.as_bytes(), OffsetDateTime::UNIX_EPOCH).unwrap();
        assert_eq!(r.at, "2026-12-01T12:00:00.000Z");
        assert_eq!(
            parse_since("2026-12-01").map(format_time).as_deref(),
            Some("2026-12-01T00:00:00.000Z")
        );
        assert_eq!(r.refused, ["preferences", "marketing"]);
        assert_eq!(r.method, Method::Custom);
        assert_eq!(decl, None);
    }

    #[test]
    fn a_declaration_gives_its_hash() {
        let body = GOOD.replace(
            r#""declaration_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa""#,
            r#""declaration": {"site": "Eksempel kommune", "revision": "2026-11-01"}"#,
        );
        let (r, decl) = parse(body.as_bytes(), OffsetDateTime::UNIX_EPOCH).unwrap();
        let text = r#"{"site": "Eksempel kommune", "revision": "2026-11-01"}"#;
        assert_eq!(decl.as_deref(), Some(text));
        assert_eq!(r.declaration_sha256, sha256_hex(text));
        let other = body.replace("\"revision\": \"2026-11-01\"}", "\"revision\": \"2025\"}");
        assert!(parse(other.as_bytes(), OffsetDateTime::UNIX_EPOCH).is_err());
    }

    #[test]
    fn what_the_banner_leaves_out_is_derived() {
        let body = r#"{"id": "0b6f2a5e-8c1d-4f3a-9e2b-7d4c5a6b8e9f",
            "declaration": {"site": "Eksempel kommune", "revision": "2026-11-01"},
            "granted": ["necessary", "statistics"], "lang": "nb", "banner": "0.1.0", "at": "2026-12-01T12:00:00.5Z"}"#;
        let (mut r, _) = parse(body.as_bytes(), OffsetDateTime::UNIX_EPOCH).unwrap();
        assert_eq!(
            (r.site.as_str(), r.revision.as_str()),
            ("Eksempel kommune", "2026-11-01")
        );
        assert_eq!(r.refused, ["preferences", "marketing"]);
        assert_eq!(r.method, Method::Custom);
        let all = body.replace(
            r#"["necessary", "statistics"]"#,
            r#"["necessary", "preferences", "statistics", "marketing"]"#,
        );
        let (before, _) = parse(all.as_bytes(), OffsetDateTime::UNIX_EPOCH).unwrap();
        assert_eq!(before.method, Method::AcceptAll);
        r.refine_method(Some(&before), false);
        assert_eq!(r.method, Method::Withdraw);
        let gpc = body.replace(
            r#"["necessary", "statistics"]"#,
            r#"["necessary", "preferences", "statistics"]"#,
        );
        let (mut g, _) = parse(gpc.as_bytes(), OffsetDateTime::UNIX_EPOCH).unwrap();
        g.refine_method(None, true);
        assert_eq!(g.method, Method::Gpc);
        let only = body.replace(r#"["necessary", "statistics"]"#, r#"["necessary"]"#);
        assert_eq!(
            parse(only.as_bytes(), OffsetDateTime::UNIX_EPOCH)
                .unwrap()
                .0
                .method,
            Method::RejectAll
        );
        // Without the declaration, site and revision must be given.
        let bare = body.replace(r#""declaration": {"site": "Eksempel kommune", "revision": "2026-11-01"},"#, r#""declaration_sha256": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","#);
        assert!(matches!(
            parse(bare.as_bytes(), OffsetDateTime::UNIX_EPOCH),
            Err(Invalid::Field { field: "site", .. })
        ));
    }

    #[test]
    fn wrong_values_are_named() {
        for (from, to, field) in [
            ("0b6f2a5e-8c1d-4f3a", "0b6f2a5e-8c1d-1f3a", "id"),
            ("\"statistics\"]", "\"statistic\"]", "granted"),
            ("[\"necessary\", ", "[", "granted"),
            (
                "\"marketing\"]",
                "\"marketing\", \"statistics\"]",
                "refused",
            ),
            ("\"preferences\", ", "", "refused"),
            ("13:00:00+01:00", "13:00", "at"),
            ("\"nb\"", "\"n b\"", "lang"),
            ("aaaa", "AAAA", "declaration_sha256"),
        ] {
            let body = GOOD.replace(from, to);
            match parse(body.as_bytes(), OffsetDateTime::UNIX_EPOCH) {
                Err(Invalid::Field { field: f, .. }) => assert_eq!(f, field, "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
        let unknown = GOOD.replace("\"lang\"", "\"ip\": \"1.2.3.4\", \"lang\"");
        assert!(matches!(
            parse(unknown.as_bytes(), OffsetDateTime::UNIX_EPOCH),
            Err(Invalid::Json(m)) if m.contains("unknown field")
        ));
    }
}
