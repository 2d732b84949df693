# Atlas Access Manager. `make run` and `make test` do all the set-up they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

TAURI := ui/node_modules/.bin/tauri
APP_BINARY := target/debug/atlas-access-manager
# A display, a D-Bus session and an unlocked keyring, for tests and headless runs.
IN_SESSION := xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- tests/with-keyring.sh

.PHONY: help deps ui app run bindings fmt lint test test-rust test-ui test-api bench

help:
	@echo "make run    install what is missing, build, open the app"
	@echo "make test   install what is missing, run every test suite"
	@echo "make bench  measure speed and memory against a Python peer"

deps:
	@bash .ci/deps.sh

ui: deps
	cd ui && npm run build

# The app the way users get it: the built UI embedded in the binary.
app: ui
	$(TAURI) build --debug --no-bundle

run: app
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(APP_BINARY); \
	else \
		echo "No display: running under Xvfb"; \
		$(IN_SESSION) $(APP_BINARY); \
	fi

# Regenerates ui/src/bindings from the Rust types.
bindings:
	UPDATE_BINDINGS=1 cargo test -p atlas-access-manager --lib bindings

fmt:
	cargo fmt --all
	cd ui && npm run format

# The app embeds ui/dist at compile time, so the UI (type-checked) is built first.
lint: ui
	tests/lint/stays-inside.sh
	cd ui && npm run lint
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked

test-ui: deps
	cd ui && npm test

# Every Rust suite, the end-to-end one included, in one session with a display
# and a real Secret Service.
test-rust: app
	$(IN_SESSION) cargo test --workspace --locked

# The sandbox binary against independent clients (curl, Python requests) and
# schemathesis over the spec subset.
test-api: deps
	cargo build -p atlas-sandbox --locked
	.venv/bin/pytest tests/api -q -p no:cacheprovider

test: lint test-ui test-rust test-api

# Benchmarks against the sandbox (20 ms round trip), side by side with a
# sequential Python peer, then the app as it ships (a release build) under
# Xvfb. Figures printed and written to target/bench/results.json.
bench: ui
	.venv/bin/pip install -q -r tests/bench/requirements.txt
	$(TAURI) build --no-bundle
	cargo build --release -p e2e --bin bench --bin blank_window --locked
	AAM_APP_BINARY=target/release/atlas-access-manager $(IN_SESSION) target/release/bench
