//! Test support (feature `test-support`): a private RabbitMQ vhost per test, so tests against
//! the real broker run in parallel, and what tests read from the broker's side of it (queue
//! counts, consumers, connections). Needs `rabbitmqctl` (run as root).

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A vhost created for one test and deleted when dropped.
pub struct TestVhost {
    pub name: String,
    /// `amqp://guest:guest@127.0.0.1:5672/<name>`; base from `RESINGEST_TEST_AMQP_BASE`.
    pub url: String,
}

impl TestVhost {
    /// Creates `resingest-test-<prefix>-<pid>-<n>` and grants guest full rights on it.
    pub fn create(prefix: &str) -> TestVhost {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "resingest-test-{prefix}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        rabbitmqctl(&["add_vhost", &name]);
        rabbitmqctl(&["set_permissions", "-p", &name, "guest", ".*", ".*", ".*"]);
        // `RESINGEST_TEST_AMQP_BASE`: another broker (`rabbitmqctl` then follows
        // `RABBITMQ_NODENAME`), or the comma-separated bases of a cluster's nodes.
        let base = std::env::var("RESINGEST_TEST_AMQP_BASE")
            .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672".into());
        let url = base
            .split(',')
            .map(|b| format!("{}/{name}", b.trim()))
            .collect::<Vec<_>>()
            .join(",");
        TestVhost { name, url }
    }

    /// `rabbitmqctl list_queues -p <vhost> <columns>` as rows of tab-separated columns.
    pub fn list_queues(&self, columns: &[&str]) -> Vec<Vec<String>> {
        self.list("list_queues", columns)
    }

    /// `rabbitmqctl list_bindings`: rows of (exchange, queue, routing key).
    pub fn list_bindings(&self) -> Vec<Vec<String>> {
        self.list(
            "list_bindings",
            &["source_name", "destination_name", "routing_key"],
        )
    }

    fn list(&self, what: &str, columns: &[&str]) -> Vec<Vec<String>> {
        let mut args = vec!["-q", "--no-table-headers", what, "-p", &self.name];
        args.extend_from_slice(columns);
        rabbitmqctl(&args)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split('\t').map(str::to_owned).collect())
            .collect()
    }
}

/// `messages_ready` and `messages_unacknowledged` of `queue`, `None` while it is not declared.
pub fn queue_counts(vhost: &TestVhost, queue: &str) -> Option<(u64, u64)> {
    let rows = vhost.list_queues(&["name", "messages_ready", "messages_unacknowledged"]);
    let row = rows.iter().find(|r| r[0] == queue)?;
    Some((row[1].parse().ok()?, row[2].parse().ok()?))
}

/// Waits (20 s at most) until `queue` has `(ready, unacked)` messages: the broker reports
/// quorum queue counts with a lag, so a single look can be stale.
pub async fn wait_counts(vhost: &TestVhost, queue: &str, expected: (u64, u64)) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = queue_counts(vhost, queue);
        if now == Some(expected) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{queue}: (ready, unacked) = {now:?}, expected {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// Rows of `rabbitmqctl list_consumers -p <vhost> <columns>`.
pub fn list_consumers(vhost: &TestVhost, columns: &[&str]) -> Vec<Vec<String>> {
    vhost.list("list_consumers", columns)
}

/// Closes every client connection of this vhost (and only of this vhost) from the broker side;
/// returns how many.
pub fn close_vhost_connections(vhost: &TestVhost) -> usize {
    let rows = rabbitmqctl(&[
        "-q",
        "--no-table-headers",
        "list_connections",
        "vhost",
        "pid",
    ]);
    let mut closed = 0;
    for line in rows.lines() {
        if let Some((v, pid)) = line.split_once('\t') {
            if v == vhost.name {
                rabbitmqctl(&[
                    "close_connection",
                    pid.trim(),
                    "test: connection closed from the broker side",
                ]);
                closed += 1;
            }
        }
    }
    closed
}

impl Drop for TestVhost {
    fn drop(&mut self) {
        let _ = Command::new("rabbitmqctl")
            .args(["-q", "delete_vhost", &self.name])
            .output();
    }
}

/// Runs `rabbitmqctl` with `args` and returns its output; panics naming the command if it fails.
pub fn rabbitmqctl(args: &[&str]) -> String {
    let out = Command::new("rabbitmqctl")
        .args(args)
        .output()
        .expect("running rabbitmqctl: is RabbitMQ installed?");
    assert!(
        out.status.success(),
        "rabbitmqctl {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
