//! Classifying what the scan saw and turning the differences into findings. Each cookie is
//! classified by the site's declaration (or the names its privacy statement lists), then the
//! knowledge base, else `unknown`. Findings compare the phases with the rule (nothing that needs
//! consent before a choice or after a refusal) and with what the site declares.

use kapsel_catalogue::declaration::{Declaration, Origin};
use kapsel_catalogue::knowledge::domain_matches;
use kapsel_catalogue::nearmiss;
use kapsel_catalogue::{Category, KnowledgeBase, NamePattern, Retention};

use kapsel_report::{
    human_duration, Cookie, Finding, FindingKind, Phase, PhaseInfo, ThirdPartyHost,
};

/// What the site says it uses.
pub struct Declared<'a> {
    /// The parsed declaration, when `--declared` was given.
    pub declaration: Option<&'a Declaration>,
    /// Names a privacy statement lists, when `--policy` was given (with its source).
    pub policy: Option<(&'a str, &'a [String])>,
}

impl Declared<'_> {
    fn any(&self) -> bool {
        self.declaration.is_some() || self.policy.is_some()
    }
    fn what(&self) -> &'static str {
        match (self.declaration.is_some(), self.policy.is_some()) {
            (true, true) => "the declaration or the privacy statement",
            (true, false) => "the declaration",
            _ => "the privacy statement",
        }
    }
}

/// One declared name, with what the declaration says about it.
struct DeclaredName {
    pattern: NamePattern,
    from: &'static str,
}

fn declared_names(declared: &Declared<'_>) -> Vec<DeclaredName> {
    let mut out = Vec::new();
    if let Some(d) = declared.declaration {
        for c in &d.cookies {
            if c.origin == Origin::Declared {
                out.push(DeclaredName {
                    pattern: c.pattern.clone(),
                    from: "declaration",
                });
            }
        }
    }
    if let Some((_, names)) = declared.policy {
        for n in names {
            let pattern = NamePattern::parse(n);
            if !out
                .iter()
                .any(|d: &DeclaredName| d.pattern.as_str() == pattern.as_str())
            {
                out.push(DeclaredName {
                    pattern,
                    from: "privacy statement",
                });
            }
        }
    }
    out
}

