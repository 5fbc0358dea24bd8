
// Kapsel bootstrap, appended to the (trimmed) wasm-bindgen glue by scripts/build-banner.sh.
// Finds its own <script data-config>, loads the wasm and the declaration in parallel, then hands over
// to Rust once the document is parsed. No inline script or style, no eval: works under script-src
// 'self' 'wasm-unsafe-eval'. Built twice: kapsel.js, a module, where the next line stays as it is,
// and kapsel-classic.js, the same as a classic script (for the end of guard.js: one request for
// guard and banner), where the build puts `document.currentScript.src` in its place.
const kapselBase = import.meta.url;
const kapselTag = [...document.querySelectorAll("script[data-config]")].find((s) => s.src === kapselBase)
  || document.querySelector("script[data-config]");
const kapselUrl = kapselTag && kapselTag.dataset.config;
// One wasm per language (the texts are compiled in), picked by <html lang> with the catalogue's rule
// (texts::for_lang): nn… Nynorsk, en… English, Bokmål otherwise.
const kapselPageLang = document.documentElement.lang.toLowerCase().split(/[-_]/)[0];
const kapselLang = kapselPageLang == "nn" || kapselPageLang == "en" ? kapselPageLang : "nb";
const kapselImports = __wbg_get_imports();
const kapselLoad = (name) => {
  const url = new URL(name, kapselBase);
  // Streaming compilation needs `Content-Type: application/wasm`; other servers get the plain way.
  return WebAssembly.instantiateStreaming(fetch(url), kapselImports).catch(() =>
    fetch(url).then((r) => r.arrayBuffer()).then((b) => WebAssembly.instantiate(b, kapselImports)));
};
// One banner per page: a page that loads the banner twice (a guard.js that starts it, and the
// kapsel.js tag left in place) starts it once. (`window.kapsel` stays unset until the banner is up:
// pages wait for it.)
if (!document.kapselStarted) {
  document.kapselStarted = 1;
  Promise.all([
    // A site that serves only some of the languages still gets a banner: in Bokmål.
    kapselLoad(`kapsel_${kapselLang}.wasm`)
      .catch(() => kapselLoad("kapsel_nb.wasm")),
    // (fetch sends same-origin credentials by default: a declaration behind a login still loads.)
    kapselUrl ? fetch(kapselUrl).then((r) => (r.ok ? r.json() : null)).catch(() => null) : null,
    // A module runs once the document is parsed; a classic script in <head> (the guard's) earlier.
    document.readyState == "loading" && new Promise((r) => document.addEventListener("DOMContentLoaded", r)),
  ]).then(([{ instance, module }, declaration]) => {
    // The module's exports take and return plain JS values: no wrappers (trim-glue.mjs drops them).
    const k = __wbg_finalize_init(instance, module);
    self.kapsel = { show: k.show, acceptAll: k.accept_all, rejectAll: k.reject_all, accept: k.accept, consent: k.consent };
    document.addEventListener("click", k.on_click);
    // Google Consent Mode, for the module: `gtag('consent', kind, {…})` for the granted categories
    // `m` (decimal; bit n is necessary, preferences, statistics, marketing), pushed to `dataLayer` as
    // an `arguments` object, as gtag.js requires. The guard (guard/js/guard.js) maps them alike.
    const mode = (kind, m, o = {}) => {
      "ad_storage ad_user_data ad_personalization analytics_storage functionality_storage personalization_storage security_storage"
        .split(" ").forEach((s, i) => (o[s] = m & "8884221"[i] ? "granted" : "denied"));
      (function () { (self.dataLayer = self.dataLayer || []).push(arguments); })("consent", kind, o);
    };
    // The stored choice (stored-choice.js) for this declaration: its revision percent-encoded as the
    // record stores it (record.rs `percent`), its lifetime (6 months when it names none, as config.rs).
    const revision = [...new TextEncoder().encode(declaration?.revision)]
      .map((b, c) => (/[\w.-]/.test((c = String.fromCharCode(b))) ? c : "%" + b.toString(16).padStart(2, 0))).join("");
    const go = (id) => k.start(document, declaration, mode, id, kapselStored(revision, (declaration?.consent_lifetime_days ?? 180) | 0));
    // Receipts (receipts/README.md) are a module of their own (receipts.js, built as kapsel-receipts.js),
    // fetched only when the declaration names a receipt service: a page without one pays nothing for
    // them. If it cannot be loaded, the banner starts without receipts.
    declaration?.receipts
      ? import("./kapsel-receipts.js").then((m) => m.default(declaration, kapselLang, go), () => go())
      : go();
  });
}
