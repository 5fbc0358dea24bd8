// Renames the wasm-bindgen imports (`__wbg_append_e1dc9aecf07bcf8b` …) to short names in both the
// wasm module and its JS glue: the hashed names cost about 2 KB gzip in all, for nothing. The
// exports likewise: those the glue and bootstrap read (`wasm.__wbindgen_malloc`, `k.accept_all` …)
// get short names, and those nothing reads (wasm-bindgen's abort hooks, `__wbindgen_free` when no
// string leaves the module) go, so that wasm-opt can drop what only they reached.
// Usage: node shrink-imports.mjs kapsel_bg.wasm kapsel.js   (both rewritten in place)
import { readFileSync, writeFileSync } from "node:fs";
import { leb, sections } from "./wasm-sections.mjs";

const [wasmPath, jsPath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
let js = readFileSync(jsPath, "utf8");

function encodeLeb(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return Buffer.from(out);
}
function str(s) {
  const b = Buffer.from(s, "utf8");
  return Buffer.concat([encodeLeb(b.length), b]);
}
function shortName(i) {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let s = "";
  do {
    s += letters[i % letters.length];
    i = Math.floor(i / letters.length) - 1;
  } while (i >= 0);
  return "$" + s;
}

// The module name wasm-bindgen gives the glue's imports.
const glueModule = "./kapsel_bg.js";
const out = [wasm.subarray(0, 8)];
const renames = new Map();
// How the glue (`wasm.x`) and the bootstrap (`k.x`) read an export.
const exportUse = (name) => new RegExp(`\\b(wasm|k)\\.${name}\\b`, "g");
const exportRenames = new Map();
for (const { id, header, start, end } of sections(wasm)) {
  if (id === 7) {
    let [count, p] = leb(wasm, start);
    const kept = [];
    for (let i = 0; i < count; i++) {
      let len;
      [len, p] = leb(wasm, p);
      const name = wasm.subarray(p, p + len).toString("utf8");
      p += len;
      const descStart = p++;
      [, p] = leb(wasm, p);
      const first = js.search(exportUse(name));
      if (first >= 0) kept.push({ name, first, desc: wasm.subarray(descStart, p) });
    }
    // Named by first mention in the glue, as the imports are: every language gets the same names.
    kept.sort((a, b) => a.first - b.first);
    const parts = [encodeLeb(kept.length)];
    kept.forEach(({ name, desc }, i) => {
      const short = shortName(i).slice(1);
      exportRenames.set(name, short);
      parts.push(str(short), desc);
    });
    const body = Buffer.concat(parts);
    out.push(Buffer.from([7]), encodeLeb(body.length), body);
    continue;
  }
  if (id !== 2) {
    out.push(wasm.subarray(header, end));
    continue;
  }
  let [count, p] = leb(wasm, start);
  const parts = [encodeLeb(count)];
  for (let i = 0; i < count; i++) {
    let len;
    [len, p] = leb(wasm, p);
    const module = wasm.subarray(p, p + len).toString("utf8");
    p += len;
    [len, p] = leb(wasm, p);
    const field = wasm.subarray(p, p + len).toString("utf8");
    p += len;
    const descStart = p;
    const kind = wasm[p++];
    if (kind === 0) [, p] = leb(wasm, p); // function: type index
    else if (kind === 1) { p++; const flags = wasm[p++]; [, p] = leb(wasm, p); if (flags & 1) [, p] = leb(wasm, p); } // table
    else if (kind === 2) { const flags = wasm[p++]; [, p] = leb(wasm, p); if (flags & 1) [, p] = leb(wasm, p); } // memory
    else if (kind === 3) p += 2; // global
    else throw new Error(`unknown import kind ${kind}`);
    let name = field;
    if (/^__wbg_|^__wbindgen_/.test(field) && js.includes(field)) {
      name = renames.get(field) || "";
      renames.set(field, name);
    }
    // A renamed field's name is filled in below, once every import is known.
    // The glue's one import module gets the shortest name (the empty one): it is repeated per import.
    parts.push(str(module === glueModule ? "" : module), renames.has(field) ? [field] : str(name), wasm.subarray(descStart, p));
  }
  // Names by where the glue first mentions each import, not by import order: builds that import
  // the same (one per language) get the same names, so one glue serves them all.
  const byGlue = [...renames.keys()].sort((a, b) => js.indexOf(a) - js.indexOf(b));
  byGlue.forEach((field, i) => renames.set(field, shortName(i)));
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] instanceof Array) parts[i] = str(renames.get(parts[i][0]));
  }
  const body = Buffer.concat(parts);
  out.push(Buffer.from([2]), encodeLeb(body.length), body);
}

// Longest first, so no name is replaced inside a longer one.
for (const [from, to] of [...renames].sort((a, b) => b[0].length - a[0].length)) {
  js = js.split(from).join(to);
}
js = js.split(JSON.stringify(glueModule)).join('""');
for (const [from, to] of exportRenames) {
  js = js.replace(exportUse(from), `$1.${to}`);
}
writeFileSync(wasmPath, Buffer.concat(out));
writeFileSync(jsPath, js);
console.error(`shrink-imports: renamed ${renames.size} imports and ${exportRenames.size} exports`);
