# Set-up and everyday commands; `make run` and `make test` need only Python 3.11 and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MESSAGES := $(patsubst %.po,%.mo,$(wildcard src/motcua/locale/*/LC_MESSAGES/django.po))
DEV := DEBUG=1
# Chart.js draws the statistics charts; it is vendored at install from the npm registry, checked
# against the pinned integrity. Without npm the statistics pages show their tables only.
CHARTJS_VERSION := 4.6.1
CHARTJS_INTEGRITY := sha512-hJyniucsFmq//EvXYvJ6c6mahPoI3kaxdjVH8awTaJ/fDNWeSqqqArixMJWkWNN6fcYvPU3HneSANFNYtRi61g==
CHARTJS_DIR := src/motcua/stats/static/stats/vendor
CHARTJS_STAMP := $(CHARTJS_DIR)/.chart.js-$(CHARTJS_VERSION)-nomap
# axe-core checks the officials' pages for accessibility in the browser tests; vendored the same
# way, for the tests only (a browser test fails without it, never skips).
AXE_VERSION := 4.14.1
AXE_INTEGRITY := sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
AXE_DIR := tests/browser/vendor
AXE_STAMP := $(AXE_DIR)/.axe-core-$(AXE_VERSION)

.PHONY: install run dev setup test bench lint format messages openapi lock

install: $(INSTALLED) $(MESSAGES) $(CHARTJS_STAMP) $(AXE_STAMP)

# Every package at the version and hash requirements.lock gives (the dependency tree of
# pyproject.toml with the dev extra), then the project itself.
$(INSTALLED): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# After a change to the dependencies in pyproject.toml: resolve the tree again, pinned and hashed.
lock: $(INSTALLED)
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --generate-hashes \
		--python-version 3.11 --custom-compile-command "make lock" --quiet -o requirements.lock

$(CHARTJS_STAMP):
	@if ! command -v npm >/dev/null; then echo "npm not found: statistics without charts"; exit 0; fi; \
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	npm pack --silent --pack-destination "$$tmp" chart.js@$(CHARTJS_VERSION) >/dev/null; \
	$(PYTHON) -c 'import base64, hashlib, sys; data = open(sys.argv[1], "rb").read(); \
	got = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode(); \
	sys.exit(None if got == sys.argv[2] else "chart.js: integrity mismatch " + got)' \
	"$$tmp/chart.js-$(CHARTJS_VERSION).tgz" '$(CHARTJS_INTEGRITY)'; \
	mkdir -p $(CHARTJS_DIR); rm -f $(CHARTJS_DIR)/.chart.js-*; \
	tar -xzOf "$$tmp/chart.js-$(CHARTJS_VERSION).tgz" package/dist/chart.umd.min.js \
	  | sed '/^\/\/# sourceMappingURL=/d' > $(CHARTJS_DIR)/chart.umd.min.js; \
	touch $@

$(AXE_STAMP):
	@if ! command -v npm >/dev/null; then echo "npm not found: no accessibility checks"; exit 0; fi; \
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	npm pack --silent --pack-destination "$$tmp" axe-core@$(AXE_VERSION) >/dev/null; \
	$(PYTHON) -c 'import base64, hashlib, sys; data = open(sys.argv[1], "rb").read(); \
	got = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode(); \
	sys.exit(None if got == sys.argv[2] else "axe-core: integrity mismatch " + got)' \
	"$$tmp/axe-core-$(AXE_VERSION).tgz" '$(AXE_INTEGRITY)'; \
	mkdir -p $(AXE_DIR); rm -f $(AXE_DIR)/.axe-core-*; \
	tar -xzOf "$$tmp/axe-core-$(AXE_VERSION).tgz" package/axe.min.js > $(AXE_DIR)/axe.min.js; \
	touch $@

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile --statistics -i $< -o $@

# Without a merchant of its own (VNPAY_TMN_CODE unset), the site pays through the gateway
# simulator, started alongside and stopped with the server.
SANDBOX_URL := http://127.0.0.1:8001
SANDBOX_SECRET := sandbox-only-not-a-secret
SANDBOX := VNPAY_TMN_CODE=MOTCUA01 VNPAY_HASH_SECRET=$(SANDBOX_SECRET) \
	VNPAY_PAY_URL=$(SANDBOX_URL)/paymentv2/vpcpay.html \
	VNPAY_API_URL=$(SANDBOX_URL)/merchant_webapi/api/transaction \
	VNPAY_STATEMENT_URL=$(SANDBOX_URL)/merchant_webapi/statement
# Likewise the national payment platform (PayGov) without PAYGOV_MERCHANT_CODE: its simulator,
# configured beside VNPay (PAYMENT_PROVIDER=paygov makes it the one citizens pay through).
PAYGOV_SANDBOX_URL := http://127.0.0.1:8004
PAYGOV_SANDBOX := PAYGOV_MERCHANT_CODE=MOTCUA-H57 PAYGOV_SECRET=$(SANDBOX_SECRET) \
	PAYGOV_PAY_URL=$(PAYGOV_SANDBOX_URL)/pay PAYGOV_API_URL=$(PAYGOV_SANDBOX_URL)/api/transaction \
	PAYGOV_STATEMENT_URL=$(PAYGOV_SANDBOX_URL)/api/statement

