//! From a downloaded (or read) PDF to a confirmed message, once: dedupe against the ledger,
//! archive, record, publish with a confirm, and only then mark it published.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use resingest_archive::Archive;
use resingest_model::topology::Envelope;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use crate::http::{Fetched, HttpClient, Validators};
use crate::ledger::{self, status, Archived, Ledger};
use crate::metrics::{outcome, Metrics};
use crate::publish::Publisher;
use crate::{Config, FetchError, HttpError};

/// What happened to one document.
#[derive(Debug)]
pub enum Outcome {
    Published {
        version: i32,
    },
    Unchanged,
    /// The source has nothing there (yet), or something that is not a document.
    Rejected(HttpError),
    /// Downloading gave up after its retries; the next poll tries again.
    Failed(HttpError),
}

impl Outcome {
    /// The document exists at the source (published now or before).
    pub fn found(&self) -> bool {
        matches!(self, Outcome::Published { .. } | Outcome::Unchanged)
    }
}

/// Counts of one poll.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub published: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub failed: u64,
}

impl Summary {
    pub fn add(&mut self, o: &Outcome) {
        match o {
            Outcome::Published { .. } => self.published += 1,
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Rejected(_) => self.rejected += 1,
            Outcome::Failed(_) => self.failed += 1,
        }
    }
}

/// Progress of a poll, for a progress bar: `total` is 0 while unknown (probing).
#[derive(Debug, Default)]
pub struct Progress {
    pub total: AtomicU64,
    pub done: AtomicU64,
    pub published: AtomicU64,
}

impl Progress {
    pub fn snapshot(&self) -> (u64, u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
            self.published.load(Ordering::Relaxed),
        )
    }
}

/// A document to get from a URL.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub symbol: String,
    pub language: String,
    pub url: String,
    /// The source's change marker; equal to the ledger's = unchanged, no download.
    pub revision: Option<String>,
    /// Skip the download when the ledger has this symbol and language published with the same
    /// revision (feeds); probing never has a published row to skip.
    pub skip_if_published: bool,
}

/// Everything a poll needs; shared by the sources.
pub struct Fetcher {
    pub config: Config,
    pub http: HttpClient,
    pub ledger: Ledger,
    pub archive: Archive,
    pub publisher: Publisher,
    pub metrics: Arc<Metrics>,
    pub progress: Arc<Progress>,
    pub cancel: CancellationToken,
}

