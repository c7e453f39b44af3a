//! `resingest sink`: store extracted resolutions and serve the read API until SIGTERM/Ctrl-C.

use resingest_runtime::signal::cancel_on_signal;
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
    #[arg(long, env = "RESINGEST_AMQP_URL", hide_env_values = true, default_value = DEFAULT_AMQP_URL)]
    amqp_url: String,
    /// PostgreSQL URL; the database is created if missing
    #[arg(long, env = "RESINGEST_DATABASE_URL", hide_env_values = true, default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
    /// Address of the read API, host:port (port 0 picks a free port, logged at start)
    #[arg(long, env = "RESINGEST_HTTP_ADDR", default_value = DEFAULT_HTTP_ADDR,
          value_parser = crate::units::socket_addr)]
    http_addr: SocketAddr,
    /// Address of /metrics and /healthz, apart from the API (port 0 picks a free port)
    #[arg(long, env = "RESINGEST_METRICS_ADDR", default_value = DEFAULT_METRICS_ADDR,
          value_parser = crate::units::socket_addr)]
    metrics_addr: SocketAddr,
    /// Longest a client may take to send a request's head, and a keep-alive connection may
    /// stay idle, before the server closes it (API and metrics): 10s, 500ms
    #[arg(long, value_name = "DURATION", env = "RESINGEST_HTTP_HEADER_TIMEOUT",
          default_value_t = resingest_http::Timeouts::default().header_read.into(),
          value_parser = crate::units::human_duration)]
    http_header_timeout: humantime::Duration,
    /// Read API requests handled at once (no more than the API's database connections); more
    /// are answered 503 with Retry-After
    #[arg(long, env = "RESINGEST_API_MAX_IN_FLIGHT", default_value_t = Config::default().api_max_in_flight)]
    api_max_in_flight: usize,
    /// Longest a read API query may run (PostgreSQL statement_timeout): 5s, 500ms
    #[arg(long, value_name = "DURATION", env = "RESINGEST_API_STATEMENT_TIMEOUT",
          default_value_t = Config::default().api_statement_timeout.into(),
          value_parser = crate::units::human_duration)]
    api_statement_timeout: humantime::Duration,
    /// The old spelling of --api-statement-timeout, in milliseconds when bare
    #[arg(long, hide = true, env = "RESINGEST_API_STATEMENT_TIMEOUT_MS",
          conflicts_with = "api_statement_timeout", value_parser = crate::units::millis)]
    api_statement_timeout_ms: Option<Duration>,
    /// Unacknowledged deliveries held at most
    #[arg(long, env = "RESINGEST_PREFETCH", default_value_t = Config::default().prefetch)]
    prefetch: u16,
    /// Most resolutions per transaction
    #[arg(long, env = "RESINGEST_BATCH_MAX", default_value_t = Config::default().batch_max)]
    batch_max: usize,
    /// Longest wait for a batch to fill: 50ms, 1s
    #[arg(long, value_name = "DURATION", env = "RESINGEST_BATCH_LATENCY",
          default_value_t = Config::default().batch_latency.into(),
          value_parser = crate::units::human_duration)]
    batch_latency: humantime::Duration,
    /// The old spelling of --batch-latency, in milliseconds when bare
    #[arg(long, hide = true, env = "RESINGEST_BATCH_LATENCY_MS",
          conflicts_with = "batch_latency", value_parser = crate::units::millis)]
    batch_latency_ms: Option<Duration>,
    /// How often one info line sums up what was stored, duplicate and dead-lettered (0 for
    /// never; silent while nothing arrives)
    #[arg(long, value_name = "DURATION", env = "RESINGEST_SUMMARY_EVERY",
          default_value_t = Config::default().summary_interval.into(),
          value_parser = |s: &str| crate::units::duration(s).map(humantime::Duration::from))]
    summary_every: humantime::Duration,
    /// Browser origins allowed to read the API (CORS), comma-separated, `*` for any
    #[arg(long, env = "RESINGEST_CORS_ORIGINS", value_delimiter = ',')]
    cors_origin: Vec<String>,
    /// Archive of the source PDFs, served at /v1/resolutions/{symbol}/pdf: a folder,
    /// file:///..., or s3://bucket/prefix (the worker's and fetcher's setting)
    #[arg(long, env = "RESINGEST_ARCHIVE_URL", hide_env_values = true, default_value = resingest_archive::DEFAULT_ARCHIVE_URL)]
    archive: String,
    /// Real attempts at one message before it is dead-lettered; the queue arguments follow
    /// from it and must be the same in every role
    #[arg(long, env = "RESINGEST_DELIVERY_LIMIT", default_value_t = Config::default().delivery_limit)]
    delivery_limit: u32,
    /// How long a batch is held and retried while the database cannot take writes, before it
    /// goes back to the broker (keep it under the broker's consumer timeout): 2m, 90s
    #[arg(long, value_name = "DURATION", env = "RESINGEST_HOLD_LIMIT",
          default_value_t = Config::default().hold_limit.into(),
          value_parser = |s: &str| crate::units::duration(s).map(humantime::Duration::from))]
    hold_limit: humantime::Duration,
    /// Bearer token of the admin routes (/v1/webhooks); without it they are off (404)
    #[arg(long, env = "RESINGEST_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// Hosts a webhook target may have although they resolve to loopback or private
    /// addresses (a receiver on this machine or the LAN), comma-separated
    #[arg(long, env = "RESINGEST_WEBHOOK_ALLOW_HOSTS", value_delimiter = ',')]
    webhook_allow_host: Vec<String>,
    /// Wait before a failed webhook delivery is retried, doubled at each further failure
    /// (capped at an hour; after 12 attempts the delivery is `failed`)
    #[arg(long, value_name = "DURATION", env = "RESINGEST_WEBHOOK_RETRY",
          default_value_t = resingest_sink::webhook::WebhookConfig::default().retry_base.into(),
          value_parser = |s: &str| crate::units::duration(s).map(humantime::Duration::from))]
    webhook_retry: humantime::Duration,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    // The same logs as every role: no ANSI colours when stderr is a file or a pipe.
    crate::worker::init_logs();
    let config = Config {
        amqp_url: args.amqp_url,
        database_url: args.database_url,
        http_addr: args.http_addr,
        metrics_addr: args.metrics_addr,
        api_max_in_flight: args.api_max_in_flight,
        http_timeouts: resingest_http::Timeouts {
            header_read: *args.http_header_timeout,
            ..Default::default()
        },
        api_statement_timeout: args
            .api_statement_timeout_ms
            .unwrap_or(*args.api_statement_timeout),
        prefetch: args.prefetch,
        batch_max: args.batch_max,
        batch_latency: args.batch_latency_ms.unwrap_or(*args.batch_latency),
        summary_interval: *args.summary_every,
        cors_origins: args.cors_origin,
        archive_url: Some(args.archive),
        delivery_limit: args.delivery_limit,
        hold_limit: *args.hold_limit,
        webhooks: resingest_sink::webhook::WebhookConfig {
            admin_token: args.admin_token.filter(|t| !t.is_empty()),
            allow_hosts: args.webhook_allow_host,
            retry_base: *args.webhook_retry,
            ..Default::default()
        },
        ..Config::default()
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let shutdown = CancellationToken::new();
        tokio::spawn(cancel_on_signal(
            shutdown.clone(),
            "batches in flight finish or stay unacked for redelivery",
        ));
        resingest_sink::run(config, shutdown).await.context("sink")
    })?;
    Ok(ExitCode::SUCCESS)
}
