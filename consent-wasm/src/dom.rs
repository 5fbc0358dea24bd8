//! The browser, as far as the banner touches it: web-sys for the DOM, js-sys for the JS built-ins
//! (`Array`, `Object`, `Date`), and a few helpers over them.
//!
//! Every imported method costs JS glue and a wasm import, so the banner calls few distinct ones:
//! UI goes in with `insertAdjacentHTML` (see [`crate::markup`]), declaration objects are read with
//! `Reflect.get`, array-likes are walked through `Array.from`.
//!
//! Methods web-sys marks as throwing (`setAttribute`, `querySelectorAll`, `location.hostname`,
//! `document.cookie` …) are bound here on [`Obj`] without exception handling: web-sys's `Result`
//! costs a `try`/`catch` wrapper in the JS glue and an exception check at every call site in the
//! wasm, for errors the banner cannot cause (constant selectors, attribute names and positions)
//! or that only a broken page raises (an exception then ends the call into the banner, before
//! anything non-necessary runs). Calls into page code (`fbq`, the Consent Mode function) are not caught
//! either: they come after everything else a choice does ([`call`]).
//! `Reflect.get`/`set` and `Function.prototype.call` take `&str` keys and arguments directly (no
//! JS string made first), and strings are read with `typeof` and `String(…)`.
//!
//! Properties of the browser's objects (`document.cookie`, `location.hostname`, `event.target`,
//! `iframe.offsetWidth` …) are read and written with `Reflect.get`/`Reflect.set` too, and methods
//! are bound to return plain `JsValue`s, checked in Rust: a binding of its own per property, or
//! one that returns a string or an optional object, costs a glue function each with its own
//! string copying or null check, where two shared ones do. web-sys gives the types.
//!
//! The page's `document` is handed over by the bootstrap at start ([`set_document`]) and kept;
//! `location` and `defaultView` (the window, for what web-sys has no binding for at all:
//! `navigator.globalPrivacyControl`, a draft standard, and the page's own `fbq`) are read from it.
//! web-sys reaches these only through `window()`, which goes through `js_sys::global()` (four
//! guarded global lookups and an `instanceof Window` check), and a wasm-bindgen `static` binding
//! of a global brings a lazily initialised cell with poisoning checks: about 350 B gzip more.

use alloc::string::String;
use js_sys::Object;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub use web_sys::{Element as El, Event as Ev};

#[wasm_bindgen]
extern "C" {
    /// Any DOM object, for the methods the banner binds itself: without web-sys's exception
    /// handling (a `Result` per call, unpacked in wasm and wrapped in JS), for calls that can only
    /// throw on a broken page. Such an exception ends the call into the banner.
    pub type Obj;
    #[wasm_bindgen(method, js_name = setAttribute)]
    fn set_attribute(this: &Obj, name: &str, value: &str);
    #[wasm_bindgen(method, js_name = getAttribute)]
    fn get_attribute(this: &Obj, name: &str) -> JsValue;
    #[wasm_bindgen(method, js_name = removeAttribute)]
    fn remove_attribute(this: &Obj, name: &str);
    #[wasm_bindgen(method, js_name = querySelectorAll)]
    fn query_selector_all(this: &Obj, selector: &str) -> JsValue;
    #[wasm_bindgen(method, js_name = getElementById)]
    fn get_element_by_id(this: &Obj, id: &str) -> JsValue;
    #[wasm_bindgen(method, js_name = insertAdjacentHTML)]
    fn insert_adjacent_html(this: &Obj, position: &str, html: &str);
    #[wasm_bindgen(method, js_name = replaceWith)]
    fn replace_with(this: &Obj, node: &Obj);
    #[wasm_bindgen(method, js_name = cloneNode)]
    fn clone_node(this: &Obj, deep: bool) -> JsValue;
    #[wasm_bindgen(method, js_name = focus)]
    fn focus_(this: &Obj);
    #[wasm_bindgen(method, js_name = remove)]
    fn remove_(this: &Obj);
    #[wasm_bindgen(method, js_name = setProperty)]
    fn set_property(this: &Obj, name: &str, value: &str);
    #[wasm_bindgen(method, js_name = reload)]
    fn reload_(this: &Obj);
    #[wasm_bindgen(method, js_name = replaceSync)]
    fn replace_sync(this: &Obj, css: &str);
    #[wasm_bindgen(method, js_name = dispatchEvent)]
    fn dispatch_event(this: &Obj, event: &Obj);
    #[wasm_bindgen(method, js_name = preventDefault)]
    fn prevent_default(this: &Obj);
    #[wasm_bindgen(method, js_name = push)]
    fn push(this: &Obj, value: &JsValue);
    #[wasm_bindgen(method, js_name = closest)]
    fn closest_(this: &Obj, selector: &str) -> JsValue;
    #[wasm_bindgen(method, js_name = call)]
    fn call2(this: &Obj, this_arg: &JsValue, a: &str, b: &str);
    #[wasm_bindgen(method, js_name = call)]
    fn call3(this: &Obj, this_arg: &JsValue, a: &str, b: &str, c: &JsValue);
    #[wasm_bindgen(js_name = String)]
    fn js_string(value: &JsValue) -> String;
    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn reflect_get(obj: &JsValue, key: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn reflect_set(obj: &JsValue, key: &str, value: &JsValue);
    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn reflect_get_index(obj: &JsValue, index: u32) -> JsValue;
    /// Whether a value is an array (`Array.isArray`).
    #[wasm_bindgen(js_namespace = Array, js_name = isArray)]
    pub fn is_array(value: &JsValue) -> bool;
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;

    /// `CSSStyleSheet`.
    #[wasm_bindgen(js_name = CSSStyleSheet)]
    type Sheet;
    #[wasm_bindgen(constructor, js_class = "CSSStyleSheet")]
    fn new() -> Sheet;

    /// `CustomEvent`.
    #[wasm_bindgen(js_name = CustomEvent)]
    type Custom;
    #[wasm_bindgen(constructor, js_class = "CustomEvent")]
    fn new(kind: &str, init: &JsValue) -> Custom;
}

/// The page's `document`, handed over by the bootstrap ([`set_document`]).
struct Document(core::cell::UnsafeCell<JsValue>);
// SAFETY: wasm32-unknown-unknown without atomics runs one thread.
unsafe impl Sync for Document {}
static DOCUMENT: Document = Document(core::cell::UnsafeCell::new(JsValue::UNDEFINED));

/// Keeps the page's `document` (once, at start; `undefined` until then).
pub fn set_document(document: JsValue) {
    // SAFETY: single thread; no reference from `doc()` is alive while the banner starts.
    unsafe { *DOCUMENT.0.get() = document }
}

fn doc() -> &'static JsValue {
    // SAFETY: single thread; written once, by `set_document`, before anything reads it.
    unsafe { &*DOCUMENT.0.get() }
}

