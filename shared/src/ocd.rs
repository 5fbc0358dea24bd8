//! Import of the Open Cookie Database CSV (github.com/jkwakman/Open-Cookie-Database, Apache-2.0)
//! into a [`KnowledgeBase`] that can be merged under the built-in one.
//!
//! The repo does not ship that file; users download it and hand it to Kapsel. This module reads
//! it as it is published:
//! - **CSV**: RFC 4180 — comma-separated, records ended by LF or CRLF, fields in double quotes may
//!   hold commas, line breaks and doubled quotes (`""`), read by the `csv` crate. Columns are
//!   found by their header names, so a reordered export still reads. Errors name the file and
//!   the line a record starts on (a record of the wrong width, a quote never closed, a bad
//!   category or wildcard cell).
//! - **Categories**: mapped to Kapsel's by the definitions in the database's own README:
//!   `Functional` ("also known as technical, essential or strictly necessary"), `Security` and
//!   `Necessary` → `necessary`; `Personalization` / `Preferences` ("also known as preferences") →
//!   `preferences`; `Analytics` → `statistics`; `Marketing` → `marketing`.
//! - **Retention**: free text ("2 years", "Session", "End of session (browser)", "30 mins",
//!   "2 years after last activity", "Session to 30 days") read by [`Retention::parse`]; where the
//!   text gives alternatives or a range the longest lifetime counts, and text that states no
//!   lifetime ("Unknown", "forever", "Local Storage", a date) gives none.
//! - **Wildcards**: `Wildcard match` = 1 makes the name a prefix (`_ga_` → `_ga_*`).
//! - **Services**: one per `Platform`, with an id made from its name (`Google Analytics` →
//!   `google-analytics`), so that on merging, cookies the built-in base lacks join the built-in
//!   service of the same name; hosts come from the `Domain` column.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use crate::category::{Category, Localized};
use crate::knowledge::{KnowledgeBase, KnownCookie, KnownService};
use crate::pattern::NamePattern;
use crate::retention::Retention;

/// Why an Open Cookie Database file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OcdError {
    /// The file name as given.
    pub source_name: String,
    /// The line (from 1) the problem is on; for a record, the line it starts on.
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for OcdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.source_name, self.line, self.message)
    }
}

impl std::error::Error for OcdError {}

/// A problem in CSV syntax, at a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvError {
    /// The line (from 1).
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for CsvError {}

/// One CSV record and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The line (from 1) the record starts on.
    pub line: usize,
    /// The fields, unquoted.
    pub fields: Vec<String>,
}

