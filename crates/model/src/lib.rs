//! Shared wire types of resingest: every role depends on this crate and nothing else is
//! shared sideways.
//!
//! - [`resolution`]: the resolution JSON contract (v2, `docs/contract-v2.md`: v1 as
//!   `shared/gold/README.md` defines it, plus section headings, `sections` and `warnings`). The extractor produces it, the queue carries it, the sink stores it.
//! - [`topology`]: exchange and queue names, their argument tables, the message envelope
//!   (headers) and the event body, as plain data; `resingest-amqp` declares them with lapin.
//! - [`archive`]: where PDFs are archived (content-addressed by sha256) and when a document
//!   message carries a claim check instead of the PDF; `resingest-archive` does the I/O.
//! - [`symbol`]: UN document symbols in canonical form ([`Symbol`]), read from print, file
//!   names and undocs.org / docs.un.org / symbol API links; the adopting [`Organ`] with its
//!   names and symbol prefixes (the extractor, the sink's filters and AKN all ask it); the six
//!   official [`LANGUAGES`].
//! - `gold`: [`Resolution::from_gold`], reading a hand-checked gold file, which leaves out the
//!   fields only an extractor knows.
//!
//! This crate must stay small and free of I/O: it is types and their (de)serialisation;
//! the Akoma Ntoso rendering is `resingest-akn`.

pub mod archive;
mod gold;
pub mod resolution;
pub mod symbol;
pub mod topology;

pub use resolution::{
    Annex, AnnexParagraph, Clause, Continued, Footnote, Heading, Kind, Paragraph, Part, Provenance,
    Resolution, Section, Subparagraph, Warning, WarningKind, SCHEMA_VERSION, SCHEMA_VERSIONS_READ,
};
pub use symbol::{Organ, Symbol, SymbolError, LANGUAGES};

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

/// English ordinal words as UN documents print session numbers: 71 -> "seventy-first",
/// 80 -> "eightieth"; `None` outside 1..=99.
pub fn ordinal_words(n: u32) -> Option<String> {
    const ORDINAL: [&str; 20] = [
        "",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if n == 0 || n >= 100 {
        return None;
    }
    let (tens, units) = ((n / 10) as usize, (n % 10) as usize);
    Some(match (tens, units) {
        (0 | 1, _) => ORDINAL[n as usize].to_string(),
        (_, 0) => format!("{}ieth", TENS[tens].trim_end_matches('y')),
        _ => format!("{}-{}", TENS[tens], ORDINAL[units]),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn ordinal_words_as_sessions_print() {
        assert_eq!(super::ordinal_words(71).as_deref(), Some("seventy-first"));
        assert_eq!(super::ordinal_words(80).as_deref(), Some("eightieth"));
        assert_eq!(super::ordinal_words(12).as_deref(), Some("twelfth"));
        assert_eq!(super::ordinal_words(0), None);
        assert_eq!(super::ordinal_words(100), None);
    }
}
