//! A site's declaration: the JSON file a municipality keeps, saying which services and cookies its
//! site uses, in which category, why, for how long, and under which revision consent was given.
//!
//! Parsing is strict and friendly: unknown fields, wrong categories, duplicate names and
//! references to services nobody knows are errors naming the file, line and column. A service may
//! be referenced by knowledge-base id (`"google-analytics"`); parsing resolves it, bringing in the
//! base's cookies for it, so that the in-memory declaration (and the JSON written by
//! [`Declaration::to_json`], which the banner reads) is self-contained. A cookie the site declares
//! itself always wins over one a referenced service brings.
//!
//! A text value that starts with `TODO` (as `kapsel catalogue draft` writes them) is a decision
//! still awaiting review: parsing accepts it and lists it in [`Declaration::todos`]; a `TODO`
//! category stands for the strictest one (it needs consent) until someone decides, and a `TODO`
//! retention for none. [`Declaration::reviewed`] refuses a declaration that still holds one, so
//! nothing half-reviewed reaches visitors.

use std::fmt;

use crate::category::{Category, Lang, Localized};
use crate::distance::closest;
use crate::json::{self, Pos, Value};
use crate::knowledge::{domain_matches, KnowledgeBase};
use crate::pattern::NamePattern;
use crate::retention::Retention;
use crate::schema::{Fields, SchemaError};

/// Consent lifetime when the declaration sets none: six months, the common practice regulators
/// point to.
pub const DEFAULT_CONSENT_LIFETIME_DAYS: u64 = 180;

/// Why a declaration could not be read: file, place and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclError {
    /// The file (as given by the caller).
    pub file: String,
    /// Where in it.
    pub pos: Pos,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for DeclError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.pos.line, self.pos.column, self.message
        )
    }
}

impl std::error::Error for DeclError {}

/// Where a declared cookie comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Written in the declaration's `cookies`.
    Declared,
    /// Brought in by a knowledge-base service the declaration references (its id).
    Service(String),
}

/// A service the site uses.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredService {
    /// Id (a knowledge-base id, or the site's own).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Who provides it.
    pub provider: String,
    /// Its category.
    pub category: Category,
    /// What it is for.
    pub purpose: Localized,
    /// Hosts it loads from.
    pub hosts: Vec<String>,
    /// Whether the knowledge base knows the id.
    pub from_base: bool,
    /// Where it is declared.
    pub pos: Pos,
}

/// A cookie (or name pattern) the site says it uses.
#[derive(Debug, Clone, PartialEq)]
pub struct DeclaredCookie {
    /// Name or pattern.
    pub pattern: NamePattern,
    /// The service it belongs to, if any.
    pub service: Option<String>,
    /// Who sets it.
    pub provider: String,
    /// Its category.
    pub category: Category,
    /// Why.
    pub purpose: Localized,
    /// Declared lifetime, when given.
    pub retention: Option<Retention>,
    /// The lifetime as written.
    pub retention_text: Option<String>,
    /// The domain it is set on, when not the site's own.
    pub domain: Option<String>,
    /// Written by the site, or brought by a referenced service.
    pub origin: Origin,
    /// Where it is declared (the service reference for brought cookies).
    pub pos: Pos,
}

/// A site's declaration, resolved against the knowledge base.
#[derive(Debug, Clone, PartialEq)]
pub struct Declaration {
    /// The file it was read from.
    pub file: String,
    /// The site's name.
    pub site: String,
    /// Who sets the site's own cookies.
    pub provider: String,
    /// Consent revision: any change asks visitors again.
    pub revision: String,
    /// Consent lifetime in days, as written.
    pub consent_lifetime_days: Option<u64>,
    /// Where the consent lifetime was written.
    pub consent_lifetime_pos: Pos,
    /// The privacy statement's URL.
    pub privacy_statement: Option<String>,
    /// Where the banner posts a receipt of every choice (`kapsel-receipts`): `https://…`, a path
    /// on the site itself (`/…`), or `http://` on the loopback address.
    pub receipts: Option<String>,
    /// The languages the site publishes in.
    pub languages: Vec<Lang>,
    /// Whether the banner signals Google Consent Mode v2.
    pub google_consent_mode: bool,
    /// Whether the banner drives the Meta pixel's consent API.
    pub meta_pixel: bool,
    /// Services, declared and referenced.
    pub services: Vec<DeclaredService>,
    /// Cookies, declared and brought by referenced services.
    pub cookies: Vec<DeclaredCookie>,
    /// The `TODO`s still awaiting review, in document order.
    pub todos: Vec<Todo>,
}

