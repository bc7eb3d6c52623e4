# The two commands on a fresh machine: `make serve` and `make test`. Both install what is
# missing first (tools/setup.sh, idempotent). `make dist` builds the static site into dist/.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/tools/node_modules/.bin:$(PATH)
PORT ?= 8080

.PHONY: serve test dist setup lint test-native test-browser bench clean

## serve: install what is missing, then `trunk serve` on http://127.0.0.1:$(PORT)/
serve: setup
	trunk serve --address 127.0.0.1 --port $(PORT)

## test: every test: formatting, clippy (host and wasm), native tests, the release build, browser tests
test:
	tools/setup.sh --test
	$(MAKE) --no-print-directory lint test-native dist test-browser

setup:
	tools/setup.sh

lint:
	cargo fmt --all --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --lib -- -D warnings

test-native:
	cargo test

## dist: the static site in dist/, with relative asset paths (host it under any path)
dist: setup
	trunk build --release

test-browser:
	node --test tests/

clean:
	rm -rf dist target/wasm32-unknown-unknown
