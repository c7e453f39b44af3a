# syntax=docker/dockerfile:1
# The one `resingest` binary for every role (fetch, worker, sink, ...), built in three stages:
# cargo-chef turns the manifests into a recipe so the dependencies are a cached layer that only
# a Cargo.toml or Cargo.lock change rebuilds; the runtime image is Debian slim, non-root.
# The toolchain the workspace is built and tested with (rust-version is only the floor).
ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS chef
RUN cargo install --locked cargo-chef@0.1.71
WORKDIR /src

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
COPY --from=planner /src/recipe.json recipe.json
# Feature s3: the Kubernetes manifests archive in S3 or MinIO (RESINGEST_ARCHIVE_URL=s3://...).
ARG FEATURES=s3
RUN cargo chef cook --release --locked --recipe-path recipe.json -p resingest-cli --features "${FEATURES}"
COPY . .
RUN cargo build --release --locked -p resingest-cli --features "${FEATURES}" \
    && install -m 0755 target/release/resingest /usr/local/bin/resingest

FROM debian:bookworm-slim AS runtime
# ca-certificates: the fetcher talks TLS to the UN; tini: signals reach resingest as PID 2 so
# SIGTERM drains workers instead of killing them.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tini \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/resingest --create-home resingest \
    && mkdir -p /var/lib/resingest/archive \
    && chown -R resingest /var/lib/resingest
COPY --from=builder /usr/local/bin/resingest /usr/local/bin/resingest
USER 10001
WORKDIR /var/lib/resingest
ENV RESINGEST_ARCHIVE_URL=/var/lib/resingest/archive
# JSON lines for the log collector (the detection would also find /.dockerenv; this says it).
ENV RESINGEST_LOG_FORMAT=json
ENTRYPOINT ["/usr/bin/tini", "--", "resingest"]
CMD ["--help"]
