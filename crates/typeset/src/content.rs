//! Content-stream writer: turns placed fragments into text operators in the style the
//! [`Spacing`], [`Raise`] and kerning options ask for, plus rules and the emblem's paths.
//!
//! Owns operator syntax only; it never moves text (positions come from layout and pagination).

use std::collections::BTreeSet;

use crate::fonts::{Enc, FontId, Fonts, Glyph};
use crate::layout::Piece;
use crate::options::{Options, Raise, Spacing};

/// Which of Word's pagination artifacts a line belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Artifact {
    Header,
    Footer,
}

/// Writes `v` with at most three decimals and no trailing zeros, as PDF producers do.
pub(crate) fn fmt_num(v: f32) -> String {
    let r = (v * 1000.0).round() / 1000.0;
    if r == 0.0 {
        return "0".to_string();
    }
    let s = format!("{r:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Deterministic pseudo-kerning between glyphs `i` and `i + 1` (1/1000 em, within ±20).
fn jitter(a: &Glyph, b: &Glyph, i: usize) -> f32 {
    let h = a.code.wrapping_mul(31) ^ b.code.wrapping_mul(17) ^ (i as u32).wrapping_mul(7);
    (h % 41) as f32 - 20.0
}

pub(crate) struct ContentWriter<'a> {
    buf: Vec<u8>,
    fonts: &'a mut Fonts,
    used: BTreeSet<FontId>,
    spacing: Spacing,
    raise: Raise,
    kerning: bool,
    marked: bool,
    mcid: u32,
    page_width: f32,
    page_height: f32,
}

/// One segment of a TJ array: a glyph followed by an optional adjustment.
struct Shown<'g> {
    glyph: &'g Glyph,
    adjust_after: f32,
}

impl<'a> ContentWriter<'a> {
    /// A writer for one page, in the style `opts` ask for.
    pub fn new(fonts: &'a mut Fonts, opts: &Options) -> Self {
        ContentWriter {
            buf: Vec::with_capacity(16 * 1024),
            fonts,
            used: BTreeSet::new(),
            spacing: opts.spacing,
            raise: opts.raise,
            kerning: opts.glyph_kerning,
            marked: opts.marked_content,
            mcid: 0,
            page_width: opts.geometry.page_width,
            page_height: opts.geometry.page_height,
        }
    }

    /// The stream bytes and the fonts it uses.
    pub fn finish(self) -> (Vec<u8>, BTreeSet<FontId>) {
        (self.buf, self.used)
    }

    fn raw(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn nums(&mut self, vs: &[f32], op: &str) {
        for v in vs {
            let s = fmt_num(*v);
            self.raw(&s);
            self.raw(" ");
        }
        self.raw(op);
        self.raw("\n");
    }

    fn set_font(&mut self, font: FontId, size: f32) {
        let name = self.fonts.resource(font);
        self.used.insert(font);
        self.raw(&format!("/{name} "));
        self.nums(&[size], "Tf");
    }

    /// Writes the glyphs as `Tj` when nothing needs adjusting (and no array is asked for),
    /// else as a `TJ` array.
    fn show(&mut self, font: FontId, shown: &[Shown], force_array: bool) {
        let hex = matches!(font, FontId::Text(_, Enc::IdentityH));
        let plain = !force_array && shown.iter().all(|s| s.adjust_after.abs() < 0.5);
        let mut bytes = Vec::with_capacity(2);
        let mut string_open = false;
        if !plain {
            self.raw("[");
        }
        for (i, s) in shown.iter().enumerate() {
            if !string_open {
                self.raw(if hex { "<" } else { "(" });
                string_open = true;
            }
            bytes.clear();
            self.fonts.encode(font, s.glyph, &mut bytes);
            for &b in &bytes {
                if hex {
                    self.raw(&format!("{b:02X}"));
                } else {
                    match b {
                        b'(' | b')' | b'\\' => {
                            self.buf.push(b'\\');
                            self.buf.push(b);
                        }
                        0x20..=0x7E => self.buf.push(b),
                        _ => self.raw(&format!("\\{b:03o}")),
                    }
                }
            }
            let last = i + 1 == shown.len();
            if !plain && (s.adjust_after.abs() >= 0.5 || last) {
                self.raw(if hex { ">" } else { ")" });
                string_open = false;
                if !last {
                    self.raw(&fmt_num(s.adjust_after.round()));
                }
            }
        }
        if plain {
            self.raw(if hex { "> Tj\n" } else { ") Tj\n" });
        } else {
            self.raw("] TJ\n");
        }
    }

    /// Glyphs of one fragment, with kerning adjustments when asked: each pair of numbers nudges
    /// one inner glyph and puts the rest back, so a word's first and last glyphs (its box)
    /// stay exactly where layout put them.
    fn glyph_list<'g>(&self, piece: &'g Piece, out: &mut Vec<Shown<'g>>) {
        let g = &piece.frag.glyphs;
        let kern = self.kerning && !piece.frag.space;
        for (i, glyph) in g.iter().enumerate() {
            // Odd glyphs (never the last) are nudged: a number before them, its negation after.
            let adjust_after = if !kern {
                0.0
            } else if i % 2 == 0 && i + 2 < g.len() {
                jitter(glyph, &g[i + 1], i)
            } else if i % 2 == 1 && i + 1 < g.len() {
                -jitter(&g[i - 1], glyph, i - 1)
            } else {
                0.0
            };
            out.push(Shown {
                glyph,
                adjust_after,
            });
        }
    }