# Without a national portal of its own (NATIONAL_PORTAL_URL unset), the site syncs with the
# national portal simulator, started alongside (control port 8003: docs/integrations.md).
NATIONAL_URL := http://127.0.0.1:8002
NATIONAL_TOKEN := simulator-only-not-a-secret
NATIONAL_INBOUND := simulator-inbound-not-a-secret
NATIONAL := NATIONAL_PORTAL_URL=$(NATIONAL_URL) NATIONAL_PORTAL_TOKEN=$(NATIONAL_TOKEN) \
	NATIONAL_PORTAL_INBOUND_TOKEN=$(NATIONAL_INBOUND)

# Without an SMS gateway or a Zalo account of its own, notices go to the messaging simulator
# (two SMS gateways and Zalo ZNS; what it received at http://127.0.0.1:8005/).
MESSAGING_URL := http://127.0.0.1:8005
MESSAGING := SMS_GATEWAY_URL=$(MESSAGING_URL)/sms/a/send SMS_GATEWAY_KEY=sandbox \
	SMS_GATEWAY2_URL=$(MESSAGING_URL)/sms/b/send SMS_GATEWAY2_KEY=sandbox \
	ZALO_APP_ID=motcua-sandbox ZALO_SECRET_KEY=sandbox-only-not-a-secret \
	ZALO_REFRESH_TOKEN=sandbox-refresh-token ZALO_API_URL=$(MESSAGING_URL)/zalo \
	ZALO_OAUTH_URL=$(MESSAGING_URL)/zalo/oa/access_token

# `make run` serves with gunicorn, as a province would, with a long listen queue so that a burst
# of submissions waits instead of being reset; `make dev` serves with Django's development
# server, which reloads on every change. Both share the set-up and the companions below.
GUNICORN := $(BIN)/gunicorn motcua.wsgi --bind 127.0.0.1:8000 --workers 3 --backlog 2048 \
	--timeout 120 --access-logfile -
RUNSERVER := $(BIN)/python manage.py runserver 127.0.0.1:8000

run: setup
	$(call serve,$(GUNICORN))

dev: setup
	$(call serve,$(RUNSERVER))

# The database migrated, the demo certificate made and the demo province loaded once.
setup: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py make_demo_certificate
	$(DEV) $(BIN)/python manage.py load_demo --if-empty

# Serve with $(1), beside a Celery worker (with its schedule) and, without a merchant of its
# own, the payment sandbox, and without a national portal, its simulator; all of them stop
# with the server.
define serve
	@if [ -z "$$VNPAY_TMN_CODE" ]; then \
		export $(SANDBOX); \
		$(BIN)/python -m motcua.payments.simulator --port 8001 --tmn-code MOTCUA01 \
			--secret $(SANDBOX_SECRET) --ipn-url http://127.0.0.1:8000/api/v1/payments/vnpay/ipn & \
		pids="$$!"; \
	fi; \
	if [ -z "$$PAYGOV_MERCHANT_CODE" ]; then \
		export $(PAYGOV_SANDBOX); \
		$(BIN)/python -m motcua.payments.simulator --protocol paygov --port 8004 \
			--tmn-code MOTCUA-H57 --secret $(SANDBOX_SECRET) \
			--ipn-url http://127.0.0.1:8000/api/v1/payments/paygov/ipn & \
		pids="$$pids $$!"; \
	fi; \
	if [ -z "$$NATIONAL_PORTAL_URL" ]; then \
		export $(NATIONAL); \
		$(BIN)/python -m national_portal_simulator --port 8002 --control-port 8003 \
			--token $(NATIONAL_TOKEN) --push-token $(NATIONAL_INBOUND) --quiet \
			--push-url http://127.0.0.1:8000/api/v1/national/dossiers \
			--feedback-push-url http://127.0.0.1:8000/api/v1/national/feedback & \
		pids="$$pids $$!"; \
	fi; \
	if [ -z "$$SMS_GATEWAY_URL" ] && [ -z "$$ZALO_APP_ID" ]; then \
		export $(MESSAGING); \
		$(BIN)/python -m motcua.notifications.simulator --port 8005 --quiet & \
		pids="$$pids $$!"; \
	fi; \
	$(DEV) $(BIN)/celery -A motcua worker --beat --pool solo --loglevel WARNING & \
	pids="$$pids $$!"; \
	trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	$(DEV) $(1)
endef

test: install
	$(BIN)/pytest

# The API's contract (docs/openapi.yaml), regenerated after a change to the API; CI checks it.
openapi: install
	.ci/openapi

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the Vietnamese catalog from the sources (needs GNU gettext).
messages: install
	cd src/motcua && ../../$(BIN)/django-admin makemessages --locale vi --no-obsolete --no-location
