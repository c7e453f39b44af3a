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
    #[error("`{url}` is not a valid http(s) url: {detail}")]
    BadUrl { url: String, detail: String },
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
            HttpError::NotAPdf { .. } => "not_a_pdf",
            HttpError::TooLarge { .. } => "too_large",
            HttpError::RedirectRefused { .. } => "redirect_refused",
            HttpError::TooManyRedirects { .. } => "too_many_redirects",
            HttpError::Status { .. } => "status",
            HttpError::GaveUp { .. } => "gave_up",
            HttpError::HostNotAllowed { .. } => "host_not_allowed",
            HttpError::BadUrl { .. } => "bad_url",
            HttpError::Client(_) => "client",
            HttpError::Cancelled => "cancelled",
        }
    }

    /// True when the source has no document there (yet): a probe miss, retried next poll.
    pub fn is_miss(&self) -> bool {
        matches!(
            self,
            HttpError::NotFound { .. } | HttpError::Empty { .. } | HttpError::NotAPdf { .. }
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("database url `{url}`: {reason}")]
    DatabaseUrl { url: String, reason: String },
    #[error("ledger database: {0}")]
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
