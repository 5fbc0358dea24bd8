
// Kapsel bootstrap, appended to the wasm-bindgen glue by scripts/build-banner.sh.
// Finds its own <script data-config>, loads the wasm and the declaration in parallel, then hands over
// to Rust. No inline script or style, no eval: works under script-src 'self' 'wasm-unsafe-eval'.
const kapselTag = [...document.querySelectorAll("script[data-config]")].find((s) => s.src === import.meta.url)
  || document.querySelector("script[data-config]");
const kapselUrl = kapselTag && kapselTag.dataset.config;
Promise.all([
  __wbg_init(),
  kapselUrl ? fetch(kapselUrl, { credentials: "same-origin" }).then((r) => (r.ok ? r.json() : null)).catch(() => null) : null,
]).then(([, declaration]) => {
  self.kapsel = { show, acceptAll: accept_all, rejectAll: reject_all, accept, consent };
  document.addEventListener("click", on_click);
  start(declaration, function () { (self.dataLayer = self.dataLayer || []).push(arguments); });
});
