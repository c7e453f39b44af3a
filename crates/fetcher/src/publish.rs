//! Publishing a document on `resingest.documents` with a publisher confirm, in the one wire
//! format ([`resingest_amqp::message`]): persistent, `message_id` = sha256, the envelope as
//! headers, the PDF inline up to the inline limit and a claim check above it. The fetcher
//! archives every PDF first, so the archive key always travels in the headers.

use std::time::Duration;

use resingest_amqp::{message, publish_confirmed, Session, SessionConfig};
use resingest_model::topology::{self, Envelope, Topology};
use tokio::sync::Mutex;

use crate::FetchError;

/// One broker session, opened on first use and reopened after a failure.
pub struct Publisher {
    config: SessionConfig,
    session: Mutex<Option<Session>>,
    timeout: Duration,
    inline_limit: u64,
}

impl Publisher {
    pub fn new(
        amqp_url: &str,
        delivery_limit: u32,
        timeout: Duration,
        inline_limit: u64,
    ) -> Publisher {
        Publisher {
            config: SessionConfig {
                url: amqp_url.into(),
                prefetch: 0,
                topology: Topology::standard(delivery_limit),
            },
            session: Mutex::new(None),
            timeout,
            inline_limit,
        }
    }

    /// Publishes `pdf` with `envelope` (its `archive_key` set) and returns once the broker
    /// confirmed it. A failed try reopens the session and tries once more.
    pub async fn publish(&self, envelope: &Envelope, pdf: &[u8]) -> Result<(), FetchError> {
        let (body, properties) = message::message(envelope, pdf, self.inline_limit);
        let mut guard = self.session.lock().await;
        let mut last = None;
        for _ in 0..2 {
            if guard.is_none() {
                match Session::open(&self.config).await {
                    Ok(s) => *guard = Some(s),
                    Err(e) => {
                        last = Some(e);
                        continue;
                    }
                }
            }
            let session = guard.as_ref().expect("opened above");
            match publish_confirmed(
                &session.channel,
                topology::EXCHANGE,
                topology::DOCUMENTS,
                body,
                properties.clone(),
                self.timeout,
            )
            .await
            {
                Ok(()) => return Ok(()),
                Err(e) => {
                    tracing::warn!(error = %e, sha256 = %envelope.sha256, "publish failed, reopening the broker session");
                    if let Some(s) = guard.take() {
                        s.close().await;
                    }
                    last = Some(e);
                }
            }
        }
        Err(last.expect("two failed tries").into())
    }

    pub async fn close(&self) {
        if let Some(s) = self.session.lock().await.take() {
            s.close().await;
        }
    }
}
