//! The end-to-end and fault-injection suite: the real `resingest` processes (a fetcher, two or
//! more workers, a sink) against RabbitMQ and PostgreSQL on loopback, each scenario in its own
//! vhost and database, and the counts a reader of the results needs: published, stored,
//! dead-lettered, lost, duplicated, unexpected, with recovery times and throughput.
//!
//! Like RabbitMQ's Jepsen runs, a scenario is judged only at the end, once every queue has
//! drained: each input must be stored exactly once or dead-lettered with the kind it deserves,
//! and stored + dead-lettered must equal published.
//!
//! [`inputs`] builds the documents (corpus PDFs, synthetic resolutions from the typesetter,
//! hostile files), [`fleet`] runs the processes, [`faults`] breaks things on schedule,
//! [`account`] counts, and [`scenario`] ties them together for the tests and `make chaos`.
//! [`webdriver`] drives Chromium for the browser test of the sink's web pages (`tests/web.rs`).

pub mod account;
pub mod cluster;
pub mod faults;
pub mod fleet;
pub mod inputs;
pub mod report;
pub mod scenario;
pub mod webdriver;

pub use scenario::{Outcome, Scenario, Size};
