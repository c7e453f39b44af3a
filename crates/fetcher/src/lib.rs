//! `resingest fetch`: the first stage. Notices newly adopted resolutions, downloads each PDF
//! politely, archives it, and publishes it on `resingest.documents` once per sha256, with a
//! publisher confirm before the ledger says "published".
//!
//! How a document flows through the modules:
//! 1. A [`source`] turns one poll into candidates: [`source::symbols`] probes the next
//!    sequential symbols on the symbol API, [`source::oai`] harvests the Digital Library's
//!    OAI-PMH feed, [`source::urls`] reads a list, [`source::dir`] reads a folder.
//! 2. [`http`] downloads: per-host politeness and concurrency, browser-like headers, retries
//!    with jittered exponential backoff and a floored `Retry-After` under a per-poll ceiling, redirects
//!    only to allowed origins, a resolver that refuses private addresses, a streamed body
//!    limit, and every answer classified (document, not yet published, ambiguous, blocked,
//!    server trouble, rejected).
//! 3. [`deliver`] judges answers that are not documents (a canary settles ambiguous ones; a
//!    block or outage stops the poll and writes nothing), dedupes against the [`ledger`] (PostgreSQL: per symbol and language the URL,
//!    sha256, validators, status and attempts), puts the PDF in the [`Archive`], records it as
//!    `archived`, publishes it with [`publish`] and marks it `published` after the confirm.
//!    Rows left `archived` by a crash are published again at the next poll: a duplicate, which
//!    the sink absorbs, never a loss.
//! 4. [`reprocess`] publishes archived documents again (after an extractor upgrade) without
//!    downloading them.
//!
//! [`metrics`] holds every `resingest_fetcher_*` metric, served on `/metrics` when an address
//! is configured, beside [`health`]'s `/healthz` (is the poll loop alive, how did the last
//! poll end). [`symbol`] knows the UN's symbol forms. Start with [`run`].

pub mod config;
pub mod deliver;
pub mod error;
pub mod health;
pub mod http;
pub mod ledger;
pub mod metrics;
pub mod publish;
pub mod source;
pub mod symbol;

use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

pub use config::{Config, HttpConfig, ProbeConfig};
pub use deliver::{Progress, Summary};
pub use error::{Answer, FetchError, HttpError};
pub use metrics::Metrics;
pub use resingest_archive::Archive;
pub use source::Source;

/// `--once` or `--watch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One poll (a backfill), then return.
    Once,
    /// Poll every `interval` until cancelled.
    Watch { interval: Duration },
}

/// What a run shares with its caller: counters and progress.
#[derive(Clone, Default)]
pub struct Handles {
    pub metrics: Arc<Metrics>,
    pub progress: Arc<Progress>,
}

