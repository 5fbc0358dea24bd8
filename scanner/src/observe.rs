//! Merging what each page showed into one record per cookie, host, storage key and page, over
//! all pages and phases. Workers feed it page by page under a lock; the first page (in crawl
//! order) that shows a cookie in a phase is where it was first seen.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::crawl::same_site;
use crate::page::Log;
use kapsel_report::{self as report, Phase, PhaseSighting, SetBy};

/// Most cookies kept (a `document.cookie` spammer cannot exhaust memory).
pub const MAX_COOKIES: usize = 5_000;
/// Most pages listed per cookie.
const MAX_PAGES_PER_COOKIE: usize = 20;
/// Most refused-cookie records kept.
const MAX_REFUSED: usize = 2_000;
/// Most storage keys and hosts kept.
const MAX_KEYS: usize = 5_000;

/// Seconds since the epoch now.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// One cookie being merged.
#[derive(Debug, Clone)]
pub struct CookieObs {
    /// The latest attributes Chromium reported.
    pub raw: Value,
    /// When first seen (unix seconds), for the stored lifetime.
    pub first_seen_at: i64,
    /// Phases where present.
    pub phases: BTreeSet<Phase>,
    /// First page per phase, and whether that page's own traffic set it (a page that merely
    /// saw it in the shared jar, set by a concurrent tab, gives way to the page that set it).
    pub first_seen: BTreeMap<Phase, (String, bool)>,
    /// Pages where present.
    pub pages: Vec<String>,
}

/// Where a Set-Cookie line or a script write came from.
#[derive(Debug, Clone)]
struct Source {
    via: SetBy,
    host: String,
    lifetime: Option<i64>,
}

/// Everything observed so far.
#[derive(Debug, Default)]
pub struct Observations {
    /// The site's registrable domain.
    pub site: String,
    /// Cookies by (name, domain, path).
    pub cookies: BTreeMap<(String, String, String), CookieObs>,
    sources: HashMap<String, Vec<Source>>,
    /// Refused cookies.
    pub refused: Vec<report::RefusedCookie>,
    /// Third-party hosts: requests, phases, first page.
    pub hosts: BTreeMap<String, (u64, BTreeSet<Phase>, String)>,
    /// Storage keys: (kind, origin, key) → phases, first page.
    pub storage: BTreeMap<(String, String, String), (BTreeSet<Phase>, String)>,
    /// Pages.
    pub pages: Vec<report::Page>,
    /// Cookies dropped because [`MAX_COOKIES`] was reached.
    pub cookies_dropped: usize,
}

impl Observations {
    /// An empty record for a site (its registrable domain).
    pub fn new(site: String) -> Self {
        Observations {
            site,
            ..Default::default()
        }
    }

    /// Adds one page's snapshot and log.
    pub fn add_page(
        &mut self,
        phase: Phase,
        page_url: &str,
        cookies: &[Value],
        log: &Log,
        top_storage: &[(String, bool, String)],
    ) {
        let now = now_unix();
        let set_here: std::collections::HashSet<String> = log
            .set_cookie_lines
            .iter()
            .map(|(_, line)| cookie_name(line))
            .chain(log.script_writes.iter().map(|(line, _)| cookie_name(line)))
            .collect();
        for c in cookies {
            let name = c
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let domain = c
                .get("domain")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let path = c
                .get("path")
                .and_then(Value::as_str)
                .unwrap_or("/")
                .to_string();
            let key = (name, domain, path);
            if !self.cookies.contains_key(&key) && self.cookies.len() >= MAX_COOKIES {
                self.cookies_dropped += 1;
                continue;
            }
            let obs = self.cookies.entry(key).or_insert_with(|| CookieObs {
                raw: c.clone(),
                first_seen_at: now,
                phases: BTreeSet::new(),
                first_seen: BTreeMap::new(),
                pages: Vec::new(),
            });
            obs.raw = c.clone();
            obs.phases.insert(phase);
            let here = set_here.contains(&key_name(&obs.raw));
            match obs.first_seen.get(&phase) {
                None => {
                    obs.first_seen.insert(phase, (page_url.to_string(), here));
                }
                Some((_, false)) if here => {
                    obs.first_seen.insert(phase, (page_url.to_string(), true));
                }
                Some(_) => {}
            }
            if obs.pages.len() < MAX_PAGES_PER_COOKIE && !obs.pages.iter().any(|p| p == page_url) {
                obs.pages.push(page_url.to_string());
            }
        }
        for (url, line) in &log.set_cookie_lines {
            self.add_source(SetBy::Header, url, line, now);
        }
        for (line, script) in &log.script_writes {
            self.add_source(SetBy::Script, script, line, now);
        }
        for (url, line, reasons) in &log.refused {
            if self.refused.len() >= MAX_REFUSED {
                break;
            }
            let name = cookie_name(line);
            if self.refused.iter().any(|r| {
                r.name == name && r.url == *url && r.phase == phase && r.reasons == *reasons
            }) {
                continue;
            }
            self.refused.push(report::RefusedCookie {
                name,
                url: url.clone(),
                reasons: reasons.clone(),
                phase,
                page: page_url.to_string(),
            });
        }
        for (host, n) in &log.hosts {
            if same_site(host, &self.site) {
                continue;
            }
            if !self.hosts.contains_key(host) && self.hosts.len() >= MAX_KEYS {
                continue;
            }
            let e = self
                .hosts
                .entry(host.clone())
                .or_insert_with(|| (0, BTreeSet::new(), page_url.to_string()));
            e.0 += u64::from(*n);
            e.1.insert(phase);
        }
        for (origin, local, key) in log.storage.iter().chain(top_storage) {
            let k = (
                if *local { "local" } else { "session" }.to_string(),
                origin.clone(),
                key.clone(),
            );
            if !self.storage.contains_key(&k) && self.storage.len() >= MAX_KEYS {
                continue;
            }
            let e = self
                .storage
                .entry(k)
                .or_insert_with(|| (BTreeSet::new(), page_url.to_string()));
            e.0.insert(phase);
        }
    }

