//! The supervisor: a pool of long-lived children, each job checked out to one child under a
//! wall-clock deadline. A child that dies, is killed or breaks the protocol is reaped and
//! replaced on the next checkout; the job gets a typed [`IsolatedError`] naming the cause.
//!
//! I/O with a child is non-blocking and driven by `poll`, so the deadline holds even when the
//! child stops reading its stdin, and stderr is drained while the job runs (a full stderr pipe
//! would otherwise stall the child).

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use resingest_extract::{ExtractError, Format, Limits};
use serde::{Deserialize, Serialize};

use crate::protocol::{self, FrameBuffer, Outcome, Request, Response};
use crate::IsolatedError;

/// Bounds on one isolated job, enforced from outside the parser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IsolationLimits {
    /// Wall-clock time from sending the request to the complete response; past it the child
    /// is killed.
    pub wall_time: Duration,
    /// CPU seconds one job may use (RLIMIT_CPU, re-armed per job); `None` for no limit.
    pub cpu_seconds: Option<u64>,
    /// Address space of a child (RLIMIT_AS); `None` for no limit.
    pub memory_bytes: Option<u64>,
    /// Largest rendered output accepted from a child.
    pub max_output_bytes: u64,
}

/// Real resolutions take under 0.2 s and 25 MB (the largest corpus file, release build); the
/// defaults leave two orders of magnitude of room and still stop the /W [0 0 0] xref stream
/// (which grows lopdf's table by ~150 MB/s) within about 15 s.
impl Default for IsolationLimits {
    fn default() -> Self {
        IsolationLimits {
            wall_time: Duration::from_secs(30),
            cpu_seconds: Some(30),
            memory_bytes: Some(2 << 30),
            max_output_bytes: 256 << 20,
        }
    }
}

/// What to spawn and how many.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// The child program; it must run [`crate::child::serve`].
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// The children's whole environment: they start with an empty one (nothing of the
    /// caller's, broker credentials included, reaches a parser of hostile input) plus this.
    pub env: Vec<(OsString, OsString)>,
    /// Number of children, and so of jobs running at once.
    pub workers: usize,
    pub limits: IsolationLimits,
}

impl PoolConfig {
    /// Children that are this very executable run with [`crate::CHILD_SUBCOMMAND`]: how the
    /// `resingest` CLI and worker isolate themselves.
    /// With the `failpoints` feature the caller's [`crate::child::FAILPOINT_ENV`] is passed on,
    /// so a test can make the children of a real `resingest` process misbehave.
    pub fn current_exe(workers: usize, limits: IsolationLimits) -> io::Result<PoolConfig> {
        #[cfg(feature = "failpoints")]
        let env = std::env::var_os(crate::child::FAILPOINT_ENV)
            .map(|v| (crate::child::FAILPOINT_ENV.into(), v))
            .into_iter()
            .collect();
        #[cfg(not(feature = "failpoints"))]
        let env = Vec::new();
        Ok(PoolConfig {
            program: std::env::current_exe()?,
            args: vec![crate::CHILD_SUBCOMMAND.into()],
            env,
            workers,
            limits,
        })
    }
}

/// Counters over the pool's life, for metrics and for tests that must see a child die.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PoolStats {
    pub spawned: u64,
    /// Children reaped after they died, were killed or broke the protocol.
    pub replaced: u64,
    pub jobs: u64,
}

/// A pool of extraction children; `Send + Sync`, one job per child at a time.
pub struct Pool {
    config: PoolConfig,
    slots: Mutex<Slots>,
    freed: Condvar,
    next_id: AtomicU64,
    spawned: AtomicU64,
    replaced: AtomicU64,
    jobs: AtomicU64,
}

struct Slots {
    idle: Vec<Worker>,
    /// Children alive or being spawned, idle or checked out.
    live: usize,
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
    stderr: ChildStderr,
}

