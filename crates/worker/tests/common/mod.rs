//! Helpers for the worker's tests against the real broker: a worker config in a test vhost,
//! synthetic documents, collecting results, plain HTTP against `/metrics` and `/healthz`.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use resingest_amqp::lapin::options::{BasicAckOptions, BasicConsumeOptions};
use resingest_amqp::lapin::types::FieldTable;
use resingest_amqp::publish::{publish_documents, PublishConfig, Published};
#[allow(unused_imports)] // each test binary uses its own share
pub use resingest_amqp::testing::{
    close_vhost_connections, list_consumers, queue_counts, rabbitmqctl, wait_counts, TestVhost,
};
use resingest_amqp::{Session, SessionConfig};
use resingest_model::topology::{self, Envelope, Topology};
use resingest_model::Resolution;
use resingest_sandbox::{IsolationLimits, PoolConfig};
use resingest_worker::{Archive, Config};

pub const DELIVERY_LIMIT: u32 = 3;

/// Worker logs in the test output (`RUST_LOG` to change the level).
pub fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "resingest_worker=info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_test_writer()
        .try_init();
}

pub fn config(vhost: &TestVhost, concurrency: usize, prefetch: u16, archive: Archive) -> Config {
    init_logs();
    let pool = PoolConfig {
        program: env!("CARGO_BIN_EXE_resingest-worker-test-child").into(),
        args: Vec::new(),
        env: Vec::new(),
        workers: concurrency,
        limits: IsolationLimits {
            wall_time: Duration::from_secs(15),
            cpu_seconds: Some(5),
            memory_bytes: Some(1 << 30),
            ..IsolationLimits::default()
        },
    };
    Config {
        amqp_url: vhost.url.clone(),
        metrics_addr: "127.0.0.1:0".parse().unwrap(),
        concurrency,
        prefetch,
        delivery_limit: DELIVERY_LIMIT,
        grace: Duration::from_secs(10),
        ..Config::new(pool, archive)
    }
}

/// Synthetic resolutions for `seeds`, with their symbols in the envelope.
pub fn synthetic(seeds: impl IntoIterator<Item = u64>) -> Vec<(Vec<u8>, Envelope)> {
    seeds
        .into_iter()
        .map(|seed| {
            let (pdf, meta) = resingest_typeset::synthetic::resolution(seed);
            let envelope = Envelope {
                symbol: Some(meta.symbol),
                language: Some("en".into()),
                ..Envelope::default()
            };
            (pdf, envelope)
        })
        .collect()
}

pub async fn publish(
    vhost: &TestVhost,
    docs: Vec<(Vec<u8>, Envelope)>,
    inline_limit: u64,
    archive: Option<Archive>,
) -> Published {
    let config = PublishConfig {
        amqp_url: vhost.url.clone(),
        delivery_limit: DELIVERY_LIMIT,
        inline_limit,
        archive,
        ..PublishConfig::default()
    };
    publish_documents(&config, docs).await.unwrap()
}

/// `message_id` of a message tests put on `resingest.extracted` themselves; never collected.
pub const FILLER: &str = "filler";

/// One result on `resingest.extracted`.
pub struct Extracted {
    pub message_id: String,
    pub resolution: Resolution,
    pub symbol_header: Option<String>,
}

/// Consumes (and acks) `n` results, failing after `timeout`.
pub async fn collect_extracted(vhost: &TestVhost, n: usize, timeout: Duration) -> Vec<Extracted> {
    let session = Session::open(&SessionConfig {
        url: vhost.url.clone(),
        prefetch: 64,
        topology: Topology::standard(DELIVERY_LIMIT),
    })
    .await
    .unwrap();
    let mut consumer = session
        .channel
        .basic_consume(
            topology::EXTRACTED.into(),
            "test-collector".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    let deadline = Instant::now() + timeout;
    while out.len() < n {
        let left = deadline.saturating_duration_since(Instant::now());
        let d = tokio::time::timeout(left, consumer.next())
            .await
            .unwrap_or_else(|_| panic!("only {} of {n} results within {timeout:?}", out.len()))
            .unwrap()
            .unwrap();
        let envelope = resingest_amqp::message::envelope_of(&d.properties);
        if envelope.sha256 == FILLER {
            d.ack(BasicAckOptions::default()).await.unwrap();
            continue;
        }
        out.push(Extracted {
            message_id: envelope.sha256,
            resolution: serde_json::from_slice(&d.data).unwrap(),
            symbol_header: envelope.symbol,
        });
        d.ack(BasicAckOptions::default()).await.unwrap();
    }
    session.close().await;
    out
}

/// Polls `cond` every 50 ms until it holds; panics with `what` after `timeout`.
pub async fn wait_for(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `GET path` over plain HTTP/1.0: (status, body).
pub fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text[9..12].parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}