fn obj(v: &impl JsCast) -> &Obj {
    v.unchecked_ref()
}

/// A property of one of the browser's own objects (getters run).
fn prop(of: &impl AsRef<JsValue>, key: &str) -> JsValue {
    reflect_get(of.as_ref(), key)
}

/// A string property of one of the browser's own objects.
fn prop_string(of: &impl AsRef<JsValue>, key: &str) -> String {
    js_string(&prop(of, key))
}

/// A value that is an element (or other object), or `None` for `null`/`undefined`.
fn element(value: JsValue) -> Option<El> {
    value.is_object().then(|| value.unchecked_into())
}

/// What the banner does with an element, over web-sys's `Element` (impossible errors dropped).
pub trait ElExt {
    /// `getAttribute` (`None` when absent).
    fn attr(&self, name: &str) -> Option<String>;
    /// `setAttribute` (Kapsel's own, valid attribute names).
    fn set(&self, name: &str, value: &str);
    /// `removeAttribute`.
    fn unset(&self, name: &str);
    /// `focus()`.
    fn focus(&self);
    /// `remove()`.
    fn detach(&self);
    /// `closest(selector)` (a valid selector).
    fn up(&self, selector: &str) -> Option<El>;
    /// `previousElementSibling`.
    fn before(&self) -> Option<El>;
    /// `isConnected`.
    fn connected(&self) -> bool;
    /// `offsetWidth` and `offsetHeight`, in CSS pixels.
    fn size(&self) -> [u64; 2];
    /// `insertAdjacentHTML` (Kapsel's own markup).
    fn insert_html(&self, position: &str, html: &str);
    /// `textContent = text`.
    fn set_text(&self, text: &str);
    /// `style.setProperty` (CSSOM: allowed under a strict `style-src`).
    fn set_style(&self, name: &str, value: &str);
    /// `cloneNode(true)`.
    fn deep_clone(&self) -> El;
    /// `replaceWith(new)`.
    fn replace_by(&self, new: &El);
}

impl ElExt for El {
    fn attr(&self, name: &str) -> Option<String> {
        string(&obj(self).get_attribute(name))
    }

    fn set(&self, name: &str, value: &str) {
        obj(self).set_attribute(name, value);
    }

    fn unset(&self, name: &str) {
        obj(self).remove_attribute(name);
    }

    fn focus(&self) {
        obj(self).focus_();
    }

    fn detach(&self) {
        obj(self).remove_();
    }

    fn up(&self, selector: &str) -> Option<El> {
        element(obj(self).closest_(selector))
    }

    fn before(&self) -> Option<El> {
        element(prop(self, "previousElementSibling"))
    }

    fn connected(&self) -> bool {
        prop(self, "isConnected").as_bool() == Some(true)
    }

    fn size(&self) -> [u64; 2] {
        ["offsetWidth", "offsetHeight"].map(|k| prop(self, k).as_f64().unwrap_or(0.0) as u64)
    }

    fn insert_html(&self, position: &str, html: &str) {
        obj(self).insert_adjacent_html(position, html);
    }

    fn set_text(&self, text: &str) {
        reflect_set(self, "textContent", &JsValue::from_str(text));
    }

    fn set_style(&self, name: &str, value: &str) {
        obj(&prop(self, "style")).set_property(name, value);
    }

    fn deep_clone(&self) -> El {
        obj(self).clone_node(true).unchecked_into()
    }

