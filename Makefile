# Two commands matter: `make run` and `make test`. Both set up what they need
# first (see .ci/setup) and can be run again at any time.

CARGO ?= cargo
OUT   ?= out
BIN   := target/debug/policywright

.PHONY: run test bench setup build lint clean

setup:
	@.ci/setup

build: setup
	$(CARGO) build --locked

# Until the desktop app lands, "run" means: produce the built-in zh-CN policy
# as Markdown and HTML, the way a user would from the command line.
run: build
	@mkdir -p $(OUT)
	$(BIN) new --preset operations --locale zh-CN -o $(OUT)/ops.policy.json --force
	$(BIN) validate $(OUT)/ops.policy.json
	$(BIN) render $(OUT)/ops.policy.json --format md -o $(OUT)/ops.md
	$(BIN) render $(OUT)/ops.policy.json --format html -o $(OUT)/ops.html
	@echo
	@echo "Open $(abspath $(OUT))/ops.html in a browser, or read $(abspath $(OUT))/ops.md."

test: setup
	$(CARGO) test --locked --workspace
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	$(CARGO) fmt --all --check

bench: setup
	$(CARGO) bench --locked --bench pipeline

clean:
	rm -rf $(OUT)
	$(CARGO) clean
