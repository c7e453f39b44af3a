//! The fleet as separate `resingest worker` processes on the real broker, each test in its own
//! vhost: a worker SIGKILLed mid-document loses nothing (another does the document), and three
//! workers share 300 documents, each doing some, then exit 0 on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use resingest_amqp::testing::{queue_counts, TestVhost};

const BIN: &str = env!("CARGO_BIN_EXE_resingest");

/// A `resingest worker` process; killed (with its extraction children) if the test fails.
struct Worker {
    child: Option<Child>,
    metrics: SocketAddr,
}

impl Worker {
    fn start(vhost: &TestVhost, extra: &[&str], env: &[(&str, &str)]) -> Worker {
        let mut child = Command::new(BIN)
            .args([
                "worker",
                "--metrics-addr",
                "127.0.0.1:0",
                "--delivery-limit",
                "5",
            ])
            .args(extra)
            .env("RESINGEST_AMQP_URL", &vhost.url)
            .env("RUST_LOG", "resingest_worker=info")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The log says where the metrics listen; the rest of it goes to our stderr.
        let (tx, rx) = mpsc::channel();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        std::thread::spawn(move || {
            for line in stderr.lines().map_while(Result::ok) {
                eprintln!("worker: {line}");
                if let Some(addr) = line.split("metrics_addr=").nth(1) {
                    let _ = tx.send(addr.split_whitespace().next().unwrap().parse().unwrap());
                }
            }
        });
        let metrics = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("the worker logs its metrics address");
        Worker {
            child: Some(child),
            metrics,
        }
    }

