//! SIGTERM against real `resingest` processes that clients hold connections to: a connection
//! that sent half a request (line and headers, never the blank line that ends them) and one
//! that sent nothing must not keep the sink, a worker or the fetcher alive past the grace.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use resingest_amqp::testing::TestVhost;

const BIN: &str = env!("CARGO_BIN_EXE_resingest");
/// The HTTP servers' shutdown grace (resingest_http's default), which bounds the exit when
/// the work itself is idle.
const GRACE: Duration = Duration::from_secs(5);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

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

fn drop_database(name: &str) {
    let _ = Command::new("psql")
        .args([
            "-X",
            "-q",
            "postgres://postgres@127.0.0.1:5432/postgres",
            "-c",
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        ])
        .output();
}

#[test]
fn sink_exits_within_the_grace_with_half_sent_and_idle_connections_open() {
    let vhost = TestVhost::create("cli-shutdown-sink");
    let db = format!("resingest_cli_shutdown_{}", std::process::id());
    let api: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let metrics: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let mut sink = start(
        &["sink"],
        &[
            ("RESINGEST_AMQP_URL", vhost.url.clone()),
            (
                "RESINGEST_DATABASE_URL",
                format!("postgres://postgres@127.0.0.1:5432/{db}"),
            ),
            ("RESINGEST_HTTP_ADDR", api.to_string()),
            ("RESINGEST_METRICS_ADDR", metrics.to_string()),
        ],
    );
    wait_answering(api, "/healthz", &mut sink);
    wait_answering(metrics, "/metrics", &mut sink);
    let _held: Vec<TcpStream> = [api, metrics].into_iter().flat_map(hold).collect();
    let (status, took) = terminate_within(&mut sink, GRACE);
    drop_database(&db);
    assert!(status.success(), "{status} after {took:?}");
}

#[test]
fn worker_exits_within_the_grace_with_half_sent_and_idle_connections_open() {
    let vhost = TestVhost::create("cli-shutdown-worker");
    let metrics: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
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
    let db = format!("resingest_cli_shutdown_fetch_{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let metrics: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
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
            (
                "RESINGEST_DATABASE_URL",
                format!("postgres://postgres@127.0.0.1:5432/{db}"),
            ),
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
    drop_database(&db);
    assert!(status.success(), "{status} after {took:?}");
}
