//! The worker's settings, free of any argument parser: the CLI fills them from flags and env.

use std::net::SocketAddr;
use std::time::Duration;

use resingest_archive::Archive;
use resingest_extract::Limits;
use resingest_sandbox::PoolConfig;

pub use resingest_amqp::DEFAULT_AMQP_URL;
pub const DEFAULT_METRICS_ADDR: &str = "127.0.0.1:9101";
pub use resingest_archive::DEFAULT_ARCHIVE_URL;

#[derive(Debug, Clone)]
pub struct Config {
    /// Broker URL; the vhost is percent-encoded (`%2f` for `/`).
    pub amqp_url: String,
    /// Where `/metrics` and `/healthz` listen; port 0 picks a free port ([`crate::Running`]).
    pub metrics_addr: SocketAddr,
    /// Documents extracted at once, and so extraction children.
    pub concurrency: usize,
    /// Unacknowledged deliveries the broker sends this worker at most (`basic_qos`).
    pub prefetch: u16,
    /// Deliveries of one message before the broker dead-letters it.
    pub delivery_limit: u32,
    /// How long a publish (result or dead letter) waits for the broker's confirm.
    pub publish_timeout: Duration,
    /// Largest result published; a bigger one is dead-lettered as `result_too_large` on the
    /// first try (the broker would close the channel over it, handing back everything in
    /// flight). At most the broker's `max_message_size`.
    pub max_message_bytes: u64,
    /// After SIGTERM: how long in-flight and already delivered documents may take; the rest is
    /// handed back to the broker.
    pub grace: Duration,
    /// The extraction children (program, limits); `workers` is overridden by `concurrency`.
    pub pool: PoolConfig,
    pub limits: Limits,
    /// Where claim-checked PDFs are read from.
    pub archive: Archive,
    /// How long one document is held and retried in place while something that is not the
    /// document fails (children that cannot start, an archive that is down or refuses, a
    /// broker that does not confirm) before it is handed back to the broker for another
    /// worker; keep it under the broker's consumer timeout.
    pub hold_limit: Duration,
    /// Consumer tag prefix, shown by `rabbitmqctl list_consumers`.
    pub name: String,
}

impl Config {
    /// Defaults around the children `pool` starts and the `archive` claim checks point into.
    pub fn new(pool: PoolConfig, archive: Archive) -> Config {
        let concurrency = std::thread::available_parallelism().map_or(1, |n| n.get());
        Config {
            amqp_url: DEFAULT_AMQP_URL.into(),
            metrics_addr: DEFAULT_METRICS_ADDR.parse().expect("valid default address"),
            concurrency,
            prefetch: default_prefetch(concurrency),
            delivery_limit: resingest_model::topology::DEFAULT_DELIVERY_LIMIT,
            publish_timeout: Duration::from_secs(10),
            max_message_bytes: resingest_model::topology::MAX_MESSAGE_BYTES,
            grace: Duration::from_secs(30),
            pool,
            limits: Limits::default(),
            archive,
            hold_limit: Duration::from_secs(120),
            name: format!("resingest-worker-{}", std::process::id()),
        }
    }
}

/// Two deliveries per extraction slot: the next document is already here when one finishes,
/// without hoarding work other workers could do.
pub fn default_prefetch(concurrency: usize) -> u16 {
    (concurrency.max(1) * 2).min(u16::MAX as usize) as u16
}
