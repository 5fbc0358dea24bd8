//! Drafting a declaration from a scan report: one test per rule (known services narrowed, unknown
//! cookie, capped lifetime, accept-only cookie, stale statement line, drift) and bad input. The
//! reports are written the way `kapsel scan --format json` writes them (the JSON contract).

use kapsel_catalogue::check::{self, Rule};
use kapsel_catalogue::draft::report::ScanReport;
use kapsel_catalogue::draft::{draft, DraftError, Options, Statement};
use kapsel_catalogue::{Category, Declaration, KnowledgeBase};
use serde_json::{json, Value};

const DAY: i64 = 86_400;
const SITE: &str = "https://www.example.kommune.no/";

/// A cookie as the report writes it.
fn cookie(name: &str, domain: &str, phases: &[&str], set_by: (&str, &str)) -> Value {
    let first_party = domain
        .trim_start_matches('.')
        .ends_with("example.kommune.no");
    json!({
        "name": name, "domain": domain, "path": "/", "expires": "session",
        "lifetime_seconds": null, "declared_lifetime_seconds": null, "size": 20,
        "http_only": false, "secure": true, "same_site": null, "partitioned": null,
        "first_party": first_party,
        "before_consent": phases.contains(&"none"), "after_reject": phases.contains(&"reject"),
        "phases": phases,
        "first_seen": phases.iter().map(|p| json!({"phase": p, "page": format!("{SITE}nyheter/")})).collect::<Vec<_>>(),
        "pages": [format!("{SITE}nyheter/")],
        "set_by": set_by.0, "set_by_host": set_by.1,
        "declared": false, "declared_as": null, "category": "unknown", "service": null,
        "vendor": null, "classified_by": "unknown"
    })
}

fn with_life(mut c: Value, stored: i64, asked: Option<i64>) -> Value {
    c["lifetime_seconds"] = json!(stored);
    c["declared_lifetime_seconds"] = json!(asked);
    c
}

fn report(cookies: Vec<Value>, phases: &[&str]) -> String {
    let pages: Vec<Value> = phases
        .iter()
        .map(|p| json!({"url": SITE, "final_url": SITE, "phase": p, "status": 200, "error": null, "depth": 0, "via": "start", "millis": 120}))
        .collect();
    json!({
        "tool": "kapsel 0.1.0", "site": SITE, "started": "2026-12-01T10:00:00Z",
        "duration_seconds": 3.5, "complete": true, "stopped": null, "declared_sources": [],
        "summary": {}, "phases": [], "findings": [], "cookies": cookies,
        "refused_cookies": [], "third_party_hosts": [], "storage": [], "pages": pages
    })
    .to_string()
}

fn drafted(text: &str, statement: Option<&str>) -> (kapsel_catalogue::draft::Draft, Declaration) {
    let base = KnowledgeBase::builtin();
    let report = ScanReport::parse(text, "report.json").expect("a report");
    let options = Options {
        statement: statement.map(|s| Statement {
            source: format!("{SITE}personvern/"),
            text: s.to_string(),
        }),
        ..Options::default()
    };
    let d = draft(&report, base, &options);
    let decl = Declaration::parse(&d.declaration, "declaration.json", base)
        .unwrap_or_else(|e| panic!("the draft reads back: {e}\n{}", d.declaration));
    (d, decl)
}

/// The check's warnings that are not TODOs.
fn other_warnings(decl: &Declaration) -> Vec<String> {
    check::check(decl, KnowledgeBase::builtin())
        .into_iter()
        .filter(|w| w.rule != Rule::Todo)
        .map(|w| w.to_string())
        .collect()
}

fn json_of(d: &kapsel_catalogue::draft::Draft) -> Value {
    serde_json::from_str(&d.declaration).unwrap()
}

fn written_cookie<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["cookies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} written out in {doc:#}"))
}

