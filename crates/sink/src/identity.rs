//! Whether an extracted resolution is the document the fetcher asked for: the symbol the
//! extractor read against the fetcher's `x-resingest-symbol`, both in the canonical form of
//! [`Symbol`], and the language against `x-resingest-language`. The store is keyed on the
//! extracted symbol and language, so a misread would silently replace another resolution (or
//! store one language's text as another's); a mismatch is dead-lettered instead. A source that
//! declares no symbol (or no language) is taken on the extractor's word.

use resingest_model::topology::Envelope;
use resingest_model::{Resolution, Symbol};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("identity mismatch: the fetcher named {declared} but the extractor read {extracted} (sha256 {sha256})")]
    Symbol {
        declared: String,
        extracted: String,
        sha256: String,
    },
    #[error("identity mismatch: {symbol} was fetched as language `{declared}` but extracted as `{extracted}` (sha256 {sha256})")]
    Language {
        symbol: String,
        declared: String,
        extracted: String,
        sha256: String,
    },
}

impl IdentityError {
    /// The `x-resingest-error-kind` of the dead letter.
    pub fn kind(&self) -> &'static str {
        "identity_mismatch"
    }
}

/// `Ok` when the resolution is what `envelope` declares (or it declares nothing).
pub fn check(resolution: &Resolution, envelope: &Envelope) -> Result<(), IdentityError> {
    let sha256 = || resolution.provenance.sha256.clone();
    if let Some(declared) = envelope.symbol.as_deref() {
        if canonical(declared) != canonical(&resolution.symbol) {
            return Err(IdentityError::Symbol {
                declared: declared.into(),
                extracted: resolution.symbol.clone(),
                sha256: sha256(),
            });
        }
    }
    if let Some(declared) = envelope.language.as_deref() {
        if !declared.trim().eq_ignore_ascii_case(&resolution.language) {
            return Err(IdentityError::Language {
                symbol: resolution.symbol.clone(),
                declared: declared.into(),
                extracted: resolution.language.clone(),
                sha256: sha256(),
            });
        }
    }
    Ok(())
}

/// The canonical form, or the text itself when it is no symbol (then only the same text matches).
fn canonical(text: &str) -> String {
    Symbol::parse(text).map_or_else(|_| text.trim().to_owned(), |s| s.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolution(symbol: &str, language: &str) -> Resolution {
        let mut r: Resolution = serde_json::from_value(serde_json::json!({
            "symbol": symbol, "organ": "General Assembly", "language": language,
            "kind": "resolution", "schema_version": resingest_model::SCHEMA_VERSION,
            "provenance": {"sha256": "ab".repeat(32), "bytes": 1, "pages": 1,
                           "extractor_version": "x/1"},
        }))
        .unwrap();
        r.language = language.into();
        r
    }

    fn envelope(symbol: Option<&str>, language: Option<&str>) -> Envelope {
        Envelope {
            symbol: symbol.map(Into::into),
            language: language.map(Into::into),
            ..Envelope::default()
        }
    }

    #[test]
    fn symbols_are_compared_in_canonical_form() {
        let r = resolution("S/RES/2769(2025)", "en");
        assert_eq!(
            check(&r, &envelope(Some("s/res/2769 (2025)"), Some("EN"))),
            Ok(())
        );
        assert_eq!(check(&r, &envelope(None, None)), Ok(()));
        let err = check(&r, &envelope(Some("S/RES/2768(2025)"), None)).unwrap_err();
        assert_eq!(err.kind(), "identity_mismatch");
        let text = err.to_string();
        assert!(
            text.contains("S/RES/2768(2025)") && text.contains("S/RES/2769(2025)"),
            "{text}"
        );
    }

    #[test]
    fn a_declared_language_must_be_the_extracted_one() {
        let r = resolution("A/RES/71/19", "en");
        let err = check(&r, &envelope(Some("A/RES/71/19"), Some("ru"))).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("`ru`") && text.contains("`en`"), "{text}");
    }
}
