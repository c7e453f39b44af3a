//! Reading hand-checked gold files (`shared/gold/*.json`) as [`Resolution`]s.
//!
//! Gold files follow the contract but omit `kind`, `provenance` and `schema_version`, which only
//! the extractor can know. Tests and tools that want a gold file as a `Resolution` (to render
//! it, or to compare it with itself) fill those here, in one place, instead of each guessing.

use crate::resolution::{Kind, Provenance, Resolution, SCHEMA_VERSION};
use serde_json::{json, Value};

impl Resolution {
    /// Builds a `Resolution` from a gold JSON value, filling the fields gold files leave out:
    /// `kind` from the symbol (an `/L.` symbol is a draft), an empty `provenance`
    /// (`extractor_version: "gold"`) and the current `schema_version`. Fields the gold has are
    /// kept as they are.
    pub fn from_gold(mut gold: Value) -> Result<Self, serde_json::Error> {
        if let Some(obj) = gold.as_object_mut() {
            let is_draft = obj
                .get("symbol")
                .and_then(Value::as_str)
                .is_some_and(|s| s.contains("/L."));
            let kind = if is_draft {
                Kind::Draft
            } else {
                Kind::Resolution
            };
            obj.entry("kind").or_insert(serde_json::to_value(kind)?);
            obj.entry("provenance")
                .or_insert(serde_json::to_value(Provenance {
                    sha256: String::new(),
                    bytes: 0,
                    pages: 0,
                    extractor_version: "gold".into(),
                })?);
            obj.entry("schema_version").or_insert(json!(SCHEMA_VERSION));
        }
        serde_json::from_value(gold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_gold_fills_kind_provenance_and_version() {
        let gold = json!({
            "symbol": "A/RES/71/19", "organ": "General Assembly", "language": "en",
            "session": 71, "distribution": "General", "distribution_date": null,
            "adoption_date": null, "meeting": null, "main_committee": null, "title": null
        });
        let r = Resolution::from_gold(gold).unwrap();
        assert_eq!(r.kind, Kind::Resolution);
        assert_eq!(r.provenance.extractor_version, "gold");
        assert_eq!(r.schema_version, SCHEMA_VERSION);
    }

    #[test]
    fn from_gold_reads_an_l_symbol_as_a_draft() {
        let gold = json!({
            "symbol": "A/80/L.28", "organ": "General Assembly", "language": "en",
            "session": 80, "distribution": "Limited", "distribution_date": null,
            "adoption_date": null, "meeting": null, "main_committee": null, "title": null
        });
        assert_eq!(Resolution::from_gold(gold).unwrap().kind, Kind::Draft);
    }
}
