//! Page furniture, the footnote zone and paragraphs: what turns positioned lines into text
//! a person reads.
//!
//! - Furniture: tagged `/Artifact` pagination (except the page-1 masthead), job numbers,
//!   page numbers, barcodes, and small running header lines at the top of later pages.
//! - Footnotes: below the rule of underscores at the page foot; each starts with its
//!   number (usually superscript); a footnote continued on the next page is appended.
//! - Paragraphs: body lines joined across lines and pages; a paragraph starts at a first-line
//!   indent, after extra vertical space, at a change of size, or after a line that ended
//!   short where the next line's first word would have fitted.

use serde::{Deserialize, Serialize};

use super::{Document, FontInfo, Line, Page, Role, Span};
use crate::interp::Artifact;

/// Top and bottom share of the page where running headers and footers live.
const FURNITURE_ZONE: f32 = 0.12;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Paragraph {
    /// Page of the first line (1-based).
    pub page: u32,
    /// Baseline of the first line.
    pub y: f32,
    /// First line's start relative to the page's left margin.
    pub indent: f32,
    /// Dominant font size.
    pub size: f32,
    /// The page's left margin, for comparing indents across pages.
    pub margin: f32,
    pub spans: Vec<Span>,
}

impl Paragraph {
    /// The text as a reader sees it: footnote markers dropped, spans joined.
    pub fn text(&self) -> String {
        let mut s = String::new();
        // A marker set after the word break ("Parties, ⁸and") takes the space with it when
        // dropped: the space belongs to the words around it.
        let mut marker_space = false;
        for sp in &self.spans {
            if is_marker(sp) {
                marker_space |= sp.space_before;
                continue;
            }
            if (sp.space_before || marker_space) && !s.is_empty() && !s.ends_with(' ') {
                s.push(' ');
            }
            marker_space = false;
            s.push_str(&sp.text);
        }
        s.trim().to_string()
    }

    /// Numbers of the footnote markers, in order.
    pub fn footnote_refs(&self) -> Vec<u32> {
        self.spans
            .iter()
            .filter(|s| is_marker(s))
            .flat_map(|s| marker_numbers(&s.text))
            .collect()
    }

    pub fn is_bold(&self) -> bool {
        self.spans
            .iter()
            .filter(|s| !s.text.trim().is_empty())
            .all(|s| s.bold)
    }
}

/// A superscript made of footnote numbers ("1", "12", "3,4").
pub fn is_marker(s: &Span) -> bool {
    s.superscript
        && s.text.chars().any(|c| c.is_ascii_digit())
        && s.text
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == ' ')
}

