//! Zero-copy tokeniser for PDF content streams.
//!
//! Tokens borrow from the decompressed stream; strings stay raw (escapes are decoded only
//! when a show operator needs them). Inline images (`BI ... ID <binary> EI`) are skipped
//! whole so their bytes never reach the interpreter. Malformed input never panics: an
//! unexpected byte is skipped.

/// One lexical token of a content stream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Token<'a> {
    Number(f32),
    /// A name without the leading `/` (escapes `#xx` left as is).
    Name(&'a [u8]),
    /// A literal string's raw bytes between the outer parentheses, escapes undecoded.
    Literal(&'a [u8]),
    /// A hex string's raw digits between `<` and `>`.
    Hex(&'a [u8]),
    ArrayOpen,
    ArrayClose,
    DictOpen,
    DictClose,
    /// An operator or keyword (`Tj`, `true`, `null`, ...).
    Operator(&'a [u8]),
}

pub struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

#[inline]
fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

#[inline]
fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

impl<'a> Lexer<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Lexer { data, pos: 0 }
    }

    fn skip_white_and_comments(&mut self) {
        let d = self.data;
        while self.pos < d.len() {
            let b = d[self.pos];
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.pos < d.len() && d[self.pos] != b'\n' && d[self.pos] != b'\r' {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// Skips inline image data after an `ID` operator: up to and including the `EI` that
    /// stands alone between white space.
    pub fn skip_inline_image(&mut self) {
        let d = self.data;
        // One white-space byte follows ID.
        let mut i = self.pos + 1;
        while i + 1 < d.len() {
            if d[i] == b'E'
                && d[i + 1] == b'I'
                && is_white(d[i - 1])
                && (i + 2 >= d.len() || is_white(d[i + 2]) || is_delim(d[i + 2]))
            {
                self.pos = i + 2;
                return;
            }
            i += 1;
        }
        self.pos = d.len();
    }

    fn literal(&mut self) -> &'a [u8] {
        let d = self.data;
        let start = self.pos;
        let mut depth = 1u32;
        while self.pos < d.len() {
            match d[self.pos] {
                b'\\' => self.pos += 2,
                b'(' => {
                    depth += 1;
                    self.pos += 1
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        let s = &d[start..self.pos];
                        self.pos += 1;
                        return s;
                    }
                    self.pos += 1;
                }
                _ => self.pos += 1,
            }
        }
        &d[start.min(d.len())..]
    }

    fn number(&mut self) -> Option<f32> {
        let d = self.data;
        let start = self.pos;
        let mut neg = false;
        let mut i = self.pos;
        if i < d.len() && (d[i] == b'-' || d[i] == b'+') {
            neg = d[i] == b'-';
            i += 1;
        }
        let mut int: f64 = 0.0;
        let mut frac: f64 = 0.0;
        let mut scale = 1.0f64;
        let mut seen_digit = false;
        let mut seen_dot = false;
        while i < d.len() {
            let b = d[i];
            if b.is_ascii_digit() {
                seen_digit = true;
                if seen_dot {
                    scale *= 0.1;
                    frac += (b - b'0') as f64 * scale;
                } else {
                    int = int * 10.0 + (b - b'0') as f64;
                }
            } else if b == b'.' && !seen_dot {
                seen_dot = true;
            } else if b == b'-' || b == b'+' {
                // "1-2" style garbage: stop here, as readers do.
                break;
            } else {
                break;
            }
            i += 1;
        }
        self.pos = i;
        if !seen_digit {
            if self.pos == start {
                self.pos += 1;
            }
            return None;
        }
        let v = int + frac;
        Some(if neg { -v } else { v } as f32)
    }
}

impl<'a> Iterator for Lexer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let d = self.data;
        loop {
            self.skip_white_and_comments();
            if self.pos >= d.len() {
                return None;
            }
            let b = d[self.pos];
            match b {
                b'/' => {
                    self.pos += 1;
                    let start = self.pos;
                    while self.pos < d.len() && !is_white(d[self.pos]) && !is_delim(d[self.pos]) {
                        self.pos += 1;
                    }
                    return Some(Token::Name(&d[start..self.pos]));
                }
                b'(' => {
                    self.pos += 1;
                    return Some(Token::Literal(self.literal()));
                }
                b'<' => {
                    if d.get(self.pos + 1) == Some(&b'<') {
                        self.pos += 2;
                        return Some(Token::DictOpen);
                    }
                    self.pos += 1;
                    let start = self.pos;
                    while self.pos < d.len() && d[self.pos] != b'>' {
                        self.pos += 1;
                    }
                    let s = &d[start..self.pos];
                    self.pos += 1;
                    return Some(Token::Hex(s));
                }
                b'>' => {
                    if d.get(self.pos + 1) == Some(&b'>') {
                        self.pos += 2;
                        return Some(Token::DictClose);
                    }
                    self.pos += 1;
                }
                b'[' => {
                    self.pos += 1;
                    return Some(Token::ArrayOpen);
                }
                b']' => {
                    self.pos += 1;
                    return Some(Token::ArrayClose);
                }
                b'{' | b'}' | b')' => self.pos += 1,
                b'0'..=b'9' | b'-' | b'+' | b'.' => {
                    if let Some(n) = self.number() {
                        return Some(Token::Number(n));
                    }
                }
                _ => {
                    let start = self.pos;
                    while self.pos < d.len() && !is_white(d[self.pos]) && !is_delim(d[self.pos]) {
                        self.pos += 1;
                    }
                    if self.pos == start {
                        self.pos += 1;
                        continue;
                    }
                    return Some(Token::Operator(&d[start..self.pos]));
                }
            }
        }
    }
}