/// Lowercase hex sha256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Fetcher {
    /// Downloads `c` unless the ledger says it is unchanged, and delivers it.
    pub async fn fetch(&self, source: &str, c: &Candidate) -> Result<Outcome, FetchError> {
        let entry = self.ledger.get(&c.symbol, &c.language).await?;
        let published = entry
            .as_ref()
            .filter(|e| e.status == status::PUBLISHED && e.sha256.is_some());
        if c.skip_if_published && published.is_some_and(|e| e.revision == c.revision) {
            return Ok(self.count(source, Outcome::Unchanged));
        }
        let validators = published.map(|e| Validators {
            etag: e.etag.clone(),
            last_modified: e.last_modified.clone(),
        });
        match self.http.get_pdf(&c.url, validators.as_ref()).await {
            Ok(fetched) => {
                self.deliver(
                    source,
                    &c.symbol,
                    &c.language,
                    c.revision.as_deref(),
                    fetched,
                )
                .await
            }
            Err(HttpError::NotModified { .. }) => {
                self.ledger.touch(&c.symbol, &c.language).await?;
                Ok(self.count(source, Outcome::Unchanged))
            }
            Err(HttpError::Cancelled) => Err(FetchError::Cancelled),
            Err(e) => {
                let (st, outcome) = match e {
                    HttpError::NotFound { .. } => (status::MISSING, Outcome::Rejected(e)),
                    HttpError::GaveUp { .. } => (status::FAILED, Outcome::Failed(e)),
                    _ => (status::REJECTED, Outcome::Rejected(e)),
                };
                let error = match &outcome {
                    Outcome::Rejected(e) | Outcome::Failed(e) => e.to_string(),
                    _ => unreachable!(),
                };
                tracing::info!(symbol = %c.symbol, language = %c.language, url = %c.url, %error, "no document");
                self.ledger
                    .record_failure(&c.symbol, &c.language, source, &c.url, st, &error)
                    .await?;
                Ok(self.count(source, outcome))
            }
        }
    }

    /// Archives and publishes `fetched` unless the ledger already has its sha256 published.
    pub async fn deliver(
        &self,
        source: &str,
        symbol: &str,
        language: &str,
        revision: Option<&str>,
        fetched: Fetched,
    ) -> Result<Outcome, FetchError> {
        let sha256 = sha256_hex(&fetched.body);
        let entry = self.ledger.get(symbol, language).await?;
        if let Some(e) = &entry {
            if e.status == status::PUBLISHED && e.sha256.as_deref() == Some(sha256.as_str()) {
                self.ledger.touch(symbol, language).await?;
                return Ok(self.count(source, Outcome::Unchanged));
            }
        }
        let archive_key = self.archive.put(&fetched.body).await?;
        let version = self
            .ledger
            .record_archived(&Archived {
                symbol,
                language,
                source,
                url: &fetched.url,
                sha256: &sha256,
                bytes: fetched.body.len() as i64,
                archive_key: &archive_key,
                etag: fetched.etag.as_deref(),
                last_modified: fetched.last_modified.as_deref(),
                revision,
            })
            .await?;
        let envelope = Envelope {
            sha256: sha256.clone(),
            symbol: Some(symbol.into()),
            language: Some(language.into()),
            source_url: Some(fetched.url.clone()),
            fetched_at: Some(now_rfc3339()),
            schema_version: Some(resingest_model::SCHEMA_VERSION),
            archive_key: Some(archive_key),
        };
        self.publisher.publish(&envelope, &fetched.body).await?;
        self.ledger
            .mark_published(symbol, language, &sha256)
            .await?;
        tracing::info!(source, symbol, language, %sha256, version, bytes = fetched.body.len(), "published");
        self.progress.published.fetch_add(1, Ordering::Relaxed);
        Ok(self.count(source, Outcome::Published { version }))
    }

    /// Publishes rows a crash left between the archive and the broker's confirm.
    pub async fn publish_unconfirmed(&self) -> Result<u64, FetchError> {
        let mut n = 0;
        for e in self.ledger.unpublished().await? {
            self.republish(&e).await?;
            n += 1;
        }
        if n > 0 {
            tracing::info!(
                documents = n,
                "published documents left unconfirmed by an earlier run"
            );
        }
        Ok(n)
    }

    /// Publishes the archived PDF of a ledger row again, without downloading it.
    pub async fn republish(&self, e: &ledger::Entry) -> Result<(), FetchError> {
        let (Some(key), Some(sha256)) = (&e.archive_key, &e.sha256) else {
            return Ok(());
        };
        let pdf = self.archive.get(key).await?;
        let envelope = Envelope {
            sha256: sha256.clone(),
            symbol: Some(e.symbol.clone()),
            language: Some(e.language.clone()),
            source_url: Some(e.url.clone()),
            fetched_at: e
                .fetched_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            schema_version: Some(resingest_model::SCHEMA_VERSION),
            archive_key: Some(key.clone()),
        };
        self.publisher.publish(&envelope, &pdf).await?;
        self.ledger
            .mark_published(&e.symbol, &e.language, sha256)
            .await
    }

    fn count(&self, source: &str, o: Outcome) -> Outcome {
        let label = match &o {
            Outcome::Published { .. } => outcome::PUBLISHED,
            Outcome::Unchanged => outcome::UNCHANGED,
            Outcome::Rejected(_) => outcome::REJECTED,
            Outcome::Failed(_) => outcome::FAILED,
        };
        self.metrics.document(source, label);
        self.progress.done.fetch_add(1, Ordering::Relaxed);
        o
    }
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
