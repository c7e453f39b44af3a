//! RabbitMQ plumbing every resingest role shares, on lapin 4 (its tokio runtime built in).
//!
//! How a role uses it:
//! 1. [`Session::open`] (or [`Session::open_with_retry`], which waits out a broker that is down
//!    with [`Backoff`]) connects with [`connect`], opens one channel, turns on publisher
//!    confirms, applies `basic_qos` and declares the [`Topology`] with [`declare_topology`].
//! 2. The role consumes from `session.channel` and publishes with [`publish_confirmed`], which
//!    waits for the broker's confirm under a timeout: a message counts as sent only once the
//!    broker has it.
//! 3. A consuming role gives its per-session work ([`SessionWork`]) to [`run_sessions`], which
//!    opens a new [`Session`] the same way each time the connection drops. lapin's own
//!    recovery is not used: a fresh session re-declares the topology and re-applies `basic_qos`
//!    every time, whatever lapin version replays.
//!
//! [`message`] is the wire format every role reads and writes: the document and result
//! messages (envelope as headers, inline body or claim check), attempt counts and dead-letter
//! reasons. [`publish`] puts local PDFs on the documents queue as a fetcher would (`resingest
//! publish`); [`dlq`] lists and replays the dead letters of both work queues (`resingest dlq`).
//! [`table`] converts the model's plain argument tables to lapin's `FieldTable` and back.
//! With feature `test-support`, [`testing`] gives each test its own vhost.
//! Plain `amqp://` only: TLS is not compiled in (the broker is on loopback or a private network).

pub mod dlq;
pub mod message;
pub mod publish;
pub mod table;
#[cfg(feature = "test-support")]
pub mod testing;

use std::time::Duration;

use lapin::options::{
    BasicPublishOptions, BasicQosOptions, ConfirmSelectOptions, ExchangeDeclareOptions,
    QueueBindOptions, QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties};
use resingest_model::topology::{ExchangeKind, Topology};
use tokio_util::sync::CancellationToken;

pub use lapin;
pub use resingest_runtime::Backoff;

/// The broker every role talks to unless told otherwise: the local one, vhost `/`.
pub const DEFAULT_AMQP_URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

#[derive(Debug, thiserror::Error)]
pub enum AmqpError {
    #[error("`{url}` is not a broker url: {reason} (write amqp://user:password@host:5672/vhost, the vhost percent-encoded: %2f for /)")]
    InvalidUrl { url: String, reason: String },
    // The lapin error is in the message and not a `source`: a chain printer would repeat it.
    #[error("connecting to the broker at {url}: {cause}")]
    Connect { url: String, cause: lapin::Error },
    #[error("declaring {what} `{name}`: {source} (a queue declared earlier with other arguments must be deleted first)")]
    Declare {
        what: &'static str,
        name: String,
        source: lapin::Error,
    },
    #[error("broker channel: {0}")]
    Channel(#[from] lapin::Error),
    #[error(
        "publish to `{exchange}` with key `{routing_key}` was not confirmed within {timeout:?}"
    )]
    ConfirmTimeout {
        exchange: String,
        routing_key: String,
        timeout: Duration,
    },
    #[error("no queue takes messages for `{exchange}` with key `{routing_key}`: the broker returned it ({reply_code} {reply_text}); is the queue declared?")]
    Unroutable {
        exchange: String,
        routing_key: String,
        reply_code: u16,
        reply_text: String,
    },
    #[error("broker refused the message for `{exchange}` with key `{routing_key}` (nack)")]
    Nacked {
        exchange: String,
        routing_key: String,
    },
    #[error("the broker ended the consumer of `{queue}`")]
    ConsumerEnded { queue: String },
    #[error("cancelled")]
    Cancelled,
    #[error("reading the dead-letter log `resingest.dead.log`: {0}")]
    DeadLog(String),
}

