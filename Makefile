# Everything installs itself into .venv on first use; a fresh machine needs python3 (3.11+,
# with venv) and make. The README's two commands are `make course` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# One BLAS thread: the course's matrices are small, and on 2 cores threaded BLAS is slower
# (and parallel kernels stall each other).
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: course test lint clean

## The course's main job: build the student release (notebooks/) from solutions/, autograde
## the sample class on nbgrader's SQLite gradebook, write feedback and grades.csv, print the
## grade table. Everything lands in build/course.
course: $(VENV)/.course
	$(PY) -m course

## Every test, after ruff: what CI runs.
test: $(VENV)/.dev
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(VENV)/.dev
	$(PY) -m ruff check .

$(VENV)/.base:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.dev: $(VENV)/.base pyproject.toml
	$(PY) -m pip install --quiet -e '.[course,dev]'
	touch $@

$(VENV)/.course: $(VENV)/.base pyproject.toml
	$(PY) -m pip install --quiet -e '.[course]'
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
