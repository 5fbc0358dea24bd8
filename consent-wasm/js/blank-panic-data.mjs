// Blanks (zeroes) the data only Rust's panic formatting reads: the source paths of panic locations
// (`/rustc/<hash>/library/…/raw_vec/mod.rs`, `<cargo registry>/…/jspi.rs`), the panic messages of
// alloc and core (`capacity overflow` …) and core::fmt's two-digit table. The banner's panic
// handler traps without formatting anything, so nothing reads these bytes; precompiled std keeps
// them in the data segment all the same (stable Rust cannot rebuild std without them), and
// wasm-opt neither drops unreferenced data nor knows it is dead. Zeroed, wasm-opt's memory packing
// cuts the runs out of the module: about 450 B gzip.
// Usage: node blank-panic-data.mjs kapsel_bg.wasm   (rewritten in place; exits 2 if nothing matched,
// which means the toolchain changed and this list needs a look)
import { readFileSync, writeFileSync } from "node:fs";
import { sections } from "./wasm-sections.mjs";

const [path] = process.argv.slice(2);
const wasm = readFileSync(path);

// Only inside the data section: never code, names or imports.
const section = [...sections(wasm)].find((s) => s.id === 11);
const data = section && [section.start, section.end];
if (!data) {
  console.error(`blank-panic-data: ${path}: no data section`);
  process.exit(2);
}

// Exact texts and tightly bounded shapes only: a path is a whole run of printable characters
// without spaces, starting with `/` and ending in `.rs`, which no text of the banner is.
const digits = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0")).join("");
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const patterns = [
  /(?<![!-~])\/rustc\/[0-9a-f]{40}\/library\/[!-~]+?\.rs(?![!-~])/g,
  /(?<![!-~])\/[!-~]*?\/registry\/src\/[!-~]+?\.rs(?![!-~])/g,
  ...[
    "capacity overflow",
    "memory allocation of ",
    " bytes failed",
    "Tried to shrink to a larger capacity",
    "RefCell already mutably borrowed",
    "RefCell already borrowed",
    "LazyCell instance has previously been poisoned",
    "internal error: entered unreachable code",
    // wasm-bindgen's closure guard: the banner passes no closure to JS.
    "closure invoked recursively or after being dropped",
    digits,
  ].map((s) => new RegExp(escape(s), "g")),
];

const text = wasm.subarray(data[0], data[1]).toString("latin1");
let blanked = 0, found = 0;
for (const re of patterns) {
  for (const m of text.matchAll(re)) {
    wasm.fill(0, data[0] + m.index, data[0] + m.index + m[0].length);
    blanked += m[0].length;
    found++;
  }
}
if (found === 0) {
  console.error(`blank-panic-data: ${path}: no panic data found; check consent-wasm/js/blank-panic-data.mjs`);
  process.exit(2);
}
writeFileSync(path, wasm);
console.error(`blank-panic-data: zeroed ${blanked} bytes in ${found} places`);
