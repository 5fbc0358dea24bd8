//! What JavaScript calls: [`start`] and [`on_click`] from the bootstrap, and the `window.kapsel`
//! API (`show`, `acceptAll`, `rejectAll`, `accept([…])`, `consent()`).

use crate::banner;
use crate::bytes;
use crate::config::Config;
use crate::cookies;
use crate::dom::{self, El, ElExt, Ev};
use crate::gate;
use crate::mask::{self, ALL, MARKETING, NECESSARY};
use crate::record;
use crate::signals;
use crate::state::{self, Choice};
use crate::texts;
use kapsel_catalogue::{pattern, Category};
use wasm_bindgen::prelude::*;

/// Starts the banner on the page's `document` with the parsed declaration (`null` when missing or
/// broken), the bootstrap's Consent Mode function, and the receipt id (a UUID from the receipts
/// module; absent when the declaration names no receipt service), which the consent record keeps,
/// and the stored choice as the bootstrap read it (see below).
#[wasm_bindgen]
pub fn start(
    document: JsValue,
    declaration: JsValue,
    mode: JsValue,
    receipt_id: JsValue,
    stored: f64,
) {
    if state::started() {
        return;
    }
    dom::set_document(document);
    let t = texts::for_page();
    let config = Config::read(declaration);
    let gpc = signals::global_privacy_control();
    state::init(config, t, gpc, Some(mode));
    state::set_receipt_id(receipt_id);
    dom::adopt_css(crate::style::CSS);
    let cfg = state::config();
    state::set_categories(cfg.map_or(0, |c| c.used) | gate::requested());

    // The stored choice as the bootstrap read it (`js/stored-choice.js`: 0 for none that reads
    // exactly; else its seconds·32, + 16 when it is for this revision and within the lifetime, +
    // the granted categories). It counts when current for a declaration that holds together; with
    // a broken declaration it still stops the nagging, but grants nothing.
    let stored = stored as u64;
    let time = stored >> 5;
    let choice = match (cfg, stored) {
        (Some(_), s) if s & 16 != 0 => Choice {
            mask: s as u8 & 15 | NECESSARY,
            decided: true,
            time,
        },
        (None, s) if s != 0 => Choice {
            mask: NECESSARY,
            decided: true,
            time,
        },
        _ => Choice {
            mask: NECESSARY,
            decided: false,
            time: 0,
        },
    };
    state::set_choice(choice);
    if choice.decided {
        banner::reopen_control();
    } else {
        banner::first_layer();
    }
    #[cfg(all(target_arch = "wasm32", not(feature = "std")))]
    crate::heap::mark();

    // Page code next (what it throws ends the start: the banner is up, and nothing gated runs),
    // and before any gated script.
    if let Some(cfg) = cfg {
        if cfg.google_consent_mode {
            signals::consent_mode("default", NECESSARY);
            if choice.decided {
                signals::consent_mode("update", choice.mask);
            }
        }
        if cfg.meta_pixel {
            signals::meta_pixel(choice.mask & MARKETING != 0);
        }
    }
    gate::apply(choice.mask);
}

/// Handles a click anywhere: elements with `data-kapsel-action` (the banner's buttons, the reopen
/// control, placeholders' allow buttons, and any element of the page's own).
#[wasm_bindgen]
pub fn on_click(event: Ev) {
    // A click's target is an element (or, for a synthetic event, the document or window: no
    // `closest`, nothing to do).
    let Some(el) = dom::target(&event).and_then(|t| t.up("[data-kapsel-action]")) else {
        return;
    };
    // A page's own `<a data-kapsel-action>` must not navigate.
    dom::prevent_default(&event);
    let cats = |e: &El| {
        e.attr("data-kapsel-category")
            .and_then(|c| mask::parse_list(&c))
            .unwrap_or(0)
    };
    match el.attr("data-kapsel-action").as_deref() {
        Some("accept-all") => accept_all(),
        Some("reject-all") => reject_all(),
        Some("settings") => banner::settings_layer(),
        Some("save") => choose(
            dom::query_all(None, "#kapsel-banner input:checked")
                .fold(NECESSARY, |mask, input| mask | cats(&input)),
        ),
        Some("allow") => {
            let now = state::choice();
            choose(if now.decided { now.mask } else { NECESSARY } | cats(&el));
        }
        _ => {}
    }
}

/// Opens the banner's first layer.
#[wasm_bindgen]
pub fn show() {
    if state::started() {
        banner::first_layer();
    }
}

