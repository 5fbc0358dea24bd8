//! The catalogue crate's part in the demo: the resolved declaration served as `/kapsel.json`, the
//! guard served as `/kapsel/guard.js` and the privacy statement's cookie table, both computed once at start-up from the same declaration
//! the scanner diffs against.

use std::path::Path;

use kapsel_catalogue::render::{self, Format};
use kapsel_catalogue::{Declaration, KnowledgeBase, Lang};

use crate::DemoError;

fn parse(path: &Path) -> Result<Declaration, DemoError> {
    let text = std::fs::read_to_string(path).map_err(|source| DemoError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let decl = Declaration::parse(&text, &path.display().to_string(), KnowledgeBase::builtin())
        .map_err(|e| DemoError::Declaration(e.to_string()))?;
    // Nothing half-reviewed reaches visitors.
    decl.reviewed()
        .map_err(|e| DemoError::Declaration(e.to_string()))?;
    Ok(decl)
}

/// The declaration at `path` in resolved form (every service and cookie a full object). With
/// `KAPSEL_DEMO_RECEIPTS` set (`scripts/demo.sh` does), it names that receipt service.
pub fn resolved_json(path: &Path) -> Result<Vec<u8>, DemoError> {
    let mut declaration = parse(path)?;
    if let Some(url) = std::env::var("KAPSEL_DEMO_RECEIPTS")
        .ok()
        .filter(|u| !u.is_empty())
    {
        declaration.receipts = Some(url);
    }
    Ok(declaration.to_json().into_bytes())
}

/// The site's guard.js (auto-blocking) generated from the declaration at `path`.
pub fn guard_js(path: &Path) -> Result<Vec<u8>, DemoError> {
    Ok(kapsel_guard::guard_js(&parse(path)?, KnowledgeBase::builtin()).into_bytes())
}

/// The declaration's cookie table as HTML, in `lang` (`nb`, `nn`, `en`).
pub fn cookie_table(path: &Path, lang: &str) -> Result<String, DemoError> {
    let lang = Lang::from_code(lang).ok_or_else(|| {
        DemoError::Declaration(format!("unknown language {lang:?} in COOKIE_TABLE"))
    })?;
    Ok(render::table(&parse(path)?, lang, Format::Html))
}