/// A value that starts with `TODO`: a decision the site's team has not made yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Todo {
    /// What holds it: ``cookie `xyz` category``, ``site``.
    pub field: String,
    /// The text as written (what is to be decided).
    pub text: String,
    /// Where it stands.
    pub pos: Pos,
}

/// Whether a text is a decision awaiting review (it starts with `TODO`).
pub fn is_todo(text: &str) -> bool {
    text.trim_start().starts_with("TODO")
}

pub(crate) const TOP_FIELDS: &[&str] = &[
    "$schema",
    "site",
    "provider",
    "revision",
    "consent_lifetime_days",
    "privacy_statement",
    "receipts",
    "languages",
    "google_consent_mode",
    "meta_pixel",
    "services",
    "cookies",
];
pub(crate) const SERVICE_FIELDS: &[&str] = &[
    "id", "name", "provider", "category", "purpose", "hosts", "cookies",
];
pub(crate) const COOKIE_FIELDS: &[&str] = &[
    "name",
    "service",
    "provider",
    "category",
    "purpose",
    "retention",
    // Written by `to_json` for the banner; read back, it is ignored (the retention says it all).
    "retention_shown",
    "domain",
];

impl Declaration {
    /// Reads and resolves a declaration. `file` names it in errors.
    pub fn parse(text: &str, file: &str, base: &KnowledgeBase) -> Result<Declaration, DeclError> {
        let to_err = |e: SchemaError| DeclError {
            file: file.to_string(),
            pos: e.pos,
            message: e.message,
        };
        let root = json::parse(text).map_err(|e| DeclError {
            file: file.to_string(),
            pos: e.pos,
            message: format!("not valid JSON: {}", e.message),
        })?;
        read(&root, file, base).map_err(to_err)
    }

    /// Consent lifetime in days, the default when unset.
    pub fn consent_lifetime(&self) -> u64 {
        self.consent_lifetime_days
            .unwrap_or(DEFAULT_CONSENT_LIFETIME_DAYS)
    }

    /// Refuses a declaration that still holds a `TODO`: the error points at the first and counts
    /// them all.
    pub fn reviewed(&self) -> Result<(), DeclError> {
        let Some(first) = self.todos.first() else {
            return Ok(());
        };
        Err(DeclError {
            file: self.file.clone(),
            pos: first.pos,
            message: format!(
                "the declaration still holds {} TODO(s) awaiting review (the first: {}); fill them in (`kapsel catalogue check` lists them) so that nothing half-reviewed reaches visitors",
                self.todos.len(),
                first.field
            ),
        })
    }

    /// The service with this id.
    pub fn service(&self, id: &str) -> Option<&DeclaredService> {
        self.services.iter().find(|s| s.id == id)
    }

    /// The declared cookie an observed cookie (name, domain) falls under: the most specific name
    /// match, and on a tie the one whose domain or service hosts match.
    pub fn classify(&self, name: &str, domain: Option<&str>) -> Option<&DeclaredCookie> {
        self.cookies
            .iter()
            .filter(|c| c.pattern.matches(name))
            .max_by_key(|c| {
                let host_match = domain.is_some_and(|d| {
                    c.domain.as_deref().is_some_and(|cd| domain_matches(d, cd))
                        || c.service
                            .as_deref()
                            .and_then(|s| self.service(s))
                            .is_some_and(|s| s.hosts.iter().any(|h| domain_matches(d, h)))
                });
                (c.pattern.specificity(), host_match)
            })
    }

    /// The cookies of one category.
    pub fn cookies_in(&self, category: Category) -> impl Iterator<Item = &DeclaredCookie> {
        self.cookies.iter().filter(move |c| c.category == category)
    }

