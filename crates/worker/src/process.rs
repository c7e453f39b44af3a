//! One document, from delivery to ack. The order is what makes the fleet at-least-once: the
//! result is published and confirmed by the broker *before* the input is acked, so a worker
//! that dies anywhere in between leaves the input unacked and the broker delivers it again
//! (the sink stores by sha256, so a second result is a duplicate, never a loss).
//!
//! Routing, decided by typed errors, never by message text:
//! - permanent (the document is bad: corrupt, encrypted, over a limit, a claim check
//!   to nothing): republished to `resingest.documents.dead` with `x-resingest-error` and
//!   `x-resingest-error-kind`, confirmed, then acked;
//! - transient (result or dead letter not confirmed, archive unreachable or refusing, a child
//!   that could not start): retried here with jittered backoff, holding the delivery, so a
//!   broker hiccup never burns a good document's delivery count; but only up to the hold limit,
//!   after which the document is given back to the broker (`basic.nack` with requeue) for a
//!   worker that can do it. A cause that is this worker's own (children that cannot start, an
//!   archive that refuses it) also turns `/healthz` to 503 until it clears;
//! - the extraction child crashed: republished with its attempt count (`x-resingest-attempts`)
//!   plus one, confirmed, then acked, for another try on any worker, since a kill can come from
//!   outside (the OOM killer); the delivery limit bounds the real attempts, and the last allowed
//!   one dead-letters it with the reason itself. The broker's `x-delivery-count` is no attempt
//!   count: it also counts every channel death while the document was merely held;
//! - the channel is gone or the shutdown grace is over: given back (a nack on a live channel,
//!   the channel's close otherwise), the broker redelivers.
//!
//! Extraction is CPU work: it runs in an isolated child, waited for on a blocking thread,
//! never on the reactor.

use std::sync::Arc;
use std::time::{Duration, Instant};

use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicNackOptions};
use lapin::{BasicProperties, Channel, Connection};
use resingest_amqp::{confirm_channel, publish_confirmed, AmqpError, Backoff};
use resingest_extract::Format;
use resingest_model::archive::is_sha256;
use resingest_model::topology::{self, Envelope};
use resingest_sandbox::{IsolatedError, Pool};
use serde::Deserialize;
use tokio::sync::OwnedSemaphorePermit;
use tokio_util::sync::CancellationToken;

use crate::metrics::{failing, outcome, Metrics};
use crate::Config;
use resingest_amqp::message::{self, Body};

/// Attempts at a document whose extraction ran out of wall time: one retry, since a timeout
/// is more often the machine's load than the document's fault, but never a whole limit's worth.
const TIMEOUT_ATTEMPTS: u32 = 2;

/// What every document task shares.
pub(crate) struct Shared {
    pub config: Config,
    pub pool: Arc<Pool>,
    pub metrics: Arc<Metrics>,
    /// Fired when the shutdown grace is over: in-flight work stops waiting and is handed back.
    pub abandon: CancellationToken,
}

/// The broker link a delivery came on: its channel, and the connection for a fresh
/// publishing channel when the broker nacks on this one.
#[derive(Clone)]
pub(crate) struct Link {
    pub channel: Channel,
    pub connection: Arc<Connection>,
}

/// Handles one delivery to its end. `permit` is an extraction slot: it is given back as soon
/// as the child has answered, so the next document extracts while this one's result waits for
/// its publisher confirm and its ack (the broker's prefetch bounds how many wait).
pub(crate) async fn handle(
    shared: Arc<Shared>,
    link: Link,
    mut delivery: Delivery,
    permit: OwnedSemaphorePermit,
) {
    let metrics = &shared.metrics;
    metrics.in_flight.inc();
    if delivery.redelivered {
        metrics.redeliveries.inc();
    }
    let end = process(&shared, &link, &mut delivery, permit).await;
    if end == outcome::HANDED_BACK {
        give_back(&delivery).await;
    }
    metrics.count(end);
    metrics.in_flight.dec();
}

