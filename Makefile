# resingest: the commands the README names. `make help` lists them.
CORPUS ?= ../shared/corpus

.PHONY: help build run pipeline up down test bench lint fmt

help:
	@echo "make build   build the resingest binary (release)"
	@echo "make run     extract every corpus PDF into out/ as resolution JSON (CORPUS=dir)"
	@echo "make pipeline  fetcher, workers and sink as local processes (SOURCE=dir:PATH, WORKERS=n)"
	@echo "make up      the fleet in Docker: broker, database, roles, Prometheus, Grafana"
	@echo "make test    run every test against the local RabbitMQ and PostgreSQL"
	@echo "make bench   extraction benchmark against pdftotext (bench/extract.sh)"
	@echo "make lint    rustfmt check and clippy -D warnings"

build:
	cargo build --release -p resingest-cli

run: build
	mkdir -p out
	./target/release/resingest extract --format json --out out $(wildcard $(CORPUS)/ga/*.pdf $(CORPUS)/sc/*.pdf $(CORPUS)/hrc/*.pdf $(CORPUS)/drafts/*.pdf)
	@echo "wrote $$(ls out/*.json | wc -l) resolutions to out/"

pipeline: build
	SOURCE="$(SOURCE)" bash deploy/pipeline.sh

up:
	docker compose up --build --detach
	@echo "Grafana on http://localhost:3000, the API on http://localhost:8080/v1/resolutions"

down:
	docker compose down

test:
	cargo nextest run --workspace --no-fail-fast

bench: build
	bash bench/extract.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all
