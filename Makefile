# Two commands do everything: `make demo` and `make test` (each installs what it needs first).
# `make demo` loads the example review, makes it public (an import never does) and serves the
# API on 127.0.0.1:8000 until Ctrl-C.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_STORE := oxigraph:./demo-data

.PHONY: install cairo browser virtuoso demo test lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(MAKE) cairo
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: install
	rm -rf demo-data demo-data.index
	$(BIN)/cmo --store $(DEMO_STORE) import examples/peer-support/review.ttl --review peer-support
	$(BIN)/cmo --store $(DEMO_STORE) visibility --review peer-support public
	$(BIN)/cmo --store $(DEMO_STORE) reviews
	$(BIN)/cmo --store $(DEMO_STORE) stats --review peer-support
	$(BIN)/cmo --store $(DEMO_STORE) validate --review peer-support
	$(BIN)/cmo --store $(DEMO_STORE) query mechanisms --context delivery --review peer-support
	@echo
	@echo "The reviewer's workbench: open http://127.0.0.1:8000/ in a browser, choose Sign in,"
	@echo "and paste the admin token printed below (\"Admin token (shown once ...)\") into Token."
	@echo "As admin, the Tokens page makes editor and viewer tokens for your team."
	@echo "Open http://127.0.0.1:8000/docs (API; Authorize takes the same token), or ask with one request:"
	@echo "  curl 'http://127.0.0.1:8000/reviews/peer-support/mechanisms?context=delivery'"
	@echo "The mechanism network: http://127.0.0.1:8000/reviews/peer-support/views/mechanisms"
	@echo "The heatmap: http://127.0.0.1:8000/reviews/peer-support/views/heatmap"
	@echo "A figure for a report: http://127.0.0.1:8000/reviews/peer-support/figures/network.svg (.png, .pdf)"
	@echo "SPARQL: http://127.0.0.1:8000/sparql   Stop with Ctrl-C."
	@echo "An editor token for the API (in another terminal, while this runs; shown once):"
	@echo "  $(BIN)/cmo --store $(DEMO_STORE) token create --role editor --review peer-support"
	@echo "Every other cmo command works beside the server too (reads see what it has written)."
	$(BIN)/cmo --store $(DEMO_STORE) serve --host 127.0.0.1 --port 8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# PNG and PDF figures are drawn by cairo (CairoSVG loads libcairo2): installed on Debian when
# missing; elsewhere, install cairo with the system's package manager.
cairo:
	ldconfig -p 2>/dev/null | grep -q libcairo.so.2 || ! command -v apt-get >/dev/null \
		|| (apt-get update && apt-get install -y libcairo2)

# The view tests drive Debian's Chromium (never a downloaded browser); CI runs as root.
browser:
	command -v chromium || (apt-get update && apt-get install -y chromium)

# The store and question suites run on Virtuoso 7 too (tests/virtuoso.py starts a private one).
virtuoso:
	command -v virtuoso-t || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource)

# Two processes: the suite waits on servers and subprocesses more than on the CPU; a test
# module stays on one process so its servers start once.
test: install browser virtuoso lint
	$(BIN)/pytest -n 2 --dist loadfile

clean:
	rm -rf $(VENV) demo-data demo-data.index cmo-data cmo-data.index .pytest_cache .ruff_cache .hypothesis
