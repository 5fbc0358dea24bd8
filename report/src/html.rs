//! One self-contained HTML page for a compliance officer: summary, findings, the cookie table
//! with where each cookie was first seen, third parties, and pages with errors. Inline CSS only;
//! nothing is loaded from anywhere.

use std::fmt::Write;

use super::{escape_xml as e, human_duration_in, Lang, Report, Severity};

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e3e3;vertical-align:top}
th{background:#f3f3f3}.sev{font-weight:600;padding:.1rem .45rem;border-radius:.3rem;white-space:nowrap}
.high{background:#b3261e;color:#fff}.medium{background:#f2c94c;color:#1b1b1b}.low{background:#d7e3fc;color:#1b1b1b}.info{background:#eee;color:#1b1b1b}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{border:1px solid #ddd;border-radius:.4rem;padding:.6rem .9rem;min-width:9rem}
.card b{display:block;font-size:1.5rem}.warn{background:#fff4e5;border:1px solid #f2c94c;padding:.6rem .9rem;border-radius:.4rem}
code{background:#f3f3f3;padding:0 .2rem;border-radius:.2rem;overflow-wrap:anywhere}small{color:#555}
.wrap{overflow-x:auto}td.m{text-align:center}
@media (max-width:700px){body{margin:1rem auto;font-size:14px}th,td{padding:.3rem}}";

/// Renders the HTML report in a language (its own words; finding messages are the scanner's,
/// in English).
pub fn render(r: &Report, lang: Lang) -> String {
    let t = |x: [&'static str; 3]| lang.pick(x);
    let s = &r.summary;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}: {}</title><style>{STYLE}</style></head><body>\n",
        lang.tag(),
        t([
            "Kapsel cookie report",
            "Kapsel-rapport om informasjonskapsler",
            "Kapsel-rapport om informasjonskapslar"
        ]),
        e(&r.site)
    );
    let _ = writeln!(
        o,
        "<h1>{} <code>{}</code></h1>",
        t([
            "Cookie report for",
            "Informasjonskapsler på",
            "Informasjonskapslar på"
        ]),
        e(&r.site)
    );
    let _ = writeln!(
        o,
        "<p><small>{} {} {} {} {} {:.0} s. {}: {}.</small></p>",
        t(["Scanned", "Skannet", "Skanna"]),
        e(&r.started),
        t(["by", "av", "av"]),
        e(&r.tool),
        t(["in", "på", "på"]),
        r.duration_seconds,
        t(["Compared with", "Sammenlignet med", "Samanlikna med"]),
        if r.declared_sources.is_empty() {
            t([
                "nothing (no declaration or privacy statement given)",
                "ingenting (ingen erklæring eller personvernerklæring oppgitt)",
                "ingenting (inga erklæring eller personvernerklæring oppgitt)",
            ])
            .to_string()
        } else {
            e(&r.declared_sources.join(", "))
        }
    );
    if !r.complete {
        let _ = writeln!(
            o,
            "<p class=\"warn\"><strong>{}:</strong> {}</p>",
            t([
                "Partial report",
                "Ufullstendig rapport",
                "Ufullstendig rapport"
            ]),
            e(r.stopped.as_deref().unwrap_or(t([
                "the scan stopped early",
                "skanningen stoppet tidlig",
                "skanninga stoppa tidleg"
            ])))
        );
    }
    let _ = writeln!(
        o,
        "<h2>{}</h2><div class=\"cards\">",
        t(["Summary", "Sammendrag", "Samandrag"])
    );
    for (n, label) in [
        (
            s.pages_visited,
            ["pages visited", "sider besøkt", "sider vitja"],
        ),
        (
            s.cookies,
            ["cookies", "informasjonskapsler", "informasjonskapslar"],
        ),
        (
            s.cookies_before_consent,
            [
                "set before consent",
                "satt før samtykke",
                "sette før samtykke",
            ],
        ),
        (
            s.third_party_cookies,
            [
                "third-party cookies",
                "tredjepartskapsler",
                "tredjepartskapslar",
            ],
        ),
        (
            s.third_party_hosts,
            [
                "third-party hosts",
                "tredjepartsverter",
                "tredjepartsvertar",
            ],
        ),
        (
            s.findings_high,
            ["high findings", "alvorlige funn", "alvorlege funn"],
        ),
        (
            s.findings_medium,
            ["medium findings", "middels funn", "middels funn"],
        ),
    ] {
        let _ = write!(o, "<div class=\"card\"><b>{n}</b>{}</div>", t(label));
    }
    let _ = writeln!(o, "</div>");
    let _ = writeln!(
        o,
        "<h2>{}</h2><ul>",
        t(["Consent banner", "Samtykkebanner", "Samtykkebanner"])
    );
    for p in &r.phases {
        let proof = if p.proof.is_empty() {
            String::new()
        } else {
            format!(
                " <small>({}: {})</small>",
                if p.verified {
                    t(["verified", "bekreftet", "stadfesta"])
                } else {
                    t(["not verified", "ikke bekreftet", "ikkje stadfesta"])
                },
                e(&p.proof.join("; "))
            )
        };
        let _ = writeln!(
            o,
            "<li><strong>{}</strong> ({} {}): {}{proof}",
            phase_label(lang, p.phase.as_str()),
            p.pages,
            t(["pages", "sider", "sider"]),
            e(&p.note)
        );
        // Evidence: the banner as found, then the page after the press.
        for (shot, caption) in p.screenshots.iter().zip([
            t(["before the press", "før trykket", "før trykket"]),
            t(["after the press", "etter trykket", "etter trykket"]),
        ]) {
            let _ = write!(
                o,
                "<figure style=\"display:inline-block;margin:.5em\"><a href=\"{0}\"><img src=\"{0}\" alt=\"{1}\" style=\"max-width:360px;border:1px solid #ccc\"></a><figcaption>{1}</figcaption></figure>",
                e(shot),
                caption
            );
        }
        let _ = writeln!(o, "</li>");
    }
    let _ = writeln!(o, "</ul>");

    let _ = writeln!(
        o,
        "<h2>{} ({})</h2>",
        t(["Findings", "Funn", "Funn"]),
        r.findings.len()
    );
    if r.findings.is_empty() {
        let _ = writeln!(
            o,
            "<p>{}</p>",
            t(["No findings.", "Ingen funn.", "Ingen funn."])
        );
    } else {
        let _ = writeln!(
            o,
            "<div class=wrap><table><thead><tr>{}</tr></thead><tbody>",
            heads(
                lang,
                &[
                    ["Severity", "Alvorlighet", "Alvor"],
                    ["Finding", "Funn", "Funn"],
                    ["What it means", "Hva det betyr", "Kva det tyder"],
                    ["Page", "Side", "Side"],
                ]
            )
        );
        for f in &r.findings {
            let _ = writeln!(
                o,
                "<tr><td><span class=\"sev {}\">{}</span></td><td>{}<br><small><code>{}</code></small></td><td>{}</td><td>{}</td></tr>",
                sev_class(f.severity),
                severity(lang, f.severity),
                e(&lang.kind(f.kind.as_str())),
                f.kind,
                prose(&f.message),
                f.page.as_deref().map(e).unwrap_or_default()
            );
        }
        let _ = writeln!(o, "</tbody></table></div>");
    }

    matrix(r, lang, &mut o);
    let _ = writeln!(
        o,
        "<h2>{} ({})</h2>",
        t(["Cookies", "Informasjonskapsler", "Informasjonskapslar"]),
        r.cookies.len()
    );
    let _ = writeln!(
        o,
        "<div class=wrap><table><thead><tr>{}</tr></thead><tbody>",
        heads(
            lang,
            &[
                NAME,
                ["Domain", "Domene", "Domene"],
                CATEGORY,
                SERVICE,
                ["Lifetime", "Levetid", "Levetid"],
                ["Party", "Part", "Part"],
                DECLARED,
                ["Set by", "Satt av", "Sett av"],
                ["First seen", "Først sett", "Først sett"],
            ]
        )
    );
    for c in &r.cookies {
        let lifetime = match (c.lifetime_seconds, c.declared_lifetime_seconds) {
            (None, _) => t(["session", "økt", "økt"]).to_string(),
            (Some(stored), Some(asked)) if asked > stored + 86_400 => format!(
                "{} ({} {})",
                human_duration_in(stored, lang),
                t(["asked for", "ba om", "bad om"]),
                human_duration_in(asked, lang)
            ),
            (Some(stored), _) => human_duration_in(stored, lang),
        };
        let first: Vec<String> = c
            .first_seen
            .iter()
            .map(|s| format!("{}: {}", phase_label(lang, s.phase.as_str()), e(&s.page)))
            .collect();
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e(&c.name),
            e(&c.domain),
            e(&c.category),
            e(c.service.as_deref().unwrap_or("")),
            e(&lifetime),
            if c.first_party {
                t(["first", "første", "første"])
            } else {
                t(["third", "tredje", "tredje"])
            },
            if c.declared {
                t(YES).to_string()
            } else {
                format!("<strong>{}</strong>", t(NO))
            },
            e(&match (&c.set_by, &c.set_by_host) {
                (super::SetBy::Header, Some(h)) => {
                    format!("{} {h}", t(["response from", "svar fra", "svar frå"]))
                }
                (super::SetBy::Script, Some(h)) => {
                    format!("{} {h}", t(["script from", "skript fra", "skript frå"]))
                }
                (super::SetBy::Header, None) => t(["response", "svar", "svar"]).into(),
                (super::SetBy::Script, None) => t(["script", "skript", "skript"]).into(),
                (super::SetBy::Unknown, _) => t(["unknown", "ukjent", "ukjend"]).into(),
            }),
            first.join("<br>")
        );
    }
    let _ = writeln!(o, "</tbody></table></div>");

    if !r.third_party_hosts.is_empty() {
        let _ = writeln!(
            o,
            "<h2>{} ({})</h2><div class=wrap><table><thead><tr>{}</tr></thead><tbody>",
            t([
                "Third parties contacted",
                "Tredjeparter kontaktet",
                "Tredjepartar kontakta"
            ]),
            r.third_party_hosts.len(),
            heads(
                lang,
                &[
                    ["Host", "Vert", "Vert"],
                    SERVICE,
                    ["Before consent", "Før samtykke", "Før samtykke"],
                    DECLARED,
                    FIRST_PAGE,
                ]
            )
        );
        for h in &r.third_party_hosts {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(&h.host),
                e(h.service.as_deref().unwrap_or("")),
                if h.before_consent {
                    format!("<strong>{}</strong>", t(YES))
                } else {
                    t(NO).to_string()
                },
                t(if h.declared { YES } else { NO }),
                e(&h.first_page)
            );
        }
        let _ = writeln!(o, "</tbody></table></div>");
    }
    if !r.refused_cookies.is_empty() {
        let _ = writeln!(
            o,
            "<h2>{} ({})</h2><p>{}</p><div class=wrap><table><thead><tr>{}</tr></thead><tbody>",
            t([
                "Cookies the browser refused",
                "Informasjonskapsler nettleseren avviste",
                "Informasjonskapslar nettlesaren avviste"
            ]),
            r.refused_cookies.len(),
            t([
                "The law covers the attempt too.",
                "Loven gjelder også forsøket.",
                "Lova gjeld òg forsøket."
            ]),
            heads(
                lang,
                &[
                    NAME,
                    ["From", "Fra", "Frå"],
                    ["Reason", "Grunn", "Grunn"],
                    PAGE,
                ]
            )
        );
        for c in r.refused_cookies.iter().take(500) {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(&c.name),
                e(&c.url),
                e(&c.reasons.join(", ")),
                e(&c.page)
            );
        }
        let _ = writeln!(o, "</tbody></table></div>");
    }
    if !r.storage.is_empty() {
        let _ = writeln!(
            o,
            "<h2>{} ({})</h2><div class=wrap><table><thead><tr>{}</tr></thead><tbody>",
            t([
                "Web storage keys",
                "Nøkler i nettlagring",
                "Nøklar i nettlagring"
            ]),
            r.storage.len(),
            heads(
                lang,
                &[
                    ["Key", "Nøkkel", "Nøkkel"],
                    ["Kind", "Type", "Type"],
                    ["Origin", "Opphav", "Opphav"],
                    FIRST_PAGE,
                ]
            )
        );
        for k in r.storage.iter().take(500) {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code></td><td>{}Storage</td><td>{}</td><td>{}</td></tr>",
                e(&k.key),
                e(&k.kind),
                e(&k.origin),
                e(&k.first_page)
            );
        }
        let _ = writeln!(o, "</tbody></table></div>");
    }
    let failed: Vec<_> = r.pages.iter().filter(|p| p.error.is_some()).collect();
    let _ = writeln!(
        o,
        "<h2>{} ({})</h2>",
        t(["Pages with errors", "Sider med feil", "Sider med feil"]),
        failed.len()
    );
    if !failed.is_empty() {
        let _ = writeln!(
            o,
            "<div class=wrap><table><thead><tr>{}</tr></thead><tbody>",
            heads(
                lang,
                &[
                    PAGE,
                    ["Phase", "Fase", "Fase"],
                    ["Status", "Status", "Status"],
                    ["Error", "Feil", "Feil"],
                ]
            )
        );
        for p in failed.iter().take(500) {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                e(&p.url),
                phase_label(lang, p.phase.as_str()),
                p.status.map(|s| s.to_string()).unwrap_or_default(),
                e(p.error.as_deref().unwrap_or(""))
            );
        }
        let _ = writeln!(o, "</tbody></table></div>");
    }
    let _ = writeln!(o, "</body></html>");
    o
}

