//! The knowledge base: cookies and services Kapsel knows, with vendor, category, purpose in three
//! languages, typical retention, hosts and a reference.
//!
//! The built-in base is `data/knowledge-base.json`, embedded at compile time so that people who
//! do not write Rust can edit it. More bases (the Open Cookie Database CSV, see [`crate::ocd`])
//! can be merged in; the built-in entries win where both know a name.
//!
//! Lookup of an observed cookie (name, domain) is an index probe for exact names plus a walk over
//! the patterns, grouped by their literal prefix; the most specific match wins, and where two are
//! equally specific, the one whose hosts match the cookie's domain.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use crate::category::{Category, Localized};
use crate::json::{self, Pos};
use crate::pattern::NamePattern;
use crate::retention::Retention;
use crate::schema::{Fields, SchemaError};

/// The built-in data file.
pub const BUILTIN_JSON: &str = include_str!("../data/knowledge-base.json");

/// A service (product, vendor integration) that sets or loads cookies.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownService {
    /// Stable id used by declarations (`google-analytics`).
    pub id: String,
    /// Display name (`Google Analytics`).
    pub name: String,
    /// Who provides it (`Google Ireland Ltd.`).
    pub vendor: String,
    /// The usual category of the service's cookies.
    pub category: Category,
    /// What the service is for.
    pub purpose: Localized,
    /// Hosts the service loads from or sets cookies on.
    pub hosts: Vec<String>,
    /// Where the vendor documents it.
    pub reference: String,
}

/// A known cookie (or cookie-name pattern).
#[derive(Debug, Clone, PartialEq)]
pub struct KnownCookie {
    /// The name or pattern.
    pub pattern: NamePattern,
    /// Id of the service it belongs to.
    pub service: String,
    /// Who sets it.
    pub vendor: String,
    /// Its category.
    pub category: Category,
    /// What it is for.
    pub purpose: Localized,
    /// Typical lifetime, when known.
    pub retention: Option<Retention>,
    /// Hosts (domains) that set it; empty when the visited site itself does.
    pub hosts: Vec<String>,
    /// Where the vendor documents it.
    pub reference: String,
    /// Misspellings seen in real privacy statements.
    pub aliases: Vec<String>,
    /// Which base it came from (`built-in` or a file name).
    pub source: String,
}

/// Why a knowledge-base file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnowledgeError {
    /// The file (or `built-in`).
    pub source_name: String,
    /// Where in it.
    pub pos: Pos,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for KnowledgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.source_name, self.pos, self.message)
    }
}

impl std::error::Error for KnowledgeError {}

/// Cookies and services Kapsel knows, indexed for fast lookup.
#[derive(Debug, Clone, Default)]
pub struct KnowledgeBase {
    services: Vec<KnownService>,
    cookies: Vec<KnownCookie>,
    exact: HashMap<String, Vec<usize>>,
    /// Pattern entries by their first literal character ('\0' when they start with a wildcard).
    patterns: HashMap<char, Vec<usize>>,
    /// Pattern entries by their stem: the literal prefix without a trailing `.`, `_` or `-`
    /// (`_pk_id` for `_pk_id.*`).
    stems: HashMap<String, Vec<usize>>,
}

/// The stem of a family's name as written: `_pk_id` of `_pk_id`, `_pk_id*`, `_pk_id.*`.
fn stem(name: &str) -> &str {
    name.trim_end_matches('*').trim_end_matches(['.', '_', '-'])
}