impl AmqpError {
    /// What to fix when retrying can never help: the url does not parse, the broker refused
    /// the credentials, or the vhost does not exist (or the user may not use it). `None` for
    /// everything a later attempt may get past (broker down, connection lost, ...).
    pub fn setting_problem(&self) -> Option<&'static str> {
        use lapin::protocol::{AMQPErrorKind, AMQPHardError, AMQPSoftError};
        match self {
            AmqpError::InvalidUrl { .. } => Some("fix the broker url"),
            AmqpError::Connect { cause, .. } => match cause.kind() {
                lapin::ErrorKind::ProtocolError(e) => match e.kind() {
                    AMQPErrorKind::Soft(AMQPSoftError::ACCESSREFUSED) => {
                        Some("the broker refused the user or password: fix them in the broker url")
                    }
                    AMQPErrorKind::Hard(AMQPHardError::NOTALLOWED) => Some(
                        "the vhost does not exist or the user may not use it: create it \
                         (rabbitmqctl add_vhost, set_permissions) or fix the url's path",
                    ),
                    _ => None,
                },
                lapin::ErrorKind::AuthProviderError(_) => {
                    Some("the broker refused the credentials: fix them in the broker url")
                }
                lapin::ErrorKind::InvalidProtocolVersion(_) => {
                    Some("the server at the url does not speak AMQP 0-9-1: is it RabbitMQ?")
                }
                _ => None,
            },
            _ => None,
        }
    }
}

/// The nodes of a broker setting: one URL, or the comma-separated URLs of a cluster's nodes.
pub fn nodes(url: &str) -> Vec<&str> {
    url.split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .collect()
}

/// Time one node gets to accept the connection before the next is tried.
const NODE_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Connects to `url` (`amqp://user:pass@host:port/vhost`, vhost percent-encoded), or to the
/// first node that answers of a comma-separated list (a cluster's nodes: quorum queues are
/// replicated on them, so any live node serves them). The node that answered last is tried
/// first, so a reconnect after its death moves on to the next one at once.
pub async fn connect(url: &str) -> Result<Connection, AmqpError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static LAST: AtomicUsize = AtomicUsize::new(0);
    validate_url(url)?;
    let nodes = nodes(url);
    let first = LAST.load(Ordering::Relaxed) % nodes.len();
    let mut failed = None;
    for k in 0..nodes.len() {
        let i = (first + k) % nodes.len();
        let node = nodes[i];
        let props = ConnectionProperties::default().with_connection_name("resingest".into());
        let attempt = tokio::time::timeout(NODE_CONNECT_TIMEOUT, Connection::connect(node, props));
        let error = match attempt.await {
            Ok(Ok(connection)) => {
                LAST.store(i, Ordering::Relaxed);
                return Ok(connection);
            }
            Ok(Err(cause)) => AmqpError::Connect {
                url: redact(node),
                cause,
            },
            Err(_) => AmqpError::Connect {
                url: redact(node),
                cause: lapin::Error::from(lapin::ErrorKind::IOError(std::sync::Arc::new(
                    std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!("no answer within {} s", NODE_CONNECT_TIMEOUT.as_secs()),
                    ),
                ))),
            },
        };
        // Refused credentials or vhost are the same on every node: no use trying the rest.
        if error.setting_problem().is_some() {
            return Err(error);
        }
        if nodes.len() > 1 {
            tracing::warn!(%error, "broker node unreachable; trying the next");
        }
        failed = Some(error);
    }
    Err(failed.expect("at least one node"))
}

/// Checks that `url` is one lapin can connect to, without connecting: [`AmqpError::InvalidUrl`]
/// (`http://...`, no host, a TLS scheme this build has no TLS for) instead of a connect error
/// that looks like an outage.
pub fn validate_url(url: &str) -> Result<(), AmqpError> {
    let nodes = nodes(url);
    if nodes.is_empty() {
        return Err(AmqpError::InvalidUrl {
            url: redact(url),
            reason: "no broker url".into(),
        });
    }
    nodes.into_iter().try_for_each(validate_node_url)
}