fn marker_numbers(t: &str) -> Vec<u32> {
    t.split([',', ' '])
        .filter_map(|p| p.trim().parse().ok())
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Footnote {
    /// As printed: "1", "*", "**".
    pub marker: String,
    /// The number of a numbered footnote.
    pub number: Option<u32>,
    pub text: String,
}

pub fn analyse(fonts: Vec<FontInfo>, mut pages: Vec<Page>) -> Document {
    let body_size = body_size(&pages);
    let symbol = masthead_symbol(&pages);
    for page in &mut pages {
        mark_footnotes(page, body_size);
        mark_furniture(page, body_size, symbol.as_deref());
    }
    let footnotes = collect_footnotes(&pages);
    let mut paragraphs = paragraphs(&pages, body_size);
    dehyphenate(&mut paragraphs, &footnotes);
    Document {
        fonts,
        pages,
        paragraphs,
        footnotes,
    }
}

/// The most common font size of text lines, weighted by length.
fn body_size(pages: &[Page]) -> f32 {
    let mut counts: Vec<(f32, usize)> = Vec::new();
    for l in pages.iter().flat_map(|p| &p.lines) {
        let n: usize = l.spans.iter().map(|s| s.text.len()).sum();
        let s = (l.size * 2.0).round() / 2.0;
        match counts.iter_mut().find(|(v, _)| *v == s) {
            Some(e) => e.1 += n,
            None => counts.push((s, n)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|c| c.1)
        .map(|c| c.0)
        .unwrap_or(10.0)
}

/// The document symbol printed top right on page 1 ("A/RES/78/101"), used to recognise it
/// as a running header on later pages.
fn masthead_symbol(pages: &[Page]) -> Option<String> {
    let page = pages.first()?;
    let top = page.height * (1.0 - 2.0 * FURNITURE_ZONE);
    let mut text = String::new();
    for l in page.lines.iter().filter(|l| l.y > top) {
        text.push_str(&l.text());
        text.push(' ');
    }
    text.split_whitespace()
        .map(|w| w.trim_end_matches('*'))
        .find(|w| {
            w.contains('/')
                && w.len() > 3
                && w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && !w.contains("//")
        })
        .map(str::to_string)
}

fn is_rule(l: &Line) -> bool {
    let t = l.text();
    let t = t.trim();
    t.len() >= 5
        && t.chars()
            .all(|c| c == '_' || c == '\u{2014}' || c == '\u{2015}')
}

fn mark_footnotes(page: &mut Page, body_size: f32) {
    let rule = page
        .lines
        .iter()
        .rposition(|l| is_rule(l) && l.y < page.height * 0.6);
    let Some(rule) = rule else {
        mark_footnotes_without_rule(page, body_size);
        return;
    };
    page.lines[rule].role = Role::FootnoteRule;
    let foot = page.height * FURNITURE_ZONE;
    for l in &mut page.lines[rule + 1..] {
        // Footer lines in body size below the notes stay for the furniture pass.
        if l.y < foot && l.size >= body_size * 0.95 && !starts_with_marker(l) {
            continue;
        }
        l.role = Role::Footnote;
    }
}

/// Producers that draw the footnote rule as a path leave no rule of underscores: the notes
/// are then the block of small lines at the page foot (above the footer) whose first line
/// starts with a note marker.
fn mark_footnotes_without_rule(page: &mut Page, body_size: f32) {
    let foot = page.height * FURNITURE_ZONE;
    let mut k = page.lines.len();
    // Footer lines (job numbers, page numbers) below the notes.
    while k > 0
        && page.lines[k - 1].y < foot
        && is_furniture_text(&page.lines[k - 1].text(), None, false)
    {
        k -= 1;
    }
    let end = k;
    while k > 0
        && page.lines[k - 1].size < 0.92 * body_size
        && page.lines[k - 1].y < page.height * 0.5
    {
        k -= 1;
    }
    // The block must open with a marker; lines above the first marker stay body text.
    let Some(first) = (k..end).find(|&i| footnote_start(&page.lines[i]).is_some()) else {
        return;
    };
    for l in &mut page.lines[first..end] {
        l.role = Role::Footnote;
    }
}

fn starts_with_marker(l: &Line) -> bool {
    l.spans.first().is_some_and(is_marker)
}

/// Job numbers (`23-24977 (E)`, `GE.25-11220 (E)`), page numbers (`2/12`), barcodes
/// (`*2324977*`), date codes (`201223`) and the symbol: what a footer or header line holds.
fn is_furniture_text(t: &str, symbol: Option<&str>, first_page: bool) -> bool {
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.is_empty() {
        return true;
    }
    let mut any = false;
    for w in &words {
        let furniture = is_job_number(w)
            || is_job_language(w)
            || is_page_number(w)
            || (w.starts_with('*') && w.ends_with('*') && w.len() > 2)
            || (w.len() == 6 && w.bytes().all(|b| b.is_ascii_digit()))
            || symbol.is_some_and(|s| !first_page && w.trim_end_matches('*') == s);
        if !furniture {
            return false;
        }
        any = true;
    }
    any
}

/// The language letter after a job number: `(E)`, and `(F)`, `(S)`, `(R)`, `(A)`, `(C)` for
/// French, Spanish, Russian, Arabic and Chinese.
fn is_job_language(w: &str) -> bool {
    let b = w.as_bytes();
    // Read back from a right-to-left line, the brackets come mirrored: ")A(".
    b.len() == 3 && b[1].is_ascii_uppercase() && matches!((b[0], b[2]), (b'(', b')') | (b')', b'('))
}

pub(crate) fn is_job_number(w: &str) -> bool {
    let w = w.strip_prefix("GE.").unwrap_or(w);
    let b = w.as_bytes();
    b.len() >= 8
        && b[2] == b'-'
        && b[..2].iter().all(u8::is_ascii_digit)
        && b[3..].iter().take_while(|c| c.is_ascii_digit()).count() >= 5
}

pub(crate) fn is_page_number(w: &str) -> bool {
    match w.split_once('/') {
        Some((a, b)) => {
            !a.is_empty()
                && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
                && a.parse::<u32>().ok() <= b.parse::<u32>().ok()
        }
        None => false,
    }
}

fn mark_furniture(page: &mut Page, body_size: f32, symbol: Option<&str>) {
    let top = page.height * (1.0 - FURNITURE_ZONE);
    let foot = page.height * FURNITURE_ZONE;
    let first_page = page.number == 1;
    for l in &mut page.lines {
        if l.role == Role::FootnoteRule {
            continue;
        }
        let in_zone = l.y > top || l.y < foot;
        let text = l.text();
        let furniture = match l.artifact {
            Artifact::Header | Artifact::Footer if !first_page => true,
            Artifact::Footer => true,
            _ => in_zone && is_furniture_text(&text, symbol, first_page),
        };
        if furniture {
            l.role = Role::Furniture;
        }
    }
    if !first_page {
        // Running headers of untagged files: the small lines above the body at the top, and
        // those of a long title that runs on below the zone, line under line.
        let mut last_y: Option<f32> = None;
        for l in page.lines.iter_mut() {
            let small = l.size < body_size * 0.95;
            let runs_on = last_y.is_some_and(|y| small && y - l.y < 2.0 * l.size);
            if !(l.y > top || runs_on) {
                break;
            }
            if l.role == Role::Body && small {
                l.role = Role::Furniture;
            }
            if l.role == Role::Furniture {
                last_y = Some(l.y);
            }
        }
    }
    // Footer lines of untagged files: small or furniture-like lines below the footnotes.
    for l in page.lines.iter_mut().rev().take_while(|l| l.y < foot) {
        if l.role != Role::Furniture && is_furniture_text(&l.text(), symbol, first_page) {
            l.role = Role::Furniture;
        }
    }
}

/// Where a footnote line's marker is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MarkerAt {
    /// The first span: a superscript number.
    Span,
    /// A superscript number between superscript brackets, "(1)" (Arabic), each a span of its
    /// own: the brackets are text, as in the paragraph that cites the note.
    Bracketed,
    /// On the baseline at the start of the first span: "12 Resolution 70/1.", "* Reissued".
    Baseline,
}

/// The marker a footnote line starts with, and where it is.
fn footnote_start(l: &Line) -> Option<(String, MarkerAt)> {
    let first = l.spans.first()?;
    let t = first.text.trim();
    if is_marker(first) {
        return Some((t.to_string(), MarkerAt::Span));
    }
    if let [open, number, close, ..] = &l.spans[..] {
        let sup_bracket = |s: &Span, b: &str| s.superscript && s.text.trim() == b;
        if sup_bracket(open, "(") && is_marker(number) && sup_bracket(close, ")") {
            return Some((number.text.trim().to_string(), MarkerAt::Bracketed));
        }
    }
    // Some producers print the marker on the baseline.
    let marker: String = if t.starts_with('*') {
        t.chars().take_while(|&c| c == '*').collect()
    } else {
        t.chars().take_while(|c| c.is_ascii_digit()).collect()
    };
    let rest = &t[marker.len()..];
    if !marker.is_empty() && marker.len() <= 3 && (rest.is_empty() || rest.starts_with(' ')) {
        return Some((marker, MarkerAt::Baseline));
    }
    None
}

fn collect_footnotes(pages: &[Page]) -> Vec<Footnote> {
    let mut notes: Vec<Footnote> = Vec::new();
    // Whether a note so far had its marker raised: then the document raises its markers,
    // and a number on the baseline is text.
    let mut raised_markers = false;
    for page in pages {
        for l in page.lines.iter().filter(|l| l.role == Role::Footnote) {
            let last_number = notes.iter().rev().find_map(|n| n.number);
            let start = footnote_start(l).filter(|(m, at)| match m.parse::<u32>() {
                // Numbers only go up; a lower one is text that begins with a number.
                Ok(n) if *at != MarkerAt::Baseline => last_number.is_none_or(|last| n > last),
                // A number on the baseline ("28 and 29 June 2012, ...") starts a note only
                // as the next one, and only where markers are printed so: a wrapped line of
                // a note often begins with a date.
                Ok(n) => !raised_markers && last_number.map_or(n == 1, |last| n == last + 1),
                Err(_) => true,
            });
            match start {
                Some((marker, at)) => {
                    raised_markers |= at != MarkerAt::Baseline;
                    let after = |skip: usize| {
                        Line {
                            spans: l.spans[skip..].to_vec(),
                            ..l.clone()
                        }
                        .text()
                    };
                    let text = match at {
                        MarkerAt::Span => after(1),
                        // The UN's Arabic XML: "() الوثائق ...".
                        MarkerAt::Bracketed => format!("() {}", after(3).trim_start()),
                        MarkerAt::Baseline => after(0).trim_start()[marker.len()..].to_string(),
                    };
                    notes.push(Footnote {
                        number: marker.parse().ok(),
                        marker,
                        text: text.trim().to_string(),
                    });
                }
                None => {
                    // A note continued from the previous page, or the next line of this one.
                    if let Some(note) = notes.last_mut() {
                        join_line_text(&mut note.text, &l.text());
                    }
                }
            }
        }
    }
    notes
}

/// A line ending in `a` and the next starting with `b` join without a space: Chinese, or
/// inside brackets (an opening one ends the line, a closing one starts the next).
fn joins_across_lines(a: char, b: char) -> bool {
    super::joins_tight(a, b) || matches!(a, '(' | '[') || matches!(b, ')' | ']')
}

fn join_line_text(acc: &mut String, next: &str) {
    let next = next.trim();
    if next.is_empty() {
        return;
    }
    let suspended = acc.ends_with('-') && is_conjunction(next.split(' ').next().unwrap_or(""));
    let tight = acc
        .chars()
        .last()
        .zip(next.chars().next())
        .is_some_and(|(a, b)| joins_across_lines(a, b));
    if acc.ends_with('\u{ad}') {
        acc.pop();
    } else if tight {
        // Chinese: lines join without a space.
    } else if suspended
        || !acc.is_empty()
            && !acc.ends_with('-')
            && !acc.ends_with('\u{2010}')
            && !acc.ends_with('/')
            && !ends_with_glued_dash(acc)
    {
        acc.push(' ');
    }
    acc.push_str(next);
}

/// Words that follow a suspended hyphen ("pre- and post-war", "court- ou long terme"), never
/// the second half of a split word.
fn is_conjunction(w: &str) -> bool {
    matches!(
        w,
        "and" | "or" | "nor" | "et" | "ou" | "y" | "o" | "u" | "и" | "или"
    )
}

/// A line ending in an en dash or non-breaking hyphen set tight against the word before it
/// ("2025–" then "2034", "3–" then "14 June") continues that word on the next line: no space
/// is read there. A spaced dash ("now –") is punctuation and keeps its space.
fn ends_with_glued_dash(s: &str) -> bool {
    let mut rev = s.chars().rev();
    matches!(rev.next(), Some('\u{2013}' | '\u{2011}'))
        && rev.next().is_some_and(|c| !c.is_whitespace())
}

/// How often each value occurs, rounded to a point, in order of first appearance.
fn rounded_counts(values: impl IntoIterator<Item = f32>) -> Vec<(f32, usize)> {
    let mut counts: Vec<(f32, usize)> = Vec::new();
    for v in values {
        let r = v.round();
        match counts.iter_mut().find(|(x, _)| *x == r) {
            Some(e) => e.1 += 1,
            None => counts.push((r, 1)),
        }
    }
    counts
}

/// Most common value (rounded to a point) of `values`.
fn mode(values: impl Iterator<Item = f32>) -> Option<f32> {
    let counts = rounded_counts(values);
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.total_cmp(&a.0)))
        .map(|c| c.0)
}

