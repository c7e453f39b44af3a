//! An extracted message (resolution JSON body, envelope headers) to an [`Incoming`], or the
//! reason it can never be stored. Decode failures are permanent: the consumer dead-letters
//! them at once instead of waiting for the delivery limit.

use chrono::{DateTime, NaiveDate, Utc};
use resingest_model::symbol::Symbol;
use resingest_model::topology::Envelope;
use resingest_model::{Resolution, SCHEMA_VERSIONS_READ};

use crate::store::Incoming;

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("message {sha256} is not resolution json: {error}")]
    InvalidJson { sha256: String, error: String },
    #[error(
        "{symbol}: schema version {version} is not supported (this sink reads {SCHEMA_VERSIONS_READ:?}): upgrade the sink"
    )]
    UnsupportedSchema { symbol: String, version: u32 },
    #[error("{symbol}: field `{field}` is not valid: {value:?}")]
    InvalidField {
        symbol: String,
        field: &'static str,
        value: String,
    },
}

impl DecodeError {
    /// The `x-resingest-error-kind` of the dead letter.
    pub fn kind(&self) -> &'static str {
        match self {
            DecodeError::InvalidJson { .. } => "invalid_json",
            DecodeError::UnsupportedSchema { .. } => "unsupported_schema",
            DecodeError::InvalidField { .. } => "invalid_field",
        }
    }
}

pub fn decode(data: &[u8], envelope: &Envelope) -> Result<Incoming, DecodeError> {
    let resolution: Resolution =
        serde_json::from_slice(data).map_err(|e| DecodeError::InvalidJson {
            sha256: envelope.sha256.clone(),
            error: e.to_string(),
        })?;
    let symbol = resolution.symbol.clone();
    let invalid = |field, value: &str| DecodeError::InvalidField {
        symbol: symbol.clone(),
        field,
        value: value.into(),
    };
    // Every version this build reads, v1 included: a v1 body deserialises into the v2 types
    // with the new fields empty, so a sink upgraded first keeps storing old workers' results.
    if !SCHEMA_VERSIONS_READ.contains(&resolution.schema_version) {
        return Err(DecodeError::UnsupportedSchema {
            symbol,
            version: resolution.schema_version,
        });
    }
    if !is_symbol(&resolution.symbol) {
        return Err(invalid("symbol", &resolution.symbol));
    }
    let lang = &resolution.language;
    if !(2..=3).contains(&lang.len()) || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(invalid("language", lang));
    }
    let sha = &resolution.provenance.sha256;
    if sha.len() != 64
        || !sha
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return Err(invalid("provenance.sha256", sha));
    }
    for (field, date) in [
        ("adoption_date", &resolution.adoption_date),
        ("distribution_date", &resolution.distribution_date),
    ] {
        if let Some(d) = date {
            if NaiveDate::parse_from_str(d, "%Y-%m-%d").is_err() {
                return Err(invalid(field, d));
            }
        }
    }
    let body = serde_json::to_string(&resolution).expect("a resolution serialises");
    // PostgreSQL text and jsonb cannot hold NUL.
    if body.contains("\\u0000") {
        return Err(invalid("text", "contains a NUL character"));
    }
    let fetched_at = envelope.fetched_at.as_deref().and_then(|t| match DateTime::parse_from_rfc3339(t) {
        Ok(t) => Some(t.with_timezone(&Utc)),
        Err(_) => {
            tracing::warn!(symbol = %resolution.symbol, fetched_at = t, "fetched_at header is not rfc 3339; ignored");
            None
        }
    });
    Ok(Incoming {
        resolution,
        body,
        fetched_at,
        archive_key: envelope.archive_key.clone(),
    })
}

/// A UN symbol in [`Symbol`]'s canonical form, as the contract writes it: `A/RES/71/19`,
/// `S/RES/2769(2025)`, `A/RES/217A(III)`, `A/RES/S-10/2`, `A/71/L.17/Add.1`; at most 100
/// characters. The store is keyed on it, so a symbol in another form (spaced, lowercase, with
/// a reissue's asterisk) would be a second key for the same resolution.
pub fn is_symbol(s: &str) -> bool {
    s.len() <= 100 && Symbol::parse(s).is_ok_and(|c| c.as_str() == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(version: u32) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "symbol": "A/RES/78/1", "organ": "General Assembly", "language": "en",
            "session": 78, "distribution": null, "distribution_date": null,
            "adoption_date": null, "meeting": null, "main_committee": null, "title": null,
            "operative": [{"number": 1, "lead": null, "text": "Decides."}],
            "kind": "resolution",
            "provenance": {"sha256": "a".repeat(64), "bytes": 1, "pages": 1,
                           "extractor_version": "resingest-extract/0.1.0"},
            "schema_version": version
        }))
        .unwrap()
    }

    #[test]
    fn v1_to_v4_bodies_are_stored_and_later_versions_refused() {
        let env = Envelope::default();
        for v in [1, 2, 3, 4] {
            let inc = decode(&body(v), &env).unwrap_or_else(|e| panic!("v{v}: {e}"));
            assert_eq!(inc.resolution.schema_version, v);
        }
        let err = decode(&body(5), &env).unwrap_err();
        assert_eq!(err.kind(), "unsupported_schema");
    }

    #[test]
    fn canonical_symbols_are_accepted_and_spaced_ones_refused() {
        for s in [
            "A/RES/71/19",
            "S/RES/2769(2025)",
            "A/RES/217A(III)",
            "A/RES/S-10/2",
            "A/HRC/RES/59/25",
        ] {
            assert!(is_symbol(s), "{s}");
        }
        assert!(is_symbol("A/71/L.17/Add.1"));
        for s in [
            "",
            "A/RES/71/19 ",
            "/A/RES",
            "A RES",
            "A/RES/1?x",
            "a/res/71/19",
            "A/71/L.17/ADD.1",
            "A/64/L.63/Rev.1*",
        ] {
            assert!(!is_symbol(s), "{s}");
        }
    }
}
