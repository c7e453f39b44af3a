//! Shared by the integration tests and the drain benchmark: a private database and vhost per
//! test, a started sink, a publisher of extracted messages, gold resolutions and synthetic
//! variants of them, and a minimal HTTP GET.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use resingest_amqp::lapin::BasicProperties;
use resingest_amqp::testing::TestVhost;
use resingest_amqp::{publish_all_confirmed, Session, SessionConfig};
use resingest_model::topology::{self, Envelope, Topology};
use resingest_model::{Kind, Provenance, Resolution, SCHEMA_VERSION};
use resingest_sink::{Config, Running};
use tokio_util::sync::CancellationToken;

pub use resingest_runtime::testing::TestDb;

/// A sink on its own vhost and database, stopped when dropped.
pub struct TestSink {
    pub vhost: TestVhost,
    pub db: TestDb,
    pub running: Option<Running>,
    pub http: SocketAddr,
    pub metrics_addr: SocketAddr,
    pub shutdown: CancellationToken,
    pub publisher: Session,
}

impl TestSink {
    pub async fn start(prefix: &str) -> TestSink {
        Self::start_with(prefix, |_| {}).await
    }

    pub async fn start_with(prefix: &str, tweak: impl FnOnce(&mut Config)) -> TestSink {
        let vhost = TestVhost::create(prefix);
        let db = TestDb::new(prefix);
        let mut config = Config {
            amqp_url: vhost.url.clone(),
            database_url: db.url.clone(),
            http_addr: "127.0.0.1:0".parse().unwrap(),
            metrics_addr: "127.0.0.1:0".parse().unwrap(),
            batch_latency: Duration::from_millis(20),
            ..Config::default()
        };
        tweak(&mut config);
        let shutdown = CancellationToken::new();
        let running = resingest_sink::start(config, shutdown.clone())
            .await
            .expect("sink starts");
        let (http, metrics_addr) = (running.http_addr, running.metrics_addr);
        let publisher = Session::open(&SessionConfig {
            url: vhost.url.clone(),
            prefetch: 0,
            topology: Topology::default(),
        })
        .await
        .expect("publisher session");
        TestSink {
            vhost,
            db,
            running: Some(running),
            http,
            metrics_addr,
            shutdown,
            publisher,
        }
    }

    /// Publishes extracted messages (resolution JSON + envelope headers) and waits for confirms.
    pub async fn publish(&self, items: &[(Resolution, Option<String>)]) {
        publish_extracted(&self.publisher, items).await
    }

    pub fn metric(&self, outcome: &str) -> u64 {
        self.running
            .as_ref()
            .unwrap()
            .metrics
            .resolutions
            .with_label_values(&[outcome])
            .get()
    }

    pub async fn get(&self, path: &str, accept: Option<&str>) -> (u16, String) {
        http_get(self.http, path, accept).await
    }

    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(r) = self.running.take() {
            tokio::time::timeout(Duration::from_secs(30), r.wait())
                .await
                .expect("sink stops in time")
                .expect("sink ran cleanly");
        }
    }
}

/// Publishes `(resolution, fetched_at)` pairs to `resingest.extracted` as the worker would.
pub async fn publish_extracted(session: &Session, items: &[(Resolution, Option<String>)]) {
    let bodies: Vec<(Vec<u8>, BasicProperties)> = items
        .iter()
        .map(|(r, fetched_at)| {
            let envelope = Envelope {
                sha256: r.provenance.sha256.clone(),
                symbol: Some(r.symbol.clone()),
                language: Some(r.language.clone()),
                source_url: None,
                fetched_at: fetched_at.clone(),
                schema_version: Some(SCHEMA_VERSION),
                archive_key: None,
            };
            let props = BasicProperties::default()
                .with_message_id(envelope.sha256.as_str().into())
                .with_content_type(topology::CONTENT_TYPE_JSON.into())
                .with_headers(resingest_amqp::table::to_field_table(&envelope.headers()));
            (serde_json::to_vec(r).unwrap(), props)
        })
        .collect();
    for chunk in bodies.chunks(500) {
        let messages: Vec<(&[u8], BasicProperties)> = chunk
            .iter()
            .map(|(b, p)| (b.as_slice(), p.clone()))
            .collect();
        publish_all_confirmed(
            &session.channel,
            topology::EXCHANGE,
            topology::EXTRACTED,
            &messages,
            Duration::from_secs(30),
        )
        .await
        .expect("publish confirmed");
    }
}