/// The right edge of a page's justified text: the common x1 among its longest regular lines
/// (a masthead or a table may reach further).
fn right_edge<'a>(lines: impl Iterator<Item = &'a Line> + Clone) -> f32 {
    let widest = lines.clone().map(|l| l.x1).fold(f32::MIN, f32::max);
    mode(lines.map(|l| l.x1).filter(|x| *x >= 0.85 * widest))
        .unwrap_or(widest)
        .max(0.0)
}

fn paragraphs(pages: &[Page], body_size: f32) -> Vec<Paragraph> {
    let merged: Vec<Vec<Line>> = pages
        .iter()
        .map(|p| merge_table_rows(p.lines.iter().filter(|l| l.role == Role::Body), body_size))
        .collect();
    let regular_of = |k: usize| {
        merged[k]
            .iter()
            .filter(move |l| (l.size - body_size).abs() < 0.75)
    };
    // The left margin, per page parity (margins mirror): where the line after a full line
    // starts, most often. Full first lines are indented and page 1's header block sits
    // further left, so neither the leftmost nor the most common start will do.
    let mut continuation: [Vec<f32>; 2] = [Vec::new(), Vec::new()];
    for (k, page) in pages.iter().enumerate() {
        let right = right_edge(regular_of(k));
        let lines: Vec<&Line> = regular_of(k).collect();
        for w in lines.windows(2) {
            if w[0].x1 >= right - 2.0 && w[0].x1 - w[0].x0 > 0.35 * page.width && w[0].y > w[1].y {
                continuation[page.number as usize % 2].push(w[1].x0);
            }
        }
    }
    // The leftmost start that recurs: blocks set at an indent as a whole ("(i)" items) also
    // continue full lines, further right.
    let leftmost_common = |xs: &[f32]| {
        let counts = rounded_counts(xs.iter().copied());
        let most = counts.iter().map(|c| c.1).max().unwrap_or(0);
        let floor = 1.max(most / 5);
        counts
            .iter()
            .filter(|c| c.1 >= floor)
            .map(|c| c.0)
            .reduce(f32::min)
    };
    let margins = [
        leftmost_common(&continuation[0]),
        leftmost_common(&continuation[1]),
    ];
    let mut out: Vec<Paragraph> = Vec::new();
    let mut prev: Option<(&Line, f32, f32)> = None; // line, its page's margin, right edge
    let mut prev_page = 0;
    for page in pages {
        let k = page.number as usize - 1;
        let body: Vec<&Line> = merged[k].iter().collect();
        let right = right_edge(regular_of(k));
        let parity = page.number as usize % 2;
        let margin = margins[parity]
            .or(margins[1 - parity])
            .or_else(|| mode(regular_of(k).map(|l| l.x0)))
            .or_else(|| body.iter().map(|l| l.x0).reduce(f32::min))
            .unwrap_or(0.0);
        let right = right.max(margin + 100.0);

        let pitch = mode(
            body.windows(2)
                .map(|w| w[0].y - w[1].y)
                .filter(|d| *d > 0.0),
        )
        .unwrap_or(body_size * 1.2)
        .max(body_size);
        for l in body {
            let same_page = prev_page == page.number;
            let new_para = match prev {
                None => true,
                Some((p, p_margin, p_right)) => {
                    // A block indented as a whole ("(i)" items set at the label's indent)
                    // continues where the line above was full and ended no clause.
                    let ends_clause = p.spans.last().is_some_and(|s| {
                        s.text
                            .trim_end()
                            .ends_with(['.', ',', ';', ':', '،', '؛', '。', '，', '；', '：'])
                    });
                    let block = same_page
                        && (l.x0 - p.x0).abs() < 1.0
                        && p.x1 >= p_right - 2.0
                        && !ends_clause;
                    let indent = l.x0 - margin > 0.5 * l.size && !block;
                    let gap = same_page && p.y - l.y > 1.35 * pitch;
                    let size_change = (p.size - l.size).abs() > 0.75;
                    let bold_change = line_bold(p) != line_bold(l);
                    let first_word = first_word_width(l);
                    // Across a page break the last line may be left ragged (a forced break): there a
                    // short line ends a paragraph only when it ends a sentence or clause.
                    // Arabic is set ragged, a word's width guessed from its share of the
                    // span's letters is rough in a cursive script, and a date is held together
                    // by no-break spaces ("15 كانون الأول/ديسمبر" moves to the next line as one):
                    // there a short line ends a paragraph only where it ends a clause, and by
                    // an em more than the guess (first lines are indented anyway).
                    let rtl = mostly_rtl(l);
                    let slack = if rtl { p.size } else { 0.0 };
                    let ended_short = p.x1 + first_word + 0.3 * p.size + slack < p_right
                        && !ends_hyphen(p)
                        && (same_page || ends_clause)
                        && (!rtl || ends_clause);
                    let outdent_before = p.x0 - p_margin < -0.5 * p.size;
                    indent
                        || gap
                        || size_change
                        || bold_change
                        || ended_short
                        || outdent_before
                        || !same_page && l.x0 - margin < -0.5 * l.size
                }
            };
            if new_para {
                out.push(Paragraph {
                    page: page.number,
                    y: l.y,
                    indent: l.x0 - margin,
                    size: l.size,
                    margin,
                    spans: l.spans.clone(),
                });
            } else if let Some(para) = out.last_mut() {
                append_line(para, l);
            }
            prev = Some((l, margin, right));
            prev_page = page.number;
        }
    }
    out
}

