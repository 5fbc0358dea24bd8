//! What to visit: URL normalisation, the site's scope (registrable domains by the Public Suffix
//! List through the `psl` crate, with Kapsel's municipality rule on top), robots.txt, sitemaps
//! (read with roxmltree) and a breadth-first frontier bounded against crawler traps.
//!
//! robots.txt is read by the `texting_robots` crate (groups for `kapsel`, else `*`; longest
//! match wins, allow on ties; `*` and `$` patterns); `Robots` only wraps it with the crawl's
//! defaults (no file, or one the crate rejects, allows everything).

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

/// Query parameters that only track the visitor and never change the page.
const TRACKING_PARAMS: &[&str] = &[
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid",
    "igshid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "ref_src",
];

/// File endings that are not web pages (Chromium would download them).
const NOT_PAGES: &[&str] = &[
    ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".svg", ".webp", ".ico", ".zip", ".gz", ".tgz",
    ".rar", ".7z", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".mp3",
    ".mp4", ".mov", ".avi", ".webm", ".wav", ".css", ".js", ".json", ".xml", ".txt", ".csv",
    ".exe", ".dmg", ".msi", ".iso", ".epub", ".ics", ".vcf",
];

/// Kapsel's rule on top of the Public Suffix List: under these names each municipality or
/// county is its own site (`oslo.kommune.no`, `vestland.fylkeskommune.no`), whatever the list
/// says. The list (as the `psl` crate carries it) agrees for `kommune.no` and `herad.no` but has
/// no `fylkeskommune.no`, which would otherwise make all county councils one site.
pub const OWN_SITE_UNDER: &[&str] = &["kommune.no", "fylkeskommune.no", "herad.no"];

/// Most URLs differing only in their query string kept for one path (calendars, filters).
const MAX_QUERY_VARIANTS_PER_PATH: usize = 10;
/// Longest URL followed.
const MAX_URL_LEN: usize = 1_000;

/// Normalises a URL so each page is visited once: no fragment, no default port (the url crate
/// drops it), no tracking parameters, the remaining parameters sorted, no empty query.
pub fn normalise(url: &Url) -> Url {
    let mut u = url.clone();
    u.set_fragment(None);
    if u.query().is_some() {
        let mut pairs: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| {
                let k = k.to_ascii_lowercase();
                !k.starts_with("utm_") && !TRACKING_PARAMS.contains(&k.as_str())
            })
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        pairs.sort();
        if pairs.is_empty() {
            u.set_query(None);
        } else {
            u.query_pairs_mut().clear().extend_pairs(pairs);
        }
    }
    u
}

/// The registrable domain of a host by the Public Suffix List (`www.facebook.com` →
/// `facebook.com`, `www.bbc.co.uk` → `bbc.co.uk`, and Norway's geographic second-level domains:
/// `www.bergen.no` is registered under `bergen.no`), with Kapsel's rule for municipalities on
/// top ([`OWN_SITE_UNDER`]: `www.oslo.kommune.no` → `oslo.kommune.no`). An IP address, a
/// one-label name or a public suffix itself is its own.
pub fn registrable_domain(host: &str) -> String {
    let host = host.trim_start_matches('.').trim_end_matches('.');
    let host = host.to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') {
        return host;
    }
    for suffix in OWN_SITE_UNDER {
        if let Some(rest) = host.strip_suffix(suffix).and_then(|r| r.strip_suffix('.')) {
            if !rest.is_empty() {
                let label = rest.rsplit('.').next().unwrap_or(rest);
                return format!("{label}.{suffix}");
            }
        }
    }
    if !host.contains('.') {
        return host;
    }
    psl::domain_str(&host).map_or_else(|| host.clone(), str::to_string)
}

/// True when `host` belongs to the site whose registrable domain is `site`.
pub fn same_site(host: &str, site: &str) -> bool {
    registrable_domain(host) == site
}

