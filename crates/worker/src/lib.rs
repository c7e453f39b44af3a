//! `resingest worker`: the extraction fleet. Any number of worker processes, on one host or
//! many, share `resingest.documents`; each turns fetched PDFs into resolution JSON on
//! `resingest.extracted`, with nothing lost and no document able to poison the fleet.
//!
//! How a document flows through the modules:
//! 1. [`consumer`] holds a broker session (topology declared, `basic_qos` = prefetch), takes
//!    deliveries while one of `concurrency` slots is free, and reconnects with jittered
//!    backoff when the connection drops.
//! 2. `process` reads the PDF from the body or, for a claim check, from the [`Archive`]
//!    ([`resingest_amqp::message`] knows the message format), extracts it in an isolated child of a
//!    [`resingest_sandbox::Pool`] from a blocking thread, publishes the result with a
//!    confirm, and only then acks. Typed errors route the rest: dead-letter with the reason,
//!    retry in place, or hand back to the broker (see its module doc).
//! 3. [`metrics`] counts everything under `resingest_worker_*`; `http` serves `/metrics` and
//!    `/healthz`.
//!
//! Start with [`run`] or [`start`]; cancel the token for a graceful stop.

pub mod config;
pub mod consumer;
mod error;
#[cfg(feature = "failpoints")]
pub mod failpoint;
mod http;
pub mod metrics;
mod process;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use config::{Config, DEFAULT_AMQP_URL, DEFAULT_ARCHIVE_URL, DEFAULT_METRICS_ADDR};
pub use error::WorkerError;
pub use metrics::Metrics;
pub use resingest_archive::Archive;

/// A started worker: where its metrics listen, its counters, and its tasks.
pub struct Running {
    /// The real address when the config asked for port 0.
    pub metrics_addr: SocketAddr,
    pub metrics: Arc<Metrics>,
    consumer: JoinHandle<Result<(), WorkerError>>,
    http: JoinHandle<Result<(), WorkerError>>,
    http_stop: CancellationToken,
}

impl Running {
    /// Waits for the consumer to stop (after shutdown and the drain), then stops `/metrics`.
    pub async fn wait(self) -> Result<(), WorkerError> {
        let consumer = self
            .consumer
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        self.http_stop.cancel();
        let http = self
            .http
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        consumer.and(http)
    }
}

/// Starts the extraction children and the metrics server, then the consumer. Returns once
/// both run; the consumer waits for the broker with backoff if it is down.
pub async fn start(config: Config, shutdown: CancellationToken) -> Result<Running, WorkerError> {
    let mut pool_config = config.pool.clone();
    pool_config.workers = config.concurrency.max(1);
    let pool = tokio::task::spawn_blocking(move || resingest_sandbox::Pool::new(pool_config))
        .await
        .expect("pool start does not panic")?;
    let metrics = Arc::new(Metrics::new());
    let listener = tokio::net::TcpListener::bind(config.metrics_addr)
        .await
        .map_err(|source| WorkerError::Bind {
            addr: config.metrics_addr,
            source,
        })?;
    let metrics_addr = listener.local_addr().map_err(WorkerError::Http)?;
    tracing::info!(%metrics_addr, "metrics listening");
    let http_stop = CancellationToken::new();
    let app = http::router(metrics.clone());
    let stop = http_stop.clone();
    let http = tokio::spawn(async move {
        resingest_http::serve(listener, app, resingest_http::Timeouts::default(), stop)
            .await
            .map_err(WorkerError::Http)
    });

    // The grace period starts with the shutdown; when it ends, in-flight work is handed back.
    let abandon = CancellationToken::new();
    let grace = config.grace;
    let (on_shutdown, fire) = (shutdown.clone(), abandon.clone());
    tokio::spawn(async move {
        on_shutdown.cancelled().await;
        tokio::time::sleep(grace).await;
        fire.cancel();
    });
    let shared = Arc::new(process::Shared {
        config,
        pool: Arc::new(pool),
        metrics: metrics.clone(),
        abandon,
    });
    let consumer = tokio::spawn(consumer::run(shared, shutdown));
    Ok(Running {
        metrics_addr,
        metrics,
        consumer,
        http,
        http_stop,
    })
}

/// Runs a worker until `shutdown` is cancelled and its drain is over.
pub async fn run(config: Config, shutdown: CancellationToken) -> Result<(), WorkerError> {
    start(config, shutdown).await?.wait().await
}
