# Quick start: `make pdf` builds out/article.pdf (+ archive copy); `make test` runs the suite.
# Both do the whole set-up first: .venv with requirements.txt, and the Debian font/PDF packages.
# The distribution's Python 3.11 when there is one: Debian builds it with PGO and LTO, which runs this
# code 1.3-1.7x faster than an unoptimised build (such as pyenv's default); else python3 on PATH.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SYSTAMP := $(VENV)/.system

.PHONY: all setup pdf test golden bench variants proof samples docs clean edition rules mutate
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

# One pytest-xdist worker per core, at most 4 (each builds the session's shared pages once).
test: setup
	$(PY) -m pytest -q -n auto --maxprocesses 4 tests

# Mutation testing (mutmut, [tool.mutmut] in pyproject.toml): long, not part of `make test` or CI.
# `make mutate PATHS=layout/text` for one package; it resumes where it stopped (results in mutants/);
# SAMPLE=200 runs and scores 200 mutants of each package drawn at random (seeded): a score in minutes;
# MUTATE_FLAGS=--open-only then runs again only the drawn ones not killed yet (after adding tests).
PATHS ?= layout/text layout/compose layout/output layout/source layout/app
mutate: setup
	$(PY) tools/mutate.py $(if $(SAMPLE),--sample $(SAMPLE)) $(MUTATE_FLAGS) $(PATHS)

# Rewrite the golden layout dumps (tests/golden/*.txt) after a reviewed change to composition;
# the suite itself only compares against them.
golden: setup
	$(PY) tools/make_golden.py

bench: setup
	$(PY) bench/run.py --json out/bench.json

# Issue 21's design rules measured from outside: 300 generated pages built and judged from their PDFs by
# tools/pagecheck.py, and late edits rebuilt from the last arrangement (bench/bench_rules.py).
rules: setup
	$(PY) bench/bench_rules.py --pages 300 --json out/rules.json

variants: setup
	$(PY) bench/bench_variants.py --count 500 --json out/variants.json

# The sample 要闻版 (several stories, a 简讯 block, a foot ad) beside the 郾城区 page.
samples: pdf
	$(PY) make_pdf.py samples/yaowen.yaml -o out/yaowen.pdf --proof out/yaowen.png --validate

proof: setup
	$(PY) make_pdf.py article.yaml -o out/article.pdf --proof out/article.png --grid

docs: setup
	$(PY) tools/gen_docs.py

clean:
	rm -rf out .pytest_cache

# The sample edition (samples/edition.yaml, six pages, one 转版) into out/edition/: every page's files,
# mets.xml, the e-paper hotspots and contact.png.
edition: setup
	$(PY) make_pdf.py --edition samples/edition.yaml -o out/edition/
