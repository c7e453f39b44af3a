//! Font metrics: the WinAnsi code of a character and the advance width of each Times glyph.
//!
//! Owns the literal width tables; never decides which font a piece of text is drawn in (that
//! is the font registry's job).

mod tables;

use crate::Face;

/// Advance (1/1000 em) used for characters Times has no metrics for; only Type0 fonts can
/// show them, and their /W array carries this same value, so layout and PDF agree.
pub const FALLBACK_ADVANCE: u16 = 500;

/// Unicode of WinAnsi codes 0x80..=0x9F (cp1252); `None` where the code is undefined.
const WINANSI_HIGH: [Option<char>; 32] = [
    Some('\u{20AC}'),
    None,
    Some('\u{201A}'),
    Some('\u{0192}'),
    Some('\u{201E}'),
    Some('\u{2026}'),
    Some('\u{2020}'),
    Some('\u{2021}'),
    Some('\u{02C6}'),
    Some('\u{2030}'),
    Some('\u{0160}'),
    Some('\u{2039}'),
    Some('\u{0152}'),
    None,
    Some('\u{017D}'),
    None,
    None,
    Some('\u{2018}'),
    Some('\u{2019}'),
    Some('\u{201C}'),
    Some('\u{201D}'),
    Some('\u{2022}'),
    Some('\u{2013}'),
    Some('\u{2014}'),
    Some('\u{02DC}'),
    Some('\u{2122}'),
    Some('\u{0161}'),
    Some('\u{203A}'),
    Some('\u{0153}'),
    None,
    Some('\u{017E}'),
    Some('\u{0178}'),
];

/// The WinAnsiEncoding code that shows `c`, or `None` when a simple WinAnsi font cannot show it.
pub fn winansi_code(c: char) -> Option<u8> {
    let u = c as u32;
    match u {
        0x20..=0x7E | 0xA0..=0xFF => Some(u as u8),
        _ => WINANSI_HIGH
            .iter()
            .position(|h| *h == Some(c))
            .map(|i| 0x80 + i as u8),
    }
}

/// The character WinAnsi code `code` stands for.
pub fn winansi_char(code: u8) -> Option<char> {
    match code {
        0x20..=0x7E | 0xA0..=0xFF => Some(code as char),
        0x80..=0x9F => WINANSI_HIGH[(code - 0x80) as usize],
        _ => None,
    }
}

fn table(face: Face) -> (&'static [u16; 224], &'static [(char, u16)]) {
    match face {
        Face::Regular => (&tables::TIMES_ROMAN, &tables::TIMES_ROMAN_EXTRA),
        Face::Italic => (&tables::TIMES_ITALIC, &tables::TIMES_ITALIC_EXTRA),
        Face::Bold => (&tables::TIMES_BOLD, &tables::TIMES_BOLD_EXTRA),
        Face::BoldItalic => (&tables::TIMES_BOLD_ITALIC, &tables::TIMES_BOLD_ITALIC_EXTRA),
    }
}

/// Advance width of the WinAnsi code `code` in `face` (1/1000 em); 0 for undefined codes.
pub fn winansi_advance(face: Face, code: u8) -> u16 {
    if code < 32 {
        return 0;
    }
    table(face).0[(code - 32) as usize]
}

/// Advance width of `c` in `face` (1/1000 em), `None` when Times has no metrics for it.
pub fn advance(face: Face, c: char) -> Option<u16> {
    if let Some(code) = winansi_code(c) {
        return Some(winansi_advance(face, code));
    }
    table(face)
        .1
        .iter()
        .find(|(ch, _)| *ch == c)
        .map(|(_, w)| *w)
}

/// Width of `text` in `face` at `size` points, with no kerning or ligatures.
pub fn text_width(face: Face, size: f32, text: &str) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| u32::from(advance(face, c).unwrap_or(FALLBACK_ADVANCE)))
        .sum();
    units as f32 * size / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adobe_times_widths_for_common_glyphs() {
        assert_eq!(advance(Face::Regular, ' '), Some(250));
        assert_eq!(advance(Face::Regular, 'a'), Some(444));
        assert_eq!(advance(Face::Regular, 'W'), Some(944));
        assert_eq!(advance(Face::Italic, 'a'), Some(500));
        assert_eq!(advance(Face::Bold, 'a'), Some(500));
        assert_eq!(advance(Face::Regular, '\u{201C}'), Some(444));
        assert_eq!(advance(Face::Regular, '\u{2013}'), Some(500));
        assert_eq!(advance(Face::Regular, '\u{FB01}'), Some(556));
        assert_eq!(advance(Face::Regular, '\u{0416}'), None);
    }

    #[test]
    fn winansi_round_trips_through_cp1252_high_range() {
        for code in 0x20u8..=0xFF {
            if let Some(c) = winansi_char(code) {
                assert_eq!(winansi_code(c), Some(code), "code {code:#x}");
            }
        }
        assert_eq!(winansi_code('\u{2019}'), Some(0x92));
        assert_eq!(winansi_code('\u{FB01}'), None);
    }
}