const NAME: [&str; 3] = ["Name", "Navn", "Namn"];
const CATEGORY: [&str; 3] = ["Category", "Kategori", "Kategori"];
const SERVICE: [&str; 3] = ["Service", "Tjeneste", "Teneste"];
const DECLARED: [&str; 3] = ["Declared", "Oppgitt", "Oppgitt"];
const PAGE: [&str; 3] = ["Page", "Side", "Side"];
const FIRST_PAGE: [&str; 3] = ["First page", "Første side", "Første side"];
const YES: [&str; 3] = ["yes", "ja", "ja"];
const NO: [&str; 3] = ["no", "nei", "nei"];

/// Table header cells in a language.
fn heads(lang: Lang, names: &[[&'static str; 3]]) -> String {
    names
        .iter()
        .map(|n| format!("<th>{}</th>", lang.pick(*n)))
        .collect()
}

fn sev_class(s: Severity) -> &'static str {
    s.as_str()
}

fn severity(lang: Lang, s: Severity) -> &'static str {
    lang.pick(match s {
        Severity::High => ["high", "høy", "høg"],
        Severity::Medium => ["medium", "middels", "middels"],
        Severity::Low => ["low", "lav", "låg"],
        Severity::Info => ["info", "info", "info"],
    })
}

fn phase_label(lang: Lang, p: &str) -> &'static str {
    lang.pick(match p {
        "none" => ["Before any choice", "Før noe valg", "Før noko val"],
        "accept" => [
            "After accept all",
            "Etter «godta alle»",
            "Etter «godta alle»",
        ],
        _ => [
            "After reject all",
            "Etter «avvis alle»",
            "Etter «avvis alle»",
        ],
    })
}