    fn add_source(&mut self, via: SetBy, url: &str, line: &str, now: i64) {
        let name = cookie_name(line);
        if name.is_empty() {
            return;
        }
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(String::from))
            .unwrap_or_default();
        let lifetime = declared_lifetime(line, now);
        let list = self.sources.entry(name).or_default();
        if list.len() < 20
            && !list
                .iter()
                .any(|s| s.via == via && s.host == host && s.lifetime == lifetime)
        {
            list.push(Source {
                via,
                host,
                lifetime,
            });
        }
    }

    /// How a cookie was set, by which host, and the lifetime it asked for.
    pub fn origin_of(&self, name: &str, domain: &str) -> (SetBy, Option<String>, Option<i64>) {
        let Some(list) = self.sources.get(name) else {
            return (SetBy::Unknown, None, None);
        };
        let d = domain.trim_start_matches('.');
        // A script writes `document.cookie` on the page's own domain, whoever served it; a
        // response sets cookies on its own host or site.
        let fits = |s: &&Source| {
            s.via == SetBy::Script
                || s.host.is_empty()
                || s.host == d
                || s.host.ends_with(&format!(".{d}"))
                || (domain.starts_with('.')
                    && same_site(&s.host, &crate::crawl::registrable_domain(d)))
        };
        let pick = list
            .iter()
            .filter(fits)
            .find(|s| s.via == SetBy::Header)
            .or_else(|| list.iter().find(|s| fits(s)));
        match pick {
            Some(s) => (
                s.via,
                (!s.host.is_empty()).then(|| s.host.clone()),
                s.lifetime,
            ),
            None => (SetBy::Unknown, None, None),
        }
    }

    /// Turns the merged cookies into report cookies (classification filled in later).
    pub fn report_cookies(&self) -> Vec<report::Cookie> {
        self.cookies
            .iter()
            .map(|((name, domain, path), o)| {
                let r = &o.raw;
                let session = r.get("session").and_then(Value::as_bool).unwrap_or(true);
                let expires_at = r.get("expires").and_then(Value::as_f64).unwrap_or(-1.0);
                let (expires, lifetime) = if session || expires_at <= 0.0 {
                    ("session".to_string(), None)
                } else {
                    let at = expires_at.round() as i64;
                    (report::rfc3339(at), Some(at - o.first_seen_at))
                };
                let (set_by, set_by_host, declared_lifetime) = self.origin_of(name, domain);
                let partitioned = r
                    .get("partitionKey")
                    .and_then(|k| k.get("topLevelSite").and_then(Value::as_str).or(k.as_str()))
                    .map(String::from);
                report::Cookie {
                    name: name.clone(),
                    domain: domain.clone(),
                    path: path.clone(),
                    expires,
                    lifetime_seconds: lifetime,
                    declared_lifetime_seconds: if lifetime.is_some() {
                        declared_lifetime
                    } else {
                        None
                    },
                    size: r.get("size").and_then(Value::as_u64).unwrap_or(0),
                    http_only: r.get("httpOnly").and_then(Value::as_bool).unwrap_or(false),
                    secure: r.get("secure").and_then(Value::as_bool).unwrap_or(false),
                    same_site: r.get("sameSite").and_then(Value::as_str).map(String::from),
                    partitioned,
                    first_party: same_site(domain.trim_start_matches('.'), &self.site),
                    before_consent: o.phases.contains(&Phase::None),
                    after_reject: o.phases.contains(&Phase::Reject),
                    phases: o.phases.iter().copied().collect(),
                    first_seen: o
                        .first_seen
                        .iter()
                        .map(|(phase, (page, _))| PhaseSighting {
                            phase: *phase,
                            page: page.clone(),
                        })
                        .collect(),
                    pages: o.pages.clone(),
                    set_by,
                    set_by_host,
                    declared: false,
                    declared_as: None,
                    category: "unknown".into(),
                    service: None,
                    vendor: None,
                    classified_by: "unknown".into(),
                }
            })
            .collect()
    }
}

