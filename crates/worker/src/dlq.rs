//! `resingest dlq`: the dead letters of a work queue with their reasons, and their replay after
//! a fix.
//!
//! Dead letters are read with `basic.get` without acking, up to the count the queue had when
//! the command started, so a replayed message that dies again is not read twice in one run.
//! `list` acks nothing: it hands every one back with `basic.nack(requeue)`. RabbitMQ 4.3 and
//! later count that as no delivery; older brokers count one per listing, which is why the dead
//! queues declare a delivery limit of their own (1,000,000) instead of inheriting a default. `replay` republishes the
//! selected ones to their work queue without the dead-letter headers and acks each only once
//! the broker confirmed its republication.

use std::time::Duration;

use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicGetOptions, BasicNackOptions, QueueDeclareOptions};
use lapin::types::FieldTable;
use resingest_amqp::{publish_confirmed, Session, SessionConfig};
use resingest_model::topology::{self, headers, Topology};

use crate::document::{self, header_int, header_str};
use crate::WorkerError;

/// A work queue whose dead letters to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadQueue {
    Documents,
    Extracted,
}

impl DeadQueue {
    /// The dead-letter queue.
    pub fn dead(self) -> &'static str {
        match self {
            DeadQueue::Documents => topology::DOCUMENTS_DEAD,
            DeadQueue::Extracted => topology::EXTRACTED_DEAD,
        }
    }

    /// The work queue a replay sends back to (its routing key on the pipeline exchange).
    pub fn work(self) -> &'static str {
        match self {
            DeadQueue::Documents => topology::DOCUMENTS,
            DeadQueue::Extracted => topology::EXTRACTED,
        }
    }
}

/// One dead letter, as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    pub sha256: String,
    /// `x-resingest-error-kind`, or the broker's reason (`delivery_limit`) when a worker never
    /// got to say (it kept dying on the document).
    pub kind: String,
    pub error: String,
    pub symbol: Option<String>,
    pub source_url: Option<String>,
    pub bytes: usize,
}

impl DeadLetter {
    fn of(d: &Delivery) -> DeadLetter {
        let envelope = document::envelope_of(&d.properties);
        let broker_reason = header_str(&d.properties, "x-first-death-reason");
        let kind = header_str(&d.properties, headers::ERROR_KIND)
            .or_else(|| broker_reason.clone())
            .unwrap_or_else(|| "unknown".into());
        let error = header_str(&d.properties, headers::ERROR).unwrap_or_else(|| {
            let count = header_int(&d.properties, "x-delivery-count")
                .map(|c| format!(" after {c} returns"))
                .unwrap_or_default();
            format!(
                "dead-lettered by the broker ({}){count}",
                broker_reason.as_deref().unwrap_or("no reason given")
            )
        });
        DeadLetter {
            sha256: envelope.sha256,
            kind,
            error,
            symbol: envelope.symbol,
            source_url: envelope.source_url,
            bytes: d.data.len(),
        }
    }
}

/// What a replay did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Replayed {
    pub replayed: usize,
    /// Dead letters left in place (another kind).
    pub kept: usize,
}

async fn open(amqp_url: &str, delivery_limit: u32) -> Result<Session, WorkerError> {
    Ok(Session::open(&SessionConfig {
        url: amqp_url.into(),
        prefetch: 0,
        topology: Topology::standard(delivery_limit),
    })
    .await?)
}

/// Gets (without acking) as many messages as `queue` held when called.
async fn get_all(session: &Session, queue: &str) -> Result<Vec<Delivery>, WorkerError> {
    let declared = session
        .channel
        .queue_declare(
            queue.into(),
            QueueDeclareOptions {
                passive: true,
                ..QueueDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .map_err(resingest_amqp::AmqpError::from)?;
    let mut out = Vec::new();
    for _ in 0..declared.message_count() {
        let got = session
            .channel
            .basic_get(queue.into(), BasicGetOptions { no_ack: false })
            .await
            .map_err(resingest_amqp::AmqpError::from)?;
        match got {
            Some(m) => out.push(m.delivery),
            None => break,
        }
    }
    Ok(out)
}

/// The dead letters of `queue`, oldest first; they all stay in the queue.
pub async fn list(
    amqp_url: &str,
    delivery_limit: u32,
    queue: DeadQueue,
) -> Result<Vec<DeadLetter>, WorkerError> {
    let session = open(amqp_url, delivery_limit).await?;
    let letters = get_all(&session, queue.dead()).await;
    if let Ok(Some(last)) = letters.as_ref().map(|l| l.last()) {
        // Handed back as "not processed" (`basic.nack`), which RabbitMQ 4.3 and later do not
        // count as a delivery; closing the channel over them counts one each.
        let nack = BasicNackOptions {
            multiple: true,
            requeue: true,
        };
        if let Err(error) = session.channel.basic_nack(last.delivery_tag, nack).await {
            tracing::warn!(%error, "handing the dead letters back; the channel close will");
        }
    }
    session.close().await;
    Ok(letters?.iter().map(DeadLetter::of).collect())
}

/// Sends the dead letters of `queue` (of `kind` only, if given) back to the work queue.
pub async fn replay(
    amqp_url: &str,
    delivery_limit: u32,
    queue: DeadQueue,
    kind: Option<&str>,
    publish_timeout: Duration,
) -> Result<Replayed, WorkerError> {
    let session = open(amqp_url, delivery_limit).await?;
    let result = async {
        let mut done = Replayed::default();
        for d in get_all(&session, queue.dead()).await? {
            let letter = DeadLetter::of(&d);
            if kind.is_some_and(|k| k != letter.kind) {
                done.kept += 1;
                continue;
            }
            publish_confirmed(
                &session.channel,
                topology::EXCHANGE,
                queue.work(),
                &d.data,
                document::without_dead_letter_headers(&d.properties),
                publish_timeout,
            )
            .await?;
            d.acker
                .ack(BasicAckOptions::default())
                .await
                .map_err(resingest_amqp::AmqpError::from)?;
            tracing::info!(sha256 = %letter.sha256, kind = %letter.kind, "replayed");
            done.replayed += 1;
        }
        Ok::<_, WorkerError>(done)
    }
    .await;
    session.close().await;
    result
}
