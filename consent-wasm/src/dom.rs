//! The browser, as far as the banner touches it: hand-written wasm-bindgen imports (each one costs
//! JS glue, so only what is called) and a few element builders.

//! No js-sys: its generic machinery (closure adapters, futures) costs kilobytes the banner does not
//! use; the few JS built-ins needed (`Reflect`, `Array.from`, `Function.prototype.call`) are bound
//! here directly, with `&str` keys.

use alloc::string::String;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// Any DOM element.
    #[derive(Clone)]
    pub type El;
    /// A JS array.
    pub type Arr;
    /// A JS function.
    pub type Func;
    /// A DOM event.
    pub type Ev;
    /// `document`.
    pub type Doc;
    /// `location`.
    pub type Loc;
    /// An element's `style` (CSSStyleDeclaration).
    pub type Style;
    /// A constructable stylesheet.
    #[wasm_bindgen(js_name = CSSStyleSheet)]
    pub type Sheet;

    #[wasm_bindgen(thread_local_v2, js_name = document)]
    static DOC: Doc;
    #[wasm_bindgen(thread_local_v2, js_name = location)]
    static LOC: Loc;
    #[wasm_bindgen(thread_local_v2, js_name = globalThis)]
    static GLOBAL: JsValue;

    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn reflect_set(target: &JsValue, key: &str, value: &JsValue) -> bool;
    #[wasm_bindgen(js_namespace = Array, js_name = isArray)]
    fn array_is_array(value: &JsValue) -> bool;
    #[wasm_bindgen(js_namespace = Array, js_name = from)]
    fn array_from(value: &JsValue) -> Arr;
    #[wasm_bindgen(method, getter)]
    fn length(this: &Arr) -> u32;
    #[wasm_bindgen(method)]
    fn at(this: &Arr, index: u32) -> JsValue;
    #[wasm_bindgen(method)]
    fn push(this: &Arr, value: &JsValue);
    #[wasm_bindgen(js_name = Object)]
    type Obj;
    #[wasm_bindgen(constructor, js_class = "Object")]
    fn new() -> Obj;
    #[wasm_bindgen(method, catch, js_name = call)]
    fn call2(this: &Func, ctx: &JsValue, a: &str, b: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = call)]
    fn call3(this: &Func, ctx: &JsValue, a: &str, b: &str, c: &JsValue)
        -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = document, js_name = createElement)]
    fn create_element(tag: &str) -> El;
    #[wasm_bindgen(js_namespace = document, js_name = getElementById)]
    fn get_element_by_id(id: &str) -> Option<El>;
    #[wasm_bindgen(js_namespace = document, js_name = querySelectorAll)]
    fn document_query_all(selector: &str) -> JsValue;
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
    #[wasm_bindgen(js_namespace = location, js_name = reload)]
    fn location_reload();

    #[wasm_bindgen(method, getter)]
    fn cookie(this: &Doc) -> String;
    #[wasm_bindgen(method, setter)]
    fn set_cookie(this: &Doc, value: &str);
    #[wasm_bindgen(method, getter)]
    fn body(this: &Doc) -> El;
    #[wasm_bindgen(method, getter = documentElement)]
    fn root(this: &Doc) -> El;
    #[wasm_bindgen(method, getter = activeElement)]
    fn active_element(this: &Doc) -> Option<El>;
    #[wasm_bindgen(method, getter = adoptedStyleSheets)]
    fn adopted(this: &Doc) -> Arr;
    #[wasm_bindgen(method, js_name = dispatchEvent)]
    fn dispatch(this: &Doc, event: &JsValue) -> bool;

    #[wasm_bindgen(method, getter)]
    fn hostname(this: &Loc) -> String;
    #[wasm_bindgen(method, getter)]
    fn pathname(this: &Loc) -> String;
    #[wasm_bindgen(method, getter)]
    fn protocol(this: &Loc) -> String;

    #[wasm_bindgen(constructor, js_class = "CSSStyleSheet")]
    fn new() -> Sheet;
    #[wasm_bindgen(method, js_name = replaceSync)]
    fn replace_sync(this: &Sheet, css: &str);

    #[wasm_bindgen(js_name = CustomEvent)]
    type CustomEvent;
    #[wasm_bindgen(constructor, js_class = "CustomEvent")]
    fn new(kind: &str, init: &JsValue) -> CustomEvent;

    /// `setAttribute`.
    #[wasm_bindgen(method, js_name = setAttribute)]
    pub fn set(this: &El, name: &str, value: &str);
    /// `getAttribute`.
    #[wasm_bindgen(method, js_name = getAttribute)]
    pub fn attr(this: &El, name: &str) -> Option<String>;
    /// `removeAttribute`.
    #[wasm_bindgen(method, js_name = removeAttribute)]
    pub fn unset(this: &El, name: &str);
    /// `cloneNode(true)`.
    #[wasm_bindgen(method, js_name = cloneNode)]
    fn clone_deep(this: &El, deep: bool) -> El;
    /// `textContent` (write): text only, never HTML.
    #[wasm_bindgen(method, setter = textContent)]
    pub fn set_text(this: &El, text: &str);
    /// `innerHTML` (write; only Kapsel's constant markup, see [`crate::markup`]).
    #[wasm_bindgen(method, setter = innerHTML)]
    pub fn set_inner_html(this: &El, html: &str);
    /// `append`.
    #[wasm_bindgen(method)]
    pub fn append(this: &El, child: &El);
    /// `prepend`.
    #[wasm_bindgen(method)]
    pub fn prepend(this: &El, child: &El);
    /// `before`: insert a sibling before this element.
    #[wasm_bindgen(method)]
    pub fn before(this: &El, sibling: &El);
    /// `replaceWith`.
    #[wasm_bindgen(method, js_name = replaceWith)]
    pub fn replace_with(this: &El, other: &El);
    /// `remove`.
    #[wasm_bindgen(method)]
    pub fn remove(this: &El);
    /// `closest`.
    #[wasm_bindgen(method)]
    pub fn closest(this: &El, selector: &str) -> Option<El>;
    /// `querySelectorAll` below this element.
    #[wasm_bindgen(method, js_name = querySelectorAll)]
    fn query_all_in(this: &El, selector: &str) -> JsValue;
    /// `focus`.
    #[wasm_bindgen(method)]
    pub fn focus(this: &El);
    /// `isConnected`.
    #[wasm_bindgen(method, getter = isConnected)]
    pub fn connected(this: &El) -> bool;
    /// `async` (scripts, write).
    #[wasm_bindgen(method, setter = async)]
    pub fn set_async(this: &El, on: bool);
    /// `offsetWidth`.
    #[wasm_bindgen(method, getter = offsetWidth)]
    pub fn width(this: &El) -> f64;
    /// `offsetHeight`.
    #[wasm_bindgen(method, getter = offsetHeight)]
    pub fn height(this: &El) -> f64;
    /// `previousElementSibling`.
    #[wasm_bindgen(method, getter = previousElementSibling)]
    pub fn previous(this: &El) -> Option<El>;
    /// `style` (CSSOM: allowed under a strict style-src, unlike a `style` attribute).
    #[wasm_bindgen(method, getter)]
    pub fn style(this: &El) -> Style;
    /// `style.setProperty`.
    #[wasm_bindgen(method, js_name = setProperty)]
    pub fn set_property(this: &Style, name: &str, value: &str, priority: &str);
    /// `style.removeProperty`.
    #[wasm_bindgen(method, js_name = removeProperty)]
    pub fn remove_property(this: &Style, name: &str) -> String;

    /// `event.target`.
    #[wasm_bindgen(method, getter)]
    pub fn target(this: &Ev) -> Option<El>;
    /// `event.preventDefault()`.
    #[wasm_bindgen(method, js_name = preventDefault)]
    pub fn prevent_default(this: &Ev);
}

