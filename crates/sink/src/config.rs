//! The sink's settings, free of any argument parser: the CLI fills them from flags and env.

use std::net::SocketAddr;
use std::time::Duration;

pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/resingest";
pub const DEFAULT_AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";
pub const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:8080";

#[derive(Debug, Clone)]
pub struct Config {
    /// Broker URL; the vhost is percent-encoded (`%2f` for `/`).
    pub amqp_url: String,
    /// PostgreSQL URL; the database is created if missing.
    pub database_url: String,
    /// Where the read API listens; port 0 picks a free port ([`crate::Running::http_addr`]).
    pub http_addr: SocketAddr,
    /// Unacknowledged deliveries held at most; also bounds what a database outage holds back.
    pub prefetch: u16,
    /// Most resolutions stored in one transaction.
    pub batch_max: usize,
    /// How long a batch waits to fill before it is stored anyway.
    pub batch_latency: Duration,
    /// Deliveries of one message before the broker dead-letters it.
    pub delivery_limit: u32,
    /// How long a publish (dead letter, event) waits for the broker's confirm.
    pub publish_timeout: Duration,
    /// Database connections, shared by the consumer and the read API.
    pub db_max_connections: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            amqp_url: DEFAULT_AMQP_URL.into(),
            database_url: DEFAULT_DATABASE_URL.into(),
            http_addr: DEFAULT_HTTP_ADDR.parse().expect("valid default address"),
            prefetch: 512,
            batch_max: 200,
            batch_latency: Duration::from_millis(50),
            delivery_limit: resingest_model::topology::DEFAULT_DELIVERY_LIMIT,
            publish_timeout: Duration::from_secs(10),
            db_max_connections: 8,
        }
    }
}