/// Table rows in small type whose cells wrap: a line whose every cell sits over a cell of
/// the next line, with fewer cells and at line spacing, is the upper part of that row
/// (a two-line header cell, a wrapped label). The row then reads cell by cell, each cell
/// top to bottom, as a reader reads a table.
fn merge_table_rows<'a>(lines: impl Iterator<Item = &'a Line>, body_size: f32) -> Vec<Line> {
    let overlaps = |a: &Span, b: &Span| a.x0 <= b.x1 + 1.0 && b.x0 <= a.x1 + 1.0;
    let mut out: Vec<Line> = Vec::new();
    for l in lines {
        let merge = out.last().is_some_and(|up: &Line| {
            let small = up.size < 0.92 * body_size && l.size < 0.92 * body_size;
            let close = up.y - l.y > 0.0 && up.y - l.y < 1.35 * up.size.max(l.size);
            small
                && close
                && up.spans.len() < l.spans.len()
                && up
                    .spans
                    .iter()
                    .all(|a| l.spans.iter().any(|b| overlaps(a, b)))
        });
        if !merge {
            out.push(l.clone());
            continue;
        }
        let up = out.pop().expect("checked");
        let mut spans = Vec::with_capacity(up.spans.len() + l.spans.len());
        for b in &l.spans {
            for a in up.spans.iter().filter(|a| overlaps(a, b)) {
                if !spans.contains(a) {
                    let mut a = a.clone();
                    a.space_before = !spans.is_empty();
                    spans.push(a);
                }
            }
            let mut b = b.clone();
            b.space_before = !spans.is_empty();
            spans.push(b);
        }
        out.push(Line {
            spans,
            x0: up.x0.min(l.x0),
            x1: up.x1.max(l.x1),
            ..l.clone()
        });
    }
    out
}

