//! A declaration drafted from what a site does: a scan report (and, when given, the site's old
//! privacy statement), for the web team to review rather than write.
//!
//! # Rules
//! - A cookie the knowledge base knows is declared through its service, referred to by id with
//!   `"cookies": [...]` narrowed to the base's entries the scan saw. It is written out in full
//!   (with the base's purpose) only where the draft must say more than the base: a lifetime that
//!   differs from the base's, a purpose the base lacks in a site language (a `TODO` to
//!   translate), or a category that cannot stand (below).
//! - A cookie nobody knows is grouped under a service named after the host that set it (the
//!   script's or response's host, else the cookie's domain), with what the scan observed — first
//!   page and phase, first- or third-party, header or script and from which host, lifetime — in a
//!   `TODO` for its category, and a `TODO` for its purpose in each language.
//! - Retention comes from the observed lifetime: the lifetime the site asked for where known
//!   (Chromium caps stored lifetimes at 400 days), else the stored one, rounded to what people
//!   write and worded as the format reads it.
//! - A category comes from the knowledge base, never from a guess: an unknown cookie's is a
//!   `TODO`, and a cookie seen only after "accept all" (not before any choice, not after
//!   "reject all") is at least not necessary — where the base says necessary, the draft says
//!   `TODO` and why.
//! - The banner's own consent record (the base's `kapsel` service) is always declared: adopting
//!   Kapsel brings it.
//! - With a statement, its names are matched to the cookies seen ([`statement`]): declared and
//!   seen, declared but never seen (stale lines), seen but never declared (the drift).
//!
//! What the draft cannot know (the site's name, who runs it) is a `TODO` too. Beside the JSON
//! come review notes in Markdown, one line per decision the team must make, and with a statement
//! a short drift report. [`crate::declaration`] reads the draft, [`crate::check`] reports its
//! `TODO`s, and [`crate::declaration::Declaration::reviewed`] keeps it from visitors until they
//! are filled in.

pub mod document;
pub mod lifetime;
pub mod report;
pub mod statement;

use std::collections::HashSet;

use crate::category::{Category, Lang};
use crate::knowledge::{KnowledgeBase, KnownCookie};
use crate::pattern::NamePattern;

use document::{Cookie, Document, Service, ServiceEntry, Texts};
use lifetime::{wording, Observed};
use report::{Phase, ScanReport, SeenCookie, SetBy};
use statement::{Drift, How};

/// Why no draft could be made: the file is named in every message.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// The report is not JSON.
    #[error("{file}:{line}:{column}: not valid JSON: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// JSON, but not a `kapsel scan` report.
    #[error("{file}: not a kapsel scan report: {why}")]
    NotAReport {
        /// The file.
        file: String,
        /// Why not.
        why: String,
    },
    /// A report of a scan that measured nothing.
    #[error("{file}: the scan is empty: {why}; nothing to draft from (scan the site again)")]
    Empty {
        /// The file.
        file: String,
        /// What is missing.
        why: String,
    },
}

/// An old privacy statement: where it came from and its text (HTML already turned into text).
#[derive(Debug, Clone)]
pub struct Statement {
    /// File or URL, as given.
    pub source: String,
    /// Its text.
    pub text: String,
}

/// What to draft with.
#[derive(Debug, Clone)]
pub struct Options {
    /// The languages the site publishes in.
    pub languages: Vec<Lang>,
    /// The old statement, if any.
    pub statement: Option<Statement>,
    /// The draft's file name, for the review notes' title.
    pub file_name: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            languages: Lang::ALL.to_vec(),
            statement: None,
            file_name: "declaration.json".into(),
        }
    }
}

/// A drafted declaration and what comes with it.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The declaration, JSON.
    pub declaration: String,
    /// Review notes, Markdown: one line per decision.
    pub review: String,
    /// With a statement: the drift report, Markdown.
    pub statement_report: Option<String>,
    /// With a statement: the match.
    pub drift: Option<Drift>,
    /// How many decisions the notes list.
    pub decisions: usize,
}

/// One known service the draft refers to.
struct Referred {
    id: String,
    picked: Vec<String>,
    seen: Vec<String>,
    /// The category of a cookie of it seen before any consent that needs consent.
    before_consent: Option<Category>,
}

