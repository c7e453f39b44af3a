//! From glyphs to a reader's layout: lines by baseline, words by real gaps, style runs
//! (spans) with bold/italic/superscript, then page furniture, the footnote zone and
//! paragraphs (see [`crate::layout::structure`]).

use serde::{Deserialize, Serialize};

use crate::interp::{Artifact, Glyph, PageGlyphs};
use crate::pdf::RawDocument;

mod structure;

pub use structure::{is_marker, join_lines, Footnote, Paragraph};

/// A word break needs a gap wider than this share of the font size (poppler uses 0.1; Word's
/// justified lines and kerning stay below it inside words, real spaces are ~0.25).
const WORD_GAP_EM: f32 = 0.11;
/// A gap this wide (in em) separates columns: table cells, the masthead's two sides.
const COLUMN_GAP_EM: f32 = 1.5;
/// The same where the line draws its spaces as glyphs (see [`build_line`]).
const EXPLICIT_SPACE_GAP_EM: f32 = 0.2;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Document {
    pub fonts: Vec<FontInfo>,
    pub pages: Vec<Page>,
    /// Body paragraphs in reading order, furniture and footnotes removed.
    pub paragraphs: Vec<Paragraph>,
    pub footnotes: Vec<Footnote>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FontInfo {
    pub name: String,
    pub bold: bool,
    pub italic: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    /// 1-based.
    pub number: u32,
    pub width: f32,
    pub height: f32,
    pub lines: Vec<Line>,
}

/// What a line is on its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Body,
    /// Running header, footer, page number, job number, barcode.
    Furniture,
    /// The rule above the footnotes.
    FootnoteRule,
    Footnote,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Line {
    /// Baseline.
    pub y: f32,
    pub x0: f32,
    pub x1: f32,
    /// Dominant font size.
    pub size: f32,
    pub role: Role,
    pub artifact: Artifact,
    pub spans: Vec<Span>,
}

impl Line {
    /// The line's text, spans joined with their spaces, superscripts included.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for sp in &self.spans {
            if sp.space_before && !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&sp.text);
        }
        s
    }
}

/// A run of glyphs in one style on one line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Span {
    pub text: String,
    pub x0: f32,
    pub x1: f32,
    pub size: f32,
    pub font: u16,
    pub bold: bool,
    pub italic: bool,
    /// Raised and smaller than the line: a footnote marker or an ordinal suffix.
    pub superscript: bool,
    /// A word break separates this span from the previous one.
    pub space_before: bool,
    /// The span ends its line with a hyphen that joins it to the next line's first word;
    /// [`structure`] decides whether the hyphen is real or a word split.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hyphen_break: bool,
}

pub fn build(raw: RawDocument) -> Document {
    let fonts: Vec<FontInfo> = raw
        .fonts
        .list
        .iter()
        .map(|f| FontInfo {
            name: f.name.clone(),
            bold: f.bold,
            italic: f.italic,
        })
        .collect();
    let barcode: Vec<bool> = raw.fonts.list.iter().map(|f| f.barcode).collect();
    let pages: Vec<Page> = raw
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| Page {
            number: i as u32 + 1,
            width: p.width,
            height: p.height,
            lines: lines_of(p, &fonts, &barcode),
        })
        .collect();
    structure::analyse(fonts, pages)
}

fn is_space(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || c == '\u{a0}')
}