/// A `*` wildcard pattern matched against a whole URL (a pattern without `*` matches as a
/// substring).
fn glob_match(pattern: &str, text: &str) -> bool {
    if !pattern.contains('*') {
        return text.contains(pattern);
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        if i == 0 {
            if !text.starts_with(part) {
                return false;
            }
            pos = part.len();
        } else if let Some(found) = text[pos..].find(part) {
            pos += found + part.len();
        } else {
            return false;
        }
    }
    parts
        .last()
        .is_none_or(|l| l.is_empty() || text.ends_with(l))
}

/// Which URLs belong to the crawl.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The start URL's registrable domain.
    pub site: String,
    /// `--include` patterns: when given, they alone decide what is in scope.
    pub include: Vec<String>,
    /// `--exclude` patterns.
    pub exclude: Vec<String>,
}

impl Scope {
    /// True when the crawl may visit `url`.
    pub fn contains(&self, url: &Url) -> bool {
        if !matches!(url.scheme(), "http" | "https") {
            return false;
        }
        let s = url.as_str();
        if self.exclude.iter().any(|p| glob_match(p, s)) {
            return false;
        }
        if !self.include.is_empty() {
            return self.include.iter().any(|p| glob_match(p, s));
        }
        url.host_str().is_some_and(|h| same_site(h, &self.site))
    }
}

/// The user agent Kapsel's robots.txt groups are read for (else `*`).
const ROBOTS_AGENT: &str = "kapsel";

/// robots.txt rules for our user agent (`kapsel`, else `*`), read by the `texting_robots` crate
/// (longest match wins, allow on ties, `*` and `$` patterns).
#[derive(Debug, Default, Clone)]
pub struct Robots {
    /// The rules; None when there are none (absent, or a file the parser rejects): all allowed.
    rules: Option<Arc<texting_robots::Robot>>,
    /// `Sitemap:` lines.
    pub sitemaps: Vec<String>,
}

impl Robots {
    /// Parses robots.txt text. A file the parser rejects allows everything, as an absent one does.
    pub fn parse(text: &str) -> Robots {
        match texting_robots::Robot::new(ROBOTS_AGENT, text.as_bytes()) {
            Ok(robot) => Robots {
                sitemaps: robot.sitemaps.clone(),
                rules: Some(Arc::new(robot)),
            },
            Err(_) => Robots::default(),
        }
    }

    /// True when robots.txt lets us fetch this path (with query); the longest rule wins, allow on ties.
    pub fn allows(&self, url: &Url) -> bool {
        let Some(robot) = &self.rules else {
            return true;
        };
        let mut target = url.path().to_string();
        if let Some(q) = url.query() {
            target.push('?');
            target.push_str(q);
        }
        robot.allowed(&target)
    }
}

/// The HTTP client for robots.txt, sitemaps and privacy statements could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FetchError(pub String);

/// Fetches robots.txt and sitemaps over HTTP, honouring `--resolve`.
pub struct Fetcher {
    client: reqwest::blocking::Client,
}

