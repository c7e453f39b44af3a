//! From a downloaded (or read) PDF to a confirmed message, once: dedupe against the ledger,
//! archive, record, publish with a confirm, and only then mark it published.
//!
//! It also reads every answer that is not a document ([`crate::error::Answer`]): only "not
//! yet published" is recorded as `missing`; an ambiguous answer (the html application page, a
//! redirect to `/error`) is judged by the poll's [`Canary`], a document known to be published:
//! if it comes through the answer was a miss, if not (or there is no canary) the poll is
//! blocked. A block or an outage ends the poll with [`FetchError::Blocked`] before anything is
//! written: the ledger never records a document missing because the UN was unreachable.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use resingest_archive::{sha256_hex, Archive};
use resingest_model::topology::Envelope;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::error::{blocked, Answer};
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
    /// Not published (yet): an empty 200, a 404, or an ambiguous answer the canary cleared.
    Missing(HttpError),
    /// Something that is not a document (too large, not a PDF, refused by our rules).
    Rejected(HttpError),
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
    pub missing: u64,
    pub rejected: u64,
    /// Polls stopped by a block or an outage.
    pub blocked: u64,
}

impl Summary {
    pub fn add(&mut self, o: &Outcome) {
        match o {
            Outcome::Published { .. } => self.published += 1,
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Missing(_) => self.missing += 1,
            Outcome::Rejected(_) => self.rejected += 1,
        }
    }

    pub fn merge(&mut self, o: &Summary) {
        self.published += o.published;
        self.unchanged += o.unchanged;
        self.missing += o.missing;
        self.rejected += o.rejected;
        self.blocked += o.blocked;
    }
}

/// Runs `tasks` with at most `limit` in flight and adds up their outcomes. At the first error
/// (a block, an outage) no new task starts, those in flight finish (none is cut off between
/// its archive write and its confirm), and that error is returned.
pub async fn run_all<F>(
    tasks: impl IntoIterator<Item = F>,
    limit: usize,
) -> Result<Summary, FetchError>
where
    F: std::future::Future<Output = Result<Outcome, FetchError>>,
{
    let outcomes = run_collect(tasks, limit).await?;
    let mut summary = Summary::default();
    for o in &outcomes {
        summary.add(o);
    }
    Ok(summary)
}

