//! The fetcher's errors. HTTP outcomes that decide what happens next (a probe miss, a body that
//! is not a document, a refused redirect, a transient failure) are typed, never matched on text.

use std::time::Duration;

/// Why one download did not give a PDF.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{url}: not found (status {status})")]
    NotFound { url: String, status: u16 },
    #[error("{url}: not modified since the last download")]
    NotModified { url: String },
    #[error("{url}: empty body with status 200, not a document (not yet published?)")]
    Empty { url: String },
    #[error("{url}: an html page instead of the document (content type {content_type:?})")]
    HtmlPage {
        url: String,
        content_type: Option<String>,
    },
    #[error("{url}: sent to the error page `{location}`")]
    ErrorPage { url: String, location: String },
    #[error("{url}: challenged by the firewall (status {status}{}), not an empty answer", waf.as_deref().map(|w| format!(", x-amzn-waf-action: {w}")).unwrap_or_default())]
    Challenge {
        url: String,
        status: u16,
        waf: Option<String>,
    },
    #[error("{url}: refused (status {status})")]
    Refused { url: String, status: u16 },
    #[error("{url}: expected {expected}, got {detail}")]
    Unexpected {
        url: String,
        expected: &'static str,
        detail: String,
    },
    #[error("{url}: retry waits of this poll reached the ceiling of {ceiling:?}, last: {last}")]
    WaitCeiling {
        url: String,
        ceiling: Duration,
        last: String,
    },
    #[error("{url}: not a PDF (body starts with {first_bytes:?}, content type {content_type:?})")]
    NotAPdf {
        url: String,
        first_bytes: String,
        content_type: Option<String>,
    },
    #[error("{url}: body over the limit of {limit} bytes, download cut off")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: redirect to `{location}` refused: host not on the allow-list (add it to --allow-host if it is trusted)")]
    RedirectRefused { url: String, location: String },
    #[error("{url}: more than {max} redirects")]
    TooManyRedirects { url: String, max: usize },
    #[error("{url}: status {status}")]
    Status { url: String, status: u16 },
    #[error("{url}: gave up after {attempts} attempts, last: {last}")]
    GaveUp {
        url: String,
        attempts: u32,
        last: String,
    },
    #[error("{url}: host not on the allow-list (add it to --allow-host if it is trusted)")]
    HostNotAllowed { url: String },
    #[error("{url}: `{host}` resolves only to loopback or private addresses ({addrs}); refused (add it to --allow-private-host if it is a trusted local mirror)")]
    PrivateAddress {
        url: String,
        host: String,
        addrs: String,
    },
    #[error("`{url}` is not a valid http(s) url: {detail}")]
    BadUrl { url: String, detail: String },
    #[error("{url}: the file name names no symbol, skipped (name it like A_RES_80_5-EN.pdf or S_RES_2768_2025-EN.pdf: the symbol with _ for /, then -LANGUAGE)")]
    NoSymbol { url: String },
    #[error("building the http client: {0}")]
    Client(String),
    #[error("cancelled")]
    Cancelled,
}

impl HttpError {
    /// Stable, bounded label for metrics (`resingest_fetcher_rejected_total{reason}`).
    pub fn kind(&self) -> &'static str {
        match self {
            HttpError::NotFound { .. } => "not_found",
            HttpError::NotModified { .. } => "not_modified",
            HttpError::Empty { .. } => "empty",
            HttpError::HtmlPage { .. } => "html_page",
            HttpError::ErrorPage { .. } => "error_page",
            HttpError::Challenge { .. } => "challenge",
            HttpError::Refused { .. } => "refused",
            HttpError::Unexpected { .. } => "unexpected",
            HttpError::WaitCeiling { .. } => "wait_ceiling",
            HttpError::NotAPdf { .. } => "not_a_pdf",
            HttpError::TooLarge { .. } => "too_large",
            HttpError::RedirectRefused { .. } => "redirect_refused",
            HttpError::TooManyRedirects { .. } => "too_many_redirects",
            HttpError::Status { .. } => "status",
            HttpError::GaveUp { .. } => "gave_up",
            HttpError::HostNotAllowed { .. } => "host_not_allowed",
            HttpError::PrivateAddress { .. } => "private_address",
            HttpError::BadUrl { .. } => "bad_url",
            HttpError::NoSymbol { .. } => "no_symbol",
            HttpError::Client(_) => "client",
            HttpError::Cancelled => "cancelled",
        }
    }

    /// What this answer says about the document and the server.
    pub fn answer(&self) -> Answer {
        match self {
            HttpError::NotFound { .. } | HttpError::Empty { .. } => Answer::NotYetPublished,
            HttpError::HtmlPage { .. } | HttpError::ErrorPage { .. } => Answer::Ambiguous,
            HttpError::Challenge { .. }
            | HttpError::Refused { .. }
            | HttpError::Unexpected { .. } => Answer::Blocked,
            HttpError::GaveUp { .. } | HttpError::WaitCeiling { .. } => Answer::ServerTrouble,
            HttpError::NotModified { .. } => Answer::NotModified,
            HttpError::Cancelled => Answer::Cancelled,
            HttpError::NotAPdf { .. }
            | HttpError::TooLarge { .. }
            | HttpError::RedirectRefused { .. }
            | HttpError::TooManyRedirects { .. }
            | HttpError::Status { .. }
            | HttpError::HostNotAllowed { .. }
            | HttpError::PrivateAddress { .. }
            | HttpError::BadUrl { .. }
            | HttpError::NoSymbol { .. }
            | HttpError::Client(_) => Answer::Rejected,
        }
    }
}

