#!/usr/bin/env bash
# Trunk post-build hook: writes backprop-lab.js (the <backprop-lab> element, a stable name for
# host pages) from www/backprop-lab.js, with the hashed names of this build's wasm module, its
# JavaScript glue and the style sheet filled in.
set -euo pipefail
dir="${TRUNK_STAGING_DIR:?run by trunk}"
src="${TRUNK_SOURCE_DIR:-$(dirname "$0")/../www}"
[ -f "$src/backprop-lab.js" ] || src="$(dirname "$0")/../www"
cd "$dir"
glue=$(ls backprop-lab-*.js 2>/dev/null | head -n1)
wasm=$(ls backprop-lab-*_bg.wasm 2>/dev/null | head -n1)
css=$(ls style-*.css 2>/dev/null | head -n1)
if [ -z "$glue" ] || [ -z "$wasm" ] || [ -z "$css" ]; then
  echo "element-loader: missing build output in $dir (glue '$glue', wasm '$wasm', css '$css')" >&2
  exit 1
fi
sed -e "s|__GLUE__|./$glue|" -e "s|__WASM__|./$wasm|" -e "s|__CSS__|./$css|" "$src/backprop-lab.js" > backprop-lab.js
