//! Stage 2, structure: the statement's lines as rows, with the place in each row where names
//! stand.
//!
//! # Approach
//! Statements put their cookie names in a few recurring structures, and a name there is a
//! cookie because of where it stands, whether any knowledge base knows it or not. This stage
//! finds them in the text (HTML has been made text with the same conventions, see
//! `super::html`) and turns each into rows of cells:
//! - **Tables**: tab-separated rows; Markdown `| a | b |` rows; columns aligned with runs of
//!   spaces under a header line (cells cut at the header's column starts, so a name that fills
//!   its column still stands apart from the next cell); a header of single-spaced header words
//!   (`Navn Beskrivelse Varighet`), whose rows give their first word to the first column; and
//!   a table flattened to one cell per line (a run of header words, one a line, then the cells
//!   in groups of as many lines).
//! - **Headings per cookie**: a heading level (Markdown `#`, or HTML `<h3>` made `### `) at
//!   which most headings are one word and one of them looks technical.
//! - **Definition lists**: terms (`dt`, or a line before a `: definition` line) that are mostly
//!   one word.
//! - **Labels**: lines and list items that start with a name or a list of names and a
//!   separator (`NAME: purpose`, `• NAME – purpose`, `- NAME (13 months)`), in a run under a
//!   sentence about cookies or whose lines state lifetimes.
//!
//! The name column of a table is found by its header words (in nb, nn, en, da, sv: `Navn`,
//! `Namn`, `Name`, `Cookie`, `Informasjonskapsel`, `Kaka`, …; a column of types or categories
//! is not one) and, without a header, by its cells' shape (the column whose cells are single
//! technical-looking words). A table, list or heading level holds cookies when its header
//! speaks of names and of purposes, lifetimes or providers, or a cookie noun stands in or just
//! before it. Everything else is running text, whose lines are joined into paragraphs.

use super::shape::{
    is_cookie_word, is_header_word, shape, Shape, NAME_HEADERS, OTHER_HEADERS, TYPE_WORDS,
};
use crate::retention::Retention;

/// A cell of a row, with the line (from 0) where its text stands.
#[derive(Debug, Clone, Default)]
pub(super) struct Cell {
    pub(super) text: String,
    pub(super) line: usize,
}

/// A row: one line of running text, a list item or a heading (one cell), or a table row or a
/// label (several cells).
#[derive(Debug, Clone, Default)]
pub(super) struct Row {
    pub(super) cells: Vec<Cell>,
    /// Cells are columns of a table (or a label and its description).
    pub(super) table: bool,
    /// A table's header row: no names.
    pub(super) header: bool,
    /// The cell that holds names.
    pub(super) name_col: Option<usize>,
    /// Names in `name_col` are cookies by their place (a cookie table, list or heading).
    pub(super) cookie_place: bool,
    /// A list item.
    pub(super) bullet: bool,
    /// Paragraph number: lines of running text without a blank line between share one.
    pub(super) para: usize,
}