impl Pool {
    /// Starts `config.workers` children now, so the first jobs do not pay for it and a missing
    /// program is reported here.
    pub fn new(config: PoolConfig) -> Result<Pool, IsolatedError> {
        let workers = config.workers.max(1);
        let pool = Pool {
            config: PoolConfig { workers, ..config },
            slots: Mutex::new(Slots {
                idle: Vec::new(),
                live: 0,
            }),
            freed: Condvar::new(),
            next_id: AtomicU64::new(1),
            spawned: AtomicU64::new(0),
            replaced: AtomicU64::new(0),
            jobs: AtomicU64::new(0),
        };
        let mut started = Vec::with_capacity(workers);
        for _ in 0..workers {
            started.push(pool.spawn()?);
        }
        let mut slots = pool.slots.lock().unwrap();
        slots.live = started.len();
        slots.idle = started;
        drop(slots);
        Ok(pool)
    }

    pub fn config(&self) -> &PoolConfig {
        &self.config
    }

    pub fn stats(&self) -> PoolStats {
        PoolStats {
            spawned: self.spawned.load(Ordering::Relaxed),
            replaced: self.replaced.load(Ordering::Relaxed),
            jobs: self.jobs.load(Ordering::Relaxed),
        }
    }

    /// Process ids of the idle children (for tests and diagnostics).
    pub fn idle_pids(&self) -> Vec<u32> {
        self.slots
            .lock()
            .unwrap()
            .idle
            .iter()
            .map(|w| w.child.id())
            .collect()
    }

    /// Renders `pdf` in a child: `resingest_extract::render` behind a process boundary.
    /// Blocks until a child is free and the job is done or its deadline passed.
    pub fn render(
        &self,
        pdf: &[u8],
        format: Format,
        limits: &Limits,
    ) -> Result<Vec<u8>, IsolatedError> {
        if pdf.len() as u64 > limits.max_bytes {
            return Err(IsolatedError::Extract(ExtractError::OverLimit {
                what: "file size in bytes".into(),
                actual: pdf.len() as u64,
                limit: limits.max_bytes,
            }));
        }
        let request = Request {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            format,
            limits: limits.clone(),
            cpu_seconds: self.config.limits.cpu_seconds,
        };
        let mut worker = self.checkout()?;
        self.jobs.fetch_add(1, Ordering::Relaxed);
        let end = run_job(&mut worker, &request, pdf, &self.config.limits);
        let (result, healthy) = self.conclude(&mut worker, &request, end);
        self.checkin(worker, healthy);
        result
    }

