//! Privacy-statement extraction: the cookie names and the services a statement declares, read
//! from its plain text (HTML is turned into text first, table rows as lines with tab-separated
//! cells: see [`html_to_text`] and [`tidy_text`]).
//!
//! # Approach
//! Real statements list cookie names in tables, bullet lists, "NAME: purpose" paragraphs and
//! running prose ("Google Analytics brukar informasjonskapslane _ga, _gid og _gat"), often
//! misspelt, among many words that look technical but are no cookies (product names, functions
//! such as `anonymizeIP`, e-ID names, host names, IP addresses, example values). No single rule
//! separates the two, so every word is weighed on independent pieces of evidence and kept when
//! they add up:
//!
//! 1. **Tokens.** Lines are split into words; URLs and e-mail addresses are set aside whole; a
//!    word is cut at characters a cookie name cannot hold (`,;:()"/` and friends) but keeps
//!    `_ . - * $ %` and placeholders attached to a name (`_ga_<container-id>`). A dot alone
//!    before a word is joined to it (`. EPiServerLogin` → `.EPiServerLogin`).
//! 2. **Exclusions** (never a name): words with non-ASCII letters (cookie names are ASCII, so
//!    every Norwegian word with æ/ø/å drops out), numbers, host names (`staticxx.facebook.com`),
//!    IP addresses, abbreviations (`bl.a`), long letter-digit strings that are values rather
//!    than names (`l05aucudkhggfv45dd2l3g55`, and any word right after "verdi"/"value"),
//!    compounds ending in an ordinary word (`ID-porten`, `EPiServer-brukar`), the cookie nouns
//!    themselves, function words, and the names of known services (`EpiServer`, `Cloudfare` —
//!    one letter from Cloudflare — `Leseweb`), unless the knowledge base knows the word as a
//!    cookie.
//! 3. **Shape.** *Strong*: an underscore (`_ga`, `ASP.NET_SessionId`), a leading dot
//!    (`.ASPXANONYMOUS`), a wildcard or placeholder, or a cookie word inside a technical-looking
//!    word (`PHPSESSID`, `FormCookie`, `B100Serverpoolcookie`, `EPiDPCKEY`). *Weak*: capitals
//!    inside a word, all capitals, digits, inner dots (`ArticleViewPort`, `IDE`, `NOARK5`).
//!    *Plain*: an ordinary word (`datr`, `Fr`).
//! 4. **Knowledge base.** An exact match (also with a leading dot added or removed) counts much;
//!    a near miss ([`crate::nearmiss`]) counts by its kind — a recorded misspelling or a missing
//!    underscore much, a case difference on an ordinary word little (`ide` is a Norwegian word,
//!    `IDE` a cookie).
//! 5. **Context.** A cookie noun (informasjonskapsel…, kapsel…, cookie…) within two sentences
//!    of the word; for a short label line (`_ga`, `PHPSESSID SessionId`) or a `NAME:` line head,
//!    the line before or after; for a list item, the line that introduces the list ("Vi bruker
//!    disse informasjonskapslene:"); for a table row, a header that names cookies. Patterns add
//!    more: a table cell under a "Navn/Namn/Name/Cookie/Informasjonskapsel" header; a technical
//!    word heading a line about a cookie (`SERVERID: … kapselen …`); a naming word before the
//!    token ("informasjonskapselen editlanguagebranch", "heiter X", "called X"); a definition
//!    after it ("Datr er ein … informasjonskapsel", "X is a … cookie"); the cookie's own service
//!    named nearby ("Fr og sb blir brukte av Facebook"); and, in a second pass, an enumeration
//!    ("A, B og C") in which another member was already taken.
//!
//! A word is taken when its evidence reaches a threshold and it has some context, or when the
//! evidence is overwhelming on its own (a strong shape the knowledge base knows). The result
//! keeps names as written, in order, without case-insensitive duplicates, each with the base
//! entry it matches and a near-miss suggestion where it is a likely typo.
//!
//! Everything runs in time linear in the text (what a line learns from its neighbours is filled
//! in by two sweeps; enumerations are bounded), and knowledge-base questions are asked once per
//! distinct word, only of words that could still be taken.
//!
//! Services are found by their names, the parts of their names (`Optimizely CMS (EPiServer)`
//! gives `EPiServer`) and their ids, across one to three words, ignoring case and punctuation (`ID-porten` is
//! `idporten`) and allowing one wrong letter in long names (`Cloudfare`); an all-lower-case word
//! counts only inside a host name, so that ordinary words that happen to name a product do not.
//! The services of the extracted cookies are added (`IDE` brings DoubleClick).

use std::collections::{HashMap, HashSet};

use crate::knowledge::{KnowledgeBase, KnownCookie, KnownService};
use crate::nearmiss::{self, edit_distance, MissKind, NearMiss};

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
    /// The likely intended known cookie, when the name itself is unknown but close to one.
    pub near_miss: Option<NearMiss<'a>>,
}

impl<'a> FoundName<'a> {
    /// The entry matched, or else the one a near miss points at.
    pub fn known(&self) -> Option<&'a KnownCookie> {
        self.entry.or(self.near_miss.as_ref().map(|m| m.entry))
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
    let cands = scorer.run();
    collect(&doc, cands, mentions, base)
}

// ---------------------------------------------------------------------------------------------
// HTML

/// Elements whose content is no text of the page.
pub const SKIPPED_ELEMENTS: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "iframe", "object", "canvas",
];

