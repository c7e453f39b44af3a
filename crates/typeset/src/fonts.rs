//! The font registry: decides which PDF font draws a fragment (simple WinAnsi or Type0
//! Identity-H), shapes text into glyphs with their widths, assigns Type0 glyph ids and resource
//! names, and writes the font dictionaries, descriptors, /W arrays and ToUnicode CMaps.
//!
//! Glyph ids are our own (no font file is embedded): they are handed out after layout, sorted
//! by the text each glyph stands for, so runs of letters get consecutive ids and the CMap can
//! use `bfrange`. The extractor must read text through ToUnicode, never guess from ids.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use lopdf::{dictionary, Document, Object, ObjectId, Stream};

use crate::metrics::{self, FALLBACK_ADVANCE};
use crate::options::{FontKind, Ligatures, SimpleFontNames, ToUnicodeStyle};
use crate::Face;

/// How a fragment's characters are written in the content stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Enc {
    /// One byte per glyph, WinAnsiEncoding.
    WinAnsi,
    /// Two bytes per glyph: our glyph id.
    IdentityH,
}

/// One PDF font object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum FontId {
    Text(Face, Enc),
    /// "Barcode 3 of 9", WinAnsi, for the page-1 barcode line.
    Barcode,
}

/// A shaped glyph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Glyph {
    /// WinAnsi code, or the registry's glyph index for Identity-H (turned into a glyph id by
    /// [`Fonts::freeze`]).
    pub code: u32,
    /// Advance in 1/1000 em.
    pub width: u16,
    pub is_space: bool,
}

/// What a fragment is for: Word draws words, spaces and page furniture in different fonts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Word,
    Space,
    Furniture,
}

/// Width of every barcode glyph (1/1000 em), matching the real font's 9-character span.
const BARCODE_ADVANCE: u16 = 937;

#[derive(Default)]
struct CidTable {
    /// Key (the glyph's own character, or U+FB01/U+FB02 for ligatures) -> index in `entries`.
    index: HashMap<String, u32>,
    /// (key, ToUnicode destination, advance)
    entries: Vec<(String, String, u16)>,
    /// Glyph id of each entry, filled by `freeze`.
    gids: Vec<u16>,
}

pub(crate) struct Fonts {
    kind: FontKind,
    names: SimpleFontNames,
    ligatures: Ligatures,
    to_unicode: ToUnicodeStyle,
    cid: [CidTable; 4],
    /// Lowest and highest WinAnsi code drawn per face, for /FirstChar and /LastChar.
    simple_range: [Option<(u8, u8)>; 4],
    barcode_range: Option<(u8, u8)>,
    resource_names: BTreeMap<FontId, String>,
    frozen: bool,
}

fn face_index(face: Face) -> usize {
    match face {
        Face::Regular => 0,
        Face::Italic => 1,
        Face::Bold => 2,
        Face::BoldItalic => 3,
    }
}

fn widen(range: &mut Option<(u8, u8)>, code: u8) {
    *range = Some(match *range {
        None => (code, code),
        Some((lo, hi)) => (lo.min(code), hi.max(code)),
    });
}

impl Fonts {
    pub fn new(
        kind: FontKind,
        names: SimpleFontNames,
        ligatures: Ligatures,
        to_unicode: ToUnicodeStyle,
    ) -> Fonts {
        Fonts {
            kind,
            names,
            ligatures,
            to_unicode,
            cid: Default::default(),
            simple_range: [None; 4],
            barcode_range: None,
            resource_names: BTreeMap::new(),
            frozen: false,
        }
    }

    fn encoding_for(&self, role: Role, text: &str) -> Enc {
        let encodable = text.chars().all(|c| metrics::winansi_code(c).is_some());
        let preferred = match (self.kind, role) {
            (FontKind::Simple, _) => Enc::WinAnsi,
            (FontKind::Type0, _) => Enc::IdentityH,
            (FontKind::WordMix, Role::Word) => Enc::IdentityH,
            (FontKind::WordMix, Role::Space | Role::Furniture) => Enc::WinAnsi,
        };
        if preferred == Enc::WinAnsi && !encodable {
            Enc::IdentityH
        } else {
            preferred
        }
    }