/// Why a document cannot be extracted.
enum Failure {
    /// A property of the document: dead-letter it under `kind`.
    Permanent { kind: &'static str, error: String },
    /// The child died reading it, or ran out of wall time (CPU contention can do that to a
    /// good document): try again elsewhere, up to the delivery limit (a timeout once).
    ChildCrashed(IsolatedError),
    /// Nothing to do with the document: retry here.
    Transient { what: &'static str, error: String },
}

impl From<IsolatedError> for Failure {
    fn from(e: IsolatedError) -> Failure {
        if e.is_transient() {
            Failure::Transient {
                what: "extract",
                error: e.to_string(),
            }
        } else if matches!(
            e,
            IsolatedError::Crashed { .. } | IsolatedError::TimedOut { .. }
        ) {
            Failure::ChildCrashed(e)
        } else {
            Failure::Permanent {
                kind: e.kind(),
                error: e.to_string(),
            }
        }
    }
}

struct Extracted {
    json: Vec<u8>,
    sha256: String,
    pages: u32,
    seconds: f64,
}

async fn process(
    shared: &Shared,
    link: &Link,
    delivery: &mut Delivery,
    slot: OwnedSemaphorePermit,
) -> &'static str {
    let held = Instant::now();
    let envelope = message::envelope_of(&delivery.properties);
    let body = Arc::new(std::mem::take(&mut delivery.data));
    let delivery = &*delivery;
    let pdf = match message::body_of(&delivery.properties, &body) {
        Body::Inline(_) => body.clone(),
        Body::ClaimCheck(key) => match fetch(shared, &key, held).await {
            Ok(pdf) => Arc::new(pdf),
            Err(Some(failure)) => {
                return conclude_failure(shared, link, delivery, &body, &envelope, failure, held)
                    .await
            }
            Err(None) => return outcome::HANDED_BACK,
        },
    };

    let mut backoff = retry_backoff();
    let extracted = loop {
        let job = {
            let pool = shared.pool.clone();
            let pdf = pdf.clone();
            let limits = shared.config.limits.clone();
            let expected = envelope.sha256.clone();
            tokio::task::spawn_blocking(move || extract(&pool, &pdf, &limits, &expected))
        };
        let result = tokio::select! {
            r = job => r.unwrap_or_else(|e| Err(Failure::Permanent {
                kind: "panicked",
                error: format!("extraction task failed: {e}"),
            })),
            _ = shared.abandon.cancelled() => return outcome::HANDED_BACK,
        };
        match result {
            Ok(x) => {
                shared.metrics.recover(failing::EXTRACT);
                break x;
            }
            Err(Failure::Transient { what, error }) => {
                // Children that cannot start or be talked to: this worker's fault, not the
                // document's, and one a restart may cure.
                shared.metrics.fail(failing::EXTRACT, &error);
                if !wait_to_retry(shared, &mut backoff, held, what, &error).await {
                    return outcome::HANDED_BACK;
                }
            }
            Err(failure) => {
                shared.metrics.recover(failing::EXTRACT);
                drop(slot);
                return conclude_failure(shared, link, delivery, &body, &envelope, failure, held)
                    .await;
            }
        }
    };
    drop(slot);
    let limit = shared.config.max_message_bytes;
    if extracted.json.len() as u64 > limit {
        let failure = Failure::Permanent {
            kind: "result_too_large",
            error: format!(
                "the resolution json is {} bytes, over the {limit} bytes a message may have (the broker's max_message_size)",
                extracted.json.len()
            ),
        };
        return conclude_failure(shared, link, delivery, &body, &envelope, failure, held).await;
    }

    let metrics = &shared.metrics;
    metrics.extraction_seconds.observe(extracted.seconds);
    let mut result_envelope = envelope.clone();
    result_envelope.sha256 = extracted.sha256;
    result_envelope.schema_version = Some(resingest_model::SCHEMA_VERSION);
    let props = message::properties(&result_envelope, topology::CONTENT_TYPE_JSON);
    let published = publish_to(
        shared,
        link,
        topology::EXCHANGE,
        topology::EXTRACTED,
        &extracted.json,
        props,
        held,
    );
    if !published.await {
        return outcome::HANDED_BACK;
    }
    #[cfg(feature = "failpoints")]
    crate::failpoint::after_confirm();
    if !ack(delivery).await {
        return outcome::HANDED_BACK;
    }
    metrics.pages.inc_by(u64::from(extracted.pages));
    metrics.bytes.inc_by(pdf.len() as u64);
    tracing::debug!(sha256 = %envelope.sha256, pages = extracted.pages, seconds = extracted.seconds, "extracted");
    outcome::EXTRACTED
}

/// Reads a claim-checked PDF; `Err(None)` when the grace or the hold limit ran out while the
/// archive was down or refused this worker.
async fn fetch(shared: &Shared, key: &str, held: Instant) -> Result<Vec<u8>, Option<Failure>> {
    let mut backoff = retry_backoff();
    loop {
        match shared.config.archive.get(key).await {
            Ok(pdf) => {
                shared.metrics.recover(failing::ARCHIVE);
                return Ok(pdf);
            }
            Err(e) if e.is_transient() || e.is_refused() => {
                let error = e.to_string();
                if e.is_refused() {
                    shared.metrics.fail(failing::ARCHIVE, &error);
                }
                if !wait_to_retry(shared, &mut backoff, held, "archive", &error).await {
                    return Err(None);
                }
            }
            Err(e) => {
                return Err(Some(Failure::Permanent {
                    kind: e.kind(),
                    error: e.to_string(),
                }))
            }
        }
    }
}

#[derive(Deserialize)]
struct Head {
    provenance: HeadProvenance,
}

#[derive(Deserialize)]
struct HeadProvenance {
    sha256: String,
    pages: u32,
}

/// On a blocking thread: check the bytes are the document the message names, then extract.
fn extract(
    pool: &Pool,
    pdf: &[u8],
    limits: &resingest_extract::Limits,
    expected_sha256: &str,
) -> Result<Extracted, Failure> {
    let start = Instant::now();
    let json = pool.render(pdf, Format::Json, limits)?;
    let seconds = start.elapsed().as_secs_f64();
    let head: Head = serde_json::from_slice(&json).map_err(|e| Failure::Permanent {
        kind: "protocol",
        error: format!("extraction child returned no resolution json: {e}"),
    })?;
    // The extractor hashes what it read: a body that is not the message_id's PDF is refused.
    if is_sha256(expected_sha256) && head.provenance.sha256 != expected_sha256 {
        return Err(Failure::Permanent {
            kind: "checksum_mismatch",
            error: format!(
                "the body hashes to {}, not to its message_id {expected_sha256}",
                head.provenance.sha256
            ),
        });
    }
    Ok(Extracted {
        json,
        sha256: head.provenance.sha256,
        pages: head.provenance.pages,
        seconds,
    })
}

async fn conclude_failure(
    shared: &Shared,
    link: &Link,
    delivery: &Delivery,
    body: &[u8],
    envelope: &Envelope,
    failure: Failure,
    held: Instant,
) -> &'static str {
    let (kind, error) = match failure {
        Failure::Permanent { kind, error } => (kind, error),
        Failure::ChildCrashed(e) => {
            let attempts = message::attempts(&delivery.properties) + 1;
            let allowed = match e {
                IsolatedError::TimedOut { .. } => TIMEOUT_ATTEMPTS,
                _ => u32::MAX,
            };
            if attempts < shared.config.delivery_limit.min(allowed) {
                tracing::warn!(sha256 = %envelope.sha256, delivery_tag = delivery.delivery_tag, attempts, error = %e, "extraction child crashed; handing the document back for another try");
                // A copy that carries its attempt count, then the ack: the broker's own count
                // also counts channel deaths, which are no attempt at the document.
                let props = message::with_attempts(&delivery.properties, attempts);
                let again = publish_to(
                    shared,
                    link,
                    topology::EXCHANGE,
                    topology::DOCUMENTS,
                    body,
                    props,
                    held,
                );
                if !again.await || !ack(delivery).await {
                    return outcome::HANDED_BACK;
                }
                return outcome::REQUEUED;
            }
            (e.kind(), format!("{e} (on each of {attempts} attempts)"))
        }
        Failure::Transient { .. } => unreachable!("transient failures are retried in place"),
    };
    tracing::warn!(sha256 = %envelope.sha256, symbol = envelope.symbol.as_deref().unwrap_or(""), delivery_tag = delivery.delivery_tag, kind, %error, "dead-lettering document");
    let props = message::with_error(&delivery.properties, kind, &error);
    let dead = publish_to(
        shared,
        link,
        topology::DEAD_EXCHANGE,
        topology::DOCUMENTS_DEAD,
        body,
        props,
        held,
    );
    if !dead.await || !ack(delivery).await {
        return outcome::HANDED_BACK;
    }
    shared
        .metrics
        .dead_lettered
        .with_label_values(&[kind])
        .inc();
    outcome::DEAD_LETTERED
}

