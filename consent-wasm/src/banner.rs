//! The visible parts: the first layer, the settings layer and the persistent reopen control.
//!
//! The banner is `<div id="kapsel-banner" role="dialog">` — non-modal (no `aria-modal`, no focus
//! trap), named by its heading, described by its first paragraph, `lang` set, prepended to `<body>`
//! so it comes first in reading and keyboard order. Focus moves into it when it opens and back to
//! where it was when it closes. Accept and reject are the same kind of button, side by side.

use crate::category;
use crate::config::Config;
use crate::dom::{self, add, El};
use crate::state;
use crate::texts::{self, Texts};
use alloc::string::String;

/// The banner root's id.
pub const ROOT: &str = "kapsel-banner";
/// The reopen control's id.
pub const REOPEN: &str = "kapsel-reopen";

fn button(parent: &El, action: &str, text: &str, class: &str) -> El {
    let b = add(parent, "button", class, text);
    b.set("type", "button");
    b.set("data-kapsel-action", action);
    b
}

/// The banner root, created (empty, prepended to body) when missing; the inner box cleared.
fn open_root(t: &Texts) -> El {
    let root = match dom::by_id(ROOT) {
        Some(r) => r,
        None => {
            state::remember_focus(dom::active());
            let r = dom::el("div", "");
            r.set("id", ROOT);
            r.set("role", "dialog");
            r.set("aria-labelledby", "kapsel-title");
            r.set("aria-describedby", "kapsel-desc");
            r.set("tabindex", "-1");
            dom::body().prepend(&r);
            r
        }
    };
    root.set("lang", t.code);
    root.set_text("");
    if let Some(reopen) = dom::by_id(REOPEN) {
        reopen.remove();
    }
    root
}

fn heading(inner: &El, text: &str) {
    add(inner, "h2", "", text).set("id", "kapsel-title");
}

fn gpc_notice(inner: &El, t: &Texts) {
    if state::gpc() && state::categories() & category::MARKETING != 0 {
        add(inner, "p", "", t.gpc);
    }
}

/// Shows the first layer: who asks, why, the privacy statement, accept / reject / settings.
pub fn first_layer() {
    let t = state::texts();
    let root = open_root(t);
    let inner = add(&root, "div", "kapsel-in", "");
    heading(&inner, t.title);
    let desc = add(&inner, "p", "", "");
    desc.set("id", "kapsel-desc");
    let btns;
    match state::config() {
        Some(cfg) => {
            desc.set_text(&intro(cfg, t));
            privacy_link(&desc, cfg, t);
            gpc_notice(&inner, t);
            btns = add(&inner, "div", "kapsel-btns", "");
            button(&btns, "accept-all", t.accept, "kapsel-btn");
            button(&btns, "reject-all", t.reject, "kapsel-btn");
            button(&btns, "settings", t.settings, "kapsel-btn kapsel-sec");
        }
        None => {
            desc.set_text(t.broken);
            btns = add(&inner, "div", "kapsel-btns", "");
            button(&btns, "reject-all", t.only_necessary, "kapsel-btn");
        }
    }
    root.focus();
}

fn intro(cfg: &Config, t: &Texts) -> String {
    let mut s = String::from(if cfg.site.is_empty() { "" } else { &cfg.site });
    if s.is_empty() {
        s.push_str(&dom::hostname());
    }
    s.push_str(t.intro);
    let optional = state::categories() & !category::NECESSARY;
    if optional != 0 {
        s.push_str(t.intro_optional);
        let n = category::bits(optional).count();
        for (i, bit) in category::bits(optional).enumerate() {
            if i > 0 {
                s.push_str(if i + 1 == n { t.and } else { ", " });
            }
            s.push_str(t.uses[category::index(bit)]);
        }
        s.push_str(t.intro_end);
    }
    s.push(' ');
    s
}

fn privacy_link(parent: &El, cfg: &Config, t: &Texts) {
    if !cfg.privacy.is_empty() {
        let a = add(parent, "a", "", t.privacy);
        a.set("href", &cfg.privacy);
    }
}

