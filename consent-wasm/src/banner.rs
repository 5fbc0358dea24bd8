//! The visible parts: the first layer, the settings layer and the persistent reopen control.
//!
//! The banner is `<div id="kapsel-banner" role="dialog">` — non-modal (no `aria-modal`, no focus
//! trap), named by its heading, described by its first paragraph, `lang` set, prepended to `<body>`
//! so it comes first in reading and keyboard order. Focus moves into it when it opens and back to
//! where it was when it closes. Accept and reject are the same kind of button, side by side.

use crate::buf::Buf;
use crate::config::{self, Config};
use crate::dom::{self, ElExt};
use crate::markup::Markup;
use crate::mask::{self, MARKETING, NECESSARY};
use crate::state;
use crate::texts::Texts;

/// The banner root's id.
pub const ROOT: &str = "kapsel-banner";
/// The reopen control's id.
pub const REOPEN: &str = "kapsel-reopen";

fn button(m: &mut Markup, action: &str, text: &str, secondary: bool) {
    m.raw("<button type=button class=\"kapsel-btn")
        .raw(if secondary { " kapsel-sec" } else { "" })
        .raw("\" data-kapsel-action=")
        .raw(action)
        .raw(">")
        .raw(text)
        .raw("</button>");
}

/// Shows `m` (a whole banner, see [`start`]) first in `<body>`, in place of the one open, and
/// focuses it.
fn show(m: &Markup) {
    match dom::by_id(ROOT) {
        Some(open) => open.detach(),
        None => state::remember_focus(dom::active()),
    }
    dom::insert_in_body("afterbegin", m.html());
    let Some(root) = dom::by_id(ROOT) else { return };
    m.fill(&root);
    if let Some(reopen) = dom::by_id(REOPEN) {
        reopen.detach();
    }
    root.focus();
}

/// Opens the banner root and its heading; the layer's markup ends with `</div></div>`.
fn start(m: &mut Markup, t: &Texts, title: &str) {
    m.raw("<div id=kapsel-banner role=dialog aria-labelledby=kapsel-title aria-describedby=kapsel-desc tabindex=-1 lang=")
        .raw(t.code())
        .raw("><div class=kapsel-in><h2 id=kapsel-title>")
        .raw(title)
        .raw("</h2>");
}

fn gpc_notice(m: &mut Markup, t: &Texts) {
    if state::gpc() && state::categories() & MARKETING != 0 {
        m.raw("<p>").raw(t.gpc()).raw("</p>");
    }
}

/// Shows the first layer: who asks, why, the privacy statement, accept / reject / settings.
pub fn first_layer() {
    let t = state::texts();
    let mut m = Markup::new();
    start(&mut m, t, t.title());
    match state::config() {
        Some(cfg) => {
            m.raw("<p id=kapsel-desc>")
                .item("<span", &intro(cfg, t), "</span> ");
            privacy_link(&mut m, cfg, t);
            m.raw("</p>");
            gpc_notice(&mut m, t);
            m.raw("<div class=kapsel-btns>");
            button(&mut m, "accept-all", t.accept(), false);
            button(&mut m, "reject-all", t.reject(), false);
            button(&mut m, "settings", t.settings(), true);
        }
        None => {
            m.raw("<p id=kapsel-desc>")
                .raw(t.broken())
                .raw("</p><div class=kapsel-btns>");
            button(&mut m, "reject-all", t.only_necessary(), false);
        }
    }
    m.raw("</div></div></div>");
    show(&m);
}

fn intro(cfg: &Config, t: &Texts) -> Buf {
    let mut s = if cfg.site.is_empty() {
        Buf::from(&dom::hostname())
    } else {
        Buf::from(&cfg.site)
    };
    s.add(t.intro());
    let optional = state::categories() & !NECESSARY;
    if optional != 0 {
        s.add(t.intro_optional());
        let n = mask::categories(optional).count();
        for (i, cat) in mask::categories(optional).enumerate() {
            if i > 0 {
                s.add(if i + 1 == n { t.and() } else { ", " });
            }
            s.add(t.uses(cat as usize));
        }
        s.add(t.intro_end());
    }
    s
}

fn privacy_link(m: &mut Markup<'static>, cfg: &'static Config, t: &Texts) {
    if !cfg.privacy.is_empty() {
        m.link(&cfg.privacy, t.privacy());
    }
}

