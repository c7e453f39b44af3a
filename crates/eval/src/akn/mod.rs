//! Scoring extraction against the UN's own Akoma Ntoso markup (`resingest eval --akn`).
//!
//! - `xml`: a small element tree over quick-xml;
//! - [`read`]: the UN's AKN4UN document read into the contract's shape ([`AknDocument`]):
//!   clauses, footnotes by marker, section headings;
//! - [`score`]: [`compare_akn`] of one extraction with one document ([`AknReport`]: units
//!   exact, leads, footnotes, headings, the first difference of each miss), [`AknSummary`] over
//!   many, and [`score_dir`], which pairs each XML file with its PDF by job number and runs the
//!   extractor it is given.
//!
//! Where the UN's markup and the printed PDF disagree the PDF is right, but the score still
//! counts the difference: the reference is not edited to flatter the extractor.

pub mod read;
pub mod score;
mod xml;

pub use read::{read_akn, AknDocument, AknNote, Heading};
pub use score::{compare_akn, language_table, score_dir, AknReport, AknRun, AknSummary};

use std::path::PathBuf;

/// Why a UN AKN file or folder could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AknError {
    #[error("malformed xml at byte {at}: {reason}")]
    Xml { at: u64, reason: String },
    #[error("not a UN AKN resolution: {0}")]
    Shape(String),
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    File {
        path: PathBuf,
        source: Box<AknError>,
    },
    #[error("no AKN file (*.xml) in {0}: point --akn at the folder of the UN's XML")]
    Empty(PathBuf),
}
