//! From glyphs to a reader's layout: lines by baseline, words by real gaps, style runs
//! (spans) with bold/italic/superscript, then page furniture, the footnote zone and
//! paragraphs (see [`crate::layout::structure`]).

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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
        // Combining marks (a tanwin drawn as high as the markers) do not count.
        let glyphs = p
            .members
            .iter()
            .filter(|&&g| {
                let t = page.text_of(&page.glyphs[g]);
                !is_space(t) && !t.chars().all(is_combining_mark)
            })
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
    // Combining marks drawn off the baseline (a shadda above, a kasra below) join the
    // nearest line that has letters.
    let marks_only = |c: &Cluster| {
        !c.members.is_empty()
            && c.members.iter().all(|&g| {
                let t = page.text_of(&page.glyphs[g]);
                is_space(t) || t.chars().all(is_combining_mark)
            })
    };
    let marks: Vec<bool> = clusters.iter().map(marks_only).collect();
    for i in (0..clusters.len()).filter(|&i| marks[i]) {
        let y = clusters[i].y;
        let nearest = (0..clusters.len())
            .filter(|&j| !marks[j] && !clusters[j].members.is_empty())
            .min_by(|&a, &b| {
                (clusters[a].y - y)
                    .abs()
                    .total_cmp(&(clusters[b].y - y).abs())
            });
        if let Some(j) = nearest.filter(|&j| (clusters[j].y - y).abs() <= 0.8 * clusters[j].size) {
            let members = std::mem::take(&mut clusters[i].members);
            clusters[j].members.extend(members);
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

/// A hyphen or a dash, which a word may go on after without a space.
fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}' | '–' | '—')
}

