# Quick start: `make pdf` builds out/article.pdf (+ archive copy); `make test` runs the suite.
# Both do the whole set-up first: .venv with requirements.txt, and the Debian font/PDF packages.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SYSTAMP := $(VENV)/.system

.PHONY: all setup pdf test bench proof docs clean
all: pdf

setup: $(STAMP) $(SYSTAMP)

$(STAMP): requirements.txt tools/make_venv.sh
	PYTHON=$(PYTHON) tools/make_venv.sh $(VENV)
	touch $@

$(SYSTAMP): tools/setup_system.sh | $(STAMP)
	tools/setup_system.sh
	touch $@

pdf: setup
	$(PY) make_pdf.py article.yaml -o out/article.pdf --proof out/article.png --validate

test: setup
	$(PY) -m pytest -q tests

bench: setup
	$(PY) bench/run.py --json out/bench.json

proof: setup
	$(PY) make_pdf.py article.yaml -o out/article.pdf --proof out/article.png --grid

docs: setup
	$(PY) tools/gen_docs.py

clean:
	rm -rf out .pytest_cache
