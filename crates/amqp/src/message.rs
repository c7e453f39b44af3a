//! The wire format of every resingest message, both ways: how a PDF becomes a persistent
//! message on `resingest.documents` (inline body, or a claim check into the archive above the
//! inline limit), how a result travels on `resingest.extracted`, and how a consumer reads the
//! envelope, the body, the attempt count and the dead-letter reason back. The fetcher, the
//! `publish` command, the worker, the sink and `dlq` all go through here.
//!
//! `message_id` is the PDF's sha256; the envelope headers carry the rest
//! ([`resingest_model::topology::Envelope`]).

use crate::table;
use lapin::types::{AMQPValue, FieldTable, ShortString};
use lapin::BasicProperties;
pub use resingest_archive::sha256_hex;
use resingest_archive::{Archive, ArchiveError};
use resingest_model::archive::{self as conventions, CONTENT_TYPE_CLAIM_CHECK};
use resingest_model::topology::{headers, ArgValue, Envelope, CONTENT_TYPE_PDF};

/// What a document message's body holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body<'a> {
    /// The PDF itself.
    Inline(&'a [u8]),
    /// The archive key of the PDF.
    ClaimCheck(String),
}

/// The body and properties of a document message for `pdf`. Above `inline_limit` the PDF goes
/// to `archive` and the message carries its key; without an archive that is an error.
/// `envelope.sha256` is filled from the bytes.
pub async fn to_message(
    pdf: &[u8],
    mut envelope: Envelope,
    inline_limit: u64,
    archive: Option<&Archive>,
) -> Result<(Vec<u8>, BasicProperties), ArchiveError> {
    envelope.sha256 = sha256_hex(pdf);
    if !conventions::inline(pdf.len() as u64, inline_limit) {
        let archive = archive.ok_or_else(|| ArchiveError::Url {
            url: String::new(),
            detail: format!(
                "a {}-byte PDF is over the inline limit of {inline_limit} bytes and needs an archive",
                pdf.len()
            ),
        })?;
        envelope.archive_key = Some(archive.put(pdf).await?);
    }
    let (body, properties) = message(&envelope, pdf, inline_limit);
    Ok((body.to_vec(), properties))
}

/// The body and properties of a document message for `pdf` whose archive key, when it travels
/// as a claim check, is already in `envelope` (the fetcher archives every PDF first).
pub fn message<'a>(
    envelope: &Envelope,
    pdf: &'a [u8],
    inline_limit: u64,
) -> (&'a [u8], BasicProperties) {
    if conventions::inline(pdf.len() as u64, inline_limit) {
        (pdf, properties(envelope, CONTENT_TYPE_PDF))
    } else {
        (&[][..], properties(envelope, CONTENT_TYPE_CLAIM_CHECK))
    }
}

/// Persistent properties with `message_id` = sha256 and the envelope as headers.
pub fn properties(envelope: &Envelope, content_type: &str) -> BasicProperties {
    BasicProperties::default()
        .with_content_type(content_type.into())
        .with_message_id(envelope.sha256.as_str().into())
        .with_delivery_mode(2)
        .with_headers(table::to_field_table(&envelope.headers()))
}

/// The envelope of a received message.
pub fn envelope_of(properties: &BasicProperties) -> Envelope {
    let message_id = properties.message_id().as_ref().map(ShortString::as_str);
    match properties.headers() {
        Some(h) => Envelope::from_headers(message_id, table::from_field_table(h)),
        None => Envelope::from_headers(message_id, []),
    }
}

/// Reads what `data` holds from the content type and the archive-key header.
pub fn body_of<'a>(properties: &BasicProperties, data: &'a [u8]) -> Body<'a> {
    let claim = properties
        .content_type()
        .as_ref()
        .is_some_and(|c| c.as_str() == CONTENT_TYPE_CLAIM_CHECK);
    if claim {
        Body::ClaimCheck(envelope_of(properties).archive_key.unwrap_or_default())
    } else {
        Body::Inline(data)
    }
}

/// A string header of `properties`, if present.
pub fn header_str(properties: &BasicProperties, name: &str) -> Option<String> {
    match header(properties, name)? {
        ArgValue::Str(s) => Some(s),
        _ => None,
    }
}

/// An integer header of `properties` of any width, if present (RabbitMQ's `x-delivery-count`).
pub fn header_int(properties: &BasicProperties, name: &str) -> Option<i64> {
    match header(properties, name)? {
        ArgValue::Int(i) => Some(i),
        _ => None,
    }
}

