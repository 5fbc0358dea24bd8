//! Loading the knowledge base at the CLI edge: the built-in base, plus any `--knowledge-base`
//! files (Kapsel JSON, or the Open Cookie Database CSV), with the built-in entries winning.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kapsel_catalogue::KnowledgeBase;

/// The built-in base merged with the given files, in order.
pub fn load(extra: &[PathBuf]) -> Result<KnowledgeBase> {
    let mut base = KnowledgeBase::builtin().clone();
    for path in extra {
        base.merge(read(path)?);
    }
    Ok(base)
}

fn read(path: &Path) -> Result<KnowledgeBase> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read knowledge base {}", path.display()))?;
    let name = path.display().to_string();
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if is_json {
        Ok(KnowledgeBase::from_json(&text, &name)?)
    } else {
        Ok(kapsel_catalogue::ocd::read_csv(&text, &name)?)
    }
}