pub fn gold_dir() -> PathBuf {
    std::env::var_os("RESINGEST_GOLD")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/gold"))
}

/// Every gold resolution, with the fields gold files leave out filled in.
pub fn gold() -> Vec<Resolution> {
    let mut files: Vec<_> = std::fs::read_dir(gold_dir())
        .expect("gold folder: set RESINGEST_GOLD or keep shared/ beside the repository")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let mut v: serde_json::Value =
                serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
            let symbol = v["symbol"].as_str().unwrap().to_owned();
            let obj = v.as_object_mut().unwrap();
            let kind = if symbol.contains("/L.") {
                Kind::Draft
            } else {
                Kind::Resolution
            };
            obj.entry("kind")
                .or_insert(serde_json::to_value(kind).unwrap());
            obj.entry("schema_version").or_insert(SCHEMA_VERSION.into());
            obj.entry("provenance")
                .or_insert(serde_json::to_value(provenance(&symbol, 0)).unwrap());
            serde_json::from_value(v).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        })
        .collect()
}

pub fn gold_one(symbol: &str) -> Resolution {
    gold()
        .into_iter()
        .find(|r| r.symbol == symbol)
        .unwrap_or_else(|| panic!("no gold {symbol}"))
}

/// A deterministic provenance for `symbol` and source revision `rev`.
pub fn provenance(symbol: &str, rev: u64) -> Provenance {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (symbol, rev).hash(&mut h);
    Provenance {
        sha256: format!("{:016x}", h.finish()).repeat(4),
        bytes: 1000 + rev,
        pages: 3,
        extractor_version: "resingest-extract/0.1.0".into(),
    }
}

/// `n` synthetic resolutions: the gold ones in turn, each under a distinct made-up symbol
/// (`A/RES/9<gold index>/<i>`), with its own provenance. The benchmark's generator.
pub fn synthetic(n: usize) -> Vec<Resolution> {
    let gold = gold();
    (0..n)
        .map(|i| {
            let mut r = gold[i % gold.len()].clone();
            r.symbol = format!("A/RES/{}/{}", 900 + i % gold.len(), i);
            r.provenance = provenance(&r.symbol, 0);
            r
        })
        .collect()
}

/// Polls `cond` every 20 ms until it holds or `timeout` passes.
pub async fn wait_until(timeout: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A plain HTTP/1.1 GET; returns status and body.
pub async fn http_get(addr: SocketAddr, path: &str, accept: Option<&str>) -> (u16, String) {
    let (status, _, body) = http_get_with_head(addr, path, accept).await;
    (status, body)
}

/// A plain HTTP/1.1 GET; returns status, the response head (lowercased) and body.
pub async fn http_get_with_head(
    addr: SocketAddr,
    path: &str,
    accept: Option<&str>,
) -> (u16, String, String) {
    let path = path.to_owned();
    let accept = accept.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        let accept = accept
            .map(|a| format!("Accept: {a}\r\n"))
            .unwrap_or_default();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: test\r\n{accept}Connection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("http head");
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let status = head[9..12].parse().unwrap();
        let body = &raw[split + 4..];
        let body = if head.contains("transfer-encoding: chunked") {
            dechunk(body)
        } else {
            body.to_vec()
        };
        (status, head, String::from_utf8(body).expect("utf-8 body"))
    })
    .await
    .unwrap()
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&body[..eol]).unwrap().trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&body[eol + 2..eol + 2 + size]);
        body = &body[eol + 4 + size..];
    }
    out
}
