//! Paragraph layout: turns runs into shaped fragments, finds where lines may break (spaces,
//! soft hyphens, automatic hyphenation points, optionally real hyphens) and fills lines
//! greedily with the Times widths, justifying all but the last.
//!
//! Owns horizontal placement only; which page a line lands on is [`crate::typesetter`]'s job.

use crate::blocks::{Align, Paragraph, Run};
use crate::fonts::{FontId, Fonts, Glyph, Role};
use crate::Face;

/// Superscripts are this fraction of the text size (6.48 pt on 9.96 pt text, as Word sets them)
pub(crate) const SUPERSCRIPT_SCALE: f32 = 0.65;
/// ... on a baseline raised by this fraction of the text size (3.49 pt on 9.96 pt text).
pub(crate) const SUPERSCRIPT_RISE: f32 = 0.35;

/// Tolerance when comparing widths, so rounding never pushes a fitting word to the next line.
const EPS: f32 = 0.01;

/// A shaped piece of text in one font, size and baseline.
#[derive(Clone, Debug)]
pub(crate) struct Frag {
    pub font: FontId,
    pub glyphs: Vec<Glyph>,
    pub size: f32,
    /// Raise above the line's baseline (superscripts).
    pub rise: f32,
    /// Horizontal scale (1.0 but for the masthead's condensed type).
    pub hscale: f32,
    /// Advance in points.
    pub width: f32,
    pub footnote: Option<u32>,
    /// A space item: carries justification and is left out where spaces are not drawn.
    pub space: bool,
}

impl Frag {
    pub fn new(font: FontId, glyphs: Vec<Glyph>, size: f32) -> Frag {
        let units: u32 = glyphs.iter().map(|g| u32::from(g.width)).sum();
        Frag {
            font,
            space: !glyphs.is_empty() && glyphs.iter().all(|g| g.is_space),
            glyphs,
            size,
            rise: 0.0,
            hscale: 1.0,
            width: units as f32 * size / 1000.0,
            footnote: None,
        }
    }

    pub fn scaled(mut self, hscale: f32) -> Frag {
        self.width *= hscale;
        self.hscale = hscale;
        self
    }
}

/// A fragment at a horizontal offset from the column's left edge.
#[derive(Clone, Debug)]
pub(crate) struct Piece {
    pub x: f32,
    pub frag: Frag,
}

/// One laid-out line.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    pub pieces: Vec<Piece>,
    /// Footnote markers on this line, in order.
    pub footnotes: Vec<u32>,
    /// A [`Run::PageBreak`] follows this line.
    pub break_after: bool,
}

/// Document-wide switches that affect line breaking.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BreakRules {
    pub justify: bool,
    pub hyphenate: bool,
    pub break_after_hyphens: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Attr {
    face: Face,
    sup: bool,
    footnote: Option<u32>,
}

