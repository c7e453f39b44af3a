//! Fonts as the interpreter needs them: code -> Unicode text and code -> advance width,
//! plus the style facts (bold, italic) the clause parser reads leads from.
//!
//! Simple fonts decode through their ToUnicode map when present, else their encoding
//! (base encoding + `/Differences` via the Adobe Glyph List); Type0 fonts read 2-byte codes
//! (Identity-H/V) through ToUnicode. Widths come from `/Widths` or `/W` + `/DW`.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use crate::cmap::ToUnicode;
use crate::encoding::{glyph_to_unicode, BaseEncoding};

/// Bounded so a hostile font cannot make us allocate without end.
const MAX_TOUNICODE_BYTES: usize = 4 << 20;

#[derive(Debug, Clone)]
pub struct Font {
    /// BaseFont without a subset prefix (`ABCDEF+`).
    pub name: String,
    pub bold: bool,
    pub italic: bool,
    /// Codes are two bytes (Type0 with an Identity or other 2-byte CMap).
    pub two_byte: bool,
    /// Draws a barcode: its glyphs are never text a reader reads.
    pub barcode: bool,
    simple_text: Vec<Option<Box<str>>>,
    simple_widths: Vec<f32>,
    cid_text: HashMap<u32, Box<str>>,
    to_unicode: Option<ToUnicode>,
    cid_widths: HashMap<u32, f32>,
    default_width: f32,
    /// Glyph space -> text space for widths (1/1000, or a Type3 FontMatrix).
    width_scale: f32,
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

fn get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    dict.get(key).ok().map(|o| deref(doc, o))
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn name_str(o: &Object) -> Option<String> {
    match o {
        Object::Name(n) => Some(String::from_utf8_lossy(n).into_owned()),
        _ => None,
    }
}

impl Font {
    /// A font used when a `Tf` names a resource we cannot find: text stays readable as
    /// Latin-1-ish bytes with average widths rather than vanishing.
    pub fn fallback() -> Font {
        Font {
            name: String::from("(missing)"),
            bold: false,
            italic: false,
            two_byte: false,
            barcode: false,
            simple_text: (0..256u32)
                .map(|c| {
                    BaseEncoding::WinAnsi
                        .decode(c as u8)
                        .map(|ch| ch.to_string().into_boxed_str())
                })
                .collect(),
            simple_widths: vec![0.5; 256],
            cid_text: HashMap::new(),
            to_unicode: None,
            cid_widths: HashMap::new(),
            default_width: 0.5,
            width_scale: 0.001,
        }
    }

    pub fn load(doc: &Document, dict: &Dictionary) -> Font {
        let subtype = get(doc, dict, b"Subtype")
            .and_then(name_str)
            .unwrap_or_default();
        let raw_name = get(doc, dict, b"BaseFont")
            .and_then(name_str)
            .unwrap_or_default();
        let name = match raw_name.split_once('+') {
            Some((prefix, rest)) if prefix.len() == 6 => rest.to_string(),
            _ => raw_name,
        };
        let to_unicode = get(doc, dict, b"ToUnicode")
            .and_then(|o| o.as_stream().ok())
            .and_then(|s| {
                s.decompressed_content_with_limit(MAX_TOUNICODE_BYTES)
                    .ok()
                    .or_else(|| Some(s.content.clone()))
            })
            .map(|data| ToUnicode::parse(&data))
            .filter(|m| !m.is_empty());

        let mut font = Font {
            name,
            to_unicode,
            ..Font::fallback()
        };
        font.simple_widths = vec![0.0; 256];
        let descriptor;
        if subtype == "Type0" {
            font.two_byte = true;
            let descendant = get(doc, dict, b"DescendantFonts")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .map(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok());
            if let Some(d) = descendant {
                font.load_cid_widths(doc, d);
            }
            descriptor = descendant
                .and_then(|d| get(doc, d, b"FontDescriptor"))
                .and_then(|o| o.as_dict().ok());
            if let Some(tu) = &font.to_unicode {
                font.cid_text = tu_singles(tu);
            }
        } else {
            if subtype == "Type3" {
                if let Some(m) = get(doc, dict, b"FontMatrix").and_then(|o| o.as_array().ok()) {
                    font.width_scale = m.first().and_then(num).unwrap_or(0.001);
                }
            }
            font.load_simple_encoding(doc, dict);
            font.load_simple_widths(doc, dict);
            descriptor = get(doc, dict, b"FontDescriptor").and_then(|o| o.as_dict().ok());
        }
        font.set_style(doc, descriptor);
        font
    }

    fn set_style(&mut self, doc: &Document, descriptor: Option<&Dictionary>) {
        let n = self.name.to_ascii_lowercase();
        let family_style = n.rsplit([',', '-']).next().unwrap_or("");
        self.bold = ["bold", "black", "heavy", "semibold", "demi"]
            .iter()
            .any(|s| n.contains(s));
        self.italic =
            ["italic", "oblique"].iter().any(|s| n.contains(s)) || family_style.ends_with("it");
        self.barcode = n.contains("barcode") || n.contains("3of9") || n.contains("code39");
        if let Some(d) = descriptor {
            let flags = get(doc, d, b"Flags").and_then(num).unwrap_or(0.0) as i64;
            let angle = get(doc, d, b"ItalicAngle").and_then(num).unwrap_or(0.0);
            let weight = get(doc, d, b"FontWeight").and_then(num).unwrap_or(0.0);
            if flags & 64 != 0 || angle.abs() > 0.5 {
                self.italic = true;
            }
            if flags & (1 << 18) != 0 || weight >= 600.0 {
                self.bold = true;
            }
        }
    }