/// Publishes and waits for the confirm, retrying with backoff while the delivery's channel
/// lives. After a nack the next try goes on a fresh channel of the same connection
/// ([`confirm_channel`] says why), and on another one if that channel closes. `false` when the channel is gone (the input will be
/// redelivered), the grace is over or the document has been held for the hold limit since
/// `held`.
async fn publish_to(
    shared: &Shared,
    link: &Link,
    exchange: &str,
    routing_key: &str,
    body: &[u8],
    props: BasicProperties,
    held: Instant,
) -> bool {
    let mut backoff = retry_backoff();
    let mut fresh: Option<Channel> = None;
    let published = loop {
        if !link.channel.status().connected() {
            break false;
        }
        let publish = publish_confirmed(
            fresh.as_ref().unwrap_or(&link.channel),
            exchange,
            routing_key,
            body,
            props.clone(),
            shared.config.publish_timeout,
        );
        match publish.await {
            Ok(()) => break true,
            Err(e) => {
                if !wait_to_retry(shared, &mut backoff, held, "publish", &e.to_string()).await {
                    break false;
                }
                // A fresh channel that died itself (the broker closed it) is replaced too, or
                // every later try would fail on it until the hold limit.
                let fresh_closed = fresh.as_ref().is_some_and(|c| !c.status().connected());
                if matches!(e, AmqpError::Nacked { .. }) || fresh_closed {
                    match confirm_channel(&link.connection).await {
                        Ok(channel) => {
                            tracing::info!(
                                routing_key,
                                "publish nacked; the next try goes on a fresh channel"
                            );
                            if let Some(old) = fresh.replace(channel) {
                                let _ = old.close(200, "nacked".into()).await;
                            }
                        }
                        Err(error) => {
                            tracing::warn!(%error, "no fresh channel for the next publish")
                        }
                    }
                }
            }
        }
    };
    if let Some(channel) = fresh {
        let _ = channel.close(200, "done".into()).await;
    }
    published
}

