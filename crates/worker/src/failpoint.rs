//! Crash-test hooks, compiled only with the `failpoints` feature (the test and chaos builds,
//! never a release build or the image).
//!
//! `RESINGEST_WORKER_FAILPOINT=kill-after-confirm:N`: this worker SIGKILLs itself right after
//! the broker confirmed its Nth result and before it acks the input, the one moment where a
//! crash leaves a stored result *and* an input the broker will deliver again. The scenario that
//! sets it proves the second copy is counted as a redelivery, never stored twice.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

pub const ENV: &str = "RESINGEST_WORKER_FAILPOINT";

static CONFIRMS: AtomicU64 = AtomicU64::new(0);

/// The N of `kill-after-confirm:N`, read once.
fn kill_after() -> Option<u64> {
    static AT: OnceLock<Option<u64>> = OnceLock::new();
    *AT.get_or_init(|| {
        let value = std::env::var(ENV).ok()?;
        let n = value
            .strip_prefix("kill-after-confirm:")
            .and_then(|n| n.parse().ok());
        if n.is_none() {
            tracing::warn!("ignoring unknown {ENV}={value:?}");
        }
        n
    })
}

/// Called between a result's publisher confirm and the input's ack.
pub(crate) fn after_confirm() {
    let Some(at) = kill_after() else { return };
    if CONFIRMS.fetch_add(1, Ordering::SeqCst) + 1 == at {
        tracing::warn!("{ENV}: SIGKILL after confirm {at}, before its ack");
        // SAFETY: kill(2) on our own pid has no memory-safety preconditions.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
}