/// Splits CSV text into records (RFC 4180) with the `csv` crate. A leading byte-order mark is
/// skipped, and blank lines are dropped. The crate reads as spreadsheets do: a quote inside an
/// unquoted field is kept as a character, text after a closing quote joins the field, and a
/// quote never closed runs to the end of the text (which [`read_csv`] then reports as such).
pub fn parse_records(text: &str) -> Result<Vec<Record>, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    // The crate's byte offsets are exact but its line count is not with CRLF endings (and an
    // offset may point at the end of the line before), so lines are counted here, in one pass.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1usize);
    let mut line_of = |p: Option<&csv::Position>| {
        let mut start = p.map_or(0, |p| p.byte() as usize).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > counted_to {
            line += bytes[counted_to..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted_to = start;
        }
        line
    };
    let mut records = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| CsvError {
            line: line_of(e.position()),
            message: e.to_string(),
        })?;
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        records.push(Record {
            line: line_of(record.position()),
            fields: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(records)
}

/// Kapsel's category for an Open Cookie Database category (case-insensitive), by the
/// definitions in that database's README. `None` for a category it does not define.
pub fn category_from_ocd(text: &str) -> Option<Category> {
    match text.trim().to_ascii_lowercase().as_str() {
        "functional" | "security" | "necessary" | "strictly necessary" | "essential" => {
            Some(Category::Necessary)
        }
        "personalization" | "personalisation" | "preferences" => Some(Category::Preferences),
        "analytics" | "statistics" | "performance" => Some(Category::Statistics),
        "marketing" | "advertising" | "tracking" => Some(Category::Marketing),
        _ => None,
    }
}

/// A retention period from the database's free text. Alternatives and ranges ("Session to 30
/// days", "14 days if …. Otherwise, Session", "6 months by default, modifiable") give their
/// longest lifetime; session-only wording with a typo or extra words ("End of session
/// (browser)", "Seesion") is a session; text that names no lifetime gives `None`.
pub fn normalise_retention(text: &str) -> Option<Retention> {
    let lower = text.trim().to_lowercase();
    if lower.is_empty() {
        return None;
    }
    let mut marked = lower.clone();
    for sep in [" till ", " to ", " or ", " otherwise", ", ", ",", ";", ". "] {
        marked = marked.replace(sep, "|");
    }
    marked
        .split('|')
        .filter_map(|part| {
            let part = part.trim().trim_end_matches('.');
            Retention::parse(part)
                .or_else(|| looks_like_session(part).then_some(Retention::Session))
        })
        .max()
}

/// Session wording without a number: "end of session (browser)", "seesion".
fn looks_like_session(part: &str) -> bool {
    !part.chars().any(|c| c.is_ascii_digit())
        && ["session", "seesion", "sesion", "sessoin"]
            .iter()
            .any(|w| part.contains(w))
}

/// The service id made from a platform name: lower case, runs of other characters as `-`.
pub fn service_id(platform: &str) -> String {
    let mut id = String::new();
    for c in platform.trim().chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    while id.ends_with('-') {
        id.pop();
    }
    if id.is_empty() {
        "unknown".to_string()
    } else {
        id
    }
}

/// The domains named in a `Domain` cell ("facebook.com (3rd party)", " or 207.net (3rd party)").
fn hosts_of(cell: &str) -> Vec<String> {
    cell.replace("(3rd party)", " ")
        .split([' ', ',', ';', '/'])
        .map(str::trim)
        .filter(|h| {
            h.contains('.') && !h.starts_with("http") && h.chars().any(|c| c.is_alphabetic())
        })
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        })
        .map(|h| h.to_ascii_lowercase())
        .collect()
}

/// The columns Kapsel reads, found by header name.
struct Columns {
    platform: usize,
    category: usize,
    name: usize,
    domain: Option<usize>,
    description: Option<usize>,
    retention: Option<usize>,
    controller: Option<usize>,
    portal: Option<usize>,
    wildcard: usize,
}

impl Columns {
    fn find(header: &Record, source_name: &str) -> Result<Columns, OcdError> {
        let norm = |s: &str| s.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
        let names: Vec<String> = header.fields.iter().map(|f| norm(f)).collect();
        let find = |wanted: &[&str]| names.iter().position(|n| wanted.contains(&n.as_str()));
        let need = |wanted: &[&str], label: &str| {
            find(wanted).ok_or_else(|| OcdError {
                source_name: source_name.to_string(),
                line: header.line,
                message: format!(
                    "the header has no `{label}` column; is this the Open Cookie Database CSV? (found: {})",
                    header.fields.join(", ")
                ),
            })
        };
        Ok(Columns {
            platform: need(&["platform"], "Platform")?,
            category: need(&["category"], "Category")?,
            name: need(
                &[
                    "cookie / data key name",
                    "cookie / data key",
                    "cookie name",
                    "name",
                ],
                "Cookie / Data Key name",
            )?,
            domain: find(&["domain"]),
            description: find(&["description"]),
            retention: find(&["retention period", "retention"]),
            controller: find(&["data controller"]),
            portal: find(&["user privacy & gdpr rights portals", "privacy portal"]),
            wildcard: need(&["wildcard match", "wildcard"], "Wildcard match")?,
        })
    }
}

