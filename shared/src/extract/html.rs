//! Stage 1, text from HTML: the statement as lines of text that keep what the later stages read
//! from its markup.
//!
//! # Approach
//! Blocks and list items go on lines of their own (items behind a bullet `• `), table rows on
//! one line with their cells separated by tabs (a `<br>` inside a cell separates names in that
//! cell, it does not end the row), headings behind Markdown's `#` marks (`<h3>` → `### `), and a
//! definition list's terms on lines of their own with each definition on the next line behind
//! `: ` (the definition-list form of Pandoc's Markdown). So an HTML statement and the same
//! statement written as Markdown or plain text reach the structure stage alike. Scripts, styles
//! and the head are dropped; character references decoded. The `kapsel` command walks a full
//! HTML parser's tree and writes the same breaks with [`push_break`].

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
/// cell, a new line and a bullet before a list item, a new line and `#` marks before a heading,
/// a new line and `: ` before a definition, `, ` for a `<br>` inside a table row, a new line
/// around other blocks. Shared by [`html_to_text`] and the `kapsel` command's HTML reader.
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
        ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => {
            newline(out);
            let level = usize::from(name.as_bytes()[1] - b'0');
            out.push_str(&"#".repeat(level));
            out.push(' ');
        }
        ("dd", false) => {
            newline(out);
            out.push_str(": ");
        }
        ("br", false) if in_row(out) => out.push_str(", "),
        ("br", true) if in_row(out) => {}
        (n, _) if BLOCK_ELEMENTS.contains(&n) => newline(out),
        _ => {}
    }
}

/// Whether the text written last is inside a table row (a row's line holds its cells' tabs).
fn in_row(out: &str) -> bool {
    out.rsplit('\n')
        .next()
        .is_some_and(|row| row.contains('\t'))
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
