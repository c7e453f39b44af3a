//! Shutdown on a signal: SIGTERM (Kubernetes, compose, systemd) or Ctrl-C.

use tokio_util::sync::CancellationToken;

/// Waits for SIGTERM or Ctrl-C, logs `what` (what the role does now: "finishing those
/// delivered"), then cancels `shutdown`. Where SIGTERM cannot be watched, Ctrl-C alone does.
pub async fn cancel_on_signal(shutdown: CancellationToken, what: &str) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).ok();
    let term = async {
        match term.as_mut() {
            Some(t) => t.recv().await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
        // Cancelled for another reason (the role ended): nothing to announce.
        _ = shutdown.cancelled() => return,
    }
    tracing::info!("shutting down: {what}");
    shutdown.cancel();
}