/// Accepts every category the site uses (marketing stays off when the browser sends GPC).
#[wasm_bindgen]
pub fn accept_all() {
    let gpc = if state::gpc() { MARKETING } else { 0 };
    choose(ALL & !gpc);
}

/// Rejects everything but the necessary.
#[wasm_bindgen]
pub fn reject_all() {
    choose(NECESSARY);
}

/// Grants exactly the listed categories (ids; unknown ones are ignored) besides necessary.
#[wasm_bindgen]
pub fn accept(categories: JsValue) {
    let mut mask = NECESSARY;
    if dom::is_array(&categories) {
        for v in dom::items(categories) {
            mask |= dom::string(&v).and_then(|s| mask::from_id(&s)).unwrap_or(0);
        }
    }
    choose(mask);
}

/// The current consent: `{necessary, preferences, statistics, marketing, decided, revision,
/// timestamp}` (timestamp in Unix seconds, 0 when undecided).
#[wasm_bindgen]
pub fn consent() -> JsValue {
    let c = state::choice();
    let o = dom::object();
    let set = |k: &str, v: JsValue| dom::set_key(&o, k, &v);
    for cat in Category::ALL {
        set(cat.id(), JsValue::from_bool(c.mask & mask::bit(cat) != 0));
    }
    set("decided", JsValue::from_bool(c.decided));
    set(
        "revision",
        state::config().map_or(JsValue::NULL, |cfg| JsValue::from_str(&cfg.revision)),
    );
    set("timestamp", JsValue::from_f64(c.time as f64));
    o
}

/// Records a choice and acts on it (see the crate documentation, "A choice").
fn choose(requested: u8) {
    if !state::started() {
        return;
    }
    let cfg = state::config();
    // Broken declaration: only necessary, whatever was asked.
    let mask = match cfg {
        Some(_) => (requested & ALL) | NECESSARY,
        None => NECESSARY,
    };
    let before = state::choice();
    let now = dom::now();
    let (revision, lifetime) = cfg.map_or(("", crate::config::DEFAULT_LIFETIME_DAYS), |c| {
        (c.revision.as_str(), c.lifetime_days)
    });
    cookies::set(
        record::NAME,
        &record::encode(mask, now, revision, &state::receipt_id()),
        u64::from(lifetime) * 86_400,
    );
    state::set_choice(Choice {
        mask,
        decided: true,
        time: now,
    });
    if let Some(cfg) = cfg {
        // Listed first-party cookies of every category not granted go.
        let jar = dom::cookie();
        for c in cfg.entries("cookies") {
            if crate::config::category(&c) & mask == 0 {
                let name = crate::config::text(&c, "name");
                let pattern = bytes::trim(&name);
                for n in cookies::names(&jar).filter(|n| pattern::matches(pattern, n)) {
                    cookies::delete(n);
                }
            }
        }
    }
    let withdrawn = before.mask & !mask != 0;
    banner::close();
    dom::dispatch("kapsel:consent", &consent());
    if withdrawn {
        // Scripts already running keep running until the page is gone.
        dom::reload();
    }
    // Calls into page code come last: what it throws cannot undo the choice (see `dom::call`).
    let (consent_mode, pixel) =
        cfg.map_or((false, false), |c| (c.google_consent_mode, c.meta_pixel));
    if consent_mode {
        signals::consent_mode("update", mask);
    }
    if withdrawn {
        if pixel {
            signals::meta_pixel(false);
        }
        return;
    }
    gate::apply(mask);
    if pixel && mask & MARKETING != 0 {
        signals::meta_pixel(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    /// Declared names as `choose` reads them: the catalogue's patterns, built without std.
    #[wasm_bindgen_test]
    fn declared_patterns_match_on_wasm() {
        let m = |p: &str, n: &str| pattern::matches(bytes::trim(p), n);
        assert!(m("_ga", "_ga") && !m("_ga", "_gat"));
        assert!(m(" _ga_<container-id> ", "_ga_ABC123"));
        assert!(!m("_ga_<container-id>", "_ga_"));
        assert!(m("ASPSESSIONID*", "ASPSESSIONIDQCRT"));
        assert!(m("wordpress_logged_in_[hash]", "wordpress_logged_in_0f3c"));
        assert!(m("AMCV_xxxxx", "AMCV_12AB%40AdobeOrg"));
        assert!(m("odd[name", "odd[name") && !m("odd[name", "oddXname"));
    }
}
