//! A UN-style PDF typesetter for tests and synthetic corpora: it writes PDFs that look, inside,
//! like the Word-made resolution PDFs the UN publishes, so the extractor can be tested on
//! documents whose every word, italic lead, footnote and page break we know.
//!
//! How a document is made:
//! 1. The caller describes it to a [`Typesetter`]: a page-1 [`Masthead`], [`Paragraph`]s made
//!    of [`Run`]s (plain, italic, bold, footnote markers, page breaks inside a paragraph),
//!    footnote texts and page breaks. [`Options`] pick the fonts (simple WinAnsi or Type0
//!    Identity-H, see [`FontKind`]), how words and spaces are drawn ([`Spacing`]), how
//!    superscripts are raised ([`Raise`]), ligatures, ToUnicode style and the page furniture.
//! 2. `layout` shapes text through the font registry in `fonts` (Adobe Times widths from
//!    [`metrics`]) and breaks paragraphs into justified or ragged lines, hyphenating when asked.
//! 3. `typesetter` paginates: footnotes stay on their marker's page, explicit and in-paragraph
//!    breaks are honoured; `furniture` adds the masthead, running headers, footers and the
//!    footnote separator.
//! 4. `content` writes the content-stream operators; the typesetter assembles pages, fonts and
//!    ToUnicode maps with lopdf's writer.
//!
//! `blocks` and `options` hold the public description types re-exported below.
//!
//! Two front ends build on it: [`un`] typesets a whole General Assembly or Security Council
//! resolution from a [`un::Resolution`] or from the reference Markdown
//! ([`un::resolution_from_markdown`]), and [`synthetic`] makes a distinct, plausible resolution
//! per seed for load and chaos tests ([`synthetic::resolution`]).
//!
//! The crate never reads files, never embeds font programs and is deterministic: the same
//! input gives the same bytes.

mod blocks;
mod content;
mod fonts;
mod furniture;
mod layout;
pub mod metrics;
mod options;
pub mod synthetic;
mod typesetter;
pub mod un;

pub use blocks::{Align, Face, IntoRuns, Label, Masthead, Paragraph, Run, INDENT};
pub use options::{
    FontKind, Furniture, Geometry, Ligatures, Options, Raise, SimpleFontNames, Spacing,
    ToUnicodeStyle,
};
pub use typesetter::{Report, Typesetter};
