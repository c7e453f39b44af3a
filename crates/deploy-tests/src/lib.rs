//! What the deployment files under `deploy/` and the root `docker-compose.yml` promise, read
//! back in a form tests can check. No Docker engine is needed: the tests under `tests/` run a
//! real Prometheus over real `resingest` processes instead.
//!
//! - [`repo`]: where the repository, `deploy/` and `../shared` are.
//! - [`queries`]: every PromQL expression of the Grafana dashboards and the alert rules, the
//!   metric names each one reads, and the constants that would hide an empty result.
//! - `tests/files.rs`: compose against the compose spec, Kubernetes manifests structurally,
//!   `promtool check`.
//! - `tests/prometheus.rs`: fetcher, two workers and the sink over a few documents, scraped by
//!   Prometheus with the repository's config; every query answers and the dead-letter alert fires.

pub mod queries;
pub mod repo;
