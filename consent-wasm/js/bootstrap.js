
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
  kapselUrl ? fetch(kapselUrl, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : null)).catch(() => null) : null,
]).then(([{ instance, module }, declaration]) => {
  // The module's exports take and return plain JS values: no wrappers (trim-glue.mjs drops them).
  const k = __wbg_finalize_init(instance, module);
  self.kapsel = { show: k.show, acceptAll: k.accept_all, rejectAll: k.reject_all, accept: k.accept, consent: k.consent };
  document.addEventListener("click", k.on_click);
  // Receipts (receipts/README.md): with a receipt service in the declaration, the visitor's receipt
  // id is the one their consent record keeps, else a fresh UUID v4 (crypto.randomUUID: the CSPRNG of
  // getRandomValues; secure contexts only — elsewhere no id, no receipts). The banner writes it into
  // the record; every saved choice goes out with sendBeacon: nothing waits for it, it outlives the
  // reload a withdrawal causes, and a dead service changes nothing for the visitor.
  const receipts = declaration && declaration.receipts;
  const id = receipts && (document.cookie.match(/consent=1~[^;]*~([\w-]{36})~/)?.[1] || crypto.randomUUID?.());
  k.start(document, declaration, function () { (self.dataLayer = self.dataLayer || []).push(arguments); }, id);
  // The receipt holds what only the page knows; the service derives site, revision, refused and
  // the method from it (the consent object starts with the four categories).
  if (id) document.addEventListener("kapsel:consent", ({ detail }) => navigator.sendBeacon(receipts, JSON.stringify({
    id, declaration, granted: Object.keys(detail).slice(0, 4).filter((c) => detail[c]),
    lang: kapselLang, banner: "KAPSEL_VERSION", at: new Date().toISOString(),
  })));
});