/// A message as prose: HTML-escaped, with `code` spans set as `<code>` instead of showing the
/// backticks.
pub fn prose(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        // Odd parts are inside backticks, when the backtick that closes them exists.
        if i % 2 == 1 && i + 1 < parts.len() {
            let _ = write!(out, "<code>{}</code>", e(part));
        } else {
            out.push_str(&e(part));
        }
    }
    out
}

/// Cookie × phase: which cookies each choice (no choice, accept all, reject all) brings.
fn matrix(r: &Report, lang: Lang, o: &mut String) {
    use super::Phase;
    let phases: Vec<Phase> = r.phases.iter().map(|p| p.phase).collect();
    if r.cookies.is_empty() || phases.is_empty() {
        return;
    }
    let _ = write!(
        o,
        "<h2>{}</h2><div class=\"wrap\"><table id=\"matrix\"><thead><tr>{}",
        lang.pick([
            "What each choice brings",
            "Hva hvert valg gir",
            "Kva kvart val gjev"
        ]),
        heads(
            lang,
            &[
                ["Cookie", "Informasjonskapsel", "Informasjonskapsel"],
                CATEGORY,
            ]
        )
    );
    for p in &phases {
        let label = lang.pick(match p {
            Phase::None => ["No choice", "Ikke valgt", "Ikkje valt"],
            Phase::Accept => ["Accept all", "Godta alle", "Godta alle"],
            Phase::Reject => ["Reject all", "Avvis alle", "Avvis alle"],
        });
        let _ = write!(o, "<th>{label}</th>");
    }
    let _ = writeln!(o, "</tr></thead><tbody>");
    for c in &r.cookies {
        let _ = write!(
            o,
            "<tr><td><code>{}</code> <small>{}</small></td><td>{}</td>",
            e(&c.name),
            e(&c.domain),
            e(&c.category)
        );
        for p in &phases {
            let seen = c.phases.contains(p);
            let _ = write!(
                o,
                "<td class=\"m\" data-phase=\"{p}\">{}</td>",
                if seen { "●" } else { "–" }
            );
        }
        let _ = writeln!(o, "</tr>");
    }
    let _ = writeln!(o, "</tbody></table></div>");
}