    fn begin_marked(&mut self) {
        if self.marked {
            let id = self.mcid;
            self.mcid += 1;
            self.raw(&format!("/P <</MCID {id}>> BDC\n"));
        }
    }

    fn end_marked(&mut self) {
        if self.marked {
            self.raw("EMC\n");
        }
    }

    pub fn begin_artifact(&mut self, kind: Artifact) {
        if self.marked {
            let (attached, subtype) = match kind {
                Artifact::Header => ("Top", "Header"),
                Artifact::Footer => ("Bottom", "Footer"),
            };
            self.raw(&format!(
                "/Artifact <</Attached [/{attached}] /Type /Pagination /Subtype /{subtype}>> BDC\n"
            ));
        }
    }

    pub fn end_artifact(&mut self) {
        self.end_marked();
    }

    /// A body or footnote line in the document's chosen style. Piece offsets are relative to
    /// `x0`; `y` is the baseline.
    pub fn body_line(&mut self, pieces: &[Piece], x0: f32, y: f32) {
        self.begin_marked();
        match self.spacing {
            Spacing::SpaceGlyphs => self.merged(pieces, x0, y, true),
            Spacing::TjAdjust => self.merged(pieces, x0, y, false),
            Spacing::SeparateItems => self.separate(pieces, x0, y),
            Spacing::PositionedWords => self.positioned(pieces, x0, y),
        }
        self.end_marked();
    }

    /// Furniture text (headers, footers, masthead, separator): one text object, `Tm` per
    /// segment, whatever the body style.
    pub fn furniture_line(&mut self, pieces: &[Piece], x0: f32, y: f32) {
        self.merged(pieces, x0, y, true);
    }

    /// Consecutive pieces in the same font, size and baseline become one string; the gaps
    /// between them (justification) become `Tw` or TJ numbers.
    fn merged(&mut self, pieces: &[Piece], x0: f32, y: f32, allow_tw: bool) {
        if pieces.is_empty() {
            return;
        }
        self.raw("BT\n");
        let mut current: Option<(FontId, f32)> = None;
        let mut i = 0;
        while i < pieces.len() {
            let f = &pieces[i].frag;
            let mut j = i + 1;
            while j < pieces.len() {
                let g = &pieces[j].frag;
                if g.font != f.font || g.size != f.size || g.rise != f.rise || g.hscale != f.hscale
                {
                    break;
                }
                j += 1;
            }
            let seg = &pieces[i..j];
            if current != Some((f.font, f.size)) {
                self.set_font(f.font, f.size);
                current = Some((f.font, f.size));
            }
            let raised = matches!(self.raise, Raise::Matrix);
            let ty = if raised { y + f.rise } else { y };
            self.nums(&[f.hscale, 0.0, 0.0, 1.0, x0 + seg[0].x, ty], "Tm");
            if !raised && f.rise != 0.0 {
                self.nums(&[f.rise], "Ts");
            }
            let unit = f.size * f.hscale / 1000.0;
            let mut shown = Vec::new();
            // Gaps between pieces that layout opened (justification), after which piece kind.
            let mut gaps = Vec::new();
            for (k, piece) in seg.iter().enumerate() {
                self.glyph_list(piece, &mut shown);
                if let Some(next) = seg.get(k + 1) {
                    let gap = next.x - (piece.x + piece.frag.width);
                    if gap.abs() >= 0.005 {
                        gaps.push((piece.frag.space, gap));
                        if let Some(last) = shown.last_mut() {
                            // Added to any kerning already there, which must still cancel out.
                            last.adjust_after -= gap / unit;
                        }
                    }
                }
            }
            // Simple fonts can justify with word spacing when every gap follows a space and
            // all are equal, as older producers did.
            let simple = !matches!(f.font, FontId::Text(_, Enc::IdentityH));
            let tw = gaps.first().map_or(0.0, |g| g.1);
            let uniform = gaps.iter().all(|&(sp, g)| sp && (g - tw).abs() < 0.01);
            let use_tw = allow_tw && simple && !gaps.is_empty() && uniform;
            if use_tw {
                self.nums(&[tw], "Tw");
                for s in shown.iter_mut() {
                    if s.glyph.is_space {
                        s.adjust_after = 0.0;
                    }
                }
            }
            self.show(f.font, &shown, false);
            if use_tw {
                self.raw("0 Tw\n");
            }
            if !raised && f.rise != 0.0 {
                self.raw("0 Ts\n");
            }
            i = j;
        }
        self.raw("ET\n");
    }

