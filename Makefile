# Atlas Access Manager. `make run` and `make test` do all the set-up they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

TAURI := ui/node_modules/.bin/tauri
APP_BINARY := target/debug/atlas-access-manager
# A display, a D-Bus session and an unlocked keyring, for tests and headless runs.
IN_SESSION := xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- tests/with-keyring.sh

WINDOWS_TARGET := x86_64-pc-windows-gnu
WINDOWS_RELEASE := target/$(WINDOWS_TARGET)/release

.PHONY: help deps windows-deps ui app run package windows bindings fmt lint test test-rust test-ui test-api test-package test-windows bench

help:
	@echo "make run    install what is missing, build, open the app"
	@echo "make test   install what is missing, run every test suite"
	@echo "make package  build the .deb and .rpm (target/release/bundle)"
	@echo "make windows  cross-build the Windows app (target/$(WINDOWS_TARGET)/release)"
	@echo "make bench  measure speed and memory against a Python peer"

deps:
	@bash .ci/deps.sh

windows-deps: deps
	@bash .ci/deps.sh windows

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

# The release app, bundled as a .deb and an .rpm (tauri.conf.json's
# "bundle"): the binary, the desktop entry, the icons and the AppStream
# metainfo, with their dependencies.
package: ui
	$(TAURI) build --bundles deb,rpm
	@ls -1 target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm

# The release app for Windows, cross-built with mingw-w64: a GUI-subsystem
# .exe with its icon and version resource, WebView2Loader.dll beside it;
# then checked, and started under wine for its version. No installer: Tauri's
# NSIS bundler downloads its plugin from GitHub (README, Install).
windows: ui windows-deps
	$(TAURI) build --target $(WINDOWS_TARGET) --no-bundle -- --locked
	.venv/bin/python tests/windows/check-exe.py $(WINDOWS_RELEASE) \
		"$$(cargo pkgid -p atlas-access-manager | sed 's/.*[#@]//')" "Atlas Access Manager"

# Regenerates ui/src/bindings from the Rust types.
bindings:
	UPDATE_BINDINGS=1 cargo test -p atlas-access-manager --lib bindings

fmt:
	cargo fmt --all
	cd ui && npm run format

# The app embeds ui/dist at compile time, so the UI (type-checked) is built first.
lint: ui windows-deps
	tests/lint/stays-inside.sh
	tests/lint/app-without-cli.sh
	cd ui && npm run lint
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	# The Windows paths too, so none rots unbuilt (the e2e crate drives
	# WebKitGTK under Xvfb: Linux only).
	cargo clippy --target $(WINDOWS_TARGET) --workspace --exclude e2e --all-targets --locked -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
	# Licences, duplicate versions, sources; advisories need the network (deny.toml).
	cargo deny --offline check licenses bans sources

test-ui: deps
	cd ui && npm test

# Every Rust suite, the end-to-end one included, in one session with a display
# and a real Secret Service. The sandbox checks every request against the
# spec and tallies them; the tally is printed per suite, and fails the run
# if the spec refused a request of the app's own client.
test-rust: app
	rm -f target/contract-tally.tsv
	AAM_CONTRACT_TALLY=$(CURDIR)/target/contract-tally.tsv $(IN_SESSION) cargo test --workspace --locked
	tests/contract-tally.sh target/contract-tally.tsv

# The sandbox binary against independent clients (curl, Python requests) and
# schemathesis over the spec subset.
test-api: deps
	cargo build -p atlas-sandbox --locked
	.venv/bin/pytest tests/api -q -p no:cacheprovider

# The .deb installed as a user installs it, the installed app through the
# shell test, then removed; the .rpm read (tests/package/install-test.sh).
test-package: package
	tests/package/install-test.sh

# Windows, on this machine (tests/windows/README.md): the release .exe
# checked and started (make windows); core's, the sandbox's and the command
# suites built for Windows and run under wine, the keychain on wine's
# Credential Manager; then the Windows sandbox under wine, driven by the
# Linux API suite. Apart from `make test`, which it would make about 12
# minutes longer; CI runs both.
test-windows: windows
	# The guard's model test: 40 sequences here (wine is about 3 times
	# slower; the 200 run on Linux in make test).
	AAM_MODEL_CASES=40 cargo test --target $(WINDOWS_TARGET) --workspace --exclude e2e --locked
	ATLAS_SANDBOX_BIN=tests/windows/sandbox-under-wine.sh \
		.venv/bin/pytest tests/api -q -p no:cacheprovider

test: lint test-ui test-rust test-api test-package

# Benchmarks against the sandbox (20 ms round trip), side by side with a
# sequential Python peer, then the app as it ships (a release build) under
# Xvfb. Figures printed and written to target/bench/results.json.
bench: ui
	.venv/bin/pip install -q -r tests/bench/requirements.txt
	$(TAURI) build --no-bundle --features sandbox-env
	cargo build --release -p e2e --bin bench --bin blank_window --locked
	AAM_APP_BINARY=target/release/atlas-access-manager $(IN_SESSION) target/release/bench
