//! The broker topology and the message envelope, as plain data.
//!
//! Every role declares the same exchanges and queues from [`Topology::standard`] and reads and
//! writes the same headers ([`Envelope`]), so the names live here once. This module owns names
//! and argument tables only; it must never depend on an AMQP client: `resingest-amqp` turns
//! these tables into lapin's `FieldTable`.
//!
//! Flow: the fetcher publishes PDFs to [`EXCHANGE`] with routing key [`DOCUMENTS`]; the worker
//! consumes them and publishes resolution JSON with routing key [`EXTRACTED`]; the sink consumes
//! that and announces each stored resolution on the fanout [`EVENTS`]. A message that fails for
//! good, or is delivered more than the delivery limit, is dead-lettered through [`DEAD_EXCHANGE`]
//! into `<queue>.dead`.

use serde::{Deserialize, Serialize};

/// Durable direct exchange the pipeline publishes work to; routing key = queue name.
pub const EXCHANGE: &str = "resingest";
/// Durable direct exchange dead letters go through; routing key = dead queue name.
pub const DEAD_EXCHANGE: &str = "resingest.dead";
/// Durable fanout exchange announcing stored resolutions ([`ResolutionStored`]).
pub const EVENTS: &str = "resingest.events";
/// Quorum queue of fetched PDFs (body: the PDF bytes).
pub const DOCUMENTS: &str = "resingest.documents";
/// Quorum queue of extracted resolutions (body: the [`crate::Resolution`] JSON).
pub const EXTRACTED: &str = "resingest.extracted";
/// Dead letters of [`DOCUMENTS`].
pub const DOCUMENTS_DEAD: &str = "resingest.documents.dead";
/// Dead letters of [`EXTRACTED`].
pub const EXTRACTED_DEAD: &str = "resingest.extracted.dead";
/// Stream every dead letter is also routed to, for reading them without changing them: a read
/// of a quorum queue that does not remove the message (`basic.get` then a requeue or a channel
/// close) counts a delivery on RabbitMQ 3.x and 4.x alike, a read of a stream changes nothing.
/// `dlq replay` appends a tombstone for each letter it took out of a dead queue. The dead
/// queues stay what is dead (the replay source, the queue-depth panels and alerts); the log is
/// their readable copy.
pub const DEAD_LOG: &str = "resingest.dead.log";
/// Retention of [`DEAD_LOG`]: bytes the stream keeps before it drops its oldest segments (a dead
/// PDF travels whole). `dlq list` compares what the log lists with what the dead queues hold
/// and says so when retention (or a hand purge) made them disagree.
pub const DEAD_LOG_MAX_BYTES: i64 = 20 << 30;
/// Real attempts at one message before it is dead-lettered: a consumer that failed on it in a
/// way that may be the message's fault (an extraction child that crashed) counts one in the
/// message's own [`headers::ATTEMPTS`] and republishes it. `RESINGEST_DELIVERY_LIMIT`.
pub const DEFAULT_DELIVERY_LIMIT: u32 = 5;
/// Broker returns a work queue tolerates per real attempt. A quorum queue counts a delivery
/// for every message a consumer held unacked when its channel closed (a restart, SIGKILL, the
/// OOM killer, a lost connection), whether it was ever attempted or not; those must not burn
/// the attempts, so the broker's `x-delivery-limit` is this many times the attempt limit and
/// only stops a message that keeps killing whole consumer processes.
pub const RETURNS_PER_ATTEMPT: u32 = 4;
/// The broker's `x-delivery-limit` on the dead queues: listing dead letters on a broker that
/// counts every read as a delivery must never make the broker drop them (RabbitMQ 4 gives
/// every quorum queue a limit of 20 unless one is declared).
pub const DEAD_QUEUE_DELIVERY_LIMIT: i64 = 1_000_000;

/// Largest message body a role publishes: RabbitMQ's default `max_message_size` (128 MiB) less
/// room for properties and headers. A bigger publish makes the broker close the channel, which
/// hands back everything in flight on it; a result over this is dead-lettered instead.
pub const MAX_MESSAGE_BYTES: u64 = (128 << 20) - (1 << 20);

/// The `x-delivery-limit` of the work queues for `delivery_limit` real attempts.
pub fn broker_delivery_limit(delivery_limit: u32) -> i64 {
    i64::from(delivery_limit.max(1)) * i64::from(RETURNS_PER_ATTEMPT)
}

/// Content type of a [`DOCUMENTS`] message.
pub const CONTENT_TYPE_PDF: &str = "application/pdf";
/// Content type of an [`EXTRACTED`] message and of an event.
pub const CONTENT_TYPE_JSON: &str = "application/json";

/// A value in an AMQP argument or header table; the subset the topology and envelope use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgValue {
    Str(String),
    Int(i64),
    Bool(bool),
}

impl ArgValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ArgValue::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            ArgValue::Int(i) => Some(*i),
            _ => None,
        }
    }
}

impl From<&str> for ArgValue {
    fn from(s: &str) -> Self {
        ArgValue::Str(s.to_owned())
    }
}

