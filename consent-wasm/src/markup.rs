//! Builds a piece of UI as one string of the banner's own, constant markup with empty slots, then
//! fills the slots with `textContent`. Far less wasm than one DOM call per element, and text from
//! the declaration still never passes through the HTML parser: only Kapsel's constants do.

use crate::buf::{Buf, Pieces};
use crate::dom::{self, El, ElExt};

/// Markup under construction: the HTML and the texts for its slots, in document order.
#[derive(Default)]
pub struct Markup<'a> {
    html: Buf,
    texts: Pieces,
    href: &'a str,
}

impl<'a> Markup<'a> {
    /// Empty markup.
    pub fn new() -> Markup<'a> {
        Markup::default()
    }

    /// Appends constant markup (Kapsel's own, never declaration text).
    #[inline(never)]
    pub fn raw(&mut self, html: &str) -> &mut Markup<'a> {
        self.html.add(html);
        self
    }

    /// Appends `{open} data-k>{close}`: an element whose text will be `text`. `open` is the start
    /// of the start tag without its `>` (`<td`, `<h2 id=kapsel-title`).
    pub fn item(&mut self, open: &str, text: &str, close: &str) -> &mut Markup<'a> {
        self.html.add(open).add(" data-k>").add(close);
        self.texts.push(text);
        self
    }

    /// Appends a link `<a data-h>{text}</a>` whose `href` becomes `href` (one per markup).
    pub fn link(&mut self, href: &'a str, text: &str) -> &mut Markup<'a> {
        self.href = href;
        self.html.add("<a data-h>").add(text).add("</a>");
        self
    }

    /// The markup (to insert with `insertAdjacentHTML`; then [`Markup::fill`] the new element).
    pub fn html(&self) -> &str {
        &self.html
    }

    /// Fills the slots below `root`, the element the markup was inserted as.
    pub fn fill(&self, root: &El) {
        for (el, text) in dom::query_all(Some(root), "[data-k]").zip(self.texts.iter()) {
            el.set_text(text);
        }
        if let Some(a) = dom::query_all(Some(root), "[data-h]").next() {
            a.set("href", self.href);
        }
    }
}