#[cfg(test)]
mod tests {
    use super::{prose, render};
    use crate::{
        Cookie, Finding, FindingKind, Lang, Page, Phase, PhaseInfo, PhaseSighting, Report, SetBy,
        Severity, Summary,
    };

    fn report() -> Report {
        let cookie = Cookie {
            name: "_ga".into(),
            domain: ".example.no".into(),
            path: "/".into(),
            expires: "2028-01-01T00:00:00Z".into(),
            lifetime_seconds: Some(400 * 86_400),
            declared_lifetime_seconds: None,
            size: 30,
            http_only: false,
            secure: false,
            same_site: None,
            partitioned: None,
            first_party: true,
            before_consent: true,
            after_reject: false,
            phases: vec![Phase::None, Phase::Accept],
            first_seen: vec![PhaseSighting {
                phase: Phase::None,
                page: "http://example.no/".into(),
            }],
            pages: vec!["http://example.no/".into()],
            set_by: SetBy::Script,
            set_by_host: Some("example.no".into()),
            declared: false,
            declared_as: None,
            category: "statistics".into(),
            service: Some("Google Analytics".into()),
            vendor: None,
            classified_by: "knowledge-base".into(),
        };
        let phase = |phase| PhaseInfo {
            phase,
            pages: 1,
            banner_found: true,
            banner: Some("kapsel".into()),
            clicked: None,
            clicked_on: None,
            note: "note".into(),
            engine: None,
            verified: false,
            proof: Vec::new(),
            banner_measured: None,
            screenshots: Vec::new(),
        };
        Report {
            tool: "kapsel test".into(),
            site: "http://example.no/".into(),
            started: "2026-12-06T12:00:00Z".into(),
            duration_seconds: 3.0,
            complete: true,
            stopped: None,
            declared_sources: vec![],
            summary: Summary::default(),
            phases: vec![
                phase(Phase::None),
                phase(Phase::Accept),
                phase(Phase::Reject),
            ],
            findings: vec![Finding {
                kind: FindingKind::SetBeforeConsent,
                severity: Severity::High,
                cookie: Some("_ga".into()),
                domain: Some(".example.no".into()),
                page: Some("http://example.no/".into()),
                phase: Some(Phase::None),
                message: "`_ga` is set before consent".into(),
            }],
            cookies: vec![cookie],
            refused_cookies: vec![],
            third_party_hosts: vec![],
            storage: vec![],
            pages: vec![Page {
                url: "http://example.no/broken".into(),
                final_url: None,
                phase: Phase::Reject,
                status: Some(500),
                error: Some("HTTP 500".into()),
                depth: 1,
                via: "link".into(),
                millis: 10,
            }],
        }
    }