/// Elements that break lines.
pub const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "br",
    "hr",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "form",
    "address",
    "caption",
    "details",
    "summary",
    "body",
    "html",
];

/// Writes the break an element's start (or end) tag makes in the text: a tab before a table
/// cell, a new line and a bullet before a list item, a new line around other blocks. Shared by
/// [`html_to_text`] and the `kapsel` command's HTML reader.
pub fn push_break(out: &mut String, name: &str, closing: bool) {
    let newline = |out: &mut String| {
        let trimmed = out.trim_end_matches(' ');
        if !trimmed.is_empty() && !trimmed.ends_with('\n') {
            out.push('\n');
        }
    };
    match (name, closing) {
        ("td" | "th", false) => out.push('\t'),
        ("li", false) => {
            newline(out);
            out.push_str("\u{2022} ");
        }
        ("li", true) => newline(out),
        (n, _) if BLOCK_ELEMENTS.contains(&n) => newline(out),
        _ => {}
    }
}

/// Cleans text gathered from HTML (or any text): spaces collapsed, lines trimmed, runs of blank
/// lines shortened to one; tabs (table cells) kept, a row's leading empty cell dropped.
pub fn tidy_text(raw: &str) -> String {
    let mut out = String::new();
    let mut blank = true;
    for line in raw.lines() {
        let cells: Vec<String> = line
            .split('\t')
            .map(|c| c.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let mut cells: &[String] = &cells;
        while cells.len() > 1 && cells[0].is_empty() {
            cells = &cells[1..];
        }
        while cells.len() > 1 && cells[cells.len() - 1].is_empty() {
            cells = &cells[..cells.len() - 1];
        }
        let line = cells.join("\t");
        if line.trim().is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        out.push_str(&line);
        out.push('\n');
        blank = false;
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// A small std-only HTML-to-text conversion (the `kapsel` command uses a full HTML parser):
/// scripts and styles dropped, blocks and list items on lines of their own, table rows as lines
/// with cells separated by tabs, character references decoded.
pub fn html_to_text(html: &str) -> String {
    let mut raw = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut raw, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let Some(gt) = tag_end(rest) else {
            push_text(&mut raw, rest);
            rest = "";
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !closing && SKIPPED_ELEMENTS.contains(&name.as_str()) && !tag.ends_with('/') {
            let close = format!("</{name}");
            rest = match find_ignore_case(rest, &close) {
                Some(at) => rest[at..].find('>').map_or("", |e| &rest[at + e + 1..]),
                None => "",
            };
            continue;
        }
        push_break(&mut raw, &name, closing);
    }
    push_text(&mut raw, rest);
    tidy_text(&raw)
}

/// Where a tag that starts `s` (at `<`) ends, quotes respected.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

fn find_ignore_case(hay: &str, needle: &str) -> Option<usize> {
    let lower = hay.to_ascii_lowercase();
    lower.find(&needle.to_ascii_lowercase())
}

/// Appends text from between tags: white space made spaces, character references decoded.
fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        push_spaced(out, &rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !c.is_ascii_alphanumeric() && c != '#')
            .map(|e| e + 1);
        let decoded = end
            .filter(|&e| rest[e..].starts_with(';'))
            .and_then(|e| decode_entity(&rest[1..e]).map(|c| (c, e + 1)));
        match decoded {
            Some((c, len)) => {
                out.push(if c.is_whitespace() { ' ' } else { c });
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    push_spaced(out, rest);
}

fn push_spaced(out: &mut String, text: &str) {
    out.extend(
        text.chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c }),
    );
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "aring" => 'å',
        "Aring" => 'Å',
        "oslash" => 'ø',
        "Oslash" => 'Ø',
        "aelig" => 'æ',
        "AElig" => 'Æ',
        "eacute" => 'é',
        "ndash" => '–',
        "mdash" => '—',
        "laquo" => '«',
        "raquo" => '»',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "bull" => '•',
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Text model

/// A word of the text, with what surrounds it.
#[derive(Debug, Clone, Default)]
struct Tok {
    text: String,
    line: usize,
    /// Table cell index, for table rows.
    cell: Option<usize>,
    /// Sentence number within the line.
    sentence: usize,
    /// A URL or e-mail address: a word, never a name.
    link: bool,
    /// Followed by a list separator (`,`, `;`, `/`, `&`).
    comma_after: bool,
    /// Followed by `:`.
    colon_after: bool,
    /// Ends a sentence.
    sentence_end: bool,
}

#[derive(Debug, Default)]
struct Line {
    /// Indices into `Doc::toks`.
    first: usize,
    end: usize,
    cookie_word: bool,
    /// Sentences (by number) that hold a cookie noun.
    cookie_sentences: HashSet<usize>,
    /// For a table row: the column of names, when the table has a header saying so.
    name_col: Option<usize>,
    /// A table row under a header that speaks of cookies.
    cookie_table: bool,
    table_row: bool,
    header: bool,
    /// A list item (`•`, `-`, `*`, `1.` at the start).
    bullet: bool,
    /// Words other than conjunctions.
    words: usize,
    /// The name cell holds one name or a list of them (not a phrase).
    name_cell_listed: bool,
    /// The nearest line with words above or below speaks of cookies.
    neighbour_cookie_word: bool,
    /// A list item whose list is introduced by a line that speaks of cookies.
    list_intro_cookie_word: bool,
}

#[derive(Debug, Default)]
struct Doc {
    toks: Vec<Tok>,
    lines: Vec<Line>,
}

impl Doc {
    fn parse(text: &str) -> Doc {
        let mut doc = Doc::default();
        let mut table: Option<(Option<usize>, bool)> = None;
        for (n, raw) in text.lines().enumerate() {
            let cells = table_cells(raw);
            let first = doc.toks.len();
            match &cells {
                Some(cells) => {
                    for (c, cell) in cells.iter().enumerate() {
                        tokenize(cell, n, Some(c), &mut doc.toks);
                    }
                }
                None => tokenize(raw, n, None, &mut doc.toks),
            }
            let end = doc.toks.len();
            let mut line = Line {
                first,
                end,
                bullet: is_bullet(raw),
                ..Line::default()
            };
            line.words = doc.toks[first..end]
                .iter()
                .filter(|t| !is_conjunction(&t.text))
                .count();
            for t in &doc.toks[first..end] {
                if is_cookie_word(&t.text) {
                    line.cookie_word = true;
                    line.cookie_sentences.insert(t.sentence);
                }
            }
            if let Some(cells) = &cells {
                line.table_row = true;
                match header_column(cells) {
                    Some(col) if table.is_none() => {
                        line.header = true;
                        table = Some((Some(col), true));
                    }
                    _ => {
                        let state = table.get_or_insert((None, false));
                        line.name_col = state.0;
                        line.cookie_table = state.1;
                        let cell: Vec<&Tok> = doc.toks[first..end]
                            .iter()
                            .filter(|t| t.cell.is_some() && t.cell == line.name_col)
                            .collect();
                        line.name_cell_listed = cell.len() == 1
                            || cell.windows(2).all(|w| {
                                w[0].comma_after
                                    || is_conjunction(&w[0].text)
                                    || is_conjunction(&w[1].text)
                            });
                    }
                }
            } else if first != end {
                table = None;
            }
            doc.lines.push(line);
        }
        doc.link_lines();
        doc
    }

    /// Fills in what each line learns from the lines around it, in two linear sweeps.
    fn link_lines(&mut self) {
        let mut above: Option<bool> = None;
        let mut intro = false;
        for l in &mut self.lines {
            if l.first == l.end {
                continue;
            }
            l.neighbour_cookie_word = above == Some(true);
            above = Some(l.cookie_word);
            if l.bullet {
                l.list_intro_cookie_word = intro;
            } else {
                intro = l.cookie_word;
            }
        }
        let mut below: Option<bool> = None;
        for l in self.lines.iter_mut().rev() {
            if l.first == l.end {
                continue;
            }
            l.neighbour_cookie_word |= below == Some(true);
            below = Some(l.cookie_word);
        }
    }

    fn line_toks(&self, line: usize) -> &[Tok] {
        let l = &self.lines[line];
        &self.toks[l.first..l.end]
    }
}

fn is_bullet(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with(['•', '·', '▪', '–', '◦'])
        || (t.starts_with("- ") || t.starts_with("* "))
        || t.split_once(". ").is_some_and(|(n, _)| {
            !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit())
        })
}

/// The cells of a table row: tab-separated, or a Markdown `| a | b |` row.
fn table_cells(line: &str) -> Option<Vec<String>> {
    if line.contains('\t') {
        return Some(line.split('\t').map(|c| c.trim().to_string()).collect());
    }
    let t = line.trim();
    if t.starts_with('|') && t.len() > 1 && t[1..].contains('|') {
        let inner = t.trim_matches('|');
        if inner.chars().all(|c| matches!(c, '-' | ':' | '|' | ' ')) {
            return Some(Vec::new());
        }
        return Some(inner.split('|').map(|c| c.trim().to_string()).collect());
    }
    None
}

/// The column whose header says it holds names, if this row is such a header.
fn header_column(cells: &[String]) -> Option<usize> {
    cells.iter().position(|cell| {
        let lower = cell.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter(|w| !w.is_empty())
            .collect();
        !words.is_empty()
            && words.len() <= 4
            && words.iter().any(|w| {
                matches!(
                    *w,
                    "navn" | "namn" | "name" | "names" | "navnet" | "namnet" | "cookienavn"
                ) || is_cookie_word(w)
            })
    })
}

fn is_link(chunk: &str) -> bool {
    let c = chunk.trim_start_matches(['(', '[', '<', '"', '\'', '«', '“']);
    let lower = c.to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("www.")
        || lower.starts_with("mailto:")
        || lower
            .find('@')
            .is_some_and(|at| at > 0 && lower[at..].contains('.'))
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '*' | '$' | '%' | '#' | '+' | '~')
}

/// Splits a line (or a cell) into words, appending to `out`.
fn tokenize(segment: &str, line: usize, cell: Option<usize>, out: &mut Vec<Tok>) {
    let chunks: Vec<&str> = segment.split_whitespace().collect();
    let start = out.len();
    let mut sentence = 0;
    let mut dot = false;
    for (i, chunk) in chunks.iter().enumerate() {
        if *chunk == "." || *chunk == "&" {
            // `. EPiServerLogin` is `.EPiServerLogin`; `bl.a . kommuneloven` is two words.
            let joins = *chunk == "."
                && chunks.get(i + 1).is_some_and(|n| {
                    n.starts_with(|c: char| c.is_ascii_alphabetic())
                        && n.chars().any(|c| c.is_ascii_uppercase() || c == '_')
                });
            if joins {
                dot = true;
            } else if let Some(prev) = out[start..].last_mut() {
                if *chunk == "&" {
                    prev.comma_after = true;
                } else if !prev.comma_after {
                    prev.sentence_end = true;
                    sentence += 1;
                }
            }
            continue;
        }
        let mut base = Tok {
            line,
            cell,
            sentence,
            ..Tok::default()
        };
        if is_link(chunk) {
            base.text = chunk.to_string();
            base.link = true;
            let ends = chunk.ends_with('.');
            base.sentence_end = ends;
            out.push(base);
            if ends {
                sentence += 1;
            }
            dot = false;
            continue;
        }
        let chars: Vec<char> = chunk.chars().collect();
        let mut piece = String::new();
        if std::mem::take(&mut dot) {
            piece.push('.');
        }
        let mut k = 0;
        while k < chars.len() {
            let c = chars[k];
            if is_name_char(c) {
                piece.push(c);
                k += 1;
                continue;
            }
            if matches!(c, '<' | '[' | '{') && !piece.is_empty() {
                let close = match c {
                    '<' => '>',
                    '[' => ']',
                    _ => '}',
                };
                if let Some(off) = chars[k + 1..].iter().position(|&x| x == close) {
                    if off > 0 {
                        piece.extend(&chars[k..=k + 1 + off]);
                        k += off + 2;
                        continue;
                    }
                }
            }
            if flush(&mut piece, Some(c), &base, out) {
                base.sentence += 1;
            }
            k += 1;
        }
        if flush(&mut piece, None, &base, out) {
            base.sentence += 1;
        }
        sentence = base.sentence;
    }
}

/// Pushes the word collected so far; returns whether it ended a sentence.
fn flush(piece: &mut String, sep: Option<char>, base: &Tok, out: &mut Vec<Tok>) -> bool {
    let raw = std::mem::take(piece);
    let list_sep = matches!(sep, Some(',' | ';' | '/' | '&'));
    let mut ends = matches!(sep, Some('!' | '?'));
    let mut text = raw
        .trim_start_matches(['-', '–', '•', '·', '+', '~'])
        .to_string();
    while let Some(last) = text.chars().last() {
        if matches!(last, '.' | '-' | '%' | '#' | '+' | '~') {
            if last == '.' && !list_sep && !matches!(sep, Some(':')) {
                ends = true;
            }
            text.pop();
        } else {
            break;
        }
    }
    // `_emphasis_` in Markdown.
    if text.len() > 2
        && text.starts_with('_')
        && text.ends_with('_')
        && !text[1..text.len() - 1].contains('_')
    {
        text = text[1..text.len() - 1].to_string();
    }
    if text.is_empty() || text == "." {
        if let Some(prev) = out.last_mut().filter(|p| p.line == base.line) {
            prev.comma_after |= list_sep;
            prev.colon_after |= sep == Some(':');
            if ends && !prev.comma_after && !prev.sentence_end {
                prev.sentence_end = true;
                return true;
            }
        }
        return false;
    }
    out.push(Tok {
        text,
        comma_after: list_sep,
        colon_after: sep == Some(':'),
        sentence_end: ends,
        ..base.clone()
    });
    ends
}

// ---------------------------------------------------------------------------------------------
// Word classes

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    Never,
    Plain,
    Weak,
    Strong,
}

