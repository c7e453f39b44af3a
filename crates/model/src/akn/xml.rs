//! XML text and attribute escaping.
//!
//! Extracted text comes from PDFs and may carry characters XML 1.0 forbids (form feeds, stray
//! C0 controls); one of those would make the whole document unreadable, so they are dropped here
//! rather than trusted away upstream.

/// Whether XML 1.0 allows `c` in a document (`Char` production).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Appends `s` escaped for element content and attribute values (double-quoted) alike.
pub(crate) fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
}

/// `s` escaped, as a new string (for attribute values built inline).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_controls() {
        assert_eq!(
            escape("a < b & \"c\" > d\u{c}\u{0}e\u{FFFE}"),
            "a &lt; b &amp; &quot;c&quot; &gt; de"
        );
    }

    #[test]
    fn keeps_typography_and_astral_characters() {
        assert_eq!(escape("“2021–2030” 𝔸"), "“2021–2030” 𝔸");
    }
}