#[derive(Debug)]
enum Tok {
    Word {
        chars: Vec<(char, Attr)>,
        /// Char indices where the word may break, and whether a hyphen is then drawn.
        breaks: Vec<(usize, bool)>,
    },
    Space(Face),
    PageBreak,
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// Break points for automatic hyphenation: between a vowel and a consonant that starts a new
/// syllable (organi-za-tion), at least three lowercase letters from either end. Crude, but
/// every split rejoins to the original word, which is all the extractor may assume.
fn auto_breaks(chars: &[(char, Attr)]) -> Vec<(usize, bool)> {
    let n = chars.len();
    let mut out = Vec::new();
    if n < 8 {
        return out;
    }
    let lower = |i: usize| chars[i].0.is_ascii_lowercase() && !chars[i].1.sup;
    for i in 3..n.saturating_sub(3) {
        let window_ok = (i - 3..i + 3).all(lower);
        if window_ok
            && is_vowel(chars[i - 1].0)
            && !is_vowel(chars[i].0)
            && is_vowel(chars[i + 1].0)
            && out.last().is_none_or(|&(k, _)| i - k >= 2)
        {
            out.push((i, true));
        }
    }
    out
}

fn tokenize(runs: &[Run], rules: BreakRules, hyphenate: bool) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut chars: Vec<(char, Attr)> = Vec::new();
    let mut breaks: Vec<(usize, bool)> = Vec::new();
    let flush = |toks: &mut Vec<Tok>, chars: &mut Vec<(char, Attr)>, breaks: &mut Vec<_>| {
        if chars.is_empty() {
            breaks.clear();
            return;
        }
        let mut b: Vec<(usize, bool)> = std::mem::take(breaks);
        if hyphenate || rules.hyphenate {
            b.extend(auto_breaks(chars));
        }
        let n = chars.len();
        b.retain(|&(k, _)| k > 0 && k < n);
        b.sort_by_key(|e| e.0);
        b.dedup_by_key(|e| e.0);
        toks.push(Tok::Word {
            chars: std::mem::take(chars),
            breaks: b,
        });
    };
    for run in runs {
        match run {
            Run::Text { text, face } => {
                let attr = Attr {
                    face: *face,
                    sup: false,
                    footnote: None,
                };
                for c in text.chars() {
                    if c.is_whitespace() && c != '\u{A0}' {
                        flush(&mut toks, &mut chars, &mut breaks);
                        if !matches!(toks.last(), Some(Tok::Space(_)) | None) {
                            toks.push(Tok::Space(*face));
                        }
                    } else if c == '\u{AD}' {
                        breaks.push((chars.len(), true));
                    } else {
                        chars.push((c, attr));
                        // A hyphen ending the word is dropped as a break point in `flush`.
                        if c == '-' && rules.break_after_hyphens {
                            breaks.push((chars.len(), false));
                        }
                    }
                }
            }
            Run::Superscript(text) => {
                let attr = Attr {
                    face: Face::Regular,
                    sup: true,
                    footnote: None,
                };
                chars.extend(text.chars().map(|c| (c, attr)));
            }
            Run::Footnote(n) => {
                let attr = Attr {
                    face: Face::Regular,
                    sup: true,
                    footnote: Some(*n),
                };
                chars.extend(n.to_string().chars().map(|c| (c, attr)));
            }
            Run::PageBreak => {
                flush(&mut toks, &mut chars, &mut breaks);
                if matches!(toks.last(), Some(Tok::Space(_))) {
                    toks.pop();
                }
                toks.push(Tok::PageBreak);
            }
        }
    }
    flush(&mut toks, &mut chars, &mut breaks);
    toks
}

/// Shapes `chars` into fragments, one per run of equal attributes.
fn shape(fonts: &mut Fonts, chars: &[(char, Attr)], size: f32) -> Vec<Frag> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let attr = chars[i].1;
        let mut j = i + 1;
        while j < chars.len() && chars[j].1 == attr {
            j += 1;
        }
        let text: String = chars[i..j].iter().map(|(c, _)| *c).collect();
        // Word draws superscript digits in its WinAnsi font, like spaces.
        let role = if attr.sup { Role::Space } else { Role::Word };
        let (font, glyphs) = fonts.shape(attr.face, &text, role);
        let (fsize, rise) = if attr.sup {
            (size * SUPERSCRIPT_SCALE, size * SUPERSCRIPT_RISE)
        } else {
            (size, 0.0)
        };
        let mut frag = Frag::new(font, glyphs, fsize);
        frag.rise = rise;
        frag.footnote = attr.footnote;
        out.push(frag);
        i = j;
    }
    out
}

fn width(frags: &[Frag]) -> f32 {
    frags.iter().map(|f| f.width).sum()
}

#[derive(Clone, Copy, PartialEq)]
enum Ending {
    /// Broken because the next word did not fit: justify.
    Full,
    /// Last line of the paragraph.
    Last,
    /// Ends at an in-paragraph page break.
    PageBreak,
}

struct Filler<'a> {
    para: &'a Paragraph,
    rules: BreakRules,
    right: f32,
    first_start: f32,
    label: Option<Piece>,
    lines: Vec<Line>,
    items: Vec<Frag>,
}

