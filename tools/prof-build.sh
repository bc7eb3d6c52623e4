#!/usr/bin/env bash
# A copy of dist/ whose wasm keeps its function names, for tools/prof-graph.mjs: the release
# cdylib through wasm-bindgen --keep-debug (no wasm-opt), under the hashed names index.html
# loads, with the integrity attributes dropped (the bytes differ). Needs make dist first.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/prof-dist
rm -rf "$out" && cp -r dist "$out"
cargo build --quiet --release --target wasm32-unknown-unknown -p backprop-lab --lib
wasm-bindgen --target web --keep-debug --out-dir target/prof-wb target/wasm32-unknown-unknown/release/backprop_lab.wasm
js=$(cd "$out" && ls backprop-lab-*.js)
wasm=$(cd "$out" && ls ./*_bg.wasm)
cp target/prof-wb/backprop_lab.js "$out/$js"
cp target/prof-wb/backprop_lab_bg.wasm "$out/$wasm"
sed -i 's/ integrity="[^"]*"//g' "$out/index.html"
echo "$out: the lab with function names (DIST_DIR=$out node tools/prof-graph.mjs)"
