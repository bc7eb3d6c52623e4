#!/usr/bin/env bash
# Installs what Backprop Lab needs, from the package registries only (see ../shared/TOOLCHAIN.md
# for why each pin is what it is). Idempotent and quiet: each piece is skipped when present.
#
#   tools/setup.sh          build tools: wasm32 target, trunk, wasm-bindgen CLI, wasm-opt (and
#                           reveal.js, from the same npm lock file)
#   tools/setup.sh --test   also the browser-test tools: Debian's chromium, npm playwright-core
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
# The wasm-bindgen CLI must equal the library version exactly (pinned with = in crate/Cargo.toml).
WB_VERSION=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' crate/Cargo.toml)
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PWD/tools/node_modules/.bin:$PATH"

say() { echo "setup: $*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >&2
fi

if ! trunk --version 2>/dev/null | grep -qF "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 8 minutes on 2 cores, once)"
  cargo install --quiet --locked "trunk@$TRUNK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qF "$WB_VERSION"; then
  say "installing wasm-bindgen-cli $WB_VERSION (about 3 minutes, once)"
  # not --locked: its lock file names a dependency version the registry does not serve
  cargo install --quiet --force "wasm-bindgen-cli@$WB_VERSION"
fi

# From npm, pinned in tools/package-lock.json: wasm-opt (binaryen; never Debian's: see
# TOOLCHAIN.md) and reveal.js (the Reveal.js example deck, run by the browser tests).
# Reinstalled when either is missing or not the pinned version (a machine set up before
# reveal.js was added gets it).
npm_pinned() { # npm_pinned NAME: is tools/node_modules/NAME the version tools/package.json pins?
  node -e 'const [p, n] = process.argv.slice(1);
    const want = require(p + "/package.json").dependencies[n];
    let got; try { got = require(p + "/node_modules/" + n + "/package.json").version; } catch {}
    process.exit(got === want ? 0 : 1);' "$PWD/tools" "$1"
}
if ! [ -x tools/node_modules/.bin/wasm-opt ] || ! npm_pinned binaryen || ! npm_pinned reveal.js; then
  say "installing binaryen (wasm-opt) and reveal.js from npm"
  npm ci --prefix tools --silent --no-audit --no-fund >&2
fi

if [ "${1:-}" = "--test" ]; then
  if ! [ -x /usr/bin/chromium ]; then
    say "installing chromium from Debian"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
  if ! [ -d tests/node_modules/playwright-core ]; then
    say "installing playwright-core from npm (no browser download: it drives Debian's chromium)"
    npm ci --prefix tests --silent --no-audit --no-fund >&2
  fi
fi