fn build_line(
    page: &PageGlyphs,
    fonts: &[FontInfo],
    y: f32,
    size: f32,
    mut members: Vec<usize>,
    rtl: bool,
) -> Option<Line> {
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
    // A right-to-left line knows its word breaks from before its islands were turned back,
    // and which of its brackets are drawn mirrored.
    let (rtl_breaks, mirrored) = if rtl {
        let reading = rtl_reading_order(page, &mut members, word_gap);
        (Some(reading.breaks), reading.mirrored)
    } else {
        order_runs(page, &mut members);
        (None, Vec::new())
    };
    let mut spans: Vec<Span> = Vec::new();
    let mut pending_space = false;
    // The advance of the space glyph waiting, and where the last glyph with ink ended.
    let mut space_advance = 0.0f32;
    let mut ink_end: Option<f32> = None;
    let mut prev_end: Option<f32> = None;
    let mut prev_size = size;
    let mut prev_char: Option<char> = None;
    let mut artifacts = [0usize; 4];
    for (k, &i) in members.iter().enumerate() {
        let g: &Glyph = &page.glyphs[i];
        let text = match page.text_of(g) {
            t if mirrored.get(k).is_some_and(|&m| m) => mirror_bracket(t),
            t => t,
        };
        if is_space(text) {
            pending_space = true;
            space_advance = space_advance.max(g.w);
            prev_end = Some(prev_end.map_or(g.x + g.w, |e: f32| e.max(g.x + g.w)));
            continue;
        }
        // A space glyph beside a hyphen or dash that the next glyph is drawn over, less than
        // half its advance after the last ink ("co-" space "hosted" with 0.4 pt between them
        // in 79/218, "18 – 22 March" drawn as "18–22"), is no space on the page: Word's text
        // keeps it, the reader sees none. Only beside a dash: an OCR layer places each word on
        // its scanned box, gaps and overlaps that say nothing, and its text decides.
        let by_dash = prev_char.is_some_and(is_dash) || text.starts_with(is_dash);
        if pending_space && rtl_breaks.is_none() && by_dash {
            let hidden = ink_end.is_some_and(|e| (0.0..0.5 * space_advance).contains(&(g.x - e)));
            pending_space = !hidden;
        }
        space_advance = 0.0;
        artifacts[g.artifact as usize] += 1;
        let font = fonts.get(g.font as usize);
        let superscript = g.rise > 0.05 * size || (g.size < 0.9 * size && g.y > y + 0.12 * size);
        let gap_em = g.size.min(prev_size).max(1.0);
        // Chinese puts no space between words: a gap beside a CJK character is spacing.
        let cjk = prev_char
            .zip(text.chars().next())
            .is_some_and(|(a, b)| joins_tight(a, b));
        let gap_break = match &rtl_breaks {
            Some(breaks) => breaks[k],
            None => !cjk && prev_end.is_some_and(|e| g.x - e > word_gap * gap_em),
        };
        let space_before = (pending_space || gap_break) && prev_end.is_some();
        let bold = font.is_some_and(|f| f.bold);
        let italic = font.is_some_and(|f| f.italic);
        // A gap wider than a column gap starts a new span even in the same style, so table
        // cells and the masthead's columns stay apart.
        let column_gap = prev_end.is_some_and(|e| g.x - e > COLUMN_GAP_EM * gap_em);
        // A bracket around a note number ("(1)", as Arabic prints it) is a span of its own,
        // so the number alone is the marker.
        let bracket =
            |t: &str| t.ends_with(['(', ')', '[', ']']) || t.starts_with(['(', ')', '[', ']']);
        let split_bracket = superscript
            && (bracket(text)
                || spans
                    .last()
                    .is_some_and(|s| s.superscript && bracket(&s.text)));
        let same_style = !column_gap
            && !split_bracket
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
            // A left-to-right island of a right-to-left line comes backwards along x.
            s.x0 = s.x0.min(g.x);
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
        ink_end = prev_end;
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
        x0: spans.iter().map(|s| s.x0).fold(f32::MAX, f32::min),
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

pub(crate) fn is_rtl_char(c: char) -> bool {
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

/// A right-to-left line read back: for each glyph in reading order, whether a word break
/// comes before it and whether it is a bracket drawn mirrored.
struct RtlReading {
    breaks: Vec<bool>,
    mirrored: Vec<bool>,
}

/// A right-to-left line's glyphs in reading order, from where they are rather than the order
/// they are drawn in (LibreOffice draws a line portion by portion in reading order, but a
/// shaped Arabic portion's glyphs from the left and a mixed one's from the right). On the
/// mirrored page reading goes with x: glyphs sorted by where they start, each mark and
/// zero-width part of a ligature after its letter (see [`order_clusters`]). Then each left-to-right run
/// (digits, Latin, with the separators between two of its glyphs: "77/149", "A/78/429") is
/// turned back (see [`ltr_islands`]). A line with no right-to-left letter is read from the
/// left of the page, unless it holds a note number or would start with closing punctuation.
/// Brackets drawn mirrored are found last (see [`mirrored_brackets`]).
fn rtl_reading_order(page: &PageGlyphs, members: &mut Vec<usize>, word_gap: f32) -> RtlReading {
    let glyph = |i: usize| &page.glyphs[i];
    let dir = |i: usize| dir_of(page.text_of(glyph(i)));
    // Word breaks where no space is drawn (a tab after "1 -", the columns of a footer),
    // along the order the glyphs are in: `forward` is reading with the mirror's x.
    let breaks_of = |members: &[usize], forward: bool| {
        let mut breaks = vec![false; members.len()];
        let mut prev: Option<(&Glyph, bool)> = None;
        for (k, &i) in members.iter().enumerate() {
            let g = glyph(i);
            let text = page.text_of(g);
            if is_space(text) {
                prev = prev.map(|(p, _)| (p, true));
                continue;
            }
            if text.chars().all(is_combining_mark) {
                continue;
            }
            if let Some((p, spaced)) = prev {
                let gap = if forward {
                    g.x - (p.x + p.w)
                } else {
                    p.x - (g.x + g.w)
                };
                breaks[k] = !spaced && gap > word_gap * g.size.max(1.0);
            }
            prev = Some((g, false));
        }
        breaks
    };
    // A line with no right-to-left letter is a left-to-right paragraph (the masthead's "11
    // December 2023", the footer's "23-24977 (A)"), unless it holds a note number (raised
    // and smaller: a note of Latin text, "(3) A/78/311.") or would start with closing
    // punctuation (the last line of a paragraph, "54."): those belong to the page's
    // right-to-left text.
    // Raised: smaller than the line's largest glyphs and above their baseline (the
    // masthead's "RES/78/101" beside a large "A" is smaller, not raised).
    let largest = members.iter().map(|&i| glyph(i).size).fold(0.0, f32::max);
    let baseline = members
        .iter()
        .map(|&i| glyph(i))
        .filter(|g| g.size == largest)
        .map(|g| g.y)
        .fold(f32::MAX, f32::min);
    let raised = |i: usize| {
        let g = glyph(i);
        g.size < 0.8 * largest && (g.rise > 0.0 || g.y > baseline + 0.1 * g.size)
    };
    let note = members.iter().any(|&i| raised(i));
    let leftmost = members
        .iter()
        .filter(|&&i| !is_space(page.text_of(glyph(i))))
        .max_by(|&&a, &&b| (glyph(a).x + glyph(a).w).total_cmp(&(glyph(b).x + glyph(b).w)));
    let closing = leftmost.is_some_and(|&i| {
        page.text_of(glyph(i))
            .starts_with(['.', ',', ';', ':', ')', ']', '،', '؛'])
    });
    if !note && !closing && !members.iter().any(|&i| dir(i) == Dir::Rtl) {
        members.sort_by(|&a, &b| {
            let (ga, gb) = (glyph(a), glyph(b));
            (gb.x + gb.w).total_cmp(&(ga.x + ga.w)).then(b.cmp(&a))
        });
        return RtlReading {
            breaks: breaks_of(members, false),
            mirrored: Vec::new(),
        };
    }
    // Combining marks (a shadda, a fatha) and the zero-width parts of a ligature go after
    // the letter they belong to.
    order_clusters(page, members);
    // Found along the mirror before the islands are turned back.
    let mut breaks = breaks_of(members, true);
    let texts: Vec<&str> = members.iter().map(|&i| page.text_of(glyph(i))).collect();
    let raised_flags: Vec<bool> = members.iter().map(|&i| raised(i)).collect();
    let mut turn = ltr_islands(&texts, &raised_flags);
    // A note number set as a left-to-right run with its brackets comes as ")1(": the
    // brackets belong to the run.
    let raised_at = |k: usize| raised_flags[k];
    for island in &mut turn {
        let (s, e) = (island.start, island.end);
        if s > 0
            && e < texts.len()
            && texts[s - 1] == ")"
            && texts[e] == "("
            && raised_at(s - 1)
            && raised_at(e)
        {
            *island = s - 1..e + 1;
        }
    }
    for (k, t) in texts.iter().enumerate() {
        // A lone raised digit's run is no island (one glyph), but its brackets still may be.
        if *t == ")"
            && raised_at(k)
            && texts.get(k + 2) == Some(&"(")
            && bidi_of(texts[k + 1]) == Bidi::Digit
            && raised_at(k + 2)
        {
            turn.push(k..k + 3);
        }
    }
    for island in turn {
        for b in &mut breaks[island.start + 1..island.end] {
            *b = false;
        }
        members[island].reverse();
    }
    let texts: Vec<&str> = members.iter().map(|&i| page.text_of(glyph(i))).collect();
    let mirrored = mirrored_brackets(&texts, &breaks, |k| raised(members[k]));
    RtlReading { breaks, mirrored }
}

/// Sorts a right-to-left line's glyphs along the mirror and puts each combining mark (a
/// shadda, a fatha) and each zero-width part of a ligature (the alef of a lam-alef, drawn at
/// the ligature's end) after the letter it belongs to. That letter is the one drawn next to
/// it, when it touches: a shaped portion is drawn whole in one direction, a cluster's glyphs
/// beside each other (its marks before their base when the portion is drawn from its end,
/// after it when from its start). Drawing order decides what position alone cannot: the
/// marks of a lam-alef (after the alef), a mark typed after a space, an alef whose position
/// rounds to the next letter's. Otherwise a mark goes with the letter it is drawn over (the
/// nearest centre among those it touches, else the nearest).
fn order_clusters(page: &PageGlyphs, members: &mut Vec<usize>) {
    let glyph = |i: usize| &page.glyphs[i];
    let is_mark = |i: usize| page.text_of(glyph(i)).chars().all(is_combining_mark);
    let attached =
        |i: usize| is_mark(i) || (glyph(i).w < 0.01 && !is_space(page.text_of(glyph(i))));
    let touches = |g: &Glyph, x: f32, tol: f32| g.x - tol <= x && x <= g.x + g.w + tol;
    let mut drawn = members.clone();
    drawn.sort_unstable();
    // Attached glyph -> (its base, whether its portion is drawn from the end).
    let mut base_of: HashMap<usize, (usize, bool)> = HashMap::new();
    for (d, &m) in drawn.iter().enumerate() {
        if !attached(m) {
            continue;
        }
        let mut before = drawn[..d].iter().rev().copied().filter(|&i| !attached(i));
        let mut next = drawn[d + 1..].iter().copied().filter(|&i| !attached(i));
        let (before, before2) = (before.next(), before.next());
        let (next, next2) = (next.next(), next.next());
        // Which way two glyphs drawn one after the other go, if they touch.
        let way = |a: Option<usize>, b: Option<usize>| {
            let (a, b) = (glyph(a?), glyph(b?));
            let gap = if b.x >= a.x {
                b.x - (a.x + a.w)
            } else {
                a.x - (b.x + b.w)
            };
            (gap.abs() < 0.3 * a.size.max(1.0)).then_some(b.x < a.x)
        };
        let backwards = way(next, next2)
            .or(way(before2, before))
            .or(way(before, next))
            .unwrap_or(false);
        let tol = 0.15 * glyph(m).size.max(1.0);
        let neighbour = if backwards { next } else { before };
        if let Some(b) = neighbour.filter(|&i| touches(glyph(i), glyph(m).x, tol)) {
            base_of.insert(m, (b, backwards));
        }
    }
    let mut letters: Vec<usize> = members
        .iter()
        .copied()
        .filter(|&i| !base_of.contains_key(&i) && !is_mark(i))
        .collect();
    // A zero-width glyph left on its own goes before a glyph starting where it is, whatever
    // the rounding of the two positions.
    let start = |g: &Glyph| if g.w < 0.01 { g.x - 0.05 } else { g.x };
    letters.sort_by(|&a, &b| {
        let (ga, gb) = (glyph(a), glyph(b));
        start(ga)
            .total_cmp(&start(gb))
            .then((ga.x + ga.w).total_cmp(&(gb.x + gb.w)))
            .then(a.cmp(&b))
    });
    let slot: HashMap<usize, usize> = letters.iter().enumerate().map(|(k, &l)| (l, k)).collect();
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); letters.len()];
    let mut stray = Vec::new();
    for &m in drawn.iter().filter(|&&m| attached(m)) {
        if let Some(&(b, backwards)) = base_of.get(&m) {
            // Drawn from the portion's end, the cluster's last glyph comes first.
            if backwards {
                after[slot[&b]].insert(0, m);
            } else {
                after[slot[&b]].push(m);
            }
            continue;
        }
        if !is_mark(m) {
            continue;
        }
        let x = glyph(m).x;
        let distance = |&k: &usize| {
            let g = glyph(letters[k]);
            (!touches(g, x, 0.01), (g.x + g.w / 2.0 - x).abs())
        };
        let base = (0..letters.len())
            .filter(|&k| !is_space(page.text_of(glyph(letters[k]))))
            .min_by(|a, b| {
                let (da, db) = (distance(a), distance(b));
                da.0.cmp(&db.0).then(da.1.total_cmp(&db.1))
            });
        match base {
            Some(k) => after[k].push(m),
            None => stray.push(m),
        }
    }
    members.clear();
    for (k, &l) in letters.iter().enumerate() {
        members.push(l);
        members.extend(&after[k]);
    }
    members.extend(stray);
}

/// LibreOffice writes some brackets of right-to-left text as the glyph it shows, the
/// mirrored one: "(الرتبة المحلية)" comes as ")الرتبة المحلية(". Brackets cling to what
/// they enclose, so a run of closing brackets after a space (or the line's start) and before
/// a word opens, and a run of opening brackets after a word and before a space, punctuation
/// or the line's end closes: those are mirrored. A raised bracket (a note number's) goes by
/// the raised number beside it: "2023(" ends a line whose next starts with the rest of the
/// note's "(14)".
/// `breaks` are the word breaks drawn as gaps (a tab after "(أ)").
fn mirrored_brackets(texts: &[&str], breaks: &[bool], raised: impl Fn(usize) -> bool) -> Vec<bool> {
    let word = |t: &str| {
        t.chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || is_combining_mark(c))
    };
    let kind = |k: usize| match texts[k] {
        _ if raised(k) => None,
        "(" | "[" => Some(true),
        ")" | "]" => Some(false),
        _ => None,
    };
    let mut mirrored = vec![false; texts.len()];
    // A raised bracket clings to the raised number it encloses: one that encloses none on
    // its side is mirrored (a note number split by a line's end: ")33" ends one line, "("
    // starts the next), except an opening one that ends the line ("2023(", then "14)").
    let raised_word =
        |j: Option<usize>| j.is_some_and(|j| j < texts.len() && raised(j) && word(texts[j]));
    for k in (0..texts.len()).filter(|&k| raised(k)) {
        mirrored[k] = match texts[k] {
            "(" | "[" => k + 1 < texts.len() && !raised_word(Some(k + 1)),
            ")" | "]" => !raised_word(k.checked_sub(1)) && raised_word(Some(k + 1)),
            _ => false,
        };
    }
    let mut k = 0;
    while k < texts.len() {
        let Some(opening) = kind(k) else {
            k += 1;
            continue;
        };
        let end = (k..texts.len())
            .find(|&e| kind(e) != Some(opening))
            .unwrap_or(texts.len());
        // What touches the run on each side: nothing across a word break.
        let before = k.checked_sub(1).filter(|_| !breaks[k]).map(|j| texts[j]);
        let after = texts.get(end).copied().filter(|_| !breaks[end]);
        let flip = if opening {
            // A note's raised bracket after it is no word either: "(رقم 105)(20)".
            before.is_some_and(word)
                && after.is_none_or(|t| !word(t) && (raised(end) || !is_bracket(t)))
        } else {
            before.is_none_or(is_space) && after.is_some_and(word)
        };
        if flip {
            mirrored[k..end].fill(true);
        }
        k = end;
    }
    mirrored
}

