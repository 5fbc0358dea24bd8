//! `kapsel-report`: the scan report — one model, written as JSON (the contract in DESIGN.md), a
//! terminal table, a self-contained HTML page, JUnit XML and SARIF 2.1.0. `kapsel diff` reads the
//! JSON back.
//!
//! # What it holds
//! The report model ([`Report`] and its parts: cookies, findings, phases, pages, hosts, storage)
//! with its serde form, and the writers ([`render`] in a [`Format`]). The scanner
//! (`kapsel-scan`) fills the model; the `kapsel` command and the national overview read and
//! write it.
//!
//! # What it must not hold
//! No scanning, no browser, no classification and no command-line parsing: a writer turns a
//! finished report into text and nothing else. The JSON form is a contract; a field changes only
//! with DESIGN.md.

#![warn(missing_docs)]

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use lang::Lang;

mod html;
mod junit;
mod lang;
mod sarif;
mod table;

/// How serious a finding is; `--fail-on` compares against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; no rule broken.
    Info,
    /// A documentation gap.
    Low,
    /// The statement does not match what visitors get.
    Medium,
    /// A likely breach of the cookie rule.
    High,
}

impl Severity {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            other => Err(format!(
                "unknown severity `{other}` (use info, low, medium, high or never)"
            )),
        }
    }
}

/// The kinds of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// A non-necessary cookie or tracker request before any consent.
    SetBeforeConsent,
    /// A non-necessary cookie present after the visitor rejected.
    SetAfterReject,
    /// A cookie the declaration does not list.
    Undeclared,
    /// A declared cookie never seen.
    DeclaredNotFound,
    /// A declared name that is a typo of a real cookie.
    MisspelledDeclaration,
    /// Observed lifetime longer than declared.
    RetentionMismatch,
    /// A third-party host contacted that no declared service explains.
    UndeclaredThirdParty,
    /// A cookie neither the declaration nor the knowledge base knows.
    UnknownCookie,
    /// A consent phase that found no banner, pressed nothing or could not verify the press.
    ConsentNotMeasured,
    /// The banner's first layer has accept-all but no reject-all.
    NoRejectFirstLayer,
    /// Reject is offered far less prominently than accept (a link, smaller, thinner, fainter).
    RejectLessProminent,
    /// Non-necessary categories are ticked before the visitor chose.
    PreTickedCategories,
    /// Cookies that need consent are set, and the site shows no consent banner at all.
    NoBannerWithCookies,
}

impl FindingKind {
    /// Every kind, in report order.
    pub const ALL: [FindingKind; 13] = [
        FindingKind::SetBeforeConsent,
        FindingKind::SetAfterReject,
        FindingKind::NoBannerWithCookies,
        FindingKind::ConsentNotMeasured,
        FindingKind::NoRejectFirstLayer,
        FindingKind::RejectLessProminent,
        FindingKind::PreTickedCategories,
        FindingKind::Undeclared,
        FindingKind::UndeclaredThirdParty,
        FindingKind::RetentionMismatch,
        FindingKind::MisspelledDeclaration,
        FindingKind::DeclaredNotFound,
        FindingKind::UnknownCookie,
    ];

