//! Signals to and from the outside: Google Consent Mode v2 (through the bootstrap's `gtag`-style
//! function that pushes an `arguments` object to `dataLayer`, as gtag.js requires), the Meta pixel's
//! `fbq('consent', …)`, and Global Privacy Control.

use crate::category::{MARKETING, PREFERENCES, STATISTICS};
use crate::state;
use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

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

fn global(name: &str) -> JsValue {
    Reflect::get(&js_sys::global(), &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// `gtag('consent', 'default' | 'update', {…})` for the granted `mask`.
pub fn consent_mode(kind: &str, mask: u8) {
    let Some(push) = state::push_fn() else { return };
    let Some(push) = push.dyn_ref::<Function>() else { return };
    let states = Object::new();
    for (key, cat) in STORAGE {
        let granted = cat == 0 || mask & cat != 0;
        let _ = Reflect::set(
            &states,
            &JsValue::from_str(key),
            &JsValue::from_str(if granted { "granted" } else { "denied" }),
        );
    }
    let _ = push.call3(
        &JsValue::UNDEFINED,
        &JsValue::from_str("consent"),
        &JsValue::from_str(kind),
        &states,
    );
}

/// `fbq('consent', 'grant' | 'revoke')` when the pixel is on the page.
pub fn meta_pixel(grant: bool) {
    if let Some(fbq) = global("fbq").dyn_ref::<Function>() {
        let _ = fbq.call2(
            &JsValue::UNDEFINED,
            &JsValue::from_str("consent"),
            &JsValue::from_str(if grant { "grant" } else { "revoke" }),
        );
    }
}

/// Whether `navigator.globalPrivacyControl` is true.
pub fn global_privacy_control() -> bool {
    Reflect::get(&global("navigator"), &JsValue::from_str("globalPrivacyControl"))
        .map(|v| v.as_bool() == Some(true))
        .unwrap_or(false)
}
