//! The part of the scan report's JSON contract (DESIGN.md: `cookies[]`, `pages[]`, …) a draft
//! reads, with serde types of its own: the catalogue does not depend on the scanner's code.
//! Unknown fields are ignored (the contract is extended freely); a file that is not a `kapsel`
//! scan report, or a scan that loaded no page, is refused with an error naming the file.

use serde::Deserialize;

use super::DraftError;

/// A consent phase of the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Before any choice.
    None,
    /// After accept all.
    Accept,
    /// After reject all.
    Reject,
}

impl Phase {
    /// How a reviewer reads it.
    pub fn words(self) -> &'static str {
        match self {
            Phase::None => "before any consent",
            Phase::Accept => "after accept all",
            Phase::Reject => "after reject all",
        }
    }
}

/// How a cookie got into the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SetBy {
    /// A `Set-Cookie` response header.
    Header,
    /// `document.cookie` from a script.
    Script,
    /// Not known.
    #[default]
    #[serde(other)]
    Unknown,
}

/// Where a cookie first appeared in one phase.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Sighting {
    /// The phase.
    pub phase: Phase,
    /// The page.
    pub page: String,
}

/// One cookie the scan saw (name, domain, path), merged over pages and phases.
#[derive(Debug, Clone, Deserialize)]
pub struct SeenCookie {
    /// Name.
    pub name: String,
    /// Domain as stored (leading dot for domain cookies).
    pub domain: String,
    /// Stored lifetime in seconds (none for a session cookie).
    #[serde(default)]
    pub lifetime_seconds: Option<i64>,
    /// The lifetime the site asked for (Max-Age or Expires) before Chromium's 400-day cap.
    #[serde(default)]
    pub declared_lifetime_seconds: Option<i64>,
    /// Set on the site's own registrable domain.
    #[serde(default)]
    pub first_party: bool,
    /// Phases it was present in.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// The first page it appeared on, per phase.
    #[serde(default)]
    pub first_seen: Vec<Sighting>,
    /// Header or script.
    #[serde(default)]
    pub set_by: SetBy,
    /// Host of the response or script that set it.
    #[serde(default)]
    pub set_by_host: Option<String>,
}

impl SeenCookie {
    /// Where it was first seen: the page and phase (before consent first).
    pub fn first(&self) -> Option<&Sighting> {
        [Phase::None, Phase::Accept, Phase::Reject]
            .iter()
            .find_map(|p| self.first_seen.iter().find(|s| s.phase == *p))
            .or(self.first_seen.first())
    }
}

/// A visited page.
#[derive(Debug, Clone, Deserialize)]
pub struct Page {
    /// The URL.
    pub url: String,
    /// The phase.
    pub phase: Phase,
    /// What went wrong, when something did.
    #[serde(default)]
    pub error: Option<String>,
}

/// A scan report, as far as a draft reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct ScanReport {
    /// `kapsel <version>`.
    pub tool: String,
    /// The start URL.
    pub site: String,
    /// When the scan started (RFC 3339).
    #[serde(default)]
    pub started: String,
    /// False when the scan stopped early.
    #[serde(default = "yes")]
    pub complete: bool,
    /// Why it stopped early.
    #[serde(default)]
    pub stopped: Option<String>,
    /// The cookies.
    pub cookies: Vec<SeenCookie>,
    /// The pages, every phase.
    pub pages: Vec<Page>,
}

fn yes() -> bool {
    true
}

impl ScanReport {
    /// Reads a report; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<ScanReport, DraftError> {
        let not = |why: String| DraftError::NotAReport {
            file: file.to_string(),
            why,
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| DraftError::Syntax {
                file: file.to_string(),
                line: e.line(),
                column: e.column(),
                message: e.to_string(),
            })?;
        let Some(object) = value.as_object() else {
            return Err(not("it is not a JSON object".into()));
        };
        let tool = object.get("tool").and_then(|t| t.as_str()).unwrap_or("");
        if !tool.starts_with("kapsel") {
            let what = if object.contains_key("$schema") && object.contains_key("runs") {
                "it looks like SARIF".to_string()
            } else if object.contains_key("revision") && object.contains_key("site") {
                "it looks like a declaration".to_string()
            } else {
                format!("its `tool` is {:?}, not kapsel", tool)
            };
            return Err(not(format!(
                "{what}; write one with `kapsel scan URL --format json --out report.json`"
            )));
        }
        for list in ["cookies", "pages"] {
            if !object.get(list).is_some_and(|v| v.is_array()) {
                return Err(not(format!(
                    "it has no `{list}` list (a crawl overview or another format?); draft from one site's `kapsel scan --format json` report"
                )));
            }
        }
        let report = ScanReport::deserialize(&value).map_err(|e| not(e.to_string()))?;
        if report.pages.is_empty() {
            return Err(DraftError::Empty {
                file: file.to_string(),
                why: "it visited no page".into(),
            });
        }
        if let Some(failed) = report
            .pages
            .iter()
            .find(|_| report.pages.iter().all(|p| p.error.is_some()))
        {
            return Err(DraftError::Empty {
                file: file.to_string(),
                why: format!(
                    "every one of its {} page visits failed (first: {}: {})",
                    report.pages.len(),
                    failed.url,
                    failed.error.as_deref().unwrap_or("")
                ),
            });
        }
        Ok(report)
    }

    /// Whether any page was visited in a phase.
    pub fn ran(&self, phase: Phase) -> bool {
        self.pages.iter().any(|p| p.phase == phase)
    }

    /// Pages that failed to load.
    pub fn failed_pages(&self) -> usize {
        self.pages.iter().filter(|p| p.error.is_some()).count()
    }
}
