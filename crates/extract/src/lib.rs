//! The extraction core: PDF bytes in, layout and resolution out. Pure: no tokio, no network,
//! no database, no process-wide state, so it can be fuzzed, benchmarked and run from the CLI
//! on one file.
//!
//! How a document flows through the modules:
//! 1. [`pdf`] loads the file with lopdf under our [`Limits`], and hands each page's
//!    decompressed content and resources to
//! 2. [`interp`], our own content-stream interpreter. It tokenises with the zero-copy
//!    [`lexer`], tracks graphics and text state, and decodes strings through [`font`]
//!    (ToUnicode CMaps in [`cmap`], simple-font encodings in [`encoding`]), emitting positioned
//!    glyph runs.
//! 3. [`layout`] groups the glyphs into lines and spans (words by real gaps, superscripts,
//!    bold/italic), then finds page furniture and the footnote zone.
//! 4. [`text`] renders the reader's text: paragraphs joined across lines and pages, footnote
//!    markers removed, footnotes listed after `---`.
//!
//! Everything returns [`ExtractError`]; nothing here panics on bad input.

pub mod cmap;
pub mod encoding;
mod error;
pub mod font;
pub mod interp;
pub mod layout;
pub mod lexer;
pub mod pdf;
pub mod resolution;
pub mod text;

pub use error::ExtractError;
pub use layout::Document;

use serde::{Deserialize, Serialize};

/// Version of the extractor recorded in every result's provenance.
pub const EXTRACTOR_VERSION: &str = concat!("resingest-extract/", env!("CARGO_PKG_VERSION"));

/// Bounds on what one document may cost. Bytes and pages are checked by us before parsing;
/// decompressed sizes are enforced while lopdf and we inflate streams.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Largest PDF file accepted.
    pub max_bytes: u64,
    /// Most pages read.
    pub max_pages: u32,
    /// Largest decompressed size of one stream (content, object or xref stream).
    pub max_stream_bytes: u64,
    /// Largest decompressed content, summed over the document.
    pub max_document_bytes: u64,
    /// Deepest nesting of arrays/dictionaries in a content stream and of form XObjects.
    pub max_nesting_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 256 << 20,
            max_pages: 2_000,
            max_stream_bytes: 64 << 20,
            max_document_bytes: 512 << 20,
            max_nesting_depth: 64,
        }
    }
}

/// What to render a document as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// The reader's text: paragraphs one per line, then `---` and the footnotes.
    Text,
    /// The span model as JSON, for debugging.
    Layout,
    /// The resolution JSON contract (`shared/gold/README.md`).
    Json,
    /// Akoma Ntoso 3.0 XML following AKN4UN.
    Akn,
}

impl Format {
    /// File-name suffix for `--out`: `<stem><suffix>`.
    pub fn suffix(self) -> &'static str {
        match self {
            Format::Text => ".txt",
            Format::Layout => ".layout.json",
            Format::Json => ".json",
            Format::Akn => ".xml",
        }
    }
}

/// Reads the layout of a PDF: pages, lines, spans, furniture and footnotes.
pub fn read_layout(pdf: &[u8], limits: &Limits) -> Result<Document, ExtractError> {
    let raw = pdf::read_pages(pdf, limits)?;
    Ok(layout::build(raw))
}

/// Reads a PDF into the resolution contract, with its provenance.
pub fn extract_resolution(
    pdf: &[u8],
    limits: &Limits,
) -> Result<resingest_model::Resolution, ExtractError> {
    let doc = read_layout(pdf, limits)?;
    Ok(resolution_of(&doc, pdf))
}

fn resolution_of(doc: &Document, pdf: &[u8]) -> resingest_model::Resolution {
    use sha2::Digest;
    let provenance = resingest_model::Provenance {
        sha256: hex::encode(sha2::Sha256::digest(pdf)),
        bytes: pdf.len() as u64,
        pages: doc.pages.len() as u32,
        extractor_version: EXTRACTOR_VERSION.to_string(),
    };
    resolution::parse(doc, provenance)
}

/// Reads a PDF and renders it in `format`; the one entry point the CLI and the isolated
/// child processes call. JSON is one line (JSON Lines when several go to one stream).
pub fn render(pdf: &[u8], format: Format, limits: &Limits) -> Result<Vec<u8>, ExtractError> {
    let doc = read_layout(pdf, limits)?;
    Ok(match format {
        Format::Text => text::render(&doc).into_bytes(),
        Format::Layout => serde_json::to_vec_pretty(&doc).expect("layout serialises"),
        Format::Json => {
            let mut v =
                serde_json::to_vec(&resolution_of(&doc, pdf)).expect("resolution serialises");
            v.push(b'\n');
            v
        }
        Format::Akn => resingest_akn::to_akn(&resolution_of(&doc, pdf)).into_bytes(),
    })
}
