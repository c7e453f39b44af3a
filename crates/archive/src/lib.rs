//! The PDF archive: every fetched PDF stored once, under the key its sha256 gives
//! ([`resingest_model::archive::pdf_key`]), in an object store.
//!
//! A document message above the inline limit carries only that key (a claim check); the worker
//! reads the PDF back with [`Archive::get`], which checks the bytes against the key's sha256, so
//! a corrupt or substituted object can never be extracted under another document's name.
//!
//! This is its own crate, not `resingest-model`, because `object_store` is async and its
//! local-folder backend needs tokio, while the model must stay free of I/O.
//!
//! Backends, chosen by [`Archive::open`] from a URL: a local folder (a plain path or
//! `file:///...`, the default), `memory://` (tests), and `s3://bucket/prefix` for S3 or MinIO
//! when built with feature `s3`. Errors are typed: [`ArchiveError::is_transient`] tells an
//! unreachable store (retry later) from a missing or corrupt object (dead-letter the document).

pub mod local;
pub use local::{pdf_files, ReadDirError};

use std::sync::Arc;

use object_store::path::Path as StorePath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use resingest_model::archive::{pdf_key, sha256_of_key};
use sha2::{Digest, Sha256};

/// A folder under the working directory; deployments point this at S3 or MinIO.
pub const DEFAULT_ARCHIVE_URL: &str = "archive";

/// Lowercase hex sha256: a PDF's identity everywhere (archive key, `message_id`, the sink's
/// primary key, the fetcher's dedupe).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("archive url `{url}`: {detail}")]
    Url { url: String, detail: String },
    #[error("`{key}` is not an archive key (expected pdf/<2 hex>/<sha256>.pdf)")]
    BadKey { key: String },
    #[error("archive has no object `{key}`: was it archived before the claim check was sent?")]
    NotFound { key: String },
    #[error("archived object `{key}` hashes to {actual}, not to its key")]
    Corrupt { key: String, actual: String },
    #[error("archive unreachable for `{key}`: {source}")]
    Unreachable {
        key: String,
        source: object_store::Error,
    },
    /// The store answered but refuses this deployment: permissions on the folder, credentials
    /// or a bucket policy. Not the document's fault, and no wait fixes it: an operator must.
    #[error("archive refused access to `{key}` (permissions or credentials): {source}")]
    Refused {
        key: String,
        source: object_store::Error,
    },
}

impl ArchiveError {
    /// True when the store, not the document, failed: retry later.
    pub fn is_transient(&self) -> bool {
        matches!(self, ArchiveError::Unreachable { .. })
    }

    /// True when the store refuses this deployment ([`ArchiveError::Refused`]): neither the
    /// document's fault nor an outage that passes; whoever holds the document should say so
    /// (a failing health check) and give it back rather than wait on it forever.
    pub fn is_refused(&self) -> bool {
        matches!(self, ArchiveError::Refused { .. })
    }

    /// An error of the store itself, as [`ArchiveError::Refused`] when it is a refusal.
    fn of_store(key: &str, source: object_store::Error) -> ArchiveError {
        if refuses(&source) {
            ArchiveError::Refused {
                key: key.into(),
                source,
            }
        } else {
            ArchiveError::Unreachable {
                key: key.into(),
                source,
            }
        }
    }

    /// Stable, bounded label for metrics and dead-letter headers.
    pub fn kind(&self) -> &'static str {
        match self {
            ArchiveError::Url { .. } => "archive_url",
            ArchiveError::BadKey { .. } => "bad_claim_check",
            ArchiveError::NotFound { .. } => "archive_missing",
            ArchiveError::Corrupt { .. } => "archive_corrupt",
            ArchiveError::Unreachable { .. } => "archive_unreachable",
            ArchiveError::Refused { .. } => "archive_refused",
        }
    }
}

/// True for a store's refusal: S3's 401/403 (`PermissionDenied`, `Unauthenticated`), or a local
/// folder whose I/O error, anywhere in the cause chain, is `PermissionDenied` (the local
/// backend wraps those in generic errors).
fn refuses(error: &object_store::Error) -> bool {
    if matches!(
        error,
        object_store::Error::PermissionDenied { .. } | object_store::Error::Unauthenticated { .. }
    ) {
        return true;
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::PermissionDenied
                || io.raw_os_error() == Some(30 /* EROFS */)
            {
                return true;
            }
        }
        cause = e.source();
    }
    false
}

/// A content-addressed PDF store; cheap to clone.
#[derive(Clone, Debug)]
pub struct Archive {
    store: Arc<dyn ObjectStore>,
    prefix: StorePath,
    url: String,
}

impl Archive {
    /// Opens the store `url` names: a plain path or `file://` URL (the folder is created),
    /// `memory://`, or `s3://bucket/prefix` (feature `s3`).
    pub fn open(url: &str) -> Result<Archive, ArchiveError> {
        let bad = |detail: String| ArchiveError::Url {
            url: url.to_owned(),
            detail,
        };
        let parsed = match url::Url::parse(url) {
            Ok(u) => u,
            Err(url::ParseError::RelativeUrlWithoutBase) => {
                std::fs::create_dir_all(url)
                    .map_err(|e| bad(format!("creating the folder: {e}")))?;
                let abs = std::fs::canonicalize(url).map_err(|e| bad(e.to_string()))?;
                url::Url::from_directory_path(&abs)
                    .map_err(|()| bad("not an absolute folder".into()))?
            }
            Err(e) => return Err(bad(e.to_string())),
        };
        if parsed.scheme() == "file" {
            let dir = parsed
                .to_file_path()
                .map_err(|()| bad("not a local path".into()))?;
            std::fs::create_dir_all(&dir).map_err(|e| bad(format!("creating the folder: {e}")))?;
            let store = object_store::local::LocalFileSystem::new_with_prefix(&dir)
                .map_err(|e| bad(e.to_string()))?;
            return Ok(Archive {
                store: Arc::new(store),
                prefix: StorePath::default(),
                url: url.to_owned(),
            });
        }
        let (store, prefix) = object_store::parse_url(&parsed).map_err(|e| {
            bad(format!(
                "{e} (S3 and MinIO need the `s3` feature of resingest-archive)"
            ))
        })?;
        Ok(Archive {
            store: Arc::from(store),
            prefix,
            url: url.to_owned(),
        })
    }