    /// Shapes `text` in `face` for `role`: picks the font and returns its glyphs.
    pub fn shape(&mut self, face: Face, text: &str, role: Role) -> (FontId, Vec<Glyph>) {
        assert!(!self.frozen, "text shaped after glyph ids were assigned");
        let enc = self.encoding_for(role, text);
        let glyphs = match enc {
            Enc::WinAnsi => {
                let range = &mut self.simple_range[face_index(face)];
                text.chars()
                    .map(|c| {
                        let code = metrics::winansi_code(c).expect("checked encodable");
                        widen(range, code);
                        Glyph {
                            code: u32::from(code),
                            width: metrics::winansi_advance(face, code),
                            is_space: c == ' ',
                        }
                    })
                    .collect()
            }
            Enc::IdentityH => self.shape_cid(face, text),
        };
        (FontId::Text(face, enc), glyphs)
    }

    fn shape_cid(&mut self, face: Face, text: &str) -> Vec<Glyph> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::with_capacity(chars.len());
        let mut i = 0;
        while i < chars.len() {
            let lig = match (self.ligatures, chars[i], chars.get(i + 1)) {
                (Ligatures::Off, ..) => None,
                (_, 'f', Some('i')) => Some(('\u{FB01}', "fi")),
                (_, 'f', Some('l')) => Some(('\u{FB02}', "fl")),
                _ => None,
            };
            let (key, dest, step) = match lig {
                Some((c, letters)) => {
                    let dest = if self.ligatures == Ligatures::Letters {
                        letters.to_string()
                    } else {
                        c.to_string()
                    };
                    (c, dest, 2)
                }
                None => (chars[i], chars[i].to_string(), 1),
            };
            let width = metrics::advance(face, key).unwrap_or(FALLBACK_ADVANCE);
            let table = &mut self.cid[face_index(face)];
            let key_s = key.to_string();
            let code = match table.index.get(&key_s) {
                Some(&idx) => idx,
                None => {
                    let idx = table.entries.len() as u32;
                    table.index.insert(key_s.clone(), idx);
                    table.entries.push((key_s, dest, width));
                    idx
                }
            };
            out.push(Glyph {
                code,
                width,
                is_space: key == ' ',
            });
            i += step;
        }
        out
    }

    /// Shapes the digits and asterisks of a barcode line.
    pub fn shape_barcode(&mut self, text: &str) -> (FontId, Vec<Glyph>) {
        let glyphs = text
            .chars()
            .filter_map(metrics::winansi_code)
            .map(|code| {
                widen(&mut self.barcode_range, code);
                Glyph {
                    code: u32::from(code),
                    width: BARCODE_ADVANCE,
                    is_space: code == b' ',
                }
            })
            .collect();
        (FontId::Barcode, glyphs)
    }

    /// Hands out glyph ids: per face, sorted by the text each glyph stands for, from 1.
    pub fn freeze(&mut self) {
        for table in &mut self.cid {
            let mut order: Vec<usize> = (0..table.entries.len()).collect();
            order.sort_by(|&a, &b| table.entries[a].0.cmp(&table.entries[b].0));
            table.gids = vec![0; table.entries.len()];
            for (rank, idx) in order.into_iter().enumerate() {
                table.gids[idx] = rank as u16 + 1;
            }
        }
        self.frozen = true;
    }

    /// The resource name (`F1`, `F2`, ...) of `font`, given out in order of first use.
    pub fn resource(&mut self, font: FontId) -> String {
        let next = self.resource_names.len() + 1;
        self.resource_names
            .entry(font)
            .or_insert_with(|| format!("F{next}"))
            .clone()
    }

    /// Bytes of `glyph` in a content-stream string of `font`.
    pub fn encode(&self, font: FontId, glyph: &Glyph, out: &mut Vec<u8>) {
        match font {
            FontId::Text(face, Enc::IdentityH) => {
                let gid = self.cid[face_index(face)].gids[glyph.code as usize];
                out.extend_from_slice(&gid.to_be_bytes());
            }
            _ => out.push(glyph.code as u8),
        }
    }

    /// Writes every font that has a resource name; returns their object ids.
    pub fn write(&self, doc: &mut Document) -> BTreeMap<FontId, ObjectId> {
        let mut ids = BTreeMap::new();
        for font in self.resource_names.keys() {
            let id = match *font {
                FontId::Text(face, Enc::WinAnsi) => self.write_simple(doc, face),
                FontId::Text(face, Enc::IdentityH) => self.write_type0(doc, face),
                FontId::Barcode => self.write_barcode(doc),
            };
            ids.insert(*font, id);
        }
        ids
    }

    fn simple_name(&self, face: Face) -> &'static str {
        match (self.names, face) {
            (SimpleFontNames::Base14, Face::Regular) => "Times-Roman",
            (SimpleFontNames::Base14, Face::Italic) => "Times-Italic",
            (SimpleFontNames::Base14, Face::Bold) => "Times-Bold",
            (SimpleFontNames::Base14, Face::BoldItalic) => "Times-BoldItalic",
            (SimpleFontNames::TimesNewRoman, face) => truetype_name(face),
        }
    }

    fn write_simple(&self, doc: &mut Document, face: Face) -> ObjectId {
        let name = self.simple_name(face);
        let (first, last) = self.simple_range[face_index(face)].unwrap_or((32, 32));
        let widths: Vec<Object> = (first..=last)
            .map(|code| Object::from(metrics::winansi_advance(face, code)))
            .collect();
        let descriptor = doc.add_object(descriptor(name, face));
        let subtype = match self.names {
            SimpleFontNames::Base14 => "Type1",
            SimpleFontNames::TimesNewRoman => "TrueType",
        };
        let widths_id = doc.add_object(Object::Array(widths));
        doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => subtype,
            "BaseFont" => name,
            "Encoding" => "WinAnsiEncoding",
            "FirstChar" => first,
            "LastChar" => last,
            "Widths" => widths_id,
            "FontDescriptor" => descriptor,
        })
    }

    fn write_type0(&self, doc: &mut Document, face: Face) -> ObjectId {
        let name = truetype_name(face);
        let table = &self.cid[face_index(face)];
        let mut by_gid: Vec<(u16, &str, u16)> = table
            .entries
            .iter()
            .zip(&table.gids)
            .map(|((_, dest, width), gid)| (*gid, dest.as_str(), *width))
            .collect();
        by_gid.sort_by_key(|e| e.0);

        let descriptor = doc.add_object(descriptor(name, face));
        let cid_font = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => name,
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"),
                "Supplement" => 0,
            },
            "FontDescriptor" => descriptor,
            "DW" => 1000,
            "W" => w_array(&by_gid),
            "CIDToGIDMap" => "Identity",
        });
        let cmap = to_unicode_cmap(&by_gid, self.to_unicode);
        let to_unicode = doc.add_object(Stream::new(dictionary! {}, cmap.into_bytes()));
        doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => name,
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![Object::Reference(cid_font)],
            "ToUnicode" => to_unicode,
        })
    }

    fn write_barcode(&self, doc: &mut Document) -> ObjectId {
        let name = "Barcode 3 of 9 by request";
        let (first, last) = self.barcode_range.unwrap_or((32, 32));
        let widths: Vec<Object> = (first..=last)
            .map(|_| Object::from(BARCODE_ADVANCE))
            .collect();
        let descriptor = doc.add_object(dictionary! {
            "Type" => "FontDescriptor",
            "FontName" => name,
            "Flags" => 32,
            "ItalicAngle" => 0,
            "Ascent" => 1066,
            "Descent" => 0,
            "CapHeight" => 1066,
            "StemV" => 0,
            "FontBBox" => vec![0.into(), 0.into(), 1844.into(), 1066.into()],
        });
        doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "TrueType",
            "BaseFont" => name,
            "Encoding" => "WinAnsiEncoding",
            "FirstChar" => first,
            "LastChar" => last,
            "Widths" => widths,
            "FontDescriptor" => descriptor,
        })
    }
}

