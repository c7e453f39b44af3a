//! Everything the fetcher is told: where the sources, the broker, the ledger and the archive
//! are, and how politely to download. Every base URL is configuration; tests point them at a
//! local server.

use std::net::SocketAddr;
use std::time::Duration;

pub const DEFAULT_AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/resingest";
pub const DEFAULT_ARCHIVE_URL: &str = "archive";
pub const DEFAULT_SYMBOL_API: &str = "https://documents.un.org/api/symbol/access";
pub const DEFAULT_OAI_URL: &str = "https://digitallibrary.un.org/oai2d";
/// Hosts the UN serves documents from, redirects included.
pub const DEFAULT_ALLOWED_HOSTS: [&str; 5] = [
    "documents.un.org",
    "digitallibrary.un.org",
    "undocs.org",
    "daccess-ods.un.org",
    "documents-dds-ny.un.org",
];
pub const DEFAULT_USER_AGENT: &str = concat!(
    "resingest-fetcher/",
    env!("CARGO_PKG_VERSION"),
    " (UN resolution ingest; at most 1 request/s per host)"
);

/// How downloads behave: timeouts, retries, politeness, limits, allowed hosts.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub user_agent: String,
    pub connect_timeout: Duration,
    /// Whole request, body included.
    pub timeout: Duration,
    /// Tries of one request, the first included.
    pub max_attempts: u32,
    /// Full-jitter backoff: a delay drawn from [0, min(max, base * 2^n)).
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// A longer Retry-After is capped to this (and logged).
    pub max_retry_after: Duration,
    /// Least time between two requests to one host.
    pub per_host_interval: Duration,
    /// Requests in flight at most, over all hosts.
    pub concurrency: usize,
    /// Largest body accepted; a larger one is cut off while it streams.
    pub max_body: u64,
    /// Hosts requests and redirects may go to; the hosts of the configured source URLs are
    /// added to it.
    pub allowed_hosts: Vec<String>,
    pub max_redirects: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            user_agent: DEFAULT_USER_AGENT.into(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(120),
            max_attempts: 5,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(300),
            per_host_interval: Duration::from_secs(1),
            concurrency: 4,
            max_body: 64 << 20,
            allowed_hosts: DEFAULT_ALLOWED_HOSTS
                .iter()
                .map(|h| h.to_string())
                .collect(),
            max_redirects: 5,
        }
    }
}

/// Where the `symbols` source starts probing and when it stops.
#[derive(Debug, Clone)]
pub struct ProbeConfig {
    /// General Assembly session probed (`A/RES/<session>/N`); `None` = the current one.
    pub ga_session: Option<u32>,
    /// Security Council year probed (`S/RES/N (<year>)`); `None` = this year.
    pub sc_year: Option<i32>,
    /// Highest GA number known before the ledger knows any; probing starts above it.
    pub ga_after: u32,
    /// Highest SC number known before the ledger knows any of `sc_year`.
    pub sc_after: u32,
    /// Consecutive misses that end a probe run (gaps in the numbering are shorter).
    pub max_misses: u32,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            ga_session: None,
            sc_year: None,
            ga_after: 0,
            sc_after: 0,
            max_misses: 5,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub amqp_url: String,
    pub database_url: String,
    pub archive_url: String,
    /// `/metrics` is served here when set (port 0 picks one).
    pub metrics_addr: Option<SocketAddr>,
    /// Languages fetched, lowercase (`en`, `fr`, ...).
    pub languages: Vec<String>,
    pub symbol_api: String,
    pub oai_url: String,
    /// First `from=` of an OAI harvest when the ledger has no cursor yet (YYYY-MM-DD).
    pub oai_from: Option<String>,
    pub http: HttpConfig,
    pub probe: ProbeConfig,
    /// Largest PDF sent inline; larger ones travel as a claim check.
    pub inline_limit: u64,
    pub publish_timeout: Duration,
    pub delivery_limit: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            amqp_url: DEFAULT_AMQP_URL.into(),
            database_url: DEFAULT_DATABASE_URL.into(),
            archive_url: DEFAULT_ARCHIVE_URL.into(),
            metrics_addr: None,
            languages: vec!["en".into()],
            symbol_api: DEFAULT_SYMBOL_API.into(),
            oai_url: DEFAULT_OAI_URL.into(),
            oai_from: None,
            http: HttpConfig::default(),
            probe: ProbeConfig::default(),
            inline_limit: resingest_model::archive::DEFAULT_INLINE_LIMIT,
            publish_timeout: Duration::from_secs(30),
            delivery_limit: resingest_model::topology::DEFAULT_DELIVERY_LIMIT,
        }
    }
}

impl Config {
    /// The allow-list with the hosts of the configured source URLs added.
    pub fn allowed_hosts(&self) -> Vec<String> {
        let mut hosts = self.http.allowed_hosts.clone();
        for base in [&self.symbol_api, &self.oai_url] {
            if let Some(host) = url::Url::parse(base)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
            {
                if !hosts.contains(&host) {
                    hosts.push(host);
                }
            }
        }
        hosts
    }
}
