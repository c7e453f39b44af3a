//! Simple-font encodings: the base encodings (WinAnsi, MacRoman, Standard) and glyph-name
//! lookup through the Adobe Glyph List for `/Differences`.

#[path = "glyphlist.rs"]
mod glyphlist;
#[path = "encoding_tables.rs"]
mod tables;

/// A base encoding named by a font's `/Encoding` (or implied by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    WinAnsi,
    MacRoman,
    Standard,
}

impl BaseEncoding {
    pub fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            _ => None,
        }
    }

    /// The character for a code, or `None` where the encoding leaves it undefined.
    pub fn decode(self, code: u8) -> Option<char> {
        let c = match self {
            BaseEncoding::WinAnsi => tables::WIN_ANSI[code as usize],
            BaseEncoding::MacRoman => tables::MAC_ROMAN[code as usize],
            BaseEncoding::Standard => tables::STANDARD[code as usize],
        };
        (c != '\0').then_some(c)
    }
}

/// Unicode text for a glyph name: the Adobe Glyph List, then the `uniXXXX`/`uXXXX[XX]`
/// conventions, then `name.suffix` and `a_b` ligature names component-wise.
pub fn glyph_to_unicode(name: &str) -> Option<String> {
    if let Ok(i) = glyphlist::GLYPHS.binary_search_by(|(n, _)| n.as_bytes().cmp(name.as_bytes())) {
        return Some(glyphlist::GLYPHS[i].1.to_string());
    }
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    if base != name {
        return glyph_to_unicode(base);
    }
    if base.contains('_') {
        let parts: Option<String> = base.split('_').map(glyph_to_unicode).collect();
        return parts;
    }
    if let Some(hex) = base.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return hex
                .as_bytes()
                .chunks(4)
                .map(|c| {
                    let v = u32::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok()?;
                    char::from_u32(v)
                })
                .collect();
        }
    }
    if let Some(hex) = base.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return u32::from_str_radix(hex, 16)
                .ok()
                .and_then(char::from_u32)
                .map(String::from);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_ansi_typographic_punctuation() {
        let e = BaseEncoding::WinAnsi;
        assert_eq!(e.decode(0x92), Some('\u{2019}'));
        assert_eq!(e.decode(0x96), Some('\u{2013}'));
        assert_eq!(e.decode(0xE9), Some('é'));
        assert_eq!(e.decode(0x81), None);
    }

    #[test]
    fn standard_differs_from_ascii_at_quotes() {
        assert_eq!(BaseEncoding::Standard.decode(0x27), Some('\u{2019}'));
        assert_eq!(BaseEncoding::Standard.decode(0xAE), Some('\u{FB01}'));
    }

    #[test]
    fn glyph_names() {
        assert_eq!(
            glyph_to_unicode("quotedblleft").as_deref(),
            Some("\u{201C}")
        );
        assert_eq!(glyph_to_unicode("A").as_deref(), Some("A"));
        assert_eq!(glyph_to_unicode("uni00E9").as_deref(), Some("é"));
        assert_eq!(glyph_to_unicode("u1F600").as_deref(), Some("\u{1F600}"));
        assert_eq!(glyph_to_unicode("f_i").as_deref(), Some("fi"));
        assert_eq!(glyph_to_unicode("a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_to_unicode("g123"), None);
    }
}
