#!/usr/bin/env bash
# Builds Kapsel's consent banner (crate kapsel-consent) into <repo>/target/banner/ (or $KAPSEL_BANNER_DIR):
#   kapsel.js        wasm-bindgen glue (--target web) without its loader (consent-wasm/js/trim-glue.mjs), with
#                    the bootstrap appended (consent-wasm/js/stored-choice.js, the stored-choice reader
#                    it shares with the guard, and consent-wasm/js/bootstrap.js), import names shortened
#                    (consent-wasm/js/shrink-imports.mjs), minified with terser (ES2020 output:
#                    functions that use neither `this` nor `arguments` become arrows and methods)
#   kapsel-classic.js  the same glue and bootstrap as a classic script, which `kapsel catalogue resolve
#                    --guard guard.js --banner-js kapsel-classic.js` puts at the end of a site's guard.js
#   kapsel-receipts.js  consent receipts (consent-wasm/js/receipts.js, minified), which the bootstrap loads
#                    only when the declaration names a receipt service
#   kapsel_nb.wasm   the banner with its Bokmål texts, the panic data std brings zeroed
#                    (consent-wasm/js/blank-panic-data.mjs), optimised with wasm-opt (-Oz, flatten/rereloop, -Oz);
#   kapsel_nn.wasm   likewise Nynorsk, and English: one build per language (cargo feature nb/nn/en), so a
#   kapsel_en.wasm   visitor downloads only the page's language; the bootstrap picks by <html lang>
# Idempotent: installs what is missing (wasm32 target, wasm-bindgen-cli at the Cargo.lock version, npm binaryen
# for wasm-opt under target/tools/) and rebuilds. Prints the gzip -9 size of what the browser downloads.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${KAPSEL_BANNER_DIR:-$repo/target/banner}"
tools="$repo/target/tools"
target_dir="${CARGO_TARGET_DIR:-$repo/target}"
cd "$repo"

say() { printf 'build-banner: %s\n' "$*" >&2; }

# What the build needs (wasm32 target, wasm-bindgen-cli at the Cargo.lock version, npm binaryen and
# terser under target/tools): scripts/setup.sh installs what is missing.
source "$repo/scripts/setup.sh" wasm
wasm_opt="$tools/node_modules/.bin/wasm-opt"
terser="$tools/node_modules/.bin/terser"
# terser's options for everything the browser fetches (ES2020 output: functions that use neither
# `this` nor `arguments` become arrows and methods).
terse="--compress passes=2,ecma=2020,unsafe_arrows=true,unsafe_methods=true --mangle"

stage="$(mktemp -d)"
trap "rm -rf $stage" EXIT
mkdir -p "$out"
rm -f "$out/kapsel_bg.wasm"

for lang in nb nn en; do
  # Build, bind, optimise.
  say "cargo build (profile wasm-release, texts: $lang)"
  cargo build -p kapsel-consent --target wasm32-unknown-unknown --profile wasm-release \
    --no-default-features --features "$lang"
  wasm="$target_dir/wasm32-unknown-unknown/wasm-release/kapsel_consent.wasm"
  dir="$stage/$lang"
  wasm-bindgen --target web --out-name kapsel --no-typescript --out-dir "$dir" "$wasm"

  # The glue's own loader goes; the bootstrap instantiates the module (fails loudly if the glue changed).
  node consent-wasm/js/trim-glue.mjs "$dir/kapsel.js"
  cat consent-wasm/js/stored-choice.js consent-wasm/js/bootstrap.js >>"$dir/kapsel.js"
  # Short import names instead of wasm-bindgen's hashed ones, in the wasm and the glue alike.
  node consent-wasm/js/shrink-imports.mjs "$dir/kapsel_bg.wasm" "$dir/kapsel.js"
  # Panic messages and source paths that std brings and the banner's panic handler never reads.
  node consent-wasm/js/blank-panic-data.mjs "$dir/kapsel_bg.wasm"
  "$terser" "$dir/kapsel.js" --module $terse -o "$dir/kapsel.min.js"
  # One glue serves every language: the builds differ in their texts only.
  if ! cmp -s "$dir/kapsel.min.js" "$stage/nb/kapsel.min.js"; then
    say "the $lang build's JS glue differs from the nb build's: the languages must import the same"
    exit 1
  fi

  # The module's memory is its own and starts zeroed; rustc never places data below 1 KiB.
  # Flattening and re-looping between -Oz rounds gives the optimiser another shape of the big
  # functions to work on (about 150 B gzip less than -Oz alone).
  "$wasm_opt" --low-memory-unused --zero-filled-memory -Oz --flatten --rereloop -Oz -Oz --converge \
    --strip-debug --strip-producers --strip-target-features \
    --enable-bulk-memory --enable-reference-types --enable-multivalue --enable-sign-ext \
    --enable-mutable-globals --enable-nontrapping-float-to-int \
    -o "$out/kapsel_$lang.wasm" "$dir/kapsel_bg.wasm"
done
cp "$stage/nb/kapsel.min.js" "$out/kapsel.js"
# The same glue and bootstrap (one for every language, checked above) as a classic script, for the
# end of a site's guard.js (`kapsel catalogue resolve --guard … --banner-js kapsel-classic.js`): in
# a strict-mode function of its own (no globals), with its URL from the tag that runs it instead
# of import.meta.
{ printf '(()=>{"use strict";\n'
  sed 's/^const kapselBase = import\.meta\.url;$/const kapselBase = document.currentScript.src;/' "$stage/nb/kapsel.js"
  printf '})();\n'; } >"$stage/kapsel-classic.js"
if grep -q 'import\.meta' "$stage/kapsel-classic.js"; then
  say "kapsel-classic.js would read import.meta, which a classic script cannot: see consent-wasm/js/bootstrap.js"
  exit 1
fi
"$terser" "$stage/kapsel-classic.js" $terse -o "$out/kapsel-classic.js"
# The receipts module (fetched only by pages whose declaration names a receipt service) names the
# banner's version (the workspace's).
version="$(awk -F'"' '/^\[workspace.package\]/ {w = 1} w && /^version/ {print $2; exit}' Cargo.toml)"
sed "s/KAPSEL_VERSION/$version/" consent-wasm/js/receipts.js >"$stage/receipts.js"
"$terser" "$stage/receipts.js" --module $terse -o "$out/kapsel-receipts.js"

gz() { gzip -9 -c <"$1" | wc -c; }
js_gz=$(gz "$out/kapsel.js")
sizes="kapsel.js $(wc -c <"$out/kapsel.js") B ($js_gz B gzip -9)"
for lang in nb nn en; do
  sizes="$sizes, kapsel_$lang.wasm $(wc -c <"$out/kapsel_$lang.wasm") B ($(gz "$out/kapsel_$lang.wasm") B gzip -9)"
done
say "wrote $out: $sizes; a Bokmål page downloads $((js_gz + $(gz "$out/kapsel_nb.wasm"))) B gzip -9"
