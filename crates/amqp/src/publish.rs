//! `resingest publish`: puts local PDFs on `resingest.documents` exactly as a fetcher would
//! (persistent, `message_id` = sha256, envelope headers, a claim check above the inline
//! limit), for tests and benchmarks. Messages go out in batches, each confirmed by the broker.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lapin::BasicProperties;
use resingest_archive::{Archive, ArchiveError};
use resingest_model::archive::DEFAULT_INLINE_LIMIT;
use resingest_model::topology::{self, Envelope, Topology};

use crate::{message, publish_all_confirmed, AmqpError, Session, SessionConfig};

/// Why a publish run stopped.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Amqp(#[from] AmqpError),
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("reading {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Messages per confirmed batch: one round trip per batch, not per message.
const BATCH: usize = 32;

#[derive(Debug, Clone)]
pub struct PublishConfig {
    pub amqp_url: String,
    pub delivery_limit: u32,
    /// Largest PDF sent inline; larger ones go to `archive` and travel as a claim check.
    pub inline_limit: u64,
    pub archive: Option<Archive>,
    pub publish_timeout: Duration,
    /// Each document is published this many times (benchmarks; same `message_id` each time).
    pub repeat: usize,
}

impl Default for PublishConfig {
    fn default() -> Self {
        PublishConfig {
            amqp_url: crate::DEFAULT_AMQP_URL.into(),
            delivery_limit: resingest_model::topology::DEFAULT_DELIVERY_LIMIT,
            inline_limit: DEFAULT_INLINE_LIMIT,
            archive: None,
            publish_timeout: Duration::from_secs(30),
            repeat: 1,
        }
    }
}

/// What a publish run sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Published {
    pub documents: usize,
    pub messages: usize,
    pub claim_checks: usize,
    pub bytes: u64,
}

/// Every `*.pdf` under `dir` (recursively), sorted.
pub fn pdf_files(dir: &Path) -> Result<Vec<PathBuf>, PublishError> {
    resingest_archive::pdf_files(dir).map_err(|e| PublishError::Read {
        path: e.path,
        source: e.source,
    })
}

/// Publishes each file with its `file://` path as the source URL.
pub async fn publish_files(
    config: &PublishConfig,
    files: &[PathBuf],
) -> Result<Published, PublishError> {
    let mut documents = Vec::with_capacity(files.len());
    for path in files {
        let pdf = std::fs::read(path).map_err(|source| PublishError::Read {
            path: path.clone(),
            source,
        })?;
        let source_url = std::fs::canonicalize(path)
            .map(|p| format!("file://{}", p.display()))
            .ok();
        documents.push((
            pdf,
            Envelope {
                source_url,
                ..Envelope::default()
            },
        ));
    }
    publish_documents(config, documents).await
}

/// Publishes `(pdf, envelope)` pairs; `fetched_at` and `schema_version` are filled when unset.
pub async fn publish_documents(
    config: &PublishConfig,
    documents: Vec<(Vec<u8>, Envelope)>,
) -> Result<Published, PublishError> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut published = Published {
        documents: documents.len(),
        ..Published::default()
    };
    let mut messages: Vec<(Vec<u8>, BasicProperties)> = Vec::with_capacity(documents.len());
    for (pdf, mut envelope) in documents {
        envelope.fetched_at.get_or_insert_with(|| now.clone());
        envelope
            .schema_version
            .get_or_insert(resingest_model::SCHEMA_VERSION);
        let (body, props) =
            message::to_message(&pdf, envelope, config.inline_limit, config.archive.as_ref())
                .await?;
        published.claim_checks += usize::from(body.is_empty());
        published.bytes += pdf.len() as u64;
        messages.push((body, props));
    }
    let session = Session::open(&SessionConfig {
        url: config.amqp_url.clone(),
        prefetch: 0,
        topology: Topology::standard(config.delivery_limit),
    })
    .await?;
    for _ in 0..config.repeat.max(1) {
        for chunk in messages.chunks(BATCH) {
            let batch: Vec<(&[u8], BasicProperties)> = chunk
                .iter()
                .map(|(b, p)| (b.as_slice(), p.clone()))
                .collect();
            publish_all_confirmed(
                &session.channel,
                topology::EXCHANGE,
                topology::DOCUMENTS,
                &batch,
                config.publish_timeout,
            )
            .await?;
            published.messages += chunk.len();
        }
    }
    session.close().await;
    Ok(published)
}
