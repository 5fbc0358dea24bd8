// Trims wasm-bindgen's `--target web` glue to what the bootstrap uses: the loader (`__wbg_init`,
// `__wbg_load`, `initSync`, with their warnings and fallbacks for other hosts) goes, the bootstrap
// instantiates the module itself from `__wbg_get_imports()` and `__wbg_finalize_init()`; the
// exported wrappers stop being module exports (nothing imports kapsel.js), so terser may inline them.
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
writeFileSync(path, js);
console.error(`trim-glue: dropped ${rest.length} bytes of loader`);
