//! `resingest worker`: consume fetched PDFs, extract them in isolated children, publish the
//! resolutions; until SIGTERM/Ctrl-C, which drains within `--grace`.

use resingest_runtime::signal::cancel_on_signal;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use resingest_sandbox::{IsolationLimits, PoolConfig};
use resingest_worker::{
    Archive, Config, DEFAULT_AMQP_URL, DEFAULT_ARCHIVE_URL, DEFAULT_METRICS_ADDR,
};

#[derive(clap::Args)]
pub struct Args {
    /// Broker URL (vhost percent-encoded: %2f for /)
    #[arg(long, env = "RESINGEST_AMQP_URL", hide_env_values = true, default_value = DEFAULT_AMQP_URL)]
    amqp_url: String,
    /// Address of /metrics and /healthz, host:port (port 0 picks a free port, logged at start)
    #[arg(long, env = "RESINGEST_METRICS_ADDR", default_value = DEFAULT_METRICS_ADDR,
          value_parser = crate::units::socket_addr)]
    metrics_addr: SocketAddr,
    /// Documents extracted at once (one isolated child each); default: the number of cores
    #[arg(long, env = "RESINGEST_CONCURRENCY")]
    concurrency: Option<usize>,
    /// Unacknowledged deliveries held at most; default: twice the concurrency
    #[arg(long, env = "RESINGEST_PREFETCH")]
    prefetch: Option<u16>,
    /// Deliveries of one message before the broker dead-letters it (must match the queues)
    #[arg(long, env = "RESINGEST_DELIVERY_LIMIT",
          default_value_t = resingest_model::topology::DEFAULT_DELIVERY_LIMIT)]
    delivery_limit: u32,
    /// Archive that claim checks point into: a folder, file:///..., or s3://bucket/prefix
    #[arg(long, env = "RESINGEST_ARCHIVE_URL", hide_env_values = true, default_value = DEFAULT_ARCHIVE_URL)]
    archive: String,
    /// Time after SIGTERM to finish what was delivered (30s, 2m; a bare number is seconds);
    /// the rest goes back to the queue
    #[arg(long, value_name = "DURATION", env = "RESINGEST_GRACE", default_value = "30s",
          value_parser = crate::units::human_duration)]
    grace: humantime::Duration,
    /// Time one document may take in its child before it is killed, then dead-lettered (2m;
    /// a bare number is seconds)
    #[arg(long, value_name = "DURATION", env = "RESINGEST_TIMEOUT",
          default_value_t = IsolationLimits::default().wall_time.into(),
          value_parser = crate::units::human_duration)]
    timeout: humantime::Duration,
    /// Address space of a child (2GiB; a bare number is bytes); 0 for no limit
    #[arg(long, value_name = "SIZE", env = "RESINGEST_MEMORY_LIMIT",
          default_value_t = bytesize::ByteSize(IsolationLimits::default().memory_bytes.unwrap_or(0)),
          value_parser = crate::units::byte_size)]
    memory_limit: bytesize::ByteSize,
    /// How long one document is held and retried here while something that is not the
    /// document fails (children that cannot start, the archive, the broker's confirms), before
    /// it goes back to the broker for another worker (2m; keep it under the broker's consumer
    /// timeout). Children that cannot start or an archive that refuses access also turn
    /// /healthz to 503 until they work again
    #[arg(long, value_name = "DURATION", env = "RESINGEST_HOLD_LIMIT", default_value = "2m",
          value_parser = crate::units::human_duration)]
    hold_limit: humantime::Duration,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    init_logs();
    let limits = IsolationLimits {
        wall_time: *args.timeout,
        cpu_seconds: Some(args.timeout.as_secs_f64().ceil() as u64),
        memory_bytes: (args.memory_limit.0 > 0).then_some(args.memory_limit.0),
        ..IsolationLimits::default()
    };
    let archive = Archive::open(&args.archive)?;
    let pool = PoolConfig::current_exe(1, limits).context("finding our own executable")?;
    let mut config = Config::new(pool, archive);
    if let Some(c) = args.concurrency {
        if c == 0 {
            return Err(crate::BadSetting("--concurrency must be at least 1".into()).into());
        }
        config.concurrency = c;
        config.prefetch = resingest_worker::config::default_prefetch(c);
    }
    if let Some(p) = args.prefetch {
        if p == 0 {
            return Err(crate::BadSetting("--prefetch must be at least 1".into()).into());
        }
        config.prefetch = p;
    }
    config.amqp_url = args.amqp_url;
    config.metrics_addr = args.metrics_addr;
    config.delivery_limit = args.delivery_limit;
    config.grace = *args.grace;
    config.hold_limit = *args.hold_limit;
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let result = runtime.block_on(async {
        let shutdown = tokio_util::sync::CancellationToken::new();
        tokio::spawn(cancel_on_signal(
            shutdown.clone(),
            "no new documents, finishing those delivered",
        ));
        resingest_worker::run(config, shutdown).await
    });
    // A child still reading an abandoned document must not hold the exit.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result.context("worker")?;
    Ok(ExitCode::SUCCESS)
}

/// Logs on stderr through the progress bar's writer, in the format of
/// [`resingest_runtime::logs`] (text on a terminal, JSON in a container); `RUST_LOG` sets the
/// level (default info).
pub fn init_logs() {
    resingest_runtime::logs::init(|| crate::progress::LogWriter);
}