fn key_name(raw: &Value) -> String {
    raw.get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The name in a `Set-Cookie` line or `document.cookie` assignment.
pub fn cookie_name(line: &str) -> String {
    line.split(';')
        .next()
        .and_then(|kv| kv.split_once('=').map(|(k, _)| k).or(Some(kv)))
        .unwrap_or("")
        .trim()
        .to_string()
}

/// The lifetime a cookie line asks for: `Max-Age` wins over `Expires`; None for a session
/// cookie or an unreadable date.
pub fn declared_lifetime(line: &str, now: i64) -> Option<i64> {
    let mut expires = None;
    for attr in line.split(';').skip(1) {
        let (k, v) = attr.split_once('=').unwrap_or((attr, ""));
        let k = k.trim().to_ascii_lowercase();
        let v = v.trim();
        if k == "max-age" {
            if let Ok(n) = v.parse::<i64>() {
                return Some(n);
            }
        } else if k == "expires" {
            expires = parse_http_date(v).map(|t| t - now);
        }
    }
    expires
}

/// Parses `Wed, 21 Oct 2026 07:28:00 GMT` (and the `21-Oct-2026` variant) to unix seconds.
pub fn parse_http_date(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let mut day = None;
    let mut month = None;
    let mut year = None;
    let mut time = None;
    for tok in s.split([' ', ',', '-']) {
        let t = tok.trim();
        if t.is_empty() {
            continue;
        }
        if t.contains(':') {
            let parts: Vec<i64> = t.split(':').filter_map(|p| p.parse().ok()).collect();
            if parts.len() == 3 {
                time = Some(parts[0] * 3600 + parts[1] * 60 + parts[2]);
            }
        } else if let Ok(n) = t.parse::<i64>() {
            if day.is_none() && n <= 31 && t.len() <= 2 {
                day = Some(n);
            } else {
                year = Some(if n < 70 {
                    2000 + n
                } else if n < 100 {
                    1900 + n
                } else {
                    n
                });
            }
        } else if let Some(m) = MONTHS
            .iter()
            .position(|m| t.to_ascii_lowercase().starts_with(m))
        {
            month = Some(m as i64 + 1);
        }
    }
    let days = report::days_from_civil(year?, month?, day?);
    Some(days * 86_400 + time.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_from_lines() {
        assert_eq!(
            declared_lifetime("a=1; Max-Age=63072000; Path=/", 0),
            Some(63_072_000)
        );
        assert_eq!(declared_lifetime("a=1; Path=/", 0), None);
        let t = parse_http_date("Fri, 01 Jan 2027 00:00:00 GMT").unwrap();
        assert_eq!(t, 1_798_761_600);
        assert_eq!(parse_http_date("Fri, 01-Jan-2027 00:00:00 GMT"), Some(t));
        assert_eq!(
            declared_lifetime("a=1; expires=Fri, 01 Jan 2027 00:00:00 GMT", t - 10),
            Some(10)
        );
    }

    #[test]
    fn names_from_lines() {
        assert_eq!(cookie_name("_ga=GA1.1.2; path=/"), "_ga");
        assert_eq!(cookie_name(" sid = x"), "sid");
    }
}
