# Two commands: `make demo` (install, migrate, seed, serve) and `make test` (ruff + the suite).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DEMO ?= True
# The demo writes e-mails to var/mail/ instead of flooding the terminal.
export EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend

.PHONY: install demo demo-totp serve test lint messages browsers clean-demo

$(BIN)/python:
	$(PY) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "Serving http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/python manage.py run_jobs & JOBS=$$!; \
	  trap 'kill $$JOBS 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn emergency.wsgi -b $(HOST):$(PORT) -w 2 --threads 4 --access-logfile -

# The demo admins' current TOTP code, their key (base32 and otpauth:// URI) and a QR code to scan. DEMO=True as in
# `make demo`: without it the settings refuse the default SECRET_KEY.
demo-totp:
	DEMO=True $(BIN)/python manage.py demo_totp

lint:
	$(BIN)/ruff check .

test: install lint
	TESTING=True DEMO=False $(BIN)/python -m pytest -q $(PYTEST_ARGS)

# From the project root, so templates/ is read too; the virtualenv and generated files are not.
messages:
	DEBUG=True $(BIN)/python manage.py makemessages -l zh_Hans -l en --no-location \
	  -i ".venv/*" -i "var/*" -i "static/*" -i "benchmarks/*" -i "scripts/*" -i "tests/*"
	DEBUG=True $(BIN)/python manage.py compilemessages -i .venv -i var