/// Function words of Bokmål, Nynorsk and English (ASCII only: the rest drop out anyway).
const STOPWORDS: &[&str] = &[
    "og",
    "er",
    "en",
    "ein",
    "ei",
    "et",
    "eit",
    "som",
    "for",
    "til",
    "av",
    "med",
    "den",
    "det",
    "de",
    "dei",
    "du",
    "vi",
    "eg",
    "jeg",
    "ikke",
    "ikkje",
    "blir",
    "vert",
    "bli",
    "brukes",
    "brukast",
    "brukt",
    "brukte",
    "bruker",
    "brukar",
    "bruk",
    "har",
    "kan",
    "skal",
    "vil",
    "om",
    "denne",
    "dette",
    "desse",
    "disse",
    "etter",
    "fra",
    "eller",
    "men",
    "samt",
    "sin",
    "sitt",
    "sine",
    "seg",
    "oss",
    "deg",
    "dere",
    "dykk",
    "var",
    "hvor",
    "kor",
    "kva",
    "hva",
    "hvis",
    "viss",
    "dersom",
    "ved",
    "under",
    "over",
    "mellom",
    "inn",
    "ut",
    "opp",
    "ned",
    "alle",
    "andre",
    "annen",
    "anna",
    "noen",
    "nokre",
    "mer",
    "meir",
    "mest",
    "bare",
    "berre",
    "hver",
    "kvar",
    "slik",
    "der",
    "her",
    "da",
    "no",
    "nye",
    "ny",
    "mm",
    "osv",
    "dvs",
    "bl",
    "jf",
    "jfr",
    "ca",
    "evt",
    "etc",
    "the",
    "a",
    "an",
    "and",
    "or",
    "of",
    "to",
    "in",
    "is",
    "are",
    "be",
    "by",
    "on",
    "with",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "as",
    "at",
    "from",
    "we",
    "you",
    "our",
    "your",
    "they",
    "their",
    "not",
    "can",
    "will",
    "may",
    "used",
    "use",
    "uses",
    "set",
    "sets",
    "which",
    "when",
    "how",
    "what",
    "if",
    "eg",
    "ie",
    "per",
    "also",
    "all",
    "any",
    "some",
    "more",
    "was",
    "were",
    "has",
    "have",
    "than",
    "then",
    "there",
    "merk",
    "viktig",
    "obs",
    "nb",
    "ps",
    "note",
    "important",
    "warning",
    "tips",
    "info",
];

