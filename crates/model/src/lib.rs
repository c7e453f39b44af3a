//! Shared wire types of resingest: every role depends on this crate and nothing else is
//! shared sideways.
//!
//! - [`resolution`]: the resolution JSON contract (v1), exactly as `shared/gold/README.md`
//!   defines it. The extractor produces it, the queue carries it, the sink stores it.
//! - [`topology`]: exchange and queue names, their argument tables, the message envelope
//!   (headers) and the event body, as plain data; `resingest-amqp` declares them with lapin.
//! - [`archive`]: where PDFs are archived (content-addressed by sha256) and when a document
//!   message carries a claim check instead of the PDF; `resingest-archive` does the I/O.
//! - [`akn`]: the same resolution as Akoma Ntoso 3.0 XML (AKN4UN conventions), [`to_akn`].
//! - `gold`: [`Resolution::from_gold`], reading a hand-checked gold file, which leaves out the
//!   fields only an extractor knows.
//!
//! This crate must stay small and free of I/O: it is types, their (de)serialisation and their
//! renderings.

pub mod akn;
pub mod archive;
mod gold;
pub mod resolution;
pub mod topology;

pub use akn::to_akn;
pub use resolution::{
    Annex, AnnexParagraph, Clause, Footnote, Kind, Paragraph, Part, Provenance, Resolution,
    Subparagraph, SCHEMA_VERSION,
};

/// English month names as UN documents print them ("7 December 2023"), January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