/// Shows the settings layer: a switch per category with its purpose, services and cookies.
pub fn settings_layer() {
    let t = state::texts();
    let Some(cfg) = state::config() else {
        first_layer();
        return;
    };
    let mut m = Markup::new();
    start(&mut m, t, t.settings_title());
    m.raw("<p id=kapsel-desc>").raw(t.settings_intro()).raw(" ");
    privacy_link(&mut m, cfg, t);
    m.raw("</p>");
    gpc_notice(&mut m, t);
    let choice = state::choice();
    for cat in mask::categories(state::categories()) {
        let bit = mask::bit(cat);
        let i = cat as usize;
        let id = cat.id();
        m.raw("<div class=kapsel-cat><label class=kapsel-sw><input type=checkbox role=switch data-kapsel-category=")
            .raw(id)
            .raw(" aria-describedby=kapsel-p-")
            .raw(id);
        if bit == NECESSARY {
            m.raw(" checked disabled");
        } else if choice.decided && choice.mask & bit != 0 {
            m.raw(" checked");
        }
        m.raw("><span>").raw(t.label(i));
        if bit == NECESSARY {
            m.raw(t.always_on());
        }
        m.raw("</span></label><p id=kapsel-p-")
            .raw(id)
            .raw(">")
            .raw(t.purpose(i))
            .raw("</p>");

        let mut listed = false;
        for s in cfg
            .entries("services")
            .filter(|s| config::category(s) == bit)
        {
            if !listed {
                m.raw("<details><summary>")
                    .raw(t.details())
                    .raw("</summary><ul>");
                listed = true;
            }
            m.item("<li><strong", &config::text(&s, "name"), "</strong>");
            let mut rest = Buf::new();
            let provider = config::text(&s, "provider");
            if !provider.is_empty() {
                rest.add(" (").add(&provider).byte(b')');
            }
            let purpose = config::localized(&s, "purpose", t.code());
            if !purpose.is_empty() {
                rest.add(": ").add(&purpose);
            }
            m.item("<span", &rest, "</span></li>");
        }
        let mut table = false;
        for c in cfg
            .entries("cookies")
            .filter(|c| config::category(c) == bit)
        {
            if !listed {
                m.raw("<details><summary>")
                    .raw(t.details())
                    .raw("</summary><ul>");
                listed = true;
            }
            if !table {
                m.raw("</ul><table class=kapsel-t><thead><tr>");
                for h in t.columns() {
                    m.raw("<th scope=col>").raw(h).raw("</th>");
                }
                m.raw("</tr></thead><tbody>");
                table = true;
            }
            m.item("<tr><td", &config::text(&c, "name"), "</td>")
                .item("<td", &config::text(&c, "provider"), "</td>")
                .item("<td", &config::localized(&c, "purpose", t.code()), "</td>")
                .item("<td", &config::retention(&c, t.code()), "</td></tr>");
        }
        if listed {
            m.raw(if table {
                "</tbody></table></details>"
            } else {
                "</ul></details>"
            });
        }
        m.raw("</div>");
    }
    m.raw("<div class=kapsel-btns>");
    button(&mut m, "save", t.save(), true);
    button(&mut m, "accept-all", t.accept(), false);
    button(&mut m, "reject-all", t.reject(), false);
    m.raw("</div>");
    // The id the visitor's choices are filed under (`js/receipts.js`), once they made one. (It
    // is the record's; a record from before receipts gets it with the next choice.)
    let id = state::receipt_id();
    if choice.decided && !id.is_empty() {
        m.raw("<p>")
            .raw(t.consent_id())
            .item("<span", &id, "</span></p>");
    }
    m.raw("</div></div>");
    show(&m);
}

/// Closes the banner, shows the reopen control and returns focus.
pub fn close() {
    let Some(root) = dom::by_id(ROOT) else { return };
    let had_focus = root.up(":focus-within").is_some();
    root.detach();
    reopen_control();
    // Back where focus was; when that was the reopen control (replaced while the banner was
    // open), to the new one.
    match state::take_focus() {
        Some(back) if had_focus && back.connected() => back.focus(),
        Some(_) if had_focus => {
            if let Some(reopen) = dom::by_id(REOPEN) {
                reopen.focus();
            }
        }
        _ => {}
    }
}

/// The small persistent control that reopens the settings (last in the body).
pub fn reopen_control() {
    if dom::by_id(REOPEN).is_some() || dom::by_id(ROOT).is_some() {
        return;
    }
    let t = state::texts();
    let mut m = Markup::new();
    m.raw("<button id=kapsel-reopen type=button data-kapsel-action=settings lang=")
        .raw(t.code())
        .raw(">")
        .raw(t.reopen())
        .raw("</button>");
    dom::insert_in_body("beforeend", m.html());
}