impl KnowledgeBase {
    /// The built-in base, parsed once.
    pub fn builtin() -> &'static KnowledgeBase {
        static BASE: OnceLock<KnowledgeBase> = OnceLock::new();
        BASE.get_or_init(|| {
            KnowledgeBase::from_json(BUILTIN_JSON, "built-in")
                .unwrap_or_else(|e| panic!("the built-in knowledge base is invalid: {e}"))
        })
    }

    /// Reads a base in Kapsel's JSON format (see `data/knowledge-base.json`).
    pub fn from_json(text: &str, source_name: &str) -> Result<KnowledgeBase, KnowledgeError> {
        let err = |pos: Pos, message: String| KnowledgeError {
            source_name: source_name.to_string(),
            pos,
            message,
        };
        let root = json::parse(text).map_err(|e| err(e.pos, e.message))?;
        read_base(&root, source_name).map_err(|e| err(e.pos, e.message))
    }

    /// Adds a service; an existing id is kept.
    pub fn add_service(&mut self, service: KnownService) {
        if self.service(&service.id).is_none() {
            self.services.push(service);
        }
    }

    /// Adds a cookie entry to the base and its index.
    pub fn add_cookie(&mut self, cookie: KnownCookie) {
        let index = self.cookies.len();
        if cookie.pattern.is_exact() {
            self.exact
                .entry(cookie.pattern.as_str().to_string())
                .or_default()
                .push(index);
        } else {
            let first = cookie.pattern.prefix().chars().next().unwrap_or('\0');
            self.patterns.entry(first).or_default().push(index);
            let stem = stem(cookie.pattern.prefix());
            if stem.len() >= 2 {
                self.stems.entry(stem.to_string()).or_default().push(index);
            }
        }
        self.cookies.push(cookie);
    }

    /// Merges another base in; entries of `self` win where both know a name (same pattern).
    pub fn merge(&mut self, other: KnowledgeBase) {
        for service in other.services {
            self.add_service(service);
        }
        for cookie in other.cookies {
            if !self.knows_pattern(&cookie.pattern) {
                self.add_cookie(cookie);
            }
        }
    }

    /// Whether an entry with the same name or pattern shape exists.
    pub fn knows_pattern(&self, pattern: &NamePattern) -> bool {
        if pattern.is_exact() {
            return self.exact.contains_key(pattern.as_str());
        }
        let first = pattern.prefix().chars().next().unwrap_or('\0');
        self.patterns.get(&first).is_some_and(|list| {
            list.iter()
                .any(|&i| self.cookies[i].pattern.same_shape(pattern))
        })
    }

    /// All services.
    pub fn services(&self) -> &[KnownService] {
        &self.services
    }

    /// All cookie entries.
    pub fn cookies(&self) -> &[KnownCookie] {
        &self.cookies
    }

    /// The service with this id.
    pub fn service(&self, id: &str) -> Option<&KnownService> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The cookie entries of one service.
    pub fn cookies_of<'a>(
        &'a self,
        service_id: &'a str,
    ) -> impl Iterator<Item = &'a KnownCookie> + 'a {
        self.cookies.iter().filter(move |c| c.service == service_id)
    }

    /// The entry for an observed cookie: most specific name match; on a tie, the one whose hosts
    /// match `domain` (the cookie's domain, leading dot allowed).
    pub fn lookup(&self, name: &str, domain: Option<&str>) -> Option<&KnownCookie> {
        let mut best: Option<(usize, bool, usize)> = None;
        let mut consider = |i: usize| {
            let c = &self.cookies[i];
            if !c.pattern.matches(name) {
                return;
            }
            let spec = c.pattern.specificity();
            let host_match = domain.is_some_and(|d| self.hosts_of(c).any(|h| domain_matches(d, h)));
            let better = match best {
                None => true,
                Some((s, h, _)) => spec > s || (spec == s && host_match && !h),
            };
            if better {
                best = Some((spec, host_match, i));
            }
        };
        if let Some(list) = self.exact.get(name) {
            list.iter().for_each(|&i| consider(i));
        }
        if let Some(first) = name.chars().next() {
            if let Some(list) = self.patterns.get(&first) {
                list.iter().for_each(|&i| consider(i));
            }
        }
        if let Some(list) = self.patterns.get(&'\0') {
            list.iter().for_each(|&i| consider(i));
        }
        best.map(|(_, _, i)| &self.cookies[i])
    }

    /// The family a name written as its stem stands for: `_pk_id`, `_pk_id*` or `_pk_id.*` is
    /// the family `_pk_id.*` (statements name families so). `None` when the name itself is
    /// known as another entry ([`KnowledgeBase::lookup`]) or no pattern has that stem.
    pub fn family(&self, name: &str) -> Option<&KnownCookie> {
        let list = self.stems.get(stem(name))?;
        let family = list
            .iter()
            .map(|&i| &self.cookies[i])
            .max_by_key(|c| c.pattern.specificity())?;
        match self.lookup(name, None) {
            // `_pk_id.*` as written matches its own pattern.
            Some(known) if !std::ptr::eq(known, family) => None,
            _ => Some(family),
        }
    }

    /// The hosts of an entry: its own, else its service's.
    pub fn hosts_of<'a>(&'a self, cookie: &'a KnownCookie) -> impl Iterator<Item = &'a str> + 'a {
        let own = cookie.hosts.iter();
        let service = self
            .service(&cookie.service)
            .filter(|_| cookie.hosts.is_empty())
            .map(|s| s.hosts.iter())
            .into_iter()
            .flatten();
        own.chain(service).map(String::as_str)
    }

    /// The service whose hosts include this request host, if any.
    pub fn service_for_host(&self, host: &str) -> Option<&KnownService> {
        self.services
            .iter()
            .find(|s| s.hosts.iter().any(|h| domain_matches(host, h)))
    }
}

