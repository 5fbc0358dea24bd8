//! Gated markup: `<script type="text/plain" data-consent=CATEGORY>` and `<iframe data-consent=…
//! data-src=…>`. Without Kapsel both are inert. Allowed elements are activated in document order
//! (scripts as fresh `<script async=false>` elements, which run in insertion order); blocked iframes
//! get a placeholder of their size naming the service, why it is blocked, and an allow button.

use crate::buf::Buf;
use crate::dom::{self, El, ElExt};
use crate::markup::Markup;
use crate::mask;
use crate::state;

const DONE: &str = "data-kapsel-done";
const PLACEHOLDER: &str = "data-kapsel-placeholder";

/// Scripts still waiting for consent.
const SCRIPTS: &str = "script[type=\"text/plain\"][data-consent]";
/// Iframes still waiting for consent.
const FRAMES: &str = "iframe[data-consent]:not([data-kapsel-done])";

/// The categories a gated element asks for; `None` (never allowed: fail closed) when unknown.
fn needs(e: &El) -> Option<u8> {
    mask::parse_list(&e.attr("data-consent")?)
}

/// Activates every gated element whose categories are all in `mask`, and puts placeholders in
/// front of the iframes that stay blocked.
pub fn apply(mask: u8) {
    for e in dom::query_all(None, SCRIPTS) {
        if needs(&e).is_some_and(|n| n & !mask == 0) {
            run_script(&e);
        }
    }
    for e in dom::query_all(None, FRAMES) {
        match needs(&e) {
            Some(n) if n & !mask == 0 => load_iframe(&e),
            n => placeholder(&e, n.unwrap_or(0)),
        }
    }
}

/// The categories gated elements on the page ask for.
pub fn requested() -> u8 {
    let mut mask = 0;
    for e in dom::query_all(None, "[data-consent]") {
        mask |= needs(&e).unwrap_or(0);
    }
    mask
}

/// Runs a gated script: a clone (attributes, text and nonce come along) with the real type. A
/// `type="text/plain"` script was never "started" by the parser, so the clone runs when inserted;
/// `async=false` keeps inserted scripts in insertion order.
fn run_script(old: &El) {
    let new = old.deep_clone();
    match old.attr("data-type") {
        // `data-type` carries a real type (e.g. `module`) when the script needs one.
        Some(t) => new.set("type", &t),
        None => new.unset("type"),
    }
    dom::set_key(&new, "async", &wasm_bindgen::JsValue::FALSE);
    old.replace_by(&new);
}

/// The placeholder in front of an iframe, if any (it hides the iframe: see [`crate::style`]).
fn placeholder_of(frame: &El) -> Option<El> {
    frame.before().filter(|p| p.attr(PLACEHOLDER).is_some())
}

fn load_iframe(frame: &El) {
    if let Some(ph) = placeholder_of(frame) {
        ph.detach();
    }
    frame.set(DONE, "");
    if let Some(src) = frame.attr("data-src") {
        frame.set("src", &src);
    }
}

fn placeholder(frame: &El, need: u8) {
    if placeholder_of(frame).is_some() {
        return;
    }
    let t = state::texts();
    let src = frame.attr("data-src").unwrap_or_default();
    let need = need & !mask::NECESSARY;
    let named = state::config()
        .and_then(|c| c.service_for_url(&src))
        .or_else(|| frame.attr("title"))
        .filter(|n| !n.is_empty());
    let name = named.as_deref().unwrap_or_else(|| crate::bytes::host(&src));
    // Sized like the iframe: its width/height attributes, else its layout box (read before the
    // placeholder hides it).
    let px = frame.size();
    let mut cats = Buf::new();
    for cat in mask::categories(need) {
        if !cats.is_empty() {
            cats.add(t.and());
        }
        cats.add(t.lower(cat as usize));
    }
    let mut why = Buf::from(t.blocked_a());
    why.add(name)
        .add(t.blocked_b())
        .add(&cats)
        .add(t.blocked_c());
    let mut m = Markup::new();
    m.raw("<div class=kapsel-ph data-kapsel-placeholder lang=")
        .raw(t.code())
        .raw(">")
        .item("<p><strong", name, "</strong></p>")
        .item("<p", &why, "</p>")
        .raw(
            "<button type=button class=kapsel-btn data-kapsel-action=allow data-kapsel-category=\"",
        );
    // The ids, space-separated (a trailing space is fine: see `mask::parse_list`).
    for cat in mask::categories(need) {
        m.raw(cat.id()).raw(" ");
    }
    m.raw("\">")
        .raw(t.allow())
        .raw(&cats)
        .raw("</button></div>");
    frame.insert_html("beforebegin", m.html());
    let Some(ph) = placeholder_of(frame) else {
        return;
    };
    m.fill(&ph);
    for (prop, px) in ["width", "height"].into_iter().zip(px) {
        let given = frame.attr(prop).unwrap_or_default();
        let mut v = Buf::from(&given);
        if given.bytes().all(|c| c.is_ascii_digit()) {
            if given.is_empty() {
                v.decimal(px);
            }
            v.add("px");
        }
        ph.set_style(prop, &v);
    }
}
