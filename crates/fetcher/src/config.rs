//! Everything the fetcher is told: where the sources, the broker, the ledger and the archive
//! are, and how politely to download. Every base URL is configuration; tests point them at a
//! local server.

use std::net::SocketAddr;
use std::time::Duration;

pub use resingest_amqp::DEFAULT_AMQP_URL;
pub use resingest_archive::DEFAULT_ARCHIVE_URL;
pub use resingest_runtime::DEFAULT_DATABASE_URL;
pub const DEFAULT_SYMBOL_API: &str = "https://documents.un.org/api/symbol/access";
pub const DEFAULT_OAI_URL: &str = "https://digitallibrary.un.org/oai2d";
/// Origins the UN serves documents from, redirects included: scheme, host and port.
pub const DEFAULT_ALLOWED_HOSTS: [&str; 6] = [
    "https://documents.un.org",
    "https://digitallibrary.un.org",
    "https://undocs.org",
    "https://docs.un.org",
    "https://daccess-ods.un.org",
    "https://documents-dds-ny.un.org",
];
/// Hosts of the UN's viewer (`<host>/<lang>/<symbol>`): their pages are html around the
/// symbol API, so a link to one becomes its symbol.
pub const DEFAULT_VIEWER_HOSTS: [&str; 3] = ["undocs.org", "www.undocs.org", "docs.un.org"];
/// Requests without a browser's User-Agent are sent to the symbol API's `/error` page.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ",
    "Chrome/131.0.0.0 Safari/537.36 resingest/",
    env!("CARGO_PKG_VERSION")
);
/// The viewer every symbol API link is opened from; its page is the `Referer` the UN expects.
pub const DEFAULT_REFERER_BASE: &str = "https://docs.un.org";
pub use resingest_model::symbol::LANGUAGES;

/// How downloads behave: timeouts, retries, politeness, limits, allowed hosts.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub user_agent: String,
    /// `Accept` of a PDF download.
    pub accept: String,
    /// `Referer` of a symbol API request is `<referer_base>/<lang>/<symbol>`; none when `None`.
    pub referer_base: Option<String>,
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
    /// A shorter Retry-After is raised to this: the Digital Library's `Retry-After: 1` is too
    /// short to honour literally.
    pub min_retry_after: Duration,
    /// Retry waits of one poll add up to this at most; past it the poll stops as an outage.
    pub max_wait_per_poll: Duration,
    /// Least time between two requests to one host.
    pub per_host_interval: Duration,
    /// Requests in flight at most, per host.
    pub concurrency: usize,
    /// Largest body accepted; a larger one is cut off while it streams.
    pub max_body: u64,
    /// Origins requests and redirects may go to: `scheme://host[:port]` compares all three,
    /// a bare `host` allows it on any port over http or https. The origins of the configured
    /// source URLs are added to it.
    pub allowed_hosts: Vec<String>,
    /// Host names allowed to resolve to loopback or private addresses (a local mirror, a
    /// test's server). Every other name that does is refused at connect time.
    pub private_hosts: Vec<String>,
    pub max_redirects: usize,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            user_agent: DEFAULT_USER_AGENT.into(),
            accept: "application/pdf".into(),
            referer_base: Some(DEFAULT_REFERER_BASE.into()),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(120),
            max_attempts: 5,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(300),
            min_retry_after: Duration::from_secs(5),
            max_wait_per_poll: Duration::from_secs(900),
            per_host_interval: Duration::from_secs(1),
            concurrency: 4,
            max_body: 64 << 20,
            allowed_hosts: DEFAULT_ALLOWED_HOSTS
                .iter()
                .map(|h| h.to_string())
                .collect(),
            private_hosts: Vec::new(),
            max_redirects: 5,
        }
    }
}