/// Words that introduce a name right after them.
const NAMING: &[&str] = &[
    "informasjonskapselen",
    "informasjonskapsel",
    "kapselen",
    "kapsel",
    "cookien",
    "cookie",
    "heter",
    "heiter",
    "kalt",
    "kalla",
    "kalles",
    "kallast",
    "called",
    "named",
    "navn",
    "namn",
    "name",
    "navnet",
    "namnet",
];

/// Verbs that start a definition ("X er ein informasjonskapsel", "X is a cookie").
const DEFINING: &[&str] = &["er", "is", "are", "blir", "vert", "was"];

const CONJUNCTIONS: &[&str] = &["og", "and", "eller", "or", "samt"];

/// Parts of technical words that make them cookie names.
const NAME_PARTS: &[&str] = &[
    "sessid",
    "sessionid",
    "session",
    "cookie",
    "token",
    "xsrf",
    "csrf",
    "consent",
    "key",
];

fn is_conjunction(word: &str) -> bool {
    CONJUNCTIONS.contains(&word.to_ascii_lowercase().as_str())
}

fn is_stopword(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    STOPWORDS.contains(&lower.as_str())
}

/// A cookie noun: informasjonskapsel…, kapsel…, cookie… (also in compounds), written as a word.
fn is_cookie_word(word: &str) -> bool {
    if !word.chars().all(|c| c.is_alphabetic() || c == '-')
        || word.chars().skip(1).any(char::is_uppercase)
    {
        return false;
    }
    let lower = word.to_lowercase();
    const KAPSEL: &[&str] = &[
        "kapsel", "kapselen", "kapsler", "kapslar", "kapslene", "kapslane", "kapslen",
    ];
    lower.contains("informasjonskaps")
        || lower.contains("cookie")
        || lower.starts_with("kapsel")
        || lower.starts_with("kapsl")
        || KAPSEL.iter().any(|k| lower.ends_with(k))
}