    /// An empty in-memory archive, for tests.
    pub fn in_memory() -> Archive {
        Archive {
            store: Arc::new(object_store::memory::InMemory::new()),
            prefix: StorePath::default(),
            url: "memory://".into(),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Stores `pdf` under its content key and returns the key. Storing the same bytes again
    /// is a no-op, so fetchers on several hosts may race.
    pub async fn put(&self, pdf: &[u8]) -> Result<String, ArchiveError> {
        let sha = sha256_hex(pdf);
        let key = pdf_key(&sha).expect("a sha256 digest is a valid key");
        let options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        let payload = PutPayload::from(pdf.to_vec());
        match self
            .store
            .put_opts(&self.path(&key), payload, options)
            .await
        {
            Ok(_) | Err(object_store::Error::AlreadyExists { .. }) => Ok(key),
            Err(source) => Err(ArchiveError::of_store(&key, source)),
        }
    }

    /// Reads the PDF stored under `key`, checking that it hashes to the key's sha256.
    pub async fn get(&self, key: &str) -> Result<Vec<u8>, ArchiveError> {
        let sha = sha256_of_key(key).ok_or_else(|| ArchiveError::BadKey { key: key.into() })?;
        let fetched = async { self.store.get(&self.path(key)).await?.bytes().await };
        let bytes = match fetched.await {
            Ok(b) => b,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(ArchiveError::NotFound { key: key.into() })
            }
            Err(source) => return Err(ArchiveError::of_store(key, source)),
        };
        let actual = sha256_hex(&bytes);
        if actual != sha {
            return Err(ArchiveError::Corrupt {
                key: key.into(),
                actual,
            });
        }
        Ok(bytes.to_vec())
    }

    fn path(&self, key: &str) -> StorePath {
        self.prefix
            .parts()
            .chain(StorePath::from(key).parts())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_is_told_from_an_outage_through_the_cause_chain() {
        let io = |kind| object_store::Error::Generic {
            store: "LocalFileSystem",
            source: Box::new(std::io::Error::new(kind, "open pdf/ab/x.pdf")),
        };
        let refused = ArchiveError::of_store("k", io(std::io::ErrorKind::PermissionDenied));
        assert!(refused.is_refused() && !refused.is_transient());
        assert_eq!(refused.kind(), "archive_refused");
        let s3 = object_store::Error::PermissionDenied {
            path: "pdf/ab/x.pdf".into(),
            source: "403 Forbidden".into(),
        };
        assert!(ArchiveError::of_store("k", s3).is_refused());
        let down = ArchiveError::of_store("k", io(std::io::ErrorKind::ConnectionRefused));
        assert!(down.is_transient() && !down.is_refused());
        let read_only = object_store::Error::Generic {
            store: "LocalFileSystem",
            source: Box::new(std::io::Error::from_raw_os_error(30)),
        };
        assert!(ArchiveError::of_store("k", read_only).is_refused());
    }

    #[tokio::test]
    async fn put_is_content_addressed_idempotent_and_get_checks_the_hash() {
        let dir = tempfile::tempdir().unwrap();
        let archive = Archive::open(dir.path().join("a").to_str().unwrap()).unwrap();
        let key = archive.put(b"%PDF-1.7 x").await.unwrap();
        assert_eq!(archive.put(b"%PDF-1.7 x").await.unwrap(), key);
        assert_eq!(archive.get(&key).await.unwrap(), b"%PDF-1.7 x");
        assert!(dir.path().join("a").join(&key).is_file());

        // Bytes that do not hash to their key are refused, not extracted.
        std::fs::write(dir.path().join("a").join(&key), b"other").unwrap();
        let err = archive.get(&key).await.unwrap_err();
        assert!(matches!(err, ArchiveError::Corrupt { .. }), "{err}");
        assert!(!err.is_transient());
    }

    #[tokio::test]
    async fn missing_objects_and_bad_keys_are_permanent_errors() {
        let archive = Archive::in_memory();
        let key = pdf_key(&"0".repeat(64)).unwrap();
        let err = archive.get(&key).await.unwrap_err();
        assert!(matches!(err, ArchiveError::NotFound { .. }), "{err}");
        assert_eq!(err.kind(), "archive_missing");
        let err = archive.get("../etc/passwd").await.unwrap_err();
        assert!(matches!(err, ArchiveError::BadKey { .. }));
        assert!(!err.is_transient());
    }

    #[cfg(not(feature = "s3"))]
    #[test]
    fn s3_without_the_feature_says_what_to_do() {
        let err = Archive::open("s3://bucket/prefix").map(|_| ()).unwrap_err();
        assert!(err.to_string().contains("`s3` feature"), "{err}");
    }
}
