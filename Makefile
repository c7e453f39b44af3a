# resingest: the commands the README names. `make help` lists them.
SOURCE ?= dir:../shared/corpus/ga

.PHONY: help build test bench lint fmt

help:
	@echo "make build   build the resingest binary (release)"
	@echo "make test    run every test against the local RabbitMQ and PostgreSQL"
	@echo "make bench   extraction benchmark against pdftotext (bench/extract.sh)"
	@echo "make lint    rustfmt check and clippy -D warnings"

build:
	cargo build --release -p resingest-cli

test:
	cargo nextest run --workspace --no-fail-fast

bench: build
	bash bench/extract.sh

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

fmt:
	cargo fmt --all