    /// The kebab-case id.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::SetBeforeConsent => "set-before-consent",
            FindingKind::SetAfterReject => "set-after-reject",
            FindingKind::Undeclared => "undeclared",
            FindingKind::DeclaredNotFound => "declared-not-found",
            FindingKind::MisspelledDeclaration => "misspelled-declaration",
            FindingKind::RetentionMismatch => "retention-mismatch",
            FindingKind::UndeclaredThirdParty => "undeclared-third-party",
            FindingKind::UnknownCookie => "unknown-cookie",
            FindingKind::ConsentNotMeasured => "consent-not-measured",
            FindingKind::NoRejectFirstLayer => "no-reject-first-layer",
            FindingKind::RejectLessProminent => "reject-less-prominent",
            FindingKind::PreTickedCategories => "pre-ticked-categories",
            FindingKind::NoBannerWithCookies => "no-banner-with-cookies",
        }
    }

    /// The default severity of this kind.
    pub fn severity(self) -> Severity {
        match self {
            FindingKind::SetBeforeConsent
            | FindingKind::SetAfterReject
            | FindingKind::NoBannerWithCookies => Severity::High,
            FindingKind::ConsentNotMeasured
            | FindingKind::NoRejectFirstLayer
            | FindingKind::RejectLessProminent
            | FindingKind::PreTickedCategories => Severity::Medium,
            FindingKind::Undeclared
            | FindingKind::RetentionMismatch
            | FindingKind::UndeclaredThirdParty => Severity::Medium,
            FindingKind::MisspelledDeclaration | FindingKind::DeclaredNotFound => Severity::Low,
            FindingKind::UnknownCookie => Severity::Info,
        }
    }

    /// One line on what the rule checks, for SARIF and the HTML legend.
    pub fn description(self) -> &'static str {
        match self {
            FindingKind::SetBeforeConsent => "A cookie or tracker that needs consent was used before the visitor chose anything (ekomloven § 3-15).",
            FindingKind::SetAfterReject => "A cookie that needs consent was present after the visitor rejected all.",
            FindingKind::Undeclared => "A cookie the site stores is missing from its declaration or privacy statement.",
            FindingKind::DeclaredNotFound => "A declared cookie was not seen in any phase of the scan.",
            FindingKind::MisspelledDeclaration => "A declared cookie name is a misspelling of a real cookie.",
            FindingKind::RetentionMismatch => "A cookie lives longer than the declaration says.",
            FindingKind::UndeclaredThirdParty => "The site contacts a third party that no declared service explains.",
            FindingKind::UnknownCookie => "Neither the declaration nor the knowledge base knows this cookie.",
            FindingKind::ConsentNotMeasured => "A consent phase found no banner, pressed nothing or could not verify the press: what it shows is not what a visitor who chose gets.",
            FindingKind::NoRejectFirstLayer => "The banner's first layer offers accept-all but no reject-all (EDPB cookie banner taskforce).",
            FindingKind::RejectLessProminent => "Reject is offered only as a link, or far smaller, thinner or fainter than accept (EDPB cookie banner taskforce).",
            FindingKind::PreTickedCategories => "Consent categories beyond the necessary are ticked before the visitor chose (EDPB cookie banner taskforce).",
            FindingKind::NoBannerWithCookies => "Cookies that need consent are set while the site shows no consent banner at all.",
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A consent phase of the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// No interaction with any banner.
    None,
    /// Accept all pressed.
    Accept,
    /// Reject all pressed.
    Reject,
}

impl Phase {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::None => "none",
            Phase::Accept => "accept",
            Phase::Reject => "reject",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a cookie got into the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SetBy {
    /// A `Set-Cookie` response header.
    Header,
    /// `document.cookie` from a script.
    Script,
    /// The protocol did not tell.
    Unknown,
}

/// One cookie (name, domain, path), merged over pages and phases.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cookie {
    /// Name.
    pub name: String,
    /// Domain as stored (leading dot for domain cookies).
    pub domain: String,
    /// Path.
    pub path: String,
    /// `"session"` or the stored expiry as an RFC 3339 UTC date.
    pub expires: String,
    /// Stored lifetime in seconds from when it was first seen (None for session cookies).
    pub lifetime_seconds: Option<i64>,
    /// Lifetime the `Set-Cookie` header or script asked for (Max-Age or Expires), before
    /// Chromium's 400-day cap; None when unknown or a session cookie.
    pub declared_lifetime_seconds: Option<i64>,
    /// Value size in bytes (name + value).
    pub size: u64,
    /// HttpOnly.
    pub http_only: bool,
    /// Secure.
    pub secure: bool,
    /// SameSite attribute, when set.
    pub same_site: Option<String>,
    /// Partitioned (CHIPS): the top-level site it is keyed to.
    pub partitioned: Option<String>,
    /// Set on the site's own registrable domain.
    pub first_party: bool,
    /// Present in phase `none` (no interaction).
    pub before_consent: bool,
    /// Present after reject-all was pressed.
    pub after_reject: bool,
    /// Phases where it was present.
    pub phases: Vec<Phase>,
    /// The first page (per the crawl order) where it appeared, per phase.
    pub first_seen: Vec<PhaseSighting>,
    /// Pages where it was present (first 20).
    pub pages: Vec<String>,
    /// Header or script.
    pub set_by: SetBy,
    /// Host of the response or script that set it, when known.
    pub set_by_host: Option<String>,
    /// Whether the declaration or privacy statement lists it.
    pub declared: bool,
    /// The declared name or pattern it matched.
    pub declared_as: Option<String>,
    /// Category id (`necessary`, `preferences`, `statistics`, `marketing`) or `unknown`.
    pub category: String,
    /// Service id or name, when known.
    pub service: Option<String>,
    /// Vendor or provider, when known.
    pub vendor: Option<String>,
    /// What classified it: `declaration`, `knowledge-base` or `unknown`.
    pub classified_by: String,
}