/// Groups a page's glyphs into lines.
fn lines_of(page: &PageGlyphs, fonts: &[FontInfo], barcode: &[bool]) -> Vec<Line> {
    // A right-to-left page is read in a mirror: x grows in reading direction, so lines,
    // indents and word gaps work as on any page; left-to-right runs are turned back per line.
    let mirrored = is_rtl_page(page).then(|| mirror(page));
    let rtl = mirrored.is_some();
    let page = mirrored.as_ref().unwrap_or(page);
    let mut idx: Vec<usize> = (0..page.glyphs.len())
        .filter(|&i| {
            let g = &page.glyphs[i];
            g.size > 0.5
                && g.size < 500.0
                && g.x.is_finite()
                && g.y.is_finite()
                && !barcode.get(g.font as usize).copied().unwrap_or(false)
        })
        .collect();
    idx.sort_by(|&a, &b| page.glyphs[b].y.total_cmp(&page.glyphs[a].y));

    // Clusters of glyphs sharing a baseline.
    struct Cluster {
        y: f32,
        size: f32,
        members: Vec<usize>,
    }
    // Spaces are placed after the visible glyphs have formed lines: producers draw them at
    // odd baselines, and one must not start or split a line.
    let (spaces, visible): (Vec<usize>, Vec<usize>) = idx
        .into_iter()
        .partition(|&i| is_space(page.text_of(&page.glyphs[i])));
    let mut clusters: Vec<Cluster> = Vec::new();
    for &i in &visible {
        let g = &page.glyphs[i];
        if let Some(c) = clusters.last_mut() {
            if c.y - g.y <= 0.2 * c.size.max(g.size).max(1.0) {
                c.members.push(i);
                c.size = c.size.max(g.size);
                continue;
            }
        }
        clusters.push(Cluster {
            y: g.y,
            size: g.size,
            members: vec![i],
        });
    }
    for c in &mut clusters {
        c.size = dominant_size(page, &c.members);
        c.y = dominant_baseline(page, &c.members, c.size);
    }
    for i in spaces {
        let g = &page.glyphs[i];
        let nearest = clusters
            .iter_mut()
            .min_by(|a, b| (a.y - g.y).abs().total_cmp(&(b.y - g.y).abs()));
        if let Some(c) = nearest {
            if (c.y - g.y).abs() <= 0.3 * c.size {
                c.members.push(i);
            }
        }
    }
    // Raised, smaller clusters (footnote markers) join the line just below them.
    for i in 0..clusters.len().saturating_sub(1) {
        let (upper, lower) = clusters.split_at_mut(i + 1);
        let (p, c) = (&mut upper[i], &mut lower[0]);
        let raised = p.y - c.y;
        let glyphs = p
            .members
            .iter()
            .filter(|&&g| !is_space(page.text_of(&page.glyphs[g])))
            .count();
        if glyphs > 0
            && glyphs <= 8
            && p.size < 0.9 * c.size
            && raised > 0.0
            && raised < 0.75 * c.size
            && overlaps(page, &p.members, &c.members, c.size)
        {
            c.members.append(&mut p.members);
        }
    }
    let merged = clusters.into_iter().filter(|c| !c.members.is_empty());

    let mut lines: Vec<Line> = merged
        .filter_map(|c| build_line(page, fonts, c.y, c.size, c.members, rtl))
        .collect();
    lines.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    lines
}

fn overlaps(page: &PageGlyphs, a: &[usize], b: &[usize], em: f32) -> bool {
    let range = |m: &[usize]| {
        m.iter().fold((f32::MAX, f32::MIN), |(lo, hi), &i| {
            let g = &page.glyphs[i];
            (lo.min(g.x), hi.max(g.x + g.w))
        })
    };
    let (a0, a1) = range(a);
    let (b0, b1) = range(b);
    a0 <= b1 + 2.0 * em && a1 >= b0 - 2.0 * em
}

fn dominant_size(page: &PageGlyphs, members: &[usize]) -> f32 {
    let mut best = (0usize, 0.0f32);
    let mut sizes: Vec<(f32, usize)> = Vec::new();
    for &i in members {
        let g = &page.glyphs[i];
        if is_space(page.text_of(g)) {
            continue;
        }
        let s = (g.size * 4.0).round() / 4.0;
        match sizes.iter_mut().find(|(v, _)| *v == s) {
            Some(e) => e.1 += 1,
            None => sizes.push((s, 1)),
        }
    }
    for (s, n) in sizes {
        if n > best.0 || (n == best.0 && s > best.1) {
            best = (n, s);
        }
    }
    if best.0 == 0 {
        members
            .first()
            .map(|&i| page.glyphs[i].size)
            .unwrap_or(10.0)
    } else {
        best.1
    }
}

fn dominant_baseline(page: &PageGlyphs, members: &[usize], size: f32) -> f32 {
    let mut ys: Vec<f32> = members
        .iter()
        .map(|&i| &page.glyphs[i])
        .filter(|g| (g.size - size).abs() < 0.5 && g.rise == 0.0)
        .map(|g| g.y)
        .collect();
    if ys.is_empty() {
        ys = members.iter().map(|&i| page.glyphs[i].y).collect();
    }
    ys.sort_by(f32::total_cmp);
    ys[ys.len() / 2]
}