fn is_host(t: &str) -> bool {
    if t.starts_with('.') || !t.contains('.') || t.contains('_') {
        return false;
    }
    let labels: Vec<&str> = t.split('.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    labels
        .iter()
        .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && (2..=13).contains(&tld.len())
        && tld.chars().all(|c| c.is_ascii_lowercase())
        && !t.chars().skip(1).any(|c| c.is_ascii_uppercase())
}

fn is_ip_like(t: &str) -> bool {
    t.split('.')
        .filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()))
        .count()
        >= 2
}

fn is_abbreviation(t: &str) -> bool {
    t.contains('.')
        && !t.starts_with('.')
        && t.split('.')
            .all(|l| l.len() <= 4 && l.chars().all(|c| c.is_ascii_lowercase()))
}

/// A value rather than a name: a long run of letters and digits mixed without structure.
fn is_value_like(t: &str) -> bool {
    if !t.chars().all(|c| c.is_ascii_alphanumeric()) || t.len() < 12 {
        return false;
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if digits == 0 || digits == t.len() {
        return false;
    }
    let bytes = t.as_bytes();
    let digit_runs = (0..bytes.len())
        .filter(|&i| bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()))
        .count();
    digit_runs >= 3 || (t.len() >= 16 && t.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A compound whose last part is an ordinary lower-case word (`ID-porten`, `PC-en`).
fn is_word_compound(t: &str) -> bool {
    if t.contains('_') {
        return false;
    }
    match t.rsplit_once('-') {
        Some((head, tail)) => {
            !head.is_empty() && tail.len() >= 2 && tail.chars().all(|c| c.is_ascii_lowercase())
        }
        None => false,
    }
}

fn shape(t: &str) -> Shape {
    if !t.is_ascii()
        || t.len() < 2
        || !t.chars().any(|c| c.is_ascii_alphabetic())
        || is_host(t)
        || is_ip_like(t)
        || is_abbreviation(t)
        || is_value_like(t)
        || is_cookie_word(t)
        || is_word_compound(t)
    {
        return Shape::Never;
    }
    let inner_upper = t.chars().skip(1).any(|c| c.is_ascii_uppercase());
    let digit = t.chars().any(|c| c.is_ascii_digit());
    let lower = t.to_ascii_lowercase();
    let wild = t.contains('*')
        || t.contains('<') && t.contains('>')
        || t.contains('[') && t.contains(']')
        || t.contains('{') && t.contains('}');
    let leading_dot = t.starts_with('.') && t[1..].starts_with(|c: char| c.is_ascii_alphabetic());
    let name_part = (inner_upper || digit)
        && NAME_PARTS
            .iter()
            .any(|p| lower.contains(p) && lower.as_str() != *p);
    if t.contains('_') || leading_dot || wild || name_part {
        return Shape::Strong;
    }
    if inner_upper || digit || t.contains('.') || t.contains('-') || t.contains('$') {
        return Shape::Weak;
    }
    if is_stopword(t) {
        return Shape::Never;
    }
    Shape::Plain
}

/// The comparison key for names: lower case, dots and spaces trimmed at the ends.
fn name_key(name: &str) -> String {
    name.trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_lowercase()
}

/// Letters and digits only, lower case (`ID-porten` → `idporten`).
fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Services

/// A mention of a service in the text.
#[derive(Debug, Clone)]
struct Mention<'a> {
    service: &'a KnownService,
    written: String,
    line: usize,
}

struct ServiceIndex<'a> {
    /// Normalised name (or name part, or id) → service.
    keys: HashMap<String, &'a KnownService>,
    /// Keys of seven characters or more by first character, for one-letter-off matches.
    long: HashMap<char, Vec<(String, &'a KnownService)>>,
}

impl<'a> ServiceIndex<'a> {
    fn new(base: &'a KnowledgeBase) -> ServiceIndex<'a> {
        let mut keys = HashMap::new();
        for s in base.services() {
            let mut forms = vec![s.name.clone(), s.id.clone()];
            forms.extend(s.name.split(['(', ')', '/', ',', '|']).map(str::to_string));
            for form in forms {
                let key = normalise(&form);
                if key.len() >= 3 && !is_cookie_word(&key) {
                    keys.entry(key).or_insert(s);
                }
            }
        }
        let mut long: HashMap<char, Vec<(String, &'a KnownService)>> = HashMap::new();
        for (k, s) in &keys {
            if let Some(first) = k.chars().next().filter(|_| k.chars().count() >= 7) {
                long.entry(first).or_default().push((k.clone(), *s));
            }
        }
        ServiceIndex { keys, long }
    }

    /// The service a word (or a few words run together) names, exactly or one letter off.
    fn find(&self, words: &str) -> Option<&'a KnownService> {
        let key = normalise(words);
        if key.len() < 3 {
            return None;
        }
        if let Some(s) = self.keys.get(&key) {
            return Some(s);
        }
        let n = key.chars().count();
        if n < 7 {
            return None;
        }
        self.long
            .get(&key.chars().next()?)?
            .iter()
            .filter(|(k, _)| k.chars().count().abs_diff(n) <= 1)
            .find(|(k, _)| edit_distance(k, &key) <= 1)
            .map(|(_, s)| *s)
    }

    /// Every mention of a known service, in text order. Product names are written with
    /// capitals; an all-lower-case word counts only inside a host name (`player.vimeo.com`), so
    /// that ordinary words that happen to name a product (`drift`) do not.
    fn mentions(&self, text: &str) -> Vec<Mention<'a>> {
        let mut out = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let words = words_at(line);
            let mut i = 0;
            while i < words.len() {
                let mut step = 1;
                for len in (1..=3).rev() {
                    if i + len > words.len() {
                        continue;
                    }
                    let (start, end) = (words[i].0, words[i + len - 1].1);
                    let window = &line[start..end];
                    if len == 1 && is_cookie_word(window) {
                        continue;
                    }
                    let lower = !window.chars().any(char::is_uppercase);
                    let in_host = line[..start].ends_with(['.', '/'])
                        || line[end..].starts_with('.')
                            && line[end + 1..].starts_with(|c: char| c.is_ascii_alphanumeric());
                    if lower && !in_host {
                        continue;
                    }
                    if let Some(s) = self.find(window) {
                        out.push(Mention {
                            service: s,
                            written: window.to_string(),
                            line: n,
                        });
                        step = len;
                        break;
                    }
                }
                i += step;
            }
        }
        out
    }
}