    fn load_simple_encoding(&mut self, doc: &Document, dict: &Dictionary) {
        let enc = get(doc, dict, b"Encoding");
        let symbolic = self.name.contains("Symbol") || self.name.contains("Dingbats");
        let mut base = if symbolic {
            None
        } else {
            Some(BaseEncoding::Standard)
        };
        let mut differences: Option<&Vec<Object>> = None;
        match enc {
            Some(Object::Name(n)) => base = BaseEncoding::from_name(n).or(base),
            Some(Object::Dictionary(d)) => {
                if let Some(Object::Name(n)) = get(doc, d, b"BaseEncoding") {
                    base = BaseEncoding::from_name(n).or(base);
                }
                differences = get(doc, d, b"Differences").and_then(|o| o.as_array().ok());
            }
            _ => {
                // No encoding: TrueType fonts are conventionally WinAnsi-like.
                if get(doc, dict, b"Subtype").and_then(name_str).as_deref() == Some("TrueType") {
                    base = Some(BaseEncoding::WinAnsi);
                }
            }
        }
        let mut table: Vec<Option<Box<str>>> = (0..256u32)
            .map(|c| {
                base.and_then(|b| b.decode(c as u8))
                    .map(|ch| ch.to_string().into_boxed_str())
            })
            .collect();
        if let Some(diffs) = differences {
            let mut code: i64 = 0;
            for item in diffs {
                match deref(doc, item) {
                    Object::Integer(i) => code = *i,
                    Object::Name(n) => {
                        if (0..256).contains(&code) {
                            let gname = String::from_utf8_lossy(n);
                            table[code as usize] =
                                glyph_to_unicode(&gname).map(String::into_boxed_str);
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
        if let Some(tu) = &self.to_unicode {
            for (code, slot) in table.iter_mut().enumerate() {
                if let Some(s) = tu.lookup(code as u32) {
                    *slot = Some(s.into_boxed_str());
                }
            }
        }
        self.simple_text = table;
    }

    fn load_simple_widths(&mut self, doc: &Document, dict: &Dictionary) {
        let first = get(doc, dict, b"FirstChar")
            .and_then(num)
            .unwrap_or(0.0)
            .max(0.0) as usize;
        let missing = get(doc, dict, b"FontDescriptor")
            .and_then(|o| o.as_dict().ok())
            .and_then(|d| get(doc, d, b"MissingWidth"))
            .and_then(num);
        let widths = get(doc, dict, b"Widths").and_then(|o| o.as_array().ok());
        let default = missing.unwrap_or(if widths.is_some() { 0.0 } else { 500.0 });
        self.simple_widths = vec![default * self.width_scale; 256];
        if widths.is_none() {
            // A standard-14 font without metrics: an average advance keeps word gaps sane.
            self.simple_widths[32] = 250.0 * self.width_scale;
        }
        if let Some(ws) = widths {
            for (i, w) in ws.iter().enumerate() {
                if let (Some(slot), Some(w)) =
                    (self.simple_widths.get_mut(first + i), num(deref(doc, w)))
                {
                    *slot = w * self.width_scale;
                }
            }
        }
    }

    fn load_cid_widths(&mut self, doc: &Document, cid_font: &Dictionary) {
        self.default_width = get(doc, cid_font, b"DW").and_then(num).unwrap_or(1000.0) * 0.001;
        let Some(w) = get(doc, cid_font, b"W").and_then(|o| o.as_array().ok()) else {
            return;
        };
        let mut i = 0;
        while i < w.len() {
            let Some(start) = num(deref(doc, &w[i])) else {
                break;
            };
            let start = start as u32;
            match w.get(i + 1).map(|o| deref(doc, o)) {
                Some(Object::Array(list)) => {
                    for (k, v) in list.iter().enumerate() {
                        if let Some(v) = num(deref(doc, v)) {
                            self.cid_widths
                                .insert(start.saturating_add(k as u32), v * 0.001);
                        }
                    }
                    i += 2;
                }
                Some(o) => {
                    let (Some(end), Some(v)) =
                        (num(o), w.get(i + 2).and_then(|x| num(deref(doc, x))))
                    else {
                        break;
                    };
                    let end = (end as u32).min(start.saturating_add(65_535));
                    for c in start..=end {
                        self.cid_widths.insert(c, v * 0.001);
                    }
                    i += 3;
                }
                None => break,
            }
        }
    }

    /// Walks the codes of a shown string: calls `f(text, advance_width_em, is_single_byte_space)`
    /// per code; `text` is empty for a code with no Unicode mapping.
    #[inline]
    pub fn for_each_glyph(&self, bytes: &[u8], mut f: impl FnMut(&str, f32, bool)) {
        if self.two_byte {
            for pair in bytes.chunks(2) {
                let code = if pair.len() == 2 {
                    u16::from_be_bytes([pair[0], pair[1]]) as u32
                } else {
                    pair[0] as u32
                };
                let w = self
                    .cid_widths
                    .get(&code)
                    .copied()
                    .unwrap_or(self.default_width);
                match self.cid_text.get(&code) {
                    Some(s) => f(s, w, false),
                    None => match self.to_unicode.as_ref().and_then(|t| t.lookup(code)) {
                        Some(s) => f(&s, w, false),
                        None => f("", w, false),
                    },
                }
            }
        } else {
            for &b in bytes {
                let text = self.simple_text[b as usize].as_deref().unwrap_or("");
                f(text, self.simple_widths[b as usize], b == 32);
            }
        }
    }
}

fn tu_singles(tu: &ToUnicode) -> HashMap<u32, Box<str>> {
    tu.singles()
        .map(|(k, v)| (k, v.clone().into_boxed_str()))
        .collect()
}
