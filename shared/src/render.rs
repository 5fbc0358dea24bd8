//! The cookie table a site publishes in its privacy statement, generated from its declaration so
//! that it never drifts from what the banner and the scanner use. HTML or Markdown, in Bokmål,
//! Nynorsk or English; columns name, provider, purpose, retention and category, rows ordered by
//! category (necessary first) and then by name.

use crate::category::{Category, Lang};
use crate::declaration::{Declaration, DeclaredCookie};

/// Output format of a rendered table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An HTML `<table>`, ready to paste into a CMS.
    Html,
    /// A Markdown table.
    Markdown,
}

struct Words {
    name: &'static str,
    provider: &'static str,
    purpose: &'static str,
    retention: &'static str,
    category: &'static str,
    caption: &'static str,
    missing: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Nb => Words {
            name: "Navn",
            provider: "Levert av",
            purpose: "Formål",
            retention: "Lagringstid",
            category: "Kategori",
            caption: "Informasjonskapsler på",
            missing: "Ikke oppgitt",
        },
        Lang::Nn => Words {
            name: "Namn",
            provider: "Levert av",
            purpose: "Føremål",
            retention: "Lagringstid",
            category: "Kategori",
            caption: "Informasjonskapslar på",
            missing: "Ikkje oppgitt",
        },
        Lang::En => Words {
            name: "Name",
            provider: "Provider",
            purpose: "Purpose",
            retention: "Retention",
            category: "Category",
            caption: "Cookies on",
            missing: "Not stated",
        },
    }
}

/// One row of the table, in a language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Cookie name or pattern.
    pub name: String,
    /// Who sets it.
    pub provider: String,
    /// Why.
    pub purpose: String,
    /// For how long.
    pub retention: String,
    /// The category's name in the language.
    pub category: String,
}

/// The rows of the cookie table, ordered by category and name.
pub fn rows(decl: &Declaration, lang: Lang) -> Vec<Row> {
    let w = words(lang);
    let mut cookies: Vec<&DeclaredCookie> = decl.cookies.iter().collect();
    cookies.sort_by(|a, b| {
        (a.category, a.pattern.as_str().to_lowercase())
            .cmp(&(b.category, b.pattern.as_str().to_lowercase()))
    });
    cookies
        .into_iter()
        .map(|c| Row {
            name: c.pattern.as_str().to_string(),
            provider: c.provider.clone(),
            purpose: match c.purpose.best(lang) {
                "" => w.missing.to_string(),
                p => p.to_string(),
            },
            retention: c
                .retention
                .map(|r| r.describe(lang))
                .unwrap_or_else(|| w.missing.to_string()),
            category: c.category.label(lang).to_string(),
        })
        .collect()
}

/// Renders the cookie table of a declaration.
pub fn table(decl: &Declaration, lang: Lang, format: Format) -> String {
    let w = words(lang);
    let rows = rows(decl, lang);
    let header = [w.name, w.provider, w.purpose, w.retention, w.category];
    match format {
        Format::Html => {
            let mut o = format!(
                "<table class=\"kapsel-cookies\" lang=\"{}\">\n  <caption>{} {}</caption>\n  <thead>\n    <tr>",
                lang.code(),
                w.caption,
                escape_html(&decl.site)
            );
            for h in header {
                o.push_str(&format!("<th scope=\"col\">{h}</th>"));
            }
            o.push_str("</tr>\n  </thead>\n  <tbody>\n");
            for r in &rows {
                o.push_str(&format!(
                    "    <tr><th scope=\"row\"><code>{}</code></th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    escape_html(&r.name),
                    escape_html(&r.provider),
                    escape_html(&r.purpose),
                    escape_html(&r.retention),
                    escape_html(&r.category)
                ));
            }
            o.push_str("  </tbody>\n</table>\n");
            o
        }
        Format::Markdown => {
            let mut o = format!(
                "| {} |\n|{}\n",
                header.join(" | "),
                "---|".repeat(header.len())
            );
            for r in &rows {
                o.push_str(&format!(
                    "| `{}` | {} | {} | {} | {} |\n",
                    r.name.replace('`', "'"),
                    escape_md(&r.provider),
                    escape_md(&r.purpose),
                    escape_md(&r.retention),
                    escape_md(&r.category)
                ));
            }
            o
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn escape_md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The categories a declaration uses, necessary first.
pub fn categories_used(decl: &Declaration) -> Vec<Category> {
    Category::ALL
        .into_iter()
        .filter(|c| decl.cookies.iter().any(|k| k.category == *c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::KnowledgeBase;

    fn decl() -> Declaration {
        Declaration::parse(
            r#"{"site": "Små & Store kommune", "revision": "1",
                "cookies": [
                  {"name": "_ga", "category": "statistics", "retention": "2 years", "provider": "Google",
                   "purpose": {"nb": "Skiller besøkende", "nn": "Skil mellom besøkande", "en": "Tells visitors apart"}},
                  {"name": "PHPSESSID", "category": "necessary", "retention": "session",
                   "purpose": {"nb": "Holder økta <i>åpen</i>"}}
                ]}"#,
            "d.json",
            &KnowledgeBase::default(),
        )
        .unwrap()
    }

    #[test]
    fn html_is_escaped_ordered_and_localised() {
        let html = table(&decl(), Lang::Nn, Format::Html);
        assert!(html.contains("lang=\"nn\""));
        assert!(html.contains("Informasjonskapslar på Små &amp; Store kommune"));
        assert!(
            html.contains("Holder økta &lt;i&gt;åpen&lt;/i&gt;"),
            "nb falls in for nn: {html}"
        );
        assert!(html.contains("<td>2 år</td><td>Statistikk</td>"), "{html}");
        let php = html.find("PHPSESSID").unwrap();
        let ga = html.find("_ga").unwrap();
        assert!(php < ga, "necessary first");
    }

    #[test]
    fn markdown_table_in_english() {
        let md = table(&decl(), Lang::En, Format::Markdown);
        let lines: Vec<&str> = md.lines().collect();
        assert_eq!(
            lines[0],
            "| Name | Provider | Purpose | Retention | Category |"
        );
        assert_eq!(lines.len(), 4);
        assert!(lines[3]
            .starts_with("| `_ga` | Google | Tells visitors apart | 2 years | Statistics |"));
        assert!(lines[2].contains("| Session | Necessary |"));
    }
}