/// Drafts a declaration from a scan report.
pub fn draft(report: &ScanReport, base: &KnowledgeBase, options: &Options) -> Draft {
    let langs: &[Lang] = &options.languages;
    let drift = options
        .statement
        .as_ref()
        .map(|s| Drift::new(&s.source, &s.text, &report.cookies, base));
    let none_ran = report.ran(Phase::None);
    let reject_ran = report.ran(Phase::Reject);
    let mut notes: Vec<String> = vec![format!(
        "`site` and `provider`: the site's name and who runs it (the controller visitors may contact): both are `TODO`s."
    )];
    let mut referred: Vec<Referred> = Vec::new();
    let mut cookies: Vec<Cookie> = Vec::new();
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    let mut written: HashSet<String> = HashSet::new();

    for (ci, c) in report.cookies.iter().enumerate() {
        let observed = Observed::new(c.lifetime_seconds, c.declared_lifetime_seconds);
        let accept_only = none_ran
            && c.phases.contains(&Phase::Accept)
            && !c.phases.contains(&Phase::None)
            && !c.phases.contains(&Phase::Reject);
        let known = base
            .lookup(&c.name, Some(&c.domain))
            .filter(|k| base.service(&k.service).is_some());
        let Some(k) = known else {
            let host = c
                .set_by_host
                .clone()
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| c.domain.trim_start_matches('.').to_string());
            match groups.iter_mut().find(|(h, _)| *h == host) {
                Some((_, list)) => list.push(ci),
                None => groups.push((host, vec![ci])),
            }
            continue;
        };
        let Some(service) = base.service(&k.service) else {
            continue;
        };
        let r = match referred.iter().position(|r| r.id == service.id) {
            Some(i) => &mut referred[i],
            None => {
                referred.push(Referred {
                    id: service.id.clone(),
                    picked: Vec::new(),
                    seen: Vec::new(),
                    before_consent: None,
                });
                referred.last_mut().expect("just pushed")
            }
        };
        r.seen.push(c.name.clone());
        if k.category.needs_consent() && c.phases.contains(&Phase::None) {
            r.before_consent = r.before_consent.max(Some(k.category));
        }
        let key = k.pattern.as_str().to_string();
        if !written.insert(NamePattern::parse(&key).canonical()) {
            continue;
        }
        let mut category = None;
        if accept_only && k.category == Category::Necessary {
            category = Some(format!(
                "TODO: preferences, statistics or marketing? The knowledge base files `{key}` as necessary ({}), but the scan saw it only after accept all{}: it comes with something that needs consent{}",
                service.name,
                first_words(c),
                reject_caveat(reject_ran)
            ));
            notes.push(format!(
                "`{key}` ({}): the knowledge base says necessary, but it appeared only after accept all: choose preferences, statistics or marketing (a `TODO`).",
                service.name
            ));
        }
        let retention_differs = k
            .retention
            .is_none_or(|r| r.differs_materially(observed.retention));
        if retention_differs {
            notes.push(format!(
                "`{key}` ({}): the knowledge base says {}, the scan saw {}; the draft declares what the scan saw.",
                service.name,
                k.retention.map(wording).unwrap_or_else(|| "no lifetime".into()),
                observed.text()
            ));
        }
        if let Some((asked, stored)) = observed.capped {
            notes.push(format!(
                "`{}`: the site asks for {}, Chromium stored it for {} (it caps lifetimes at 400 days); the draft declares what the site asks for.",
                c.name,
                wording(crate::Retention::Seconds(asked)),
                wording(crate::Retention::Seconds(stored))
            ));
        }
        let lacks_language = langs.iter().any(|&l| k.purpose.get(l).is_none());
        if category.is_none() && !retention_differs && !lacks_language {
            r.picked.push(key);
            continue;
        }
        if lacks_language {
            notes.push(format!(
                "`{key}`: the knowledge base's purpose lacks a language the site uses: translate the `TODO`."
            ));
        }
        cookies.push(Cookie {
            name: key,
            service: Some(service.id.clone()),
            category: Some(category.unwrap_or_else(|| k.category.id().to_string())),
            purpose: Some(Texts::from_known(&k.purpose, langs)),
            retention: Some(if retention_differs {
                observed.text()
            } else {
                k.retention.map(wording).unwrap_or_else(|| observed.text())
            }),
            domain: domain_of(k),
        });
    }

    // Known services, the banner's own first.
    let mut services: Vec<Service> = Vec::new();
    if base.service("kapsel").is_some() && !referred.iter().any(|r| r.id == "kapsel") {
        services.push(Service::Id("kapsel".into()));
        notes.push(
            "`kapsel`: the banner's own consent record (`kapsel_consent`, necessary) comes with the banner and is declared."
                .into(),
        );
    }
    for r in &referred {
        let Some(s) = base.service(&r.id) else {
            continue;
        };
        let mut seen = r.seen.clone();
        seen.dedup();
        let gate = r
            .before_consent
            .map(|category| format!(
                "; the scan saw its cookies before any consent: gate its scripts and iframes with `data-consent=\"{category}\"`"
            ))
            .unwrap_or_default();
        notes.push(format!(
            "`{}` ({}, {}, by {}): confirm the site uses it; seen: {}{gate}.",
            s.id,
            s.name,
            s.category,
            s.vendor,
            seen.join(", ")
        ));
        services.push(Service::Entry(ServiceEntry {
            id: s.id.clone(),
            cookies: Some(r.picked.clone()),
            ..ServiceEntry::default()
        }));
    }

    // Unknown cookies, by the host that set them.
    for (host, list) in &groups {
        let first_party = list.iter().all(|&i| report.cookies[i].first_party);
        let names: Vec<&str> = list
            .iter()
            .map(|&i| report.cookies[i].name.as_str())
            .collect();
        let id = if base.service(host).is_some() {
            format!("{host}-site")
        } else {
            host.clone()
        };
        services.push(Service::Entry(ServiceEntry {
            id: id.clone(),
            name: Some(format!("TODO: what sets these cookies (from {host})")),
            provider: (!first_party).then(|| format!("TODO: who runs {host}")),
            category: Some(
                "TODO: necessary, preferences, statistics or marketing (each cookie below says what the scan saw)"
                    .into(),
            ),
            hosts: Some(if first_party { vec![] } else { vec![host.clone()] }),
            ..ServiceEntry::default()
        }));
        notes.push(format!(
            "service `{id}`: name what sets {} from {host}{}, and its category.",
            names.join(", "),
            if first_party { "" } else { ", who runs it" }
        ));
        for &ci in list {
            let c = &report.cookies[ci];
            if !written.insert(NamePattern::parse(&c.name).canonical()) {
                notes.push(format!(
                    "`{}` on {}: also seen under another host; declared once.",
                    c.name, c.domain
                ));
                continue;
            }
            let observed = Observed::new(c.lifetime_seconds, c.declared_lifetime_seconds);
            let accept_only = none_ran
                && c.phases.contains(&Phase::Accept)
                && !c.phases.contains(&Phase::None)
                && !c.phases.contains(&Phase::Reject);
            let seen = observation(c, &observed);
            let category = if accept_only {
                format!(
                    "TODO: preferences, statistics or marketing (not necessary: the scan saw it only after accept all{}). Seen: {seen}",
                    reject_caveat(reject_ran)
                )
            } else {
                format!("TODO: necessary, preferences, statistics or marketing? Seen: {seen}")
            };
            let said = drift
                .as_ref()
                .and_then(|d| d.name_for(ci))
                .map(|(n, _)| {
                    format!(
                        "; the old statement says (line {}): «{}»",
                        n.line, n.context
                    )
                })
                .unwrap_or_default();
            notes.push(format!(
                "`{}`: nobody knows it — write its purpose ({}) and choose its category{}. Seen: {seen}{said}.",
                c.name,
                langs.iter().map(|l| l.code()).collect::<Vec<_>>().join(", "),
                if accept_only { " (not necessary: only after accept all)" } else { "" }
            ));
            cookies.push(Cookie {
                name: c.name.clone(),
                service: Some(id.clone()),
                category: Some(category),
                purpose: Some(Texts::each(langs, |l| purpose_todo(&c.name, l))),
                retention: Some(observed.text()),
                domain: (!c.first_party).then(|| c.domain.clone()),
            });
        }
    }

    let google = referred
        .iter()
        .any(|r| ["google-analytics", "google-ads", "doubleclick"].contains(&r.id.as_str()));
    if google {
        notes.push("`google_consent_mode` is on: Google's tags are on the site, and the banner tells them the visitor's choice.".into());
    }
    let privacy_statement = options
        .statement
        .as_ref()
        .and_then(|s| statement_address(&s.source, &report.site));
    if privacy_statement.is_none() {
        notes.push("`privacy_statement`: add the address of the privacy statement, where the cookie table goes (`kapsel catalogue render`).".into());
    }
    if let Some(d) = &drift {
        for &i in &d.stale {
            let n = &d.names[i];
            if base
                .lookup(&n.name, None)
                .is_some_and(|k| k.service == "kapsel")
            {
                notes.push(format!(
                    "the old statement lists `{}` (line {}), which the scan never saw: the banner brings it, so the draft keeps it.",
                    n.name, n.line
                ));
                continue;
            }
            notes.push(format!(
                "the old statement lists `{}` (line {}) but the scan never saw it: remove the line, or scan the pages that set it.",
                n.name, n.line
            ));
        }
        for &i in &d.undeclared {
            let c = &report.cookies[i];
            notes.push(format!(
                "`{}` on {} is stored but the old statement never names it: the draft declares it.",
                c.name, c.domain
            ));
        }
    }
    let mut caveats = Vec::new();
    if !report.complete {
        caveats.push(format!(
            "The scan stopped early ({}): cookies on pages it did not reach are missing.",
            report.stopped.as_deref().unwrap_or("no reason given")
        ));
    }
    if report.failed_pages() > 0 {
        caveats.push(format!(
            "{} page visit(s) failed: cookies they set are missing.",
            report.failed_pages()
        ));
    }
    if !report.ran(Phase::Accept) {
        caveats.push("The scan pressed no \"accept all\": cookies set only after consent are missing; scan with `--consent all`.".into());
    }
    if !none_ran {
        caveats.push("The scan ran no phase before consent: nothing says which cookies come only after accept all; scan with `--consent all`.".into());
    }
    for c in &caveats {
        notes.push(c.clone());
    }

    let doc = Document {
        site: format!("TODO: the site's name (scanned at {})", report.site),
        provider: "TODO: who runs the site (the controller)".into(),
        revision: revision(&report.started),
        consent_lifetime_days: crate::declaration::DEFAULT_CONSENT_LIFETIME_DAYS,
        privacy_statement,
        languages: langs.iter().map(|l| l.code()).collect(),
        google_consent_mode: google,
        meta_pixel: false,
        services,
        cookies,
    };
    let review = review_notes(report, options, &notes);
    let statement_report = drift.as_ref().map(|d| drift_report(d, report));
    Draft {
        declaration: doc.to_json(),
        review,
        statement_report,
        drift,
        decisions: notes.len(),
    }
}

