//! Privacy-statement extraction: the cookie names and the services a statement declares, read
//! from its text (HTML is made text first, see [`html_to_text`]).
//!
//! # Approach
//! Real statements list cookie names in tables (in HTML, or flattened to text in many ways),
//! definition lists, a heading per cookie, bullet lists, "NAME: purpose" lines and running
//! prose ("Google Analytics brukar informasjonskapslane _ga, _gid og _gat"), often misspelt,
//! among many words that look technical but are no cookies (product names, functions such as
//! `anonymizeIP`, e-ID names, hosts, IP addresses, example values). The statement goes through
//! five stages, one module each, each with its approach in its top doc:
//!
//! 1. `html` — text from HTML: lines that keep rows, cells, items, headings and terms.
//! 2. `structure` — rows: tables (tab, pipe, space-aligned, one cell a line), headings per
//!    cookie, definition lists, label runs, running text in paragraphs; where names stand.
//! 3. `tokens` — words, with their row, cell, paragraph, sentence and separators.
//! 4. `evidence` — every word weighed: its place, its shape (`shape`), the knowledge base, the
//!    cookie nouns around it, naming patterns, the services named nearby (`services`).
//! 5. `decision` — the words taken, in order, without repeats, with base entries, families,
//!    near misses and services.
//!
//! The knowledge base is one piece of evidence among several, never a requirement: a name in a
//! cookie table is taken whether any base knows it or not. No rule is keyed to a particular
//! name or statement. Everything runs in time linear in the text (what a row learns from its
//! neighbours is filled in by sweeps; enumerations are bounded), and knowledge-base questions
//! are asked once per distinct word, only of words that could still be taken.

mod decision;
mod evidence;
mod html;
mod services;
mod shape;
mod structure;
mod tokens;

use std::collections::HashMap;

pub use html::{html_to_text, push_break, tidy_text, BLOCK_ELEMENTS, SKIPPED_ELEMENTS};

use crate::knowledge::{KnowledgeBase, KnownCookie, KnownService};
use crate::nearmiss::NearMiss;
use evidence::Scorer;
use services::ServiceIndex;
use tokens::Doc;

/// What a privacy statement declares.
#[derive(Debug, Clone, Default)]
pub struct Extraction<'a> {
    /// Cookie names as written, in order of first appearance, without case-insensitive repeats.
    pub names: Vec<FoundName<'a>>,
    /// Services the statement names, or whose cookies it names, in order of first appearance.
    pub services: Vec<FoundService<'a>>,
}

impl Extraction<'_> {
    /// The names alone.
    pub fn name_list(&self) -> Vec<&str> {
        self.names.iter().map(|n| n.name.as_str()).collect()
    }
}

/// One declared cookie name.
#[derive(Debug, Clone)]
pub struct FoundName<'a> {
    /// The name as written (a lone leading dot joined, sentence punctuation trimmed).
    pub name: String,
    /// The line (from 1) where it first appears.
    pub line: usize,
    /// The knowledge-base entry the name matches exactly, if any.
    pub entry: Option<&'a KnownCookie>,
    /// The family the name stands for when it is written as the family's stem (`_pk_id`,
    /// `_pk_id*` for the base's `_pk_id.*`).
    pub family: Option<&'a KnownCookie>,
    /// The likely intended known cookie, when the name itself is unknown but close to one.
    pub near_miss: Option<NearMiss<'a>>,
}

impl<'a> FoundName<'a> {
    /// The entry matched, or else the family named, or else the one a near miss points at.
    pub fn known(&self) -> Option<&'a KnownCookie> {
        self.entry
            .or(self.family)
            .or(self.near_miss.as_ref().map(|m| m.entry))
    }
}

/// A service the statement names or implies.
#[derive(Debug, Clone)]
pub struct FoundService<'a> {
    /// The knowledge-base service.
    pub service: &'a KnownService,
    /// How the text names it ("Google Analytics", "Cloudfare"); empty when only implied.
    pub mentioned_as: Vec<String>,
    /// Extracted names that belong to it.
    pub cookies: Vec<String>,
}

/// The cookie names and services `text` (plain text; table cells separated by tabs) declares.
pub fn extract<'a>(text: &str, base: &'a KnowledgeBase) -> Extraction<'a> {
    let doc = Doc::parse(text);
    let services = ServiceIndex::new(base);
    let mentions = services.mentions(text);
    let mut scorer = Scorer {
        doc: &doc,
        base,
        services: &services,
        mention_lines: mentions
            .iter()
            .map(|m| (m.service.id.as_str(), m.line))
            .collect(),
        kb_cache: HashMap::new(),
    };
    let cands = decision::decide(&mut scorer);
    decision::collect(&doc, cands, mentions, base)
}