    fn replace_by(&self, new: &El) {
        obj(self).replace_with(obj(new));
    }
}

/// The element an event is aimed at, if it is one (a synthetic event may target the document or
/// the window: no `closest`).
pub fn target(event: &Ev) -> Option<El> {
    let t = prop(event, "target");
    get(&t, "closest").is_function().then(|| t.unchecked_into())
}

/// `event.preventDefault()`.
pub fn prevent_default(event: &Ev) {
    obj(event).prevent_default();
}

/// `document.getElementById`.
pub fn by_id(id: &str) -> Option<El> {
    element(obj(doc()).get_element_by_id(id))
}

/// Every element matching `selector` (one of Kapsel's constant selectors), in document order
/// (below `within` when given).
pub fn query_all(within: Option<&El>, selector: &str) -> impl Iterator<Item = El> {
    let list = match within {
        Some(e) => obj(e).query_selector_all(selector),
        None => obj(doc()).query_selector_all(selector),
    };
    items(list).map(JsCast::unchecked_into)
}

/// The items of an array or array-like (a static NodeList …), one by one; none for anything
/// else.
pub fn items(list: JsValue) -> Items {
    let len = if list.is_object() {
        prop(&list, "length").as_f64().unwrap_or(0.0) as u32
    } else {
        0
    };
    Items { list, next: 0, len }
}

/// An iterator over a JS array or static array-like.
pub struct Items {
    list: JsValue,
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
        Some(reflect_get_index(&self.list, self.next - 1))
    }
}

/// `obj[key]`, `undefined` when `obj` is not an object. Only plain data (the parsed declaration)
/// and the browser's own objects are read: no getter that could throw.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() || obj.is_function() {
        reflect_get(obj, key)
    } else {
        JsValue::UNDEFINED
    }
}

/// The value if it is a string (`JsValue::as_string`, through a plainer import).
pub fn string(value: &JsValue) -> Option<String> {
    value.is_string().then(|| js_string(value))
}

/// A property of the page's window (`fbq`, `navigator` …).
pub fn global(name: &str) -> JsValue {
    get(&prop(doc(), "defaultView"), name)
}

/// A fresh `{}`.
pub fn object() -> JsValue {
    Object::new().into()
}

/// `obj[key] = value` (`obj` one of the banner's own objects).
pub fn set_key(obj: &JsValue, key: &str, value: &JsValue) {
    reflect_set(obj, key, value);
}

/// Calls `f(a, b[, c])` when `f` is a function (the bootstrap's Consent Mode function or the page's
/// `fbq`). Not caught (a `catch` binding costs glue and an exception check at every call): what
/// page code throws ends the call into the banner, so callers make these calls after everything
/// a choice must do (see `api::choose`), or before anything non-necessary may run.
pub fn call(f: &JsValue, a: &str, b: &str, c: Option<&JsValue>) {
    if f.is_function() {
        let f = obj(f);
        match c {
            Some(c) => f.call3(&JsValue::UNDEFINED, a, b, c),
            None => f.call2(&JsValue::UNDEFINED, a, b),
        }
    }
}

/// Inserts Kapsel's constant markup into `<body>` (`afterbegin` or `beforeend`).
pub fn insert_in_body(position: &str, html: &str) {
    if let Some(body) = element(prop(doc(), "body")) {
        body.insert_html(position, html);
    }
}

/// `<html lang>`, or empty.
pub fn page_lang() -> String {
    element(prop(doc(), "documentElement"))
        .and_then(|root| root.attr("lang"))
        .unwrap_or_default()
}

/// `document.activeElement`.
pub fn active() -> Option<El> {
    element(prop(doc(), "activeElement"))
}

/// `document.cookie` (read; empty where cookies are unavailable).
pub fn cookie() -> String {
    prop_string(doc(), "cookie")
}

/// `document.cookie = value` (write one cookie).
pub fn set_cookie(value: &str) {
    reflect_set(doc(), "cookie", &JsValue::from_str(value));
}

/// `document.location`.
fn location() -> JsValue {
    prop(doc(), "location")
}

/// `location.hostname`.
pub fn hostname() -> String {
    prop_string(&location(), "hostname")
}

/// `location.pathname`.
pub fn pathname() -> String {
    prop_string(&location(), "pathname")
}

/// Whether the page is served over HTTPS.
pub fn secure() -> bool {
    prop_string(&location(), "protocol") == "https:"
}

/// `location.reload()`.
pub fn reload() {
    obj(&location()).reload_();
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    (date_now() / 1000.0) as u64
}

/// Adds `css` to the document as a constructable stylesheet (no `<style>`: CSP-safe).
pub fn adopt_css(css: &str) {
    let sheet = Sheet::new();
    obj(&sheet).replace_sync(css);
    obj(&prop(doc(), "adoptedStyleSheets")).push(&sheet);
}

/// Dispatches `CustomEvent(kind, {detail})` on `document`.
pub fn dispatch(kind: &str, detail: &JsValue) {
    let init = object();
    set_key(&init, "detail", detail);
    let event = Custom::new(kind, &init);
    obj(doc()).dispatch_event(obj(&event));
}