/// Opens the ledger, the archive and the metrics server, then polls `source` per `mode`.
/// Returns the counts of all polls. In watch mode a failed poll is logged and the next one
/// tries again; with `--once` it is the error.
pub async fn run(
    mut config: Config,
    source: Source,
    mode: Mode,
    handles: Handles,
    cancel: CancellationToken,
) -> Result<Summary, FetchError> {
    config.validate()?;
    config.languages = config
        .languages
        .iter()
        .map(|l| config::official_language(l))
        .collect::<Result<_, _>>()?;
    let poller = source::Poller::new(&source)?;
    let label = source.label();
    handles.metrics.init_source(label);
    let fetcher = open(config, handles, cancel.clone()).await?;
    let mut total = Summary::default();
    let result = loop {
        let poll = async {
            fetcher.publish_unconfirmed().await?;
            poller.poll(&fetcher).await
        };
        let result = tokio::select! {
            _ = cancel.cancelled() => Err(FetchError::Cancelled),
            r = poll => r,
        };
        match result {
            Ok(s) => {
                fetcher.metrics.liveness.poll_ended("ok".into());
                total.merge(&s);
                fetcher
                    .metrics
                    .last_success
                    .with_label_values(&[label])
                    .set(chrono::Utc::now().timestamp());
                tracing::info!(
                    source = label,
                    published = s.published,
                    unchanged = s.unchanged,
                    missing = s.missing,
                    rejected = s.rejected,
                    "poll done"
                );
            }
            Err(FetchError::Cancelled) => break Ok(total),
            Err(FetchError::Blocked { reason, error }) => {
                fetcher
                    .metrics
                    .liveness
                    .poll_ended(format!("blocked ({reason}): {error}"));
                total.blocked += 1;
                fetcher
                    .metrics
                    .blocked
                    .with_label_values(&[label, reason])
                    .inc();
                tracing::error!(
                    source = label,
                    reason,
                    %error,
                    "poll blocked: the UN refuses or fails requests; nothing was recorded, the next poll tries again"
                );
                if mode == Mode::Once {
                    break Err(FetchError::Blocked { reason, error });
                }
            }
            Err(e) if mode == Mode::Once => break Err(e),
            Err(error) => {
                fetcher
                    .metrics
                    .liveness
                    .poll_ended(format!("failed: {error}"));
                tracing::warn!(source = label, %error, "poll failed, trying again next interval")
            }
        }
        let Mode::Watch { interval } = mode else {
            break Ok(total);
        };
        fetcher.metrics.liveness.sleeping(interval);
        tokio::select! {
            _ = cancel.cancelled() => break Ok(total),
            _ = tokio::time::sleep(interval) => {}
        }
    };
    fetcher.publisher.close().await;
    fetcher.cancel.cancel();
    result
}

/// `resingest reprocess`: publishes again every published document whose current version was
/// downloaded at or after `since` (all when `None`), from the archive. Returns how many.
pub async fn reprocess(
    config: Config,
    since: Option<chrono::DateTime<chrono::Utc>>,
    handles: Handles,
    cancel: CancellationToken,
) -> Result<u64, FetchError> {
    let fetcher = open(config, handles, cancel.clone()).await?;
    let entries = fetcher.ledger.published_since(since).await?;
    fetcher
        .progress
        .total
        .store(entries.len() as u64, std::sync::atomic::Ordering::Relaxed);
    let mut n = 0;
    for e in &entries {
        if cancel.is_cancelled() {
            break;
        }
        fetcher.republish(e).await?;
        fetcher
            .metrics
            .document("reprocess", metrics::outcome::PUBLISHED);
        fetcher
            .progress
            .done
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        n += 1;
    }
    tracing::info!(documents = n, "republished from the archive");
    fetcher.publisher.close().await;
    fetcher.cancel.cancel();
    Ok(n)
}

async fn open(
    config: Config,
    handles: Handles,
    cancel: CancellationToken,
) -> Result<deliver::Fetcher, FetchError> {
    // A child token: ending the run stops the metrics server without cancelling the caller.
    let cancel = cancel.child_token();
    // The broker is first needed at the first publish; a url that can never work fails now.
    resingest_amqp::validate_url(&config.amqp_url)?;
    let ledger = ledger::Ledger::open(&config.database_url).await?;
    let archive = Archive::open(&config.archive_url)?;
    handles
        .metrics
        .liveness
        .set_budget(health::quiet_budget(&config));
    if let Some(addr) = config.metrics_addr {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| FetchError::Bind { addr, source })?;
        if let Ok(local) = listener.local_addr() {
            tracing::info!(metrics_addr = %local, "metrics listening");
        }
        tokio::spawn(metrics::serve(
            listener,
            handles.metrics.clone(),
            ledger.pool().clone(),
            cancel.clone(),
        ));
    }
    let http = http::HttpClient::new(
        config.http.clone(),
        config.allowed_hosts(),
        handles.metrics.clone(),
        cancel.clone(),
    )?;
    let publisher = publish::Publisher::new(
        &config.amqp_url,
        config.delivery_limit,
        config.publish_timeout,
        config.inline_limit,
    );
    Ok(deliver::Fetcher::new(
        config,
        http,
        ledger,
        archive,
        publisher,
        handles.metrics,
        handles.progress,
        cancel,
    ))
}