impl Filler<'_> {
    fn start(&self) -> f32 {
        if self.lines.is_empty() {
            self.first_start
        } else {
            self.para.indent
        }
    }

    fn avail(&self) -> f32 {
        self.right - self.start()
    }

    fn used(&self) -> f32 {
        width(&self.items)
    }

    fn finish(&mut self, ending: Ending) {
        if self.items.is_empty() && ending != Ending::PageBreak {
            return;
        }
        let items = std::mem::take(&mut self.items);
        let start = self.start();
        let avail = self.avail();
        let natural = width(&items);
        let spaces = items.iter().filter(|f| f.space).count();
        let stretch = match ending {
            Ending::Full => true,
            // A page break inside a paragraph ends a line Word would have filled.
            Ending::PageBreak => natural >= 0.85 * avail,
            Ending::Last => false,
        };
        let justify =
            self.para.align == Align::Justify && self.rules.justify && stretch && spaces > 0;
        let extra = if justify {
            ((avail - natural) / spaces as f32).max(0.0)
        } else {
            0.0
        };
        let mut x = match self.para.align {
            Align::Right => self.right - natural,
            Align::Center => start + (avail - natural) / 2.0,
            Align::Justify | Align::Left => start,
        };
        let mut pieces = Vec::with_capacity(items.len() + 1);
        if self.lines.is_empty() {
            if let Some(label) = self.label.take() {
                pieces.push(label);
            }
        }
        let mut footnotes = Vec::new();
        for frag in items {
            if let Some(n) = frag.footnote {
                if !footnotes.contains(&n) {
                    footnotes.push(n);
                }
            }
            let advance = frag.width + if frag.space { extra } else { 0.0 };
            pieces.push(Piece { x, frag });
            x += advance;
        }
        self.lines.push(Line {
            pieces,
            footnotes,
            break_after: ending == Ending::PageBreak,
        });
    }
}

