//! The fetcher's `/healthz`. Between polls the fetcher holds no connection to be healthy on, so
//! it answers whether its poll loop is alive, and how the last poll ended:
//!
//! - 503 `stalled` when nothing has ended (an HTTP request, a document, a poll) for longer than
//!   a live fetcher can be quiet: one request's worst case (every attempt's connect and request
//!   timeouts and backoff ceiling, the per-poll `Retry-After` ceiling, a publish confirm) plus ten
//!   seconds ([`quiet_budget`]), and the interval too while it sleeps between polls. A hung poll is what a restart
//!   helps.
//! - 503 `ledger database unavailable` when the ledger does not answer `SELECT 1` within 2 s:
//!   nothing can be recorded, so nothing is fetched.
//! - 200 otherwise, with the last poll's outcome and age ("last poll ended 42 s ago: blocked
//!   (challenge): ..."). A fetcher the UN blocks is alive: restarting it would only poll the
//!   block again sooner; `resingest_fetcher_blocked_total` and its alert are for that.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use sqlx::PgPool;

use crate::config::Config;

/// How long the ledger may take to answer the health check's ping.
const PING: Duration = Duration::from_secs(2);

/// When the fetcher must next show life, and how its last poll ended.
pub struct Liveness {
    origin: Instant,
    /// Milliseconds after `origin` by which something must end.
    deadline_ms: AtomicU64,
    /// How long a live fetcher may be quiet while polling, in milliseconds.
    budget_ms: AtomicU64,
    last_poll: Mutex<Option<(Instant, String)>>,
}

impl Liveness {
    pub fn new() -> Liveness {
        let l = Liveness {
            origin: Instant::now(),
            deadline_ms: AtomicU64::new(0),
            budget_ms: AtomicU64::new(0),
            last_poll: Mutex::new(None),
        };
        l.set_budget(Duration::from_secs(60));
        l
    }

    /// How long a live fetcher may be quiet while polling ([`quiet_budget`]); starts the clock.
    pub fn set_budget(&self, budget: Duration) {
        self.budget_ms
            .store(budget.as_millis() as u64, Ordering::Relaxed);
        self.beat();
    }

    /// Something ended: the next must end within the budget.
    pub fn beat(&self) {
        self.extend(Duration::ZERO);
    }

    /// The loop sleeps `interval` before the next poll.
    pub fn sleeping(&self, interval: Duration) {
        self.extend(interval);
    }

    /// A poll ended with `outcome` ("ok", "blocked (...)", "failed: ...").
    pub fn poll_ended(&self, outcome: String) {
        self.beat();
        *self.last_poll.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), outcome));
    }

    fn extend(&self, extra: Duration) {
        let budget = Duration::from_millis(self.budget_ms.load(Ordering::Relaxed));
        let at = self.origin.elapsed() + extra + budget;
        self.deadline_ms
            .store(at.as_millis() as u64, Ordering::Relaxed);
    }

    /// How long past its deadline the fetcher is, if it is.
    fn overdue(&self) -> Option<Duration> {
        let now = self.origin.elapsed().as_millis() as u64;
        let deadline = self.deadline_ms.load(Ordering::Relaxed);
        (now > deadline).then(|| Duration::from_millis(now - deadline))
    }

    /// The `/healthz` answer, pinging the ledger's `pool`.
    pub async fn answer(&self, pool: &PgPool) -> (StatusCode, String) {
        if let Some(late) = self.overdue() {
            let budget = self.budget_ms.load(Ordering::Relaxed) / 1000;
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "stalled: nothing has ended for {} s past the {budget} s a live fetcher may be quiet\n",
                    late.as_secs()
                ),
            );
        }
        match tokio::time::timeout(PING, sqlx::query("SELECT 1").execute(pool)).await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!("ledger database unavailable: {error}\n"),
                )
            }
            Err(_) => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    format!(
                        "ledger database unavailable: no answer within {} s\n",
                        PING.as_secs()
                    ),
                )
            }
        }
        let last = self.last_poll.lock().unwrap_or_else(|e| e.into_inner());
        let body = match &*last {
            None => "polling: the first poll has not ended yet\n".to_owned(),
            Some((at, outcome)) => format!(
                "polling: last poll ended {} s ago: {outcome}\n",
                at.elapsed().as_secs()
            ),
        };
        (StatusCode::OK, body)
    }
}

impl Default for Liveness {
    fn default() -> Self {
        Liveness::new()
    }
}

/// What a quiet budget adds for the work between requests (ledger rows, an archive write).
const SPARE: Duration = Duration::from_secs(10);

/// How long a fetcher with `config` may go without a request, document or poll ending while
/// it polls: one request's worst case, a publish confirm, and [`SPARE`].
pub fn quiet_budget(config: &Config) -> Duration {
    let h = &config.http;
    let per_attempt = h.connect_timeout + h.timeout + h.backoff_max;
    per_attempt * h.max_attempts.max(1)
        + h.max_wait_per_poll
        + h.per_host_interval * h.concurrency.max(1) as u32
        + config.publish_timeout
        + SPARE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_beat_moves_the_deadline_and_sleeping_adds_the_interval() {
        let l = Liveness::new();
        l.set_budget(Duration::ZERO);
        std::thread::sleep(Duration::from_millis(5));
        assert!(l.overdue().is_some(), "no beat within a zero budget");
        l.sleeping(Duration::from_secs(60));
        assert!(l.overdue().is_none(), "asleep between polls");
        l.set_budget(Duration::from_secs(60));
        assert!(l.overdue().is_none());
    }
}
