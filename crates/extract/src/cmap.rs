//! ToUnicode CMaps: `bfchar` and `bfrange` (both forms), multi-byte codes and UTF-16
//! destinations with surrogate pairs. Malformed entries are skipped, never fatal.

use std::collections::HashMap;

use crate::lexer::{decode_hex, Lexer, Token};

/// Largest range expanded into single entries; bigger ranges are kept as ranges.
const RANGE_EXPAND_LIMIT: u32 = 256;

#[derive(Debug, Default, Clone)]
pub struct ToUnicode {
    single: HashMap<u32, String>,
    /// (lo, hi, destination of lo as UTF-16 units): codes increment the last unit.
    ranges: Vec<(u32, u32, Vec<u16>)>,
}

fn code_of(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, &b| acc << 8 | b as u32)
}

/// Big-endian UTF-16 code units (a lone last byte is one unit).
pub(crate) fn utf16(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| {
            if c.len() == 2 {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                c[0] as u16
            }
        })
        .collect()
}

pub(crate) fn utf16_to_string(units: &[u16]) -> String {
    char::decode_utf16(units.iter().copied())
        .map(|r| r.unwrap_or('\u{FFFD}'))
        .collect()
}

impl ToUnicode {
    pub fn parse(data: &[u8]) -> ToUnicode {
        let mut map = ToUnicode::default();
        let mut toks = Lexer::new(data).peekable();
        let mut buf = Vec::new();
        let mut buf2 = Vec::new();
        while let Some(t) = toks.next() {
            match t {
                Token::Operator(b"beginbfchar") => {
                    while let Some(Token::Hex(src)) = toks.next() {
                        let Some(Token::Hex(dst)) = toks.next() else {
                            break;
                        };
                        decode_hex(src, &mut buf);
                        decode_hex(dst, &mut buf2);
                        map.single
                            .insert(code_of(&buf), utf16_to_string(&utf16(&buf2)));
                    }
                }
                Token::Operator(b"beginbfrange") => {
                    while let Some(Token::Hex(lo)) = toks.next() {
                        let Some(Token::Hex(hi)) = toks.next() else {
                            break;
                        };
                        decode_hex(lo, &mut buf);
                        let lo = code_of(&buf);
                        decode_hex(hi, &mut buf);
                        let hi = code_of(&buf);
                        match toks.next() {
                            Some(Token::Hex(dst)) => {
                                decode_hex(dst, &mut buf2);
                                let base = utf16(&buf2);
                                if hi < lo || base.is_empty() {
                                    continue;
                                }
                                if hi - lo < RANGE_EXPAND_LIMIT {
                                    for code in lo..=hi {
                                        let mut units = base.clone();
                                        let last = units.len() - 1;
                                        units[last] = units[last].wrapping_add((code - lo) as u16);
                                        map.single
                                            .entry(code)
                                            .or_insert_with(|| utf16_to_string(&units));
                                    }
                                } else {
                                    map.ranges.push((lo, hi, base));
                                }
                            }
                            Some(Token::ArrayOpen) => {
                                let mut code = lo;
                                while let Some(Token::Hex(dst)) = toks.next() {
                                    decode_hex(dst, &mut buf2);
                                    if code <= hi {
                                        map.single
                                            .entry(code)
                                            .or_insert_with(|| utf16_to_string(&utf16(&buf2)));
                                    }
                                    code = code.saturating_add(1);
                                }
                            }
                            _ => break,
                        }
                    }
                }
                _ => {}
            }
        }
        map.ranges.sort_by_key(|r| r.0);
        map
    }

    pub fn is_empty(&self) -> bool {
        self.single.is_empty() && self.ranges.is_empty()
    }

    pub fn lookup(&self, code: u32) -> Option<String> {
        if let Some(s) = self.single.get(&code) {
            return Some(s.clone());
        }
        let i = self.ranges.partition_point(|r| r.0 <= code);
        let (lo, hi, base) = self.ranges.get(i.checked_sub(1)?)?;
        if code > *hi {
            return None;
        }
        let mut units = base.clone();
        let last = units.len() - 1;
        units[last] = units[last].wrapping_add((code - lo) as u16);
        Some(utf16_to_string(&units))
    }
}

impl ToUnicode {
    /// The single-code entries, for callers that index them their own way.
    pub fn singles(&self) -> impl Iterator<Item = (u32, &String)> {
        self.single.iter().map(|(k, v)| (*k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CMAP: &str = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar
<0003> <0020>
<0024> <0041>
<00B2> <FB01>
endbfchar
2 beginbfrange
<0044> <0046> <0061>
<0050> <0051> [<0078> <D83DDE00>]
endbfrange
1 beginbfrange
<1000> <2FFF> <4E00>
endbfrange
endcmap";

    #[test]
    fn bfchar_and_both_bfrange_forms() {
        let m = ToUnicode::parse(CMAP.as_bytes());
        assert_eq!(m.lookup(0x0003).as_deref(), Some(" "));
        assert_eq!(m.lookup(0x0024).as_deref(), Some("A"));
        assert_eq!(m.lookup(0x00B2).as_deref(), Some("\u{FB01}"));
        assert_eq!(m.lookup(0x0045).as_deref(), Some("b"));
        assert_eq!(m.lookup(0x0046).as_deref(), Some("c"));
        assert_eq!(m.lookup(0x0050).as_deref(), Some("x"));
        assert_eq!(m.lookup(0x0051).as_deref(), Some("\u{1F600}"));
        assert_eq!(m.lookup(0x1001).as_deref(), Some("\u{4E01}"));
        assert_eq!(m.lookup(0x3000), None);
        assert_eq!(m.lookup(0x0047), None);
    }
}