fn validate_node_url(url: &str) -> Result<(), AmqpError> {
    let invalid = |reason: String| AmqpError::InvalidUrl {
        url: redact(url),
        reason,
    };
    let uri: lapin::uri::AMQPUri = url.parse().map_err(invalid)?;
    if uri.scheme != lapin::uri::AMQPScheme::AMQP {
        return Err(invalid(format!(
            "scheme `{}` is not supported, only amqp:// (no TLS in this build)",
            uri.scheme
        )));
    }
    if uri.authority.host.is_empty() {
        return Err(invalid("no host".into()));
    }
    Ok(())
}

/// Declares every exchange, queue and binding of `topology`. Idempotent: declaring again with
/// the same arguments is a no-op on the broker; different arguments close the channel with
/// PRECONDITION_FAILED, reported as [`AmqpError::Declare`].
pub async fn declare_topology(channel: &Channel, topology: &Topology) -> Result<(), AmqpError> {
    for ex in &topology.exchanges {
        let kind = match ex.kind {
            ExchangeKind::Direct => lapin::ExchangeKind::Direct,
            ExchangeKind::Fanout => lapin::ExchangeKind::Fanout,
        };
        let options = ExchangeDeclareOptions {
            durable: true,
            ..Default::default()
        };
        channel
            .exchange_declare(
                ex.name.as_str().into(),
                kind,
                options,
                FieldTable::default(),
            )
            .await
            .map_err(|source| AmqpError::Declare {
                what: "exchange",
                name: ex.name.clone(),
                source,
            })?;
    }
    for q in &topology.queues {
        channel
            .queue_declare(
                q.name.as_str().into(),
                QueueDeclareOptions::durable(),
                table::to_field_table(&q.arguments),
            )
            .await
            .map_err(|source| AmqpError::Declare {
                what: "queue",
                name: q.name.clone(),
                source,
            })?;
        for (exchange, key) in &q.bindings {
            channel
                .queue_bind(
                    q.name.as_str().into(),
                    exchange.as_str().into(),
                    key.as_str().into(),
                    QueueBindOptions::default(),
                    FieldTable::default(),
                )
                .await
                .map_err(|source| AmqpError::Declare {
                    what: "binding of queue",
                    name: q.name.clone(),
                    source,
                })?;
        }
    }
    Ok(())
}

/// Publishes persistent messages back to back, then waits up to `timeout` in all for every
/// confirm: one round trip for a batch instead of one per message. Publishes are `mandatory`:
/// a message no queue takes comes back as [`AmqpError::Unroutable`] instead of being confirmed
/// and dropped.
pub async fn publish_all_confirmed(
    channel: &Channel,
    exchange: &str,
    routing_key: &str,
    messages: &[(&[u8], BasicProperties)],
    timeout: Duration,
) -> Result<(), AmqpError> {
    publish_all(channel, exchange, routing_key, messages, timeout, true).await
}

/// Like [`publish_all_confirmed`] for broadcasts (a fanout of events): without listeners the
/// broker may drop them, and that is no error.
pub async fn publish_all_confirmed_broadcast(
    channel: &Channel,
    exchange: &str,
    routing_key: &str,
    messages: &[(&[u8], BasicProperties)],
    timeout: Duration,
) -> Result<(), AmqpError> {
    publish_all(channel, exchange, routing_key, messages, timeout, false).await
}