/// Whether a cookie domain or request host belongs to a known host: equal, or one is a
/// subdomain of the other (`.facebook.com` ~ `www.facebook.com`).
pub fn domain_matches(domain: &str, host: &str) -> bool {
    let d = domain.trim_start_matches('.').to_ascii_lowercase();
    let h = host.trim_start_matches('.').to_ascii_lowercase();
    if d.is_empty() || h.is_empty() {
        return false;
    }
    d == h || d.ends_with(&format!(".{h}")) || h.ends_with(&format!(".{d}")) && d.contains('.')
}

const SERVICE_FIELDS: &[&str] = &[
    "id",
    "name",
    "vendor",
    "category",
    "purpose",
    "hosts",
    "reference",
];
const COOKIE_FIELDS: &[&str] = &[
    "name",
    "service",
    "vendor",
    "category",
    "purpose",
    "retention",
    "hosts",
    "reference",
    "aliases",
];

fn read_base(root: &json::Value, source_name: &str) -> Result<KnowledgeBase, SchemaError> {
    let top = Fields::new(
        root,
        "the knowledge base",
        &["about", "services", "cookies"],
    )?;
    let mut base = KnowledgeBase::default();
    for item in list(top.required("services")?, "services")? {
        let f = Fields::new(item, "a service", SERVICE_FIELDS)?;
        let id = f.string("id")?;
        if base.service(&id).is_some() {
            return Err(SchemaError::new(
                item.pos,
                format!("duplicate service id `{id}`"),
            ));
        }
        base.services.push(KnownService {
            name: f.string("name")?,
            vendor: f.string("vendor")?,
            category: f.category("category")?,
            purpose: f.localized("purpose")?,
            hosts: f.strings("hosts")?,
            reference: f.opt_string("reference")?.unwrap_or_default(),
            id,
        });
    }
    for item in list(top.required("cookies")?, "cookies")? {
        let f = Fields::new(item, "a cookie", COOKIE_FIELDS)?;
        let name = f.string("name")?;
        let pattern = NamePattern::parse(&name);
        let service_id = f.string("service")?;
        let Some(service) = base.service(&service_id) else {
            return Err(SchemaError::new(
                f.required("service")?.pos,
                format!("cookie `{name}` names the unknown service `{service_id}`"),
            ));
        };
        if base.knows_pattern(&pattern) {
            return Err(SchemaError::new(
                item.pos,
                format!("duplicate cookie `{name}`"),
            ));
        }
        let vendor = f
            .opt_string("vendor")?
            .unwrap_or_else(|| service.vendor.clone());
        let retention_text = f.opt_string("retention")?;
        let retention = match &retention_text {
            Some(t) => Some(Retention::parse(t).ok_or_else(|| {
                SchemaError::new(
                    f.required("retention").map(|v| v.pos).unwrap_or(item.pos),
                    format!("cannot read the retention `{t}` of `{name}` (write e.g. \"session\", \"24 hours\", \"2 years\")"),
                )
            })?),
            None => None,
        };
        base.add_cookie(KnownCookie {
            pattern,
            service: service_id,
            vendor,
            category: f.category("category")?,
            purpose: f.localized("purpose")?,
            retention,
            hosts: f.strings("hosts")?,
            reference: f.opt_string("reference")?.unwrap_or_default(),
            aliases: f.strings("aliases")?,
            source: source_name.to_string(),
        });
    }
    Ok(base)
}