impl Fetcher {
    /// A client with the `--resolve` mappings and a short timeout.
    pub fn new(resolve: &[(String, u16, String)], insecure: bool) -> Result<Fetcher, FetchError> {
        let mut builder = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(15))
            .user_agent(concat!("kapsel/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::limited(5))
            .tls_danger_accept_invalid_certs(insecure);
        for (host, port, addr) in resolve {
            let ip: std::net::IpAddr = addr.parse().map_err(|_| {
                FetchError(format!("--resolve {host}:{port}:{addr}: not an IP address"))
            })?;
            builder = builder.resolve(host, SocketAddr::new(ip, *port));
        }
        Ok(Fetcher {
            client: builder
                .build()
                .map_err(|e| FetchError(format!("cannot set up the HTTP client: {e}")))?,
        })
    }

    /// The body of a 2xx response, at most 10 MB; None otherwise.
    pub fn get_text(&self, url: &Url) -> Option<String> {
        let resp = self.client.get(url.as_str()).send().ok()?;
        if !resp.status().is_success() {
            return None;
        }
        let bytes = resp.bytes().ok()?;
        if bytes.len() > 10 * 1024 * 1024 {
            return None;
        }
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// robots.txt of the start URL's origin (empty rules when absent).
    pub fn robots(&self, start: &Url) -> Robots {
        let Ok(url) = start.join("/robots.txt") else {
            return Robots::default();
        };
        self.get_text(&url)
            .map(|t| Robots::parse(&t))
            .unwrap_or_default()
    }

    /// Page URLs from the sitemaps (following sitemap indexes, at most 50 sitemaps and
    /// `limit` URLs).
    pub fn sitemap_urls(&self, sitemaps: &[Url], limit: usize) -> Vec<Url> {
        let mut queue: VecDeque<Url> = sitemaps.iter().cloned().collect();
        let mut seen = HashSet::new();
        let mut pages = Vec::new();
        while let Some(map) = queue.pop_front() {
            if !seen.insert(map.clone()) || seen.len() > 50 || pages.len() >= limit {
                continue;
            }
            let Some(text) = self.get_text(&map) else {
                continue;
            };
            let (is_index, locs) = read_sitemap(&text);
            for loc in locs {
                let Ok(u) = map.join(&loc) else { continue };
                if is_index {
                    queue.push_back(u);
                } else if pages.len() < limit {
                    pages.push(u);
                }
            }
        }
        pages
    }
}

/// The `<loc>` values of a sitemap or sitemap index, and whether it is an index, read with an
/// XML parser (roxmltree) so that namespaces, prefixes, CDATA and entities are handled. A
/// document that is not well-formed XML gives nothing.
fn read_sitemap(text: &str) -> (bool, Vec<String>) {
    let Ok(doc) = roxmltree::Document::parse(text) else {
        return (false, Vec::new());
    };
    let is_index = doc.root_element().tag_name().name() == "sitemapindex";
    let locs = doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "loc")
        .filter_map(|n| {
            let text: String = n
                .descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect();
            let text = text.trim();
            (!text.is_empty()).then(|| text.to_string())
        })
        .collect();
    (is_index, locs)
}

/// The `<loc>` values of a sitemap.
#[cfg(test)]
fn xml_locs(text: &str) -> Vec<String> {
    read_sitemap(text).1
}

/// How a page came into the crawl.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    /// The start URL.
    Start,
    /// A sitemap.
    Sitemap,
    /// A link on a crawled page.
    Link,
}

/// A page waiting in the frontier.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The normalised URL.
    pub url: Url,
    /// Links followed from the start.
    pub depth: u32,
    /// Where it was found.
    pub via: Via,
}

/// The breadth-first frontier: every URL queued once, bounded by depth, page count and traps.
pub struct Frontier {
    scope: Scope,
    robots: Option<Robots>,
    max_depth: u32,
    max_pages: usize,
    queue: VecDeque<Pending>,
    seen: HashSet<String>,
    per_path: HashMap<String, usize>,
    issued: usize,
    /// URLs skipped because robots.txt disallows them.
    pub disallowed: Vec<String>,
}

impl Frontier {
    /// An empty frontier.
    pub fn new(scope: Scope, robots: Option<Robots>, max_depth: u32, max_pages: usize) -> Self {
        Frontier {
            scope,
            robots,
            max_depth,
            max_pages,
            queue: VecDeque::new(),
            seen: HashSet::new(),
            per_path: HashMap::new(),
            issued: 0,
            disallowed: Vec::new(),
        }
    }

    /// Queues a URL unless seen, out of scope, disallowed, too deep or a likely trap.
    pub fn push(&mut self, url: &Url, depth: u32, via: Via) -> bool {
        let url = normalise(url);
        if via != Via::Start && (!self.scope.contains(&url) || depth > self.max_depth) {
            return false;
        }
        let s = url.as_str();
        if s.len() > MAX_URL_LEN || self.seen.len() >= self.max_pages * 20 + 1_000 {
            return false;
        }
        let lower_path = url.path().to_ascii_lowercase();
        if via != Via::Start && NOT_PAGES.iter().any(|ext| lower_path.ends_with(ext)) {
            return false;
        }
        if has_repeating_segments(url.path()) {
            return false;
        }
        if self.seen.contains(s) {
            return false;
        }
        if let Some(robots) = &self.robots {
            if via != Via::Start && !robots.allows(&url) {
                self.seen.insert(s.to_string());
                if self.disallowed.len() < 1_000 {
                    self.disallowed.push(s.to_string());
                }
                return false;
            }
        }
        if url.query().is_some() {
            let key = format!("{}{}", url.host_str().unwrap_or(""), url.path());
            let n = self.per_path.entry(key).or_insert(0);
            if *n >= MAX_QUERY_VARIANTS_PER_PATH {
                return false;
            }
            *n += 1;
        }
        self.seen.insert(s.to_string());
        self.queue.push_back(Pending { url, depth, via });
        true
    }