/// Reads the Open Cookie Database CSV (`source_name` is the file name used in errors and as the
/// entries' source) into a knowledge base.
pub fn read_csv(text: &str, source_name: &str) -> Result<KnowledgeBase, OcdError> {
    let err = |line: usize, message: String| OcdError {
        source_name: source_name.to_string(),
        line,
        message,
    };
    let records = parse_records(text).map_err(|e| err(e.line, e.message))?;
    let Some((header, rows)) = records.split_first() else {
        return Err(err(1, "the file is empty".to_string()));
    };
    let cols = Columns::find(header, source_name)?;
    let width = header.fields.len();

    // Services in order of first appearance, with their categories counted.
    let mut services: Vec<(KnownService, [usize; 4])> = Vec::new();
    let mut service_index: HashMap<String, usize> = HashMap::new();
    let mut cookies: Vec<KnownCookie> = Vec::new();

    for (i, row) in rows.iter().enumerate() {
        // A quote never closed swallows the rest of the file into the last record's field.
        let last = i + 1 == rows.len();
        if last && row.fields.len() < width && row.fields.iter().any(|f| f.contains('\n')) {
            return Err(err(
                row.line,
                "a quoted field is never closed (it runs to the end of the file)".to_string(),
            ));
        }
        if row.fields.len() != width {
            return Err(err(
                row.line,
                format!(
                    "expected {width} fields as in the header, found {}",
                    row.fields.len()
                ),
            ));
        }
        let cell = |i: usize| row.fields[i].trim();
        let opt = |i: Option<usize>| i.map(|i| row.fields[i].trim()).unwrap_or("");
        let raw_name = cell(cols.name);
        if raw_name.is_empty() {
            return Err(err(row.line, "the cookie name is empty".to_string()));
        }
        let category_text = cell(cols.category);
        let category = category_from_ocd(category_text).ok_or_else(|| {
            err(
                row.line,
                format!(
                    "unknown category `{category_text}` for `{raw_name}` (known: Functional, Security, Necessary, Personalization, Analytics, Marketing)"
                ),
            )
        })?;
        let wildcard = match cell(cols.wildcard) {
            "1" => true,
            "0" | "" => false,
            other => {
                return Err(err(
                    row.line,
                    format!("`Wildcard match` of `{raw_name}` is `{other}`; expected 0 or 1"),
                ))
            }
        };
        let name = if wildcard && !raw_name.ends_with('*') {
            format!("{raw_name}*")
        } else {
            raw_name.to_string()
        };
        let platform = cell(cols.platform);
        let platform = if platform.is_empty() {
            "Unknown"
        } else {
            platform
        };
        let id = service_id(platform);
        let controller = opt(cols.controller);
        let vendor = if controller.is_empty() {
            platform.to_string()
        } else {
            controller.to_string()
        };
        let hosts = hosts_of(opt(cols.domain));
        let reference = opt(cols.portal).to_string();
        let service = *service_index.entry(id.clone()).or_insert_with(|| {
            services.push((
                KnownService {
                    id: id.clone(),
                    name: platform.to_string(),
                    vendor: vendor.clone(),
                    category,
                    purpose: Localized::default(),
                    hosts: Vec::new(),
                    reference: reference.clone(),
                },
                [0; 4],
            ));
            services.len() - 1
        });
        let (svc, counts) = &mut services[service];
        counts[Category::ALL
            .iter()
            .position(|c| *c == category)
            .unwrap_or(0)] += 1;
        for h in &hosts {
            if !svc.hosts.contains(h) {
                svc.hosts.push(h.clone());
            }
        }
        let description = opt(cols.description);
        cookies.push(KnownCookie {
            pattern: NamePattern::parse(&name),
            service: id,
            vendor,
            category,
            purpose: Localized {
                en: (!description.is_empty()).then(|| description.to_string()),
                ..Localized::default()
            },
            retention: normalise_retention(opt(cols.retention)),
            hosts,
            reference,
            aliases: Vec::new(),
            source: source_name.to_string(),
        });
    }

    let mut base = KnowledgeBase::default();
    for (mut service, counts) in services {
        // The service's category: the one most of its cookies have (first of a tie in the order
        // necessary, preferences, statistics, marketing).
        if let Some((i, _)) = counts
            .iter()
            .enumerate()
            .max_by_key(|&(i, n)| (*n, usize::MAX - i))
        {
            service.category = Category::ALL[i];
        }
        base.add_service(service);
    }
    for cookie in cookies {
        base.add_cookie(cookie);
    }
    Ok(base)
}