fn list<'a>(v: &'a json::Value, key: &str) -> Result<&'a [json::Value], SchemaError> {
    v.as_array().ok_or_else(|| {
        SchemaError::new(
            v.pos,
            format!("`{key}` must be a list, found {}", v.kind_name()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{
      "services": [
        {"id": "ga", "name": "GA", "vendor": "G", "category": "statistics", "hosts": ["www.google-analytics.com"]},
        {"id": "fb", "name": "FB", "vendor": "M", "category": "marketing", "hosts": ["facebook.com"]},
        {"id": "other", "name": "Other", "vendor": "O", "category": "preferences"}
      ],
      "cookies": [
        {"name": "_ga", "service": "ga", "category": "statistics", "retention": "2 years"},
        {"name": "_ga_<container-id>", "service": "ga", "category": "statistics", "retention": "2 years"},
        {"name": "_g*", "service": "other", "category": "preferences"},
        {"name": "fr", "service": "other", "category": "preferences"},
        {"name": "fr", "service": "fb", "category": "marketing", "hosts": [".facebook.com"]}
      ]
    }"#;

    #[test]
    fn rejects_duplicate_entries() {
        let err = KnowledgeBase::from_json(SMALL, "small.json").unwrap_err();
        assert_eq!(err.pos.line, 12);
        assert!(err.message.contains("duplicate cookie `fr`"), "{err}");
    }

    fn small() -> KnowledgeBase {
        let text = SMALL.replace(
            r#"{"name": "fr", "service": "other", "category": "preferences"},"#,
            "",
        );
        KnowledgeBase::from_json(&text, "small.json").unwrap()
    }

    #[test]
    fn a_stem_names_its_family() {
        let base = KnowledgeBase::from_json(
            r#"{"services": [{"id": "m", "name": "M", "vendor": "M", "category": "statistics"}],
                "cookies": [{"name": "_pk_id.*", "service": "m", "category": "statistics"},
                            {"name": "_pk_ses", "service": "m", "category": "statistics"}]}"#,
            "f.json",
        )
        .unwrap();
        for written in ["_pk_id", "_pk_id*", "_pk_id.*"] {
            let f = base.family(written);
            assert_eq!(f.map(|c| c.pattern.as_str()), Some("_pk_id.*"), "{written}");
        }
        // A name the base knows as written is no family; an unknown stem has none.
        assert!(base.family("_pk_id.1.abc").is_none());
        assert!(base.family("_pk_ses").is_none());
        assert!(base.family("_pk_ref").is_none());
    }

    #[test]
    fn most_specific_match_wins() {
        let base = small();
        assert_eq!(base.lookup("_ga", None).unwrap().pattern.as_str(), "_ga");
        assert_eq!(
            base.lookup("_ga_ABC123", None).unwrap().pattern.as_str(),
            "_ga_<container-id>"
        );
        assert_eq!(base.lookup("_gx", None).unwrap().pattern.as_str(), "_g*");
        assert!(base.lookup("zzz", None).is_none());
        let fr = base.lookup("fr", Some(".facebook.com")).unwrap();
        assert_eq!(fr.category, Category::Marketing);
        assert_eq!(fr.vendor, "M");
    }

    #[test]
    fn merge_keeps_own_entries() {
        let mut base = small();
        let other = KnowledgeBase::from_json(
            r#"{"services":[{"id":"x","name":"X","vendor":"X","category":"marketing"}],
                "cookies":[{"name":"_ga","service":"x","category":"marketing"},
                           {"name":"new","service":"x","category":"marketing"}]}"#,
            "other.json",
        )
        .unwrap();
        base.merge(other);
        assert_eq!(
            base.lookup("_ga", None).unwrap().category,
            Category::Statistics
        );
        assert_eq!(base.lookup("new", None).unwrap().source, "other.json");
    }

    #[test]
    fn unknown_fields_and_categories_are_errors() {
        let err = KnowledgeBase::from_json(
            r#"{"services":[{"id":"x","name":"X","vendor":"X","category":"analytics"}],"cookies":[]}"#,
            "b.json",
        )
        .unwrap_err();
        assert!(
            err.message.contains("unknown category `analytics`"),
            "{err}"
        );
        let err = KnowledgeBase::from_json(
            r#"{"services":[{"id":"x","name":"X","vendor":"X","category":"marketing","colour":1}],"cookies":[]}"#,
            "b.json",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("b.json:1:"), "{err}");
        assert!(err.message.contains("unknown field `colour`"), "{err}");
    }

    #[test]
    fn domains_match_by_suffix() {
        assert!(domain_matches(".facebook.com", "www.facebook.com"));
        assert!(domain_matches("www.facebook.com", "facebook.com"));
        assert!(!domain_matches("notfacebook.com", "facebook.com"));
    }
}