/// The words of a line (runs of letters and digits) with their byte ranges.
fn words_at(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, line.len()));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Scoring

/// What the knowledge base says of a word.
#[derive(Debug, Clone)]
enum Kb<'a> {
    None,
    Exact(&'a KnownCookie),
    /// The same name with a leading dot added or removed.
    Dot(&'a KnownCookie),
    Miss(NearMiss<'a>),
}

impl<'a> Kb<'a> {
    fn entry(&self) -> Option<&'a KnownCookie> {
        match self {
            Kb::None => None,
            Kb::Exact(e) | Kb::Dot(e) => Some(e),
            Kb::Miss(m) => Some(m.entry),
        }
    }

    fn points(&self, shape: Shape) -> i32 {
        let plain = shape == Shape::Plain;
        match self {
            Kb::None => 0,
            Kb::Exact(_) | Kb::Dot(_) if plain => 2,
            Kb::Exact(_) | Kb::Dot(_) => 3,
            Kb::Miss(m) => match m.kind {
                MissKind::KnownAlias => 3,
                MissKind::Case if plain => 1,
                MissKind::Case | MissKind::Underscores | MissKind::Truncated => 2,
                MissKind::Spelling if plain => 0,
                MissKind::Spelling => 1,
            },
        }
    }
}

/// A word weighed.
#[derive(Debug, Clone)]
struct Candidate<'a> {
    tok: usize,
    shape: Shape,
    kb: Kb<'a>,
    ctx: bool,
    score: i32,
}

