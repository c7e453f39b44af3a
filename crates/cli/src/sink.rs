//! `resingest sink`: store extracted resolutions and serve the read API until SIGTERM/Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use resingest_sink::{
    Config, DEFAULT_AMQP_URL, DEFAULT_DATABASE_URL, DEFAULT_HTTP_ADDR, DEFAULT_METRICS_ADDR,
};
use tokio_util::sync::CancellationToken;

#[derive(clap::Args)]
pub struct Args {
    /// Broker URL (vhost percent-encoded: %2f for /)
    #[arg(long, env = "RESINGEST_AMQP_URL", default_value = DEFAULT_AMQP_URL)]
    amqp_url: String,
    /// PostgreSQL URL; the database is created if missing
    #[arg(long, env = "RESINGEST_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
    /// Address of the read API (port 0 picks a free port, logged at start)
    #[arg(long, env = "RESINGEST_HTTP_ADDR", default_value = DEFAULT_HTTP_ADDR)]
    http_addr: SocketAddr,
    /// Address of /metrics and /healthz, apart from the API (port 0 picks a free port)
    #[arg(long, env = "RESINGEST_METRICS_ADDR", default_value = DEFAULT_METRICS_ADDR)]
    metrics_addr: SocketAddr,
    /// Read API requests handled at once; more are answered 503 with Retry-After
    #[arg(long, env = "RESINGEST_API_MAX_IN_FLIGHT", default_value_t = Config::default().api_max_in_flight)]
    api_max_in_flight: usize,
    /// Longest a read API query may run, in milliseconds (PostgreSQL statement_timeout)
    #[arg(long, env = "RESINGEST_API_STATEMENT_TIMEOUT_MS", default_value_t = Config::default().api_statement_timeout.as_millis() as u64)]
    api_statement_timeout_ms: u64,
    /// Unacknowledged deliveries held at most
    #[arg(long, env = "RESINGEST_PREFETCH", default_value_t = Config::default().prefetch)]
    prefetch: u16,
    /// Most resolutions per transaction
    #[arg(long, env = "RESINGEST_BATCH_MAX", default_value_t = Config::default().batch_max)]
    batch_max: usize,
    /// Longest wait, in milliseconds, for a batch to fill
    #[arg(long, env = "RESINGEST_BATCH_LATENCY_MS", default_value_t = Config::default().batch_latency.as_millis() as u64)]
    batch_latency_ms: u64,
    /// Browser origins allowed to read the API (CORS), comma-separated, `*` for any
    #[arg(long, env = "RESINGEST_CORS_ORIGINS", value_delimiter = ',')]
    cors_origin: Vec<String>,
    /// Archive of the source PDFs, served at /v1/resolutions/{symbol}/pdf: a folder,
    /// file:///..., or s3://bucket/prefix (the worker's and fetcher's setting)
    #[arg(long, env = "RESINGEST_ARCHIVE_URL", default_value = resingest_worker::DEFAULT_ARCHIVE_URL)]
    archive: String,
    /// Real attempts at one message before it is dead-lettered; the queue arguments follow
    /// from it and must be the same in every role
    #[arg(long, env = "RESINGEST_DELIVERY_LIMIT", default_value_t = Config::default().delivery_limit)]
    delivery_limit: u32,
    /// Seconds a batch is held and retried while the database cannot take writes, before it
    /// goes back to the broker (keep it under the broker's consumer timeout)
    #[arg(long, env = "RESINGEST_HOLD_LIMIT_S", default_value_t = Config::default().hold_limit.as_secs())]
    hold_limit_s: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = Config {
        amqp_url: args.amqp_url,
        database_url: args.database_url,
        http_addr: args.http_addr,
        metrics_addr: args.metrics_addr,
        api_max_in_flight: args.api_max_in_flight,
        api_statement_timeout: Duration::from_millis(args.api_statement_timeout_ms),
        prefetch: args.prefetch,
        batch_max: args.batch_max,
        batch_latency: Duration::from_millis(args.batch_latency_ms),
        cors_origins: args.cors_origin,
        archive_url: Some(args.archive),
        delivery_limit: args.delivery_limit,
        hold_limit: Duration::from_secs(args.hold_limit_s),
        ..Config::default()
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let shutdown = CancellationToken::new();
        tokio::spawn(cancel_on_signal(shutdown.clone()));
        resingest_sink::run(config, shutdown).await.context("sink")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// SIGTERM or Ctrl-C drains: batches in flight finish or stay unacked for redelivery.
async fn cancel_on_signal(shutdown: CancellationToken) {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let term = async {
        match term.as_mut() {
            Some(t) => t.recv().await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
    tracing::info!("shutting down");
    shutdown.cancel();
}