impl El {
    /// A deep clone (`cloneNode(true)`).
    pub fn clone_node(&self) -> El {
        self.clone_deep(true)
    }
}

/// `document.createElement(tag)`.
pub fn el(tag: &str) -> El {
    create_element(tag)
}

/// `document.getElementById`.
pub fn by_id(id: &str) -> Option<El> {
    get_element_by_id(id)
}

/// Every element matching `selector`, in document order (below `within` when given).
pub fn query_all(within: Option<&El>, selector: &str) -> impl Iterator<Item = El> {
    let list = match within {
        Some(e) => e.query_all_in(selector),
        None => document_query_all(selector),
    };
    items(&list).map(JsCast::unchecked_into)
}

/// The items of an array or array-like (NodeList, attribute names …), one by one; none for
/// anything else.
pub fn items(list: &JsValue) -> Items {
    let arr = list.is_object().then(|| array_from(list));
    let len = arr.as_ref().map_or(0, Arr::length);
    Items { arr, next: 0, len }
}

/// An iterator over a JS array (a static copy of an array-like, taken by `Array.from`).
pub struct Items {
    arr: Option<Arr>,
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
        Some(self.arr.as_ref()?.at(self.next - 1))
    }
}

/// Whether a value is an array.
pub fn is_array(value: &JsValue) -> bool {
    array_is_array(value)
}