fn is_bracket(t: &str) -> bool {
    matches!(t, "(" | ")" | "[" | "]")
}

/// The bracket facing the other way; anything else as it is.
fn mirror_bracket(t: &str) -> &str {
    match t {
        "(" => ")",
        ")" => "(",
        "[" => "]",
        "]" => "[",
        t => t,
    }
}

/// Combining marks: Arabic harakat, shadda and superscript alef, Latin combining accents.
pub(crate) fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}')
}

/// How a glyph takes part in a left-to-right island of a right-to-left line (the Unicode
/// bidirectional algorithm's classes, as far as reading a line back needs them).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Bidi {
    /// Arabic, Hebrew: the line's own direction.
    Rtl,
    /// Latin and other left-to-right letters.
    Letter,
    /// European and Arabic-Indic digits.
    Digit,
    /// A separator that joins two numbers ("77/149", "1.5", "1,000").
    Separator,
    /// A plus or minus sign: joins Latin letters and a number ("ES-10"), not two numbers
    /// (LibreOffice, reading digits in Arabic text as Arabic numbers, sets "2021-2030" as
    /// "2030-2021" from the left).
    Sign,
    /// Spaces, brackets, other punctuation.
    Neutral,
}

fn bidi_of(s: &str) -> Bidi {
    match s.chars().next() {
        Some(c) if c.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(&c) => Bidi::Digit,
        Some(c) if is_rtl_char(c) => Bidi::Rtl,
        Some(c) if c.is_alphanumeric() => Bidi::Letter,
        Some('/' | ',' | '.' | ':' | '\u{a0}') => Bidi::Separator,
        Some('-' | '+') => Bidi::Sign,
        _ => Bidi::Neutral,
    }
}

