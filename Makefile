# resingest: the commands the README names. `make help` lists them.
CORPUS ?= ../shared/corpus
# Where cargo puts the binary: CARGO_TARGET_DIR when set, as cargo itself does.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
BIN := $(TARGET_DIR)/release/resingest

.PHONY: help build run pipeline up down test bench chaos fuzz lint fmt

help:
	@echo "make build   build the resingest binary (release)"
	@echo "make run     extract every corpus PDF into out/ as resolution JSON (CORPUS=dir)"
	@echo "make pipeline  fetcher, workers and sink as local processes (SOURCE=dir:PATH, WORKERS=n)"
	@echo "make up      the fleet in Docker: broker, database, roles, Prometheus, Grafana"
	@echo "make test    run every test against the local RabbitMQ and PostgreSQL; a missing"
	@echo "             tool or corpus fails it (ALLOW_SKIP=1 skips those tests, loudly)"
	@echo "make bench   extraction benchmark against pdftotext (bench/extract.sh)"
	@echo "make chaos   end-to-end and fault-injection scenarios at full size (stops and starts"
	@echo "             the local PostgreSQL and RabbitMQ); the table goes to target/chaos.md"
	@echo "make fuzz    the extractor's fuzz target for FUZZ_RUNS executions (default 20000)"
	@echo "make lint    rustfmt check and clippy -D warnings"

build:
	cargo build --release -p resingest-cli

# The file list is not echoed: it is every corpus PDF.
run: build
	@mkdir -p out
	@echo "$(BIN) extract --format json --out out $(CORPUS)/{ga,sc,hrc,drafts}/*.pdf"
	@$(BIN) extract --format json --out out $(wildcard $(CORPUS)/ga/*.pdf $(CORPUS)/sc/*.pdf $(CORPUS)/hrc/*.pdf $(CORPUS)/drafts/*.pdf)
	@echo "wrote $$(ls out/*.json | wc -l) resolutions to out/"

pipeline: build
	@SOURCE="$(SOURCE)" RESINGEST_BIN="$(BIN)" bash deploy/pipeline.sh

up:
	docker compose up --build --detach
	@echo "Grafana on http://localhost:3000, the API on http://localhost:8080/v1/resolutions"

down:
	docker compose down

# A missing tool or corpus stops here (.ci/preflight) unless ALLOW_SKIP=1; without it the tests
# run as in CI (CI=true), where a test that would skip fails instead.
test:
	bash .ci/preflight
	if [ "$${ALLOW_SKIP:-}" = 1 ]; then \
	  status=0; cargo nextest run --workspace --no-fail-fast || status=$$?; \
	  bash .ci/preflight --after; exit $$status; \
	else CI=true cargo nextest run --workspace --no-fail-fast; fi

bench: build
	bash bench/extract.sh

# The chaos build has the crash-test failpoints (a worker killed between confirm and ack);
# `make build` and the image never do.
chaos:
	cargo build --release -p resingest-cli -p resingest-e2e --features resingest-cli/failpoints
	$(TARGET_DIR)/release/chaos --out target/chaos.md $(CHAOS_ARGS)
	$(TARGET_DIR)/release/chaos --readme README.md --from target/chaos.md

fuzz:
	command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
	FUZZ_RUNS=$${FUZZ_RUNS:-20000} bash crates/extract/fuzz/run.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all