    fn checkout(&self) -> Result<Worker, IsolatedError> {
        let mut slots = self.slots.lock().unwrap();
        loop {
            if let Some(mut worker) = slots.idle.pop() {
                // A child that died while idle (OOM killer, an operator's kill) must not be
                // blamed on the next document.
                if let Ok(None) = worker.child.try_wait() {
                    return Ok(worker);
                }
                let _ = worker.child.wait();
                slots.live -= 1;
                self.replaced.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            if slots.live < self.config.workers {
                slots.live += 1;
                drop(slots);
                return self.spawn().inspect_err(|_| {
                    self.slots.lock().unwrap().live -= 1;
                    self.freed.notify_one();
                });
            }
            slots = self.freed.wait(slots).unwrap();
        }
    }

    fn checkin(&self, worker: Worker, healthy: bool) {
        let mut slots = self.slots.lock().unwrap();
        if healthy {
            slots.idle.push(worker);
        } else {
            slots.live -= 1;
            self.replaced.fetch_add(1, Ordering::Relaxed);
        }
        drop(slots);
        self.freed.notify_one();
    }

    fn spawn(&self) -> Result<Worker, IsolatedError> {
        let cfg = &self.config;
        let memory = cfg.limits.memory_bytes;
        let mut command = Command::new(&cfg.program);
        command
            .args(&cfg.args)
            .env_clear()
            .envs(cfg.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // SAFETY: only async-signal-safe calls (setrlimit, unshare, prctl) between fork and
        // exec, on stack data.
        unsafe {
            command.pre_exec(move || {
                // A crashing child must not spend seconds writing a core of gigabytes.
                set_rlimit(libc::RLIMIT_CORE, 0)?;
                if let Some(bytes) = memory {
                    set_rlimit(libc::RLIMIT_AS, bytes)?;
                }
                crate::netless::no_network()
            });
        }
        let spawn_error = |e: io::Error| IsolatedError::Spawn {
            program: cfg.program.display().to_string(),
            detail: e.to_string(),
        };
        let mut child = command.spawn().map_err(spawn_error)?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        for fd in [stdin.as_raw_fd(), stdout.as_raw_fd(), stderr.as_raw_fd()] {
            set_nonblocking(fd).map_err(spawn_error)?;
        }
        // A whole PDF in one write instead of a ping-pong of 64 KiB chunks, each of which
        // waits for the other process to be scheduled: that latency, not copying, was most
        // of the cost of isolation on a busy machine. Best effort: the kernel caps the size.
        for fd in [stdin.as_raw_fd(), stdout.as_raw_fd()] {
            // SAFETY: fcntl on a pipe we own.
            unsafe { libc::fcntl(fd, libc::F_SETPIPE_SZ, PIPE_BYTES) };
        }
        self.spawned.fetch_add(1, Ordering::Relaxed);
        Ok(Worker {
            child,
            stdin,
            stdout,
            stderr,
        })
    }

    /// Turns how the job ended into its result, and says whether the child may serve again.
    /// A child that did not answer is killed (if still alive) and reaped here.
    fn conclude(
        &self,
        worker: &mut Worker,
        request: &Request,
        end: JobEnd,
    ) -> (Result<Vec<u8>, IsolatedError>, bool) {
        let limits = &self.config.limits;
        match end {
            JobEnd::Answered(response, body) if response.id == request.id => match response.outcome
            {
                Outcome::Ok => (Ok(body), true),
                Outcome::Err(err) => (Err(IsolatedError::Extract(err)), true),
                Outcome::Panicked(message) => (Err(IsolatedError::Panicked { message }), true),
            },
            JobEnd::Answered(response, _) => {
                let detail = format!("answered job {} to job {}", response.id, request.id);
                kill_and_reap(worker);
                (Err(IsolatedError::Protocol { detail }), false)
            }
            JobEnd::TimedOut(after) => {
                kill_and_reap(worker);
                (
                    Err(IsolatedError::TimedOut {
                        after_ms: after.as_millis() as u64,
                    }),
                    false,
                )
            }
            JobEnd::Broken(detail) => {
                kill_and_reap(worker);
                (Err(IsolatedError::Protocol { detail }), false)
            }
            JobEnd::Io(err) => {
                kill_and_reap(worker);
                (
                    Err(IsolatedError::Io {
                        detail: err.to_string(),
                    }),
                    false,
                )
            }
            JobEnd::Died(stderr) => {
                let status = reap_within(worker, Duration::from_secs(2));
                (Err(classify_death(status, &stderr, limits)), false)
            }
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        let slots = self.slots.get_mut().unwrap_or_else(|e| e.into_inner());
        for mut worker in slots.idle.drain(..) {
            kill_and_reap(&mut worker);
        }
    }
}

/// How a job ended, before it is given a meaning.
enum JobEnd {
    Answered(Response, Vec<u8>),
    /// The child closed its stdout; what it printed on stderr during the job.
    Died(Vec<u8>),
    TimedOut(Duration),
    Broken(String),
    Io(io::Error),
}

/// Pipe buffer asked for: the default `fs.pipe-max-size` an unprivileged process may set.
const PIPE_BYTES: libc::c_int = 1 << 20;

/// Most stderr kept per job: enough for a panic message or an allocator complaint.
const STDERR_TAIL: usize = 16 << 10;

fn run_job(worker: &mut Worker, request: &Request, pdf: &[u8], limits: &IsolationLimits) -> JobEnd {
    let start = Instant::now();
    let deadline = start + limits.wall_time;
    let head = protocol::encode_head(request, pdf.len());
    let total = head.len() + pdf.len();
    let mut sent = 0usize;
    let mut frames = FrameBuffer::default();
    let mut stderr = Vec::new();
    let mut stderr_open = true;
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let now = Instant::now();
        if now >= deadline {
            return JobEnd::TimedOut(now - start);
        }
        let mut fds = vec![pollfd(worker.stdout.as_raw_fd(), libc::POLLIN)];
        if stderr_open {
            fds.push(pollfd(worker.stderr.as_raw_fd(), libc::POLLIN));
        }
        let writing = sent < total;
        if writing {
            fds.push(pollfd(worker.stdin.as_raw_fd(), libc::POLLOUT));
        }
        let wait_ms = (deadline - now).as_millis().clamp(1, i32::MAX as u128) as i32;
        // SAFETY: `fds` is a valid, exclusively borrowed array of pollfd.
        let ready = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, wait_ms) };
        if ready < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return JobEnd::Io(err);
        }
        if writing && fds.last().unwrap().revents != 0 {
            let result = if sent < head.len() {
                worker.stdin.write(&head[sent..])
            } else {
                worker.stdin.write(&pdf[sent - head.len()..])
            };
            match result {
                Ok(n) => sent += n,
                Err(e) if retryable(&e) => {}
                // The child is gone; its stdout will say so.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => sent = total,
                Err(e) => return JobEnd::Io(e),
            }
        }
        if stderr_open && fds[1].revents != 0 {
            match worker.stderr.read(&mut chunk) {
                Ok(0) => stderr_open = false,
                Ok(n) => keep_tail(&mut stderr, &chunk[..n]),
                Err(e) if retryable(&e) => {}
                Err(_) => stderr_open = false,
            }
        }
        if fds[0].revents != 0 {
            match worker.stdout.read(&mut chunk) {
                Ok(0) => {
                    drain_stderr(worker, &mut stderr, stderr_open, deadline);
                    return JobEnd::Died(stderr);
                }
                Ok(n) => {
                    frames.extend(&chunk[..n]);
                    match frames.take::<Response>(limits.max_output_bytes) {
                        Ok(Some((response, body))) if frames.is_empty() => {
                            return JobEnd::Answered(response, body)
                        }
                        Ok(Some(_)) => {
                            return JobEnd::Broken("wrote more than one response".into())
                        }
                        Ok(None) => {}
                        Err(detail) => return JobEnd::Broken(detail),
                    }
                }
                Err(e) if retryable(&e) => {}
                Err(e) => return JobEnd::Io(e),
            }
        }
    }
}

