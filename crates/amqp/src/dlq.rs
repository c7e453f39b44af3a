//! `resingest dlq`: the dead letters of a work queue with their reasons, and their replay after
//! a fix.
//!
//! `list` reads the dead-letter log ([`topology::DEAD_LOG`], a stream every dead letter is also
//! routed to) and never touches the dead queues: reading a quorum queue without removing the
//! message (`basic.get`, then a requeue or a channel close) counts a delivery on every RabbitMQ
//! release, so fifty listings used to add fifty deliveries to every dead letter. A stream read
//! changes nothing. The log is read from its start up to a marker this listing appends, each
//! replay's tombstone takes its letter out again, and what is left is compared with what the
//! dead queue holds (a passive declare, no delivery): retention of the log or a hand purge of
//! the queue shows as a disagreement, never as a silent gap. [`list_from_queue`] reads the
//! queue itself (for letters dead-lettered before the log existed), at one delivery each.
//!
//! `replay` reads the dead queue with `basic.get` without acking, up to the count the queue had
//! when the command started (so a replayed message that dies again is not read twice in one
//! run), republishes the selected ones to their work queue without the dead-letter headers,
//! acks each only once the broker confirmed its republication, then appends its tombstone to
//! the log. Those it keeps (another kind) count a delivery each; the dead queues declare a
//! delivery limit of their own (1,000,000) so that no number of replays drops one.

use std::time::Duration;

use futures_util::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicGetOptions, BasicNackOptions, BasicQosOptions,
    QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::BasicProperties;
use resingest_model::topology::{self, headers, Topology};

use crate::message::{self, header_int, header_str};
use crate::{publish_confirmed, AmqpError, Session, SessionConfig};

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
        let envelope = message::envelope_of(&d.properties);
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

/// What `list` read: the letters the log holds for one dead queue, and what the queue itself
/// held before and after the read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub letters: Vec<DeadLetter>,
    /// Messages in the dead queue when the listing started and when it ended (dead-lettering
    /// goes on meanwhile).
    pub queue_held: (u64, u64),
}

impl Listing {
    /// `None` when the log's letters agree with the queue's count, else what disagrees, for a
    /// person: retention dropped old letters from the log, someone purged the queue by hand,
    /// the letters predate the log, or a replay died between its ack and its tombstone.
    pub fn disagreement(&self, queue: DeadQueue) -> Option<String> {
        let (before, after) = self.queue_held;
        let n = self.letters.len() as u64;
        if (before.min(after)..=before.max(after)).contains(&n) {
            return None;
        }
        Some(format!(
            "the dead-letter log lists {n} for {} but the queue holds {after}: letters older \
             than the log, the log's retention, a hand purge or an interrupted replay; \
             `dlq list --from-queue` reads the queue itself (one broker delivery on each letter)",
            queue.dead()
        ))
    }
}

/// Header of a marker `list` appends to the log to know where its read ends.
const MARKER: &str = "x-resingest-dlq-marker";
/// Header of a replay's tombstone: the dead queue a letter was taken out of. The tombstone's
/// `message_id` is the letter's sha256 and its [`headers::ERROR_KIND`] the letter's kind.
const REPLAYED_FROM: &str = "x-resingest-dlq-replayed-from";
/// Deliveries of the log in flight to `list` at once (a dead PDF travels whole).
const LOG_PREFETCH: u16 = 32;

/// What a replay did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Replayed {
    pub replayed: usize,
    /// Dead letters left in place (another kind).
    pub kept: usize,
}

async fn open(amqp_url: &str, delivery_limit: u32) -> Result<Session, AmqpError> {
    Session::open(&SessionConfig {
        url: amqp_url.into(),
        prefetch: 0,
        topology: Topology::standard(delivery_limit),
    })
    .await
}

/// Appends an empty message with `props` to the dead-letter log (a marker or a tombstone),
/// confirmed by the broker.
async fn append_to_log(
    session: &Session,
    props: BasicProperties,
    timeout: Duration,
) -> Result<(), AmqpError> {
    publish_confirmed(
        &session.channel,
        "",
        topology::DEAD_LOG,
        b"",
        props,
        timeout,
    )
    .await
}

/// Gets (without acking) as many messages as `queue` held when called.
async fn get_all(session: &Session, queue: &str) -> Result<Vec<Delivery>, AmqpError> {
    let mut out = Vec::new();
    for _ in 0..held(session, queue).await? {
        let got = session
            .channel
            .basic_get(queue.into(), BasicGetOptions { no_ack: false })
            .await?;
        match got {
            Some(m) => out.push(m.delivery),
            None => break,
        }
    }
    Ok(out)
}

