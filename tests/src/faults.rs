//! The faults a scenario injects, and the shared services they stop. Stopping PostgreSQL or
//! RabbitMQ affects every client on this machine: those scenarios run alone (the `serial`
//! nextest group) and `make chaos` runs scenarios one after another.

use std::process::Command;
use std::time::Duration;

/// What goes wrong during a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    /// SIGKILL one worker (in turn) every `every`, and also each time another share of
    /// 1/(`at_least` + 1) of the work has been stored since the last kill, so at least
    /// `at_least` kills land while work remains however fast the machine drains the queue; a
    /// supervisor starts the killed worker again at once.
    KillWorkers {
        every: Duration,
        at_least: u64,
    },
    /// SIGTERM one worker: it drains and exits 0; then it is started again.
    TermWorker,
    /// One worker runs with `RESINGEST_WORKER_FAILPOINT=kill-after-confirm:<every>` (the
    /// `failpoints` build): it SIGKILLs itself between a result's publisher confirm and the
    /// input's ack, leaving a stored result whose input the broker delivers again. Started
    /// the same way after each death, `kills` times, then without the failpoint.
    KillAfterConfirm {
        every: u64,
        kills: u64,
    },
    /// SIGKILL the sink and start it again.
    RestartSink,
    /// Stop PostgreSQL (fast shutdown: connections cut), `outage` later start it.
    RestartPostgres {
        outage: Duration,
    },
    /// `rabbitmqctl stop_app`, `outage` later `start_app`.
    RestartRabbitmq {
        outage: Duration,
    },
    /// The scenario runs on a three-node RabbitMQ cluster of its own (loopback ports from
    /// `base_port`, every role given all three nodes), and the node the queues were declared
    /// on (their first leader) is SIGKILLed for good: the quorum queues elect a leader on the
    /// other two, the roles reconnect to them.
    KillClusterNode {
        base_port: u16,
    },
    /// SIGKILL the broker's Erlang VM (no clean shutdown: quorum queues recover from their
    /// logs, clients see their connections cut), `outage` later start a new one.
    KillRabbitmq {
        outage: Duration,
    },
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The local PostgreSQL cluster's version (the one folder under /etc/postgresql).
fn pg_version() -> String {
    std::fs::read_dir("/etc/postgresql")
        .expect("/etc/postgresql: is PostgreSQL installed from Debian's packages?")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .next()
        .expect("no cluster under /etc/postgresql")
}

fn pg_ctl(action: &str) {
    let v = pg_version();
    let mut args = vec!["--skip-systemctl-redirect", &v, "main", action];
    if action == "stop" {
        args.extend_from_slice(&["--", "-m", "fast"]);
    }
    run("pg_ctlcluster", &args);
}

pub fn stop_postgres() {
    pg_ctl("stop");
}

fn postgres_ready() -> bool {
    Command::new("pg_isready")
        .args(["-q", "-h", "127.0.0.1", "-p", "5432"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts PostgreSQL and waits until it accepts connections.
pub fn start_postgres() {
    pg_ctl("start");
    for _ in 0..300 {
        if postgres_ready() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("PostgreSQL did not come back within 30 s");
}

pub fn stop_rabbitmq() {
    run("rabbitmqctl", &["-q", "stop_app"]);
}

/// `start_app` and wait until the broker accepts AMQP connections again.
pub fn start_rabbitmq() {
    run("rabbitmqctl", &["-q", "start_app"]);
    run("rabbitmqctl", &["-q", "await_startup"]);
}

/// The OS pid of a broker's Erlang VM: the local broker's, or `node`'s (`rabbitmqctl -n`).
pub fn vm_pid(node: Option<&str>) -> Result<String, String> {
    let mut cmd = Command::new("rabbitmqctl");
    if let Some(node) = node {
        cmd.args(["-n", node]);
    }
    let out = cmd
        .args(["-q", "eval", "os:getpid()."])
        .output()
        .map_err(|e| format!("running rabbitmqctl: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "rabbitmqctl eval os:getpid() ({}): {}",
            node.unwrap_or("local broker"),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let pid = String::from_utf8_lossy(&out.stdout)
        .trim()
        .trim_matches('"')
        .to_owned();
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("rabbitmqctl eval os:getpid() printed {pid:?}"));
    }
    Ok(pid)
}

fn rabbitmq_accepts_amqp() -> bool {
    std::net::TcpStream::connect_timeout(
        &"127.0.0.1:5672".parse().expect("valid address"),
        Duration::from_secs(1),
    )
    .is_ok()
}

/// SIGKILLs the Erlang VM `pid` (`what` names it) and waits until it is gone.
pub fn kill_vm(pid: &str, what: &str) {
    run("kill", &["-KILL", pid]);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} (pid {pid}) is still there 10 s after SIGKILL"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// SIGKILLs the local broker's VM and waits until it is gone.
pub fn kill_rabbitmq() {
    let pid = vm_pid(None).unwrap_or_else(|e| panic!("{e}"));
    kill_vm(&pid, "the broker");
}

/// Starts a broker node where one was killed (`rabbitmq-server -detached`, as CI starts one
/// that is down) and waits until it accepts AMQP connections with its queues recovered.
pub fn start_rabbitmq_server() {
    if !rabbitmq_accepts_amqp() {
        let status = Command::new("rabbitmq-server")
            .arg("-detached")
            .status()
            .expect("running rabbitmq-server -detached");
        assert!(status.success(), "rabbitmq-server -detached: {status}");
    }
    // The node takes a few seconds to boot; await_startup fails until it answers at all.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let up = Command::new("rabbitmqctl")
            .args(["-q", "await_startup", "--timeout", "60"])
            .output()
            .is_ok_and(|o| o.status.success());
        if up && rabbitmq_accepts_amqp() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the broker did not come back within 120 s of rabbitmq-server -detached"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Guard for a test that stops a shared service: whatever happens (a panic included), the
/// service is started again when the guard goes.
pub struct Restore(pub Fault);

impl Drop for Restore {
    fn drop(&mut self) {
        match self.0 {
            Fault::RestartPostgres { .. } if !postgres_ready() => {
                let _ = std::panic::catch_unwind(start_postgres);
            }
            Fault::RestartRabbitmq { .. } => {
                let _ = std::panic::catch_unwind(start_rabbitmq);
            }
            Fault::KillRabbitmq { .. } => {
                let _ = std::panic::catch_unwind(start_rabbitmq_server);
            }
            _ => {}
        }
    }
}
