//! The catalogue crate's part in the demo: the resolved declaration served as `/kapsel.json` and
//! the privacy statement's cookie table.

use std::path::Path;

use crate::DemoError;

/// The declaration at `path` in resolved form (every service and cookie a full object).
pub fn resolved_json(path: &Path) -> Result<Vec<u8>, DemoError> {
    // TODO(catalogue): resolve with kapsel_catalogue::Declaration::resolve once it lands; until
    // then the declaration is served as written.
    std::fs::read(path).map_err(|source| DemoError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// The declaration's cookie table as HTML, in `lang` (`nb`, `nn`, `en`).
pub fn cookie_table(path: &Path, lang: &str) -> Result<String, DemoError> {
    // TODO(catalogue): render with kapsel_catalogue::render once it lands.
    let _ = (path, lang);
    Ok("<p><em>TODO: cookie table from the declaration (catalogue renderer)</em></p>".into())
}