/// The dead letters of `queue`, oldest first, from the dead-letter log: nothing in the broker
/// changes but the marker appended to the log.
pub async fn list(
    amqp_url: &str,
    delivery_limit: u32,
    queue: DeadQueue,
) -> Result<Listing, AmqpError> {
    let session = open(amqp_url, delivery_limit).await?;
    let result = read_log(&session, queue).await;
    session.close().await;
    result
}

async fn read_log(session: &Session, queue: DeadQueue) -> Result<Listing, AmqpError> {
    let before = held(session, queue.dead()).await?;
    // The stream answers a declare with no count, so the end of this read is a marker of its
    // own, appended after the count was taken.
    let marker = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos()
    );
    let props = BasicProperties::default().with_headers(headers_of(&[(MARKER, &marker)]));
    append_to_log(session, props, Duration::from_secs(30)).await?;

    let channel = session.connection.create_channel().await?;
    channel
        .basic_qos(LOG_PREFETCH, BasicQosOptions::default())
        .await?;
    let mut from_first = FieldTable::default();
    from_first.insert(
        ShortString::from("x-stream-offset"),
        AMQPValue::LongString(LongString::from("first")),
    );
    let mut consumer = channel
        .basic_consume(
            topology::DEAD_LOG.into(),
            "resingest-dlq-list".into(),
            BasicConsumeOptions::default(),
            from_first,
        )
        .await?;
    let mut live: Vec<Option<DeadLetter>> = Vec::new();
    loop {
        let next = tokio::time::timeout(Duration::from_secs(60), consumer.next()).await;
        let d = match next {
            Ok(Some(d)) => d?,
            Ok(None) => {
                return Err(AmqpError::DeadLog(
                    "the broker ended the read before this listing's marker".into(),
                ))
            }
            Err(_) => {
                return Err(AmqpError::DeadLog(
                    "no message for 60 s before this listing's marker".into(),
                ))
            }
        };
        // Acks on a stream only grant credit; they change nothing in the log.
        d.ack(BasicAckOptions::default()).await?;
        if let Some(m) = header_str(&d.properties, MARKER) {
            if m == marker {
                break;
            }
            continue;
        }
        if let Some(from) = header_str(&d.properties, REPLAYED_FROM) {
            if from == queue.dead() {
                let sha = d.properties.message_id().as_ref().map(|s| s.as_str());
                let kind = header_str(&d.properties, headers::ERROR_KIND);
                let taken = live.iter_mut().find(|l| {
                    l.as_ref().is_some_and(|l| {
                        Some(l.sha256.as_str()) == sha && Some(&l.kind) == kind.as_ref()
                    })
                });
                if let Some(slot) = taken {
                    *slot = None;
                }
            }
            continue;
        }
        if d.routing_key.as_str() == queue.dead() {
            live.push(Some(DeadLetter::of(&d)));
        }
    }
    let _ = channel.close(200, "listed".into()).await;
    let after = held(session, queue.dead()).await?;
    Ok(Listing {
        letters: live.into_iter().flatten().collect(),
        queue_held: (before, after),
    })
}

/// Messages ready in `queue` (a passive declare: no delivery).
async fn held(session: &Session, queue: &str) -> Result<u64, AmqpError> {
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
        .await?;
    Ok(declared.message_count().into())
}

fn headers_of(pairs: &[(&str, &str)]) -> FieldTable {
    let mut table = FieldTable::default();
    for (k, v) in pairs {
        table.insert(
            ShortString::from(*k),
            AMQPValue::LongString(LongString::from(*v)),
        );
    }
    table
}

/// The dead letters of `queue`, oldest first, read from the queue itself; they all stay in the
/// queue, each with one more broker delivery counted (see the module's map).
pub async fn list_from_queue(
    amqp_url: &str,
    delivery_limit: u32,
    queue: DeadQueue,
) -> Result<Vec<DeadLetter>, AmqpError> {
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
) -> Result<Replayed, AmqpError> {
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
                message::without_dead_letter_headers(&d.properties),
                publish_timeout,
            )
            .await?;
            d.acker.ack(BasicAckOptions::default()).await?;
            // After the ack: a replay that dies between the two leaves the log listing a letter
            // the queue no longer holds, which `list` reports, rather than hiding one it holds.
            let tombstone = headers_of(&[
                (REPLAYED_FROM, queue.dead()),
                ("x-resingest-dlq-replayed-to", queue.work()),
                (headers::ERROR_KIND, &letter.kind),
            ]);
            let props = BasicProperties::default()
                .with_message_id(letter.sha256.as_str().into())
                .with_headers(tombstone);
            append_to_log(&session, props, publish_timeout).await?;
            tracing::info!(sha256 = %letter.sha256, kind = %letter.kind, "replayed");
            done.replayed += 1;
        }
        Ok::<_, AmqpError>(done)
    }
    .await;
    session.close().await;
    result
}
