//! The worker's session work: on each broker session that [`resingest_amqp::run_sessions`]
//! opens (topology declared, `basic_qos` applied; a new one whenever the connection drops),
//! consume `resingest.documents` and hand each delivery to a task under the concurrency
//! semaphore.
//!
//! Shutdown: the consumer is cancelled at once (no new deliveries), documents already
//! delivered to this worker are still processed until the grace period ends, then whatever is
//! still unacked goes back to the broker when the connection closes.

use std::sync::Arc;

use futures_util::StreamExt;
use lapin::options::{BasicCancelOptions, BasicConsumeOptions};
use lapin::types::FieldTable;
use lapin::Consumer;
use resingest_amqp::{AmqpError, Session, SessionConfig, SessionWork};
use resingest_model::topology::{self, Topology};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::process::{handle, Link, Shared};
use crate::WorkerError;

pub(crate) async fn run(
    shared: Arc<Shared>,
    shutdown: CancellationToken,
) -> Result<(), WorkerError> {
    let config = &shared.config;
    let session_config = SessionConfig {
        url: config.amqp_url.clone(),
        prefetch: config.prefetch,
        topology: Topology::standard(config.delivery_limit),
    };
    let mut work = Work {
        slots: Arc::new(Semaphore::new(config.concurrency.max(1))),
        tracker: TaskTracker::new(),
        shutdown: shutdown.clone(),
        shared: shared.clone(),
    };
    resingest_amqp::run_sessions(&session_config, &shutdown, &mut work).await?;
    // Tasks of a lost session found their channel closed and handed their documents back (the
    // broker redelivers them); those of the last one finish within the grace.
    work.tracker.close();
    tokio::select! {
        _ = work.tracker.wait() => {}
        _ = shared.abandon.cancelled() => {}
    }
    Ok(())
}

/// What every session of this worker shares: the slots of its concurrency and its tasks.
struct Work {
    shared: Arc<Shared>,
    slots: Arc<Semaphore>,
    tracker: TaskTracker,
    shutdown: CancellationToken,
}

/// Why [`Work::take`] stopped taking deliveries.
enum Taken {
    /// The token it was given fired.
    Stopped,
    /// The consumer failed or ended.
    Ended(AmqpError),
}

impl SessionWork for Work {
    async fn work(&mut self, session: &Session, number: u64) -> Result<(), AmqpError> {
        let config = &self.shared.config;
        if number > 1 {
            self.shared.metrics.reconnects.inc();
        }
        let tag = format!("{}-{number}", config.name);
        let mut consumer = session
            .channel
            .basic_consume(
                topology::DOCUMENTS.into(),
                tag.as_str().into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await?;
        tracing::info!(queue = topology::DOCUMENTS, prefetch = config.prefetch, concurrency = config.concurrency, consumer_tag = %tag, "consuming");
        self.shared.metrics.consuming.set(1);
        let taken = self.take(session, &mut consumer, &self.shutdown).await;
        self.shared.metrics.consuming.set(0);
        match taken {
            Taken::Stopped => {
                self.drain(session, consumer, &tag).await;
                Ok(())
            }
            Taken::Ended(error) => Err(error),
        }
    }
}

impl Work {
    /// Takes deliveries while a slot is free, each into a task of its own, until `until` fires
    /// or the consumer fails or ends.
    async fn take(
        &self,
        session: &Session,
        consumer: &mut Consumer,
        until: &CancellationToken,
    ) -> Taken {
        loop {
            let permit = tokio::select! {
                _ = until.cancelled() => return Taken::Stopped,
                p = self.slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            };
            let next = tokio::select! {
                _ = until.cancelled() => return Taken::Stopped,
                d = consumer.next() => d,
            };
            let delivery = match next {
                Some(Ok(delivery)) => delivery,
                Some(Err(e)) => return Taken::Ended(e.into()),
                None => {
                    return Taken::Ended(AmqpError::ConsumerEnded {
                        queue: topology::DOCUMENTS.into(),
                    })
                }
            };
            let link = Link {
                channel: session.channel.clone(),
                connection: session.connection.clone(),
            };
            self.tracker
                .spawn(handle(self.shared.clone(), link, delivery, permit));
        }
    }

    /// After shutdown: cancel the consumer, then process what was already delivered here until
    /// the grace ends; what is left stays unacked and returns to the queue with the connection.
    async fn drain(&self, session: &Session, mut consumer: Consumer, tag: &str) {
        let cancel = session
            .channel
            .basic_cancel(tag.into(), BasicCancelOptions::default());
        if let Err(error) = cancel.await {
            tracing::warn!(%error, "cancelling the consumer");
            return;
        }
        tracing::info!(
            in_flight = self.shared.metrics.in_flight.get(),
            "stopped consuming; finishing what was delivered"
        );
        let abandon = &self.shared.abandon;
        if let Taken::Stopped = self.take(session, &mut consumer, abandon).await {
            return;
        }
        self.tracker.close();
        tokio::select! {
            _ = self.tracker.wait() => {}
            _ = abandon.cancelled() => tracing::warn!(in_flight = self.shared.metrics.in_flight.get(), "grace period over; handing the rest back"),
        }
    }
}
