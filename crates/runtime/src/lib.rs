//! The runtime every resingest role shares, so that each role crate holds only its own logic
//! (Quickwit's `quickwit-common` is the model):
//!
//! - [`backoff`]: jittered exponential backoff on `backon`, for reconnects and retries.
//! - [`logs`]: one log setup for every subcommand: text, or JSON lines in the image and in
//!   Kubernetes pods (or as `RESINGEST_LOG_FORMAT` says), `RUST_LOG` for the level.
//! - [`signal`]: SIGTERM or Ctrl-C cancels a token, the one way every role starts its drain.
//! - [`pg`]: PostgreSQL around the roles' own schemas: create the database when it is missing,
//!   describe an error in one line, tell a setting problem from an outage.
//! - [`time`]: the `since` every list and poll takes (`2025-01-31` or RFC 3339).
//! - [`testing`] (feature `test-support`): a private PostgreSQL database per test.
//! - The defaults every role agrees on ([`DEFAULT_DATABASE_URL`]; the broker's is
//!   `resingest_amqp::DEFAULT_AMQP_URL`, the archive's `resingest_archive::DEFAULT_ARCHIVE_URL`).

pub mod backoff;
pub mod logs;
pub mod pg;
pub mod signal;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod time;

pub use backoff::Backoff;

/// The database every role uses unless told otherwise: the local PostgreSQL, database
/// `resingest`, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/resingest";