fn line_bold(l: &Line) -> bool {
    l.spans.iter().filter(|s| !s.superscript).all(|s| s.bold)
}

fn ends_hyphen(l: &Line) -> bool {
    l.spans
        .last()
        .is_some_and(|s| s.text.ends_with(['-', '\u{ad}', '\u{2010}']))
}

/// A line whose letters are mostly right-to-left (Arabic), whatever it starts with ("15
/// كانون الأول/ديسمبر").
fn mostly_rtl(l: &Line) -> bool {
    if l.spans.iter().all(|s| s.text.is_ascii()) {
        return false;
    }
    let (mut rtl, mut other) = (0, 0);
    for c in l
        .spans
        .iter()
        .flat_map(|s| s.text.chars())
        .filter(|c| c.is_alphabetic())
    {
        if super::is_rtl_char(c) {
            rtl += 1;
        } else {
            other += 1;
        }
    }
    rtl > other
}

fn first_word_width(l: &Line) -> f32 {
    let Some(s) = l.spans.first() else { return 0.0 };
    let chars = s.text.chars().count().max(1) as f32;
    let word = s
        .text
        .split(' ')
        .next()
        .map(|w| w.chars().count())
        .unwrap_or(0) as f32;
    (s.x1 - s.x0) * word / chars
}

