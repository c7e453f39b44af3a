//! The real processes: `resingest sink`, `resingest worker` (several), `resingest fetch`, and
//! `resingest publish`, each with its log in the scenario's folder, its own metrics port, and
//! its vhost and database from the environment.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The `resingest` binary: `$RESINGEST_BIN`, else the one beside the running executable (tests
/// run from `target/<profile>/deps/`, `chaos` from `target/<profile>/`).
pub fn resingest_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("RESINGEST_BIN") {
        return p.into();
    }
    let exe = std::env::current_exe().expect("current_exe");
    let mut dir = exe.parent().unwrap();
    if dir.ends_with("deps") {
        dir = dir.parent().unwrap();
    }
    let bin = dir.join("resingest");
    assert!(
        bin.is_file(),
        "{} is missing: build it first (cargo build -p resingest-cli, --release for chaos)",
        bin.display()
    );
    bin
}

pub use resingest_runtime::testing::free_port;

/// One running process of the pipeline.
pub struct Proc {
    pub role: String,
    pub child: Child,
    pub port: u16,
    pub log: PathBuf,
    /// Set once it was killed on purpose or exited.
    pub exit: Option<ExitStatus>,
}

impl Proc {
    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    pub fn alive(&mut self) -> bool {
        self.exit.is_none() && matches!(self.child.try_wait(), Ok(None))
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.pid(), sig);
        }
    }

    /// SIGKILL, then reap.
    pub fn kill(&mut self) {
        self.signal(libc::SIGKILL);
        self.exit = self.child.wait().ok();
    }

    /// SIGTERM and wait up to `grace` for the exit; SIGKILL after that. Returns the status
    /// and how long the drain took.
    pub fn terminate(&mut self, grace: Duration) -> (Option<ExitStatus>, Duration) {
        let start = Instant::now();
        if let Some(s) = self.exit {
            return (Some(s), Duration::ZERO);
        }
        self.signal(libc::SIGTERM);
        while start.elapsed() < grace {
            if let Ok(Some(s)) = self.child.try_wait() {
                self.exit = Some(s);
                return (Some(s), start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
        (None, start.elapsed())
    }

    /// Peak resident set (VmHWM) of the process, and the largest of its children's, in KiB.
    pub fn peak_rss_kib(&self) -> (u64, u64) {
        let own = vm_hwm(self.pid());
        let mut child = 0;
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{}/task", self.pid())) {
            for t in tasks.flatten() {
                let list = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
                for pid in list.split_whitespace().filter_map(|p| p.parse().ok()) {
                    child = child.max(vm_hwm(pid));
                }
            }
        }
        (own, child)
    }

    /// `GET path` on the process's metrics/HTTP port: (status, body), or None if unreachable.
    pub fn http_get(&self, path: &str) -> Option<(u16, String)> {
        http_get(SocketAddr::from(([127, 0, 0, 1], self.port)), path)
    }

    /// The last `n` lines of the log, for failure messages.
    pub fn log_tail(&self, n: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.exit.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn vm_hwm(pid: i32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

pub fn http_get(addr: SocketAddr, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let status = text.get(9..12)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

/// Where the processes of one scenario run: broker vhost, database, archive and logs.
pub struct Env {
    pub bin: PathBuf,
    pub amqp_url: String,
    pub database_url: String,
    pub archive: PathBuf,
    pub logs: PathBuf,
    /// Per-worker extraction slots.
    pub concurrency: usize,
}

impl Env {
    fn command(&self, role: &str, log_name: &str, port: u16) -> (Command, PathBuf) {
        let log = self.logs.join(format!("{log_name}.log"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let mut cmd = Command::new(&self.bin);
        cmd.arg(role)
            .env("RESINGEST_AMQP_URL", &self.amqp_url)
            .env("RESINGEST_DATABASE_URL", &self.database_url)
            .env("RESINGEST_ARCHIVE_URL", &self.archive)
            .env(
                "RUST_LOG",
                std::env::var("RESINGEST_E2E_LOG").unwrap_or_else(|_| "info".into()),
            )
            .env_remove("RESINGEST_METRICS_ADDR")
            .env_remove("RESINGEST_HTTP_ADDR")
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file);
        if port != 0 {
            cmd.env("RESINGEST_METRICS_ADDR", format!("127.0.0.1:{port}"));
        }
        (cmd, log)
    }

    fn spawn(&self, role: &str, log_name: &str, args: &[&str], http: bool) -> Proc {
        let port = free_port();
        let (mut cmd, log) = self.command(role, log_name, port);
        if http {
            // The sink: its API on `port` (with /healthz); /metrics on a port of its own.
            cmd.env("RESINGEST_HTTP_ADDR", format!("127.0.0.1:{port}"))
                .env("RESINGEST_METRICS_ADDR", "127.0.0.1:0");
        }
        cmd.args(args);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("starting {} {role}: {e}", self.bin.display()));
        Proc {
            role: log_name.into(),
            child,
            port,
            log,
            exit: None,
        }
    }

    pub fn sink(&self) -> Proc {
        self.spawn("sink", "sink", &[], true)
    }

    pub fn worker(&self, i: usize) -> Proc {
        let c = self.concurrency.to_string();
        self.spawn(
            "worker",
            &format!("worker-{i}"),
            &["--concurrency", &c, "--grace", "20", "--timeout", "20"],
            false,
        )
    }

    /// A worker that SIGKILLs itself right after its `every`-th publisher confirm, before the
    /// ack (`RESINGEST_WORKER_FAILPOINT`, compiled in by the `failpoints` feature).
    pub fn worker_killed_after_confirm(&self, i: usize, every: u64) -> Proc {
        let c = self.concurrency.to_string();
        let port = free_port();
        let name = format!("worker-{i}");
        let (mut cmd, log) = self.command("worker", &name, port);
        cmd.env(
            "RESINGEST_WORKER_FAILPOINT",
            format!("kill-after-confirm:{every}"),
        )
        .args(["--concurrency", &c, "--grace", "20", "--timeout", "20"]);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("starting {} worker: {e}", self.bin.display()));
        Proc {
            role: name,
            child,
            port,
            log,
            exit: None,
        }
    }

    /// `fetch --watch` over `dir`, polling every second: a poll that fails (broker or
    /// database down) is retried at the next one.
    pub fn fetcher(&self, dir: &Path, watch: bool) -> Proc {
        let source = format!("dir:{}", dir.display());
        let mode: &[&str] = if watch {
            &["--watch", "--interval", "1s"]
        } else {
            &["--once"]
        };
        let mut args = vec!["--source", source.as_str()];
        args.extend_from_slice(mode);
        self.spawn("fetch", "fetcher", &args, false)
    }

    /// `resingest publish --dir`, run to completion.
    pub fn publish(&self, dir: &Path) -> ExitStatus {
        let (mut cmd, log) = self.command("publish", "publish", 0);
        cmd.arg("--dir").arg(dir);
        cmd.status()
            .unwrap_or_else(|e| panic!("resingest publish ({}): {e}", log.display()))
    }
}

/// Waits until `p` answers 200 on `/healthz`; the reason, with the log's tail, if it exits or
/// `timeout` passes first.
pub fn wait_healthy(p: &mut Proc, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    while !matches!(p.http_get("/healthz"), Some((200, _))) {
        if !p.alive() {
            return Err(format!("{} exited:\n{}", p.role, p.log_tail(30)));
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{} not healthy within {timeout:?}:\n{}",
                p.role,
                p.log_tail(30)
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}
