//! SIGTERM against real `resingest` processes that clients hold connections to: a connection
//! that sent half a request (line and headers, never the blank line that ends them) and one
//! that sent nothing must not keep the sink, a worker or the fetcher alive past the grace.
//! Without any SIGTERM, the header-read timeout closes both.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use resingest_amqp::testing::TestVhost;
use resingest_runtime::testing::{self, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_resingest");
/// The HTTP servers' shutdown grace (resingest_http's default), which bounds the exit when
/// the work itself is idle.
const GRACE: Duration = Duration::from_secs(5);

/// Kills the process if the test fails before it exits.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str], env: &[(&str, String)]) -> Proc {
    Proc(
        Command::new(BIN)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

fn wait_answering(addr: SocketAddr, path: &str, p: &mut Proc) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(mut s) = TcpStream::connect(addr) {
            let _ = write!(s, "GET {path} HTTP/1.0\r\n\r\n");
            let mut head = [0u8; 12];
            if std::io::Read::read_exact(&mut s, &mut head).is_ok() && &head[9..12] == b"200" {
                return;
            }
        }
        if let Ok(Some(status)) = p.0.try_wait() {
            panic!("exited {status} before answering {path} on {addr}");
        }
        assert!(Instant::now() < deadline, "{addr}{path} never answered 200");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Opens the hostile connections: headers half sent, and nothing sent at all.
fn hold(addr: SocketAddr) -> Vec<TcpStream> {
    let mut half = TcpStream::connect(addr).unwrap();
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Never-Ends: ")
        .unwrap();
    vec![half, TcpStream::connect(addr).unwrap()]
}

/// SIGTERM, and how long the exit took (panics past `within`).
fn terminate_within(p: &mut Proc, within: Duration) -> (std::process::ExitStatus, Duration) {
    let start = Instant::now();
    let sent = Command::new("kill")
        .args(["-TERM", &p.0.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    loop {
        if let Some(status) = p.0.try_wait().unwrap() {
            return (status, start.elapsed());
        }
        assert!(
            start.elapsed() < within,
            "still running {within:?} after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A loopback address nobody listens on yet.
fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], testing::free_port()))
}

#[test]
fn sink_exits_within_the_grace_with_half_sent_and_idle_connections_open() {
    let vhost = TestVhost::create("cli-shutdown-sink");
    let db = TestDb::new("cli_shutdown");
    let (api, metrics) = (loopback(), loopback());
    let mut sink = start(
        &["sink"],
        &[
            ("RESINGEST_AMQP_URL", vhost.url.clone()),
            ("RESINGEST_DATABASE_URL", db.url.clone()),
            ("RESINGEST_HTTP_ADDR", api.to_string()),
            ("RESINGEST_METRICS_ADDR", metrics.to_string()),
        ],
    );
    wait_answering(api, "/healthz", &mut sink);
    wait_answering(metrics, "/metrics", &mut sink);
    let _held: Vec<TcpStream> = [api, metrics].into_iter().flat_map(hold).collect();
    let (status, took) = terminate_within(&mut sink, GRACE);
    assert!(status.success(), "{status} after {took:?}");
}

#[test]
fn worker_exits_within_the_grace_with_half_sent_and_idle_connections_open() {
    let vhost = TestVhost::create("cli-shutdown-worker");
    let metrics = loopback();
    let mut worker = start(
        &["worker", "--concurrency", "1", "--grace", "5"],
        &[
            ("RESINGEST_AMQP_URL", vhost.url.clone()),
            ("RESINGEST_METRICS_ADDR", metrics.to_string()),
        ],
    );
    wait_answering(metrics, "/healthz", &mut worker);
    let _held = hold(metrics);
    let (status, took) = terminate_within(&mut worker, GRACE);
    assert!(status.success(), "{status} after {took:?}");
}

#[test]
fn fetcher_exits_within_the_grace_with_half_sent_and_idle_connections_open() {
    let vhost = TestVhost::create("cli-shutdown-fetch");
    let db = TestDb::new("cli_shutdown_fetch");
    let dir = tempfile::tempdir().unwrap();
    let metrics = loopback();
    let mut fetcher = start(
        &[
            "fetch",
            "--source",
            &format!("dir:{}", dir.path().display()),
            "--watch",
            "--interval",
            "1h",
        ],
        &[
            ("RESINGEST_AMQP_URL", vhost.url.clone()),
            ("RESINGEST_DATABASE_URL", db.url.clone()),
            (
                "RESINGEST_ARCHIVE_URL",
                dir.path().join("archive").display().to_string(),
            ),
            ("RESINGEST_METRICS_ADDR", metrics.to_string()),
        ],
    );
    wait_answering(metrics, "/metrics", &mut fetcher);
    wait_answering(metrics, "/healthz", &mut fetcher);
    let _held = hold(metrics);
    let (status, took) = terminate_within(&mut fetcher, GRACE);
    assert!(status.success(), "{status} after {took:?}");
}

/// Reads until the server closes `s` (EOF or reset) and says how long that took; `Err` with
/// the time waited if it is still open after `within`.
fn closed_by_server_within(mut s: TcpStream, within: Duration) -> Result<Duration, Duration> {
    let start = Instant::now();
    s.set_read_timeout(Some(within)).unwrap();
    let mut buf = [0u8; 512];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return Ok(start.elapsed()),
            Ok(_) => continue,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(start.elapsed())
            }
            Err(_) => return Ok(start.elapsed()),
        }
    }
}

#[test]
fn the_sink_closes_half_sent_and_idle_connections_after_the_header_read_timeout() {
    const TIMEOUT: Duration = Duration::from_secs(1);
    let vhost = TestVhost::create("cli-header-timeout");
    let db = TestDb::new("cli_header_timeout");
    let (api, metrics) = (loopback(), loopback());
    let mut sink = start(
        &["sink"],
        &[
            ("RESINGEST_AMQP_URL", vhost.url.clone()),
            ("RESINGEST_DATABASE_URL", db.url.clone()),
            ("RESINGEST_HTTP_ADDR", api.to_string()),
            ("RESINGEST_METRICS_ADDR", metrics.to_string()),
            ("RESINGEST_HTTP_HEADER_TIMEOUT", "1s".into()),
        ],
    );
    wait_answering(api, "/healthz", &mut sink);
    // A keep-alive connection that was answered once, then left idle.
    let mut kept = TcpStream::connect(api).unwrap();
    write!(kept, "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n").unwrap();
    let mut head = [0u8; 12];
    kept.read_exact(&mut head).unwrap();
    assert_eq!(&head[9..12], b"200");
    let mut held: Vec<(&str, TcpStream)> = vec![("idle after a response", kept)];
    for addr in [api, metrics] {
        let [half, silent]: [TcpStream; 2] = hold(addr).try_into().unwrap();
        held.push(("headers half sent", half));
        held.push(("nothing sent", silent));
    }
    let within = TIMEOUT * 4;
    let handles: Vec<_> = held
        .into_iter()
        .map(|(what, s)| std::thread::spawn(move || (what, closed_by_server_within(s, within))))
        .collect();
    for h in handles {
        let (what, closed) = h.join().unwrap();
        match closed {
            Ok(took) => eprintln!("{what}: closed by the sink after {took:?}"),
            Err(waited) => panic!("{what}: still open {waited:?} after it was opened"),
        }
    }
    // No signal was sent: the sink runs on and answers.
    assert!(sink.0.try_wait().unwrap().is_none(), "the sink exited");
    wait_answering(api, "/healthz", &mut sink);
    let (status, took) = terminate_within(&mut sink, GRACE);
    assert!(status.success(), "{status} after {took:?}");
}