/// A declared name that is not a real cookie: the observed cookie or known name it likely means.
fn misspelling_of(written: &str, observed: &[&str], base: &KnowledgeBase) -> Option<String> {
    let w = written.trim();
    if base.lookup(w, None).is_some() {
        return None;
    }
    let lower = w.to_lowercase();
    let bare = w.trim_start_matches('_');
    for o in observed {
        if *o == w {
            return None;
        }
        let ol = o.to_lowercase();
        let dist = nearmiss::edit_distance(&lower, &ol);
        let allowed = match w.chars().count() {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        if ol == lower
            || (o.trim_start_matches('_') == bare && !bare.is_empty())
            || (w.chars().count() >= 6 && ol.starts_with(&lower))
            || (allowed > 0 && dist <= allowed)
        {
            return Some((*o).to_string());
        }
    }
    nearmiss::suggest(base, w).map(|m| m.intended)
}

fn category_of(id: &str) -> Option<Category> {
    Category::from_id(id)
}

/// Classifies cookies and hosts in place and returns the findings, most severe first.
pub fn classify(
    cookies: &mut [Cookie],
    hosts: &mut [ThirdPartyHost],
    phases: &[PhaseInfo],
    declared: &Declared<'_>,
    base: &KnowledgeBase,
) -> Vec<Finding> {
    let names = declared_names(declared);
    let observed: Vec<String> = cookies.iter().map(|c| c.name.clone()).collect();
    let observed_refs: Vec<&str> = observed.iter().map(String::as_str).collect();
    let misspelled: Vec<(usize, String)> = names
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            n.pattern.is_exact() && !observed_refs.iter().any(|o| n.pattern.matches(o))
        })
        .filter_map(|(i, n)| {
            misspelling_of(n.pattern.as_str(), &observed_refs, base).map(|m| (i, m))
        })
        .collect();

    let mut findings = Vec::new();
    let mut add = |kind: FindingKind,
                   cookie: Option<&str>,
                   domain: Option<&str>,
                   page: Option<&str>,
                   phase: Option<Phase>,
                   message: String| {
        findings.push(Finding {
            kind,
            severity: kind.severity(),
            cookie: cookie.map(String::from),
            domain: domain.map(String::from),
            page: page.map(String::from),
            phase,
            message,
        });
    };

    // Classification.
    for c in cookies.iter_mut() {
        let domain = c.domain.clone();
        let from_decl = declared
            .declaration
            .and_then(|d| d.classify(&c.name, Some(&domain)).map(|dc| (d, dc)));
        let known = base.lookup(&c.name, Some(&domain));
        if let Some((d, dc)) = from_decl {
            c.declared = true;
            c.declared_as = Some(dc.pattern.as_str().to_string());
            c.category = dc.category.id().to_string();
            c.service = dc.service.as_deref().map(|s| {
                d.service(s)
                    .map(|x| x.name.clone())
                    .unwrap_or_else(|| s.to_string())
            });
            c.vendor = Some(dc.provider.clone()).filter(|p| !p.is_empty());
            c.classified_by = "declaration".into();
        } else {
            if let Some(n) = names.iter().find(|n| n.pattern.matches(&c.name)) {
                c.declared = true;
                c.declared_as = Some(n.pattern.as_str().to_string());
            } else if let Some((i, _)) = misspelled.iter().find(|(_, m)| *m == c.name) {
                c.declared = true;
                c.declared_as = Some(names[*i].pattern.as_str().to_string());
            }
            if let Some(k) = known {
                c.category = k.category.id().to_string();
                c.service = Some(
                    base.service(&k.service)
                        .map(|s| s.name.clone())
                        .unwrap_or_else(|| k.service.clone()),
                );
                c.vendor = Some(k.vendor.clone()).filter(|v| !v.is_empty());
                c.classified_by = "knowledge-base".into();
            }
        }
    }
    for h in hosts.iter_mut() {
        let declared_service = declared.declaration.and_then(|d| {
            d.services
                .iter()
                .find(|s| s.hosts.iter().any(|x| domain_matches(&h.host, x)))
        });
        if let Some(s) = declared_service {
            h.declared = true;
            h.service = Some(s.name.clone());
            h.category = Some(s.category.id().to_string());
        } else if let Some(s) = base.service_for_host(&h.host) {
            h.service = Some(s.name.clone());
            h.category = Some(s.category.id().to_string());
        }
        if !h.declared {
            h.declared = declared.declaration.is_some_and(|d| {
                d.cookies.iter().any(|c| {
                    c.domain
                        .as_deref()
                        .is_some_and(|cd| domain_matches(&h.host, cd))
                })
            });
        }
    }

    let rejected = phases
        .iter()
        .any(|p| p.phase == Phase::Reject && p.clicked.is_some());
    let accepted = phases
        .iter()
        .any(|p| p.phase == Phase::Accept && p.clicked.is_some());
    let what = declared.what();

    for c in cookies.iter() {
        let cat = category_of(&c.category);
        let label = describe(c);
        let needs_consent = cat.is_some_and(Category::needs_consent);
        let first = |p: Phase| {
            c.first_seen
                .iter()
                .find(|s| s.phase == p)
                .map(|s| s.page.as_str())
        };
        if needs_consent && c.before_consent {
            add(
                FindingKind::SetBeforeConsent,
                Some(&c.name),
                Some(&c.domain),
                first(Phase::None),
                Some(Phase::None),
                format!(
                    "{label} was stored on the visitor's device before any consent was given (first on {}). \
                     Cookies that are not strictly necessary need the visitor's prior consent (ekomloven § 3-15).",
                    first(Phase::None).unwrap_or("?")
                ),
            );
        }
        if needs_consent && rejected && c.after_reject {
            add(
                FindingKind::SetAfterReject,
                Some(&c.name),
                Some(&c.domain),
                first(Phase::Reject),
                Some(Phase::Reject),
                format!(
                    "{label} was present after the visitor pressed \"reject all\" (on {}). A refusal must be respected.",
                    first(Phase::Reject).unwrap_or("?")
                ),
            );
        }
        if declared.any() && !c.declared {
            let page = c.first_seen.first().map(|s| s.page.as_str());
            add(
                FindingKind::Undeclared,
                Some(&c.name),
                Some(&c.domain),
                page,
                c.phases.first().copied(),
                format!(
                    "{label} is stored on visitors' devices (first on {}) but is not listed in {what}. \
                     Visitors must be told what is stored, why, by whom and for how long.",
                    page.unwrap_or("?")
                ),
            );
        }
        if c.classified_by == "unknown" {
            let page = c.first_seen.first().map(|s| s.page.as_str());
            add(
                FindingKind::UnknownCookie,
                Some(&c.name),
                Some(&c.domain),
                page,
                c.phases.first().copied(),
                format!(
                    "`{}` on {} is in neither {} nor Kapsel's knowledge base: find out who sets it \
                     (set by {}) and why, then declare it.",
                    c.name,
                    c.domain,
                    if declared.any() { what } else { "a declaration" },
                    match (&c.set_by, &c.set_by_host) {
                        (kapsel_report::SetBy::Header, Some(h)) => format!("a response from {h}"),
                        (kapsel_report::SetBy::Script, Some(h)) => format!("a script from {h}"),
                        _ => "an unknown source".into(),
                    }
                ),
            );
        }
        // Retention: only the declaration states lifetimes.
        if let Some(dc) = declared
            .declaration
            .and_then(|d| d.classify(&c.name, Some(&c.domain)))
        {
            if let Some(declared_ret) = dc.retention {
                let observed_secs = c.declared_lifetime_seconds.or(c.lifetime_seconds);
                let observed = match observed_secs {
                    None => Retention::Session,
                    Some(s) => Retention::Seconds(s.max(0) as u64),
                };
                if declared_ret.differs_materially(observed) {
                    let said = dc
                        .retention_text
                        .clone()
                        .unwrap_or_else(|| describe_retention(declared_ret));
                    let seen = match (c.lifetime_seconds, c.declared_lifetime_seconds) {
                        (None, _) => "a session cookie".to_string(),
                        (Some(stored), Some(asked)) if asked > stored + 86_400 => format!(
                            "set to last {} (the browser caps it at {})",
                            human_duration(asked),
                            human_duration(stored)
                        ),
                        (Some(stored), _) => format!("set to last {}", human_duration(stored)),
                    };
                    let page = c.first_seen.first().map(|s| s.page.as_str());
                    add(
                        FindingKind::RetentionMismatch,
                        Some(&c.name),
                        Some(&c.domain),
                        page,
                        c.phases.first().copied(),
                        format!(
                            "{label} is declared to last {said}, but it is {seen}. The privacy statement must give the real lifetime."
                        ),
                    );
                }
            }
        }
    }

    // Declared names: misspelled or never seen.
    for (i, n) in names.iter().enumerate() {
        if let Some((_, meant)) = misspelled.iter().find(|(j, _)| *j == i) {
            let seen = observed_refs.contains(&meant.as_str());
            add(
                FindingKind::MisspelledDeclaration,
                Some(n.pattern.as_str()),
                None,
                declared.policy.filter(|_| n.from == "privacy statement").map(|(src, _)| src),
                None,
                format!(
                    "The {} lists `{}`, which is not a real cookie name; it most likely means `{meant}`{}. Correct the name so visitors can recognise the cookie.",
                    n.from,
                    n.pattern.as_str(),
                    if seen { " (seen in this scan)" } else { "" }
                ),
            );
            continue;
        }
        if observed_refs.iter().any(|o| n.pattern.matches(o)) {
            continue;
        }
        let caveat = if accepted {
            ""
        } else {
            " (no accept-all button was pressed in this scan, so cookies set only after consent could not be seen)"
        };
        add(
            FindingKind::DeclaredNotFound,
            Some(n.pattern.as_str()),
            None,
            None,
            None,
            format!(
                "The {} lists `{}`, but the scan did not see it on any page{caveat}. Remove it if the site no longer uses it.",
                n.from,
                n.pattern.as_str()
            ),
        );
    }

    // Hosts.
    for h in hosts.iter() {
        let needs_consent = h
            .category
            .as_deref()
            .and_then(category_of)
            .is_some_and(Category::needs_consent);
        if needs_consent && h.before_consent {
            add(
                FindingKind::SetBeforeConsent,
                None,
                Some(&h.host),
                Some(&h.first_page),
                Some(Phase::None),
                format!(
                    "The page {} contacted {} ({}, {}) before the visitor consented: the visitor's browser \
                     talked to a tracker that needs consent.",
                    h.first_page,
                    h.host,
                    h.service.as_deref().unwrap_or("unknown service"),
                    h.category.as_deref().unwrap_or("unknown")
                ),
            );
        }
        if declared.declaration.is_some() && !h.declared {
            add(
                FindingKind::UndeclaredThirdParty,
                None,
                Some(&h.host),
                Some(&h.first_page),
                h.phases.first().copied(),
                format!(
                    "Pages contact {}{} (first {}), but no service in the declaration lists that host. \
                     Visitors should be told which third parties their browser talks to.",
                    h.host,
                    h.service
                        .as_deref()
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default(),
                    h.first_page
                ),
            );
        }
    }

    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.kind.cmp(&b.kind))
            .then(a.cookie.cmp(&b.cookie))
            .then(a.domain.cmp(&b.domain))
    });
    findings
}

fn describe(c: &Cookie) -> String {
    let mut s = format!("`{}` on {}", c.name, c.domain);
    match (&c.service, c.category.as_str()) {
        (Some(svc), cat) => s.push_str(&format!(" ({svc}, {cat})")),
        (None, "unknown") => {}
        (None, cat) => s.push_str(&format!(" ({cat})")),
    }
    s
}

fn describe_retention(r: Retention) -> String {
    match r.seconds() {
        None => "the session".into(),
        Some(s) => human_duration(s as i64),
    }
}