struct Scorer<'d, 'a> {
    doc: &'d Doc,
    base: &'a KnowledgeBase,
    services: &'d ServiceIndex<'a>,
    mention_lines: Vec<(&'a str, usize)>,
    kb_cache: HashMap<String, Kb<'a>>,
}

const THRESHOLD: i32 = 4;
const ALONE: i32 = 6;

impl<'a> Scorer<'_, 'a> {
    fn run(&mut self) -> Vec<Candidate<'a>> {
        let mut cands: Vec<Candidate<'a>> = (0..self.doc.toks.len())
            .filter_map(|i| self.weigh(i))
            .collect();
        let taken = |c: &Candidate| c.score >= THRESHOLD && (c.ctx || c.score >= ALONE);
        // Second pass: members of an enumeration where another member was taken.
        let first_pass: HashSet<usize> = cands
            .iter()
            .filter(|c| taken(c) && (c.shape >= Shape::Weak || !matches!(c.kb, Kb::None)))
            .map(|c| c.tok)
            .collect();
        for c in &mut cands {
            if c.ctx && !first_pass.contains(&c.tok) {
                let run = self.enumeration(c.tok);
                if run.iter().any(|i| *i != c.tok && first_pass.contains(i)) {
                    c.score += 2;
                }
            }
        }
        cands.retain(taken);
        cands
    }

    fn kb(&mut self, word: &str, shape: Shape) -> Kb<'a> {
        if let Some(hit) = self.kb_cache.get(word) {
            return hit.clone();
        }
        let base = self.base;
        let hit = if let Some(e) = base.lookup(word, None) {
            Kb::Exact(e)
        } else if let Some(e) = match word.strip_prefix('.') {
            Some(bare) => base.lookup(bare, None),
            None => base.lookup(&format!(".{word}"), None),
        } {
            Kb::Dot(e)
        } else if let Some(m) = if shape == Shape::Plain {
            nearmiss::suggest_strict(base, word)
        } else {
            nearmiss::suggest(base, word)
        } {
            Kb::Miss(m)
        } else {
            Kb::None
        };
        self.kb_cache.insert(word.to_string(), hit.clone());
        hit
    }

    fn weigh(&mut self, i: usize) -> Option<Candidate<'a>> {
        let doc = self.doc;
        let tok = &doc.toks[i];
        if tok.link {
            return None;
        }
        let line = &doc.lines[tok.line];
        if line.header {
            return None;
        }
        let mut shape = shape(&tok.text);
        let compound = shape == Shape::Never && is_word_compound(&tok.text);
        if shape == Shape::Never && !compound {
            return None;
        }
        let ctx = self.context(i);
        let table = self.table_points(i);
        // Words without any context can only be taken on strong shape and base knowledge.
        if !ctx && shape != Shape::Strong {
            return None;
        }
        let kb = self.kb(&tok.text, shape);
        if compound {
            // `cookie-consent` may be a real name; `ID-porten` is not.
            match kb {
                Kb::Exact(_) => shape = Shape::Weak,
                _ => return None,
            }
        }
        if self.example_value(i) {
            return None;
        }
        if !matches!(kb, Kb::Exact(_) | Kb::Dot(_)) && self.services.find(&tok.text).is_some() {
            return None;
        }
        if !matches!(kb, Kb::Exact(_) | Kb::Dot(_)) {
            if let Some((head, _)) = tok.text.split_once('-') {
                if self.services.find(head).is_some() {
                    return None;
                }
            }
        }
        let mut score = match shape {
            Shape::Strong => 3,
            Shape::Weak => 1,
            _ => 0,
        };
        score += kb.points(shape);
        score += i32::from(ctx);
        score += table;
        score += self.label_points(i, shape);
        score += self.pattern_points(i);
        if let Some(entry) = kb.entry() {
            if self
                .mention_lines
                .iter()
                .any(|(id, l)| *id == entry.service && l.abs_diff(tok.line) <= 2)
            {
                score += 1;
            }
        }
        Some(Candidate {
            tok: i,
            shape,
            kb,
            ctx,
            score,
        })
    }

    /// A cookie noun near the word: in its sentence or a neighbouring one; for a label (a short
    /// line, a `NAME:` line head or a table row), in the line or the lines next to it.
    fn context(&self, i: usize) -> bool {
        let doc = self.doc;
        let tok = &doc.toks[i];
        let line = &doc.lines[tok.line];
        if line.cookie_table || line.name_col.is_some() && tok.cell == line.name_col {
            return true;
        }
        let s = tok.sentence;
        if (s.saturating_sub(2)..=s + 2).any(|n| line.cookie_sentences.contains(&n)) {
            return true;
        }
        if line.bullet && line.list_intro_cookie_word {
            return true;
        }
        if self.is_label(i) {
            return line.cookie_word || line.neighbour_cookie_word;
        }
        false
    }

    /// A short line of names, a `NAME:` at the head of a line, or the first cell of a row.
    fn is_label(&self, i: usize) -> bool {
        let doc = self.doc;
        let tok = &doc.toks[i];
        let line = &doc.lines[tok.line];
        let head = line.first == i;
        line.words <= 4
            || head && tok.colon_after
            || tok.cell == Some(0) && doc.lines[tok.line].table_row
    }

    /// A label scores one; a technical word heading a line that speaks of a cookie
    /// (`SERVERID: … kapselen …`) is a definition and scores two.
    fn label_points(&self, i: usize, shape: Shape) -> i32 {
        let doc = self.doc;
        let tok = &doc.toks[i];
        let head = doc
            .line_toks(tok.line)
            .first()
            .is_some_and(|t| std::ptr::eq(t, tok));
        let line = &doc.lines[tok.line];
        if head && tok.colon_after && shape >= Shape::Weak && line.cookie_word {
            return 2;
        }
        i32::from(self.is_label(i))
    }

    /// A cell in a table's name column: strong evidence when it holds a name or a list of them.
    fn table_points(&self, i: usize) -> i32 {
        let doc = self.doc;
        let tok = &doc.toks[i];
        let line = &doc.lines[tok.line];
        if line.name_col.is_none() || tok.cell != line.name_col {
            return 0;
        }
        if line.name_cell_listed {
            3
        } else {
            1
        }
    }

    /// A naming word before the token, or a definition after it.
    fn pattern_points(&self, i: usize) -> i32 {
        let toks = &self.doc.toks;
        let tok = &toks[i];
        let same = |j: usize| toks[j].line == tok.line && toks[j].cell == tok.cell;
        let mut points = 0;
        if i > 0 && same(i - 1) && !toks[i - 1].sentence_end && !toks[i - 1].comma_after {
            let prev = toks[i - 1].text.to_lowercase();
            if NAMING.contains(&prev.as_str()) && !is_stopword(&tok.text) {
                points += 2;
            }
        }
        if !tok.sentence_end && i + 1 < toks.len() && same(i + 1) {
            let next = toks[i + 1].text.to_lowercase();
            if DEFINING.contains(&next.as_str()) {
                let mut j = i + 1;
                while j < toks.len() && j <= i + 6 && same(j) {
                    if is_cookie_word(&toks[j].text) {
                        points += 2;
                        break;
                    }
                    if toks[j].sentence_end {
                        break;
                    }
                    j += 1;
                }
            }
        }
        points
    }

    /// An example value: right after "verdi"/"value" ("Eksempel på verdi: l05auc…").
    fn example_value(&self, i: usize) -> bool {
        let toks = &self.doc.toks;
        (i.saturating_sub(2)..i).any(|j| {
            toks[j].line == toks[i].line
                && matches!(
                    toks[j].text.to_lowercase().as_str(),
                    "verdi" | "verdien" | "value" | "values" | "verdiar" | "verdier"
                )
        })
    }

    /// The tokens of the list ("A, B og C") that token `i` belongs to.
    fn enumeration(&self, i: usize) -> Vec<usize> {
        let toks = &self.doc.toks;
        let conj = |j: usize| is_conjunction(&toks[j].text);
        let same = |a: usize, b: usize| {
            toks[a].line == toks[b].line && toks[a].cell == toks[b].cell && !toks[a].sentence_end
        };
        // The item after `j` in a list, if `j` is followed by a separator.
        let next = |j: usize| -> Option<usize> {
            if toks[j].comma_after && j + 1 < toks.len() && same(j, j + 1) {
                let k = j + 1;
                // "A, B, og C"
                if conj(k) && k + 1 < toks.len() && same(k, k + 1) {
                    return Some(k + 1);
                }
                return Some(k);
            }
            if j + 2 < toks.len() && same(j, j + 1) && conj(j + 1) && same(j + 1, j + 2) {
                return Some(j + 2);
            }
            None
        };
        // Lists longer than this are no cookie enumerations; the bound keeps hostile input linear.
        const LONGEST: usize = 64;
        let mut start = i;
        for _ in 0..LONGEST {
            match (start.saturating_sub(2)..start)
                .rev()
                .find(|&p| next(p) == Some(start))
            {
                Some(prev) => start = prev,
                None => break,
            }
        }
        let mut run = vec![start];
        let mut at = start;
        while let Some(n) = next(at).filter(|_| run.len() < 2 * LONGEST) {
            run.push(n);
            at = n;
        }
        run
    }
}