fn words(cell: &str) -> Vec<String> {
    cell.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// How strongly a header cell says its column holds names: 2 a name word, 1 a cookie noun
/// alone, 0 neither (or a column of types).
fn name_header_score(cell: &str) -> u8 {
    let ws = words(cell);
    if ws.is_empty() || ws.len() > 4 || ws.iter().any(|w| TYPE_WORDS.contains(&w.as_str())) {
        return 0;
    }
    if ws.iter().any(|w| NAME_HEADERS.contains(&w.as_str())) {
        2
    } else if ws.iter().any(|w| is_cookie_word(w) || is_kaka(w)) {
        1
    } else {
        0
    }
}

/// The Swedish and Danish cookie noun as a header or a word (`Kaka`, `Kakor`).
fn is_kaka(w: &str) -> bool {
    matches!(w, "kaka" | "kakor" | "kakan" | "kakorna")
}

/// If `cells` is a table header: the column of names and whether the header speaks of cookies
/// (a cookie noun, or other columns of purposes, lifetimes or providers).
fn header(cells: &[String]) -> Option<(usize, bool)> {
    if cells.len() < 2 {
        return None;
    }
    let scores: Vec<u8> = cells.iter().map(|c| name_header_score(c)).collect();
    let best = *scores.iter().max()?;
    if best == 0 {
        return None;
    }
    let col = scores.iter().position(|s| *s == best)?;
    let others: Vec<&String> = cells
        .iter()
        .enumerate()
        .filter(|(i, c)| *i != col && !c.trim().is_empty())
        .map(|(_, c)| c)
        .collect();
    let known_others = others
        .iter()
        .filter(|c| {
            let ws = words(c);
            !ws.is_empty()
                && ws.len() <= 5
                && ws
                    .iter()
                    .any(|w| OTHER_HEADERS.contains(&w.as_str()) || is_cookie_word(w) || is_kaka(w))
        })
        .count();
    if others.is_empty() || known_others * 2 < others.len() {
        return None;
    }
    Some((col, true))
}

/// The column whose cells are single technical-looking words, for a table without a header.
fn name_column_by_shape(rows: &[Vec<String>]) -> Option<usize> {
    let width = rows.iter().map(Vec::len).max()?;
    (0..width).find(|&c| {
        let cells: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.get(c).map(String::as_str))
            .collect();
        let named = cells
            .iter()
            .filter(|t| {
                let ws: Vec<&str> = t.split_whitespace().collect();
                ws.len() == 1 && shape(ws[0].trim_matches(['`', '*'])) >= Shape::Weak
            })
            .count();
        cells.len() >= 2 && named * 3 >= cells.len() * 2
    })
}

/// Whether a text states a lifetime ("13 måneder", "Økt", "session").
pub(super) fn has_lifetime(text: &str) -> bool {
    if Retention::parse(text).is_some() {
        return true;
    }
    text.split(|c: char| !c.is_alphanumeric())
        .any(|w| Retention::parse(w).is_some_and(|r| r == Retention::Session))
}

fn has_cookie_noun(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric() && c != '-')
        .any(|w| is_cookie_word(w) || is_kaka(&w.to_lowercase()))
}

/// A Markdown heading: its level and text.
fn heading(line: &str) -> Option<(usize, &str)> {
    let t = line.trim_start();
    let level = t.chars().take_while(|c| *c == '#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let rest = &t[level..];
    rest.starts_with(' ').then(|| (level, rest.trim()))
}

/// The one word a heading, term or cell holds, without Markdown code marks; `None` for more.
fn one_word(text: &str) -> Option<&str> {
    let t = text.trim().trim_matches(['`', '*']).trim();
    (!t.is_empty() && !t.contains(char::is_whitespace)).then_some(t)
}

pub(super) fn is_bullet(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with(['•', '·', '▪', '–', '◦'])
        || (t.starts_with("- ") || t.starts_with("* "))
        || t.split_once(". ").is_some_and(|(n, _)| {
            !n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit())
        })
}

/// A line without its bullet.
fn unbulleted(line: &str) -> &str {
    let t = line.trim_start();
    if !is_bullet(t) {
        return t;
    }
    let skip = t
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(t.len(), |(i, _)| i);
    t[skip..].trim_start()
}