fn build_line(
    page: &PageGlyphs,
    fonts: &[FontInfo],
    y: f32,
    size: f32,
    mut members: Vec<usize>,
    rtl: bool,
) -> Option<Line> {
    if rtl {
        // LibreOffice draws a right-to-left line run by run in reading order, the glyphs of
        // a right-to-left run in visual order (from the left): each such run is reversed.
        members.sort_unstable();
        reverse_rtl_runs(page, &mut members);
    } else {
        order_runs(page, &mut members);
    }
    // Where the line draws its spaces as glyphs (Word does), a gap alone must be wider to
    // split a word: Word's justification widens gaps inside words up to ~0.12 em.
    let explicit_spaces = members
        .iter()
        .any(|&i| is_space(page.text_of(&page.glyphs[i])));
    let word_gap = if explicit_spaces {
        EXPLICIT_SPACE_GAP_EM
    } else {
        WORD_GAP_EM
    };
    let mut spans: Vec<Span> = Vec::new();
    let mut pending_space = false;
    let mut prev_end: Option<f32> = None;
    let mut prev_size = size;
    let mut prev_char: Option<char> = None;
    let mut artifacts = [0usize; 4];
    for &i in &members {
        let g: &Glyph = &page.glyphs[i];
        let text = page.text_of(g);
        if is_space(text) {
            pending_space = true;
            prev_end = Some(prev_end.map_or(g.x + g.w, |e: f32| e.max(g.x + g.w)));
            continue;
        }
        artifacts[g.artifact as usize] += 1;
        let font = fonts.get(g.font as usize);
        let superscript = g.rise > 0.05 * size || (g.size < 0.9 * size && g.y > y + 0.12 * size);
        let gap_em = g.size.min(prev_size).max(1.0);
        // Chinese puts no space between words: a gap beside a CJK character is spacing.
        let cjk = prev_char
            .zip(text.chars().next())
            .is_some_and(|(a, b)| joins_tight(a, b));
        // A right-to-left line that draws its spaces breaks words only there.
        let gap_free = cjk || (rtl && explicit_spaces);
        let gap_break = !gap_free && prev_end.is_some_and(|e| g.x - e > word_gap * gap_em);
        let space_before = (pending_space || gap_break) && prev_end.is_some();
        let bold = font.is_some_and(|f| f.bold);
        let italic = font.is_some_and(|f| f.italic);
        // A gap wider than a column gap starts a new span even in the same style, so table
        // cells and the masthead's columns stay apart.
        let column_gap = prev_end.is_some_and(|e| g.x - e > COLUMN_GAP_EM * gap_em);
        let same_style = !column_gap
            && spans.last().is_some_and(|s| {
                s.bold == bold
                    && s.italic == italic
                    && s.superscript == superscript
                    && (s.size - g.size).abs() < 0.6
            });
        if same_style {
            let s = spans.last_mut().expect("checked");
            if space_before {
                s.text.push(' ');
            }
            s.text.push_str(text);
            s.x1 = s.x1.max(g.x + g.w);
        } else {
            spans.push(Span {
                text: text.to_string(),
                x0: g.x,
                x1: g.x + g.w,
                size: g.size,
                font: g.font,
                bold,
                italic,
                superscript,
                space_before,
                hyphen_break: false,
            });
        }
        pending_space = false;
        prev_end = Some(g.x + g.w);
        prev_size = g.size;
        prev_char = text.chars().last().or(prev_char);
    }
    if spans.is_empty() {
        return None;
    }
    for s in &mut spans {
        s.text = expand_ligatures(&s.text);
    }
    let artifact = [
        Artifact::None,
        Artifact::Header,
        Artifact::Footer,
        Artifact::Other,
    ]
    .into_iter()
    .zip(artifacts)
    .max_by_key(|(_, n)| *n)
    .map(|(a, _)| a)
    .unwrap_or_default();
    Some(Line {
        y,
        x0: spans[0].x0,
        x1: spans.iter().map(|s| s.x1).fold(f32::MIN, f32::max),
        size,
        role: Role::Body,
        artifact,
        spans,
    })
}

/// Characters of the scripts that write words without spaces (Chinese and Japanese: Han,
/// kana, CJK and full-width punctuation).
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}')
}

/// A line break or gap between `a` and `b` is no word break: one of them is CJK.
pub(crate) fn joins_tight(a: char, b: char) -> bool {
    is_cjk(a) || is_cjk(b)
}

/// Letters and digits written left to right, right to left, or neither (spaces, punctuation).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Ltr,
    Rtl,
    Neutral,
}

fn dir_of(s: &str) -> Dir {
    match s.chars().next() {
        Some(c) if is_rtl_char(c) => Dir::Rtl,
        Some(c) if c.is_alphanumeric() => Dir::Ltr,
        _ => Dir::Neutral,
    }
}

fn is_rtl_char(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{05FF}'
        | '\u{0600}'..='\u{065F}'
        | '\u{066A}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{FB1D}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}')
}

/// A page whose letters are mostly of a right-to-left script (Arabic).
fn is_rtl_page(page: &PageGlyphs) -> bool {
    let (mut rtl, mut ltr) = (0usize, 0usize);
    for g in &page.glyphs {
        match dir_of(page.text_of(g)) {
            Dir::Rtl => rtl += 1,
            Dir::Ltr => ltr += 1,
            Dir::Neutral => {}
        }
    }
    rtl > ltr
}