/// The left-to-right islands of a right-to-left line whose glyphs (`texts`) are in reading
/// order except inside the islands, where they are backwards: ranges to turn back. Two strong
/// glyphs of an island are joined across what lies between them as the bidirectional
/// algorithm joins them: two numbers by a single separator, Latin letters and what follows
/// them up to the next Arabic letter ("A/78/23", "A/CONF.157/24 (Part I)": seen backwards,
/// before them), digits and letters that touch. Anything else between them, or a
/// right-to-left glyph, keeps them apart. A number before Latin letters ("77/149 A") reads
/// as the letters' ("A 77/149"): the page cannot tell the two apart, and symbols start with
/// their letters. A raised glyph (a note number) and the text beside it are never one island.
/// A bracket just outside an island that pairs one inside it belongs to it: "(Part I)"
/// inside a symbol.
fn ltr_islands(texts: &[&str], raised: &[bool]) -> Vec<std::ops::Range<usize>> {
    let classes: Vec<Bidi> = texts.iter().map(|t| bidi_of(t)).collect();
    let strong = |c: Bidi| matches!(c, Bidi::Letter | Bidi::Digit);
    let mut islands: Vec<std::ops::Range<usize>> = Vec::new();
    let mut k = 0;
    while k < classes.len() {
        if !strong(classes[k]) {
            k += 1;
            continue;
        }
        let mut end = k + 1;
        loop {
            // The next strong glyph after the run so far, and what lies between.
            let last = classes[end - 1];
            let Some(next) = (end..classes.len())
                .find(|&j| !matches!(classes[j], Bidi::Separator | Bidi::Sign | Bidi::Neutral))
            else {
                break;
            };
            if !strong(classes[next]) || raised[next] != raised[k] {
                break;
            }
            let between = &classes[end..next];
            let single = |c: &[Bidi]| between.len() == 1 && c.contains(&between[0]);
            // Whether the number starting at `next` comes after Latin letters in reading
            // order (further along the mirror inside an island): the first letter past its
            // digits and neutrals is Latin. Such a number is the letters' (the bidi
            // algorithm's rule W7: "A/CONF.157/24 (Part I)" is one island).
            let after_letters = || {
                classes[next..]
                    .iter()
                    .find(|c| matches!(c, Bidi::Letter | Bidi::Rtl))
                    .is_some_and(|c| *c == Bidi::Letter)
            };
            let joined = match (last, classes[next]) {
                // Not across a space or a bracket even after letters: "رقم 23 (A/78/23)" is
                // far more common in the UN's Arabic than "S/RES/2769 (2025)".
                (Bidi::Digit, Bidi::Digit) => between.is_empty() || single(&[Bidi::Separator]),
                (Bidi::Letter, Bidi::Letter) => true,
                // Not into a bracket: "لعام 1954 (United Nations" keeps the year outside.
                (Bidi::Digit, Bidi::Letter) => !between
                    .iter()
                    .zip(&texts[end..next])
                    .any(|(c, t)| *c == Bidi::Neutral && is_bracket(t)),
                (Bidi::Letter, Bidi::Digit) => {
                    between.is_empty() || single(&[Bidi::Separator, Bidi::Sign]) || after_letters()
                }
                _ => between.is_empty(),
            };
            if !joined {
                break;
            }
            end = next + 1;
        }
        // A number that ends the line with its separator ("59/", the rest on the next line)
        // shows the separator first along the mirror, after a space ("بكوفيد-19" is not that).
        let start = if end == classes.len()
            && k > 0
            && classes[k] == Bidi::Digit
            && matches!(classes[k - 1], Bidi::Separator | Bidi::Sign)
            && (k == 1 || texts[k - 2].trim().is_empty())
        {
            k - 1
        } else {
            k
        };
        let (mut start, mut end) = (start, end);
        // Latin text's own punctuation at its end ("Treaty Series,") is seen just before it.
        if classes[start..end].contains(&Bidi::Letter) {
            while start > 0 && matches!(texts[start - 1], "," | "." | ";" | ":") {
                start -= 1;
            }
        }
        let own_bracket = |j: usize| is_bracket(texts[j]) && raised[j] == raised[k];
        if (start..end).filter(|&j| own_bracket(j)).count() % 2 == 1 {
            if start > 0 && own_bracket(start - 1) {
                start -= 1;
            } else if end < texts.len() && own_bracket(end) {
                end += 1;
            }
        }
        if end - start > 1 {
            islands.push(start..end);
        }
        k = end;
    }
    islands
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

    /// One glyph per char at `x` (on the mirrored page: from the right edge), 5 wide.
    fn page(glyphs: &[(char, f32)]) -> PageGlyphs {
        let mut p = PageGlyphs {
            width: 600.0,
            height: 800.0,
            ..PageGlyphs::default()
        };
        for &(c, x) in glyphs {
            let start = p.text.len() as u32;
            p.text.push(c);
            p.glyphs.push(Glyph {
                x,
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

    /// `text`'s glyphs placed one after another from `x`.
    fn placed(text: &str, x: f32) -> Vec<(char, f32)> {
        text.chars()
            .enumerate()
            .map(|(k, c)| (c, x + 5.0 * k as f32))
            .collect()
    }

    fn read(p: &PageGlyphs) -> String {
        let mut members: Vec<usize> = (0..p.glyphs.len()).collect();
        let reading = rtl_reading_order(p, &mut members, EXPLICIT_SPACE_GAP_EM);
        members
            .iter()
            .enumerate()
            .map(|(k, &i)| {
                let text = match p.text_of(&p.glyphs[i]) {
                    t if reading.mirrored.get(k) == Some(&true) => mirror_bracket(t),
                    t => t,
                };
                format!("{}{text}", if reading.breaks[k] { "|" } else { "" })
            })
            .collect()
    }

    /// A left-to-right line of `glyphs` (char, x, advance) as the layout reads it.
    fn ltr_line(glyphs: &[(char, f32, f32)]) -> String {
        let mut p = page(&glyphs.iter().map(|&(c, x, _)| (c, x)).collect::<Vec<_>>());
        for (g, &(_, _, w)) in p.glyphs.iter_mut().zip(glyphs) {
            g.w = w;
        }
        let members = (0..p.glyphs.len()).collect();
        build_line(&p, &[], 700.0, 10.0, members, false)
            .expect("a line")
            .text()
    }

    /// `text` drawn glyph after glyph from `x`, each `w` wide, a space `space` wide.
    fn drawn(text: &str, x: f32, space: f32) -> Vec<(char, f32, f32)> {
        let mut at = x;
        text.chars()
            .map(|c| {
                let w = if c == ' ' { space } else { 5.0 };
                at += w;
                (c, at - w, w)
            })
            .collect()
    }

    #[test]
    fn a_space_glyph_drawn_over_beside_a_dash_is_no_space() {
        // "co-" space "hosted" (79/218): the space's glyph is there, but "h" starts 0.4 after
        // the hyphen; "18 – 22" drawn as "18–22" the same way around its dash.
        let mut glyphs = drawn("co- ", 0.0, 2.5);
        glyphs.extend(drawn("hosted by Costa", 15.4, 2.5));
        assert_eq!(ltr_line(&glyphs), "co-hosted by Costa");
        let mut glyphs = drawn("18 ", 0.0, 2.5);
        glyphs.extend(drawn("– ", 10.6, 2.5));
        glyphs.extend(drawn("22 March", 15.9, 2.5));
        assert_eq!(ltr_line(&glyphs), "18–22 March");
        // A space after a dash that the page shows stays ("troop- and"), and away from dashes
        // the text's spaces decide (an OCR layer's words overlap their spaces).
        let mut glyphs = drawn("troop- ", 0.0, 2.5);
        glyphs.extend(drawn("and", 32.5, 2.5));
        assert_eq!(ltr_line(&glyphs), "troop- and");
        let mut glyphs = drawn("the ", 0.0, 2.5);
        glyphs.extend(drawn("Charter", 15.2, 2.5));
        assert_eq!(ltr_line(&glyphs), "the Charter");
    }

    #[test]
    fn mirrored_brackets_of_a_short_group_are_paired_and_balanced_ones_kept() {
        let p = page(&placed("الاقتصادية )ف-3(، و(أ) و(ب)", 0.0));
        assert_eq!(read(&p), "الاقتصادية (ف-3)، و(أ) و(ب)");
        let p = page(&placed("الرابعة) )أ( و", 0.0));
        assert_eq!(read(&p), "الرابعة) (أ) و");
        // Around words, nested, at the line's start and end.
        let p = page(&placed(")فئة الخدمات العامة )الرتبة المحلية((؛", 0.0));
        assert_eq!(read(&p), "(فئة الخدمات العامة (الرتبة المحلية))؛");
        let p = page(&placed("البحوث )فئة الخدمات", 0.0));
        assert_eq!(read(&p), "البحوث (فئة الخدمات");
    }

    #[test]
    fn a_mark_follows_its_letter_and_a_gap_without_a_space_breaks_words() {
        // "تسلّم": the shadda drawn last, over the lam; "1 -" and a tab before "تعيد".
        let mut glyphs = placed("تسلم", 0.0);
        glyphs.push(('\u{651}', 11.0));
        glyphs.extend(placed("1 -", 40.0));
        glyphs.extend(placed("تعيد", 80.0));
        let p = page(&glyphs);
        assert_eq!(read(&p), "تسلّم|1 -|تعيد");
    }

    #[test]
    fn the_glyphs_drawn_beside_a_mark_or_a_zero_width_alef_decide_its_letter() {
        // "كاملاً" as LibreOffice draws it: from the word's end, the lam-alef ligature as a
        // lam with a zero-width alef at its end and the tanwin over that end. By position
        // alone the tanwin sits on the lam ("كاملًا"); the UN's text has it after the alef.
        let mut drawn: Vec<(char, f32)> = vec![('\u{64b}', 19.9), ('ا', 20.0)];
        drawn.extend(placed("كامل", 0.0).into_iter().rev());
        let mut p = page(&drawn);
        p.glyphs[0].w = 0.0;
        p.glyphs[1].w = 0.0;
        assert_eq!(read(&p), "كاملاً");
        // Drawn from the start, the same glyphs read the same.
        let mut drawn = placed("كامل", 0.0);
        drawn.extend([('ا', 20.0), ('\u{64b}', 19.9)]);
        let mut p = page(&drawn);
        p.glyphs[4].w = 0.0;
        p.glyphs[5].w = 0.0;
        assert_eq!(read(&p), "كاملاً");
    }

    #[test]
    fn a_note_number_is_no_part_of_the_symbol_beside_it_and_a_symbols_brackets_pair() {
        // A footnote: the raised "(7)", then "A/CONF.157/24 (Part I)" drawn left to right
        // with its brackets mirrored, seen backwards along the mirror, then Arabic.
        let mut glyphs = placed("(7)", 0.0);
        glyphs.extend(placed("(I traP) 42/751.FNOC/A، الفصل", 15.0));
        let mut p = page(&glyphs);
        for g in &mut p.glyphs[..3] {
            g.size = 6.0;
            g.y = 703.0;
        }
        assert_eq!(read(&p), "(7)A/CONF.157/24 (Part I)، الفصل");
        // A year before Latin text in brackets stays outside it; the text's own comma at its
        // end is seen just before it.
        let p = page(&placed("لعام 4591 (,seireS ytaerT", 0.0));
        assert_eq!(read(&p), "لعام 1954 (Treaty Series,");
    }

    #[test]
    fn a_note_numbers_brackets_split_by_the_lines_end_go_by_its_number() {
        // "2024(33)،": ")33" ends one line, "(" starts the next, both drawn mirrored.
        let mut end = placed("4202", 0.0);
        end.extend(placed(")33", 20.0));
        let mut p = page(&end);
        for g in &mut p.glyphs[4..] {
            g.size = 6.0;
            g.y = 703.0;
        }
        assert_eq!(read(&p), "2024(33");
        let mut p = page(&placed("(، و", 0.0));
        p.glyphs[0].size = 6.0;
        p.glyphs[0].y = 703.0;
        assert_eq!(read(&p), ")، و");
        // An opening one that ends its line, the number on the next: as drawn.
        let mut p = page(&placed("بشأن 3202(", 0.0));
        let last = p.glyphs.len() - 1;
        p.glyphs[last].size = 6.0;
        p.glyphs[last].y = 703.0;
        assert_eq!(read(&p), "بشأن 2023(");
    }

    #[test]
    fn a_right_to_left_line_reads_by_position_whatever_the_drawing_order() {
        // "وإذ تشير إلى قرارها 1514 (د-15)" on the mirrored page, reading with x. Drawn as
        // LibreOffice does: the lead after the rest, the Arabic portion's glyphs from the
        // left of the page (from the end, mirrored), the digits from the left.
        let lead = placed("وإذ تشير ", 0.0);
        let rest = placed("إلى قرارها ", 45.0);
        // Digits run left to right, so along the mirror they are seen backwards.
        let number = placed("4151 ", 100.0);
        let bracket = placed("(د-51)", 125.0);
        let mut drawn: Vec<(char, f32)> = rest.into_iter().rev().collect();
        drawn.extend(lead.into_iter().rev());
        drawn.extend(number.into_iter().rev());
        drawn.extend(bracket);
        let p = page(&drawn);
        assert!(is_rtl_page(&p));
        assert_eq!(read(&p), "وإذ تشير إلى قرارها 1514 (د-15)");
        // A number and a symbol keep their separators inside the left-to-right island: along
        // the mirror they are seen backwards.
        let p = page(&placed("القرار 941/77 و 924/87/A و 01-SE", 0.0));
        assert_eq!(read(&p), "القرار 77/149 و A/78/429 و ES-10");
        // A number broken after its slash at the line's end keeps the slash after it.
        let p = page(&placed("و /95", 0.0));
        assert_eq!(read(&p), "و 59/");
        // Two numbers and a hyphen are two islands, as LibreOffice sets them.
        let p = page(&placed("الفترة 1202-0302", 0.0));
        assert_eq!(read(&p), "الفترة 2021-2030");
        // A line with no Arabic letter reads from the left of the page.
        let p = page(&placed(")32/87/A(", 0.0));
        assert_eq!(read(&p), "(A/78/23)");
    }

    #[test]
    fn chinese_joins_without_spaces_latin_does_not() {
        assert!(joins_tight('会', '议'));
        assert!(joins_tight('》', 'A'));
        assert!(joins_tight('8', '年'));
        assert!(!joins_tight('a', 'b'));
        assert!(!is_rtl_page(&page(&placed("General Assembly", 0.0))));
    }
}