/// Decodes a literal string's escapes into `out` (cleared first).
pub fn decode_literal(raw: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b != b'\\' {
            out.push(b);
            i += 1;
            continue;
        }
        i += 1;
        let Some(&e) = raw.get(i) else { break };
        i += 1;
        match e {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'\r' => {
                if raw.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => {}
            b'0'..=b'7' => {
                let mut v = (e - b'0') as u32;
                for _ in 0..2 {
                    match raw.get(i) {
                        Some(&c @ b'0'..=b'7') => {
                            v = v * 8 + (c - b'0') as u32;
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(v as u8);
            }
            other => out.push(other),
        }
    }
}

/// Decodes a hex string's digits into `out` (cleared first); an odd final digit is
/// padded with 0 as the spec says.
pub fn decode_hex(raw: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut hi: Option<u8> = None;
    for &b in raw {
        let v = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => continue,
        };
        match hi.take() {
            Some(h) => out.push(h << 4 | v),
            None => hi = Some(v),
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Token<'_>> {
        Lexer::new(s.as_bytes()).collect()
    }

    #[test]
    fn lexes_show_text_array_with_kerning() {
        let t = toks("[<0038>-9(a\\)b)]TJ");
        assert_eq!(
            t,
            vec![
                Token::ArrayOpen,
                Token::Hex(b"0038"),
                Token::Number(-9.0),
                Token::Literal(b"a\\)b"),
                Token::ArrayClose,
                Token::Operator(b"TJ"),
            ]
        );
    }

    #[test]
    fn numbers_in_all_forms() {
        assert_eq!(
            toks(".5 -.25 +3 12."),
            vec![
                Token::Number(0.5),
                Token::Number(-0.25),
                Token::Number(3.0),
                Token::Number(12.0)
            ]
        );
    }

    #[test]
    fn dictionaries_names_and_comments() {
        let t = toks("/Artifact <</Type/Pagination>> BDC % comment\nEMC");
        assert_eq!(t[0], Token::Name(b"Artifact"));
        assert_eq!(t[1], Token::DictOpen);
        assert_eq!(t[2], Token::Name(b"Type"));
        assert_eq!(t[4], Token::DictClose);
        assert_eq!(t[5], Token::Operator(b"BDC"));
        assert_eq!(t[6], Token::Operator(b"EMC"));
    }

    #[test]
    fn literal_escapes_and_nested_parentheses() {
        let t = toks("(a(b)c\\051\\n)");
        let Token::Literal(raw) = t[0] else {
            panic!("{t:?}")
        };
        let mut out = Vec::new();
        decode_literal(raw, &mut out);
        assert_eq!(out, b"a(b)c)\n");
    }

    #[test]
    fn hex_odd_digit_is_padded() {
        let mut out = Vec::new();
        decode_hex(b"00 4 1F", &mut out);
        assert_eq!(out, vec![0x00, 0x41, 0xF0]);
    }

    #[test]
    fn garbage_never_panics() {
        for s in ["(((", "<", "<<>>>", "-", "[ ] } { ) 1.2.3", "\\"] {
            let _ = toks(s);
        }
    }
}
