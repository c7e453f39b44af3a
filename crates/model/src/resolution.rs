//! The resolution JSON contract, version 4.
//!
//! Version 1 is `shared/gold/README.md`; version 2 (`docs/contract-v2.md`) adds section
//! headings (`headings` on the first clause under them, `sections` for sections that number
//! their paragraphs afresh), `kind: draft_decision` and `warnings`; version 3 (same page) adds
//! `continued` on operative paragraphs; version 4 the clauses of a text adopted inline
//! (`preamble` and `operative` of an annex with no heading). Every earlier document reads as a
//! v4 one (the new fields default to empty). A change here is a change of the product's
//! public contract and bumps [`SCHEMA_VERSION`].

use serde::{Deserialize, Serialize};

/// Version of the JSON contract carried in every [`Resolution`].
pub const SCHEMA_VERSION: u32 = 4;

/// Every contract version this build reads: the sink stores v1 to v4 alike, so that it can
/// be upgraded before the workers (docs/contract-v2.md, "Upgrade order").
pub const SCHEMA_VERSIONS_READ: [u32; 4] = [1, 2, 3, 4];

/// One resolution (or draft, or amendment) as structured clauses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// v2: sections that number their paragraphs afresh (roman "I", "II" of a budget
    /// resolution), in print order after the top-level clauses. Headings over continuous
    /// numbering are `headings` on clauses instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
    /// v2: each structural anomaly the extractor noticed; empty when the document read clean.
    #[serde(default)]
    pub warnings: Vec<Warning>,
    pub provenance: Provenance,
    pub schema_version: u32,
}

/// v2: a section heading as printed: its number ("I", "A.") when it has one, and its title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Heading {
    pub num: Option<String>,
    pub text: String,
}

/// v2: a section with its own numbering: paragraph 1 of section II is not paragraph 1 of
/// section I, so each section holds its own clauses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Section {
    /// As printed, without a trailing full stop: "I", "XXV".
    pub num: Option<String>,
    /// The title under the number; `None` when the section prints none.
    pub heading: Option<String>,
    #[serde(default)]
    pub preamble: Vec<Clause>,
    #[serde(default)]
    pub operative: Vec<Paragraph>,
}

/// v2: a structural anomaly, named by `kind`, at a unit (`O7`, `O3.b`, `P2`, `I.O4`, `F12`)
/// when there is one, with what was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Warning {
    pub kind: WarningKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Operative numbers not consecutive within a numbering scope (3 after 1).
    NumberingGap,
    /// Sub-item labels out of sequence ((c) after (a)).
    LabelGap,
    /// A preambular paragraph without an italic lead.
    PreambleWithoutLead,
    /// A paragraph of the body that went into no clause.
    UnplacedText,
    /// A footnote number of 1..N not found, or a marker without its note.
    MissingFootnote,
    /// No enacting formula ("The General Assembly,") before the clauses.
    NoFormula,
}

/// A preambular paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Clause {
    /// 1-based position in the preamble.
    pub index: u32,
    /// The opening italic run, without the comma after it; `None` without an italic opening.
    pub lead: Option<String>,
    pub text: String,
    #[serde(default)]
    pub footnote_refs: Vec<u32>,
    /// v2: the section headings printed right before this clause, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headings: Vec<Heading>,
}

impl Resolution {
    /// Every operative paragraph [`Paragraph::folded`]: the document as a v2 reader sees it,
    /// which is the shape gold files and unit comparisons are written in.
    pub fn folded(&self) -> Resolution {
        fn fold(ops: &mut [Paragraph]) {
            for p in ops {
                *p = p.folded();
            }
        }
        let mut r = self.clone();
        fold(&mut r.operative);
        for a in &mut r.annexes {
            fold(&mut a.operative);
        }
        for s in &mut r.sections {
            fold(&mut s.operative);
        }
        for part in r.parts.iter_mut().flatten() {
            fold(&mut part.operative);
            for s in &mut part.sections {
                fold(&mut s.operative);
            }
        }
        r
    }
}

/// A numbered operative paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Paragraph {
    pub number: u32,
    pub lead: Option<String>,
    /// With sub-items, only the introductory words (ending with the colon).
    pub text: String,
    #[serde(default)]
    pub footnote_refs: Vec<u32>,
    #[serde(default)]
    pub subparagraphs: Vec<Subparagraph>,
    /// v2: the section headings printed right before this paragraph, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headings: Vec<Heading>,
    /// v3: paragraphs printed after this one (after its sub-items, when it has them) with no
    /// number or label of their own, which continue it: the words that close a list ("and
    /// demands that the perpetrators be held accountable;"), a quoted rule, the lines of a
    /// schedule. In v2 their text ended the last sub-item (or the paragraph's text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub continued: Vec<Continued>,
}