#[cfg(test)]
mod tests {
    use super::shape::{shape, Shape};
    use super::*;
    use crate::nearmiss::MissKind;

    /// A small base of the test's own, so that the tests do not move with the built-in data.
    fn base() -> KnowledgeBase {
        KnowledgeBase::from_json(
            r#"{"services":[
                 {"id":"matomo","name":"Matomo","vendor":"InnoCraft","category":"statistics"},
                 {"id":"vimeo","name":"Vimeo","vendor":"Vimeo","category":"marketing"},
                 {"id":"cloudflare","name":"Cloudflare","vendor":"Cloudflare","category":"necessary"},
                 {"id":"idporten","name":"ID-porten","vendor":"Digdir","category":"necessary"},
                 {"id":"google-analytics","name":"Google Analytics","vendor":"Google","category":"statistics"},
                 {"id":"site","name":"Site (Eksempel)","vendor":"Eksempel","category":"necessary"}
               ],
               "cookies":[
                 {"name":"_pk_id.*","service":"matomo","category":"statistics"},
                 {"name":"_pk_ses.*","service":"matomo","category":"statistics"},
                 {"name":"_pk_ref.*","service":"matomo","category":"statistics"},
                 {"name":"vuid","service":"vimeo","category":"marketing"},
                 {"name":"__cf_bm","service":"cloudflare","category":"necessary"},
                 {"name":"cf_clearance","service":"cloudflare","category":"necessary"},
                 {"name":"langval","service":"site","category":"preferences"},
                 {"name":"_ga","service":"google-analytics","category":"statistics"}
               ]}"#,
            "test.json",
        )
        .unwrap()
    }

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/policies/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn names(text: &str, base: &KnowledgeBase) -> Vec<String> {
        extract(text, base)
            .names
            .iter()
            .map(|n| n.name.clone())
            .collect()
    }

    fn services<'a>(ex: &'a Extraction) -> Vec<&'a str> {
        ex.services.iter().map(|s| s.service.id.as_str()).collect()
    }

    #[test]
    fn bokmal_table_gives_the_name_column() {
        let base = base();
        let text = fixture("bokmal-tabell.txt");
        let ex = extract(&text, &base);
        assert_eq!(
            ex.name_list(),
            ["JSESSIONID", "_pk_id.*", "_pk_ses.*", "langval", "vuid"]
        );
        let langval = &ex.names[3];
        assert_eq!(langval.entry.map(|e| e.service.as_str()), Some("site"));
        assert_eq!(
            langval.line,
            text.lines().position(|l| l.starts_with("langval")).unwrap() + 1
        );
        assert!(ex.names[0].entry.is_none() && ex.names[0].near_miss.is_none());
        let s = services(&ex);
        for id in ["matomo", "vimeo", "idporten", "site"] {
            assert!(s.contains(&id), "{id} missing from {s:?}");
        }
    }

    #[test]
    fn nynorsk_prose_with_typos_and_capitals() {
        let base = base();
        let ex = extract(&fixture("nynorsk-prosa.txt"), &base);
        assert_eq!(
            ex.name_list(),
            [
                "SERVERID",
                "_pk_id.1.a2b3",
                "_pk_ses.1.a2b3",
                "_pk_ref.1.a2b3",
                "langval",
                "Vuid",
                "cf_clearence"
            ]
        );
        let vuid = ex.names.iter().find(|n| n.name == "Vuid").unwrap();
        let miss = vuid.near_miss.as_ref().expect("a case near miss");
        assert_eq!(
            (miss.intended.as_str(), miss.kind),
            ("vuid", MissKind::Case)
        );
        let typo = ex.names.iter().find(|n| n.name == "cf_clearence").unwrap();
        assert_eq!(typo.near_miss.as_ref().unwrap().intended, "cf_clearance");
        assert_eq!(typo.known().unwrap().service, "cloudflare");
        let pk = ex.names.iter().find(|n| n.name == "_pk_id.1.a2b3").unwrap();
        assert_eq!(pk.entry.unwrap().pattern.as_str(), "_pk_id.*");
        let s = services(&ex);
        // "Cloudfare" is one letter off Cloudflare.
        for id in ["matomo", "vimeo", "cloudflare", "google-analytics"] {
            assert!(s.contains(&id), "{id} missing from {s:?}");
        }
        let cf = ex
            .services
            .iter()
            .find(|s| s.service.id == "cloudflare")
            .unwrap();
        assert_eq!(cf.mentioned_as, ["Cloudfare"]);
        assert_eq!(cf.cookies, ["cf_clearence"]);
    }

    #[test]
    fn html_list_and_table() {
        let base = base();
        let text = html_to_text(&fixture("english-list.html"));
        assert_eq!(
            names(&text, &base),
            [
                "kapsel_consent",
                "XSRF-TOKEN",
                "__cf_bm",
                "vuid",
                "ab_variant"
            ]
        );
    }

    #[test]
    fn english_prose_and_markdown_table() {
        let base = base();
        assert_eq!(
            names(&fixture("english-prose.md"), &base),
            [
                "PHPSESSID",
                "SimpleSAMLSessionID",
                "_pk_id.<site-id>.<hash>",
                "_pk_ses.<site-id>.<hash>",
                "consent_choice",
                "_hjSessionUser_<site-id>"
            ]
        );
    }

    #[test]
    fn words_that_only_look_technical_are_left_out() {
        let base = base();
        let text = "Informasjonskapsler\n\
            Vi bruker informasjonskapsler. Funksjonen anonymizeIP er slått på, og innlogging \
            skjer med BankID eller MinID gjennom ID-porten. Statistikken ligger på \
            stats.example.no (10.1.2.3). Eksempel på verdi: q9w8e7r6t5y4u3i2o1p0.\n\
            Google Analytics brukar informasjonskapslane _ga og _gid.\n";
        assert_eq!(names(text, &base), ["_ga", "_gid"]);
    }

    #[test]
    fn the_same_name_twice_is_one_name() {
        let base = base();
        let text = "Vi bruker informasjonskapselen _ga. Informasjonskapselen _GA. lagres i to år. \
                    Kapselen _ga brukes av Google Analytics.";
        assert_eq!(names(text, &base), ["_ga"]);
    }

    #[test]
    fn without_context_only_strong_known_names_count() {
        let base = base();
        // No cookie noun anywhere: a known name with underscores still counts, a bare word does not.
        assert_eq!(names("Vi har _ga og vuid på sida.", &base), ["_ga"]);
        assert!(names("Produktet heter FooBar og BazQux.", &base).is_empty());
    }

    #[test]
    fn lone_dots_join_only_technical_words() {
        let base = base();
        assert_eq!(
            names(
                "Informasjonskapslane EPiA, . EPiServerLogin og _x_y vert brukte.",
                &base
            ),
            ["EPiA", ".EPiServerLogin", "_x_y"]
        );
        assert!(names("jf. bl.a . kommuneloven og informasjonskapsler", &base).is_empty());
    }

    #[test]
    fn html_to_text_keeps_rows_cells_and_items() {
        let html = "<html><head><title>x</title><script>var a = '<td>';</script></head><body>\
            <p>Hei&nbsp;p&aring; deg &amp; meg &#229;&#xE5;</p><ul><li>en</li><li>to</li></ul>\
            <table><tr><th>Navn</th><th>Form&aring;l</th></tr><tr><td>_ga<br>_gid</td><td>Statistikk</td></tr></table>\
            <h3>Om oss</h3><dl><dt>lang</dt><dd>Spr&aring;k</dd></dl>\
            <!-- <p>hidden</p> --></body></html>";
        assert_eq!(
            html_to_text(html),
            "Hei på deg & meg åå\n• en\n• to\nNavn\tFormål\n_ga, _gid\tStatistikk\n### Om oss\nlang\n: Språk\n"
        );
    }

    #[test]
    fn tidy_text_collapses_space_and_blank_lines() {
        assert_eq!(
            tidy_text("  a   b \n\n\n\n\t c \t\t d\t\n"),
            "a b\n\nc\t\td\n"
        );
    }

    #[test]
    fn shapes() {
        assert_eq!(shape("_ga"), Shape::Strong);
        assert_eq!(shape("PHPSESSID"), Shape::Strong);
        assert_eq!(shape("FormCookie"), Shape::Strong);
        assert_eq!(shape("ASPSESSIONID*"), Shape::Strong);
        assert_eq!(shape("ArticleViewPort"), Shape::Weak);
        assert_eq!(shape("IDE"), Shape::Weak);
        assert_eq!(shape("datr"), Shape::Plain);
        for never in [
            "www.example.no",
            "staticxx.facebook.com",
            "195.159.103.82",
            "l05aucudkhggfv45dd2l3g55",
            "ID-porten",
            "EPiServer-brukar",
            "informasjonskapslane",
            "Cookies",
            "og",
            "nøkkel",
            "bl.a",
        ] {
            assert_eq!(shape(never), Shape::Never, "{never}");
        }
    }
}
