//! Gated markup: `<script type="text/plain" data-consent=CATEGORY>` and `<iframe data-consent=…
//! data-src=…>`. Without Kapsel both are inert. Allowed elements are activated in document order
//! (scripts as fresh `<script async=false>` elements, which run in insertion order); blocked iframes
//! get a placeholder of their size naming the service, why it is blocked, and an allow button.

use crate::category;
use crate::dom::{self, El};
use crate::state;
use alloc::string::String;
use wasm_bindgen::JsValue;

const DONE: &str = "data-kapsel-done";
const PLACEHOLDER: &str = "data-kapsel-placeholder";

/// Activates every gated element whose categories are all in `mask`, and puts placeholders in
/// front of the iframes that stay blocked.
pub fn apply(mask: u8) {
    for e in dom::query_all(None, "[data-consent]") {
        if e.attr(DONE).is_some() {
            continue;
        }
        let tag = e.tag();
        let is_script = tag == "script";
        if !is_script && tag != "iframe" {
            continue;
        }
        // Unknown or empty categories never open (fail closed).
        let allowed = e
            .attr("data-consent")
            .and_then(|c| category::parse_list(&c))
            .is_some_and(|need| need & !mask == 0);
        if allowed {
            if is_script {
                run_script(&e);
            } else {
                load_iframe(&e);
            }
        } else if !is_script {
            placeholder(&e);
        }
    }
}

/// The categories gated elements on the page ask for.
pub fn requested() -> u8 {
    dom::query_all(None, "[data-consent]")
        .iter()
        .filter_map(|e| e.attr("data-consent").and_then(|c| category::parse_list(&c)))
        .fold(0, |a, b| a | b)
}

fn run_script(old: &El) {
    let new = dom::el("script", "");
    for name in dom::items(&old.attr_names()).iter().filter_map(JsValue::as_string) {
        if name == "type" || name == "data-consent" {
            continue;
        }
        if let Some(v) = old.attr(&name) {
            new.set(&name, &v);
        }
    }
    // `data-type` carries a real type (e.g. `module`) when the script needs one.
    if let Some(t) = old.attr("data-type") {
        new.set("type", &t);
    }
    new.set_nonce(&old.nonce());
    new.set_async(false);
    new.set(DONE, "");
    if old.attr("src").is_none() {
        new.set_text(&old.text());
    }
    old.replace_with(&new);
}

fn load_iframe(frame: &El) {
    if let Some(ph) = frame.previous().filter(|p| p.attr(PLACEHOLDER).is_some()) {
        ph.remove();
    }
    frame.set(DONE, "");
    frame.style().remove_property("display");
    if let Some(src) = frame.attr("data-src") {
        frame.set("src", &src);
    }
}

fn placeholder(frame: &El) {
    if frame.previous().is_some_and(|p| p.attr(PLACEHOLDER).is_some()) {
        return;
    }
    let t = state::texts();
    let src = frame.attr("data-src").unwrap_or_default();
    let need = frame
        .attr("data-consent")
        .and_then(|c| category::parse_list(&c))
        .unwrap_or(0);
    let name: String = state::config()
        .and_then(|c| c.service_for_url(&src))
        .map(|s| s.name.clone())
        .or_else(|| frame.attr("title").filter(|t| !t.is_empty()))
        .unwrap_or_else(|| String::from(crate::bytes::host(&src)));
    // Size the placeholder like the iframe: its width/height attributes, else its layout box.
    let (w, h) = (frame.width(), frame.height());
    let ph = dom::el("div", "kapsel-ph");
    ph.set(PLACEHOLDER, "");
    ph.set("lang", t.code);
    let style = ph.style();
    for (prop, attr, px) in [("width", "width", w), ("height", "height", h)] {
        let mut v = frame.attr(attr).filter(|v| !v.is_empty()).unwrap_or_default();
        if !v.is_empty() && v.bytes().all(|c| c.is_ascii_digit()) {
            v.push_str("px");
        } else if v.is_empty() && px > 0.0 {
            crate::record::push_decimal(&mut v, px as u64);
            v.push_str("px");
        }
        if !v.is_empty() {
            style.set_property(prop, &v, "");
        }
    }
    let p = dom::add(&ph, "p", "", "");
    dom::add(&p, "strong", "", &name);
    let mut why = String::from(t.blocked_a);
    why.push_str(&name);
    why.push_str(t.blocked_b);
    let mut allow = String::from(t.allow);
    let mut sep = "";
    for bit in category::bits(need & !category::NECESSARY) {
        why.push_str(sep);
        why.push_str(t.lower[category::index(bit)]);
        allow.push_str(sep);
        allow.push_str(t.lower[category::index(bit)]);
        sep = t.and;
    }
    why.push_str(t.blocked_c);
    dom::add(&ph, "p", "", &why);
    let b = dom::add(&ph, "button", "kapsel-btn", &allow);
    b.set("type", "button");
    b.set("data-kapsel-action", "allow");
    if let Some(c) = frame.attr("data-consent") {
        b.set("data-kapsel-category", &c);
    }
    frame.style().set_property("display", "none", "important");
    frame.before(&ph);
}
