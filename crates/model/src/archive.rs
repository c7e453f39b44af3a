//! The archive's conventions, as plain data: where a PDF is stored (content-addressed by its
//! sha256) and when a document message carries a claim check instead of the PDF itself.
//!
//! The store (object_store: a local folder, S3 or MinIO) lives in `resingest-archive`, because
//! object_store is async and brings tokio; this module must never do I/O.
//!
//! A document message whose body is over [`DEFAULT_INLINE_LIMIT`] is sent with content type
//! [`CONTENT_TYPE_CLAIM_CHECK`], an empty body and the archive key in the
//! [`crate::topology::headers::ARCHIVE_KEY`] header; the consumer fetches the PDF from the archive.

/// Largest PDF sent as the message body; larger ones travel as a claim check.
pub const DEFAULT_INLINE_LIMIT: u64 = 8 << 20;

/// Content type of a document message whose PDF is in the archive under its archive key.
pub const CONTENT_TYPE_CLAIM_CHECK: &str = "application/vnd.resingest.claim-check";

/// The archive key of a PDF: `pdf/<2 hex>/<sha256>.pdf`, so no folder holds more than 1/256
/// of the archive and the key alone proves what the object must hash to.
///
/// `None` when `sha256` is not 64 lowercase hex digits.
pub fn pdf_key(sha256: &str) -> Option<String> {
    is_sha256(sha256).then(|| format!("pdf/{}/{sha256}.pdf", &sha256[..2]))
}

/// The sha256 an archive key names, if it is one of [`pdf_key`]'s.
pub fn sha256_of_key(key: &str) -> Option<&str> {
    let sha = key.strip_prefix("pdf/")?.get(3..)?.strip_suffix(".pdf")?;
    (is_sha256(sha) && pdf_key(sha).as_deref() == Some(key)).then_some(sha)
}

/// 64 lowercase hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether a PDF of `len` bytes goes inline (`true`) or as a claim check.
pub fn inline(len: u64, inline_limit: u64) -> bool {
    len <= inline_limit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_content_addressed_and_read_back() {
        let sha = "ab".repeat(32);
        let key = pdf_key(&sha).unwrap();
        assert_eq!(key, format!("pdf/ab/{sha}.pdf"));
        assert_eq!(sha256_of_key(&key), Some(sha.as_str()));
        assert_eq!(pdf_key("AB"), None);
        assert_eq!(sha256_of_key(&format!("pdf/cd/{sha}.pdf")), None);
        assert_eq!(sha256_of_key("pdf/../x.pdf"), None);
    }

    #[test]
    fn inline_up_to_the_limit() {
        assert!(inline(8 << 20, DEFAULT_INLINE_LIMIT));
        assert!(!inline((8 << 20) + 1, DEFAULT_INLINE_LIMIT));
    }
}