/// Reads an Open Cookie Database CSV file.
pub fn load(path: &Path) -> Result<KnowledgeBase, OcdError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| OcdError {
        source_name: name.clone(),
        line: 0,
        message: format!("cannot read the file: {e}"),
    })?;
    read_csv(&text, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 24 * 3600;
    const YEAR: u64 = 365 * DAY;

    #[test]
    fn quoted_fields_keep_commas_newlines_and_quotes() {
        let text = "a,b,c\r\n1,\"two, with comma\",\"say \"\"hi\"\"\nnext line\"\r\n\n4,,6";
        let records = parse_records(text).unwrap();
        assert_eq!(records.len(), 3);
        assert_eq!(
            records[1].fields,
            ["1", "two, with comma", "say \"hi\"\nnext line"]
        );
        assert_eq!(records[1].line, 2);
        assert_eq!(
            records[2].line, 5,
            "line numbers count the newline inside quotes"
        );
        assert_eq!(records[2].fields, ["4", "", "6"]);
    }

    #[test]
    fn stray_quotes_read_as_spreadsheets_write_them() {
        // A quote never closed runs to the end: one record, its field holding the rest.
        let records = parse_records("a,b\n1,\"open\n2,3\n").unwrap();
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].line, 2);
        assert_eq!(records[1].fields, ["1", "open\n2,3\n"]);
        // A stray quote inside an unquoted field is kept.
        let ok = parse_records("a,b\n1,5\" screen\n").unwrap();
        assert_eq!(ok[1].fields[1], "5\" screen");
    }

    #[test]
    fn categories_follow_the_database_definitions() {
        assert_eq!(category_from_ocd("Functional"), Some(Category::Necessary));
        assert_eq!(category_from_ocd("Security"), Some(Category::Necessary));
        assert_eq!(
            category_from_ocd("personalization"),
            Some(Category::Preferences)
        );
        assert_eq!(category_from_ocd("Analytics"), Some(Category::Statistics));
        assert_eq!(category_from_ocd("Marketing"), Some(Category::Marketing));
        assert_eq!(category_from_ocd("Cosmetic"), None);
    }

    #[test]
    fn retention_free_text() {
        let s = Retention::Seconds;
        assert_eq!(normalise_retention("Session"), Some(Retention::Session));
        assert_eq!(
            normalise_retention("End of session (browser)"),
            Some(Retention::Session)
        );
        assert_eq!(normalise_retention("Seesion"), Some(Retention::Session));
        assert_eq!(normalise_retention("2 Years"), Some(s(2 * YEAR)));
        assert_eq!(normalise_retention("400 days"), Some(s(400 * DAY)));
        assert_eq!(normalise_retention("30 mins"), Some(s(30 * 60)));
        assert_eq!(
            normalise_retention("2 years after last activity"),
            Some(s(2 * YEAR))
        );
        assert_eq!(normalise_retention("Session to 30 days"), Some(s(30 * DAY)));
        assert_eq!(normalise_retention("30 seconds till 1 year"), Some(s(YEAR)));
        assert_eq!(
            normalise_retention("14 days with remember-me. Otherwise, Session."),
            Some(s(14 * DAY))
        );
        for none in [
            "",
            "Unknown",
            "forever",
            "Persistent",
            "Local Storage",
            "10 Nov 2030",
        ] {
            assert_eq!(normalise_retention(none), None, "{none}");
        }
    }

    #[test]
    fn service_ids_are_slugs() {
        assert_eq!(service_id("Google Analytics"), "google-analytics");
        assert_eq!(
            service_id("DoubleClick/Google Marketing"),
            "doubleclick-google-marketing"
        );
        assert_eq!(service_id("  "), "unknown");
    }

    #[test]
    fn hosts_come_from_the_domain_cell() {
        assert_eq!(hosts_of("facebook.com (3rd party)"), ["facebook.com"]);
        assert_eq!(hosts_of(" or 207.net (3rd party)"), ["207.net"]);
        assert!(hosts_of("").is_empty());
    }
}
