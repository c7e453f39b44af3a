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
            _ => {}
        }
    }
}
