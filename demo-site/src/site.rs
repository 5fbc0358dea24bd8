//! The pages: read from a folder at start-up, templates expanded, and (for the ungated copy)
//! rewritten to drop the banner and ungate the trackers.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::http::content_type;
use crate::DemoError;

/// How the folder is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Eksempel kommune: the server stack sets its session, form and login cookies.
    Demo {
        /// Banner removed and trackers ungated.
        ungated: bool,
    },
    /// Any folder: files as they are (templates expanded), no server-set cookies.
    Static,
}

/// One servable file.
#[derive(Debug, Clone)]
pub struct File {
    /// The bytes.
    pub body: Vec<u8>,
    /// Its content type.
    pub content_type: &'static str,
}

/// Everything the site serves, keyed by URL path (`/`, `/nyheter/`, `/assets/style.css`).
#[derive(Debug)]
pub struct Content {
    /// The files.
    pub files: HashMap<String, File>,
    /// The resolved declaration for `/kapsel.json`, when the folder has one.
    pub kapsel_json: Option<Vec<u8>>,
    /// The guard generated from the declaration, for `/kapsel/guard.js`.
    pub guard_js: Option<Vec<u8>>,
    /// Whether the pages load the banner through the guard (`<script src="/kapsel/guard.js"
    /// data-config=…>`, the one-tag form): `/kapsel/guard.js` then ends with the banner's classic
    /// build, as `kapsel catalogue resolve --guard … --banner-js …` writes it.
    pub guard_carries_banner: bool,
    /// How the site is served.
    pub mode: Mode,
}

impl Content {
    /// A sitemap of every HTML page, with absolute URLs on `host`.
    pub fn sitemap(&self, host: &str) -> String {
        let mut paths: Vec<&String> = self
            .files
            .iter()
            .filter(|(_, f)| f.content_type.starts_with("text/html"))
            .map(|(p, _)| p)
            .collect();
        paths.sort();
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for p in paths {
            xml.push_str(&format!("  <url><loc>http://{host}{p}</loc></url>\n"));
        }
        xml.push_str("</urlset>\n");
        xml
    }
}

/// `https://host`, with `:port` unless it is 443.
pub fn tracker_origin(host: &str, port: u16) -> String {
    if port == 443 {
        format!("https://{host}")
    } else {
        format!("https://{host}:{port}")
    }
}

/// Reads the folder and expands every page.
pub fn load(
    root: &Path,
    declaration: &Path,
    mode: Mode,
    tracker_port: u16,
) -> Result<Content, DemoError> {
    let mut raw = BTreeMap::new();
    walk(root, root, &mut raw)?;
    let (kapsel_json, guard_js) = if declaration.is_file() {
        (
            Some(crate::catalogue::resolved_json(declaration)?),
            Some(crate::catalogue::guard_js(declaration)?),
        )
    } else {
        (None, None)
    };
    let mut tables = HashMap::new();
    let mut files = HashMap::new();
    let mut guard_carries_banner = false;
    for (url, path) in raw {
        let bytes = std::fs::read(&path).map_err(|source| DemoError::Read {
            path: path.clone(),
            source,
        })?;
        let ctype = content_type(&path.to_string_lossy());
        let body = if ctype.starts_with("text/html") {
            let text = String::from_utf8(bytes).map_err(|_| DemoError::Template {
                path: path.clone(),
                message: "not UTF-8".into(),
            })?;
            let mut expander = Expander {
                root,
                declaration,
                tracker_port,
                tables: &mut tables,
            };
            let mut html = expander.expand(&text, &path, 0)?;
            guard_carries_banner |= loads_banner_through_guard(&html);
            if mode == (Mode::Demo { ungated: true }) {
                html = ungate(&html);
            }
            html.into_bytes()
        } else {
            bytes
        };
        files.insert(
            url,
            File {
                body,
                content_type: ctype,
            },
        );
    }
    Ok(Content {
        files,
        kapsel_json,
        guard_js,
        guard_carries_banner,
        mode,
    })
}

/// Collects servable files: everything but names starting with `_` or `.` and the root's
/// `declaration.json`. `a/index.html` is served at `/a/`.
fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, PathBuf>) -> Result<(), DemoError> {
    let entries = std::fs::read_dir(dir).map_err(|source| DemoError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| DemoError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(root, &path, out)?;
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "declaration.json" {
            continue;
        }
        let url = match rel.strip_suffix("index.html") {
            Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
            _ => format!("/{rel}"),
        };
        out.insert(url, path);
    }
    Ok(())
}

struct Expander<'a> {
    root: &'a Path,
    declaration: &'a Path,
    tracker_port: u16,
    tables: &'a mut HashMap<String, String>,
}