/// Where a cookie first appeared in one phase.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PhaseSighting {
    /// Phase.
    pub phase: Phase,
    /// Page URL.
    pub page: String,
}

/// A cookie Chromium refused to store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefusedCookie {
    /// Cookie name (from the line).
    pub name: String,
    /// Response URL that tried to set it.
    pub url: String,
    /// Chromium's reasons (`ThirdPartyPhaseout`, `SameSiteLax`, ...).
    pub reasons: Vec<String>,
    /// Phase.
    pub phase: Phase,
    /// Page being visited.
    pub page: String,
}

/// A host outside the site that pages contacted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThirdPartyHost {
    /// Host name.
    pub host: String,
    /// Requests counted.
    pub requests: u64,
    /// Phases where it was contacted.
    pub phases: Vec<Phase>,
    /// Contacted before consent (phase none).
    pub before_consent: bool,
    /// First page (phase none first) that contacted it.
    pub first_page: String,
    /// Service the knowledge base or declaration knows for it.
    pub service: Option<String>,
    /// That service's category.
    pub category: Option<String>,
    /// Whether a declared service lists the host.
    pub declared: bool,
}

/// A key written to localStorage or sessionStorage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StorageKey {
    /// `local` or `session`.
    pub kind: String,
    /// Origin of the storage.
    pub origin: String,
    /// Key.
    pub key: String,
    /// Phases where it was written.
    pub phases: Vec<Phase>,
    /// First page where it was seen.
    pub first_page: String,
}

/// A visited page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    /// The URL as queued.
    pub url: String,
    /// The URL after redirects.
    pub final_url: Option<String>,
    /// Phase.
    pub phase: Phase,
    /// HTTP status of the document, when one arrived.
    pub status: Option<u32>,
    /// What went wrong, when something did.
    pub error: Option<String>,
    /// Links from the start page.
    pub depth: u32,
    /// How it was found: `start`, `sitemap` or `link`.
    pub via: String,
    /// Milliseconds from navigation to done.
    pub millis: u64,
}

/// What happened with the consent banner in one phase.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PhaseInfo {
    /// Phase.
    pub phase: Phase,
    /// Pages visited in it.
    pub pages: usize,
    /// Whether a consent banner (or its button) was found.
    pub banner_found: bool,
    /// Which one: `kapsel`, `cookiebot`, `onetrust`, `cookieyes`, `klaro`,
    /// `vanilla-cookieconsent` or `text` (a button found by its text).
    pub banner: Option<String>,
    /// The button pressed (its text).
    pub clicked: Option<String>,
    /// Page where it was pressed.
    pub clicked_on: Option<String>,
    /// A sentence for the reader.
    pub note: String,
    /// Who pressed: `autoconsent` (DuckDuckGo's rule set; `banner` names the rule) or `kapsel`
    /// (Kapsel's own finder; `banner` names the platform recognised, or `text`).
    #[serde(default)]
    pub engine: Option<String>,
    /// The press is proven: the banner went away and the site's state shows the choice.
    #[serde(default)]
    pub verified: bool,
    /// The evidence for (or against) the press.
    #[serde(default)]
    pub proof: Vec<String>,
    /// The banner as measured before the press, with the bad practices judged from it.
    #[serde(default)]
    pub banner_measured: Option<BannerMeasured>,
    /// Screenshots beside the report (paths relative to it): the banner before the press, then
    /// the page after it.
    #[serde(default)]
    pub screenshots: Vec<String>,
}