async fn publish_all(
    channel: &Channel,
    exchange: &str,
    routing_key: &str,
    messages: &[(&[u8], BasicProperties)],
    timeout: Duration,
    mandatory: bool,
) -> Result<(), AmqpError> {
    let wait = async {
        let mut confirms = Vec::new();
        for (body, properties) in messages {
            let properties = properties.clone().with_delivery_mode(2);
            confirms.push(
                channel
                    .basic_publish(
                        exchange.into(),
                        routing_key.into(),
                        BasicPublishOptions {
                            mandatory,
                            ..BasicPublishOptions::default()
                        },
                        body,
                        properties,
                    )
                    .await?,
            );
        }
        let mut nacked = false;
        let mut returned = None;
        for confirm in confirms {
            let confirmation = confirm.await?;
            nacked |= confirmation.is_nack();
            if let Some(r) = confirmation.take_message() {
                returned.get_or_insert((r.reply_code, r.reply_text.to_string()));
            }
        }
        Ok::<_, lapin::Error>((nacked, returned))
    };
    match tokio::time::timeout(timeout, wait).await {
        Err(_) => Err(AmqpError::ConfirmTimeout {
            exchange: exchange.into(),
            routing_key: routing_key.into(),
            timeout,
        }),
        Ok(Err(e)) => Err(AmqpError::Channel(e)),
        Ok(Ok((_, Some((reply_code, reply_text))))) => Err(AmqpError::Unroutable {
            exchange: exchange.into(),
            routing_key: routing_key.into(),
            reply_code,
            reply_text,
        }),
        Ok(Ok((true, None))) => Err(AmqpError::Nacked {
            exchange: exchange.into(),
            routing_key: routing_key.into(),
        }),
        Ok(Ok((false, None))) => Ok(()),
    }
}

/// Publishes one persistent message and waits up to `timeout` for the broker's confirm.
/// The channel must be in confirm mode (a [`Session`] channel is).
pub async fn publish_confirmed(
    channel: &Channel,
    exchange: &str,
    routing_key: &str,
    body: &[u8],
    properties: BasicProperties,
    timeout: Duration,
) -> Result<(), AmqpError> {
    publish_all_confirmed(
        channel,
        exchange,
        routing_key,
        &[(body, properties)],
        timeout,
    )
    .await
}

/// What every channel of a role is set up with.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub url: String,
    /// Unacknowledged deliveries the broker sends this channel at most (`basic_qos`); 0 = none
    /// requested (unbounded), so keep it above 0 for consumers.
    pub prefetch: u16,
    pub topology: Topology,
}

/// A connection and its one channel, in confirm mode, with qos applied and topology declared.
/// The connection is shared so that tasks can open a channel of their own on it
/// ([`confirm_channel`]).
pub struct Session {
    pub connection: std::sync::Arc<Connection>,
    pub channel: Channel,
}

/// A new channel on `connection` in confirm mode, for publishing only.
///
/// A channel remembers which node led each quorum queue when it first published to it. One
/// opened while a queue was electing a new leader (its old node just died) can keep that dead
/// leader and have RabbitMQ nack every publish on it until the channel closes (3.10: the
/// enqueuer registration fails with `nodedown` and is retried against the same node); the
/// next channel asks the queue's record afresh. So a nacked publish is retried on a new one.
pub async fn confirm_channel(connection: &Connection) -> Result<Channel, AmqpError> {
    let channel = connection.create_channel().await?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await?;
    Ok(channel)
}

impl Session {
    /// Connects once and sets the channel up.
    pub async fn open(config: &SessionConfig) -> Result<Session, AmqpError> {
        let connection = connect(&config.url).await?;
        let channel = confirm_channel(&connection).await?;
        if config.prefetch > 0 {
            channel
                .basic_qos(config.prefetch, BasicQosOptions::default())
                .await?;
        }
        declare_topology(&channel, &config.topology).await?;
        Ok(Session {
            connection: std::sync::Arc::new(connection),
            channel,
        })
    }

    /// Like [`Session::open`], retrying with jittered exponential backoff until it succeeds or
    /// `cancel` fires ([`AmqpError::Cancelled`]). Declare errors are retried too: they are
    /// logged, and an operator can fix the broker while the role waits. A setting that can
    /// never work ([`AmqpError::setting_problem`]) is returned at once, not retried.
    pub async fn open_with_retry(
        config: &SessionConfig,
        backoff: &mut Backoff,
        cancel: &CancellationToken,
    ) -> Result<Session, AmqpError> {
        loop {
            match Session::open(config).await {
                Ok(s) => {
                    backoff.reset();
                    return Ok(s);
                }
                Err(error) if error.setting_problem().is_some() => return Err(error),
                Err(error) => {
                    let wait = backoff.next_delay();
                    tracing::warn!(%error, retry_in_ms = wait.as_millis() as u64, "broker session failed");
                    tokio::select! {
                        _ = cancel.cancelled() => return Err(AmqpError::Cancelled),
                        _ = tokio::time::sleep(wait) => {}
                    }
                }
            }
        }
    }