fn append_line(para: &mut Paragraph, l: &Line) {
    let mut spans = l.spans.clone();
    let ends_with_marker = para.spans.last().is_some_and(is_marker);
    let rejoined = para
        .spans
        .last()
        .zip(spans.first())
        .filter(|_| !ends_with_marker)
        .and_then(|(last, first)| rejoin_broken_number(&last.text, &first.text))
        .filter(|_| mostly_rtl(l));
    let number_rejoined = rejoined.is_some();
    if let Some((first, text)) = spans.first_mut().zip(rejoined) {
        first.text = text;
    }
    let joined_by_hyphen = match para.spans.iter_mut().rev().find(|s| !is_marker(s)) {
        Some(last) if last.text.ends_with('\u{ad}') => {
            last.text.pop();
            true
        }
        Some(last)
            if last.text.ends_with(['-', '\u{2010}'])
                && !last.text.ends_with(" -")
                && !ends_with_marker =>
        {
            last.hyphen_break = true;
            true
        }
        // An en dash is never a hyphenation point: joined, and kept.
        Some(last) if ends_with_glued_dash(&last.text) && !ends_with_marker => true,
        // A resolution number broken after its slash ("59/" then "241"); a word is not
        // ("El Niño/ Southern" keeps its space).
        Some(last)
            if last
                .text
                .strip_suffix('/')
                .is_some_and(|t| t.ends_with(|c: char| c.is_ascii_digit()))
                && !ends_with_marker
                && spans
                    .first()
                    .and_then(|s| s.text.chars().next())
                    .is_some_and(|c| c.is_ascii_digit()) =>
        {
            true
        }
        _ => false,
    };
    let tight = para
        .spans
        .iter()
        .rev()
        .find(|s| !is_marker(s))
        .and_then(|s| s.text.chars().last())
        .zip(spans.first().and_then(|s| s.text.chars().next()))
        .is_some_and(|(a, b)| joins_across_lines(a, b));
    if let Some(first) = spans.first_mut() {
        first.space_before = !joined_by_hyphen && !tight && !number_rejoined;
    }
    para.spans.extend(spans);
}

