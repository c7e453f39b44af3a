//! The resolution JSON contract, version 1.
//!
//! Field names, optionality and nesting follow `shared/gold/README.md` to the letter: a change
//! here is a change of the product's public contract and bumps [`SCHEMA_VERSION`].

use serde::{Deserialize, Serialize};

/// Version of the JSON contract carried in every [`Resolution`].
pub const SCHEMA_VERSION: u32 = 1;

/// One resolution (or draft, or amendment) as structured clauses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    /// Canonical symbol without spaces: `A/RES/71/19`, `S/RES/2769(2025)`.
    pub symbol: String,
    /// The adopting body: `General Assembly`, `Security Council`, `Human Rights Council`, ...
    pub organ: String,
    /// ISO 639-1 language code of the text.
    pub language: String,
    /// GA/HRC session number; `None` for the Security Council.
    pub session: Option<u32>,
    /// Agenda items as printed: `["68 (a)", "69"]`.
    #[serde(default)]
    pub agenda_items: Vec<String>,
    pub distribution: Option<String>,
    /// ISO date (`YYYY-MM-DD`) printed under "Distr.".
    pub distribution_date: Option<String>,
    /// ISO date of adoption; `None` for drafts.
    pub adoption_date: Option<String>,
    /// As printed: "48th plenary meeting", "9901st meeting".
    pub meeting: Option<String>,
    /// Short committee name ("Third Committee"); `None` without reference to a Main Committee.
    pub main_committee: Option<String>,
    /// Draft and report symbols from the bracket line, written out.
    #[serde(default)]
    pub draft_symbols: Vec<String>,
    /// Title after the resolution number, without the number.
    pub title: Option<String>,
    #[serde(default)]
    pub preamble: Vec<Clause>,
    #[serde(default)]
    pub operative: Vec<Paragraph>,
    #[serde(default)]
    pub footnotes: Vec<Footnote>,
    /// Canonical symbols of every cited resolution, unique, in order of first appearance.
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annexes: Vec<Annex>,
    pub kind: Kind,
    /// Several lettered resolutions under one number; top-level preamble/operative stay empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<Vec<Part>>,
    pub provenance: Provenance,
    pub schema_version: u32,
}

/// A preambular paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clause {
    /// 1-based position in the preamble.
    pub index: u32,
    /// The opening italic run, without the comma after it; `None` without an italic opening.
    pub lead: Option<String>,
    pub text: String,
    #[serde(default)]
    pub footnote_refs: Vec<u32>,
}

/// A numbered operative paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    pub number: u32,
    pub lead: Option<String>,
    /// With sub-items, only the introductory words (ending with the colon).
    pub text: String,
    #[serde(default)]
    pub footnote_refs: Vec<u32>,
    #[serde(default)]
    pub subparagraphs: Vec<Subparagraph>,
}

/// A lettered or roman sub-item: `(a)`, `(ii)`; labels are bare (`"a"`, `"ii"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subparagraph {
    pub label: String,
    pub text: String,
    #[serde(default)]
    pub footnote_refs: Vec<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subparagraphs: Vec<Subparagraph>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footnote {
    pub number: u32,
    pub text: String,
}

/// An annex, or a text adopted inline by an operative paragraph (`heading: None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annex {
    /// As printed: "Annex", "Annex I"; `None` for a text adopted inline.
    pub heading: Option<String>,
    pub title: Option<String>,
    /// The whole body, whitespace-collapsed; tables read row by row.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraphs: Option<Vec<AnnexParagraph>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnexParagraph {
    pub number: u32,
    pub text: String,
    #[serde(default)]
    pub footnote_refs: Vec<u32>,
}

/// One lettered resolution of several under one number (71/123 A and B).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    /// The letter: "A", "B".
    pub label: String,
    pub title: Option<String>,
    #[serde(default)]
    pub preamble: Vec<Clause>,
    #[serde(default)]
    pub operative: Vec<Paragraph>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Resolution,
    /// An L. document.
    Draft,
    /// Amendments to a draft.
    Amendment,
}

/// Where the structure came from: the source PDF and the extractor that read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Lowercase hex sha256 of the PDF bytes.
    pub sha256: String,
    pub bytes: u64,
    pub pages: u32,
    pub extractor_version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_serialises_lowercase() {
        assert_eq!(
            serde_json::to_string(&Kind::Amendment).unwrap(),
            "\"amendment\""
        );
    }

    #[test]
    fn sub_subparagraphs_are_omitted_when_empty() {
        let sub = Subparagraph {
            label: "a".into(),
            text: "x;".into(),
            footnote_refs: vec![],
            subparagraphs: vec![],
        };
        let v = serde_json::to_value(&sub).unwrap();
        assert!(v.get("subparagraphs").is_none(), "{v}");
    }
}
