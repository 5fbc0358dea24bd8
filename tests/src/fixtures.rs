//! Test fixtures on disk: copies a test can change without touching the originals.

use std::path::Path;

/// Copies the directory `from` into `to`, recursively (`to` exists).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("fixture dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The banner's own tag, as a page without the guard carries it.
pub const BANNER_TAG: &str =
    r#"<script type="module" src="/kapsel/kapsel.js" data-config="/kapsel.json"></script>"#;
/// The one tag for guard and banner: `guard.js` ending with the banner's classic build.
pub const GUARD_TAG: &str =
    r#"<script src="/kapsel/guard.js" data-config="/kapsel.json"></script>"#;

/// Replaces `from` by `to` in the file at `path`; fails the test when `from` is not in it.
pub fn replace_in(path: &Path, from: &str, to: &str) {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    assert!(
        text.contains(from),
        "{} lacks {from}:\n{text}",
        path.display()
    );
    std::fs::write(path, text.replace(from, to))
        .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}
