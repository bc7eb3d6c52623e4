# The two commands on a fresh machine: `make serve` and `make test`. Both install what is
# missing first (tools/setup.sh, idempotent). `make dist` builds the static site into dist/.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/tools/node_modules/.bin:$(PATH)
PORT ?= 8080

.PHONY: serve test dist dist-single setup lint test-native test-fuzz test-browser node-pkg bench bench-page bench-figures bench-graph prof-graph fuzz soak size clean

## serve: install what is missing, then `trunk serve` on http://127.0.0.1:$(PORT)/
serve: setup
	trunk serve --address 127.0.0.1 --port $(PORT)

## test: every test: formatting, clippy (host and wasm), native tests, the release build, browser tests
test:
	tools/setup.sh --test
	$(MAKE) --no-print-directory lint test-native test-fuzz dist dist-single node-pkg test-browser

setup:
	tools/setup.sh

lint:
	cargo fmt --all --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings

test-native:
	cargo test

## test-fuzz: each fuzz target for a few seconds (the same seed each time; see make fuzz)
test-fuzz:
	cargo run --quiet --profile test --example fuzz -- all --seconds $(or $(FUZZ_SECONDS),4)

## prof-graph: a CPU profile of the graph view's buttons on 1,982 nodes, self time per (named) function
prof-graph: dist
	tools/prof-build.sh
	DIST_DIR=$(CURDIR)/target/prof-dist node tools/prof-graph.mjs

## size: each file of dist/ raw, gzip and brotli, and the first-draw totals (needs make dist)
size:
	node tools/size.mjs

## fuzz: the seeded mutation fuzzer, FUZZ_SECONDS (default 60) per target: expr, graph-url, lab-url, api (FUZZ_SEED=… for other inputs)
fuzz:
	cargo run --quiet --release --example fuzz -- all --seconds $(or $(FUZZ_SECONDS),60) --seed $(or $(FUZZ_SEED),1)

## soak: 1,000,000 steps through the API and two minutes of play in Chromium (SOAK_SECONDS), memory sampled and bounded (needs make test once)
soak: dist node-pkg
	node --expose-gc tools/soak.mjs

## dist: the static site in dist/, with relative asset paths (host it under any path)
dist: setup
	trunk build --release

## dist-single: the whole lab in one self-contained file, dist-single/backprop-lab.html (opens from file://)
dist-single: dist
	node tools/single.mjs

## node-pkg: the wasm module for Node (the JS API tests), from the release build `dist` made
node-pkg:
	cargo build --quiet --release --target wasm32-unknown-unknown -p backprop-lab --lib
	wasm-bindgen --target nodejs --out-dir target/node-pkg target/wasm32-unknown-unknown/release/backprop_lab.wasm

## test-browser: the page in headless Chromium, and the JS API under Node (needs dist and node-pkg)
test-browser:
	node --test tests/

## bench: training throughput, the decision grid and a learning-rate sweep, native and as wasm under Node
bench: setup
	cargo run --quiet --release -p backprop-lab --example bench
	$(MAKE) --no-print-directory node-pkg
	node tools/bench-wasm.mjs $(CURDIR)/target/node-pkg

## bench-page: the training view in headless Chromium: frames/s and examples/s while it plays, at the default speed (one epoch per frame) and at speed=max (needs make test once for Chromium)
bench-page: dist
	node tools/bench-page.mjs 'view=train&hidden=8,8&lr=0.03&perf=1' 4
	node tools/bench-page.mjs 'view=train&hidden=8,8&lr=0.03&perf=1&speed=max' 4

## bench-figures: a figure's mount time (circuit), ten figures on one page (time to all drawn, .wasm count)
bench-figures: dist
	node tools/bench-figures.mjs

## bench-graph: the graph view's answer time on a 1,982-node graph (Step, Backward, Reset, Forward)
bench-graph: dist
	node tools/bench-graph.mjs

clean:
	rm -rf dist dist-single target/wasm32-unknown-unknown