/// [`run_all`] that gives back every task's result, in the order they finished.
pub async fn run_collect<F, T>(
    tasks: impl IntoIterator<Item = F>,
    limit: usize,
) -> Result<Vec<T>, FetchError>
where
    F: std::future::Future<Output = Result<T, FetchError>>,
{
    use futures_util::stream::{FuturesUnordered, StreamExt};
    let mut tasks = tasks.into_iter();
    let mut in_flight = FuturesUnordered::new();
    let mut out = Vec::new();
    let mut first_error = None;
    loop {
        while first_error.is_none() && in_flight.len() < limit.max(1) {
            match tasks.next() {
                Some(t) => in_flight.push(t),
                None => break,
            }
        }
        match in_flight.next().await {
            Some(Ok(t)) => out.push(t),
            Some(Err(e)) => {
                if first_error.is_none() {
                    first_error = Some(e);
                }
            }
            None => break,
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// A document known to be published, fetched (once per poll, only when an answer is
/// ambiguous) to tell "not there yet" from "the UN refuses us".
#[derive(Debug, Clone)]
pub struct Canary {
    pub candidate: Candidate,
}

#[derive(Debug, Default)]
enum CanaryState {
    #[default]
    None,
    Untried(Canary),
    Passed,
    Failed(String),
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
    /// `Referer` of the request: the UN's viewer page for a symbol API link.
    pub referer: Option<String>,
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
    canary: Mutex<CanaryState>,
}

impl Fetcher {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        config: Config,
        http: HttpClient,
        ledger: Ledger,
        archive: Archive,
        publisher: Publisher,
        metrics: Arc<Metrics>,
        progress: Arc<Progress>,
        cancel: CancellationToken,
    ) -> Fetcher {
        Fetcher {
            config,
            http,
            ledger,
            archive,
            publisher,
            metrics,
            progress,
            cancel,
            canary: Mutex::new(CanaryState::None),
        }
    }

    /// A new poll with `canary` (if any) to judge ambiguous answers by; retry waits count from
    /// zero.
    pub async fn begin_poll(&self, canary: Option<Canary>) {
        self.http.begin_poll();
        *self.canary.lock().await = match canary {
            Some(c) => CanaryState::Untried(c),
            None => CanaryState::None,
        };
    }

    /// Ok when the canary came through in this poll (fetched at most once).
    async fn canary_passed(&self) -> Result<(), String> {
        let mut state = self.canary.lock().await;
        if let CanaryState::Untried(c) = &*state {
            let c = &c.candidate;
            let result = self.http.get_pdf(&c.url, None, c.referer.as_deref()).await;
            *state = match result {
                Ok(_) => {
                    tracing::info!(symbol = %c.symbol, language = %c.language, "canary came through: ambiguous answers are misses");
                    CanaryState::Passed
                }
                Err(e) => CanaryState::Failed(format!("canary {} {}: {e}", c.symbol, c.language)),
            };
        }
        match &*state {
            CanaryState::Passed => Ok(()),
            CanaryState::Failed(why) => Err(why.clone()),
            _ => Err("no document known to be published to check the answer against (set --ga-after/--sc-after to one)".into()),
        }
    }

    /// The error a failed feed request (not a document download) stops the poll with.
    pub fn stop(&self, e: HttpError) -> FetchError {
        match e.answer() {
            Answer::Blocked | Answer::NotYetPublished => FetchError::Blocked {
                reason: blocked::CHALLENGE,
                error: e,
            },
            Answer::Ambiguous => FetchError::Blocked {
                reason: blocked::ERROR_PAGE,
                error: e,
            },
            Answer::ServerTrouble => FetchError::Blocked {
                reason: blocked::OUTAGE,
                error: e,
            },
            Answer::Cancelled => FetchError::Cancelled,
            Answer::Rejected | Answer::NotModified => FetchError::Http(e),
        }
    }

    /// Downloads `c` unless the ledger says it is unchanged, delivers it, and records an
    /// answer that is not a document.
    pub async fn fetch(&self, source: &str, c: &Candidate) -> Result<Outcome, FetchError> {
        let outcome = self.try_fetch(source, c).await?;
        self.settle(source, c, outcome).await
    }

    /// [`Fetcher::fetch`] without its last step: a document is delivered (and counted), but an
    /// answer that is not one is only judged, neither recorded nor counted, so that a caller
    /// with several URLs for one document (a probe asking a number in two years, an 856 link
    /// before the symbol API) records only the answer that stands; [`Fetcher::settle`] does.
    pub async fn try_fetch(&self, source: &str, c: &Candidate) -> Result<Outcome, FetchError> {
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
        let result = self
            .http
            .get_pdf(&c.url, validators.as_ref(), c.referer.as_deref())
            .await;
        match result {
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
            Err(e) => self.judge(c, entry.as_ref(), e).await,
        }
    }

    /// Records a miss or a rejection of `c` from [`Fetcher::try_fetch`] in the ledger and the
    /// counts; a document passes through (it was recorded when delivered).
    pub async fn settle(
        &self,
        source: &str,
        c: &Candidate,
        outcome: Outcome,
    ) -> Result<Outcome, FetchError> {
        let (st, error) = match &outcome {
            Outcome::Missing(e) => (status::MISSING, e.to_string()),
            Outcome::Rejected(e) => (status::REJECTED, e.to_string()),
            Outcome::Published { .. } | Outcome::Unchanged => return Ok(outcome),
        };
        tracing::info!(symbol = %c.symbol, language = %c.language, url = %c.url, %error, "no document");
        self.ledger
            .record_failure(&c.symbol, &c.language, source, &c.url, st, &error)
            .await?;
        Ok(self.count(source, outcome))
    }

    /// What an answer that is not a document means for `c`; a block or outage is the error
    /// that stops the poll.
    async fn judge(
        &self,
        c: &Candidate,
        entry: Option<&ledger::Entry>,
        e: HttpError,
    ) -> Result<Outcome, FetchError> {
        let stop = |reason, error| Err(FetchError::Blocked { reason, error });
        match e.answer() {
            Answer::NotYetPublished => Ok(Outcome::Missing(e)),
            Answer::Rejected => Ok(Outcome::Rejected(e)),
            Answer::Cancelled => Err(FetchError::Cancelled),
            Answer::NotModified => unreachable!("answered before judging"),
            Answer::Blocked => stop(blocked::CHALLENGE, e),
            Answer::ServerTrouble => stop(blocked::OUTAGE, e),
            Answer::Ambiguous => {
                // The error page for a document the ledger holds is a refusal, never a miss.
                if entry.is_some_and(|e| e.sha256.is_some()) {
                    return stop(blocked::ERROR_PAGE, e);
                }
                match self.canary_passed().await {
                    Ok(()) => Ok(Outcome::Missing(e)),
                    Err(why) => {
                        tracing::warn!(symbol = %c.symbol, language = %c.language, error = %e, %why, "ambiguous answer and no canary came through");
                        stop(blocked::ERROR_PAGE, e)
                    }
                }
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
            Outcome::Missing(_) => outcome::MISSING,
            Outcome::Rejected(_) => outcome::REJECTED,
        };
        self.metrics.document(source, label);
        self.progress.done.fetch_add(1, Ordering::Relaxed);
        o
    }
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