/// A printed paragraph without number or label continuing an operative paragraph (v3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Continued {
    pub text: String,
    #[serde(default)]
    pub footnote_refs: Vec<u32>,
}

impl Paragraph {
    /// The deepest last unit (sub-item, or the paragraph itself) with `continued` folded into
    /// its text, space-separated: the v2 reading of a v3 paragraph, which is how gold files
    /// and unit comparisons read it.
    pub fn folded(&self) -> Paragraph {
        let mut p = self.clone();
        let continued = std::mem::take(&mut p.continued);
        if continued.is_empty() {
            return p;
        }
        fn last(items: &mut [Subparagraph]) -> Option<&mut Subparagraph> {
            let item = items.last_mut()?;
            if item.subparagraphs.is_empty() {
                Some(item)
            } else {
                last(&mut item.subparagraphs)
            }
        }
        let (text, refs) = match last(&mut p.subparagraphs) {
            Some(s) => (&mut s.text, &mut s.footnote_refs),
            None => (&mut p.text, &mut p.footnote_refs),
        };
        for c in continued {
            text.push(' ');
            text.push_str(&c.text);
            refs.extend(&c.footnote_refs);
        }
        p
    }
}

/// A lettered or roman sub-item: `(a)`, `(ii)`; labels are bare (`"a"`, `"ii"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Subparagraph {
    pub label: String,
    pub text: String,
    #[serde(default)]
    pub footnote_refs: Vec<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subparagraphs: Vec<Subparagraph>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Footnote {
    pub number: u32,
    pub text: String,
}

/// An annex, or a text adopted inline by an operative paragraph (`heading: None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Annex {
    /// As printed: "Annex", "Annex I"; `None` for a text adopted inline.
    pub heading: Option<String>,
    pub title: Option<String>,
    /// The whole body, whitespace-collapsed; tables read row by row.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraphs: Option<Vec<AnnexParagraph>>,
    /// Of a text adopted inline (`heading: None`), its clauses read as the body's are
    /// (contract v4): the paragraphs before its first numbered one ("We, the Heads of State
    /// ...,"), then its numbered paragraphs with their sub-items, headings and continuations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preamble: Vec<Clause>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operative: Vec<Paragraph>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AnnexParagraph {
    pub number: u32,
    pub text: String,
    #[serde(default)]
    pub footnote_refs: Vec<u32>,
}

/// One lettered resolution of several under one number (71/123 A and B).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Part {
    /// The letter: "A", "B".
    pub label: String,
    pub title: Option<String>,
    #[serde(default)]
    pub preamble: Vec<Clause>,
    #[serde(default)]
    pub operative: Vec<Paragraph>,
    /// v2: the part's own sections with their own numbering.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Resolution,
    /// A draft resolution of any organ: an L. document (`A/80/L.28`, `E/2025/L.28`,
    /// `A/HRC/59/L.5`) or a Security Council draft (`S/2025/123`).
    Draft,
    /// v2: a draft decision of any organ (an L. document headed "Draft decision").
    DraftDecision,
    /// Amendments to a draft, of any organ.
    Amendment,
}

/// Where the structure came from: the source PDF and the extractor that read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
        assert_eq!(
            serde_json::to_string(&Kind::DraftDecision).unwrap(),
            "\"draft_decision\""
        );
    }

    #[test]
    fn a_v1_document_reads_as_v2_with_empty_new_fields() {
        let v1 = serde_json::json!({
            "symbol": "A/RES/1/1", "organ": "General Assembly", "language": "en",
            "session": 1, "distribution": null, "distribution_date": null,
            "adoption_date": null, "meeting": null, "main_committee": null, "title": null,
            "preamble": [{"index": 1, "lead": "Noting", "text": "x,"}],
            "operative": [{"number": 1, "lead": null, "text": "y."}],
            "kind": "resolution",
            "provenance": {"sha256": "0", "bytes": 1, "pages": 1, "extractor_version": "x"},
            "schema_version": 1
        });
        let r: Resolution = serde_json::from_value(v1).unwrap();
        assert!(r.sections.is_empty() && r.warnings.is_empty());
        assert!(r.preamble[0].headings.is_empty() && r.operative[0].headings.is_empty());
        let back = serde_json::to_value(&r).unwrap();
        assert!(back.get("sections").is_none(), "{back}");
        assert!(back["operative"][0].get("headings").is_none(), "{back}");
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
