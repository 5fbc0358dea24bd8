// Renames the wasm-bindgen imports (`__wbg_append_e1dc9aecf07bcf8b` …) to short names in both the
// wasm module and its JS glue: the hashed names cost about 2 KB gzip in all, for nothing.
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

const out = [wasm.subarray(0, 8)];
const renames = new Map();
for (const { id, header, start, end } of sections(wasm)) {
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
    parts.push(str(module), renames.has(field) ? [field] : str(name), wasm.subarray(descStart, p));
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
writeFileSync(wasmPath, Buffer.concat(out));
writeFileSync(jsPath, js);
console.error(`shrink-imports: renamed ${renames.size} imports`);
