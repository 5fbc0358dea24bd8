//! The banner's few globals. wasm32 runs one thread; every accessor copies in or out, so no
//! reference into mutable state lives across a call into JS (page scripts may call back in).

use crate::config::Config;
use crate::dom::El;
use crate::texts::Texts;
use core::cell::UnsafeCell;
use wasm_bindgen::JsValue;

struct Global<T>(UnsafeCell<T>);
// SAFETY: wasm32-unknown-unknown without atomics runs one thread.
unsafe impl<T> Sync for Global<T> {}

/// The visitor's current choice, as active on this page.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Choice {
    /// Granted categories (necessary always).
    pub mask: u8,
    /// Whether the visitor has chosen (for this revision, within the lifetime).
    pub decided: bool,
    /// When, in Unix seconds (0 when undecided).
    pub time: u64,
}

struct Page {
    started: bool,
    config: Option<Config>,
    texts: Texts,
    choice: Choice,
    categories: u8,
    gpc: bool,
    mode: Option<JsValue>,
    focus_back: Option<El>,
    receipt_id: Option<JsValue>,
}

static PAGE: Global<Page> = Global(UnsafeCell::new(Page {
    started: false,
    config: None,
    texts: Texts::EMPTY,
    choice: Choice {
        mask: crate::mask::NECESSARY,
        decided: false,
        time: 0,
    },
    categories: crate::mask::NECESSARY,
    gpc: false,
    mode: None,
    focus_back: None,
    receipt_id: None,
}));

fn page() -> &'static mut Page {
    // SAFETY: single thread; callers below never hold the reference across a call into JS.
    unsafe { &mut *PAGE.0.get() }
}

/// Records the start-up facts (once: `api::start` returns early when [`started`]).
pub fn init(config: Option<Config>, texts: Texts, gpc: bool, mode: Option<JsValue>) {
    let p = page();
    p.started = true;
    p.config = config;
    p.texts = texts;
    p.gpc = gpc;
    p.mode = mode;
}

/// Whether [`init`] ran.
pub fn started() -> bool {
    page().started
}

/// The declaration (`None`: missing or broken — fail closed). Never written after [`init`].
pub fn config() -> Option<&'static Config> {
    page().config.as_ref()
}

/// The page's texts.
pub fn texts() -> &'static Texts {
    &page().texts
}

/// Whether the browser sends Global Privacy Control.
pub fn gpc() -> bool {
    page().gpc
}

/// The bootstrap's Consent Mode function (see [`crate::signals::consent_mode`]). Never written
/// after [`init`].
pub fn mode_fn() -> Option<&'static JsValue> {
    page().mode.as_ref()
}

/// The current choice.
pub fn choice() -> Choice {
    page().choice
}

/// Replaces the current choice.
pub fn set_choice(choice: Choice) {
    page().choice = choice;
}

/// The categories offered in settings (declared or gated on the page; necessary always).
pub fn categories() -> u8 {
    page().categories
}

/// Sets the categories offered.
pub fn set_categories(mask: u8) {
    page().categories = mask | crate::mask::NECESSARY;
}

/// The receipt id (empty without a receipt service), kept in the consent record.
pub fn receipt_id() -> alloc::string::String {
    page()
        .receipt_id
        .as_ref()
        .and_then(crate::dom::string)
        .unwrap_or_default()
}

/// Sets the receipt id (once, at start).
pub fn set_receipt_id(id: JsValue) {
    page().receipt_id = Some(id);
}

/// Remembers where focus was when the banner opened (first opening wins).
pub fn remember_focus(el: Option<El>) {
    let p = page();
    if p.focus_back.is_none() {
        p.focus_back = el;
    }
}

/// Takes the remembered focus.
pub fn take_focus() -> Option<El> {
    page().focus_back.take()
}
