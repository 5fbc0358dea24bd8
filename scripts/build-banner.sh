#!/usr/bin/env bash
# Builds Kapsel's consent banner (crate kapsel-consent) into <repo>/target/banner/ (or $KAPSEL_BANNER_DIR):
#   kapsel.js       wasm-bindgen glue (--target web) without its loader (consent-wasm/js/trim-glue.mjs), with
#                   the bootstrap appended (consent-wasm/js/bootstrap.js), import names shortened
#                   (consent-wasm/js/shrink-imports.mjs), minified with terser
#   kapsel_bg.wasm  the banner, optimised with wasm-opt (-Oz, flatten/rereloop, -Oz)
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

# Build, bind, optimise.
say "cargo build (profile wasm-release)"
cargo build -p kapsel-consent --target wasm32-unknown-unknown --profile wasm-release
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/kapsel_consent.wasm"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
wasm-bindgen --target web --out-name kapsel --no-typescript --out-dir "$stage" "$wasm"

# The glue's own loader goes; the bootstrap instantiates the module (fails loudly if the glue changed).
node consent-wasm/js/trim-glue.mjs "$stage/kapsel.js"
cat consent-wasm/js/bootstrap.js >>"$stage/kapsel.js"
# Short import names instead of wasm-bindgen's hashed ones, in the wasm and the glue alike.
node consent-wasm/js/shrink-imports.mjs "$stage/kapsel_bg.wasm" "$stage/kapsel.js"
"$terser" "$stage/kapsel.js" --module --compress passes=2 --mangle -o "$stage/kapsel.min.js"

# The module's memory is its own and starts zeroed; rustc never places data below 1 KiB.
# Flattening and re-looping between -Oz rounds gives the optimiser another shape of the big
# functions to work on (about 150 B gzip less than -Oz alone).
"$wasm_opt" --low-memory-unused --zero-filled-memory -Oz --flatten --rereloop -Oz -Oz --converge \
  --strip-debug --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-reference-types --enable-multivalue --enable-sign-ext \
  --enable-mutable-globals --enable-nontrapping-float-to-int \
  -o "$stage/kapsel_bg.opt.wasm" "$stage/kapsel_bg.wasm"

mkdir -p "$out"
cp "$stage/kapsel.min.js" "$out/kapsel.js"
cp "$stage/kapsel_bg.opt.wasm" "$out/kapsel_bg.wasm"

js_gz=$(gzip -9 -c <"$out/kapsel.js" | wc -c)
wasm_gz=$(gzip -9 -c <"$out/kapsel_bg.wasm" | wc -c)
say "wrote $out: kapsel.js $(wc -c <"$out/kapsel.js") B ($js_gz B gzip -9), kapsel_bg.wasm $(wc -c <"$out/kapsel_bg.wasm") B ($wasm_gz B gzip -9), total $((js_gz + wasm_gz)) B gzip -9"
