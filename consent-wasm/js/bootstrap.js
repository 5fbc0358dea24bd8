
// Kapsel bootstrap, appended to the (trimmed) wasm-bindgen glue by scripts/build-banner.sh.
// Finds its own <script data-config>, loads the wasm and the declaration in parallel, then hands over
// to Rust. No inline script or style, no eval: works under script-src 'self' 'wasm-unsafe-eval'.
const kapselTag = [...document.querySelectorAll("script[data-config]")].find((s) => s.src === import.meta.url)
  || document.querySelector("script[data-config]");
const kapselUrl = kapselTag && kapselTag.dataset.config;
// One wasm per language (the texts are compiled in), picked by <html lang> with the catalogue's rule
// (texts::for_lang): nn… Nynorsk, en… English, Bokmål otherwise.
const kapselPageLang = document.documentElement.lang.toLowerCase().split(/[-_]/)[0];
const kapselLang = kapselPageLang == "nn" || kapselPageLang == "en" ? kapselPageLang : "nb";
const kapselImports = __wbg_get_imports();
const kapselLoad = (name) => {
  const url = new URL(name, import.meta.url);
  // Streaming compilation needs `Content-Type: application/wasm`; other servers get the plain way.
  return WebAssembly.instantiateStreaming(fetch(url), kapselImports).catch(() =>
    fetch(url).then((r) => r.arrayBuffer()).then((b) => WebAssembly.instantiate(b, kapselImports)));
};
Promise.all([
  // A site that serves only some of the languages still gets a banner: in Bokmål.
  kapselLoad(`kapsel_${kapselLang}.wasm`)
    .catch(() => kapselLoad("kapsel_nb.wasm")),
  // (fetch sends same-origin credentials by default: a declaration behind a login still loads.)
  kapselUrl ? fetch(kapselUrl).then((r) => (r.ok ? r.json() : null)).catch(() => null) : null,
]).then(([{ instance, module }, declaration]) => {
  // The module's exports take and return plain JS values: no wrappers (trim-glue.mjs drops them).
  const k = __wbg_finalize_init(instance, module);
  self.kapsel = { show: k.show, acceptAll: k.accept_all, rejectAll: k.reject_all, accept: k.accept, consent: k.consent };
  document.addEventListener("click", k.on_click);
  const go = (id) => k.start(document, declaration, function () { (self.dataLayer = self.dataLayer || []).push(arguments); }, id);
  // Receipts (receipts/README.md) are a module of their own (receipts.js, built as kapsel-receipts.js),
  // fetched only when the declaration names a receipt service: a page without one pays nothing for
  // them. If it cannot be loaded, the banner starts without receipts.
  declaration?.receipts
    ? import("./kapsel-receipts.js").then((m) => m.default(declaration, kapselLang, go), () => go())
    : go();
});