    /// `resingest_worker_<name>` from /metrics (0 when absent).
    fn metric(&self, name: &str) -> u64 {
        let mut s = std::net::TcpStream::connect(self.metrics).unwrap();
        write!(s, "GET /metrics HTTP/1.0\r\n\r\n").unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("resingest_worker_{name} ")))
            .map_or(0, |v| v.trim().parse().unwrap())
    }

    fn extracted(&self) -> u64 {
        self.metric("documents_total{outcome=\"extracted\"}")
    }

    /// SIGKILL for the worker and its extraction children (which would outlive it).
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let children = child_pids(child.id());
            let _ = child.kill();
            let _ = child.wait();
            for pid in children {
                let _ = Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        }
    }

    /// SIGTERM, then the exit status within `within`.
    fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            if Instant::now() > deadline {
                self.child = Some(child);
                panic!("worker did not exit within {within:?} of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

fn child_pids(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
    {
        let path = task.unwrap().path().join("children");
        for p in std::fs::read_to_string(path)
            .unwrap_or_default()
            .split_whitespace()
        {
            out.push(p.parse().unwrap());
        }
    }
    out
}

/// Writes the synthetic resolutions of `seeds` into a folder and publishes them.
fn publish_synthetic(vhost: &TestVhost, seeds: std::ops::Range<u64>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for seed in seeds {
        let (pdf, _) = resingest_typeset::synthetic::resolution(seed);
        std::fs::write(dir.path().join(format!("{seed:04}.pdf")), pdf).unwrap();
    }
    let out = Command::new(BIN)
        .args(["publish", "--dir"])
        .arg(dir.path())
        .args(["--delivery-limit", "5"])
        .env("RESINGEST_AMQP_URL", &vhost.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// `(ready, unacked)` of a queue, waiting until it is `expected` (quorum counts lag).
fn wait_counts(vhost: &TestVhost, queue: &str, expected: (u64, u64), within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let now = queue_counts(vhost, queue);
        if now == Some(expected) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{queue}: {now:?}, expected {expected:?}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn a_document_whose_worker_is_sigkilled_mid_extraction_is_done_by_another_worker() {
    let vhost = TestVhost::create("cli-sigkill");
    let _dir = publish_synthetic(&vhost, 0..1);
    // Worker A's child hangs on every document: it is mid-document until killed.
    let mut a = Worker::start(
        &vhost,
        &["--concurrency", "1", "--prefetch", "1"],
        &[("RESINGEST_CHILD_FAILPOINT", "hang")],
    );
    wait_counts(
        &vhost,
        "resingest.documents",
        (0, 1),
        Duration::from_secs(20),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while a.metric("in_flight") != 1 {
        assert!(
            Instant::now() < deadline,
            "worker A never started the document"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    a.kill();

    let mut b = Worker::start(&vhost, &["--concurrency", "1"], &[]);
    let deadline = Instant::now() + Duration::from_secs(30);
    while b.extracted() != 1 {
        assert!(
            Instant::now() < deadline,
            "worker B did not extract the document"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(b.metric("redeliveries_total"), 1);
    wait_counts(
        &vhost,
        "resingest.documents",
        (0, 0),
        Duration::from_secs(20),
    );
    wait_counts(
        &vhost,
        "resingest.extracted",
        (1, 0),
        Duration::from_secs(20),
    );
    assert!(b.terminate(Duration::from_secs(15)).success());
}

#[test]
fn three_workers_share_300_documents_each_doing_some() {
    let vhost = TestVhost::create("cli-three");
    let _dir = publish_synthetic(&vhost, 1000..1300);
    let mut workers: Vec<Worker> = (0..3)
        .map(|_| Worker::start(&vhost, &["--concurrency", "1", "--prefetch", "2"], &[]))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let done: u64 = workers.iter().map(Worker::extracted).sum();
        if done == 300 {
            break;
        }
        assert!(Instant::now() < deadline, "only {done} of 300 extracted");
        std::thread::sleep(Duration::from_millis(200));
    }
    let each: Vec<u64> = workers.iter().map(Worker::extracted).collect();
    eprintln!("documents per worker: {each:?}");
    assert!(each.iter().all(|&n| n > 0), "{each:?}");
    wait_counts(
        &vhost,
        "resingest.documents",
        (0, 0),
        Duration::from_secs(20),
    );
    wait_counts(
        &vhost,
        "resingest.extracted",
        (300, 0),
        Duration::from_secs(20),
    );
    for w in &mut workers {
        assert!(w.terminate(Duration::from_secs(15)).success());
    }
}

#[test]
fn dlq_list_prints_the_log_and_exits_1_when_the_dead_queue_holds_letters_it_lacks() {
    use resingest_amqp::lapin::BasicProperties;
    use resingest_amqp::{publish_confirmed, Session, SessionConfig};
    use resingest_model::topology::{self, headers, Topology};

    let vhost = TestVhost::create("cli-dlq");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let s = Session::open(&SessionConfig {
            url: vhost.url.clone(),
            prefetch: 0,
            topology: Topology::standard(5),
        })
        .await
        .unwrap();
        let mut table = resingest_amqp::lapin::types::FieldTable::default();
        table.insert(
            headers::ERROR_KIND.into(),
            resingest_amqp::lapin::types::AMQPValue::LongString("corrupt".into()),
        );
        let props = |sha: &str| {
            BasicProperties::default()
                .with_message_id(sha.into())
                .with_headers(table.clone())
        };
        // One through the dead-letter exchange, as a role dead-letters; one straight into the
        // dead queue, as a letter from before the log existed sits there.
        for (exchange, sha) in [(topology::DEAD_EXCHANGE, "a"), ("", "b")] {
            publish_confirmed(
                &s.channel,
                exchange,
                topology::DOCUMENTS_DEAD,
                b"%PDF",
                props(&sha.repeat(64)),
                Duration::from_secs(10),
            )
            .await
            .unwrap();
        }
        s.close().await;
    });
    let list = |extra: &[&str]| {
        let out = Command::new(BIN)
            .args(["dlq", "list", "--amqp-url", &vhost.url])
            .args(extra)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = list(&[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with(&"a".repeat(64)), "{stdout}");
    assert!(
        stderr.contains("lists 1") && stderr.contains("holds 2") && stderr.contains("--from-queue"),
        "{stderr}"
    );
    let (code, stdout, stderr) = list(&["--from-queue"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
}