    /// The self-contained (resolved) form, as JSON: every service and cookie written out in
    /// full. This is what the banner reads; [`Declaration::parse`] reads it back unchanged.
    pub fn to_json(&self) -> String {
        let mut o = String::from("{\n");
        let field = |o: &mut String, key: &str, value: &str| {
            o.push_str("  ");
            json::write_string(o, key);
            o.push_str(": ");
            json::write_string(o, value);
            o.push_str(",\n");
        };
        field(&mut o, "site", &self.site);
        field(&mut o, "provider", &self.provider);
        field(&mut o, "revision", &self.revision);
        o.push_str(&format!(
            "  \"consent_lifetime_days\": {},\n",
            self.consent_lifetime()
        ));
        if let Some(p) = &self.privacy_statement {
            field(&mut o, "privacy_statement", p);
        }
        if let Some(r) = &self.receipts {
            field(&mut o, "receipts", r);
        }
        let langs: Vec<String> = self
            .languages
            .iter()
            .map(|l| format!("\"{}\"", l.code()))
            .collect();
        o.push_str(&format!("  \"languages\": [{}],\n", langs.join(", ")));
        o.push_str(&format!(
            "  \"google_consent_mode\": {},\n  \"meta_pixel\": {},\n",
            self.google_consent_mode, self.meta_pixel
        ));
        o.push_str("  \"services\": [");
        for (i, s) in self.services.iter().enumerate() {
            o.push_str(if i == 0 { "\n    {" } else { ",\n    {" });
            let mut parts = Vec::new();
            for (k, v) in [("id", &s.id), ("name", &s.name), ("provider", &s.provider)] {
                parts.push(kv(k, v));
            }
            parts.push(kv("category", s.category.id()));
            parts.push(format!("\"purpose\": {}", localized_json(&s.purpose)));
            let hosts: Vec<String> = s.hosts.iter().map(|h| quoted(h)).collect();
            parts.push(format!("\"hosts\": [{}]", hosts.join(", ")));
            if s.from_base {
                // Every cookie is written out below: the base brings nothing more when read back.
                parts.push("\"cookies\": []".to_string());
            }
            o.push_str(&parts.join(", "));
            o.push('}');
        }
        o.push_str("\n  ],\n  \"cookies\": [");
        for (i, c) in self.cookies.iter().enumerate() {
            o.push_str(if i == 0 { "\n    {" } else { ",\n    {" });
            let mut parts = vec![kv("name", c.pattern.as_str())];
            if let Some(s) = &c.service {
                parts.push(kv("service", s));
            }
            parts.push(kv("provider", &c.provider));
            parts.push(kv("category", c.category.id()));
            parts.push(format!("\"purpose\": {}", localized_json(&c.purpose)));
            if let Some(r) = &c.retention_text {
                parts.push(kv("retention", r));
            }
            if let Some(r) = c.retention {
                // The retention as the banner shows it, in each language: the banner carries no
                // unit names or parser of its own.
                let shown: Vec<String> = Lang::ALL
                    .iter()
                    .map(|&l| kv(l.code(), &r.describe(l)))
                    .collect();
                parts.push(format!("\"retention_shown\": {{{}}}", shown.join(", ")));
            }
            if let Some(d) = &c.domain {
                parts.push(kv("domain", d));
            }
            o.push_str(&parts.join(", "));
            o.push('}');
        }
        o.push_str("\n  ]\n}\n");
        o
    }
}

fn quoted(s: &str) -> String {
    let mut o = String::new();
    json::write_string(&mut o, s);
    o
}

fn kv(key: &str, value: &str) -> String {
    format!("{}: {}", quoted(key), quoted(value))
}

fn localized_json(text: &Localized) -> String {
    let parts: Vec<String> = Lang::ALL
        .iter()
        .filter_map(|&l| text.get(l).map(|t| kv(l.code(), t)))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// The optional `receipts` URL: HTTPS, a path on the site, or plain HTTP on the loopback only
/// (receipts are personal data in transit).
fn receipts_url(top: &Fields) -> Result<Option<String>, SchemaError> {
    let Some(url) = top.opt_string("receipts")? else {
        return Ok(None);
    };
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| {
            url.strip_prefix(p)
                .is_some_and(|r| r.starts_with([':', '/']))
        });
    let ok = (url.starts_with("https://") && url.len() > 8)
        || (url.starts_with('/') && !url.starts_with("//"))
        || loopback;
    if !ok || url.chars().any(char::is_whitespace) {
        return Err(SchemaError::new(
            top.required("receipts")?.pos,
            format!("`receipts` must be an https:// URL or a path on the site (such as /kapsel-receipts/v1/receipts), not `{url}`"),
        ));
    }
    Ok(Some(url))
}

