//! Consumes `resingest.extracted`: gathers deliveries into a batch (up to `batch_max`, at most
//! `batch_latency` after the first), decodes them, stores the batch in one transaction and only
//! then acks. While the database cannot take writes the batch is retried with backoff and
//! nothing is acked or pulled beyond the prefetch, up to the hold limit, after which the batch
//! goes back to the broker; conflicts are retried a few times; what the data makes fail is
//! dead-lettered; when the broker connection drops, [`resingest_amqp::run_sessions`] opens a
//! new session and the broker redelivers whatever was not acked (stored ones come back as
//! duplicates).
//! After each batch the event outbox is published on `resingest.events`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use lapin::message::Delivery;
use lapin::options::{BasicAckOptions, BasicConsumeOptions, BasicNackOptions};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel};
use resingest_amqp::{
    message, publish_all_confirmed_broadcast, publish_confirmed, AmqpError, Backoff, Session,
    SessionConfig, SessionWork,
};
use resingest_model::topology::{self, Topology};
use sqlx::{PgPool, Row};
use tokio_util::sync::CancellationToken;

use crate::decode::decode;
use crate::identity;
use crate::metrics::{outcome, Metrics};
use crate::store::{store_batch, ErrorClass, Incoming, Outcome, StoreError, Stored};
use crate::{Config, SinkError};

/// Events published per outbox round trip.
const OUTBOX_CHUNK: i64 = 500;
/// Tries of a batch that keeps conflicting with concurrent transactions before it counts as
/// refused by the data (a unique violation that never clears).
const CONFLICT_TRIES: u32 = 5;

/// Why a batch was not stored.
enum NotStored {
    /// The sink is shutting down: nothing acked, the broker redelivers.
    Shutdown,
    /// The database stayed unavailable for the whole hold: back to the broker.
    HandBack(StoreError),
    /// The data: dead-letter it.
    Refused(StoreError),
}

pub(crate) struct Consumer {
    pub config: Config,
    pub pool: PgPool,
    pub metrics: Arc<Metrics>,
    pub shutdown: CancellationToken,
}

impl Consumer {
    /// Consumes until `shutdown`, on as many broker sessions as it takes.
    pub async fn run(mut self) -> Result<(), SinkError> {
        let session_config = SessionConfig {
            url: self.config.amqp_url.clone(),
            prefetch: self.config.prefetch,
            topology: Topology::standard(self.config.delivery_limit),
        };
        let shutdown = self.shutdown.clone();
        resingest_amqp::run_sessions(&session_config, &shutdown, &mut self).await?;
        Ok(())
    }