    /// Closes the channel and the connection, ignoring errors of an already dead connection.
    pub async fn close(self) {
        let _ = self.channel.close(200, "bye".into()).await;
        let _ = self.connection.close(200, "bye".into()).await;
    }
}

/// One broker session's work for [`run_sessions`].
pub trait SessionWork {
    /// Works on `session` (the `number`th, from 1) until the role is done (`Ok`: shutdown) or
    /// the session is lost (`Err`: the channel or consumer failed). What this session held
    /// unacked goes back to the broker when it closes.
    fn work(
        &mut self,
        session: &Session,
        number: u64,
    ) -> impl std::future::Future<Output = Result<(), AmqpError>> + Send;
}

/// Opens a [`Session`] (waiting out a broker that is down), hands it to `work`, closes it, and
/// when the session was lost opens the next one after a backoff, until `work` says it is done
/// or `shutdown` fires while waiting. lapin's own recovery is not used, because it does not
/// replay `basic_qos`: a fresh session applies it, and declares the topology, every time.
/// Only a setting that can never work ends it with an error.
pub async fn run_sessions(
    config: &SessionConfig,
    shutdown: &CancellationToken,
    work: &mut impl SessionWork,
) -> Result<(), AmqpError> {
    let mut backoff = Backoff::default();
    let mut number = 0;
    loop {
        let session = match Session::open_with_retry(config, &mut backoff, shutdown).await {
            Ok(s) => s,
            Err(AmqpError::Cancelled) => return Ok(()),
            Err(e) => return Err(e),
        };
        number += 1;
        let result = work.work(&session, number).await;
        session.close().await;
        match result {
            Ok(()) => return Ok(()),
            Err(error) => {
                tracing::warn!(%error, "broker session lost; reconnecting");
                tokio::select! {
                    _ = shutdown.cancelled() => return Ok(()),
                    _ = tokio::time::sleep(backoff.next_delay()) => {}
                }
            }
        }
    }
}

/// `url` without its password, for logs and errors.
pub fn redact(url: &str) -> String {
    if url.contains(',') {
        return nodes(url)
            .into_iter()
            .map(redact)
            .collect::<Vec<_>>()
            .join(",");
    }
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redact_hides_the_password_only() {
        assert_eq!(
            super::redact("amqp://guest:secret@127.0.0.1:5672/v"),
            "amqp://guest:***@127.0.0.1:5672/v"
        );
        assert_eq!(super::redact("amqp://127.0.0.1"), "amqp://127.0.0.1");
        assert_eq!(
            super::redact("amqp://g:s1@h1/v,amqp://g:s2@h2/v"),
            "amqp://g:***@h1/v,amqp://g:***@h2/v"
        );
    }

    #[test]
    fn urls_that_can_never_connect_are_refused_before_connecting() {
        for url in ["http://x", "amqps://h/%2f", "not a url"] {
            let err = super::validate_url(url).expect_err(url);
            assert!(err.setting_problem().is_some(), "{url}: {err}");
        }
        super::validate_url("amqp://guest:guest@127.0.0.1:5672/%2f").unwrap();
        // A cluster: every node's url is checked.
        super::validate_url("amqp://g:g@127.0.0.1:5681/v, amqp://g:g@127.0.0.1:5682/v").unwrap();
        let err = super::validate_url("amqp://g:g@127.0.0.1:5681/v,http://x").unwrap_err();
        assert!(err.setting_problem().is_some(), "{err}");
        assert!(super::validate_url(" , ").is_err());
    }
}