/// A banner's first layer as rendered (see [`PhaseInfo::banner_measured`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct BannerMeasured {
    /// Its accept-all button.
    pub accept: Option<ButtonMeasured>,
    /// Its reject-all button.
    pub reject: Option<ButtonMeasured>,
    /// Labels of non-necessary categories ticked before any choice.
    pub pre_ticked: Vec<String>,
    /// Bad practices found: `(finding kind, what was measured)`.
    pub practices: Vec<(String, String)>,
}

/// One button as rendered.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ButtonMeasured {
    /// Its words, normalised.
    pub text: String,
    /// Element name (`button`, `a`, …).
    pub tag: String,
    /// Rendered area in CSS px².
    pub area: u64,
    /// Font weight (400 normal, 700 bold).
    pub font_weight: u32,
    /// Font size in CSS px.
    pub font_size: f64,
    /// WCAG contrast ratio of its text against its background.
    pub contrast: f64,
    /// No background and no border of its own: it reads as a text link.
    pub looks_like_link: bool,
}

/// One finding.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Finding {
    /// Kind.
    pub kind: FindingKind,
    /// Severity.
    pub severity: Severity,
    /// Cookie name, when about a cookie.
    pub cookie: Option<String>,
    /// Cookie domain or host.
    pub domain: Option<String>,
    /// Page where it showed (or the declaration file).
    pub page: Option<String>,
    /// Phase it was observed in.
    pub phase: Option<Phase>,
    /// For a compliance officer.
    pub message: String,
}

/// Counts on top of the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    /// Distinct pages visited (over all phases).
    pub pages_visited: usize,
    /// Pages that failed.
    pub pages_failed: usize,
    /// Distinct cookies.
    pub cookies: usize,
    /// Cookies present before consent.
    pub cookies_before_consent: usize,
    /// Third-party cookies.
    pub third_party_cookies: usize,
    /// Third-party hosts contacted.
    pub third_party_hosts: usize,
    /// Findings per severity.
    pub findings_high: usize,
    /// Medium findings.
    pub findings_medium: usize,
    /// Low findings.
    pub findings_low: usize,
    /// Info findings.
    pub findings_info: usize,
    /// Cookies per category id.
    pub by_category: std::collections::BTreeMap<String, usize>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// `kapsel <version>`.
    pub tool: String,
    /// The start URL.
    pub site: String,
    /// When the scan started (RFC 3339 UTC).
    pub started: String,
    /// Seconds it took.
    pub duration_seconds: f64,
    /// False when stopped early (Ctrl-C, `--max-time`); the reason is in `stopped`.
    pub complete: bool,
    /// Why the scan stopped early.
    pub stopped: Option<String>,
    /// What the diff compared against (declaration file, policy).
    pub declared_sources: Vec<String>,
    /// Counts.
    pub summary: Summary,
    /// Per phase: the banner and what was pressed.
    pub phases: Vec<PhaseInfo>,
    /// Findings, most severe first.
    pub findings: Vec<Finding>,
    /// Cookies.
    pub cookies: Vec<Cookie>,
    /// Cookies the browser refused.
    pub refused_cookies: Vec<RefusedCookie>,
    /// Third-party hosts contacted.
    pub third_party_hosts: Vec<ThirdPartyHost>,
    /// Web storage keys.
    pub storage: Vec<StorageKey>,
    /// Pages visited, every phase.
    pub pages: Vec<Page>,
}

impl Report {
    /// Recomputes the summary from the lists.
    pub fn summarise(&mut self) {
        let mut s = Summary::default();
        let mut urls: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut failed: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for p in &self.pages {
            urls.insert(&p.url);
            if p.error.is_some() {
                failed.insert(&p.url);
            }
        }
        s.pages_visited = urls.len();
        s.pages_failed = failed.len();
        s.cookies = self.cookies.len();
        s.cookies_before_consent = self.cookies.iter().filter(|c| c.before_consent).count();
        s.third_party_cookies = self.cookies.iter().filter(|c| !c.first_party).count();
        s.third_party_hosts = self.third_party_hosts.len();
        for f in &self.findings {
            match f.severity {
                Severity::High => s.findings_high += 1,
                Severity::Medium => s.findings_medium += 1,
                Severity::Low => s.findings_low += 1,
                Severity::Info => s.findings_info += 1,
            }
        }
        for c in &self.cookies {
            *s.by_category.entry(c.category.clone()).or_insert(0) += 1;
        }
        self.summary = s;
    }

