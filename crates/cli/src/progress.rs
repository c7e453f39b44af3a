//! Progress of a long run (`publish --dir`, `reprocess`, `fetch --once`): on a terminal one line
//! redrawn four times a second, elsewhere a log line every 10 s (`RESINGEST_PROGRESS_EVERY`
//! overrides it, e.g. `2s`); done/total, rate and ETA. Log lines written through [`LogWriter`]
//! erase the drawn line first, and the next tick draws it again below them, so they never mix.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Whether a progress line is on screen without its newline (a log line must erase it first).
static DRAWN: AtomicBool = AtomicBool::new(false);

/// What a run has done so far: `done` of `total` (0 = not known yet) and an optional suffix
/// such as `118 published`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub done: u64,
    pub total: u64,
    pub extra: String,
}

/// Items per second over `elapsed`.
pub fn rate(done: u64, elapsed: Duration) -> f64 {
    done as f64 / elapsed.as_secs_f64().max(0.001)
}

/// Time left at `rate`; `None` when nothing is known (no rate, or nothing left).
pub fn eta(done: u64, total: u64, rate: f64) -> Option<Duration> {
    (rate > 0.0 && total > done)
        .then(|| Duration::from_secs(((total - done) as f64 / rate).round() as u64))
}

/// `120/600 documents, 3.2/s, ETA 2m30s, 118 published` (`5 documents, ...` while the total is
/// not known).
pub fn line(unit: &str, s: &Snapshot, elapsed: Duration) -> String {
    let r = rate(s.done, elapsed);
    let mut out = if s.total == 0 {
        format!("{} {unit}, {r:.1}/s", s.done)
    } else {
        let eta = match eta(s.done, s.total, r) {
            Some(d) => format!("{}m{:02}s", d.as_secs() / 60, d.as_secs() % 60),
            None => "-".into(),
        };
        format!("{}/{} {unit}, {r:.1}/s, ETA {eta}", s.done, s.total)
    };
    if !s.extra.is_empty() {
        out.push_str(", ");
        out.push_str(&s.extra);
    }
    out
}

/// How often the log line is written when stderr is not a terminal.
fn log_every() -> Duration {
    std::env::var("RESINGEST_PROGRESS_EVERY")
        .ok()
        .and_then(|v| humantime::parse_duration(&v).ok())
        .filter(|d| !d.is_zero())
        .unwrap_or(Duration::from_secs(10))
}

/// A thread that shows a run's progress until [`Reporter::finish`].
pub struct Reporter {
    stop: mpsc::Sender<()>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Reporter {
    /// Starts showing `snapshot()`'s progress, counted in `unit` (`documents`, `messages`).
    pub fn start(unit: &'static str, snapshot: impl Fn() -> Snapshot + Send + 'static) -> Reporter {
        let terminal = std::io::stderr().is_terminal();
        let every = if terminal {
            Duration::from_millis(250)
        } else {
            log_every()
        };
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(every) {
                let text = line(unit, &snapshot(), started.elapsed());
                if terminal {
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r\x1b[K{text}");
                    let _ = err.flush();
                    DRAWN.store(true, Ordering::SeqCst);
                } else {
                    tracing::info!(target: "resingest::progress", "progress: {text}");
                }
            }
            if terminal && DRAWN.swap(false, Ordering::SeqCst) {
                // Keep the last drawn line; the summary follows on its own line.
                eprintln!();
            }
        });
        Reporter {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops the display; the caller prints its summary next.
    pub fn finish(mut self) {
        self.stop_thread();
    }

    fn stop_thread(&mut self) {
        let _ = self.stop.send(());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Reporter {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

/// The logs' stderr writer: erases a drawn progress line before a log line, so the two never
/// share a line (the next tick draws progress again).
pub struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut err = std::io::stderr().lock();
        if DRAWN.swap(false, Ordering::SeqCst) {
            err.write_all(b"\r\x1b[K")?;
        }
        err.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(done: u64, total: u64, extra: &str) -> Snapshot {
        Snapshot {
            done,
            total,
            extra: extra.into(),
        }
    }

    #[test]
    fn rate_is_per_second_and_survives_zero_elapsed() {
        assert_eq!(rate(100, Duration::from_secs(50)), 2.0);
        assert!(rate(5, Duration::ZERO).is_finite());
        assert_eq!(rate(0, Duration::from_secs(3)), 0.0);
    }

    #[test]
    fn eta_is_what_is_left_at_the_rate() {
        assert_eq!(eta(100, 300, 2.0), Some(Duration::from_secs(100)));
        assert_eq!(eta(300, 300, 2.0), None);
        assert_eq!(eta(0, 300, 0.0), None);
    }

    #[test]
    fn line_shows_done_of_total_rate_eta_and_extra() {
        assert_eq!(
            line(
                "documents",
                &snap(100, 300, "98 published"),
                Duration::from_secs(50)
            ),
            "100/300 documents, 2.0/s, ETA 1m40s, 98 published"
        );
        assert_eq!(
            line("messages", &snap(3, 3, ""), Duration::from_secs(1)),
            "3/3 messages, 3.0/s, ETA -"
        );
        assert_eq!(
            line(
                "documents",
                &snap(5, 0, "1 published"),
                Duration::from_secs(1)
            ),
            "5 documents, 5.0/s, 1 published"
        );
    }
}
