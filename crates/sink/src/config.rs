//! The sink's settings, free of any argument parser: the CLI fills them from flags and env.

use std::net::SocketAddr;
use std::time::Duration;

pub use resingest_amqp::DEFAULT_AMQP_URL;
pub use resingest_runtime::DEFAULT_DATABASE_URL;
pub const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:8080";
/// `/metrics` has its own address, loopback by default: the API port is published to clients,
/// the metrics are for the scraper. (Before, `/metrics` was served on the API port.)
pub const DEFAULT_METRICS_ADDR: &str = "127.0.0.1:9190";

#[derive(Debug, Clone)]
pub struct Config {
    /// Broker URL; the vhost is percent-encoded (`%2f` for `/`).
    pub amqp_url: String,
    /// PostgreSQL URL; the database is created if missing.
    pub database_url: String,
    /// Where the read API listens; port 0 picks a free port ([`crate::Running::http_addr`]).
    pub http_addr: SocketAddr,
    /// Where `/metrics` and `/healthz` listen; port 0 picks a free port
    /// ([`crate::Running::metrics_addr`]).
    pub metrics_addr: SocketAddr,
    /// Header-read (and keep-alive idle) timeout and shutdown grace of both HTTP servers.
    pub http_timeouts: resingest_http::Timeouts,
    /// Unacknowledged deliveries held at most; also bounds what a database outage holds back,
    /// and what a sink killed while holding them costs in broker returns (each one a delivery
    /// on its quorum queue). One batch's worth: whatever is held is being stored.
    pub prefetch: u16,
    /// Most resolutions stored in one transaction.
    pub batch_max: usize,
    /// How long a batch waits to fill before it is stored anyway.
    pub batch_latency: Duration,
    /// Real attempts at one message before it is dead-lettered (`RESINGEST_DELIVERY_LIMIT`; the
    /// queue arguments follow from it, the same in every role).
    pub delivery_limit: u32,
    /// How long a batch is held and retried in place while the database cannot take writes;
    /// then it goes back to the broker. Keep it well under the broker's consumer timeout.
    pub hold_limit: Duration,
    /// How long a publish (dead letter, event) waits for the broker's confirm.
    pub publish_timeout: Duration,
    /// Database connections of the consumer.
    pub db_max_connections: u32,
    /// Database connections of the read API, a pool of its own: readers can never take the
    /// connections the consumer needs to store.
    pub api_db_max_connections: u32,
    /// Longest a read API statement may run (PostgreSQL's `statement_timeout` on the API's
    /// connections); past it the request is a 503.
    pub api_statement_timeout: Duration,
    /// Read API requests handled at once (an NDJSON export until its last line); beyond it a
    /// request is answered 503 with `Retry-After` at once instead of queueing. Bounded by
    /// `api_db_max_connections`, so a request let in never waits for a connection.
    pub api_max_in_flight: usize,
    /// Browser origins allowed to read the API (CORS), `*` for any; empty: no CORS headers.
    pub cors_origins: Vec<String>,
    /// The PDF archive the other roles write (a folder, file:///..., s3://...), from which
    /// `/v1/resolutions/{symbol}/pdf` serves; `None`: that route is a 404 saying so.
    pub archive_url: Option<String>,
    /// How often a line at info sums up what was stored, duplicate and dead-lettered since the
    /// last one (nothing is logged while nothing arrives); zero for never.
    pub summary_interval: Duration,
    /// The admin token of `/v1/webhooks`, the hosts targets may have although private, and
    /// the delivery's retry policy.
    pub webhooks: crate::webhook::WebhookConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            amqp_url: DEFAULT_AMQP_URL.into(),
            database_url: DEFAULT_DATABASE_URL.into(),
            http_addr: DEFAULT_HTTP_ADDR.parse().expect("valid default address"),
            metrics_addr: DEFAULT_METRICS_ADDR.parse().expect("valid default address"),
            http_timeouts: resingest_http::Timeouts::default(),
            prefetch: 200,
            batch_max: 200,
            batch_latency: Duration::from_millis(50),
            delivery_limit: resingest_model::topology::DEFAULT_DELIVERY_LIMIT,
            hold_limit: Duration::from_secs(120),
            publish_timeout: Duration::from_secs(10),
            db_max_connections: 8,
            api_db_max_connections: 4,
            api_statement_timeout: Duration::from_secs(5),
            api_max_in_flight: 4,
            cors_origins: Vec::new(),
            archive_url: None,
            summary_interval: Duration::from_secs(30),
            webhooks: crate::webhook::WebhookConfig::default(),
        }
    }
}