fn first_words(c: &SeenCookie) -> String {
    c.first()
        .map(|s| format!(" (first on {})", s.page))
        .unwrap_or_default()
}

fn reject_caveat(reject_ran: bool) -> &'static str {
    if reject_ran {
        ""
    } else {
        "; the scan ran no reject phase, so if it is a consent banner's own record it may be necessary"
    }
}

/// What the scan observed of a cookie, in one line.
fn observation(c: &SeenCookie, observed: &Observed) -> String {
    let first = c
        .first()
        .map(|s| format!("first on {} {}", s.page, s.phase.words()))
        .unwrap_or_else(|| "no page recorded".into());
    let party = if c.first_party {
        format!("first-party on {}", c.domain)
    } else {
        format!("third-party on {}", c.domain)
    };
    let by = match (c.set_by, c.set_by_host.as_deref()) {
        (SetBy::Header, Some(h)) => format!("set by a response header from {h}"),
        (SetBy::Header, None) => "set by a response header".into(),
        (SetBy::Script, Some(h)) => format!("set by a script from {h}"),
        (SetBy::Script, None) => "set by a script".into(),
        (SetBy::Unknown, _) => "set by an unknown source".into(),
    };
    let life = match observed.capped {
        Some((asked, stored)) => format!(
            "asks to live {} (Chromium stored it for {})",
            wording(crate::Retention::Seconds(asked)),
            wording(crate::Retention::Seconds(stored))
        ),
        None => match observed.retention {
            crate::Retention::Session => "a session cookie".into(),
            r => format!("lives {}", wording(r)),
        },
    };
    format!("{first}; {party}; {by}; {life}")
}