    #[test]
    fn the_report_speaks_the_language_asked_for() {
        let r = report();
        let en = render(&r, Lang::En);
        let nb = render(&r, Lang::Nb);
        let nn = render(&r, Lang::Nn);
        assert!(en.contains("<html lang=\"en\">"));
        assert!(nb.contains("<html lang=\"nb\">"));
        assert!(nn.contains("<html lang=\"nn\">"));
        for (page, headings) in [
            (
                &en,
                [
                    "<h2>Summary</h2>",
                    "<h2>Findings (1)</h2>",
                    "<h2>What each choice brings</h2>",
                ],
            ),
            (
                &nb,
                [
                    "<h2>Sammendrag</h2>",
                    "<h2>Funn (1)</h2>",
                    "<h2>Hva hvert valg gir</h2>",
                ],
            ),
            (
                &nn,
                [
                    "<h2>Samandrag</h2>",
                    "<h2>Funn (1)</h2>",
                    "<h2>Kva kvart val gjev</h2>",
                ],
            ),
        ] {
            for h in headings {
                assert!(page.contains(h), "{h} missing in {page}");
            }
        }
        assert!(nb.contains("<th>Godta alle</th>") && en.contains("<th>Accept all</th>"));
        assert!(nb.contains("Satt før samtykke") && en.contains("Set before consent"));
        assert!(nb.contains("Etter «avvis alle»") && en.contains("After reject all"));
        for english in [
            "Summary",
            "Cookies (",
            "Pages with errors",
            "<th>Name</th>",
            ">yes<",
            ">no<",
        ] {
            assert!(
                !nb.contains(english),
                "English {english:?} left in the nb page"
            );
        }
        // The default is English, and the same data shows in both.
        assert_eq!(crate::render(&r, crate::Format::Html, None), en);
        assert!(nb.contains("<code>_ga</code>") && nb.contains("HTTP 500"));
        assert!(nb.contains("13 måneder") && en.contains("13 months"));
    }

    #[test]
    fn backticks_become_code() {
        assert_eq!(
            prose("`_ga` (.example.no) is set before consent <b>"),
            "<code>_ga</code> (.example.no) is set before consent &lt;b&gt;"
        );
        assert_eq!(prose("a `lone backtick"), "a lone backtick");
    }
}
