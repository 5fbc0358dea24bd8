//! Stage 4, evidence: every word weighed on independent pieces of evidence.
//!
//! # Approach
//! No single rule separates names from the technical words around them, so each word collects
//! points:
//! - **Place** (from the structure stage): a cell in a table's name column, a heading the
//!   statement gives a cookie, a definition-list term, the head of a `NAME: purpose` line or
//!   list item in a run of them under a sentence about cookies. A name there is a cookie
//!   because of where it stands, known or not.
//! - **Shape** ([`super::shape`]): strong, weak or plain.
//! - **Knowledge base**: an exact match (also with a leading dot added or removed) counts much;
//!   a near miss ([`crate::nearmiss`]) counts by its kind — a recorded misspelling or a missing
//!   underscore much, a case difference on an ordinary word little (`ide` is a Norwegian word,
//!   `IDE` a cookie). It is one piece of evidence, never a requirement.
//! - **Context**: a cookie noun (informasjonskapsel…, kapsel…, cookie…, kaka…) within two
//!   sentences of the word in its paragraph; for a short label line, the line before or after;
//!   for a list item, the line that introduces the list; for a table row, a header that names
//!   cookies.
//! - **Patterns**: a naming word before the word ("informasjonskapselen editlanguagebranch",
//!   "heiter X", "called X"); a definition after it ("Datr er ein … informasjonskapsel", "X is a
//!   … cookie"); the cookie's own service named nearby ("Fr og sb blir brukte av Facebook").
//!
//! Against: an example value (right after "verdi"/"value"), a word that names a service, a word
//! of a compound whose head names a service.

use std::collections::HashMap;

use super::services::ServiceIndex;
use super::shape::{
    is_cookie_word, is_stopword, is_word_compound, shape, shape_in_name_cell, Shape, DEFINING,
    NAMING,
};
use super::tokens::Doc;
use crate::knowledge::{KnowledgeBase, KnownCookie};
use crate::nearmiss::{self, MissKind, NearMiss};

