//! Reading a privacy statement: telling HTML from text, and HTML into the text the catalogue's
//! extraction (`kapsel_catalogue::extract`) reads. `kapsel policy extract` and the scan's
//! `--policy` read statements the same way.

use kapsel_catalogue::extract;
use scraper::{Html, Node};

/// Whether a body is HTML: by its content type, else by its first tags.
pub fn is_html(body: &str, content_type: Option<&str>) -> bool {
    if let Some(ct) = content_type {
        let ct = ct.to_ascii_lowercase();
        if ct.contains("html") {
            return true;
        }
        if ct.starts_with("text/plain") {
            return false;
        }
    }
    let head: String = body
        .trim_start()
        .chars()
        .take(2_000)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.contains("<html") || head.contains("<body")
}

/// The text of an HTML document as the extraction reads it: blocks and list items on lines of
/// their own, table rows as lines with tab-separated cells; scripts, styles and the head left out.
pub fn html_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let mut raw = String::new();
    // An explicit stack, so that deeply nested pages cannot exhaust the call stack.
    let mut stack = vec![(doc.tree.root(), false)];
    while let Some((node, closing)) = stack.pop() {
        match node.value() {
            Node::Text(text) => {
                let text: &str = text;
                raw.extend(
                    text.chars()
                        .map(|c| if c.is_whitespace() { ' ' } else { c }),
                );
                continue;
            }
            Node::Element(element) => {
                let name = element.name();
                if closing {
                    extract::push_break(&mut raw, name, true);
                    continue;
                }
                if extract::SKIPPED_ELEMENTS.contains(&name) {
                    continue;
                }
                extract::push_break(&mut raw, name, false);
                stack.push((node, true));
            }
            Node::Document | Node::Fragment => {}
            _ => continue,
        }
        let children: Vec<_> = node.children().collect();
        stack.extend(children.into_iter().rev().map(|c| (c, false)));
    }
    extract::tidy_text(&raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scraper_reader_agrees_with_the_catalogue_fallback() {
        let html = include_str!("../../shared/tests/fixtures/policies/english-list.html");
        let text = html_text(html);
        assert_eq!(text, extract::html_to_text(html));
        assert!(text.contains("__cf_bm\tCloudflare\tTells people from bots\t30 minutes\n"));
        assert!(text.contains("\u{2022} XSRF-TOKEN: protects"));
        assert!(!text.contains("_fake_in_script"));
    }

    #[test]
    fn html_is_told_by_content_type_or_tags() {
        assert!(is_html("whatever", Some("text/html; charset=utf-8")));
        assert!(!is_html("<html>", Some("text/plain")));
        assert!(is_html("  <!DOCTYPE html><p>x", None));
        assert!(!is_html("Informasjonskapsler: _ga", None));
    }
}