fn truetype_name(face: Face) -> &'static str {
    match face {
        Face::Regular => "TimesNewRomanPSMT",
        Face::Italic => "TimesNewRomanPS-ItalicMT",
        Face::Bold => "TimesNewRomanPS-BoldMT",
        Face::BoldItalic => "TimesNewRomanPS-BoldItalicMT",
    }
}

/// A font descriptor that says the style twice, by /Flags and /ItalicAngle or /FontWeight,
/// so an extractor can trust either.
fn descriptor(name: &str, face: Face) -> lopdf::Dictionary {
    const SERIF: i64 = 1 << 1;
    const NONSYMBOLIC: i64 = 1 << 5;
    const ITALIC: i64 = 1 << 6;
    const FORCE_BOLD: i64 = 1 << 18;
    let italic = matches!(face, Face::Italic | Face::BoldItalic);
    let bold = matches!(face, Face::Bold | Face::BoldItalic);
    let mut flags = SERIF | NONSYMBOLIC;
    if italic {
        flags |= ITALIC;
    }
    if bold {
        flags |= FORCE_BOLD;
    }
    dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => name,
        "Flags" => flags,
        "ItalicAngle" => if italic { -15 } else { 0 },
        "Ascent" => 891,
        "Descent" => -216,
        "CapHeight" => 662,
        "XHeight" => 450,
        "StemV" => if bold { 139 } else { 84 },
        "FontWeight" => if bold { 700 } else { 400 },
        "FontBBox" => vec![(-568).into(), (-216).into(), 2046.into(), 693.into()],
    }
}