/// `obj[key]`, `undefined` when `obj` is not an object.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() || obj.is_function() {
        reflect_get(obj, key)
    } else {
        JsValue::UNDEFINED
    }
}

/// A global (`globalThis[name]`).
pub fn global(name: &str) -> JsValue {
    GLOBAL.with(|g| reflect_get(g, name))
}

/// A fresh `{}`.
pub fn object() -> JsValue {
    Obj::new().into()
}

/// `obj[key] = value`.
pub fn set_key(obj: &JsValue, key: &str, value: &JsValue) {
    reflect_set(obj, key, value);
}

/// Calls `f(a, b[, c])` when `f` is a function; exceptions are swallowed.
pub fn call(f: &JsValue, a: &str, b: &str, c: Option<&JsValue>) {
    if f.is_function() {
        let f: &Func = f.unchecked_ref();
        let _ = match c {
            Some(c) => f.call3(&JsValue::UNDEFINED, a, b, c),
            None => f.call2(&JsValue::UNDEFINED, a, b),
        };
    }
}

/// `document.body`.
pub fn body() -> El {
    DOC.with(Doc::body)
}

/// `<html lang>`, or empty.
pub fn page_lang() -> String {
    DOC.with(|d| d.root().attr("lang")).unwrap_or_default()
}

/// `document.activeElement`.
pub fn active() -> Option<El> {
    DOC.with(Doc::active_element)
}

/// `document.cookie` (read).
pub fn cookie() -> String {
    DOC.with(Doc::cookie)
}

/// `document.cookie = value` (write one cookie).
pub fn set_cookie(value: &str) {
    DOC.with(|d| d.set_cookie(value))
}

/// `location.hostname`.
pub fn hostname() -> String {
    LOC.with(Loc::hostname)
}

/// `location.pathname`.
pub fn pathname() -> String {
    LOC.with(Loc::pathname)
}

/// Whether the page is served over HTTPS.
pub fn secure() -> bool {
    LOC.with(Loc::protocol) == "https:"
}

/// `location.reload()`.
pub fn reload() {
    location_reload()
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    (date_now() / 1000.0) as u64
}

/// Adds `css` to the document as a constructable stylesheet (no `<style>`: CSP-safe).
pub fn adopt_css(css: &str) {
    let sheet = Sheet::new();
    sheet.replace_sync(css);
    DOC.with(|d| d.adopted().push(&sheet));
}

/// Dispatches `CustomEvent(kind, {detail})` on `document`.
pub fn dispatch(kind: &str, detail: &JsValue) {
    let init = object();
    set_key(&init, "detail", detail);
    let event: JsValue = CustomEvent::new(kind, &init).into();
    DOC.with(|d| d.dispatch(&event));
}