#[test]
fn known_cookies_come_through_their_service_narrowed_to_what_was_seen() {
    let text = report(
        vec![
            with_life(
                cookie(
                    "_ga",
                    ".example.kommune.no",
                    &["accept"],
                    ("script", "www.googletagmanager.com"),
                ),
                400 * DAY - 30,
                Some(730 * DAY),
            ),
            with_life(
                cookie(
                    "_ga_ABC123",
                    ".example.kommune.no",
                    &["accept"],
                    ("script", "www.googletagmanager.com"),
                ),
                400 * DAY - 30,
                Some(730 * DAY),
            ),
            cookie(
                "PHPSESSID",
                "www.example.kommune.no",
                &["none", "accept", "reject"],
                ("header", "www.example.kommune.no"),
            ),
        ],
        &["none", "accept", "reject"],
    );
    let (d, decl) = drafted(&text, None);
    let doc = json_of(&d);
    let ga = doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "google-analytics")
        .expect("google-analytics referred to");
    assert_eq!(
        ga["cookies"],
        json!(["_ga", "_ga_<container-id>"]),
        "{doc:#}"
    );
    assert!(
        doc["services"]
            .as_array()
            .unwrap()
            .contains(&json!("kapsel")),
        "the banner's own record"
    );
    assert!(
        decl.classify("_gid", None).is_none(),
        "not seen, not declared"
    );
    assert_eq!(
        decl.classify("_ga_ABC123", None).unwrap().category,
        Category::Statistics
    );
    assert_eq!(
        decl.classify("PHPSESSID", None).unwrap().category,
        Category::Necessary
    );
    assert!(decl.classify("kapsel_consent", None).is_some());
    assert!(doc["google_consent_mode"].as_bool().unwrap());
    assert_eq!(doc["revision"], "2026-12-01");
    // What the draft cannot know is a TODO, and nothing else is wrong.
    let todo_fields: Vec<&str> = decl.todos.iter().map(|t| t.field.as_str()).collect();
    assert_eq!(todo_fields, ["site", "provider"], "{}", d.declaration);
    assert_eq!(other_warnings(&decl), Vec::<String>::new());
    assert!(decl.reviewed().is_err());
    assert!(
        d.review
            .contains("- [ ] `google-analytics` (Google Analytics, statistics"),
        "{}",
        d.review
    );
}

#[test]
fn an_unknown_cookie_is_grouped_by_its_host_with_what_was_seen_and_todos() {
    let text = report(
        vec![
            with_life(
                cookie(
                    "zxq_vis",
                    ".widgets.example.net",
                    &["none"],
                    ("script", "cdn.widgets.example.net"),
                ),
                30 * 60 - 2,
                None,
            ),
            cookie(
                "zxq_s",
                ".widgets.example.net",
                &["none"],
                ("script", "cdn.widgets.example.net"),
            ),
        ],
        &["none", "accept", "reject"],
    );
    let (d, decl) = drafted(&text, None);
    let doc = json_of(&d);
    let service = doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "cdn.widgets.example.net")
        .unwrap_or_else(|| panic!("a service for the host that set them: {doc:#}"));
    assert_eq!(service["hosts"], json!(["cdn.widgets.example.net"]));
    let c = written_cookie(&doc, "zxq_vis");
    assert_eq!(c["service"], "cdn.widgets.example.net");
    assert_eq!(c["retention"], "30 minutes");
    assert_eq!(c["domain"], ".widgets.example.net");
    let category = c["category"].as_str().unwrap();
    assert!(
        category.starts_with("TODO: necessary, preferences, statistics or marketing?"),
        "{category}"
    );
    for seen in [
        "first on https://www.example.kommune.no/nyheter/ before any consent",
        "third-party on .widgets.example.net",
        "set by a script from cdn.widgets.example.net",
        "lives 30 minutes",
    ] {
        assert!(category.contains(seen), "{seen} in {category}");
    }
    for lang in ["nb", "nn", "en"] {
        assert!(
            c["purpose"][lang].as_str().unwrap().starts_with("TODO"),
            "{lang}"
        );
    }
    assert_eq!(written_cookie(&doc, "zxq_s")["retention"], "session");
    // Undecided, it needs consent; the check reports the TODOs and nothing else.
    assert_eq!(
        decl.classify("zxq_vis", Some(".widgets.example.net"))
            .unwrap()
            .category,
        Category::Marketing
    );
    let cookie_todos = decl
        .todos
        .iter()
        .filter(|t| t.field.starts_with("cookie `zxq_vis`"))
        .count();
    assert_eq!(
        cookie_todos, 4,
        "category and three purposes: {:?}",
        decl.todos
    );
    assert_eq!(other_warnings(&decl), Vec::<String>::new());
    assert!(
        d.review.contains("`zxq_vis`: nobody knows it"),
        "{}",
        d.review
    );
}