/// Shows the settings layer: a switch per category with its purpose, services and cookies.
pub fn settings_layer() {
    let t = state::texts();
    let Some(cfg) = state::config() else {
        first_layer();
        return;
    };
    let root = open_root(t);
    let inner = add(&root, "div", "kapsel-in", "");
    heading(&inner, t.settings_title);
    let desc = add(&inner, "p", "", t.settings_intro);
    desc.set("id", "kapsel-desc");
    desc.append(&dom::el("br", ""));
    privacy_link(&desc, cfg, t);
    gpc_notice(&inner, t);
    let choice = state::choice();
    for bit in category::bits(state::categories()) {
        let i = category::index(bit);
        let id = category::IDS[i];
        let sec = add(&inner, "div", "kapsel-cat", "");
        let label = add(&sec, "label", "kapsel-sw", "");
        let input = add(&label, "input", "", "");
        input.set("type", "checkbox");
        input.set("role", "switch");
        input.set("data-kapsel-category", id);
        let mut purpose_id = String::from("kapsel-p-");
        purpose_id.push_str(id);
        input.set("aria-describedby", &purpose_id);
        let mut text = String::from(t.labels[i]);
        if bit == category::NECESSARY {
            input.set_checked(true);
            input.set("disabled", "");
            text.push_str(t.always_on);
        } else {
            input.set_checked(choice.decided && choice.mask & bit != 0);
        }
        add(&label, "span", "", &text);
        add(&sec, "p", "", t.purposes[i]).set("id", &purpose_id);
        listing(&sec, cfg, t, bit);
    }
    let btns = add(&inner, "div", "kapsel-btns", "");
    button(&btns, "save", t.save, "kapsel-btn kapsel-sec");
    button(&btns, "accept-all", t.accept, "kapsel-btn");
    button(&btns, "reject-all", t.reject, "kapsel-btn");
    root.focus();
}

/// The services and cookies of one category, in a `<details>`.
fn listing(sec: &El, cfg: &Config, t: &Texts, bit: u8) {
    let services = cfg.services.iter().filter(|s| s.category == bit);
    let cookies = cfg.cookies.iter().filter(|c| c.category == bit);
    if services.clone().next().is_none() && cookies.clone().next().is_none() {
        return;
    }
    let details = add(sec, "details", "", "");
    add(&details, "summary", "", t.details);
    if services.clone().next().is_some() {
        add(&details, "p", "", t.services);
        let ul = add(&details, "ul", "", "");
        for s in services {
            let li = add(&ul, "li", "", "");
            add(&li, "strong", "", &s.name);
            let mut rest = String::new();
            if !s.provider.is_empty() {
                rest.push_str(" (");
                rest.push_str(&s.provider);
                rest.push(')');
            }
            if !s.purpose.is_empty() {
                rest.push_str(": ");
                rest.push_str(&s.purpose);
            }
            add(&li, "span", "", &rest);
        }
    }
    if cookies.clone().next().is_some() {
        let table = add(&details, "table", "kapsel-t", "");
        let head = add(&add(&table, "thead", "", ""), "tr", "", "");
        for c in t.columns {
            add(&head, "th", "", c).set("scope", "col");
        }
        let body = add(&table, "tbody", "", "");
        for c in cookies {
            let tr = add(&body, "tr", "", "");
            add(&tr, "td", "", &c.name);
            add(&tr, "td", "", &c.provider);
            add(&tr, "td", "", &c.purpose);
            add(&tr, "td", "", &texts::retention(t, &c.retention));
        }
    }
}

/// Closes the banner, shows the reopen control and returns focus.
pub fn close() {
    let Some(root) = dom::by_id(ROOT) else { return };
    let had_focus = root.closest(":focus-within").is_some();
    root.remove();
    reopen_control();
    if had_focus {
        if let Some(back) = state::take_focus().filter(|e| e.connected() && e.tag() != "body") {
            back.focus();
        }
    } else {
        state::take_focus();
    }
}

/// The small persistent control that reopens the settings (last in the body).
pub fn reopen_control() {
    if dom::by_id(REOPEN).is_some() || dom::by_id(ROOT).is_some() {
        return;
    }
    let t = state::texts();
    let b = dom::el("button", "");
    b.set("id", REOPEN);
    b.set("type", "button");
    b.set("lang", t.code);
    b.set("data-kapsel-action", "settings");
    b.set_text(t.reopen);
    dom::body().append(&b);
}
