//! Isolated extraction: PDFs from the internet are parsed in child processes, never in the
//! caller. A child that crashes, hangs or allocates without bound is killed and replaced, and
//! the document gets a typed [`IsolatedError`] that says which; the caller keeps running.
//!
//! How a job flows through the modules:
//! 1. [`Pool::render`] checks a child out of the [`pool`] (spawning or replacing one if
//!    needed). Children are long-lived copies of a program given in [`PoolConfig`] (in
//!    production the `resingest` binary itself with the hidden [`CHILD_SUBCOMMAND`]), started
//!    with an address-space limit, no core dumps, an empty environment plus what
//!    [`PoolConfig::env`] gives, and no network (`netless.rs`: a seccomp filter, and a network
//!    namespace where permitted).
//! 2. The request (job id, format, extraction limits, CPU budget, PDF bytes) goes to the
//!    child's stdin as one length-prefixed frame of the [`protocol`]; the supervisor waits for
//!    the response frame on stdout under a wall-clock deadline, draining stderr meanwhile.
//! 3. In the child, [`child::serve`] reads the frame, arms the per-job CPU limit and (feature
//!    `failpoints`, for tests only) the test failpoint, calls the handler (`resingest_extract::render`) and writes
//!    `Ok(bytes)` or `Err(ExtractError)` back.
//! 4. If the child died instead, the supervisor reaps it and names the cause from its exit
//!    status and stderr: [`IsolatedError::OverMemory`], [`IsolatedError::OverCpu`],
//!    [`IsolatedError::Crashed`]; past the deadline it kills it: [`IsolatedError::TimedOut`].
//!
//! [`hostile`] writes the crafted PDFs the tests and the fuzz seed corpus feed through all this.
//!
//! Synchronous std code: the async worker calls [`Pool::render`] from a blocking thread.
//! [`Pool`] is `Send + Sync` and serves one job per child at a time.

pub mod child;
mod error;
pub mod hostile;
mod netless;
mod pool;
pub mod protocol;

pub use error::IsolatedError;
pub use pool::{IsolationLimits, Pool, PoolConfig, PoolStats};

/// The hidden subcommand of the `resingest` binary that runs [`child::serve`] with the real
/// extractor; the CLI and the worker both start their children with it.
pub const CHILD_SUBCOMMAND: &str = "extract-child";