    /// The next page to visit, while the page budget lasts.
    pub fn pop(&mut self) -> Option<Pending> {
        if self.issued >= self.max_pages {
            return None;
        }
        let next = self.queue.pop_front()?;
        self.issued += 1;
        Some(next)
    }

    /// Pages still queued (bounded by the page budget).
    pub fn remaining(&self) -> usize {
        self.queue
            .len()
            .min(self.max_pages - self.issued.min(self.max_pages))
    }

    /// Marks a final (post-redirect) URL as seen so it is not visited again.
    pub fn mark_seen(&mut self, url: &Url) {
        self.seen.insert(normalise(url).as_str().to_string());
    }
}

/// `/a/b/a/b/a/b/...`: a path whose segments repeat three times or more is a trap.
fn has_repeating_segments(path: &str) -> bool {
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segs.len() > 30 {
        return true;
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for s in &segs {
        let c = counts.entry(s).or_insert(0);
        *c += 1;
        if *c >= 3 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn normalise_drops_fragment_port_and_tracking() {
        let n = normalise(&u(
            "HTTP://Example.com:80/a?utm_source=x&b=2&fbclid=9&a=1#top",
        ));
        assert_eq!(n.as_str(), "http://example.com/a?a=1&b=2");
        assert_eq!(
            normalise(&u("https://example.com:443/?gclid=1")).as_str(),
            "https://example.com/"
        );
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable_domain("www.facebook.com"), "facebook.com");
        assert_eq!(registrable_domain(".facebook.com"), "facebook.com");
        assert_eq!(registrable_domain("www.oslo.kommune.no"), "oslo.kommune.no");
        assert_eq!(registrable_domain("127.0.0.1"), "127.0.0.1");
        assert_eq!(registrable_domain("localhost"), "localhost");
    }

    #[test]
    fn public_suffix_list_with_the_municipality_rule() {
        // The list: deeper registrations and Norway's geographic second-level domains.
        assert_eq!(registrable_domain("www.bbc.co.uk"), "bbc.co.uk");
        assert_eq!(registrable_domain("a.b.example.com.au"), "example.com.au");
        assert_eq!(registrable_domain("x.priv.no"), "x.priv.no");
        assert_eq!(registrable_domain("www.bergen.no"), "www.bergen.no");
        assert_eq!(registrable_domain("www.uio.no"), "uio.no");
        assert!(psl::suffix_str("bergen.no") == Some("bergen.no"));
        // What the list says about the municipalities: kommune.no and herad.no are suffixes,
        // fylkeskommune.no is not; the rule makes each county its own site all the same.
        assert_eq!(psl::suffix_str("oslo.kommune.no"), Some("kommune.no"));
        assert_eq!(psl::suffix_str("os.herad.no"), Some("herad.no"));
        assert_eq!(
            psl::domain_str("www.vestland.fylkeskommune.no"),
            Some("fylkeskommune.no")
        );
        assert_eq!(
            registrable_domain("www.vestland.fylkeskommune.no"),
            "vestland.fylkeskommune.no"
        );
        assert_eq!(
            registrable_domain("innsyn.nordre-land.kommune.no"),
            "nordre-land.kommune.no"
        );
        assert_eq!(registrable_domain("www.os.herad.no"), "os.herad.no");
        assert_eq!(registrable_domain("kommune.no"), "kommune.no");
        // Unlisted top-level names (test hosts) keep one label under them.
        assert_eq!(registrable_domain("www.eksempel.test"), "eksempel.test");
    }

    #[test]
    fn robots_longest_rule_wins() {
        let r = Robots::parse(
            "User-agent: other\nDisallow: /\n\nUser-agent: *\nDisallow: /private\nAllow: /private/open\nDisallow: /*.php$\nSitemap: https://e.com/s.xml\n",
        );
        assert!(r.allows(&u("https://e.com/")));
        assert!(!r.allows(&u("https://e.com/private/x")));
        assert!(r.allows(&u("https://e.com/private/open/x")));
        assert!(!r.allows(&u("https://e.com/x.php")));
        assert!(r.allows(&u("https://e.com/x.php?a=1")));
        assert_eq!(r.sitemaps, vec!["https://e.com/s.xml".to_string()]);
    }

    #[test]
    fn robots_group_for_kapsel_before_the_star() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nUser-agent: Kapsel\nDisallow: /admin\n",
        );
        assert!(r.allows(&u("https://e.com/side")));
        assert!(!r.allows(&u("https://e.com/admin/x")));
        assert!(Robots::default().allows(&u("https://e.com/admin")));
    }

    #[test]
    fn frontier_bounds_traps_and_scope() {
        let scope = Scope {
            site: "e.com".into(),
            include: vec![],
            exclude: vec!["*/logout*".into()],
        };
        let mut f = Frontier::new(scope, None, 3, 100);
        assert!(f.push(&u("https://www.e.com/"), 0, Via::Start));
        assert!(!f.push(&u("https://www.e.com/#x"), 1, Via::Link));
        assert!(!f.push(&u("https://other.com/"), 1, Via::Link));
        assert!(!f.push(&u("https://www.e.com/logout"), 1, Via::Link));
        assert!(!f.push(&u("https://www.e.com/deep"), 4, Via::Link));
        assert!(!f.push(&u("https://www.e.com/file.pdf"), 1, Via::Link));
        let mut accepted = 0;
        for i in 0..50 {
            if f.push(&u(&format!("https://e.com/cal?day={i}")), 1, Via::Link) {
                accepted += 1;
            }
        }
        assert_eq!(accepted, MAX_QUERY_VARIANTS_PER_PATH);
        assert!(!f.push(&u("https://e.com/a/b/a/b/a/b"), 1, Via::Link));
    }

    #[test]
    fn include_patterns_decide_the_scope() {
        let scope = Scope {
            site: "e.com".into(),
            include: vec!["https://e.com/nb/*".into(), "https://help.other.no/".into()],
            exclude: vec![],
        };
        assert!(scope.contains(&u("https://e.com/nb/a")));
        assert!(!scope.contains(&u("https://e.com/en/a")));
        assert!(scope.contains(&u("https://help.other.no/x")));
        assert!(!scope.contains(&u("mailto:a@e.com")));
    }

    #[test]
    fn sitemap_locs() {
        let locs = xml_locs("<urlset><url><loc> https://e.com/a?x=1&amp;y=2 </loc></url><url><loc>https://e.com/b</loc></url></urlset>");
        assert_eq!(locs, vec!["https://e.com/a?x=1&y=2", "https://e.com/b"]);
    }

    #[test]
    fn sitemaps_with_namespaces_cdata_and_entities() {
        let (index, locs) = read_sitemap(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc><![CDATA[https://e.com/c?a=1&b=2]]></loc></url><url><loc>https://e.com/&#248;</loc></url></urlset>",
        );
        assert!(!index);
        assert_eq!(
            locs,
            vec!["https://e.com/c?a=1&b=2", "https://e.com/\u{f8}"]
        );
        let (index, locs) = read_sitemap(
            "<sm:sitemapindex xmlns:sm=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sm:sitemap><sm:loc>https://e.com/s1.xml</sm:loc></sm:sitemap></sm:sitemapindex>",
        );
        assert!(index);
        assert_eq!(locs, vec!["https://e.com/s1.xml"]);
        assert_eq!(read_sitemap("<html><p>not a sitemap"), (false, vec![]));
    }
}
