//! Signals to and from the outside: Google Consent Mode v2 (through the bootstrap's `gtag`-style
//! function that pushes an `arguments` object to `dataLayer`, as gtag.js requires), the Meta pixel's
//! `fbq('consent', …)`, and Global Privacy Control.

use crate::dom;
use crate::mask::{MARKETING, PREFERENCES, STATISTICS};
use crate::state;
use wasm_bindgen::JsValue;

/// Consent Mode storage types and the category that grants each (0: always granted).
const STORAGE: [(&str, u8); 7] = [
    ("ad_storage", MARKETING),
    ("ad_user_data", MARKETING),
    ("ad_personalization", MARKETING),
    ("analytics_storage", STATISTICS),
    ("functionality_storage", PREFERENCES),
    ("personalization_storage", PREFERENCES),
    ("security_storage", 0),
];

/// `gtag('consent', 'default' | 'update', {…})` for the granted `mask`.
pub fn consent_mode(kind: &str, mask: u8) {
    let Some(push) = state::push_fn() else { return };
    let states = dom::object();
    for (key, cat) in STORAGE {
        let granted = cat == 0 || mask & cat != 0;
        dom::set_key(
            &states,
            key,
            &JsValue::from_str(if granted { "granted" } else { "denied" }),
        );
    }
    dom::call(push, "consent", kind, Some(&states));
}

/// `fbq('consent', 'grant' | 'revoke')` when the pixel is on the page.
pub fn meta_pixel(grant: bool) {
    dom::call(
        &dom::global("fbq"),
        "consent",
        if grant { "grant" } else { "revoke" },
        None,
    );
}

/// Whether `navigator.globalPrivacyControl` is true.
pub fn global_privacy_control() -> bool {
    dom::get(&dom::global("navigator"), "globalPrivacyControl").as_bool() == Some(true)
}