fn read(root: &Value, file: &str, base: &KnowledgeBase) -> Result<Declaration, SchemaError> {
    let top = Fields::new(root, "the declaration", TOP_FIELDS)?;
    let site = top.string("site")?;
    let provider = top.opt_string("provider")?.unwrap_or_else(|| site.clone());
    let revision = match top.required("revision")? {
        Value {
            kind: json::Kind::Number(n),
            ..
        } => format!("{n}"),
        v => crate::schema::as_string(v, "revision")?,
    };
    let mut languages = Vec::new();
    if let Some(v) = top.get("languages") {
        let items = v.as_array().ok_or_else(|| {
            SchemaError::new(
                v.pos,
                "`languages` must be a list such as [\"nb\", \"nn\", \"en\"]",
            )
        })?;
        for item in items {
            let code = item.as_str().unwrap_or("");
            let lang = Lang::from_code(code).ok_or_else(|| {
                SchemaError::new(
                    item.pos,
                    format!("unknown language `{code}`; Kapsel writes nb, nn and en"),
                )
            })?;
            if languages.contains(&lang) {
                return Err(SchemaError::new(
                    item.pos,
                    format!("language `{code}` listed twice"),
                ));
            }
            languages.push(lang);
        }
    }
    if languages.is_empty() {
        languages.push(Lang::Nb);
    }
    let consent_lifetime_days = top.opt_u64("consent_lifetime_days")?;
    if consent_lifetime_days == Some(0) {
        return Err(SchemaError::new(
            top.required("consent_lifetime_days")?.pos,
            "`consent_lifetime_days` must be at least 1",
        ));
    }
    let mut decl = Declaration {
        file: file.to_string(),
        site,
        revision,
        consent_lifetime_days,
        consent_lifetime_pos: top
            .get("consent_lifetime_days")
            .map(|v| v.pos)
            .unwrap_or_default(),
        privacy_statement: top.opt_string("privacy_statement")?,
        receipts: receipts_url(&top)?,
        languages,
        google_consent_mode: top.opt_bool("google_consent_mode")?.unwrap_or(false),
        meta_pixel: top.opt_bool("meta_pixel")?.unwrap_or(false),
        services: Vec::new(),
        cookies: Vec::new(),
        todos: Vec::new(),
        provider,
    };
    collect_todos(root, "", &mut decl.todos);
    // Services first: cookies refer to them.
    let mut references: Vec<(String, Reference)> = Vec::new();
    if let Some(list) = top.get("services") {
        for item in array(list, "services")? {
            let (service, reference) = read_service(item, base, &decl.provider)?;
            if let Some(first) = decl.service(&service.id) {
                return Err(SchemaError::new(
                    item.pos,
                    format!(
                        "service `{}` is declared twice (first at line {})",
                        service.id, first.pos.line
                    ),
                ));
            }
            references.push((service.id.clone(), reference));
            decl.services.push(service);
        }
    }
    if let Some(list) = top.get("cookies") {
        for item in array(list, "cookies")? {
            let cookie = read_cookie(item, &decl)?;
            if let Some(first) = decl
                .cookies
                .iter()
                .find(|c| c.pattern.same_shape(&cookie.pattern))
            {
                return Err(SchemaError::new(
                    item.pos,
                    format!(
                        "cookie `{}` is declared twice (first at line {})",
                        cookie.pattern, first.pos.line
                    ),
                ));
            }
            decl.cookies.push(cookie);
        }
    }
    // Cookies the referenced knowledge-base services bring, unless declared already.
    for (service_id, reference) in references {
        let Some(service) = decl.service(&service_id).cloned() else {
            continue;
        };
        if !service.from_base {
            continue;
        }
        let brought: Vec<&crate::knowledge::KnownCookie> = match &reference.only {
            None => base.cookies_of(&service_id).collect(),
            Some(names) => names
                .iter()
                .map(|(name, pos)| pick(base, &service_id, name, *pos))
                .collect::<Result<_, _>>()?,
        };
        let category_overridden = reference.category_overridden;
        for known in brought {
            if decl.cookies.iter().any(|c| {
                c.pattern.same_shape(&known.pattern) || known.pattern.covered_by(&c.pattern)
            }) {
                continue;
            }
            decl.cookies.push(DeclaredCookie {
                pattern: known.pattern.clone(),
                service: Some(service_id.clone()),
                provider: service.provider.clone(),
                category: if category_overridden {
                    service.category
                } else {
                    known.category
                },
                purpose: known.purpose.clone(),
                retention: known.retention,
                retention_text: known.retention.map(|r| r.describe(Lang::En)),
                domain: known.hosts.first().cloned(),
                origin: Origin::Service(service_id.clone()),
                pos: service.pos,
            });
        }
    }
    Ok(decl)
}