/// The cells of a tab or Markdown row (`Some(vec![])` for a Markdown separator row).
fn delimited_cells(line: &str) -> Option<Vec<String>> {
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

/// A label line's head (a name, or names joined by `,` `/` `og` `and`) and the rest, split at
/// the first separator (`: `, ` – `, ` - `, ` (`).
fn label(line: &str) -> Option<(&str, &str)> {
    let t = unbulleted(line);
    let seps = [": ", " – ", " — ", " - ", " (", ":\t"];
    let (at, len) = seps
        .iter()
        .filter_map(|s| t.find(s).map(|i| (i, s.len())))
        .min()?;
    let head = t[..at].trim();
    let rest = t[at + len..].trim();
    if head.is_empty() || rest.is_empty() || head.len() > 60 {
        return None;
    }
    let parts = head
        .split([',', '/'])
        .flat_map(|p| p.split(" og ").flat_map(|p| p.split(" and ")))
        .flat_map(|p| p.split(" och ").flat_map(|p| p.split(" or ")));
    let mut n = 0;
    for p in parts {
        let p = p.trim().trim_matches(['`', '*']);
        if p.is_empty() || p.contains(char::is_whitespace) {
            return None;
        }
        n += 1;
    }
    (n >= 1).then_some((head, rest))
}

/// The rows of a statement's text.
pub(super) fn rows(text: &str) -> Vec<Row> {
    let lines: Vec<&str> = text.lines().collect();
    let mut b = Builder {
        lines: &lines,
        out: Vec::new(),
        para: 0,
        heading_levels: heading_levels(&lines),
    };
    let mut i = 0;
    while i < lines.len() {
        i = b.next(i);
    }
    b.out
}

/// Heading levels at which headings name cookies: most are one word and one looks technical,
/// in a statement that speaks of cookies.
fn heading_levels(lines: &[&str]) -> Vec<usize> {
    let mut stats = [(0usize, 0usize, false); 7];
    let mut cookie_noun = false;
    for l in lines {
        match heading(l) {
            Some((level, text)) => {
                let s = &mut stats[level];
                s.0 += 1;
                if let Some(w) = one_word(text) {
                    s.1 += 1;
                    s.2 |= shape(w) >= Shape::Weak;
                }
            }
            None => cookie_noun |= has_cookie_noun(l),
        }
    }
    if !cookie_noun {
        return Vec::new();
    }
    (1..7)
        .filter(|&l| {
            let (all, one, tech) = stats[l];
            one >= 2 && one * 3 >= all * 2 && tech
        })
        .collect()
}

struct Builder<'t> {
    lines: &'t [&'t str],
    out: Vec<Row>,
    para: usize,
    heading_levels: Vec<usize>,
}

