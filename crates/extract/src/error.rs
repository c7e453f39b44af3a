//! Typed extraction errors. Each variant names what went wrong with the input; the variant
//! (not the message) decides routing downstream: every one of these is permanent for the
//! document, so the worker dead-letters it with [`ExtractError::kind`] as the reason kind.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExtractError {
    #[error("not a PDF: the file starts with {first_bytes:?}, not %PDF-")]
    NotAPdf { first_bytes: String },
    #[error("corrupt or truncated PDF: {detail}")]
    Corrupt { detail: String },
    #[error("encrypted PDF: a password is needed to read it")]
    Encrypted,
    #[error("no text layer on any of its {pages} pages (a scan?): run OCR first")]
    NoTextLayer { pages: u32 },
    #[error("over limit: {what} is {actual}, the limit is {limit}")]
    OverLimit {
        what: String,
        actual: u64,
        limit: u64,
    },
}

impl ExtractError {
    /// Stable, bounded label for metrics and dead-letter headers.
    pub fn kind(&self) -> &'static str {
        match self {
            ExtractError::NotAPdf { .. } => "not_a_pdf",
            ExtractError::Corrupt { .. } => "corrupt",
            ExtractError::Encrypted => "encrypted",
            ExtractError::NoTextLayer { .. } => "no_text_layer",
            ExtractError::OverLimit { .. } => "over_limit",
        }
    }
}