/// LibreOffice breaks a number of right-to-left text anywhere at a line's end: "53/1" then
/// "84" for "53/184", or "55" then "/29", which reads back as "29/" (the slash is seen
/// after the digits). Two numbers in a row with nothing between them are no running text,
/// so the pieces join without a space: the next line's text as it joins, the slash put back in
/// front. Without a slash they stay apart: the meeting line "الجلسة العامة 42" above "4 كانون
/// الأول/ديسمبر".
fn rejoin_broken_number(before: &str, next: &str) -> Option<String> {
    let number = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit());
    let last = before.rsplit(' ').next().unwrap_or("");
    if !last.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let first = next.split(' ').next().unwrap_or("");
    let resolution = last
        .split_once('/')
        .is_some_and(|(a, b)| number(a) && number(b));
    if resolution && next.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(next.to_string());
    }
    match first.strip_suffix('/') {
        Some(digits) if number(last) && number(digits) => {
            Some(format!("/{digits}{}", &next[first.len()..]))
        }
        _ => None,
    }
}

/// Word endings that never stand alone: after a line-end hyphen they mark a word split by
/// hyphenation ("organiza-" + "tion"), not a compound.
const SPLIT_SUFFIXES: &[&str] = &[
    "tion", "tions", "sion", "sions", "ment", "ments", "ness", "ity", "ities", "ing", "ings",
    "ance", "ances", "ence", "ences", "ive", "ives", "ally", "ous", "ical", "ised", "ized",
    "isation", "ization", "izations", "ation", "ations", "ative", "atives", "ible", "ular", "ists",
    "ism", "isms", "ure", "ures", "ial", "ials", "ency", "ancy", "ient", "ients", "ant", "ants",
    "ent", "ents", "ed", "es", "ly", "ty", "ties", "ry", "ries", "cy", "cies",
];