/// Every string starting with `TODO` under `v`, named by the entry (service id, cookie name) and
/// key that hold it.
fn collect_todos(v: &Value, place: &str, out: &mut Vec<Todo>) {
    match &v.kind {
        json::Kind::String(s) if is_todo(s) => out.push(Todo {
            field: if place.is_empty() {
                "a value".into()
            } else {
                place.to_string()
            },
            text: s.clone(),
            pos: v.pos,
        }),
        json::Kind::Array(items) => {
            for item in items {
                let entry = match (place, item.get("id").or(item.get("name"))) {
                    ("services", Some(id)) => format!("service `{}`", id.as_str().unwrap_or("?")),
                    ("cookies", Some(n)) => format!("cookie `{}`", n.as_str().unwrap_or("?")),
                    _ => place.to_string(),
                };
                collect_todos(item, &entry, out);
            }
        }
        json::Kind::Object(members) => {
            for m in members {
                let place = match place {
                    "" => m.key.clone(),
                    p => format!("{p} {}", m.key),
                };
                collect_todos(&m.value, &place, out);
            }
        }
        _ => {}
    }
}

/// A category, where a `TODO` stands for the strictest (it needs consent) until it is decided.
fn category_or_todo(f: &Fields<'_>, key: &str) -> Result<Option<Category>, SchemaError> {
    match f.get(key).and_then(Value::as_str) {
        Some(text) if is_todo(text) => Ok(Some(Category::Marketing)),
        _ => f.opt_category(key),
    }
}

fn array<'a>(v: &'a Value, key: &str) -> Result<&'a [Value], SchemaError> {
    v.as_array().ok_or_else(|| {
        SchemaError::new(
            v.pos,
            format!("`{key}` must be a list, found {}", v.kind_name()),
        )
    })
}

/// How a declaration refers to a service.
#[derive(Default)]
struct Reference {
    /// The declaration sets the category itself: the service's cookies take it.
    category_overridden: bool,
    /// Only these of the base's cookies for the service (`"cookies": [...]`), else all.
    only: Option<Vec<(String, Pos)>>,
}

/// The base cookie of a service that a selected name stands for.
fn pick<'a>(
    base: &'a KnowledgeBase,
    service_id: &'a str,
    name: &str,
    pos: Pos,
) -> Result<&'a crate::knowledge::KnownCookie, SchemaError> {
    let wanted = NamePattern::parse(name);
    base.cookies_of(service_id)
        .find(|k| k.pattern.same_shape(&wanted) || k.pattern.matches(name))
        .ok_or_else(|| {
            let known: Vec<&str> = base
                .cookies_of(service_id)
                .map(|k| k.pattern.as_str())
                .collect();
            SchemaError::new(
                pos,
                format!(
                    "`{name}` is not one of the knowledge base's cookies for `{service_id}` ({}); declare it under `cookies` instead",
                    known.join(", ")
                ),
            )
        })
}

