//! Builds a piece of UI as one string of the banner's own, constant markup with empty slots, then
//! fills the slots with `textContent`. Far less wasm than one DOM call per element, and text from
//! the declaration still never passes through the HTML parser: only Kapsel's constants do.

use crate::dom::{self, El, ElExt};
use alloc::string::String;
use alloc::vec::Vec;

/// Markup under construction: the HTML and the texts for its slots, in document order.
#[derive(Default)]
pub struct Markup {
    html: String,
    texts: Vec<String>,
    href: String,
}

impl Markup {
    /// Empty markup.
    pub fn new() -> Markup {
        Markup::default()
    }

    /// Appends constant markup (Kapsel's own, never declaration text).
    #[inline(never)]
    pub fn raw(&mut self, html: &str) -> &mut Markup {
        self.html.push_str(html);
        self
    }

    /// Appends `{open} data-k>{close}`: an element whose text will be `text`. `open` is the start
    /// of the start tag without its `>` (`<td`, `<h2 id=kapsel-title`).
    pub fn item(&mut self, open: &str, text: &str, close: &str) -> &mut Markup {
        self.html.push_str(open);
        self.html.push_str(" data-k>");
        self.html.push_str(close);
        self.texts.push(String::from(text));
        self
    }

    /// Appends a link `<a data-h>{text}</a>` whose `href` becomes `href` (one per markup).
    pub fn link(&mut self, href: &str, text: &str) -> &mut Markup {
        self.href = String::from(href);
        self.html.push_str("<a data-h>");
        self.html.push_str(text);
        self.html.push_str("</a>");
        self
    }

    /// The markup (to insert with `insertAdjacentHTML`; then [`Markup::fill`] the new element).
    pub fn html(&self) -> &str {
        &self.html
    }

    /// Fills the slots below `root`, the element the markup was inserted as.
    pub fn fill(&self, root: &El) {
        for (el, text) in dom::query_all(Some(root), "[data-k]").zip(&self.texts) {
            el.set_text(text);
        }
        if let Some(a) = dom::query_all(Some(root), "[data-h]").next() {
            a.set("href", &self.href);
        }
    }
}