/// The page seen in a mirror: `x` measured from the right edge.
fn mirror(page: &PageGlyphs) -> PageGlyphs {
    PageGlyphs {
        width: page.width,
        height: page.height,
        glyphs: page
            .glyphs
            .iter()
            .map(|g| crate::interp::Glyph {
                x: page.width - g.x - g.w,
                ..*g
            })
            .collect(),
        text: page.text.clone(),
    }
}

/// Drawing order into reading order: runs of one direction (a neutral goes with the next
/// strong glyph when that one is right-to-left, else with the run before it), each
/// right-to-left run reversed.
fn reverse_rtl_runs(page: &PageGlyphs, members: &mut [usize]) {
    let dirs: Vec<Dir> = members
        .iter()
        .map(|&i| dir_of(page.text_of(&page.glyphs[i])))
        .collect();
    let mut resolved = dirs.clone();
    let mut last = Dir::Rtl;
    for k in 0..dirs.len() {
        if dirs[k] != Dir::Neutral {
            last = dirs[k];
            continue;
        }
        let next = dirs[k + 1..].iter().find(|d| **d != Dir::Neutral).copied();
        resolved[k] = if next == Some(Dir::Rtl) {
            Dir::Rtl
        } else {
            last
        };
    }
    let mut k = 0;
    while k < members.len() {
        let end = (k..members.len())
            .find(|&j| resolved[j] != resolved[k])
            .unwrap_or(members.len());
        if resolved[k] == Dir::Rtl {
            members[k..end].reverse();
        }
        k = end;
    }
}

/// Reading order within a line: the glyphs in drawing order, cut into runs wherever the
/// pen moves backwards, runs sorted by where they start. Sorting glyphs one by one would
/// interleave overlapping words (OCR layers with loose widths); drawing order alone would
/// keep mastheads drawn right to left.
fn order_runs(page: &PageGlyphs, members: &mut Vec<usize>) {
    members.sort_unstable();
    let mut runs: Vec<(f32, std::ops::Range<usize>)> = Vec::new();
    let mut start = 0;
    for k in 1..=members.len() {
        let cut = k == members.len() || {
            let (p, g) = (&page.glyphs[members[k - 1]], &page.glyphs[members[k]]);
            g.x < p.x - 0.2 * p.size.max(g.size)
        };
        if cut {
            runs.push((page.glyphs[members[start]].x, start..k));
            start = k;
        }
    }
    if runs.len() > 1 {
        runs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let ordered: Vec<usize> = runs
            .iter()
            .flat_map(|(_, r)| members[r.clone()].iter().copied())
            .collect();
        *members = ordered;
    }
}

/// Expands the Latin ligature code points (U+FB00..FB06) a font may map glyphs to.
fn expand_ligatures(s: &str) -> String {
    if !s.chars().any(|c| ('\u{FB00}'..='\u{FB06}').contains(&c)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One glyph per char, drawn in the order given, at `x` positions that do not advance
    /// (as LibreOffice writes Arabic).
    fn page(drawn: &str) -> PageGlyphs {
        let mut p = PageGlyphs {
            width: 600.0,
            height: 800.0,
            ..PageGlyphs::default()
        };
        for c in drawn.chars() {
            let start = p.text.len() as u32;
            p.text.push(c);
            p.glyphs.push(Glyph {
                x: 100.0,
                y: 700.0,
                w: 5.0,
                size: 10.0,
                font: 0,
                start,
                len: c.len_utf8() as u8,
                artifact: Artifact::None,
                rise: 0.0,
            });
        }
        p
    }

    #[test]
    fn right_to_left_runs_are_reversed_and_runs_keep_their_order() {
        // "البند 58 من" drawn as LibreOffice does: each Arabic run from the left.
        let drawn: String = "البند "
            .chars()
            .rev()
            .chain("58".chars())
            .chain(" من".chars().rev())
            .collect();
        let p = page(&drawn);
        assert!(is_rtl_page(&p));
        let mut members: Vec<usize> = (0..p.glyphs.len()).collect();
        reverse_rtl_runs(&p, &mut members);
        let text: String = members.iter().map(|&i| p.text_of(&p.glyphs[i])).collect();
        assert_eq!(text, "البند 58 من");
    }

    #[test]
    fn chinese_joins_without_spaces_latin_does_not() {
        assert!(joins_tight('会', '议'));
        assert!(joins_tight('》', 'A'));
        assert!(joins_tight('8', '年'));
        assert!(!joins_tight('a', 'b'));
        assert!(!is_rtl_page(&page("General Assembly")));
    }
}