/// How an answer that is not a document is read. Status alone proves nothing: the symbol API
/// answers a missing symbol with a 200 and an empty body, an html page or a 302 to `/error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Empty 200, 404: the only probe miss.
    NotYetPublished,
    /// The html application page or the error page: a miss if a document known to be
    /// published comes through in the same poll (the canary), else a block.
    Ambiguous,
    /// A firewall challenge, a 401/403, an html page where a feed was expected.
    Blocked,
    /// 5xx, timeouts and broken transfers after every retry.
    ServerTrouble,
    /// Something that is not a document: too large, not a PDF, refused by our own rules.
    Rejected,
    NotModified,
    Cancelled,
}

/// Labels of `resingest_fetcher_blocked_total{reason}`.
pub mod blocked {
    pub const CHALLENGE: &str = "challenge";
    pub const ERROR_PAGE: &str = "error_page";
    pub const OUTAGE: &str = "outage";
    pub const ALL: [&str; 3] = [CHALLENGE, ERROR_PAGE, OUTAGE];
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("poll stopped, the UN is blocking or failing requests ({reason}): {error}; the ledger and cursors are unchanged and the next poll tries again")]
    Blocked {
        /// One of [`blocked`].
        reason: &'static str,
        error: HttpError,
    },
    #[error("language `{language}` is not one the UN publishes in: use ar, zh, en, fr, ru or es")]
    Language { language: String },
    #[error("{path}:{line}: `{text}` is not a url (give undocs.org/docs.un.org links or file urls, one a line)")]
    UrlLine {
        path: String,
        line: usize,
        text: String,
    },
    #[error("{path}:{line}: language `{language}` is not one the UN publishes in (ar, zh, en, fr, ru or es): its symbol API would answer with the English PDF")]
    UrlLanguage {
        path: String,
        line: usize,
        language: String,
    },
    #[error("configuration: {0}")]
    Config(String),
    #[error("database url `{url}`: {reason}")]
    DatabaseUrl { url: String, reason: String },
    // Formatted by `resingest_runtime::pg::describe`, not sqlx's Display, which appends
    // PostgreSQL's source line.
    #[error("ledger database: {}", resingest_runtime::pg::describe(.0))]
    Database(#[from] sqlx::Error),
    #[error("ledger migrations: {0} (is another role's binary newer? rebuild this one)")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Archive(#[from] resingest_archive::ArchiveError),
    #[error(transparent)]
    Amqp(#[from] resingest_amqp::AmqpError),
    #[error("source `{source_spec}`: {detail}")]
    Source { source_spec: String, detail: String },
    #[error("reading {path}: {source}")]
    Read {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("oai-pmh response from {url}: {detail}")]
    Oai { url: String, detail: String },
    #[error("binding the metrics address {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("publish of {symbol} ({sha256}) not confirmed after {waited:?}: {last}")]
    Publish {
        symbol: String,
        sha256: String,
        waited: Duration,
        last: String,
    },
    #[error("cancelled")]
    Cancelled,
}

impl FetchError {
    /// What to fix when retrying can never help (a url that does not parse, credentials the
    /// broker or PostgreSQL refuse, a source or language that does not exist); `None` for
    /// outages and everything else a later run may get past.
    pub fn setting_problem(&self) -> Option<&'static str> {
        match self {
            FetchError::Language { .. } => Some("use one of the six official languages"),
            FetchError::Config(_)
            | FetchError::Source { .. }
            | FetchError::UrlLine { .. }
            | FetchError::UrlLanguage { .. } => Some("fix the setting named above"),
            FetchError::DatabaseUrl { .. } => Some("fix the database url"),
            FetchError::Database(e) => resingest_runtime::pg::setting_problem(e),
            FetchError::Amqp(e) => e.setting_problem(),
            FetchError::Archive(resingest_archive::ArchiveError::Url { .. }) => {
                Some("fix the archive url (s3:// needs a resingest built with feature s3)")
            }
            FetchError::Http(HttpError::BadUrl { .. }) => Some("fix the url"),
            _ => None,
        }
    }
}
