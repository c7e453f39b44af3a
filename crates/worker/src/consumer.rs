//! The session loop: open a broker session (topology declared, `basic_qos` applied), consume
//! `resingest.documents`, hand each delivery to a task under the concurrency semaphore, and
//! when the connection drops, open a new session the same way and go on. lapin's own recovery
//! is not used, because it does not replay `basic_qos`: a fresh session applies it every time.
//!
//! Shutdown: the consumer is cancelled at once (no new deliveries), documents already
//! delivered to this worker are still processed until the grace period ends, then whatever is
//! still unacked goes back to the broker when the connection closes.

use std::sync::Arc;

use futures_util::StreamExt;
use lapin::options::{BasicCancelOptions, BasicConsumeOptions};
use lapin::types::FieldTable;
use lapin::Consumer;
use resingest_amqp::{AmqpError, Backoff, Session, SessionConfig};
use resingest_model::topology::{self, Topology};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::process::{handle, Link, Shared};
use crate::WorkerError;

/// How one session ended.
enum End {
    Shutdown,
    Lost(AmqpError),
}

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
    let slots = Arc::new(Semaphore::new(config.concurrency.max(1)));
    let tracker = TaskTracker::new();
    let mut backoff = Backoff::default();
    let mut sessions = 0u64;
    loop {
        let session = match Session::open_with_retry(&session_config, &mut backoff, &shutdown).await
        {
            Ok(s) => s,
            Err(AmqpError::Cancelled) => break,
            Err(e) => return Err(e.into()),
        };
        if sessions > 0 {
            shared.metrics.reconnects.inc();
        }
        sessions += 1;
        let tag = format!("{}-{sessions}", config.name);
        let consumer = session
            .channel
            .basic_consume(
                topology::DOCUMENTS.into(),
                tag.as_str().into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await;
        let end = match consumer {
            Ok(mut consumer) => {
                tracing::info!(queue = topology::DOCUMENTS, prefetch = config.prefetch, concurrency = config.concurrency, consumer_tag = %tag, "consuming");
                shared.metrics.consuming.set(1);
                let end = consume(
                    &shared,
                    &session,
                    &mut consumer,
                    &slots,
                    &tracker,
                    &shutdown,
                )
                .await;
                shared.metrics.consuming.set(0);
                if let End::Shutdown = end {
                    drain(&shared, &session, consumer, &tag, &slots, &tracker).await;
                }
                end
            }
            Err(e) => End::Lost(e.into()),
        };
        match end {
            End::Shutdown => {
                session.close().await;
                break;
            }
            End::Lost(error) => {
                // Tasks of the lost session find their channel closed and hand their documents
                // back; the broker redelivers them.
                tracing::warn!(%error, "broker session lost; reconnecting");
                session.close().await;
                tokio::select! {
                    _ = shutdown.cancelled() => break,
                    _ = tokio::time::sleep(backoff.next_delay()) => {}
                }
            }
        }
    }
    tracker.close();
    tokio::select! {
        _ = tracker.wait() => {}
        _ = shared.abandon.cancelled() => {}
    }
    Ok(())
}

/// Takes deliveries while a slot is free, until shutdown or the channel fails.
async fn consume(
    shared: &Arc<Shared>,
    session: &Session,
    consumer: &mut Consumer,
    slots: &Arc<Semaphore>,
    tracker: &TaskTracker,
    shutdown: &CancellationToken,
) -> End {
    loop {
        let permit = tokio::select! {
            _ = shutdown.cancelled() => return End::Shutdown,
            p = slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
        };
        let next = tokio::select! {
            _ = shutdown.cancelled() => return End::Shutdown,
            d = consumer.next() => d,
        };
        match next {
            Some(Ok(delivery)) => {
                tracker.spawn(handle(
                    shared.clone(),
                    Link {
                        channel: session.channel.clone(),
                        connection: session.connection.clone(),
                    },
                    delivery,
                    permit,
                ));
            }
            Some(Err(e)) => return End::Lost(e.into()),
            None => {
                return End::Lost(AmqpError::ConsumerEnded {
                    queue: topology::DOCUMENTS.into(),
                })
            }
        }
    }
}

/// After shutdown: cancel the consumer, then process what was already delivered here until
/// the grace ends; what is left stays unacked and returns to the queue with the connection.
async fn drain(
    shared: &Arc<Shared>,
    session: &Session,
    mut consumer: Consumer,
    tag: &str,
    slots: &Arc<Semaphore>,
    tracker: &TaskTracker,
) {
    let cancel = session
        .channel
        .basic_cancel(tag.into(), BasicCancelOptions::default());
    if let Err(error) = cancel.await {
        tracing::warn!(%error, "cancelling the consumer");
        return;
    }
    tracing::info!(
        in_flight = shared.metrics.in_flight.get(),
        "stopped consuming; finishing what was delivered"
    );
    loop {
        let permit = tokio::select! {
            _ = shared.abandon.cancelled() => return,
            p = slots.clone().acquire_owned() => p.expect("the semaphore is never closed"),
        };
        let next = tokio::select! {
            _ = shared.abandon.cancelled() => return,
            d = consumer.next() => d,
        };
        let Some(Ok(delivery)) = next else { break };
        tracker.spawn(handle(
            shared.clone(),
            Link {
                channel: session.channel.clone(),
                connection: session.connection.clone(),
            },
            delivery,
            permit,
        ));
    }
    tracker.close();
    tokio::select! {
        _ = tracker.wait() => {}
        _ = shared.abandon.cancelled() => tracing::warn!(in_flight = shared.metrics.in_flight.get(), "grace period over; handing the rest back"),
    }
}