fn purpose_todo(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Nb => format!("TODO: hva `{name}` brukes til (på bokmål)"),
        Lang::Nn => format!("TODO: kva `{name}` blir brukt til (på nynorsk)"),
        Lang::En => format!("TODO: what `{name}` is for (in English)"),
    }
}

fn domain_of(k: &KnownCookie) -> Option<String> {
    k.hosts.first().cloned()
}

/// The consent revision: the scan's date.
fn revision(started: &str) -> String {
    let date: String = started.chars().take(10).collect();
    let looks_like_date = date.len() == 10
        && date.chars().enumerate().all(|(i, ch)| {
            if i == 4 || i == 7 {
                ch == '-'
            } else {
                ch.is_ascii_digit()
            }
        });
    if looks_like_date {
        date
    } else {
        "draft".into()
    }
}

/// The statement's address as the declaration writes it: the path on the scanned site, else the
/// URL; a file gives none.
fn statement_address(source: &str, site: &str) -> Option<String> {
    let lower = source.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        return None;
    }
    let origin = |u: &str| -> Option<String> {
        let rest = u.split_once("://")?.1;
        let host_end = rest.find('/').unwrap_or(rest.len());
        Some(u[..u.len() - rest.len() + host_end].to_ascii_lowercase())
    };
    match (origin(source), origin(site)) {
        (Some(a), Some(b)) if a == b => {
            let path = &source[a.len()..];
            Some(if path.is_empty() {
                "/".into()
            } else {
                path.to_string()
            })
        }
        _ => Some(source.to_string()),
    }
}