impl From<String> for ArgValue {
    fn from(s: String) -> Self {
        ArgValue::Str(s)
    }
}

impl From<i64> for ArgValue {
    fn from(i: i64) -> Self {
        ArgValue::Int(i)
    }
}

/// An argument or header table: `(name, value)` pairs in declaration order.
pub type ArgTable = Vec<(String, ArgValue)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExchangeKind {
    Direct,
    Fanout,
}

/// A durable exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeSpec {
    pub name: String,
    pub kind: ExchangeKind,
}

/// A durable queue, its arguments and the exchange bindings it takes messages from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSpec {
    pub name: String,
    pub arguments: ArgTable,
    /// `(exchange, routing key)` pairs.
    pub bindings: Vec<(String, String)>,
}

impl QueueSpec {
    /// The argument named `key`, if declared.
    pub fn argument(&self, key: &str) -> Option<&ArgValue> {
        self.arguments
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// `x-queue-type` as declared (`quorum`, `stream`).
    pub fn queue_type(&self) -> Option<&str> {
        self.argument("x-queue-type").and_then(ArgValue::as_str)
    }
}

/// Everything a role declares before it publishes or consumes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    pub exchanges: Vec<ExchangeSpec>,
    pub queues: Vec<QueueSpec>,
}

impl Topology {
    /// The pipeline's topology (issues 5 and 7) with `delivery_limit` real attempts per message.
    /// The one place queue arguments are decided: every role declares exactly this, from the
    /// same `RESINGEST_DELIVERY_LIMIT`, or the broker refuses the declaration.
    ///
    /// Work queues are quorum queues dead-lettering `at-least-once`, which RabbitMQ only honours
    /// with `x-overflow: reject-publish`; the default `at-most-once` can lose dead letters. Their
    /// `x-delivery-limit` is [`broker_delivery_limit`]: channel deaths are not attempts.
    pub fn standard(delivery_limit: u32) -> Topology {
        let exchange = |name: &str, kind| ExchangeSpec {
            name: name.into(),
            kind,
        };
        let dead_queue = |name: &str| QueueSpec {
            name: name.into(),
            arguments: vec![
                ("x-queue-type".into(), "quorum".into()),
                ("x-delivery-limit".into(), DEAD_QUEUE_DELIVERY_LIMIT.into()),
            ],
            bindings: vec![(DEAD_EXCHANGE.into(), name.into())],
        };
        let work_queue = |name: &str, dead: &str| QueueSpec {
            name: name.into(),
            arguments: vec![
                ("x-queue-type".into(), "quorum".into()),
                ("x-dead-letter-exchange".into(), DEAD_EXCHANGE.into()),
                ("x-dead-letter-routing-key".into(), dead.into()),
                ("x-dead-letter-strategy".into(), "at-least-once".into()),
                ("x-overflow".into(), "reject-publish".into()),
                (
                    "x-delivery-limit".into(),
                    broker_delivery_limit(delivery_limit).into(),
                ),
            ],
            bindings: vec![(EXCHANGE.into(), name.into())],
        };
        let dead_log = QueueSpec {
            name: DEAD_LOG.into(),
            arguments: vec![
                ("x-queue-type".into(), "stream".into()),
                ("x-max-length-bytes".into(), DEAD_LOG_MAX_BYTES.into()),
            ],
            bindings: [DOCUMENTS_DEAD, EXTRACTED_DEAD]
                .iter()
                .map(|dead| (DEAD_EXCHANGE.into(), (*dead).into()))
                .collect(),
        };
        Topology {
            exchanges: vec![
                exchange(EXCHANGE, ExchangeKind::Direct),
                exchange(DEAD_EXCHANGE, ExchangeKind::Direct),
                exchange(EVENTS, ExchangeKind::Fanout),
            ],
            queues: vec![
                dead_queue(DOCUMENTS_DEAD),
                dead_queue(EXTRACTED_DEAD),
                work_queue(DOCUMENTS, DOCUMENTS_DEAD),
                work_queue(EXTRACTED, EXTRACTED_DEAD),
                dead_log,
            ],
        }
    }

    pub fn queue(&self, name: &str) -> Option<&QueueSpec> {
        self.queues.iter().find(|q| q.name == name)
    }
}

impl Default for Topology {
    fn default() -> Self {
        Topology::standard(DEFAULT_DELIVERY_LIMIT)
    }
}

