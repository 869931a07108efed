# Two commands matter: `make run` and `make test`. Both set up what they need
# first (see .ci/setup) and can be run again at any time.

CARGO ?= cargo
OUT   ?= out
BIN   := target/debug/policywright

.PHONY: run test bench setup build clean docx-pages

setup:
	@.ci/setup

build: setup
	$(CARGO) build --locked

# Until the desktop app lands, "run" means: produce the built-in zh-CN policy
# as DOCX, Markdown and HTML, the way a user would from the command line.
run: build
	@mkdir -p $(OUT)
	$(BIN) new --preset operations --locale zh-CN -o $(OUT)/ops.policy.json --force
	$(BIN) validate $(OUT)/ops.policy.json
	$(BIN) render $(OUT)/ops.policy.json --format md -o $(OUT)/ops.md
	$(BIN) render $(OUT)/ops.policy.json --format html -o $(OUT)/ops.html
	$(BIN) render $(OUT)/ops.policy.json --format docx -o $(OUT)/ops.docx
	@echo
	@echo "Open $(abspath $(OUT))/ops.docx in Word, WPS or LibreOffice, or $(abspath $(OUT))/ops.html in a browser."

DOCX_OUT := target/tmp/docx-check

# The Rust tests write every DOCX they make, with what a reader must find in
# it, to $(DOCX_OUT); LibreOffice, pandoc, python-docx and openxml-audit then
# read each one back.
test: setup
	@.ci/docx-check/setup
	rm -rf $(DOCX_OUT)
	$(CARGO) test --locked --workspace
	.ci/docx-check/.venv/bin/python .ci/docx-check/check.py $(DOCX_OUT)
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings
	$(CARGO) fmt --all --check

# Renders every test DOCX to PNG pages in out/docx-pages for a human to look at.
docx-pages: setup
	@.ci/docx-check/setup
	rm -rf $(DOCX_OUT)
	$(CARGO) test --locked --test it docx
	.ci/docx-check/.venv/bin/python .ci/docx-check/check.py $(DOCX_OUT) --png $(OUT)/docx-pages

# Criterion benchmarks of each step, then a whole-process race with pandoc
# on the same ~300-page handbook.
bench: setup
	@.ci/docx-check/setup
	$(CARGO) build --locked --release
	$(CARGO) bench --locked --bench pipeline --bench docx --bench store
	$(CARGO) bench --locked --bench vs_pandoc

clean:
	rm -rf $(OUT)
	$(CARGO) clean