    /// The most severe finding, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Grouped by category, summary on top (default on a terminal).
    Table,
    /// The JSON contract (default otherwise).
    Json,
    /// One self-contained HTML page.
    Html,
    /// JUnit XML for CI systems.
    Junit,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
}

impl Format {
    /// The format a file name's extension implies.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".sarif") || name.ends_with(".sarif.json") {
            Some(Format::Sarif)
        } else if name.ends_with(".json") {
            Some(Format::Json)
        } else if name.ends_with(".html") || name.ends_with(".htm") {
            Some(Format::Html)
        } else if name.ends_with(".xml") || name.ends_with(".junit") {
            Some(Format::Junit)
        } else if name.ends_with(".txt") || name.ends_with(".text") {
            Some(Format::Table)
        } else {
            None
        }
    }
}

/// Renders the report in a format, in English where the format has words for people.
pub fn render(report: &Report, format: Format, fail_on: Option<Severity>) -> String {
    render_in(report, format, fail_on, Lang::En)
}

/// Renders the report in a format; the HTML page speaks `lang` (the other formats are for
/// machines and stay as they are).
pub fn render_in(report: &Report, format: Format, fail_on: Option<Severity>, lang: Lang) -> String {
    match format {
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".into());
            s.push('\n');
            s
        }
        Format::Table => table::render(report),
        Format::Html => html::render(report, lang),
        Format::Junit => junit::render(report, fail_on),
        Format::Sarif => sarif::render(report),
    }
}

/// Escapes text for HTML and XML.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Seconds as a short human duration ("2 years", "13 months", "30 days", "24 hours").
pub fn human_duration(secs: i64) -> String {
    human_duration_in(secs, Lang::En)
}

/// Seconds as a short human duration in a language ("2 år", "13 månader").
pub fn human_duration_in(secs: i64, lang: Lang) -> String {
    const DAY: i64 = 86_400;
    if secs <= 0 {
        return lang.pick(["expired", "utløpt", "utgått"]).into();
    }
    let days = secs as f64 / DAY as f64;
    let (n, unit) = if days >= 365.0 * 1.5 {
        (format!("{:.0}", days / 365.0), ["years", "år", "år"])
    } else if days >= 60.0 {
        (
            format!("{:.0}", days / 30.44),
            ["months", "måneder", "månader"],
        )
    } else if days >= 2.0 {
        (format!("{days:.0}"), ["days", "dager", "dagar"])
    } else if secs >= 7200 {
        ((secs / 3600).to_string(), ["hours", "timer", "timar"])
    } else if secs >= 120 {
        ((secs / 60).to_string(), ["minutes", "minutter", "minutt"])
    } else {
        (secs.to_string(), ["seconds", "sekunder", "sekund"])
    };
    format!("{n} {}", lang.pick(unit))
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil-from-days (H. Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Days since 1970-01-01 for a civil date (inverse of the above).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_798_761_600), "2027-01-01T00:00:00Z");
        assert_eq!(days_from_civil(2027, 1, 1) * 86_400, 1_798_761_600);
    }

    #[test]
    fn formats_from_extensions() {
        assert_eq!(Format::from_path(Path::new("r.html")), Some(Format::Html));
        assert_eq!(Format::from_path(Path::new("r.sarif")), Some(Format::Sarif));
        assert_eq!(Format::from_path(Path::new("r.json")), Some(Format::Json));
        assert_eq!(
            Format::from_path(Path::new("junit.xml")),
            Some(Format::Junit)
        );
        assert_eq!(Format::from_path(Path::new("report")), None);
    }

    #[test]
    fn durations_read_like_statements() {
        assert_eq!(human_duration(2 * 365 * 86_400), "2 years");
        assert_eq!(human_duration(400 * 86_400), "13 months");
        assert_eq!(human_duration(86_400), "24 hours");
        assert_eq!(human_duration_in(400 * 86_400, Lang::Nb), "13 måneder");
        assert_eq!(human_duration_in(400 * 86_400, Lang::Nn), "13 månader");
    }
}