/// Header names of the envelope. The source sha256 travels as the AMQP `message_id`.
pub mod headers {
    pub const SYMBOL: &str = "x-resingest-symbol";
    pub const LANGUAGE: &str = "x-resingest-language";
    pub const SOURCE_URL: &str = "x-resingest-source-url";
    /// RFC 3339 time the fetcher downloaded the PDF; the sink measures end-to-end latency from it.
    pub const FETCHED_AT: &str = "x-resingest-fetched-at";
    pub const SCHEMA_VERSION: &str = "x-resingest-schema-version";
    /// Where the fetcher archived the PDF, if it did.
    pub const ARCHIVE_KEY: &str = "x-resingest-archive-key";
    /// On a dead letter: what went wrong, for a person.
    pub const ERROR: &str = "x-resingest-error";
    /// On a dead letter: the failure's class, a bounded set (`invalid_json`, `database`, ...).
    pub const ERROR_KIND: &str = "x-resingest-error-kind";
    /// Real attempts already made at this message (absent: none). Set by the consumer that
    /// failed on it when it republishes it; the broker's `x-delivery-count` also counts
    /// channel deaths and so is not an attempt count.
    pub const ATTEMPTS: &str = "x-resingest-attempts";
}

/// What travels in the headers (and `message_id`) of a documents or extracted message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Lowercase hex sha256 of the source PDF; sent as the AMQP `message_id`.
    pub sha256: String,
    pub symbol: Option<String>,
    pub language: Option<String>,
    pub source_url: Option<String>,
    /// RFC 3339.
    pub fetched_at: Option<String>,
    pub schema_version: Option<u32>,
    pub archive_key: Option<String>,
}

impl Envelope {
    /// The headers to send (everything but `sha256`, which is the `message_id`).
    pub fn headers(&self) -> ArgTable {
        let mut table = ArgTable::new();
        let strings = [
            (headers::SYMBOL, &self.symbol),
            (headers::LANGUAGE, &self.language),
            (headers::SOURCE_URL, &self.source_url),
            (headers::FETCHED_AT, &self.fetched_at),
            (headers::ARCHIVE_KEY, &self.archive_key),
        ];
        for (name, value) in strings {
            if let Some(v) = value {
                table.push((name.into(), v.as_str().into()));
            }
        }
        if let Some(v) = self.schema_version {
            table.push((headers::SCHEMA_VERSION.into(), i64::from(v).into()));
        }
        table
    }

    /// Reads an envelope back from `message_id` and headers; unknown headers are ignored.
    pub fn from_headers<'a>(
        message_id: Option<&str>,
        table: impl IntoIterator<Item = (&'a str, ArgValue)>,
    ) -> Envelope {
        let mut env = Envelope {
            sha256: message_id.unwrap_or_default().to_owned(),
            ..Envelope::default()
        };
        for (name, value) in table {
            let text = value.as_str().map(str::to_owned);
            match name {
                headers::SYMBOL => env.symbol = text,
                headers::LANGUAGE => env.language = text,
                headers::SOURCE_URL => env.source_url = text,
                headers::FETCHED_AT => env.fetched_at = text,
                headers::ARCHIVE_KEY => env.archive_key = text,
                headers::SCHEMA_VERSION => {
                    env.schema_version = value.as_int().and_then(|i| u32::try_from(i).ok())
                }
                _ => {}
            }
        }
        env
    }
}

/// The body of an event on [`EVENTS`]: one resolution was stored or replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionStored {
    pub symbol: String,
    pub language: String,
    /// 1 for the first stored text of this symbol and language, +1 with each replacement.
    pub version: u32,
    pub sha256: String,
    pub extractor_version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_queues_dead_letter_at_least_once_with_reject_publish() {
        let t = Topology::standard(7);
        for (q, dead) in [(DOCUMENTS, DOCUMENTS_DEAD), (EXTRACTED, EXTRACTED_DEAD)] {
            let q = t.queue(q).unwrap();
            assert_eq!(
                q.argument("x-dead-letter-strategy"),
                Some(&"at-least-once".into())
            );
            assert_eq!(q.argument("x-overflow"), Some(&"reject-publish".into()));
            assert_eq!(q.argument("x-delivery-limit"), Some(&ArgValue::Int(28)));
            assert_eq!(q.argument("x-dead-letter-routing-key"), Some(&dead.into()));
            let dead = t.queue(dead).unwrap();
            assert_eq!(
                dead.argument("x-delivery-limit"),
                Some(&ArgValue::Int(DEAD_QUEUE_DELIVERY_LIMIT))
            );
        }
    }

    #[test]
    fn every_dead_letter_route_also_reaches_the_dead_log() {
        let t = Topology::standard(5);
        let log = t.queue(DEAD_LOG).unwrap();
        assert_eq!(log.queue_type(), Some("stream"));
        for q in t.queues.iter().filter(|q| q.name.ends_with(".dead")) {
            for binding in &q.bindings {
                assert!(log.bindings.contains(binding), "{binding:?} misses the log");
            }
        }
    }

    #[test]
    fn envelope_round_trips_through_headers() {
        let env = Envelope {
            sha256: "ab".repeat(32),
            symbol: Some("S/RES/2769(2025)".into()),
            language: Some("en".into()),
            source_url: None,
            fetched_at: Some("2025-01-02T03:04:05Z".into()),
            schema_version: Some(1),
            archive_key: None,
        };
        let headers = env.headers();
        let back = Envelope::from_headers(
            Some(&env.sha256),
            headers.iter().map(|(k, v)| (k.as_str(), v.clone())),
        );
        assert_eq!(back, env);
    }
}
