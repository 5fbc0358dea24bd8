//! Kapsel's consent banner: one script tag on a municipal page, nothing non-necessary before a choice.
//!
//! # How it fits together
//!
//! The page carries `<script type="module" src="/kapsel/kapsel.js" data-config="/kapsel.json">`
//! (or, on a page with the guard, `<script src="/kapsel/guard.js" data-config="/kapsel.json">`,
//! the guard with the same code as a classic script at its end: `kapsel-classic.js`).
//! `kapsel.js` is the wasm-bindgen `--target web` glue with a few lines of bootstrap appended
//! (`js/stored-choice.js`, `js/bootstrap.js`): it finds its own tag, fetches the wasm for the
//! page's language (`kapsel_nb.wasm`, `kapsel_nn.wasm` or `kapsel_en.wasm`: the texts are compiled
//! in, see [`texts`]) and the resolved site declaration in parallel, and once the document is
//! parsed calls [`api::start`] with the page's `document`, the parsed declaration (or `null` when
//! it is missing or broken), its Google Consent Mode function (granted categories to
//! `gtag('consent', …)` in `dataLayer`) and the stored choice it read. It then routes every
//! `click` on the document to [`api::on_click`] and publishes `window.kapsel` (`show`, `acceptAll`,
//! `rejectAll`, `accept([…])`, `consent()`). Everything else is Rust.
//!
//! * [`config`] keeps the parsed declaration as a JS object and reads it with `Reflect` (no serde:
//!   it would cost more wasm than the whole banner). One that does not hold together is treated as
//!   absent: fail closed — nothing but necessary, and a necessary-only button.
//! * [`record`] encodes the `kapsel_consent` cookie (`1~necessary.statistics~<unix
//!   seconds>~<percent-encoded revision>~<receipt id>~<FNV-1a check>`). The bootstrap reads it back
//!   (`js/stored-choice.js`, the same reader the guard has) and hands [`api::start`] the verdict:
//!   anything that does not read exactly counts as no consent. (Strings are cheaper to take apart
//!   in JavaScript than through the glue.) [`cookies`] writes and deletes cookies (every parent
//!   domain and path).
//! * [`gate`] activates `type="text/plain" data-consent=…` scripts (a clone with the real type,
//!   `async=false`, so they run in document order; attributes and nonce come along) and
//!   `data-consent` + `data-src` iframes, and puts a placeholder (service, reason, allow button, the
//!   iframe's size) in front of every iframe still blocked; the stylesheet hides an iframe that
//!   follows a placeholder.
//! * [`signals`] speaks to the outside: Google Consent Mode v2 (`default` before any gated script,
//!   `update` after every choice), the Meta pixel's `fbq('consent', …)`, Global Privacy Control.
//! * [`banner`] builds the first layer, the settings layer (a switch per category, with the services
//!   and cookies the declaration lists) and the persistent reopen control, through [`markup`]: Kapsel's
//!   own constant markup inserted in one `insertAdjacentHTML`, then every text from the declaration put
//!   in with `textContent` — never parsed as HTML. [`texts`] holds the nb/nn/en wording (by
//!   `<html lang>`, the catalogue's `Lang` rule), [`style`] the CSS, adopted as a constructable
//!   stylesheet (no `<style>`, no `style` attribute: strict CSP is fine).
//! * The catalogue crate (`kapsel-catalogue`, linked without its `std` feature) gives the category
//!   ids (`Category`) and the rule for the cookie-name patterns the declaration is written in
//!   (`pattern::matches`); [`mask`] turns sets of categories into the bit masks the record, gates
//!   and switches pass around.
//! * [`dom`] is the browser, with web-sys's types: few distinct imported methods, since each
//!   costs JS glue; properties are read and written through `Reflect`, and the page's `document`
//!   comes from the bootstrap (see there). [`bytes`] holds byte-level string helpers.
//! * [`state`] holds the few globals (the declaration, the current choice); no borrow of them is kept
//!   across a call into JS, so re-entrant calls from page scripts are safe.
//!
//! # A choice
//!
//! Saving a choice writes the cookie (lifetime from the declaration, 180 days by default), updates
//! Consent Mode and the pixel, deletes the listed first-party cookies of every category not granted,
//! and fires `kapsel:consent` on `document`. When a category that was active on this page is
//! withdrawn, the page reloads so that scripts already running stop; otherwise newly allowed scripts
//! and iframes start at once, without a reload. A new declaration revision or an expired consent asks
//! again; a refusal is kept as long as a consent. With Global Privacy Control, "accept all" leaves
//! marketing off (the visitor can still switch it on).
//!
//! # Accessibility
//!
//! A non-modal `role="dialog"` (no `aria-modal`, no focus trap) first in `<body>`, named by its
//! heading and described by its first paragraph, `lang` set; focus moves in when it opens and back
//! (or to the reopen control) when it closes; native buttons and checkbox switches, a visible
//! `:focus-visible` ring, contrast ≥ 4.5:1, reflow at 320 px, motion only without
//! `prefers-reduced-motion: reduce`. The end-to-end tests run axe-core on every layer.
//!
//! # Size
//!
//! Everything the browser fetches for the banner should stay small: the target is 15 KB gzip
//! (15,360 B), with consent receipts on as well; with the guard first in `<head>` (one tag, the
//! guard with `kapsel-classic.js` at its end) 16,384 B. `bench/banner/run.sh` (2026-12-06)
//! measured 14,651 B gzip -9 for a Bokmål page (`kapsel.js` 1,876 + `kapsel_nb.wasm` 12,775; the
//! CSS is in the wasm), 14,935 B for the same page whose declaration names a receipt service (plus
//! `kapsel-receipts.js`, 284 B: the receipt id and the sendBeacon, fetched only then) and 16,193 B
//! with the guard (`guard.js` 3,418), against 20,489 B for vanilla-cookieconsent with
//! iframemanager. How:
//!
//! * one wasm per language ([`texts`]): a visitor fetches one language's wording, not three;
//! * `no_std` with `alloc` on wasm32 (web-sys, js-sys and the catalogue all without `std`), a bump
//!   arena as allocator ([`heap`]) that never returns null, a panic handler that only traps, no
//!   string formatting and no panicking division or indexing, and text built in [`buf`]'s buffers
//!   rather than `String`/`Vec`, whose growth paths and their panic messages cost half a kilobyte;
//! * few, plain imports ([`dom`]): properties through `Reflect`, methods returning bare `JsValue`s,
//!   no exception plumbing, no wasm-bindgen `static` globals (the bootstrap hands over
//!   `document`), no closures (the bootstrap wires events to exports);
//! * markup as data rather than one DOM call per element ([`markup`]); each language's texts as one
//!   string split at start; cookie names matched against declared patterns without building them
//!   (`kapsel_catalogue::pattern::matches`); retention worded by `kapsel catalogue resolve`, not here;
//! * what JavaScript does in fewer bytes than the glue lets wasm do it: reading the stored choice
//!   (`js/stored-choice.js`) and mapping categories to Consent Mode (`js/bootstrap.js`);
//! * in `scripts/build-banner.sh`: wasm-bindgen's loader replaced by the bootstrap's few lines, its
//!   string and memory helpers by plain ones, its pass-through export wrappers by the exports
//!   themselves (`js/trim-glue.mjs`), short import and export names, with the exports nothing
//!   reads dropped (`js/shrink-imports.mjs`), terser with ES2020 output, the panic messages and source paths precompiled std brings
//!   zeroed (`js/blank-panic-data.mjs`: only panic formatting reads them, and this panic handler
//!   formats nothing), and `wasm-opt` (-Oz, flatten and re-loop, -Oz); LLVM's inline threshold is
//!   raised for wasm32 (`.cargo/config.toml`).
//!
//! Where the bytes go (sections gzipped one by one, Bokmål build): code 10.3 KB — the banner's own
//! (layers, gates, the choice, cookie deletion, declaration checks) and the JS value plumbing
//! around every import (externref table slots, strings copied in and out); data 2.7 KB, of which
//! the CSS 0.86 KB and the texts 0.63 KB; the import, export and type tables 0.5 KB; the JS glue
//! 1.3 KB. The `std` feature exists for the wasm tests only (wasm-bindgen-test needs std).
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

pub mod api;
pub mod banner;
pub mod buf;
pub mod bytes;
pub mod config;
pub mod cookies;
pub mod dom;
pub mod gate;
pub mod heap;
pub mod markup;
pub mod mask;
pub mod record;
pub mod signals;
pub mod state;
pub mod style;
pub mod texts;

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[global_allocator]
static ALLOCATOR: heap::Heap = heap::Heap;

#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
