//! Scoring extractions, the library behind `resingest eval`.
//!
//! Two ways to judge an extracted [`Resolution`](resingest_model::Resolution):
//! - against a hand-checked gold file: [`compare`] walks both documents unit by unit (`units`
//!   names them `P3`, `O8.a`, `A.O2`), normalises text with [`normalize`] and returns a
//!   [`DocReport`] (exact units, metadata, footnotes and annexes, with a short reason for each
//!   wrong one);
//! - without gold: [`structural_check`] returns the [`Problem`]s a sound extraction cannot have
//!   (numbering gaps, missing leads, page furniture in clauses, text of pdftotext's output
//!   missing from the clauses);
//! - against the UN's own Akoma Ntoso markup: [`akn`] reads AKN4UN XML into the contract's
//!   shape and scores units, leads, footnotes and headings ([`AknReport`]); [`akn::score_dir`]
//!   pairs a folder of XML with corpus PDFs and runs the extractor the caller passes in;
//! - against the UN's own Akoma Ntoso of the same document: [`akn_structure`] reads the FRBR
//!   IRIs and the sequence of structural elements of either markup,
//!   [`compare_akn_structure`] finds the first divergence.
//!
//! [`Summary`] adds up many documents for the closing lines; [`corpus`] walks a corpus on disk
//! (its PDFs by symbol, a folder's markup or gold files, pdftotext's text) for `resingest eval`
//! and the suites.
//!
//! Apart from [`akn::score_dir`] and [`corpus`], this crate reads nothing from disk and runs
//! no program, so the checks stay testable on hand-built documents. No extractor is linked
//! in: the caller hands one over.

pub mod akn;
pub mod akn_structure;
pub mod compare;
pub mod corpus;
pub mod normalize;
pub mod structural;
pub mod summary;
mod units;

pub use akn::{compare_akn, AknReport, AknSummary};
pub use akn_structure::{akn_structure, compare_akn_structure, AknComparison, AknStructure};
pub use compare::{compare, compare_values, DocReport};
pub use corpus::Corpus;
pub use normalize::normalize;
pub use structural::{structural_check, Problem};
pub use summary::Summary;
