//! Publishing a document on `resingest.documents` with a publisher confirm. The message format
//! is the worker's (`resingest_worker::document`): persistent, `message_id` = sha256, the
//! envelope as headers, the PDF inline up to the inline limit and a claim check above it. The
//! fetcher archives every PDF first, so the archive key always travels in the headers.

use std::time::Duration;

use lapin::BasicProperties;
use resingest_amqp::{publish_confirmed, table, Session, SessionConfig};
use resingest_model::archive::{self as conventions, CONTENT_TYPE_CLAIM_CHECK};
use resingest_model::topology::{self, Envelope, Topology, CONTENT_TYPE_PDF};
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
        let (body, properties) = message(envelope, pdf, self.inline_limit);
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

/// The body and properties of a document message.
pub fn message<'a>(
    envelope: &Envelope,
    pdf: &'a [u8],
    inline_limit: u64,
) -> (&'a [u8], BasicProperties) {
    let (body, content_type) = if conventions::inline(pdf.len() as u64, inline_limit) {
        (pdf, CONTENT_TYPE_PDF)
    } else {
        (&[][..], CONTENT_TYPE_CLAIM_CHECK)
    };
    let properties = BasicProperties::default()
        .with_content_type(content_type.into())
        .with_message_id(envelope.sha256.as_str().into())
        .with_delivery_mode(2)
        .with_headers(table::to_field_table(&envelope.headers()));
    (body, properties)
}
