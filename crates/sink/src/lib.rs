//! `resingest sink`: the last stage. Consumes extracted resolutions from the broker, stores
//! each in PostgreSQL in one transaction, announces it on `resingest.events`, and serves the
//! stored resolutions over a read-only HTTP API.
//!
//! How a message flows through the modules:
//! 1. [`consumer`] takes deliveries from `resingest.extracted` in batches (bounded size and
//!    latency) and hands each to [`decode`], which checks the JSON contract; a message that
//!    can never be stored is dead-lettered with its reason; [`identity`] checks it is the
//!    document the fetcher named (symbol and language), else it is dead-lettered as
//!    `identity_mismatch`.
//! 2. [`store`] writes the batch in one transaction: duplicates are skipped, newer versions
//!    replace older ones (kept in `resolution_history`), rows are bulk-loaded with COPY, and
//!    an event per new version goes into the `event_outbox` table. [`flatten`] turns a
//!    resolution into clause rows with their paths (`3.b.ii`).
//! 3. Only after COMMIT does the consumer ack; then it publishes the outbox. A database outage
//!    holds the batch unacked and retries with backoff; nothing is lost.
//! 4. [`api`] serves `/v1/...` from the same tables, described by [`openapi`], on a database
//!    pool of its own with a statement timeout and a bound on requests in flight; `/metrics`
//!    (and `/healthz`) are served on a separate address, loopback by default. Both servers
//!    run on `resingest_http` (header-read timeout, shutdown that closes idle connections).
//!    Inside `api`: `listing` holds the filters, sort orders and keyset cursors every list
//!    shares (pages, cited-by, the Atom `feed`, the NDJSON `export`), `negotiate` reads
//!    `Accept`, `Accept-Language` and `If-None-Match`. The source PDF comes from the archive.
//!    [`web`] serves the reader's HTML pages (`/`, `/resolutions/{symbol}`) from the same
//!    tables, under the same bounds.
//!
//! [`webhook`] POSTs each stored resolution's event, signed, to the registered targets: the
//! store writes one `webhook_deliveries` row per target in the batch's transaction, a
//! background task sends the due ones, retrying with backoff.
//!
//! [`db`] creates the database if missing and runs the sink's own embedded migrations
//! (`crates/sink/migrations`; the fetcher's ledger has its own set). [`metrics`] holds every
//! `resingest_sink_*` metric. Start with [`run`] or [`start`].

pub mod api;
mod config;
pub mod consumer;
pub mod db;
pub mod decode;
mod error;
pub mod flatten;
pub mod identity;
pub mod metrics;
pub mod openapi;
pub mod store;
mod web;
pub mod webhook;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use config::{
    Config, DEFAULT_AMQP_URL, DEFAULT_DATABASE_URL, DEFAULT_HTTP_ADDR, DEFAULT_METRICS_ADDR,
};
pub use error::SinkError;
pub use metrics::Metrics;

/// A started sink: its HTTP address and its tasks.
pub struct Running {
    /// Where the read API listens (the real port when the config asked for port 0).
    pub http_addr: SocketAddr,
    /// Where `/metrics` and `/healthz` listen.
    pub metrics_addr: SocketAddr,
    pub metrics: Arc<Metrics>,
    consumer: JoinHandle<Result<(), SinkError>>,
    http: JoinHandle<Result<(), SinkError>>,
    shutdown: CancellationToken,
}

impl Running {
    /// Waits until both the consumer and the HTTP server have stopped (after `shutdown`, or
    /// when one fails, which stops the other).
    pub async fn wait(self) -> Result<(), SinkError> {
        let (consumer, http) = (self.consumer, self.http);
        let shutdown = self.shutdown;
        let watch = |h: JoinHandle<Result<(), SinkError>>| {
            let shutdown = shutdown.clone();
            async move {
                let r = h
                    .await
                    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
                shutdown.cancel();
                r
            }
        };
        let (c, h) = tokio::join!(watch(consumer), watch(http));
        c.and(h)
    }
}