#[test]
fn a_capped_lifetime_is_declared_as_the_site_asked() {
    // vuid: the base says 2 years; Chromium stored 400 days of the 2 years asked.
    let text = report(
        vec![with_life(
            cookie(
                "vuid",
                ".vimeo.com",
                &["accept"],
                ("header", "player.vimeo.com"),
            ),
            400 * DAY - 5,
            Some(730 * DAY),
        )],
        &["none", "accept"],
    );
    let (d, decl) = drafted(&text, None);
    let vuid = decl.classify("vuid", Some(".vimeo.com")).unwrap();
    assert_eq!(vuid.retention_text.as_deref(), Some("2 years"));
    assert!(
        d.review
            .contains("`vuid`: the site asks for 2 years, Chromium stored it for 13 months"),
        "{}",
        d.review
    );
    // A lifetime far from the base's is declared as seen, with the base's purpose.
    let text = report(
        vec![with_life(
            cookie(
                "vuid",
                ".vimeo.com",
                &["accept"],
                ("header", "player.vimeo.com"),
            ),
            DAY,
            Some(DAY),
        )],
        &["none", "accept"],
    );
    let (d, decl) = drafted(&text, None);
    let doc = json_of(&d);
    let c = written_cookie(&doc, "vuid");
    assert_eq!(c["retention"], "1 day");
    assert_eq!(c["service"], "vimeo");
    assert!(c["purpose"]["nn"].as_str().unwrap().contains("Vimeo"));
    assert_eq!(
        decl.classify("vuid", None).unwrap().category,
        Category::Statistics
    );
    assert_eq!(other_warnings(&decl), Vec::<String>::new());
}