fn word_key(w: &str) -> String {
    w.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Decides every line-end hyphen: a soft hyphen was already dropped; a plain hyphen stays
/// (compounds such as "Non-Self-|Governing" are the rule in UN documents) unless the document
/// itself shows the joined word elsewhere, or the second half is a bare word ending.
fn dehyphenate(paragraphs: &mut [Paragraph], footnotes: &[Footnote]) {
    use std::collections::HashSet;
    let mut words: HashSet<String> = HashSet::new();
    let mut compounds: HashSet<String> = HashSet::new();
    let mut add = |text: &str, skip_first: bool, skip_last: bool| {
        let tokens: Vec<&str> = text.split_whitespace().collect();
        for (k, t) in tokens.iter().enumerate() {
            if (k == 0 && skip_first) || (k + 1 == tokens.len() && skip_last) {
                continue;
            }
            if t.contains('-') {
                compounds.insert(word_key(t));
            }
            for part in t.split(['-', '\u{2010}']) {
                let w = word_key(part);
                if !w.is_empty() {
                    words.insert(w);
                }
            }
        }
    };
    for p in paragraphs.iter() {
        let mut after_break = false;
        for sp in &p.spans {
            add(&sp.text, after_break && !sp.space_before, sp.hyphen_break);
            after_break = sp.hyphen_break;
        }
    }
    for f in footnotes {
        add(&f.text, false, false);
    }
    for p in paragraphs.iter_mut() {
        for k in 0..p.spans.len().saturating_sub(1) {
            if !p.spans[k].hyphen_break {
                continue;
            }
            let prefix_raw = p.spans[k]
                .text
                .trim_end_matches(['-', '\u{2010}'])
                .rsplit([' ', '-'])
                .next()
                .unwrap_or("")
                .to_string();
            let Some(next) = p.spans[k + 1..].iter().find(|s| !is_marker(s)) else {
                continue;
            };
            let suffix_raw = next.text.split([' ', '-']).next().unwrap_or("").to_string();
            if is_conjunction(&suffix_raw) {
                // "low-" + "and middle-income": a suspended hyphen, followed by a space.
                if let Some(n) = p.spans[k + 1..].iter_mut().find(|s| !is_marker(s)) {
                    n.space_before = true;
                }
            } else if split_word(&prefix_raw, &suffix_raw, &words, &compounds) {
                let t = &mut p.spans[k].text;
                t.pop();
            }
            p.spans[k].hyphen_break = false;
        }
    }
}

/// Joins `next` to `acc` as a reader would across a line break: a space, or nothing after a
/// real hyphen, or the hyphen dropped where it split a word (decided as in [`dehyphenate`]).
pub fn join_lines(doc: &Document, acc: &mut String, next: &str) {
    let next = next.trim();
    let tight = acc
        .chars()
        .last()
        .zip(next.chars().next())
        .is_some_and(|(a, b)| joins_across_lines(a, b));
    if ends_with_glued_dash(acc) || tight {
        acc.push_str(next);
        return;
    }
    if !acc.ends_with(['-', '\u{2010}']) || acc.ends_with(" -") {
        if !acc.is_empty() {
            acc.push(' ');
        }
        acc.push_str(next);
        return;
    }
    let mut words = std::collections::HashSet::new();
    let mut compounds = std::collections::HashSet::new();
    for t in doc
        .paragraphs
        .iter()
        .flat_map(|p| p.spans.iter())
        .flat_map(|s| s.text.split_whitespace())
    {
        if t.contains('-') {
            compounds.insert(word_key(t));
        }
        words.extend(t.split('-').map(word_key).filter(|w| !w.is_empty()));
    }
    let prefix = acc
        .trim_end_matches(['-', '\u{2010}'])
        .rsplit([' ', '-'])
        .next()
        .unwrap_or("")
        .to_string();
    let suffix = next.split([' ', '-']).next().unwrap_or("");
    if is_conjunction(suffix) {
        acc.push(' ');
        acc.push_str(next);
        return;
    }
    // The two halves themselves are in the word list; they must not vouch for themselves.
    words.remove(&word_key(suffix));
    if split_word(&prefix, suffix, &words, &compounds) {
        acc.pop();
    }
    acc.push_str(next);
}

fn split_word(
    prefix: &str,
    suffix: &str,
    words: &std::collections::HashSet<String>,
    compounds: &std::collections::HashSet<String>,
) -> bool {
    let (pre, suf) = (word_key(prefix), word_key(suffix));
    if pre.is_empty()
        || suf.is_empty()
        || suffix.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    let joined = format!("{pre}{suf}");
    if compounds.contains(&joined) {
        // Seen elsewhere as "pre-suf": a compound.
        return false;
    }
    if words.contains(&joined) {
        return true;
    }
    !words.contains(&suf) && SPLIT_SUFFIXES.contains(&suf.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, superscript: bool) -> Span {
        Span {
            text: text.into(),
            x0: 0.0,
            x1: 10.0,
            size: if superscript { 6.0 } else { 10.0 },
            font: 0,
            bold: false,
            italic: false,
            superscript,
            space_before: !superscript,
            hyphen_break: false,
        }
    }

    fn note_line(spans: Vec<Span>) -> Line {
        Line {
            y: 100.0,
            x0: 0.0,
            x1: 400.0,
            size: 10.0,
            role: Role::Footnote,
            artifact: Artifact::None,
            spans,
        }
    }

    fn notes(lines: Vec<Line>) -> Vec<(Option<u32>, String)> {
        let page = Page {
            number: 1,
            width: 612.0,
            height: 792.0,
            lines,
        };
        collect_footnotes(&[page])
            .into_iter()
            .map(|n| (n.number, n.text))
            .collect()
    }

    #[test]
    fn a_number_on_the_baseline_starts_a_note_only_where_markers_are_printed_so() {
        // Raised markers: "15 October" continuing note 14 is text, though 15 comes next.
        let raised = notes(vec![
            note_line(vec![span("14", true), span("Paris,", false)]),
            note_line(vec![span("15 October - 3 November 2023.", false)]),
            note_line(vec![span("15", true), span("Report.", false)]),
        ]);
        assert_eq!(
            raised,
            [
                (Some(14), "Paris, 15 October - 3 November 2023.".to_string()),
                (Some(15), "Report.".to_string())
            ]
        );
        // Markers on the baseline: the next number starts the next note.
        let baseline = notes(vec![
            note_line(vec![span("1 Paris,", false)]),
            note_line(vec![span("2 Report.", false)]),
        ]);
        assert_eq!(
            baseline,
            [
                (Some(1), "Paris,".to_string()),
                (Some(2), "Report.".to_string())
            ]
        );
    }

    #[test]
    fn a_number_broken_at_a_lines_end_joins_again() {
        let join = rejoin_broken_number;
        assert_eq!(join("و 53/1", "84 المؤرخ").as_deref(), Some("84 المؤرخ"));
        assert_eq!(join("و 55", "29/ المؤرخ").as_deref(), Some("/29 المؤرخ"));
        // The meeting line above the date, a word before a number: apart.
        assert_eq!(join("الجلسة العامة 42", "4 كانون الأول"), None);
        assert_eq!(join("القرار", "84 المؤرخ"), None);
    }
}