/// Opens the database (waiting for it with backoff), binds the HTTP address, and starts the
/// consumer and the read API. Returns once both run.
pub async fn start(config: Config, shutdown: CancellationToken) -> Result<Running, SinkError> {
    let pool = open_db_with_retry(&config, &shutdown).await?;
    let metrics = Arc::new(Metrics::new());
    metrics.database_up.set(1);
    let (listener, http_addr) = bind(config.http_addr).await?;
    let (metrics_listener, metrics_addr) = bind(config.metrics_addr).await?;
    tracing::info!(%http_addr, %metrics_addr, "read api and metrics listening");
    // A request let in must find a connection free, else it waits for the pool's acquire
    // timeout and is refused anyway: the bound is no larger than the pool.
    let pool_size = config.api_db_max_connections.max(1) as usize;
    if config.api_max_in_flight > pool_size {
        tracing::warn!(
            api_max_in_flight = config.api_max_in_flight,
            api_db_max_connections = pool_size,
            "more api requests in flight than the api has database connections; bounding them \
             by the connections"
        );
    }
    let state = api::AppState::new(
        db::api_pool(
            &config.database_url,
            config.api_db_max_connections,
            config.api_statement_timeout,
        )?,
        pool.clone(),
        metrics.clone(),
        config.api_max_in_flight.min(pool_size),
    )
    .with_cors(config.cors_origins.clone())
    .with_archive(
        config
            .archive_url
            .as_deref()
            .map(resingest_archive::Archive::open)
            .transpose()?,
    );
    let state = state.with_webhooks(config.webhooks.clone());
    let (app, metrics_app) = (api::router(state.clone()), api::metrics_router(state));
    let timeouts = config.http_timeouts;
    let http_shutdown = shutdown.clone();
    let http = tokio::spawn(async move {
        let (api, metrics) = tokio::join!(
            resingest_http::serve(listener, app, timeouts, http_shutdown.clone()),
            resingest_http::serve(metrics_listener, metrics_app, timeouts, http_shutdown),
        );
        api.and(metrics).map_err(SinkError::Http)
    });
    if !config.summary_interval.is_zero() {
        tokio::spawn(log_summaries(
            metrics.clone(),
            config.summary_interval,
            shutdown.clone(),
        ));
    }
    tokio::spawn(webhook::run(
        pool.clone(),
        config.webhooks.clone(),
        metrics.clone(),
        shutdown.clone(),
    ));
    let consumer = consumer::Consumer {
        config,
        pool,
        metrics: metrics.clone(),
        shutdown: shutdown.clone(),
    };
    let consumer = tokio::spawn(consumer.run());
    Ok(Running {
        http_addr,
        metrics_addr,
        metrics,
        consumer,
        http,
        shutdown,
    })
}

/// Every `every`, one info line with what the consumer did since the last line, so a sink
/// that works says so at the default log level; silent while nothing arrives.
async fn log_summaries(metrics: Arc<Metrics>, every: std::time::Duration, stop: CancellationToken) {
    use metrics::outcome;
    let read = |o| metrics.resolutions.with_label_values(&[o]).get();
    let counts = || {
        [
            read(outcome::STORED),
            read(outcome::REPLACED),
            read(outcome::DUPLICATE),
            read(outcome::FAILED),
        ]
    };
    let mut last = counts();
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        let now = counts();
        let [stored, replaced, duplicates, dead_lettered] =
            std::array::from_fn(|i| now[i] - last[i]);
        if now != last {
            tracing::info!(
                stored,
                replaced,
                duplicates,
                dead_lettered,
                stored_total = now[0] + now[1],
                every = %humantime_secs(every),
                "stored {} new resolutions ({replaced} newer versions), {duplicates} duplicates, \
                 {dead_lettered} dead-lettered",
                stored + replaced,
            );
        }
        last = now;
    }
}

fn humantime_secs(d: std::time::Duration) -> String {
    format!("{}s", d.as_secs_f64())
}

async fn bind(addr: SocketAddr) -> Result<(tokio::net::TcpListener, SocketAddr), SinkError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| SinkError::Bind { addr, source })?;
    let local = listener.local_addr().map_err(SinkError::Http)?;
    Ok((listener, local))
}

/// Runs the sink until `shutdown` is cancelled; in-flight batches finish or stay unacked.
pub async fn run(config: Config, shutdown: CancellationToken) -> Result<(), SinkError> {
    start(config, shutdown).await?.wait().await
}

async fn open_db_with_retry(
    config: &Config,
    shutdown: &CancellationToken,
) -> Result<sqlx::PgPool, SinkError> {
    let mut backoff = resingest_amqp::Backoff::new(
        std::time::Duration::from_millis(200),
        std::time::Duration::from_secs(10),
    );
    loop {
        match db::open(&config.database_url, config.db_max_connections).await {
            Ok(pool) => return Ok(pool),
            Err(e @ SinkError::Migrate(_)) => return Err(e),
            Err(e) if e.setting_problem().is_some() => return Err(e),
            Err(error) => {
                let wait = backoff.next_delay();
                tracing::warn!(%error, retry_in_ms = wait.as_millis() as u64, "database unavailable at start");
                tokio::select! {
                    _ = shutdown.cancelled() => return Err(error),
                    _ = tokio::time::sleep(wait) => {}
                }
            }
        }
    }
}