    /// One broker session: `Ok` on shutdown, `Err` when the channel fails.
    async fn consume(&self, channel: &Channel) -> Result<(), AmqpError> {
        let mut outbox_pending = !self.publish_events(channel).await?;
        let mut deliveries = channel
            .basic_consume(
                topology::EXTRACTED.into(),
                "resingest-sink".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        loop {
            let first = tokio::select! {
                _ = self.shutdown.cancelled() => return Ok(()),
                _ = tokio::time::sleep(Duration::from_secs(5)), if outbox_pending => {
                    outbox_pending = !self.publish_events(channel).await?;
                    continue;
                }
                d = deliveries.next() => d,
            };
            let Some(first) = first else {
                return Err(ended());
            };
            let mut batch = vec![first?];
            let deadline = tokio::time::Instant::now() + self.config.batch_latency;
            while batch.len() < self.config.batch_max {
                tokio::select! {
                    biased;
                    d = deliveries.next() => match d {
                        Some(d) => batch.push(d?),
                        None => return Err(ended()),
                    },
                    _ = tokio::time::sleep_until(deadline) => break,
                }
            }
            if !self.handle_batch(channel, batch).await? {
                return Ok(());
            }
            outbox_pending = !self.publish_events(channel).await?;
        }
    }

    /// Decodes, stores and acks one batch. `Ok(false)` when shutdown came while waiting for
    /// the database: nothing of the batch is acked and the broker will redeliver it.
    async fn handle_batch(
        &self,
        channel: &Channel,
        batch: Vec<Delivery>,
    ) -> Result<bool, AmqpError> {
        let mut good: Vec<(Delivery, Incoming)> = Vec::with_capacity(batch.len());
        for d in batch {
            let envelope = message::envelope_of(&d.properties);
            let decoded = decode(&d.data, &envelope);
            if let Ok(inc) = &decoded {
                if let Err(e) = identity::check(&inc.resolution, &envelope) {
                    tracing::warn!(sha256 = %envelope.sha256, delivery_tag = d.delivery_tag, error = %e, "dead-lettering a result that is not the document the fetcher named");
                    self.dead_letter(channel, &d, e.kind(), &e.to_string())
                        .await?;
                    d.acker.ack(BasicAckOptions::default()).await?;
                    self.metrics.count(outcome::FAILED, 1);
                    continue;
                }
            }
            match decoded {
                Ok(inc) => good.push((d, inc)),
                Err(e) => {
                    tracing::warn!(sha256 = %envelope.sha256, delivery_tag = d.delivery_tag, error = %e, "dead-lettering undecodable message");
                    self.dead_letter(channel, &d, e.kind(), &e.to_string())
                        .await?;
                    d.acker.ack(BasicAckOptions::default()).await?;
                    self.metrics.count(outcome::FAILED, 1);
                }
            }
        }
        if good.is_empty() {
            return Ok(true);
        }
        let incoming: Vec<Incoming> = good.iter().map(|(_, i)| i.clone()).collect();
        let stored = match self.store_with_retry(&incoming).await {
            Ok(s) => s,
            Err(NotStored::Shutdown) => return Ok(false),
            Err(NotStored::HandBack(error)) => {
                self.hand_back(&good, &error).await?;
                return Ok(true);
            }
            Err(NotStored::Refused(error)) if incoming.len() > 1 => {
                // Some row the database refuses: store one by one to find it.
                tracing::warn!(%error, batch = incoming.len(), "batch refused; storing one by one");
                for (n, (d, inc)) in good.iter().enumerate() {
                    match self.store_with_retry(std::slice::from_ref(inc)).await {
                        Ok(s) => {
                            self.record(&s, std::slice::from_ref(inc));
                            self.refuse_older(channel, std::slice::from_ref(d), &s)
                                .await?;
                        }
                        Err(NotStored::Shutdown) => return Ok(false),
                        Err(NotStored::HandBack(error)) => {
                            self.hand_back(&good[n..], &error).await?;
                            return Ok(true);
                        }
                        Err(NotStored::Refused(error)) => {
                            self.refuse(channel, d, inc, &error).await?
                        }
                    }
                    d.acker.ack(BasicAckOptions::default()).await?;
                }
                return Ok(true);
            }
            Err(NotStored::Refused(error)) => {
                let (d, inc) = &good[0];
                self.refuse(channel, d, inc, &error).await?;
                d.acker.ack(BasicAckOptions::default()).await?;
                return Ok(true);
            }
        };
        self.record(&stored, &incoming);
        let deliveries: Vec<&Delivery> = good.iter().map(|(d, _)| d).collect();
        self.refuse_older(channel, &deliveries, &stored).await?;
        // Everything unacked on this channel is in `good` (batches run one at a time), so one
        // multiple-ack of the last tag acks them all.
        let last = good
            .iter()
            .map(|(d, _)| d.delivery_tag)
            .max()
            .expect("non-empty batch");
        channel
            .basic_ack(last, BasicAckOptions { multiple: true })
            .await?;
        Ok(true)
    }

    /// Stores `batch`, retrying in place what the database cannot take now (with backoff, up
    /// to `hold_limit`) and conflicts (up to [`CONFLICT_TRIES`]), until it commits, the sink
    /// shuts down, the hold runs out (the batch goes back to the broker), or the database
    /// refuses the data.
    async fn store_with_retry(&self, batch: &[Incoming]) -> Result<Stored, NotStored> {
        let mut backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
        let held = Instant::now();
        let mut conflicts = 0;
        loop {
            let start = Instant::now();
            let error = match store_batch(&self.pool, batch).await {
                Ok(stored) => {
                    self.metrics
                        .transaction_seconds
                        .observe(start.elapsed().as_secs_f64());
                    self.metrics.database_up.set(1);
                    return Ok(stored);
                }
                Err(error) => error,
            };
            let sqlstate = error.sqlstate().unwrap_or_default();
            let wait = match error.class() {
                ErrorClass::Refused => return Err(NotStored::Refused(error)),
                ErrorClass::Conflict => {
                    conflicts += 1;
                    if conflicts >= CONFLICT_TRIES {
                        return Err(NotStored::Refused(error));
                    }
                    tracing::info!(%error, %sqlstate, batch = batch.len(), conflicts, "conflict with another transaction; retrying");
                    Duration::from_millis(20 * conflicts as u64)
                }
                ErrorClass::Unavailable => {
                    self.metrics.database_up.set(0);
                    if held.elapsed() >= self.config.hold_limit {
                        return Err(NotStored::HandBack(error));
                    }
                    let wait = backoff.next_delay();
                    tracing::warn!(%error, %sqlstate, batch = batch.len(), retry_in_ms = wait.as_millis() as u64, "database unavailable for writes; holding the batch unacked");
                    wait
                }
            };
            tokio::select! {
                _ = self.shutdown.cancelled() => return Err(NotStored::Shutdown),
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    fn record(&self, stored: &Stored, batch: &[Incoming]) {
        self.metrics.batch_size.observe(batch.len() as f64);
        let now = chrono::Utc::now();
        for (o, inc) in stored.outcomes.iter().zip(batch) {
            let r = &inc.resolution;
            let label = match o {
                Outcome::Stored { .. } => outcome::STORED,
                Outcome::Replaced { .. } => outcome::REPLACED,
                Outcome::Duplicate => outcome::DUPLICATE,
                Outcome::Stale => outcome::FAILED,
            };
            self.metrics.count(label, 1);
            if let (Outcome::Stored { .. } | Outcome::Replaced { .. }, Some(fetched)) =
                (o, inc.fetched_at)
            {
                self.metrics
                    .end_to_end_seconds
                    .observe((now - fetched).as_seconds_f64().max(0.0));
            }
            tracing::debug!(symbol = %r.symbol, language = %r.language, sha256 = %r.provenance.sha256, outcome = ?o, "stored");
        }
    }

    /// Dead-letters the older copies of a committed batch (`deliveries` in input order) as
    /// `older_copy` with the reason; the caller acks them with the rest.
    async fn refuse_older<D: std::borrow::Borrow<Delivery>>(
        &self,
        channel: &Channel,
        deliveries: &[D],
        stored: &Stored,
    ) -> Result<(), AmqpError> {
        for (i, reason) in &stored.refused {
            let d = deliveries[*i].borrow();
            tracing::warn!(delivery_tag = d.delivery_tag, %reason, "dead-lettering an older copy");
            self.dead_letter(channel, d, "older_copy", reason).await?;
        }
        Ok(())
    }

    /// Returns `held` to the broker after the database stayed unavailable for the whole hold:
    /// held past the broker's consumer timeout they would come back anyway, with the channel.
    async fn hand_back(
        &self,
        held: &[(Delivery, Incoming)],
        error: &StoreError,
    ) -> Result<(), AmqpError> {
        tracing::warn!(%error, batch = held.len(), held_s = self.config.hold_limit.as_secs(), "database unavailable for the whole hold; handing the batch back to the broker");
        for (d, _) in held {
            d.acker
                .nack(BasicNackOptions {
                    multiple: false,
                    requeue: true,
                })
                .await?;
        }
        self.metrics.count(outcome::HANDED_BACK, held.len() as u64);
        Ok(())
    }

    async fn refuse(
        &self,
        channel: &Channel,
        d: &Delivery,
        inc: &Incoming,
        error: &StoreError,
    ) -> Result<(), AmqpError> {
        let r = &inc.resolution;
        tracing::error!(symbol = %r.symbol, language = %r.language, sha256 = %r.provenance.sha256, %error, "database refused resolution; dead-lettering");
        self.metrics.count(outcome::FAILED, 1);
        let reason = match error.sqlstate() {
            Some(code) => format!("{error} (sqlstate {code})"),
            None => error.to_string(),
        };
        self.dead_letter(channel, d, "database", &reason).await
    }

    /// Republishes `d` to `resingest.extracted.dead` with the error in its headers; the caller
    /// acks the original once this is confirmed.
    async fn dead_letter(
        &self,
        channel: &Channel,
        d: &Delivery,
        kind: &str,
        error: &str,
    ) -> Result<(), AmqpError> {
        let props = message::with_error(&d.properties, kind, error);
        publish_confirmed(
            channel,
            topology::DEAD_EXCHANGE,
            topology::EXTRACTED_DEAD,
            &d.data,
            props,
            self.config.publish_timeout,
        )
        .await
    }

    /// Publishes queued events and deletes them once confirmed. `Ok(true)` when the outbox is
    /// empty; `Ok(false)` when the database failed (they stay queued for a later try).
    async fn publish_events(&self, channel: &Channel) -> Result<bool, AmqpError> {
        loop {
            match self.publish_event_chunk(channel).await {
                Ok(n) if n < OUTBOX_CHUNK as usize => return Ok(true),
                Ok(_) => continue,
                Err(EventsError::Amqp(e)) => return Err(e),
                Err(EventsError::Database(error)) => {
                    tracing::warn!(%error, "event outbox unavailable; will retry");
                    return Ok(false);
                }
            }
        }
    }

    async fn publish_event_chunk(&self, channel: &Channel) -> Result<usize, EventsError> {
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query("SELECT id, payload::text AS payload FROM event_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED")
            .bind(OUTBOX_CHUNK)
            .fetch_all(&mut *tx)
            .await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.get("id")).collect();
        let payloads: Vec<String> = rows.iter().map(|r| r.get("payload")).collect();
        let props = BasicProperties::default()
            .with_content_type(topology::CONTENT_TYPE_JSON.into())
            .with_type("resolution.stored".into());
        let messages: Vec<(&[u8], BasicProperties)> = payloads
            .iter()
            .map(|p| (p.as_bytes(), props.clone()))
            .collect();
        publish_all_confirmed_broadcast(
            channel,
            topology::EVENTS,
            "",
            &messages,
            self.config.publish_timeout,
        )
        .await?;
        // A crash before this commit republishes the chunk: events are at-least-once.
        sqlx::query("DELETE FROM event_outbox WHERE id = ANY($1)")
            .bind(&ids)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.metrics.events_published.inc_by(ids.len() as u64);
        Ok(ids.len())
    }
}

impl SessionWork for Consumer {
    async fn work(&mut self, session: &Session, _number: u64) -> Result<(), AmqpError> {
        tracing::info!(queue = topology::EXTRACTED, "consuming");
        self.consume(&session.channel).await
    }
}

#[derive(Debug, thiserror::Error)]
enum EventsError {
    #[error(transparent)]
    Amqp(#[from] AmqpError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

fn ended() -> AmqpError {
    AmqpError::ConsumerEnded {
        queue: topology::EXTRACTED.into(),
    }
}