/// Where the `symbols` source starts probing and when it stops.
#[derive(Debug, Clone)]
pub struct ProbeConfig {
    /// Probe only this General Assembly session (a backfill); `None` = the current one and,
    /// while it is not quiet, the previous one.
    pub ga_session: Option<u32>,
    /// Security Council year of the symbols probed (`S/RES/N(<year>)`); `None` = this year,
    /// and the previous one in the first `quiet_days` of a year.
    pub sc_year: Option<i32>,
    /// Highest GA number of the current (or `ga_session`) session known before the ledger
    /// knows any; probing starts above it.
    pub ga_after: u32,
    /// The same for the previous session.
    pub ga_previous_after: u32,
    /// With `ga_session`: probe its numbers up to this one whatever the misses (a bounded
    /// backfill, whose progress has a total).
    pub ga_until: Option<u32>,
    /// Highest SC number known before the ledger knows any (numbers run on across years).
    pub sc_after: u32,
    /// Consecutive misses that end a probe run (gaps in the numbering are shorter).
    pub max_misses: u32,
    /// The previous GA session (and SC year) is probed until nothing new was found in it for
    /// this many days.
    pub quiet_days: u32,
    /// Opt-in series probed too, by prefix: `A/RES/ES-11`, `A/RES/S-32`, `A/HRC/RES/59`,
    /// `E/RES/2025`.
    pub series: Vec<String>,
    /// The date probing works from; `None` = today (UTC). Tests set it.
    pub today: Option<chrono::NaiveDate>,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            ga_session: None,
            sc_year: None,
            ga_after: 0,
            ga_previous_after: 0,
            ga_until: None,
            sc_after: 0,
            max_misses: 5,
            quiet_days: 60,
            series: Vec::new(),
            today: None,
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
    /// Viewer hosts (`host` or `host:port`) whose links become symbols.
    pub viewer_hosts: Vec<String>,
    pub oai_url: String,
    /// First `from=` of an OAI harvest when the ledger has no cursor yet (YYYY-MM-DD).
    pub oai_from: Option<String>,
    /// Days of one OAI `from`/`until` window; the cursor moves one whole window at a time.
    pub oai_window_days: u32,
    /// Least time between two requests to the Digital Library (a longer `Crawl-Delay` in its
    /// robots.txt wins).
    pub oai_min_interval: Duration,
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
            viewer_hosts: DEFAULT_VIEWER_HOSTS.iter().map(|h| h.to_string()).collect(),
            oai_url: DEFAULT_OAI_URL.into(),
            oai_from: None,
            oai_window_days: 31,
            oai_min_interval: Duration::from_secs(5),
            http: HttpConfig::default(),
            probe: ProbeConfig::default(),
            inline_limit: resingest_model::archive::DEFAULT_INLINE_LIMIT,
            publish_timeout: Duration::from_secs(30),
            delivery_limit: resingest_model::topology::DEFAULT_DELIVERY_LIMIT,
        }
    }
}

impl Config {
    /// The allow-list with the origins of the configured source URLs added.
    pub fn allowed_hosts(&self) -> Vec<String> {
        let mut hosts = self.http.allowed_hosts.clone();
        for base in [&self.symbol_api, &self.oai_url] {
            if let Ok(u) = url::Url::parse(base) {
                let origin = u.origin().ascii_serialization();
                if u.has_host() && !hosts.contains(&origin) {
                    hosts.push(origin);
                }
            }
        }
        hosts
    }

    /// Refuses what would store wrong data: a language the UN does not publish in (the symbol
    /// API answers `l=ja` with the English PDF).
    pub fn validate(&self) -> Result<(), crate::FetchError> {
        for language in &self.languages {
            official_language(language)?;
        }
        if self.probe.ga_until.is_some() && self.probe.ga_session.is_none() {
            return Err(crate::FetchError::Config(
                "--ga-until bounds a session backfill: give --ga-session too".into(),
            ));
        }
        for series in &self.probe.series {
            resingest_model::Symbol::in_series(series, 1)
                .map_err(|e| crate::FetchError::Config(format!("series `{series}`: {e}")))?;
        }
        Ok(())
    }
}

/// `language` lowercased when it is one of the six official languages.
pub fn official_language(language: &str) -> Result<String, crate::FetchError> {
    let l = language.trim().to_ascii_lowercase();
    if LANGUAGES.contains(&l.as_str()) {
        Ok(l)
    } else {
        Err(crate::FetchError::Language {
            language: language.to_owned(),
        })
    }
}