fn header(properties: &BasicProperties, name: &str) -> Option<ArgValue> {
    table::value_of(properties.headers().as_ref()?.inner().get(name)?)
}

/// Real attempts made at the document so far ([`headers::ATTEMPTS`]; 0 when absent).
pub fn attempts(properties: &BasicProperties) -> u32 {
    header_int(properties, headers::ATTEMPTS)
        .and_then(|a| u32::try_from(a).ok())
        .unwrap_or(0)
}

/// `properties` with [`headers::ATTEMPTS`] set to `attempts`, for a republish after a failed
/// attempt.
pub fn with_attempts(properties: &BasicProperties, attempts: u32) -> BasicProperties {
    let mut table = properties.headers().clone().unwrap_or_default();
    table.insert(
        headers::ATTEMPTS.into(),
        AMQPValue::LongLongInt(i64::from(attempts)),
    );
    properties.clone().with_headers(table)
}

/// `properties` with the dead-letter reason added, for a republish to the dead queue.
pub fn with_error(properties: &BasicProperties, kind: &str, error: &str) -> BasicProperties {
    let mut table = properties.headers().clone().unwrap_or_default();
    table.insert(headers::ERROR.into(), AMQPValue::LongString(error.into()));
    table.insert(
        headers::ERROR_KIND.into(),
        AMQPValue::LongString(kind.into()),
    );
    properties.clone().with_headers(table)
}

/// Headers the broker and the worker add on the way to a dead-letter queue; a replay drops
/// them so the message starts its life again.
pub const DEAD_LETTER_HEADERS: [&str; 10] = [
    headers::ERROR,
    headers::ERROR_KIND,
    headers::ATTEMPTS,
    "x-death",
    "x-delivery-count",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
    "x-last-death-exchange",
    "x-last-death-queue",
];

/// `properties` without [`DEAD_LETTER_HEADERS`] (and `x-last-death-reason`).
pub fn without_dead_letter_headers(properties: &BasicProperties) -> BasicProperties {
    let mut table = FieldTable::default();
    if let Some(h) = properties.headers() {
        for (k, v) in h.inner() {
            let k = k.as_str();
            if !DEAD_LETTER_HEADERS.contains(&k) && k != "x-last-death-reason" {
                table.insert(k.into(), v.clone());
            }
        }
    }
    properties.clone().with_headers(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope() -> Envelope {
        Envelope {
            symbol: Some("A/RES/78/1".into()),
            language: Some("en".into()),
            ..Envelope::default()
        }
    }

    #[tokio::test]
    async fn small_pdfs_go_inline_with_their_sha256_as_message_id() {
        let (body, props) = to_message(b"%PDF-1.7 small", envelope(), 100, None)
            .await
            .unwrap();
        assert_eq!(body, b"%PDF-1.7 small");
        assert_eq!(body_of(&props, &body), Body::Inline(b"%PDF-1.7 small"));
        let env = envelope_of(&props);
        assert_eq!(env.sha256, sha256_hex(b"%PDF-1.7 small"));
        assert_eq!(env.symbol.as_deref(), Some("A/RES/78/1"));
        assert_eq!(props.delivery_mode(), &Some(2));
    }

    #[tokio::test]
    async fn large_pdfs_travel_as_a_claim_check_into_the_archive() {
        let archive = Archive::in_memory();
        let pdf = vec![b'x'; 101];
        let (body, props) = to_message(&pdf, envelope(), 100, Some(&archive))
            .await
            .unwrap();
        assert!(body.is_empty());
        let Body::ClaimCheck(key) = body_of(&props, &body) else {
            panic!("expected a claim check");
        };
        assert_eq!(archive.get(&key).await.unwrap(), pdf);
        assert!(to_message(&pdf, envelope(), 100, None).await.is_err());
    }

    #[test]
    fn dead_letter_headers_are_added_then_stripped_for_replay() {
        let props = properties(&envelope(), CONTENT_TYPE_PDF);
        let dead = with_error(
            &with_attempts(&props, 2),
            "corrupt",
            "corrupt or truncated PDF: x",
        );
        assert_eq!(attempts(&dead), 2);
        assert_eq!(
            header_str(&dead, headers::ERROR_KIND).as_deref(),
            Some("corrupt")
        );
        let back = without_dead_letter_headers(&dead);
        assert_eq!(header_str(&back, headers::ERROR_KIND), None);
        assert_eq!(attempts(&back), 0, "a replay starts its attempts again");
        assert_eq!(
            header_str(&back, headers::SYMBOL).as_deref(),
            Some("A/RES/78/1")
        );
    }
}
