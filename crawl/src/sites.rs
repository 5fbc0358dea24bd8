//! The sites file: one site a line — `URL [DECLARATION] [PRIVACY-STATEMENT]`, fields separated
//! by blanks, `-` for a field left out, `#` starting a comment.

use std::path::{Path, PathBuf};

use url::Url;

/// A mistake in the sites file, naming the file and line.
#[derive(Debug, thiserror::Error)]
pub enum SitesError {
    /// The file could not be read.
    #[error("{file}: cannot read the sites file: {source}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// A line is wrong.
    #[error("{file}:{line}: {message}")]
    Line {
        /// The file.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// No site at all.
    #[error("{file}: no site listed")]
    Empty {
        /// The file.
        file: String,
    },
}

/// One site to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The line it came from (1-based).
    pub line: usize,
    /// The start URL.
    pub url: Url,
    /// The canonical host: lower case, punycoded, no trailing dot. Names the site's file.
    pub host: String,
    /// The site's cookie declaration: a file (resolved against the sites file's directory) or URL.
    pub declaration: Option<String>,
    /// The site's privacy statement: a URL or file.
    pub privacy_statement: Option<String>,
}

/// The parsed sites file and the SHA-256 of its bytes.
#[derive(Debug, Clone)]
pub struct SitesFile {
    /// The sites, in file order.
    pub sites: Vec<Site>,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// Canonical host of a URL: lower case, punycoded (the URL parser does both), no trailing dot.
pub fn canonical_host(url: &Url) -> Option<String> {
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

impl SitesFile {
    /// Reads and parses a sites file.
    pub fn read(path: &Path) -> Result<SitesFile, SitesError> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| SitesError::Read {
            file: file.clone(),
            source,
        })?;
        let text = String::from_utf8(bytes.clone()).map_err(|e| SitesError::Line {
            file: file.clone(),
            line: text_line_of(&bytes, e.utf8_error().valid_up_to()),
            message: "not UTF-8 text".into(),
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let sites = parse(&text, &file, &base)?;
        Ok(SitesFile {
            sites,
            sha256: crate::sha256_hex(&bytes),
        })
    }
}

fn text_line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1
}

/// Parses the text of a sites file; `file` names it in errors, `base` resolves relative paths.
pub fn parse(text: &str, file: &str, base: &Path) -> Result<Vec<Site>, SitesError> {
    let mut sites: Vec<Site> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let err = |message: String| SitesError::Line {
            file: file.to_string(),
            line,
            message,
        };
        let fields: Vec<&str> = raw
            .split_whitespace()
            .take_while(|f| !f.starts_with('#'))
            .collect();
        if fields.is_empty() {
            continue;
        }
        if fields.len() > 3 {
            return Err(err(format!(
                "expected URL [DECLARATION] [PRIVACY-STATEMENT], found {} fields",
                fields.len()
            )));
        }
        let url = Url::parse(fields[0])
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| err(format!("{}: not an http(s) URL", fields[0])))?;
        let host = canonical_host(&url).ok_or_else(|| err(format!("{url}: no host")))?;
        if let Some(other) = sites.iter().find(|s| s.host == host) {
            return Err(err(format!(
                "{host} is listed twice (also on line {}): one line per site",
                other.line
            )));
        }
        let field = |n: usize| fields.get(n).filter(|f| **f != "-").map(|f| f.to_string());
        let declaration = field(1).map(|d| resolve_path(&d, base));
        let privacy_statement = field(2).map(|p| resolve_path(&p, base));
        sites.push(Site {
            line,
            url,
            host,
            declaration,
            privacy_statement,
        });
    }
    if sites.is_empty() {
        return Err(SitesError::Empty {
            file: file.to_string(),
        });
    }
    Ok(sites)
}

/// A URL stays as it is; a relative path is taken from the sites file's directory.
fn resolve_path(field: &str, base: &Path) -> String {
    if field.starts_with("http://") || field.starts_with("https://") {
        return field.to_string();
    }
    let p = PathBuf::from(field);
    if p.is_absolute() {
        field.to_string()
    } else {
        base.join(p).display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_comments_and_placeholders() {
        let text = "# county sites\n\nhttps://www.Bergen.kommune.no/  decl/bergen.json  https://www.bergen.kommune.no/personvern # comment\nhttps://xn--sr-varanger-k8a.kommune.no - https://p.example/\nhttps://www.oslo.kommune.no.\n";
        let sites = parse(text, "sites.txt", Path::new("/etc/k")).unwrap();
        assert_eq!(sites.len(), 3);
        assert_eq!(sites[0].host, "www.bergen.kommune.no");
        assert_eq!(sites[0].line, 3);
        assert_eq!(
            sites[0].declaration.as_deref(),
            Some("/etc/k/decl/bergen.json")
        );
        assert_eq!(sites[1].declaration, None);
        assert_eq!(
            sites[1].privacy_statement.as_deref(),
            Some("https://p.example/")
        );
        assert_eq!(sites[2].host, "www.oslo.kommune.no");
    }

    #[test]
    fn unicode_hosts_are_punycoded() {
        let sites = parse("https://www.bærum.kommune.no/\n", "s", Path::new("")).unwrap();
        assert_eq!(sites[0].host, "www.xn--brum-voa.kommune.no");
    }

    #[test]
    fn errors_name_file_and_line() {
        let e = parse("https://a.no\nftp://b.no\n", "list.txt", Path::new("")).unwrap_err();
        assert_eq!(e.to_string(), "list.txt:2: ftp://b.no: not an http(s) URL");
        let e = parse("https://a.no\n\nhttps://A.no/x\n", "l", Path::new("")).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("l:3: a.no is listed twice (also on line 1)"));
        let e = parse("https://a.no x y z\n", "l", Path::new("")).unwrap_err();
        assert!(e.to_string().starts_with("l:1: expected URL"));
        assert!(matches!(
            parse("# nothing\n", "l", Path::new("")),
            Err(SitesError::Empty { .. })
        ));
    }
}
