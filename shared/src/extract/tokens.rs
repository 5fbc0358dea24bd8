//! Stage 3, tokens: the rows the structure stage found, cut into words that know where they
//! stand (row, cell, paragraph, sentence, the separator after them).
//!
//! # Approach
//! A row's cells are split into words; URLs and e-mail addresses are set aside whole; a word is
//! cut at characters a cookie name cannot hold (`,;:()"/` and friends) but keeps `_ . - * $ %`
//! and placeholders attached to a name (`_ga_<container-id>`). A dot alone before a word is
//! joined to it (`. EPiServerLogin` → `.EPiServerLogin`). Sentences are counted through a
//! paragraph, across the line breaks of running text, so that "brukar informasjonskapselen" at
//! the end of one line still names the word that starts the next. Each row then learns, in two
//! linear sweeps, whether a neighbouring row or the sentence introducing its list speaks of
//! cookies.

use std::collections::HashSet;

use super::shape::{is_conjunction, is_cookie_word};
use super::structure::rows;

/// A word of the text, with what surrounds it.
#[derive(Debug, Clone, Default)]
pub(super) struct Tok {
    pub(super) text: String,
    /// The row (index into `Doc::lines`).
    pub(super) line: usize,
    /// The line of the text (from 0) where the word stands.
    pub(super) src_line: usize,
    /// The paragraph: words of one paragraph (or one row's cell) are read together.
    pub(super) para: usize,
    /// Table cell index, for table rows.
    pub(super) cell: Option<usize>,
    /// Sentence number within the paragraph.
    pub(super) sentence: usize,
    /// A URL or e-mail address: a word, never a name.
    pub(super) link: bool,
    /// Followed by a list separator (`,`, `;`, `/`, `&`).
    pub(super) comma_after: bool,
    /// Followed by `:`.
    pub(super) colon_after: bool,
    /// Ends a sentence.
    pub(super) sentence_end: bool,
}

/// A row as the evidence stage reads it.
#[derive(Debug, Default)]
pub(super) struct Line {
    /// Indices into `Doc::toks`.
    pub(super) first: usize,
    pub(super) end: usize,
    pub(super) cookie_word: bool,
    /// For a table row or a label: the cell of names.
    pub(super) name_col: Option<usize>,
    /// Names in the name cell are cookies by their place.
    pub(super) cookie_table: bool,
    pub(super) table_row: bool,
    pub(super) header: bool,
    /// A list item (`•`, `-`, `*`, `1.` at the start).
    pub(super) bullet: bool,
    /// Words other than conjunctions.
    pub(super) words: usize,
    /// The name cell holds one name or a list of them (not a phrase).
    pub(super) name_cell_listed: bool,
    /// The nearest line with words above or below speaks of cookies.
    pub(super) neighbour_cookie_word: bool,
    /// A list item whose list is introduced by a line that speaks of cookies.
    pub(super) list_intro_cookie_word: bool,
}

#[derive(Debug, Default)]
pub(super) struct Doc {
    pub(super) toks: Vec<Tok>,
    pub(super) lines: Vec<Line>,
    /// (paragraph, sentence) pairs that hold a cookie noun.
    pub(super) cookie_sentences: HashSet<(usize, usize)>,
}

impl Doc {
    pub(super) fn parse(text: &str) -> Doc {
        let mut doc = Doc::default();
        // The paragraph of the last row, and the sentence it ended in.
        let mut last_para: Option<(usize, usize)> = None;
        for (n, row) in rows(text).into_iter().enumerate() {
            let first = doc.toks.len();
            let mut sentence = match last_para {
                Some((p, s)) if p == row.para && !row.table => s,
                _ => 0,
            };
            for (c, cell) in row.cells.iter().enumerate() {
                let at = Place {
                    line: n,
                    src_line: cell.line,
                    para: row.para,
                    cell: row.table.then_some(c),
                };
                let end = tokenize(&cell.text, &at, sentence, &mut doc.toks);
                if !row.table {
                    sentence = end;
                }
            }
            last_para = Some((row.para, sentence));
            let end = doc.toks.len();
            let mut line = Line {
                first,
                end,
                bullet: row.bullet,
                table_row: row.table,
                header: row.header,
                name_col: row.name_col.filter(|_| row.cookie_place),
                cookie_table: row.cookie_place,
                ..Line::default()
            };
            line.words = doc.toks[first..end]
                .iter()
                .filter(|t| !is_conjunction(&t.text))
                .count();
            for t in &doc.toks[first..end] {
                if is_cookie_word(&t.text) {
                    line.cookie_word = true;
                    doc.cookie_sentences.insert((t.para, t.sentence));
                }
            }
            let cell: Vec<&Tok> = doc.toks[first..end]
                .iter()
                .filter(|t| t.cell.is_some() && t.cell == line.name_col)
                .collect();
            line.name_cell_listed = cell.len() == 1
                || cell.windows(2).all(|w| {
                    w[0].comma_after || is_conjunction(&w[0].text) || is_conjunction(&w[1].text)
                });
            doc.lines.push(line);
        }
        doc.link_lines();
        doc
    }

    /// Fills in what each line learns from the lines around it, in two linear sweeps.
    pub(super) fn link_lines(&mut self) {
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

    pub(super) fn line_toks(&self, line: usize) -> &[Tok] {
        let l = &self.lines[line];
        &self.toks[l.first..l.end]
    }
}

/// Where a run of text stands.
pub(super) struct Place {
    line: usize,
    src_line: usize,
    para: usize,
    cell: Option<usize>,
}

pub(super) fn is_link(chunk: &str) -> bool {
    let c = chunk.trim_start_matches(['(', '[', '<', '"', '\'', '«', '“']);
    let lower = c.to_ascii_lowercase();
    lower.contains("://")
        || lower.starts_with("www.")
        || lower.starts_with("mailto:")
        || lower
            .find('@')
            .is_some_and(|at| at > 0 && lower[at..].contains('.'))
}

pub(super) fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '*' | '$' | '%' | '#' | '+' | '~')
}

/// Splits a line (or a cell) into words, appending to `out`, counting sentences from
/// `sentence`; returns the sentence it ends in.
pub(super) fn tokenize(segment: &str, at: &Place, sentence: usize, out: &mut Vec<Tok>) -> usize {
    let chunks: Vec<&str> = segment.split_whitespace().collect();
    let start = out.len();
    let mut sentence = sentence;
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
            line: at.line,
            src_line: at.src_line,
            para: at.para,
            cell: at.cell,
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
    sentence
}

/// Pushes the word collected so far; returns whether it ended a sentence.
pub(super) fn flush(piece: &mut String, sep: Option<char>, base: &Tok, out: &mut Vec<Tok>) -> bool {
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