/// What the knowledge base says of a word.
#[derive(Debug, Clone)]
pub(super) enum Kb<'a> {
    None,
    Exact(&'a KnownCookie),
    /// The same name with a leading dot added or removed.
    Dot(&'a KnownCookie),
    /// The stem of a family (`_pk_id` for `_pk_id.*`).
    Family(&'a KnownCookie),
    Miss(NearMiss<'a>),
}

impl<'a> Kb<'a> {
    pub(super) fn entry(&self) -> Option<&'a KnownCookie> {
        match self {
            Kb::None => None,
            Kb::Exact(e) | Kb::Dot(e) | Kb::Family(e) => Some(e),
            Kb::Miss(m) => Some(m.entry),
        }
    }

    pub(super) fn points(&self, shape: Shape) -> i32 {
        let plain = shape == Shape::Plain;
        match self {
            Kb::None => 0,
            Kb::Exact(_) | Kb::Dot(_) | Kb::Family(_) if plain => 2,
            Kb::Exact(_) | Kb::Dot(_) | Kb::Family(_) => 3,
            Kb::Miss(m) => match m.kind {
                MissKind::KnownAlias => 3,
                MissKind::Case if plain => 1,
                // `Analytics` is no cut-off `AnalyticsSyncHistory`.
                MissKind::Truncated if plain => 0,
                MissKind::Case | MissKind::Underscores | MissKind::Truncated => 2,
                MissKind::Spelling if plain => 0,
                MissKind::Spelling => 1,
            },
        }
    }
}

/// A word weighed.
#[derive(Debug, Clone)]
pub(super) struct Candidate<'a> {
    pub(super) tok: usize,
    pub(super) shape: Shape,
    pub(super) kb: Kb<'a>,
    pub(super) ctx: bool,
    pub(super) score: i32,
}

pub(super) struct Scorer<'d, 'a> {
    pub(super) doc: &'d Doc,
    pub(super) base: &'a KnowledgeBase,
    pub(super) services: &'d ServiceIndex<'a>,
    pub(super) mention_lines: Vec<(&'a str, usize)>,
    pub(super) kb_cache: HashMap<String, Kb<'a>>,
}

impl<'a> Scorer<'_, 'a> {
    pub(super) fn kb(&mut self, word: &str, shape: Shape) -> Kb<'a> {
        if let Some(hit) = self.kb_cache.get(word) {
            return hit.clone();
        }
        let base = self.base;
        let hit = if let Some(e) = base.lookup(word, None) {
            Kb::Exact(e)
        } else if let Some(e) = base.family(word) {
            Kb::Family(e)
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

    pub(super) fn weigh(&mut self, i: usize) -> Option<Candidate<'a>> {
        let doc = self.doc;
        let tok = &doc.toks[i];
        if tok.link {
            return None;
        }
        let line = &doc.lines[tok.line];
        if line.header {
            return None;
        }
        let in_name_cell = line.name_col.is_some() && tok.cell == line.name_col;
        let mut shape = if in_name_cell {
            shape_in_name_cell(&tok.text)
        } else {
            shape(&tok.text)
        };
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
        let exact = matches!(kb, Kb::Exact(_) | Kb::Dot(_) | Kb::Family(_));
        if !exact && shape == Shape::Plain && self.services.is_name_word(&tok.text) {
            return None;
        }
        if !exact && self.services.find(&tok.text).is_some() {
            return None;
        }
        // `Vimeo-spelaren`, `idporten-innlogging` in prose; in a name cell the place wins.
        if !exact && !in_name_cell {
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
                .any(|(id, l)| *id == entry.service && l.abs_diff(tok.src_line) <= 2)
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
    pub(super) fn context(&self, i: usize) -> bool {
        let doc = self.doc;
        let tok = &doc.toks[i];
        let line = &doc.lines[tok.line];
        // In a row with a name cell, the other cells are descriptions: their words have the
        // context their own sentences give, not the table's.
        if line.name_col.is_some() && tok.cell == line.name_col
            || line.cookie_table && line.name_col.is_none()
        {
            return true;
        }
        let s = tok.sentence;
        if (s.saturating_sub(2)..=s + 2).any(|n| doc.cookie_sentences.contains(&(tok.para, n))) {
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
    pub(super) fn is_label(&self, i: usize) -> bool {
        let doc = self.doc;
        let tok = &doc.toks[i];
        let line = &doc.lines[tok.line];
        let head = line.first == i;
        line.words <= 4
            || head && tok.colon_after
            || tok.cell == Some(0) && line.table_row && line.name_col.is_none()
    }

    /// A label scores one; a technical word heading a line that speaks of a cookie
    /// (`SERVERID: … kapselen …`) is a definition and scores two.
    pub(super) fn label_points(&self, i: usize, shape: Shape) -> i32 {
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
    pub(super) fn table_points(&self, i: usize) -> i32 {
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
    pub(super) fn pattern_points(&self, i: usize) -> i32 {
        let toks = &self.doc.toks;
        let tok = &toks[i];
        let same = |j: usize| toks[j].para == tok.para && toks[j].cell == tok.cell;
        let mut points = 0;
        if i > 0 && same(i - 1) && !toks[i - 1].sentence_end && !toks[i - 1].comma_after {
            let prev = toks[i - 1].text.to_lowercase();
            // "informasjonskapselen lang", "called lang"; but "cookie policy" is a compound noun:
            // after the indefinite noun only a technical-looking word is named.
            let indefinite = matches!(
                prev.as_str(),
                "cookie" | "kapsel" | "informasjonskapsel" | "kaka"
            );
            if NAMING.contains(&prev.as_str())
                && !is_stopword(&tok.text)
                && (!indefinite || shape(&tok.text) >= Shape::Weak)
            {
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
    pub(super) fn example_value(&self, i: usize) -> bool {
        let toks = &self.doc.toks;
        (i.saturating_sub(2)..i).any(|j| {
            toks[j].para == toks[i].para
                && matches!(
                    toks[j].text.to_lowercase().as_str(),
                    "verdi" | "verdien" | "value" | "values" | "verdiar" | "verdier"
                )
        })
    }
}