fn read_service(
    item: &Value,
    base: &KnowledgeBase,
    site_provider: &str,
) -> Result<(DeclaredService, Reference), SchemaError> {
    if let Some(id) = item.as_str() {
        let Some(known) = base.service(id) else {
            return Err(unknown_service(item.pos, id, base));
        };
        return Ok((
            DeclaredService {
                id: known.id.clone(),
                name: known.name.clone(),
                provider: known.vendor.clone(),
                category: known.category,
                purpose: known.purpose.clone(),
                hosts: known.hosts.clone(),
                from_base: true,
                pos: item.pos,
            },
            Reference::default(),
        ));
    }
    let f = Fields::new(item, "a service", SERVICE_FIELDS)?;
    let id = f.string("id")?;
    let category = category_or_todo(&f, "category")?;
    let purpose = f.localized("purpose")?;
    let hosts = f.strings("hosts")?;
    let only = match f.get("cookies") {
        None => None,
        Some(v) => Some(
            array(v, "cookies")?
                .iter()
                .map(|item| crate::schema::as_string(item, "cookies").map(|s| (s, item.pos)))
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    match base.service(&id) {
        Some(known) => Ok((
            DeclaredService {
                name: f.opt_string("name")?.unwrap_or_else(|| known.name.clone()),
                provider: f
                    .opt_string("provider")?
                    .unwrap_or_else(|| known.vendor.clone()),
                category: category.unwrap_or(known.category),
                purpose: if purpose.is_empty() {
                    known.purpose.clone()
                } else {
                    purpose
                },
                hosts: if hosts.is_empty() {
                    known.hosts.clone()
                } else {
                    hosts
                },
                from_base: true,
                pos: item.pos,
                id,
            },
            Reference {
                category_overridden: category.is_some(),
                only,
            },
        )),
        None => {
            let name = f.opt_string("name")?.ok_or_else(|| {
                let near = closest(&id, &base.services().iter().map(|s| s.id.as_str()).collect::<Vec<_>>())
                    .map(|k| format!(" Did you mean the known service `{k}`?"))
                    .unwrap_or_default();
                SchemaError::new(
                    item.pos,
                    format!("service `{id}` is not in the knowledge base, so it needs `name` and `category` of its own.{near}"),
                )
            })?;
            let category = category.ok_or_else(|| {
                SchemaError::new(item.pos, format!("service `{id}` needs a `category`"))
            })?;
            if let Some(v) = f.get("cookies") {
                return Err(SchemaError::new(
                    v.pos,
                    format!("`cookies` picks from a knowledge-base service, and `{id}` is the site's own: list its cookies in the top-level `cookies` with \"service\": \"{id}\""),
                ));
            }
            Ok((
                DeclaredService {
                    name,
                    provider: f
                        .opt_string("provider")?
                        .unwrap_or_else(|| site_provider.to_string()),
                    category,
                    purpose,
                    hosts,
                    from_base: false,
                    pos: item.pos,
                    id,
                },
                Reference {
                    category_overridden: true,
                    only: None,
                },
            ))
        }
    }
}

fn unknown_service(pos: Pos, id: &str, base: &KnowledgeBase) -> SchemaError {
    let ids: Vec<&str> = base.services().iter().map(|s| s.id.as_str()).collect();
    let hint = closest(id, &ids)
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default();
    SchemaError::new(
        pos,
        format!("unknown service `{id}`{hint}: the knowledge base has no service with that id; declare it as an object with name and category"),
    )
}

fn read_cookie(item: &Value, decl: &Declaration) -> Result<DeclaredCookie, SchemaError> {
    let f = Fields::new(item, "a cookie", COOKIE_FIELDS)?;
    let name = f.string("name")?;
    let service_id = f.opt_string("service")?;
    let service = match &service_id {
        Some(id) => Some(decl.service(id).ok_or_else(|| {
            SchemaError::new(
                f.get("service").map(|v| v.pos).unwrap_or(item.pos),
                format!("cookie `{name}` names the service `{id}`, which the declaration's `services` does not list"),
            )
        })?),
        None => None,
    };
    let category = match (category_or_todo(&f, "category")?, service) {
        (Some(c), _) => c,
        (None, Some(s)) => s.category,
        (None, None) => {
            return Err(SchemaError::new(
                item.pos,
                format!("cookie `{name}` needs a `category` (necessary, preferences, statistics or marketing) or a `service`"),
            ))
        }
    };
    let retention_text = f.opt_string("retention")?.filter(|t| !is_todo(t));
    let retention = match &retention_text {
        Some(t) => Some(Retention::parse(t).ok_or_else(|| {
            SchemaError::new(
                f.get("retention").map(|v| v.pos).unwrap_or(item.pos),
                format!("cannot read the retention `{t}` of cookie `{name}`; write e.g. \"session\", \"24 hours\", \"13 months\", \"2 years\""),
            )
        })?),
        None => None,
    };
    Ok(DeclaredCookie {
        pattern: NamePattern::parse(&name),
        provider: f
            .opt_string("provider")?
            .or_else(|| service.map(|s| s.provider.clone()))
            .unwrap_or_else(|| decl.provider.clone()),
        purpose: f.localized("purpose")?,
        retention,
        retention_text,
        domain: f.opt_string("domain")?,
        service: service_id,
        category,
        origin: Origin::Declared,
        pos: item.pos,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> KnowledgeBase {
        KnowledgeBase::from_json(
            r#"{"services":[
                 {"id":"google-analytics","name":"Google Analytics","vendor":"Google","category":"statistics","hosts":["www.google-analytics.com"]},
                 {"id":"vimeo","name":"Vimeo","vendor":"Vimeo","category":"marketing","hosts":["vimeo.com"]}],
               "cookies":[
                 {"name":"_ga","service":"google-analytics","category":"statistics","retention":"2 years"},
                 {"name":"_ga_<container-id>","service":"google-analytics","category":"statistics","retention":"2 years"},
                 {"name":"vuid","service":"vimeo","category":"marketing","retention":"2 years","hosts":[".vimeo.com"]}]}"#,
            "base.json",
        )
        .unwrap()
    }

    const GOOD: &str = r#"{
  "site": "Eksempel kommune",
  "revision": "2026-11-01",
  "languages": ["nb", "nn"],
  "services": [
    "google-analytics",
    { "id": "vimeo", "category": "statistics" },
    { "id": "skjema", "name": "Skjema", "category": "necessary" }
  ],
  "cookies": [
    { "name": "PHPSESSID", "category": "necessary", "retention": "session",
      "purpose": { "nb": "Økt", "nn": "Økt", "en": "Session" } },
    { "name": "_ga", "service": "google-analytics", "retention": "13 months" },
    { "name": "FormCookie", "service": "skjema" }
  ]
}"#;

    fn err(text: &str) -> DeclError {
        Declaration::parse(text, "site.json", &base()).unwrap_err()
    }

    #[test]
    fn resolves_services_from_the_base() {
        let d = Declaration::parse(GOOD, "site.json", &base()).unwrap();
        assert_eq!(d.consent_lifetime(), DEFAULT_CONSENT_LIFETIME_DAYS);
        assert_eq!(d.provider, "Eksempel kommune");
        // _ga declared by the site wins; _ga_<id> and vuid are brought in.
        let ga = d.classify("_ga", None).unwrap();
        assert_eq!(ga.origin, Origin::Declared);
        assert_eq!(ga.retention_text.as_deref(), Some("13 months"));
        assert_eq!(ga.category, Category::Statistics);
        let ga4 = d.classify("_ga_XYZ", None).unwrap();
        assert_eq!(ga4.origin, Origin::Service("google-analytics".into()));
        let vuid = d.classify("vuid", Some(".vimeo.com")).unwrap();
        assert_eq!(
            vuid.category,
            Category::Statistics,
            "service override applies"
        );
        assert_eq!(
            d.classify("FormCookie", None).unwrap().category,
            Category::Necessary
        );
        assert!(d.classify("datr", None).is_none());
    }

    #[test]
    fn a_reference_can_pick_its_cookies() {
        let text = GOOD
            .replace(
                "{ \"id\": \"vimeo\", \"category\": \"statistics\" }",
                "{ \"id\": \"google-analytics\", \"cookies\": [\"_ga_<id>\"] }",
            )
            .replace("    \"google-analytics\",\n", "");
        let d = Declaration::parse(&text, "site.json", &base()).unwrap();
        assert!(d.classify("_ga_X", None).is_some());
        assert!(d.classify("vuid", None).is_none());
        let e = err(&text.replace("[\"_ga_<id>\"]", "[\"_gid\"]"));
        assert!(e.message.contains("`_gid` is not one of the knowledge base's cookies for `google-analytics` (_ga, _ga_<container-id>)"), "{e}");
        let e = err(&GOOD.replace(
            "\"category\": \"necessary\" }",
            "\"category\": \"necessary\", \"cookies\": [] }",
        ));
        assert!(e.message.contains("the site's own"), "{e}");
    }

    #[test]
    fn resolved_form_reads_back_the_same() {
        let d = Declaration::parse(GOOD, "site.json", &base()).unwrap();
        let again = Declaration::parse(&d.to_json(), "resolved.json", &base()).unwrap();
        let names = |d: &Declaration| {
            d.cookies
                .iter()
                .map(|c| (c.pattern.as_str().to_string(), c.category, c.retention))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&d), names(&again));
        assert_eq!(d.services.len(), again.services.len());
        // The banner's retention cell, in every language.
        assert!(
            d.to_json().contains(
                r#""retention": "13 months", "retention_shown": {"nb": "13 måneder", "nn": "13 månader", "en": "13 months"}"#
            ),
            "{}",
            d.to_json()
        );
    }

    #[test]
    fn the_receipts_url_is_kept_and_checked() {
        assert_eq!(
            Declaration::parse(GOOD, "site.json", &base())
                .unwrap()
                .receipts,
            None
        );
        for url in [
            "https://samtykke.eksempel.kommune.no/v1/receipts",
            "/kapsel-receipts/v1/receipts",
            "http://127.0.0.1:8787/v1/receipts",
        ] {
            let text = GOOD.replace(
                "\"languages\"",
                &format!("\"receipts\": \"{url}\",\n  \"languages\""),
            );
            let d = Declaration::parse(&text, "site.json", &base()).unwrap();
            assert_eq!(d.receipts.as_deref(), Some(url));
            let again = Declaration::parse(&d.to_json(), "resolved.json", &base()).unwrap();
            assert_eq!(again.receipts.as_deref(), Some(url));
        }
        for url in [
            "http://receipts.example.no/v1",
            "//evil.test/x",
            "ftp://x",
            "https://",
            "javascript:alert(1)",
            "http://127.0.0.1.evil.test/",
        ] {
            let e = err(&GOOD.replace(
                "\"languages\"",
                &format!("\"receipts\": \"{url}\",\n  \"languages\""),
            ));
            assert!(e.message.contains("`receipts` must be"), "{url}: {e}");
            assert_eq!(e.pos.line, 4, "{url}");
        }
    }

    #[test]
    fn unknown_field_names_line_and_column() {
        let e = err(&GOOD.replace("\"revision\"", "\"revison\""));
        assert_eq!((e.pos.line, e.pos.column), (3, 3));
        assert!(e.message.contains("unknown field `revison`"), "{e}");
        assert!(e.message.contains("did you mean `revision`"), "{e}");
        assert!(e.to_string().starts_with("site.json:3:3: "), "{e}");
    }

    #[test]
    fn wrong_category_is_an_error() {
        let e = err(&GOOD.replace(
            "\"category\": \"necessary\", \"retention\"",
            "\"category\": \"nødvendig\", \"retention\"",
        ));
        assert_eq!(e.pos.line, 11);
        assert!(e.message.contains("unknown category `nødvendig`"), "{e}");
    }

    #[test]
    fn duplicate_names_are_errors() {
        let e = err(&GOOD.replace("\"FormCookie\"", "\"PHPSESSID\""));
        assert_eq!(e.pos.line, 14);
        assert!(
            e.message
                .contains("cookie `PHPSESSID` is declared twice (first at line 11)"),
            "{e}"
        );
        let e = err(&GOOD.replace("\"google-analytics\",\n", "\"vimeo\",\n"));
        assert!(
            e.message.contains("service `vimeo` is declared twice"),
            "{e}"
        );
    }

    #[test]
    fn unknown_service_reference_suggests_the_known_one() {
        let e = err(&GOOD.replace("\"google-analytics\",\n", "\"google-analytic\",\n"));
        assert_eq!(e.pos.line, 6);
        assert!(e.message.contains("did you mean `google-analytics`"), "{e}");
        let e = err(&GOOD.replace("\"service\": \"skjema\"", "\"service\": \"skjemaet\""));
        assert!(e.message.contains("does not list"), "{e}");
    }

    #[test]
    fn todos_are_read_listed_and_refused_for_visitors() {
        let text = GOOD.replace(
            "{ \"name\": \"FormCookie\", \"service\": \"skjema\" }",
            "{ \"name\": \"FormCookie\", \"category\": \"TODO: necessary?\", \"retention\": \"TODO\" }",
        );
        let d = Declaration::parse(&text, "site.json", &base()).unwrap();
        assert_eq!(d.todos.len(), 2, "{:?}", d.todos);
        assert_eq!(d.todos[0].field, "cookie `FormCookie` category");
        assert_eq!(d.todos[0].pos.line, 14);
        let form = d.classify("FormCookie", None).unwrap();
        assert_eq!(
            form.category,
            Category::Marketing,
            "undecided needs consent"
        );
        assert_eq!(form.retention, None);
        let e = d.reviewed().unwrap_err();
        assert!(e.to_string().starts_with("site.json:14:"), "{e}");
        assert!(e.message.contains("2 TODO(s)"), "{e}");
        assert!(Declaration::parse(GOOD, "site.json", &base())
            .unwrap()
            .reviewed()
            .is_ok());
        // A category that is neither a TODO nor a category is still an error.
        assert!(err(&text.replace("TODO: necessary?", "todo"))
            .message
            .contains("unknown category"));
    }

    #[test]
    fn syntax_and_value_errors() {
        let e = err("{ \"site\": \"x\", }");
        assert!(e.message.starts_with("not valid JSON"), "{e}");
        let e = err(&GOOD.replace("\"session\"", "\"forever-ish\""));
        assert!(e.message.contains("cannot read the retention"), "{e}");
        let e = err(&GOOD.replace("[\"nb\", \"nn\"]", "[\"nb\", \"se\"]"));
        assert!(e.message.contains("unknown language `se`"), "{e}");
        let e = err(&GOOD.replace("\"site\": \"Eksempel kommune\",", ""));
        assert!(e.message.contains("required field `site`"), "{e}");
    }
}
