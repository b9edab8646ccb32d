# Set-up and everyday commands; `make run` and `make test` need only Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MESSAGES := $(patsubst %.po,%.mo,$(wildcard src/motcua/locale/*/LC_MESSAGES/django.po))
DEV := DEBUG=1

.PHONY: install run test bench lint format messages

install: $(INSTALLED) $(MESSAGES)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile --statistics -i $< -o $@

run: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py make_demo_certificate
	$(DEV) $(BIN)/python manage.py load_demo --if-empty
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the Vietnamese catalog from the sources (needs GNU gettext).
messages: install
	cd src/motcua && ../../$(BIN)/django-admin makemessages --locale vi --no-obsolete --no-location