#[test]
fn a_cookie_seen_only_after_accept_all_is_never_necessary() {
    let text = report(
        vec![
            // The base files __cf_bm as necessary (Cloudflare); here it came only with consent.
            with_life(
                cookie(
                    "__cf_bm",
                    ".vimeo.com",
                    &["accept"],
                    ("header", "player.vimeo.com"),
                ),
                1800,
                Some(1800),
            ),
            cookie(
                "qqz_after",
                "www.example.kommune.no",
                &["accept"],
                ("script", "www.example.kommune.no"),
            ),
            // Set on reject as well: a consent record, which may be necessary.
            cookie(
                "qqz_choice",
                "www.example.kommune.no",
                &["accept", "reject"],
                ("script", "www.example.kommune.no"),
            ),
        ],
        &["none", "accept", "reject"],
    );
    let (d, decl) = drafted(&text, None);
    let doc = json_of(&d);
    let cf = written_cookie(&doc, "__cf_bm");
    let cat = cf["category"].as_str().unwrap();
    assert!(
        cat.starts_with("TODO: preferences, statistics or marketing?"),
        "{cat}"
    );
    assert_eq!(cf["retention"], "30 minutes");
    assert_ne!(
        decl.classify("__cf_bm", Some(".vimeo.com"))
            .unwrap()
            .category,
        Category::Necessary
    );
    let after = written_cookie(&doc, "qqz_after")["category"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        after.contains("not necessary: the scan saw it only after accept all"),
        "{after}"
    );
    let choice = written_cookie(&doc, "qqz_choice")["category"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(choice.starts_with("TODO: necessary,"), "{choice}");
    assert_eq!(other_warnings(&decl), Vec::<String>::new());
    assert!(
        d.review
            .contains("`__cf_bm` (Cloudflare): the knowledge base says necessary"),
        "{}",
        d.review
    );
}

#[test]
fn the_old_statement_is_matched_stale_lines_and_drift() {
    let statement = "Informasjonskapsler vi bruker\n\
        Navn\tFormål\tLagringstid\n\
        PHPSESSID\tHolder på økta\tØkt\n\
        _ga\tGoogle Analytics skiller besøkende\t2 år\n\
        __utmz\tGoogle Analytics kampanjer\t6 måneder\n\
        zxq_vis\tViser widgeten vår\t30 minutter\n";
    let text = report(
        vec![
            cookie(
                "PHPSESSID",
                "www.example.kommune.no",
                &["none"],
                ("header", "www.example.kommune.no"),
            ),
            with_life(
                cookie(
                    "_ga",
                    ".example.kommune.no",
                    &["none"],
                    ("script", "www.googletagmanager.com"),
                ),
                400 * DAY,
                Some(730 * DAY),
            ),
            cookie(
                "zxq_vis",
                ".widgets.example.net",
                &["none"],
                ("script", "cdn.widgets.example.net"),
            ),
            cookie(
                "datr",
                ".facebook.com",
                &["none"],
                ("header", "www.facebook.com"),
            ),
        ],
        &["none", "accept", "reject"],
    );
    let (d, decl) = drafted(&text, Some(statement));
    let drift = d.drift.as_ref().unwrap();
    let names = |idx: &[usize]| -> Vec<String> {
        idx.iter().map(|&i| drift.names[i].name.clone()).collect()
    };
    assert_eq!(names(&drift.stale), ["__utmz"], "{drift:#?}");
    assert_eq!(drift.undeclared, [3], "datr is the drift: {drift:#?}");
    assert_eq!(drift.declared_and_seen.len(), 3);
    let report_md = d.statement_report.as_deref().unwrap();
    assert!(
        report_md.contains("## Declared but never seen: stale lines (1)\n\n- `__utmz` (line 5)"),
        "{report_md}"
    );
    assert!(
        report_md
            .contains("## Seen but never declared: the drift (1)\n\n- `datr` on .facebook.com"),
        "{report_md}"
    );
    assert!(
        d.review
            .contains("the old statement lists `__utmz` (line 5) but the scan never saw it"),
        "{}",
        d.review
    );
    assert!(
        d.review
            .contains("the old statement says (line 6): «zxq_vis Viser widgeten vår 30 minutter»"),
        "{}",
        d.review
    );
    // The statement's address on the scanned site becomes the declaration's.
    assert_eq!(decl.privacy_statement.as_deref(), Some("/personvern/"));
    // Every seen cookie is declared by the draft, drift included.
    for name in ["PHPSESSID", "_ga", "zxq_vis", "datr"] {
        assert!(decl.classify(name, None).is_some(), "{name}");
    }
}

#[test]
fn bad_input_is_refused_naming_the_file() {
    let base_err = |text: &str| ScanReport::parse(text, "in.json").unwrap_err();
    let e = base_err("{\"tool\": \"kapsel 0.1\",\n \"cookies\": [}");
    assert!(matches!(e, DraftError::Syntax { line: 2, .. }), "{e}");
    assert!(e.to_string().starts_with("in.json:2:"), "{e}");
    let sarif = json!({"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": []});
    let e = base_err(&sarif.to_string());
    assert!(
        e.to_string()
            .starts_with("in.json: not a kapsel scan report: it looks like SARIF"),
        "{e}"
    );
    let decl = json!({"site": "S", "revision": "1", "cookies": []});
    assert!(base_err(&decl.to_string())
        .to_string()
        .contains("looks like a declaration"));
    let overview = json!({"tool": "kapsel 0.1.0", "sites": []});
    assert!(base_err(&overview.to_string())
        .to_string()
        .contains("no `cookies` list"));
    let mut wrong: Value = serde_json::from_str(&report(vec![], &["none"])).unwrap();
    wrong["cookies"] = json!([{"name": 3}]);
    assert!(matches!(
        base_err(&wrong.to_string()),
        DraftError::NotAReport { .. }
    ));
    let e = base_err(&report(vec![], &[]));
    assert!(
        e.to_string()
            .starts_with("in.json: the scan is empty: it visited no page"),
        "{e}"
    );
    let mut failed: Value = serde_json::from_str(&report(vec![], &["none"])).unwrap();
    failed["pages"][0]["error"] = json!("connection refused");
    let e = base_err(&failed.to_string());
    assert!(
        e.to_string()
            .contains("every one of its 1 page visits failed"),
        "{e}"
    );
}

#[test]
fn a_purpose_the_base_lacks_in_a_site_language_is_a_todo_to_translate() {
    let base = KnowledgeBase::from_json(
        r#"{"services":[{"id":"widget","name":"Widget","vendor":"Widget Inc.","category":"statistics","hosts":["widget.example"]}],
            "cookies":[{"name":"wdg_id","service":"widget","category":"statistics","retention":"1 year",
                        "purpose":{"en":"Counts widget views."}}]}"#,
        "base.json",
    )
    .unwrap();
    let text = report(
        vec![with_life(
            cookie(
                "wdg_id",
                ".widget.example",
                &["accept"],
                ("script", "widget.example"),
            ),
            365 * DAY,
            Some(365 * DAY),
        )],
        &["none", "accept", "reject"],
    );
    let report = ScanReport::parse(&text, "report.json").unwrap();
    let d = draft(&report, &base, &Options::default());
    let decl = Declaration::parse(&d.declaration, "d.json", &base).unwrap();
    let doc = json_of(&d);
    let c = written_cookie(&doc, "wdg_id");
    assert_eq!(c["purpose"]["en"], "Counts widget views.");
    assert_eq!(
        c["purpose"]["nn"],
        "TODO: translate into Nynorsk: Counts widget views."
    );
    assert_eq!(c["category"], "statistics", "from the base");
    let fields: Vec<&str> = decl.todos.iter().map(|t| t.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "site",
            "provider",
            "cookie `wdg_id` purpose nb",
            "cookie `wdg_id` purpose nn"
        ]
    );
    let others: Vec<String> = check::check(&decl, &base)
        .into_iter()
        .filter(|w| w.rule != Rule::Todo)
        .map(|w| w.to_string())
        .collect();
    assert_eq!(others, Vec::<String>::new());
}