fn review_notes(report: &ScanReport, options: &Options, notes: &[String]) -> String {
    let phases: Vec<&str> = [Phase::None, Phase::Accept, Phase::Reject]
        .into_iter()
        .filter(|p| report.ran(*p))
        .map(|p| p.words())
        .collect();
    let mut pages: Vec<&str> = report.pages.iter().map(|p| p.url.as_str()).collect();
    pages.sort_unstable();
    pages.dedup();
    let mut o = format!(
        "# Review of the drafted declaration `{}`\n\nDrafted by `kapsel catalogue draft` from the scan of {} ({}; {} page(s); {}){}.\n\
         Each line below is a decision for the site's team. The declaration's `TODO`s are listed by\n\
         `kapsel catalogue check`, and `kapsel catalogue resolve` refuses the declaration until they are filled in.\n\n",
        options.file_name,
        report.site,
        if report.started.is_empty() { "undated" } else { &report.started },
        pages.len(),
        phases.join(", "),
        options
            .statement
            .as_ref()
            .map(|s| format!(" and the privacy statement {}", s.source))
            .unwrap_or_default()
    );
    for n in notes {
        o.push_str("- [ ] ");
        o.push_str(n);
        o.push('\n');
    }
    o
}

fn drift_report(d: &Drift, report: &ScanReport) -> String {
    let mut o = format!(
        "# The privacy statement against the scan\n\nStatement: {}. Scan: {} ({}).\n\n",
        d.source, report.site, report.started
    );
    o.push_str(&format!(
        "## Declared and seen ({})\n\n",
        d.declared_and_seen.len()
    ));
    for &(ci, ni, how) in &d.declared_and_seen {
        let c = &report.cookies[ci];
        let n = &d.names[ni];
        let how = match how {
            How::Exact => String::new(),
            How::Case => format!(" — written `{}`, in another case", n.name),
            How::Misspelt => format!(" — written `{}`, a misspelling", n.name),
        };
        o.push_str(&format!(
            "- `{}` on {} (line {}){how}\n",
            c.name, c.domain, n.line
        ));
    }
    o.push_str(&format!(
        "\n## Declared but never seen: stale lines ({})\n\n",
        d.stale.len()
    ));
    for &i in &d.stale {
        let n = &d.names[i];
        o.push_str(&format!(
            "- `{}` (line {}): «{}»\n",
            n.name, n.line, n.context
        ));
    }
    o.push_str(&format!(
        "\n## Seen but never declared: the drift ({})\n\n",
        d.undeclared.len()
    ));
    for &i in &d.undeclared {
        let c = &report.cookies[i];
        o.push_str(&format!(
            "- `{}` on {}{}\n",
            c.name,
            c.domain,
            first_words(c)
        ));
    }
    o
}