/// Lays out `para` in a column `column_width` wide.
pub(crate) fn layout_paragraph(
    para: &Paragraph,
    column_width: f32,
    rules: BreakRules,
    fonts: &mut Fonts,
) -> Vec<Line> {
    let toks = tokenize(&para.runs, rules, para.hyphenate);
    let size = para.size;
    let right = para.measure.unwrap_or(column_width);

    let mut first_start = para.first_indent;
    let mut label = None;
    if let Some(l) = &para.label {
        let (font, glyphs) = fonts.shape(l.face, &l.text, Role::Word);
        let frag = Frag::new(font, glyphs, size);
        let (sfont, sglyphs) = fonts.shape(l.face, " ", Role::Space);
        let gap = Frag::new(sfont, sglyphs, size).width;
        first_start = l.text_at.max(para.first_indent + frag.width + gap);
        label = Some(Piece {
            x: para.first_indent,
            frag,
        });
    }

    let mut f = Filler {
        para,
        rules,
        right,
        first_start,
        label,
        lines: Vec::new(),
        items: Vec::new(),
    };
    let mut pending_space: Option<Face> = None;
    for tok in &toks {
        match tok {
            Tok::Space(face) => {
                if !f.items.is_empty() {
                    pending_space = Some(*face);
                }
            }
            Tok::PageBreak => {
                f.finish(Ending::PageBreak);
                pending_space = None;
            }
            Tok::Word { chars, breaks } => {
                let mut from = 0;
                loop {
                    let rest = &chars[from..];
                    let space = match (pending_space, f.items.is_empty()) {
                        (Some(face), false) => {
                            let (font, glyphs) = fonts.shape(face, " ", Role::Space);
                            Some(Frag::new(font, glyphs, size))
                        }
                        _ => None,
                    };
                    let space_w = space.as_ref().map_or(0.0, |s| s.width);
                    let room = f.avail() - f.used() - space_w;
                    let whole = shape(fonts, rest, size);
                    if width(&whole) <= room + EPS || (f.items.is_empty() && breaks.is_empty()) {
                        f.items.extend(space);
                        f.items.extend(whole);
                        pending_space = None;
                        break;
                    }
                    // Longest prefix, ending at a break point, that fits with its hyphen.
                    let mut split = None;
                    for &(k, hyphen) in breaks.iter().rev().filter(|(k, _)| *k > from) {
                        let mut prefix = shape(fonts, &chars[from..k], size);
                        if hyphen {
                            let face = chars[k - 1].1.face;
                            let (font, glyphs) = fonts.shape(face, "-", Role::Word);
                            prefix.push(Frag::new(font, glyphs, size));
                        }
                        if width(&prefix) <= room + EPS {
                            split = Some((k, prefix));
                            break;
                        }
                    }
                    match split {
                        Some((k, prefix)) => {
                            f.items.extend(space);
                            f.items.extend(prefix);
                            f.finish(Ending::Full);
                            pending_space = None;
                            from = k;
                        }
                        None if f.items.is_empty() => {
                            // Wider than a whole line and no break point fits: overflow.
                            f.items.extend(whole);
                            pending_space = None;
                            break;
                        }
                        None => {
                            f.finish(Ending::Full);
                            pending_space = None;
                        }
                    }
                }
            }
        }
    }
    f.finish(Ending::Last);
    f.lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{FontKind, Ligatures, SimpleFontNames, ToUnicodeStyle};

    fn fonts() -> Fonts {
        Fonts::new(
            FontKind::Simple,
            SimpleFontNames::Base14,
            Ligatures::Off,
            ToUnicodeStyle::BfChar,
        )
    }

    const RULES: BreakRules = BreakRules {
        justify: true,
        hyphenate: false,
        break_after_hyphens: false,
    };

    fn text_of(line: &Line) -> String {
        line.pieces
            .iter()
            .flat_map(|p| p.frag.glyphs.iter())
            .map(|g| crate::metrics::winansi_char(g.code as u8).unwrap())
            .collect()
    }

    #[test]
    fn justified_lines_end_at_the_right_edge_and_the_last_does_not() {
        let text = "word ".repeat(60);
        let p = Paragraph::body(text.as_str());
        let lines = layout_paragraph(&p, 300.0, RULES, &mut fonts());
        assert!(lines.len() > 2);
        let first = &lines[0];
        let last_piece = first.pieces.last().unwrap();
        assert!((last_piece.x + last_piece.frag.width - 300.0).abs() < 0.05);
        assert!((first.pieces[0].x - crate::blocks::INDENT).abs() < 1e-3);
        assert!(lines[1].pieces[0].x.abs() < 1e-3);
        let end = lines.last().unwrap().pieces.last().unwrap();
        assert!(end.x + end.frag.width < 299.0);
    }

    #[test]
    fn soft_hyphen_breaks_with_a_drawn_hyphen() {
        let p = Paragraph::line("aaaa bbbb organi\u{AD}zation");
        // Room for "aaaa bbbb organi-" but not the whole word.
        let w = crate::metrics::text_width(Face::Regular, 9.96, "aaaa bbbb organi-") + 1.0;
        let lines = layout_paragraph(&p, w, RULES, &mut fonts());
        assert_eq!(text_of(&lines[0]), "aaaa bbbb organi-");
        assert_eq!(text_of(&lines[1]), "zation");
    }

    #[test]
    fn automatic_hyphenation_splits_long_lowercase_words_only() {
        let chars: Vec<(char, Attr)> = "organization"
            .chars()
            .map(|c| {
                (
                    c,
                    Attr {
                        face: Face::Regular,
                        sup: false,
                        footnote: None,
                    },
                )
            })
            .collect();
        let b: Vec<usize> = auto_breaks(&chars).into_iter().map(|(k, _)| k).collect();
        assert!(b.contains(&6), "{b:?}"); // organi-zation
        let upper: Vec<(char, Attr)> = "INTERPOLATION".chars().map(|c| (c, chars[0].1)).collect();
        assert!(auto_breaks(&upper).is_empty());
    }

    #[test]
    fn footnote_marker_is_a_raised_smaller_fragment_glued_to_its_word() {
        let p = Paragraph::line(vec![
            Run::plain("INTERPOL"),
            Run::footnote(1),
            Run::plain(" and"),
        ]);
        let lines = layout_paragraph(&p, 300.0, RULES, &mut fonts());
        let pieces = &lines[0].pieces;
        assert_eq!(lines[0].footnotes, vec![1]);
        let marker = pieces.iter().find(|p| p.frag.footnote == Some(1)).unwrap();
        assert!((marker.frag.size - 9.96 * SUPERSCRIPT_SCALE).abs() < 1e-3);
        assert!(marker.frag.rise > 3.0);
        let word = &pieces[0];
        assert!((word.x + word.frag.width - marker.x).abs() < 1e-3);
    }

    #[test]
    fn page_break_run_ends_the_line_and_flags_it() {
        let p = Paragraph::body(vec![
            Run::plain("prevent and combat"),
            Run::page_break(),
            Run::plain("transnational crime"),
        ]);
        let lines = layout_paragraph(&p, 300.0, RULES, &mut fonts());
        assert_eq!(lines.len(), 2);
        assert!(lines[0].break_after);
        assert_eq!(text_of(&lines[1]), "transnational crime");
        assert!(lines[1].pieces[0].x.abs() < 1e-3);
    }
}