/// Reads what the dead child left on stderr, up to a short grace period.
fn drain_stderr(worker: &mut Worker, stderr: &mut Vec<u8>, open: bool, deadline: Instant) {
    if !open {
        return;
    }
    let grace = (Instant::now() + Duration::from_secs(1)).min(deadline);
    let mut chunk = [0u8; 8192];
    while Instant::now() < grace {
        let mut fds = [pollfd(worker.stderr.as_raw_fd(), libc::POLLIN)];
        // SAFETY: valid pollfd array.
        unsafe { libc::poll(fds.as_mut_ptr(), 1, 50) };
        match worker.stderr.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => keep_tail(stderr, &chunk[..n]),
            Err(e) if retryable(&e) => {}
            Err(_) => return,
        }
    }
}

/// Names the cause of a child's death from its exit status and what it said on stderr.
fn classify_death(
    status: Option<ExitStatus>,
    stderr: &[u8],
    limits: &IsolationLimits,
) -> IsolatedError {
    let text = String::from_utf8_lossy(stderr);
    // Rust's default alloc error handler prints this and aborts; under RLIMIT_AS that is
    // what running out of memory looks like.
    if text.contains("memory allocation of") && text.contains("failed") {
        if let Some(limit_bytes) = limits.memory_bytes {
            return IsolatedError::OverMemory { limit_bytes };
        }
    }
    let signal = status.and_then(|s| s.signal());
    if signal == Some(libc::SIGXCPU) {
        if let Some(limit_seconds) = limits.cpu_seconds {
            return IsolatedError::OverCpu { limit_seconds };
        }
    }
    IsolatedError::Crashed {
        signal,
        status: status.and_then(|s| s.code()),
        stderr: last_chars(&text, 2048),
    }
}

