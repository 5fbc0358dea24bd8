// Trims wasm-bindgen's `--target web` glue to what the bootstrap uses: the loader (`__wbg_init`,
// `__wbg_load`, `initSync`, with their warnings and fallbacks for other hosts) goes, the bootstrap
// instantiates the module itself from `__wbg_get_imports()` and `__wbg_finalize_init()`; the
// exported wrappers, which only pass their arguments to the module's exports, go too (the bootstrap
// calls the exports), as do caches and handles nothing reads.
// Usage: node trim-glue.mjs kapsel.js   (rewritten in place; exits 2 when the glue's shape changed)
import { readFileSync, writeFileSync } from "node:fs";

const [path] = process.argv.slice(2);
let js = readFileSync(path, "utf8");

const fail = (what) => {
  console.error(`trim-glue: ${path}: ${what}; update consent-wasm/js/trim-glue.mjs and bootstrap.js`);
  process.exit(2);
};
for (const needed of ["function __wbg_get_imports(", "function __wbg_finalize_init(instance, module)"]) {
  if (!js.includes(needed)) fail(`no \`${needed}\``);
}
const loader = js.indexOf("async function __wbg_load(");
if (loader < 0) fail("no `__wbg_load`");
const rest = js.slice(loader);
if (!/export \{ initSync, __wbg_init as default \};\s*$/.test(rest)) fail("the loader is not the glue's last part");
js = js.slice(0, loader).replace(/^export function /gm, "function ");

// wasm-bindgen's string and memory helpers carry fast paths and workarounds the banner does not
// need (an ASCII copy loop with re-allocation, view caches with detachment checks, Safari's
// 2 GB TextDecoder limit, an encodeInto polyfill): plain versions of the same contracts instead.
const plain = {
  getDataViewMemory0: "function getDataViewMemory0() {\n    return new DataView(wasm.memory.buffer);\n}\n",
  getUint8ArrayMemory0: "function getUint8ArrayMemory0() {\n    return new Uint8Array(wasm.memory.buffer);\n}\n",
  passStringToWasm0:
    "function passStringToWasm0(arg, malloc) {\n    const buf = cachedTextEncoder.encode(arg);\n" +
    "    const ptr = malloc(buf.length, 1) >>> 0;\n    getUint8ArrayMemory0().set(buf, ptr);\n" +
    "    WASM_VECTOR_LEN = buf.length;\n    return ptr;\n}\n",
  decodeText: "function decodeText(bytes) {\n    return cachedTextDecoder.decode(bytes);\n}\n",
};
for (const [name, body] of Object.entries(plain)) {
  const re = new RegExp(`^function ${name}\\([^)]*\\) \\{\\n[\\s\\S]*?^\\}\\n`, "m");
  if (!re.test(js)) fail(`no \`function ${name}\``);
  js = js.replace(re, body);
}
// The plain passStringToWasm0 allocates exactly once: the module's realloc export goes unread.
const realloc = /(passStringToWasm0\([^,()]+, wasm\.__wbindgen_malloc), wasm\.__wbindgen_realloc\)/g;
if (!realloc.test(js)) fail("no `passStringToWasm0(…, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc)`");
js = js.replace(realloc, "$1)");
const polyfill = /^if \(!\('encodeInto' in cachedTextEncoder\)\) \{\n[\s\S]*?^\}\n/m;
if (!polyfill.test(js)) fail("no encodeInto polyfill");
js = js.replace(polyfill, "");

// The exported wrappers (`function show() { wasm.show(); }` …) only pass their arguments on: the
// bootstrap calls the module's exports directly (they take and return plain JS values).
const wrappers = js.slice(0, js.indexOf("function __wbg_get_imports("));
const wrapper = /^(?:\/\*\*\n(?: \*.*\n)* \*\/\n)?function (\w+)\(([\w, ]*)\) \{\n(?:    wasm\.\1\(\2\);\n|    const ret = wasm\.\1\(\2\);\n    return ret;\n)\}\n\n?/gm;
if (wrappers.replace(wrapper, "").trim() !== "") fail("exported wrappers other than plain pass-throughs");
js = js.slice(wrappers.length);

// Caches the plain helpers above no longer use, and module handles nothing reads.
const unused = [
  /^let cachedDataViewMemory0 = null;\n/m,
  /^let cachedUint8ArrayMemory0 = null;\n/m,
  /^const MAX_SAFARI_DECODE_BYTES = \d+;\n/m,
  /^let numBytesDecoded = 0;\n/m,
  /^    cachedDataViewMemory0 = null;\n/m,
  /^    cachedUint8ArrayMemory0 = null;\n/m,
  /^    wasmInstance = instance;\n/m,
  /^    wasmModule = module;\n/m,
];
for (const re of unused) {
  if (!re.test(js)) fail(`no ${re.source}`);
  js = js.replace(re, "");
}
js = js.replace(/^let wasmModule, wasmInstance, wasm;$/m, "let wasm;");
for (const left of ["cachedDataViewMemory0", "cachedUint8ArrayMemory0", "numBytesDecoded", "wasmModule", "wasmInstance"]) {
  if (js.includes(left)) fail(`\`${left}\` is still used`);
}
writeFileSync(path, js);
console.error(`trim-glue: dropped ${rest.length} bytes of loader`);