/// Counts and logs a transient failure, then sleeps; `false` when the grace ran out or the
/// document, held since `held`, would outlast the hold limit: it goes back to the broker then,
/// for a worker that can do it, instead of holding a slot here for as long as the cause lasts.
async fn wait_to_retry(
    shared: &Shared,
    backoff: &mut Backoff,
    held: Instant,
    what: &'static str,
    error: &str,
) -> bool {
    shared.metrics.retries.with_label_values(&[what]).inc();
    let wait = backoff.next_delay();
    let hold_limit = shared.config.hold_limit;
    if held.elapsed() + wait > hold_limit {
        tracing::warn!(what, %error, hold_limit_s = hold_limit.as_secs_f64(), "still failing at the hold limit; handing the document back to the broker");
        return false;
    }
    tracing::warn!(what, %error, retry_in_ms = wait.as_millis() as u64, "transient failure; retrying in the worker");
    tokio::select! {
        _ = shared.abandon.cancelled() => false,
        _ = tokio::time::sleep(wait) => true,
    }
}

/// Gives an unfinished document back to the broker at once: a nack with requeue on a live
/// channel (a closed one has given it back already).
async fn give_back(delivery: &Delivery) {
    let nack = BasicNackOptions {
        requeue: true,
        ..BasicNackOptions::default()
    };
    if let Err(error) = delivery.acker.nack(nack).await {
        tracing::debug!(delivery_tag = delivery.delivery_tag, %error, "nack failed; the channel's close gives the document back");
    }
}

async fn ack(delivery: &Delivery) -> bool {
    match delivery.acker.ack(BasicAckOptions::default()).await {
        Ok(true) => true,
        Ok(false) | Err(_) => {
            tracing::warn!(
                delivery_tag = delivery.delivery_tag,
                "ack failed (channel gone); the broker will deliver the document again"
            );
            false
        }
    }
}

fn retry_backoff() -> Backoff {
    Backoff::new(Duration::from_millis(100), Duration::from_secs(5))
}