/// /W: runs of consecutive glyph ids as `first [w1 w2 ...]`.
fn w_array(by_gid: &[(u16, &str, u16)]) -> Vec<Object> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < by_gid.len() {
        let start = by_gid[i].0;
        let mut widths = vec![Object::from(by_gid[i].2)];
        let mut j = i + 1;
        while j < by_gid.len() && by_gid[j].0 == by_gid[j - 1].0 + 1 {
            widths.push(Object::from(by_gid[j].2));
            j += 1;
        }
        out.push(Object::from(start));
        out.push(Object::Array(widths));
        i = j;
    }
    out
}

fn utf16_hex(text: &str) -> String {
    let mut s = String::new();
    for unit in text.encode_utf16() {
        let _ = write!(s, "{unit:04X}");
    }
    s
}

/// The single UTF-16 unit of `text`, when it has exactly one (ranges need it).
fn single_unit(text: &str) -> Option<u16> {
    let mut units = text.encode_utf16();
    match (units.next(), units.next()) {
        (Some(u), None) => Some(u),
        _ => None,
    }
}

/// A ToUnicode CMap in the requested style; blocks hold at most 100 entries, as the
/// CMap specification requires.
fn to_unicode_cmap(by_gid: &[(u16, &str, u16)], style: ToUnicodeStyle) -> String {
    let mut chars: Vec<String> = Vec::new();
    let mut ranges: Vec<String> = Vec::new();
    let mut i = 0;
    while i < by_gid.len() {
        let (gid, dest, _) = by_gid[i];
        // Ranges may not cross a change of the high byte of the code.
        let same_block = |j: usize| by_gid[j].0 >> 8 == gid >> 8;
        match style {
            ToUnicodeStyle::BfChar => {
                chars.push(format!("<{gid:04X}> <{}>", utf16_hex(dest)));
                i += 1;
            }
            ToUnicodeStyle::BfRange => {
                let mut j = i + 1;
                if let Some(first) = single_unit(dest) {
                    while j < by_gid.len()
                        && same_block(j)
                        && by_gid[j].0 == by_gid[j - 1].0 + 1
                        && single_unit(by_gid[j].1) == first.checked_add(by_gid[j].0 - gid)
                    {
                        j += 1;
                    }
                }
                if j - i >= 2 {
                    let last = by_gid[j - 1].0;
                    ranges.push(format!("<{gid:04X}> <{last:04X}> <{}>", utf16_hex(dest)));
                } else {
                    chars.push(format!("<{gid:04X}> <{}>", utf16_hex(dest)));
                }
                i = j;
            }
            ToUnicodeStyle::BfRangeArrays => {
                let mut j = i + 1;
                while j < by_gid.len() && same_block(j) && by_gid[j].0 == by_gid[j - 1].0 + 1 {
                    j += 1;
                }
                let dests: Vec<String> = by_gid[i..j]
                    .iter()
                    .map(|e| format!("<{}>", utf16_hex(e.1)))
                    .collect();
                let last = by_gid[j - 1].0;
                ranges.push(format!("<{gid:04X}> <{last:04X}> [{}]", dests.join(" ")));
                i = j;
            }
        }
    }
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for block in chars.chunks(100) {
        let _ = writeln!(
            s,
            "{} beginbfchar\n{}\nendbfchar",
            block.len(),
            block.join("\n")
        );
    }
    for block in ranges.chunks(100) {
        let _ = writeln!(
            s,
            "{} beginbfrange\n{}\nendbfrange",
            block.len(),
            block.join("\n")
        );
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

/// Faces that have Type0 glyphs, for tests.
#[cfg(test)]
pub(crate) fn faces_with_cid(fonts: &Fonts) -> std::collections::BTreeSet<Face> {
    [Face::Regular, Face::Italic, Face::Bold, Face::BoldItalic]
        .iter()
        .copied()
        .filter(|f| !fonts.cid[face_index(*f)].entries.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts(kind: FontKind, lig: Ligatures, style: ToUnicodeStyle) -> Fonts {
        Fonts::new(kind, SimpleFontNames::TimesNewRoman, lig, style)
    }

    #[test]
    fn simple_mode_falls_back_to_type0_for_unencodable_text() {
        let mut f = fonts(FontKind::Simple, Ligatures::Off, ToUnicodeStyle::BfChar);
        let (id, g) = f.shape(Face::Regular, "Caf\u{e9} \u{201C}x\u{201D}", Role::Word);
        assert_eq!(id, FontId::Text(Face::Regular, Enc::WinAnsi));
        assert_eq!(g[3].code, 0xE9);
        let (id, _) = f.shape(Face::Italic, "\u{0416}", Role::Word);
        assert_eq!(id, FontId::Text(Face::Italic, Enc::IdentityH));
        assert!(faces_with_cid(&f).contains(&Face::Italic));
    }

    #[test]
    fn ligatures_become_one_glyph_with_their_own_width() {
        let mut f = fonts(FontKind::Type0, Ligatures::Unicode, ToUnicodeStyle::BfChar);
        let (_, g) = f.shape(Face::Regular, "fifl", Role::Word);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].width, 556);
    }

    #[test]
    fn bfrange_covers_consecutive_letters() {
        let mut f = fonts(FontKind::Type0, Ligatures::Letters, ToUnicodeStyle::BfRange);
        f.shape(Face::Regular, "abcfi", Role::Word);
        f.freeze();
        let t = &f.cid[0];
        let mut by_gid: Vec<(u16, &str, u16)> = t
            .entries
            .iter()
            .zip(&t.gids)
            .map(|((_, d, w), g)| (*g, d.as_str(), *w))
            .collect();
        by_gid.sort_by_key(|e| e.0);
        let cmap = to_unicode_cmap(&by_gid, ToUnicodeStyle::BfRange);
        assert!(cmap.contains("<0001> <0003> <0061>"), "{cmap}");
        assert!(cmap.contains("<0004> <00660069>"), "{cmap}");
    }
}