impl Expander<'_> {
    fn expand(&mut self, text: &str, file: &Path, depth: usize) -> Result<String, DemoError> {
        let err = |message: String| DemoError::Template {
            path: file.to_path_buf(),
            message,
        };
        if depth > 4 {
            return Err(err("includes nested too deep".into()));
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let inner = &after[..end];
            match inner.split_once(':') {
                Some(("INCLUDE", name)) => {
                    let path = self
                        .root
                        .join("_partials")
                        .join(format!("{}.html", name.trim()));
                    let part = std::fs::read_to_string(&path)
                        .map_err(|e| err(format!("cannot include {}: {e}", path.display())))?;
                    out.push_str(&self.expand(&part, &path, depth + 1)?);
                }
                Some(("TRACKER_ORIGIN", host)) => {
                    out.push_str(&tracker_origin(host.trim(), self.tracker_port))
                }
                Some(("COOKIE_TABLE", lang)) => {
                    let lang = lang.trim().to_string();
                    if !self.tables.contains_key(&lang) {
                        if !self.declaration.is_file() {
                            return Err(err(format!(
                                "{{{{COOKIE_TABLE}}}} needs {}",
                                self.declaration.display()
                            )));
                        }
                        let table = crate::catalogue::cookie_table(self.declaration, &lang)?;
                        self.tables.insert(lang.clone(), table);
                    }
                    out.push_str(&self.tables[&lang]);
                }
                _ => out.push_str(&rest[start..start + 2 + end + 2]),
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// Whether a page loads the banner through the guard: a `<script>` tag for `/kapsel/guard.js`
/// that carries the banner's `data-config` (the one-tag form), whatever its attributes' order.
fn loads_banner_through_guard(html: &str) -> bool {
    html.match_indices("<script").any(|(start, _)| {
        let tag = &html[start..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        tag.contains("/kapsel/guard.js") && tag.contains("data-config")
    })
}

/// The breach: removes the banner's and the guard's script tags, makes gated scripts live and gives gated iframes
/// their `src`.
pub fn ungate(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    loop {
        let next = [rest.find("<script"), rest.find("<iframe")]
            .into_iter()
            .flatten()
            .min();
        let Some(start) = next else { break };
        out.push_str(&rest[..start]);
        let Some(close) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + close + 1];
        let after = &rest[start + close + 1..];
        if tag.starts_with("<script")
            && (tag.contains("/kapsel/kapsel.js") || tag.contains("/kapsel/guard.js"))
        {
            // Drop the whole element.
            rest = match after.find("</script>") {
                Some(end) => &after[end + "</script>".len()..],
                None => after,
            };
            continue;
        }
        if tag.contains("data-consent") {
            out.push_str(
                &tag.replace(" type=\"text/plain\"", "")
                    .replace(" data-src=\"", " src=\""),
            );
        } else {
            out.push_str(tag);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_tag_form_is_a_guard_tag_with_the_banner_s_config() {
        assert!(loads_banner_through_guard(
            r#"<script src="/kapsel/guard.js" data-config="/kapsel.json"></script>"#
        ));
        assert!(loads_banner_through_guard(
            r#"<script data-config="/k.json" defer src="/kapsel/guard.js"></script>"#
        ));
        // The guard alone, with the banner's own tag after it.
        assert!(!loads_banner_through_guard(
            r#"<script src="/kapsel/guard.js"></script><script type="module" src="/kapsel/kapsel.js" data-config="/kapsel.json"></script>"#
        ));
        assert!(!loads_banner_through_guard("<p>no scripts</p>"));
    }

    #[test]
    fn ungate_removes_the_banner_and_ungates_trackers() {
        let page = r#"<head><script src="/kapsel/guard.js"></script><script type="module" src="/kapsel/kapsel.js" data-config="/kapsel.json"></script>
<script type="text/plain" data-consent="statistics" src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>
<script src="/assets/site.js"></script></head>
<iframe data-consent="marketing" data-src="https://www.facebook.com/plugins/page.php" title="Facebook"></iframe>"#;
        let out = ungate(page);
        assert!(
            !out.contains("kapsel.js") && !out.contains("guard.js"),
            "{out}"
        );
        assert!(out.contains(r#"<script data-consent="statistics" src="https://www.googletagmanager.com/gtag/js?id=G-1">"#), "{out}");
        assert!(out.contains(r#"<script src="/assets/site.js"></script>"#));
        assert!(out.contains(r#"<iframe data-consent="marketing" src="https://www.facebook.com/plugins/page.php""#), "{out}");
        assert!(!out.contains("text/plain"));
    }

    #[test]
    fn tracker_origin_keeps_non_default_ports() {
        assert_eq!(
            tracker_origin("www.facebook.com", 443),
            "https://www.facebook.com"
        );
        assert_eq!(
            tracker_origin("player.vimeo.com", 8443),
            "https://player.vimeo.com:8443"
        );
    }
}