impl Builder<'_> {
    fn blank(&self, i: usize) -> bool {
        self.lines.get(i).is_none_or(|l| l.trim().is_empty())
    }

    /// Whether the lines just before `i` (a blank line skipped) speak of cookies.
    fn intro_speaks_of_cookies(&self, i: usize) -> bool {
        let mut j = i;
        let mut seen = 0;
        while j > 0 && seen < 2 {
            j -= 1;
            if self.blank(j) {
                continue;
            }
            seen += 1;
            if label(self.lines[j]).is_some() && !has_cookie_noun(self.lines[j]) {
                return false;
            }
            if has_cookie_noun(self.lines[j]) {
                return true;
            }
        }
        false
    }

    /// Adds a row that is a paragraph of its own (a table row, a heading, a term).
    fn push(&mut self, mut row: Row) {
        self.para += 1;
        row.para = self.para;
        self.para += 1;
        self.out.push(row);
    }

    fn cells_row(&mut self, cells: Vec<(String, usize)>, name_col: Option<usize>, cookie: bool) {
        self.push(Row {
            cells: cells
                .into_iter()
                .map(|(text, line)| Cell { text, line })
                .collect(),
            table: true,
            name_col,
            cookie_place: cookie && name_col.is_some(),
            ..Row::default()
        });
    }

    /// Reads the structure that starts at line `i`; returns the line after it.
    fn next(&mut self, i: usize) -> usize {
        let line = self.lines[i];
        if line.trim().is_empty() {
            self.para += 1;
            return i + 1;
        }
        if let Some(end) = self.delimited_table(i) {
            return end;
        }
        if let Some(end) = self.cell_lines(i) {
            return end;
        }
        if let Some(end) = self.aligned_table(i) {
            return end;
        }
        if let Some((level, text)) = heading(line) {
            let named = self.heading_levels.contains(&level)
                && one_word(text).is_some_and(|w| {
                    shape(w) >= Shape::Weak || self.section_describes_cookie(i + 1)
                });
            let name = one_word(text).unwrap_or(text).to_string();
            if named {
                self.cells_row(vec![(name, i)], Some(0), true);
            } else {
                self.push(Row {
                    cells: vec![Cell {
                        text: text.to_string(),
                        line: i,
                    }],
                    ..Row::default()
                });
            }
            return i + 1;
        }
        if let Some(end) = self.definition_list(i) {
            return end;
        }
        if let Some(end) = self.labels(i) {
            return end;
        }
        self.text_row(i);
        i + 1
    }

    /// Line `n` as running text or a list item.
    fn text_row(&mut self, n: usize) {
        let line = self.lines[n];
        let bullet = is_bullet(line);
        if bullet {
            self.para += 1;
        }
        let para = self.para;
        self.out.push(Row {
            cells: vec![Cell {
                text: line.to_string(),
                line: n,
            }],
            bullet,
            para,
            ..Row::default()
        });
        if bullet {
            self.para += 1;
        }
    }

    /// Whether the text after a heading (to the next heading or blank run) states a lifetime
    /// or speaks of cookies.
    fn section_describes_cookie(&self, from: usize) -> bool {
        self.lines[from.min(self.lines.len())..]
            .iter()
            .take_while(|l| heading(l).is_none())
            .take(4)
            .any(|l| has_lifetime(l) || has_cookie_noun(l))
    }

    /// Tab-separated or Markdown rows from line `i`.
    fn delimited_table(&mut self, i: usize) -> Option<usize> {
        delimited_cells(self.lines[i])?;
        let mut end = i;
        let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
        while let Some(cells) = self.lines.get(end).and_then(|l| delimited_cells(l)) {
            if !cells.is_empty() {
                rows.push((end, cells));
            }
            end += 1;
        }
        if rows.is_empty() {
            return Some(end);
        }
        let head = header(&rows[0].1);
        let intro = self.intro_speaks_of_cookies(i);
        let (name_col, cookie, body) = match head {
            Some((col, cookie)) => (Some(col), cookie, 1),
            None => {
                let cells: Vec<Vec<String>> = rows.iter().map(|r| r.1.clone()).collect();
                (name_column_by_shape(&cells), intro, 0)
            }
        };
        if head.is_some() {
            let (line, cells) = rows[0].clone();
            self.push(Row {
                header: true,
                table: true,
                cells: cells.into_iter().map(|text| Cell { text, line }).collect(),
                ..Row::default()
            });
        }
        for (line, cells) in rows.into_iter().skip(body) {
            let cells = cells.into_iter().map(|c| (c, line)).collect();
            self.cells_row(cells, name_col, cookie);
        }
        Some(end)
    }

    /// A table flattened to one cell a line: a run of header cells, one a line, then the cells
    /// in groups of as many lines, up to a blank line.
    fn cell_lines(&mut self, i: usize) -> Option<usize> {
        let mut k = 0;
        while i + k < self.lines.len() && !self.blank(i + k) && k < 8 {
            let ws = words(self.lines[i + k]);
            let is_head = !ws.is_empty()
                && ws.len() <= 3
                && ws.iter().all(|w| {
                    NAME_HEADERS.contains(&w.as_str())
                        || OTHER_HEADERS.contains(&w.as_str())
                        || is_cookie_word(w)
                        || is_kaka(w)
                });
            if !is_head {
                break;
            }
            k += 1;
        }
        if k < 2 {
            return None;
        }
        let heads: Vec<String> = (0..k)
            .map(|j| self.lines[i + j].trim().to_string())
            .collect();
        let (col, cookie) = header(&heads)?;
        let mut end = i + k;
        let mut groups = Vec::new();
        while end + k <= self.lines.len() && (end..end + k).all(|j| !self.blank(j)) {
            groups.push(end);
            end += k;
        }
        if groups.is_empty() {
            return None;
        }
        self.push(Row {
            header: true,
            table: true,
            cells: heads
                .into_iter()
                .enumerate()
                .map(|(j, text)| Cell { text, line: i + j })
                .collect(),
            ..Row::default()
        });
        for g in groups {
            let cells = (0..k)
                .map(|j| (self.lines[g + j].trim().to_string(), g + j))
                .collect();
            self.cells_row(cells, Some(col), cookie);
        }
        Some(end)
    }

    /// Columns aligned with spaces under a header line, up to a blank line.
    fn aligned_table(&mut self, i: usize) -> Option<usize> {
        let line = self.lines[i];
        // The header's cells and where they start.
        let mut starts: Vec<(usize, String)> = Vec::new();
        let spaced = line.trim_end().contains("  ");
        if spaced {
            let mut at = 0;
            for part in line.split("  ") {
                if !part.trim().is_empty() {
                    let lead = part.len() - part.trim_start().len();
                    starts.push((at + lead, part.trim().to_string()));
                }
                at += part.len() + 2;
            }
        } else {
            let ws: Vec<&str> = line.split_whitespace().collect();
            if ws.len() < 2 || ws.len() > 6 || !ws.iter().all(|w| is_header_word(w)) {
                return None;
            }
            starts = ws.iter().map(|w| (0, (*w).to_string())).collect();
        }
        let heads: Vec<String> = starts.iter().map(|(_, t)| t.clone()).collect();
        let (col, cookie) = header(&heads)?;
        if !spaced && col != 0 {
            return None;
        }
        let mut end = i + 1;
        let mut body = Vec::new();
        while end < self.lines.len() && !self.blank(end) {
            body.push(end);
            end += 1;
        }
        if body.is_empty() {
            return None;
        }
        self.push(Row {
            header: true,
            table: true,
            cells: heads
                .into_iter()
                .map(|text| Cell { text, line: i })
                .collect(),
            ..Row::default()
        });
        for n in body {
            let row = self.lines[n];
            let mut cells: Vec<String> = vec![String::new(); starts.len()];
            let mut at = 0;
            for (w_start, w) in row
                .split(' ')
                .map(|w| {
                    let s = at;
                    at += w.len() + 1;
                    (s, w)
                })
                .filter(|(_, w)| !w.is_empty())
                .collect::<Vec<_>>()
            {
                let c = if spaced {
                    starts
                        .iter()
                        .rposition(|(s, _)| *s <= w_start + 1)
                        .unwrap_or(0)
                } else if cells[0].is_empty() {
                    0
                } else {
                    1.min(starts.len() - 1)
                };
                if !cells[c].is_empty() {
                    cells[c].push(' ');
                }
                cells[c].push_str(w);
            }
            let cells = cells.into_iter().map(|c| (c, n)).collect();
            self.cells_row(cells, Some(col), cookie);
        }
        Some(end)
    }

    /// Terms each followed by `: definition` lines.
    fn definition_list(&mut self, i: usize) -> Option<usize> {
        let is_def = |l: &str| l.trim_start().starts_with(": ");
        if is_def(self.lines[i]) || !self.lines.get(i + 1).is_some_and(|l| is_def(l)) {
            return None;
        }
        // (term line, definition text)
        let mut items: Vec<(usize, String)> = Vec::new();
        let mut j = i;
        while j + 1 < self.lines.len() && !is_def(self.lines[j]) && is_def(self.lines[j + 1]) {
            let term = j;
            let mut def = String::new();
            j += 1;
            while j < self.lines.len() && is_def(self.lines[j]) {
                def.push_str(self.lines[j].trim_start()[2..].trim());
                def.push(' ');
                j += 1;
            }
            items.push((term, def));
        }
        let one = items
            .iter()
            .filter(|(t, _)| one_word(self.lines[*t]).is_some())
            .count();
        let cookie_list = one * 3 >= items.len() * 2
            && (self.intro_speaks_of_cookies(i)
                || items
                    .iter()
                    .any(|(_, d)| has_cookie_noun(d) || has_lifetime(d)));
        for (term, def) in items {
            let text = self.lines[term].trim().to_string();
            let named = cookie_list
                && one_word(&text).is_some_and(|w| {
                    shape(w) >= Shape::Weak || has_lifetime(&def) || has_cookie_noun(&def)
                });
            let name = one_word(&text).map_or(text.clone(), str::to_string);
            if named {
                self.cells_row(vec![(name, term), (def, term + 1)], Some(0), true);
            } else {
                self.cells_row(vec![(text, term), (def, term + 1)], None, false);
            }
        }
        Some(j)
    }

    /// A run of label lines (`NAME: purpose`, `• NAME – purpose`), up to a blank line or a
    /// line that is none.
    fn labels(&mut self, i: usize) -> Option<usize> {
        label(self.lines[i])?;
        let mut end = i;
        while end < self.lines.len() && label(self.lines[end]).is_some() {
            end += 1;
        }
        let items: Vec<(usize, &str, &str)> = (i..end)
            .filter_map(|n| label(self.lines[n]).map(|(h, r)| (n, h, r)))
            .collect();
        let described = items
            .iter()
            .filter(|(_, _, r)| has_lifetime(r) || has_cookie_noun(r))
            .count();
        let cookie =
            self.intro_speaks_of_cookies(i) || (items.len() >= 2 && described * 2 > items.len());
        for (n, head, rest) in items {
            if !cookie {
                self.text_row(n);
                continue;
            }
            // An ordinary word heads a label of a cookie only when its own line describes one;
            // a capitalised one starts sentences too, so only a lifetime will do.
            let technical = head
                .split([',', '/', ' '])
                .any(|p| shape(p.trim_matches(['`', '*'])) >= Shape::Weak);
            let capital = head.starts_with(|c: char| c.is_uppercase());
            if !(technical || has_lifetime(rest) || !capital && has_cookie_noun(rest)) {
                self.text_row(n);
                continue;
            }
            let bullet = is_bullet(self.lines[n]);
            self.para += 1;
            let para = self.para;
            self.out.push(Row {
                cells: vec![
                    Cell {
                        text: head.to_string(),
                        line: n,
                    },
                    Cell {
                        text: rest.to_string(),
                        line: n,
                    },
                ],
                table: true,
                name_col: Some(0),
                cookie_place: true,
                bullet,
                para,
                ..Row::default()
            });
        }
        self.para += 1;
        Some(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The name cells of the rows whose names stand by their place.
    fn named(text: &str) -> Vec<String> {
        rows(text)
            .into_iter()
            .filter(|r| r.cookie_place)
            .filter_map(|r| r.name_col.map(|c| r.cells[c].text.clone()))
            .collect()
    }

    #[test]
    fn aligned_columns_are_cut_at_the_header_starts() {
        let text = "Name               Purpose           Expires\n\
                    seen_cookie_message Whether you saw it 1 month\n\
                    lang               Your language     1 year\n";
        assert_eq!(named(text), ["seen_cookie_message", "lang"]);
        // Single-spaced header words: the first word of each row.
        let text = "Navn Beskrivelse Varighet\nS Lastbalansering Økt\n";
        assert_eq!(named(text), ["S"]);
    }

    #[test]
    fn a_table_flattened_to_one_cell_a_line_is_regrouped() {
        let text = "Navn\nFormål\nVarighet\n_cio\nNyhetsbrev\n1 år\nsprak\nSpråk\n1 år\n";
        let rows = rows(text);
        assert_eq!(named(text), ["_cio", "sprak"]);
        // Each cell keeps the line it stands on.
        let last = rows.last().unwrap();
        assert_eq!(last.cells[0].line, 6);
    }

    #[test]
    fn the_name_column_is_found_by_header_words_or_by_shape() {
        // A column of types is no name column, even with a cookie noun in its header.
        let text = "Cookie type\tCookie\tPurpose\nNecessary\tcsrftoken\tForms\n";
        assert_eq!(named(text), ["csrftoken"]);
        // No header: the column of technical-looking single words, under a cookie sentence.
        let text = "Vi bruker disse informasjonskapslene:\n\n\
                    Matomo\t_pk_id.*\tBesøkende\nMatomo\t_pk_ses.*\tBesøket\n";
        assert_eq!(named(text), ["_pk_id.*", "_pk_ses.*"]);
    }

    #[test]
    fn headings_and_terms_name_cookies_when_most_are_one_word() {
        let text = "Om informasjonskapsler\n\n## Nødvendige\n### JSESSIONID\nØkta di. Økt.\n\
                    ### wistia\nVideo. 1 år.\n## Statistikk\n### _ga\nTeller besøk. 2 år.\n";
        assert_eq!(named(text), ["JSESSIONID", "wistia", "_ga"]);
        // A term whose definition describes no cookie is no name.
        let text = "Cookies we use:\nROUTEID\n: Load balancing. Session.\n\
                    Privacy\n: See our privacy statement.\n";
        assert_eq!(named(text), ["ROUTEID"]);
    }

    #[test]
    fn label_runs_need_a_cookie_intro_or_lifetimes() {
        let text = "Vi bruker disse informasjonskapslene:\n\
                    _pk_id: Matomo\nlang: husker språket, 1 år\nvalg: husker valget\n\
                    Kontakt: post@example.no\n";
        // A technical head stands by its place; an ordinary word only with its own lifetime.
        assert_eq!(named(text), ["_pk_id", "lang"]);
        // Without an intro, two described items make a run; one line alone does not.
        assert_eq!(named("a_b: x, 1 year\nc_d: y, 2 days\n"), ["a_b", "c_d"]);
        assert!(named("Telefonsamtaler (logga): sletta etter eit år\n").is_empty());
    }
}