fn collect<'a>(
    doc: &Doc,
    cands: Vec<Candidate<'a>>,
    mentions: Vec<Mention<'a>>,
    base: &'a KnowledgeBase,
) -> Extraction<'a> {
    let mut seen = HashSet::new();
    let mut names: Vec<FoundName<'a>> = Vec::new();
    let mut services: Vec<(usize, FoundService<'a>)> = Vec::new();
    fn slot<'a>(
        services: &mut Vec<(usize, FoundService<'a>)>,
        s: &'a KnownService,
        line: usize,
    ) -> usize {
        match services.iter().position(|(_, f)| f.service.id == s.id) {
            Some(p) => {
                services[p].0 = services[p].0.min(line);
                p
            }
            None => {
                services.push((
                    line,
                    FoundService {
                        service: s,
                        mentioned_as: Vec::new(),
                        cookies: Vec::new(),
                    },
                ));
                services.len() - 1
            }
        }
    }
    for m in &mentions {
        let p = slot(&mut services, m.service, m.line);
        let list = &mut services[p].1.mentioned_as;
        if !list.iter().any(|w| w.eq_ignore_ascii_case(&m.written)) {
            list.push(m.written.clone());
        }
    }
    for c in cands {
        let tok = &doc.toks[c.tok];
        if !seen.insert(name_key(&tok.text)) {
            continue;
        }
        let entry = match c.kb {
            Kb::Exact(e) => Some(e),
            _ => None,
        };
        let near_miss = match c.kb {
            Kb::Exact(_) => None,
            // The strict search used for ordinary words stops where the full one would.
            Kb::Miss(m) => Some(m),
            _ => nearmiss::suggest(base, &tok.text),
        };
        let found = FoundName {
            name: tok.text.clone(),
            line: tok.line + 1,
            entry,
            near_miss,
        };
        if let Some(s) = found.known().and_then(|k| base.service(&k.service)) {
            let p = slot(&mut services, s, tok.line);
            services[p].1.cookies.push(found.name.clone());
        }
        names.push(found);
    }
    services.sort_by_key(|(line, _)| *line);
    Extraction {
        names,
        services: services.into_iter().map(|(_, s)| s).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            <table><tr><th>Navn</th><th>Form&aring;l</th></tr><tr><td>_ga</td><td>Statistikk</td></tr></table>\
            <!-- <p>hidden</p> --></body></html>";
        assert_eq!(
            html_to_text(html),
            "Hei på deg & meg åå\n• en\n• to\nNavn\tFormål\n_ga\tStatistikk\n"
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