    /// Word's way: each piece is its own clipped text object at an absolute matrix.
    fn separate(&mut self, pieces: &[Piece], x0: f32, y: f32) {
        for piece in pieces {
            let f = &piece.frag;
            self.raw("q\n");
            self.nums(&[0.0, 0.0, self.page_width, self.page_height], "re");
            self.raw("W* n\nBT\n");
            self.set_font(f.font, f.size);
            let raised = matches!(self.raise, Raise::Matrix);
            let ty = if raised { y + f.rise } else { y };
            self.nums(&[f.hscale, 0.0, 0.0, 1.0, x0 + piece.x, ty], "Tm");
            if !raised && f.rise != 0.0 {
                self.nums(&[f.rise], "Ts");
            }
            let mut shown = Vec::new();
            self.glyph_list(piece, &mut shown);
            // Always an array, even for one glyph, as Word writes `[( )] TJ`.
            self.show(f.font, &shown, true);
            if !raised && f.rise != 0.0 {
                self.raw("0 Ts\n");
            }
            self.raw("ET\nQ\n");
        }
    }

    /// Words placed by `Td` moves from the previous word's origin; spaces are not drawn.
    fn positioned(&mut self, pieces: &[Piece], x0: f32, y: f32) {
        self.raw("BT\n");
        let mut current: Option<(FontId, f32)> = None;
        let mut origin = (0.0f32, 0.0f32);
        let mut risen = false;
        for piece in pieces.iter().filter(|p| !p.frag.space) {
            let f = &piece.frag;
            if current != Some((f.font, f.size)) {
                self.set_font(f.font, f.size);
                current = Some((f.font, f.size));
            }
            let raised = matches!(self.raise, Raise::Matrix);
            let (tx, ty) = (x0 + piece.x, if raised { y + f.rise } else { y });
            self.nums(&[tx - origin.0, ty - origin.1], "Td");
            origin = (tx, ty);
            let want_rise = !raised && f.rise != 0.0;
            if want_rise != risen {
                self.nums(&[if want_rise { f.rise } else { 0.0 }], "Ts");
                risen = want_rise;
            }
            let mut shown = Vec::new();
            self.glyph_list(piece, &mut shown);
            self.show(f.font, &shown, false);
        }
        if risen {
            self.raw("0 Ts\n");
        }
        self.raw("ET\n");
    }

    /// A filled rectangle (rules under the masthead and the running header).
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.nums(&[x, y, w, h], "re");
        self.raw("f\n");
    }

    /// A grey circle with a cross inside: a stand-in for the UN emblem, paths only.
    pub fn emblem(&mut self, cx: f32, cy: f32, r: f32) {
        const K: f32 = 0.552_284_8;
        self.raw("q\n0.35 G\n0.8 w\n");
        let k = r * K;
        self.nums(&[cx + r, cy], "m");
        self.nums(&[cx + r, cy + k, cx + k, cy + r, cx, cy + r], "c");
        self.nums(&[cx - k, cy + r, cx - r, cy + k, cx - r, cy], "c");
        self.nums(&[cx - r, cy - k, cx - k, cy - r, cx, cy - r], "c");
        self.nums(&[cx + k, cy - r, cx + r, cy - k, cx + r, cy], "c");
        self.raw("S\n");
        self.nums(&[cx - r, cy], "m");
        self.nums(&[cx + r, cy], "l");
        self.nums(&[cx, cy - r], "m");
        self.nums(&[cx, cy + r], "l");
        self.raw("S\nQ\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_exact() {
        assert_eq!(fmt_num(123.38), "123.38");
        assert_eq!(fmt_num(0.0), "0");
        assert_eq!(fmt_num(-0.0001), "0");
        assert_eq!(fmt_num(9.96), "9.96");
        assert_eq!(fmt_num(-267.0), "-267");
        assert_eq!(fmt_num(3.486), "3.486");
    }
}
