//! Text normalisation for comparisons, as `shared/gold/README.md` ("Comparing") defines it.
//!
//! Gold keeps typography as printed, extractors may not: both sides go through [`normalize`]
//! so that only real differences (a lost word, a glued footnote number) count.

use unicode_normalization::UnicodeNormalization;

/// Unicode NFKC, typographic quotes, apostrophes and dashes mapped to ASCII, whitespace runs
/// collapsed to one space, no leading or trailing space.
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfkc() {
        let c = ascii_typography(c);
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// The ASCII form of a typographic quote, apostrophe or dash; other characters unchanged.
fn ascii_typography(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' => '-',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_typography_to_ascii() {
        assert_eq!(
            normalize("“Women’s” rights, 2021–2030 — now"),
            "\"Women's\" rights, 2021-2030 - now"
        );
    }

    #[test]
    fn collapses_and_trims_whitespace() {
        assert_eq!(normalize("  a \n\t b\u{a0}c  "), "a b c");
    }

    #[test]
    fn applies_nfkc() {
        // Ligature fi and full-width digits fold to their plain forms.
        assert_eq!(normalize("\u{FB01}nal １２"), "final 12");
    }
}