fn kill_and_reap(worker: &mut Worker) {
    let _ = worker.child.kill();
    let _ = worker.child.wait();
}

/// Waits for a child that closed its stdout to exit; kills it if it lingers.
fn reap_within(worker: &mut Worker, grace: Duration) -> Option<ExitStatus> {
    let until = Instant::now() + grace;
    loop {
        match worker.child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(2)),
            Ok(None) => {
                let _ = worker.child.kill();
                return worker.child.wait().ok();
            }
            Err(_) => return None,
        }
    }
}

fn keep_tail(tail: &mut Vec<u8>, bytes: &[u8]) {
    tail.extend_from_slice(bytes);
    if tail.len() > STDERR_TAIL {
        tail.drain(..tail.len() - STDERR_TAIL);
    }
}

fn last_chars(text: &str, n: usize) -> String {
    let skip = text.chars().count().saturating_sub(n);
    text.chars().skip(skip).collect()
}

fn retryable(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
    )
}

fn pollfd(fd: i32, events: libc::c_short) -> libc::pollfd {
    libc::pollfd {
        fd,
        events,
        revents: 0,
    }
}

fn set_nonblocking(fd: i32) -> io::Result<()> {
    // SAFETY: fcntl on an fd we own.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

fn set_rlimit(resource: libc::__rlimit_resource_t, value: u64) -> io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: value as libc::rlim_t,
        rlim_max: value as libc::rlim_t,
    };
    // SAFETY: setrlimit with a valid pointer; async-signal-safe.
    if unsafe { libc::setrlimit(resource, &limit) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> IsolationLimits {
        IsolationLimits {
            memory_bytes: Some(1 << 30),
            cpu_seconds: Some(5),
            ..IsolationLimits::default()
        }
    }

    #[test]
    fn allocator_complaint_is_over_memory_whatever_the_signal() {
        let status = ExitStatus::from_raw(libc::SIGABRT);
        let err = classify_death(
            Some(status),
            b"memory allocation of 68719476736 bytes failed\n",
            &limits(),
        );
        assert_eq!(
            err,
            IsolatedError::OverMemory {
                limit_bytes: 1 << 30
            }
        );
    }

    #[test]
    fn sigxcpu_is_over_cpu_and_other_signals_are_crashes() {
        let err = classify_death(Some(ExitStatus::from_raw(libc::SIGXCPU)), b"", &limits());
        assert_eq!(err, IsolatedError::OverCpu { limit_seconds: 5 });
        let err = classify_death(
            Some(ExitStatus::from_raw(libc::SIGSEGV)),
            b"boom",
            &limits(),
        );
        assert_eq!(
            err,
            IsolatedError::Crashed {
                signal: Some(libc::SIGSEGV),
                status: None,
                stderr: "boom".into()
            }
        );
        let err = classify_death(Some(ExitStatus::from_raw(3 << 8)), b"", &limits());
        assert_eq!(
            err,
            IsolatedError::Crashed {
                signal: None,
                status: Some(3),
                stderr: String::new()
            }
        );
    }

    #[test]
    fn pool_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Pool>();
    }
}
