//! Jittered exponential backoff on `backon`, the one schedule every role waits by: a
//! reconnect to the broker or the database, a retried download.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder};

/// Delays that double from `initial` up to `max`, each drawn uniformly from the upper half
/// of its ceiling ("equal jitter": never less than half the ceiling, so a failing peer is
/// not hammered, and never in lockstep, so restarted roles do not reconnect together).
///
/// `backon` adds a jitter of up to the current delay to it; starting it at half of
/// `initial` and capping it at half of `max` puts each delay in [ceiling/2, ceiling).
#[derive(Debug)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
    builder: ExponentialBuilder,
    delays: ExponentialBackoff,
}

impl Backoff {
    pub fn new(initial: Duration, max: Duration) -> Backoff {
        let builder = ExponentialBuilder::new()
            .with_min_delay(initial / 2)
            .with_max_delay(max / 2)
            .with_jitter()
            .without_max_times();
        Backoff {
            initial,
            max,
            builder,
            delays: builder.build(),
        }
    }

    /// The delay before the next attempt; each call doubles the ceiling, up to `max`.
    pub fn next_delay(&mut self) -> Duration {
        self.delays.next().unwrap_or(self.max).min(self.max)
    }

    /// Back to `initial` after a success.
    pub fn reset(&mut self) {
        self.delays = self.builder.build();
    }

    /// The delay before retry number `attempt` (from 1) of a fresh schedule: for callers
    /// that count their attempts themselves.
    pub fn delay_of_attempt(initial: Duration, max: Duration, attempt: u32) -> Duration {
        let mut b = Backoff::new(initial, max);
        (1..attempt.clamp(1, 64)).for_each(|_| {
            b.next_delay();
        });
        b.next_delay()
    }
}

impl Clone for Backoff {
    /// A fresh schedule with the same bounds.
    fn clone(&self) -> Backoff {
        Backoff::new(self.initial, self.max)
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new(Duration::from_millis(100), Duration::from_secs(10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_within_jitter_bounds_and_cap_at_max() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        let mut seen = Vec::new();
        for ceiling_ms in [100u64, 200, 400, 800, 1000, 1000, 1000] {
            let d = b.next_delay();
            let ceiling = Duration::from_millis(ceiling_ms);
            assert!(
                d >= ceiling / 2 && d <= ceiling,
                "{d:?} outside [{:?}, {ceiling:?}]",
                ceiling / 2
            );
            seen.push(d);
        }
        b.reset();
        assert!(b.next_delay() <= Duration::from_millis(100));
        // Jittered: not every delay at the cap is the same.
        let capped: Vec<Duration> = (0..20).map(|_| b.next_delay()).collect();
        assert!(capped.windows(2).any(|w| w[0] != w[1]), "{capped:?}");
    }

    #[test]
    fn a_counted_attempt_gets_its_ceiling() {
        let (initial, max) = (Duration::from_millis(100), Duration::from_secs(1));
        for (attempt, ceiling_ms) in [(1, 100u64), (2, 200), (3, 400), (4, 800), (9, 1000)] {
            let ceiling = Duration::from_millis(ceiling_ms);
            for _ in 0..20 {
                let d = Backoff::delay_of_attempt(initial, max, attempt);
                assert!(d >= ceiling / 2 && d <= ceiling, "attempt {attempt}: {d:?}");
            }
        }
    }
}
