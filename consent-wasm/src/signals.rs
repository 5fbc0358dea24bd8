//! Signals to and from the outside: Google Consent Mode v2 (through the bootstrap's function that
//! turns the granted categories into `gtag('consent', …)`), the Meta pixel's `fbq('consent', …)`,
//! and Global Privacy Control.

use crate::buf::Buf;
use crate::dom;
use crate::state;

/// `gtag('consent', 'default' | 'update', {…})` for the granted `mask`: the bootstrap's Consent
/// Mode function gets the kind and the mask in decimal and maps the categories to Consent Mode's
/// storage types (as the guard does: one mapping in JavaScript, not a second one in the module).
pub fn consent_mode(kind: &str, mask: u8) {
    let Some(mode) = state::mode_fn() else { return };
    dom::call(mode, kind, Buf::new().decimal(u64::from(mask)), None);
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
