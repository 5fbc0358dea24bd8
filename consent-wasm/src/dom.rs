//! The browser, as far as the banner touches it: web-sys for the DOM, js-sys for the JS built-ins
//! (`Reflect`, `Array`, `Object`, `Function`, `Date`), and a few helpers over them.
//!
//! Every imported method costs JS glue and a wasm import, so the banner calls few distinct ones:
//! UI goes in with `insertAdjacentHTML` (see [`crate::markup`]), declaration objects are read with
//! `Reflect.get`, array-likes are walked through `Array.from`. Where a web-sys method reports an
//! exception the banner cannot cause (a constant selector, attribute name or position), the error
//! is dropped.
//!
//! One hand-written import remains: the `document` global. web-sys reaches it only through
//! `window()`, which goes through `js_sys::global()` (four guarded global lookups and an
//! `instanceof Window` check) for what is one identifier in JS. What web-sys has no binding for
//! at all — `navigator.globalPrivacyControl` (a draft standard) and the page's own `fbq` — is read
//! with `Reflect.get` on `document.defaultView`.

use alloc::string::String;
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, CustomEvent, CustomEventInit, HtmlDocument, HtmlElement, Location};

pub use web_sys::{Element as El, Event as Ev};

#[wasm_bindgen]
extern "C" {
    /// `document` (see the module documentation for why it is bound here).
    #[wasm_bindgen(thread_local_v2, js_name = document)]
    static DOC: HtmlDocument;
}

/// What the banner does with an element, over web-sys's `Element` (impossible errors dropped).
pub trait ElExt {
    /// `setAttribute` (Kapsel's own, valid attribute names).
    fn set(&self, name: &str, value: &str);
    /// `focus()`.
    fn focus(&self);
}

impl ElExt for El {
    fn set(&self, name: &str, value: &str) {
        let _ = self.set_attribute(name, value);
    }

    fn focus(&self) {
        let _ = self.unchecked_ref::<HtmlElement>().focus();
    }
}

/// `document.getElementById`.
pub fn by_id(id: &str) -> Option<El> {
    DOC.with(|d| d.get_element_by_id(id))
}

/// Every element matching `selector` (one of Kapsel's constant selectors), in document order
/// (below `within` when given).
pub fn query_all(within: Option<&El>, selector: &str) -> impl Iterator<Item = El> {
    let list = match within {
        Some(e) => e.query_selector_all(selector),
        None => DOC.with(|d| d.query_selector_all(selector)),
    };
    items(&list.map_or(JsValue::UNDEFINED, JsValue::from)).map(JsCast::unchecked_into)
}

/// The items of an array or array-like (NodeList …), one by one; none for anything else.
pub fn items(list: &JsValue) -> Items {
    let arr = list.is_object().then(|| Array::from(list));
    let len = arr.as_ref().map_or(0, Array::length);
    Items { arr, next: 0, len }
}

/// An iterator over a JS array (a static copy of an array-like, taken by `Array.from`).
pub struct Items {
    arr: Option<Array>,
    next: u32,
    len: u32,
}

impl Iterator for Items {
    type Item = JsValue;
    fn next(&mut self) -> Option<JsValue> {
        if self.next >= self.len {
            return None;
        }
        self.next += 1;
        Some(self.arr.as_ref()?.get(self.next - 1))
    }
}

/// Whether a value is an array.
pub fn is_array(value: &JsValue) -> bool {
    Array::is_array(value)
}

/// `obj[key]`, `undefined` when `obj` is not an object (or a getter throws).
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() || obj.is_function() {
        Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// A property of the page's window (`fbq`, `navigator` …).
pub fn global(name: &str) -> JsValue {
    get(&DOC.with(|d| d.default_view()).into(), name)
}

/// A fresh `{}`.
pub fn object() -> JsValue {
    Object::new().into()
}

/// `obj[key] = value` (`obj` one of the banner's own objects).
pub fn set_key(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// Calls `f(a, b[, c])` when `f` is a function; exceptions are swallowed.
pub fn call(f: &JsValue, a: &str, b: &str, c: Option<&JsValue>) {
    if let Some(f) = f.dyn_ref::<Function>() {
        let (a, b) = (JsValue::from_str(a), JsValue::from_str(b));
        let _ = match c {
            Some(c) => f.call3(&JsValue::UNDEFINED, &a, &b, c),
            None => f.call2(&JsValue::UNDEFINED, &a, &b),
        };
    }
}

/// Inserts Kapsel's constant markup into `<body>` (`afterbegin` or `beforeend`).
pub fn insert_in_body(position: &str, html: &str) {
    if let Some(body) = DOC.with(|d| d.body()) {
        let _ = body.insert_adjacent_html(position, html);
    }
}

/// `<html lang>`, or empty.
pub fn page_lang() -> String {
    DOC.with(|d| d.document_element())
        .and_then(|root| root.get_attribute("lang"))
        .unwrap_or_default()
}

/// `document.activeElement`.
pub fn active() -> Option<El> {
    DOC.with(|d| d.active_element())
}

/// `document.cookie` (read; empty where cookies are unavailable).
pub fn cookie() -> String {
    DOC.with(|d| d.cookie()).unwrap_or_default()
}

/// `document.cookie = value` (write one cookie).
pub fn set_cookie(value: &str) {
    let _ = DOC.with(|d| d.set_cookie(value));
}

fn location() -> Option<Location> {
    DOC.with(|d| d.location())
}

/// `location.hostname`.
pub fn hostname() -> String {
    location()
        .and_then(|l| l.hostname().ok())
        .unwrap_or_default()
}

/// `location.pathname`.
pub fn pathname() -> String {
    location()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_default()
}

/// Whether the page is served over HTTPS.
pub fn secure() -> bool {
    location().and_then(|l| l.protocol().ok()).as_deref() == Some("https:")
}

/// `location.reload()`.
pub fn reload() {
    if let Some(l) = location() {
        let _ = l.reload();
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}

/// Adds `css` to the document as a constructable stylesheet (no `<style>`: CSP-safe).
pub fn adopt_css(css: &str) {
    if let Ok(sheet) = CssStyleSheet::new() {
        let _ = sheet.replace_sync(css);
        DOC.with(|d| d.adopted_style_sheets().push(&sheet));
    }
}

/// Dispatches `CustomEvent(kind, {detail})` on `document`.
pub fn dispatch(kind: &str, detail: &JsValue) {
    let init = CustomEventInit::new();
    init.set_detail(detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(kind, &init) {
        let _ = DOC.with(|d| d.dispatch_event(&event));
    }
}
