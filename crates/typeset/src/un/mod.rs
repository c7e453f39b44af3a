//! UN resolutions as documents: a [`Resolution`] describes one (masthead facts, headings,
//! preambular and operative paragraphs, sub-items, footnotes, closing line) and [`render`]
//! typesets it with the geometry of real General Assembly and Security Council PDFs.
//! [`resolution_from_markdown`] reads the reference Markdown (`A-RES-71-19.md`) into one.
//!
//! Owns the UN house style (indents, sizes, spacing of the page-1 headings); never the
//! mechanics of layout, which stay in the [`crate::Typesetter`].

pub mod fixtures;
mod markdown;

pub use markdown::parse_markdown;

/// Month names as UN documents print dates ("21 November 2016").
pub(crate) const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

use crate::blocks::{Align, IntoRuns, Label, Masthead, Paragraph, Run};
use crate::options::{Furniture, Options};
use crate::typesetter::{Report, Typesetter};
use crate::Face;

/// Which organ adopted the resolution; decides the page-1 headings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Organ {
    GeneralAssembly,
    SecurityCouncil,
}

impl Organ {
    pub fn name(self) -> &'static str {
        match self {
            Organ::GeneralAssembly => "General Assembly",
            Organ::SecurityCouncil => "Security Council",
        }
    }
}

/// One element of the resolution's body, in reading order.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// A preambular paragraph; its italic lead is an [`Run::italic`] run.
    Preambular(Vec<Run>),
    /// An operative paragraph with its printed number (`"1."`), or none for a single
    /// unnumbered one.
    Operative {
        number: Option<String>,
        runs: Vec<Run>,
    },
    /// A sub-item with its printed label (`"(a)"`, `"(ii)"`); level 1 for letters, 2 for
    /// roman numerals.
    SubItem {
        label: String,
        level: u8,
        runs: Vec<Run>,
    },
    /// A bold section heading between operative paragraphs (Security Council).
    Heading(String),
    /// A page break between items (for a break inside a paragraph use [`Run::PageBreak`]).
    PageBreak,
}

/// Everything printed in a resolution.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    pub organ: Organ,
    /// `A/RES/71/19`, `S/RES/2769 (2025)` as printed top right and in the running header.
    pub symbol: String,
    pub distribution: String,
    /// Distribution date as printed ("8 December 2016").
    pub distribution_date: String,
    /// "Seventy-first session" (GA only).
    pub session: Option<String>,
    /// "Agenda item 126", "Agenda items 68 (a) and 69".
    pub agenda: Option<String>,
    /// The agenda item's title, printed in bold under it.
    pub agenda_title: Option<String>,
    /// GA: "Resolution adopted by the General Assembly on 21 November 2016";
    /// SC: "Resolution 2769 (2025)".
    pub heading: String,
    /// SC: "Adopted by the Security Council at its 9838th meeting, on 16 January 2025".
    pub subheading: Option<String>,
    /// "[without reference to a Main Committee (A/71/L.17 and Add.1)]", brackets included.
    pub committee_line: Option<Vec<Run>>,
    /// "71/19" (printed as "71/19." before the title).
    pub number: Option<String>,
    pub title: Option<String>,
    /// "The General Assembly,", printed in italics.
    pub formula: String,
    pub body: Vec<Item>,
    /// "48th plenary meeting", "21 November 2016": right-aligned under the text.
    pub closing: Vec<String>,
    pub footnotes: Vec<(u32, Vec<Run>)>,
    /// Furniture used when the options bring none.
    pub job_number: String,
    pub release_code: Option<String>,
    /// Running-header title; the title when absent.
    pub short_title: Option<String>,
}

impl Resolution {
    /// Page breaks the text asks for, between items and inside paragraphs.
    pub fn explicit_page_breaks(&self) -> usize {
        let in_runs = |runs: &[Run]| runs.iter().filter(|r| **r == Run::PageBreak).count();
        self.body
            .iter()
            .map(|item| match item {
                Item::PageBreak => 1,
                Item::Preambular(runs)
                | Item::Operative { runs, .. }
                | Item::SubItem { runs, .. } => in_runs(runs),
                Item::Heading(_) => 0,
            })
            .sum()
    }

    /// The furniture this resolution prints unless the options override it.
    pub fn furniture(&self) -> Furniture {
        Furniture {
            symbol: self.symbol.clone(),
            short_title: self.short_title.clone().or_else(|| self.title.clone()),
            job_number: self.job_number.clone(),
            release_code: self.release_code.clone(),
            barcode: true,
        }
    }
}

/// How far the session lines and the "71/19." number reach into the left margin
/// (they start at the furniture's left edge, 60 pt).
fn margin_offset(opts: &Options) -> f32 {
    opts.geometry.furniture_left - opts.geometry.column_left
}

fn bold(text: &str) -> Vec<Run> {
    vec![Run::bold(text)]
}

/// Typesets `res`.
pub fn render(res: &Resolution, opts: &Options) -> Vec<u8> {
    render_with_report(res, opts).0
}

/// Most compaction steps tried to make explicit page breaks hold.
const MAX_COMPACTION: u32 = 12;

/// Typesets `res` and reports pages and paragraph placement. Paragraphs in the report are
/// counted from the first page-1 heading: session/agenda lines, headings, committee line,
/// title, formula, then one per [`Item`] (page breaks excluded), then the closing lines.
///
/// Explicit page breaks ([`Item::PageBreak`], [`Run::PageBreak`]) are authoritative: when the
/// text before one does not fit its page, the geometry is compacted step by step
/// ([`crate::Geometry::compacted`]) until no page is added beyond the marked ones.
pub fn render_with_report(res: &Resolution, opts: &Options) -> (Vec<u8>, Report) {
    let marked = res.explicit_page_breaks();
    let mut level = 0;
    loop {
        let mut attempt = opts.clone();
        attempt.geometry = opts.geometry.compacted(level);
        let (pdf, report) = render_once(res, &attempt);
        if marked == 0 || report.pages <= marked + 1 || level == MAX_COMPACTION {
            return (pdf, report);
        }
        level += 1;
    }
}

fn render_once(res: &Resolution, opts: &Options) -> (Vec<u8>, Report) {
    let mut opts = opts.clone();
    if opts.furniture.is_none() {
        opts.furniture = Some(res.furniture());
    }
    if opts.title.is_none() {
        opts.title = Some(res.symbol.clone());
    }
    let margin = margin_offset(&opts);
    // The session block wraps at the middle of the page, like the real ones.
    let left_block = 305.0 - opts.geometry.column_left;
    let mut ts = Typesetter::new(opts);
    ts.page_header_block(Masthead {
        symbol: res.symbol.clone(),
        organ: res.organ.name().to_string(),
        distribution: res.distribution.clone(),
        date: res.distribution_date.clone(),
        emblem: true,
    });

    let mut after_session = false;
    if let Some(s) = &res.session {
        ts.paragraph(
            Paragraph::line(bold(s))
                .at(margin)
                .space_before(0.0)
                .measure(left_block),
        );
        after_session = true;
    }
    if let Some(a) = &res.agenda {
        ts.paragraph(Paragraph::line(a.as_str()).at(margin).space_before(0.0));
        after_session = true;
    }
    if let Some(t) = &res.agenda_title {
        ts.paragraph(
            Paragraph::line(bold(t))
                .at(margin)
                .space_before(0.0)
                .measure(left_block),
        );
        after_session = true;
    }
    match res.organ {
        Organ::GeneralAssembly => {
            let gap = if after_session { 17.4 } else { 0.0 };
            ts.paragraph(
                Paragraph::line(bold(&res.heading))
                    .size(14.04, 15.0)
                    .space_before(gap)
                    .measure(280.0)
                    .keep_with_next(),
            );
        }
        Organ::SecurityCouncil => {
            ts.paragraph(
                Paragraph::line(bold(&res.heading))
                    .size(14.04, 15.0)
                    .space_before(if after_session { 17.4 } else { 0.0 })
                    .keep_with_next(),
            );
        }
    }
    if let Some(sub) = &res.subheading {
        ts.paragraph(
            Paragraph::line(bold(sub))
                .size(12.0, 13.44)
                .space_before(12.0)
                .measure(300.0)
                .keep_with_next(),
        );
    }
    if let Some(line) = &res.committee_line {
        ts.paragraph(
            Paragraph::line(line.clone())
                .space_before(12.6)
                .measure(300.0),
        );
    }
    if let Some(title) = &res.title {
        let mut p = Paragraph::line(bold(title))
            .size(12.0, 13.44)
            .space_before(23.76)
            .measure(300.0)
            .keep_with_next();
        if let Some(n) = &res.number {
            p.first_indent = margin;
            p.label = Some(Label {
                text: format!("{n}."),
                face: Face::Bold,
                text_at: 0.0,
            });
        }
        ts.paragraph(p);
    }
    ts.paragraph(
        Paragraph::body(vec![Run::italic(res.formula.as_str())])
            .align(Align::Left)
            .space_before(12.6),
    );

    for item in &res.body {
        match item {
            Item::Preambular(runs) => {
                ts.paragraph(Paragraph::body(runs.clone()));
            }
            Item::Operative { number, runs } => {
                ts.paragraph(match number {
                    Some(n) => Paragraph::numbered(n.as_str(), runs.clone()),
                    None => Paragraph::body(runs.clone()),
                });
            }
            Item::SubItem { label, level, runs } => {
                ts.paragraph(if *level >= 2 {
                    Paragraph::sub_item(label.as_str(), runs.clone())
                } else {
                    Paragraph::numbered(label.as_str(), runs.clone())
                });
            }
            Item::Heading(h) => {
                ts.paragraph(Paragraph::line(bold(h)).space_before(12.0).keep_with_next());
            }
            Item::PageBreak => {
                ts.page_break();
            }
        }
    }
    for (i, line) in res.closing.iter().enumerate() {
        let mut p = Paragraph::line(line.as_str())
            .align(Align::Right)
            .space_before(if i == 0 { 12.0 } else { 0.0 });
        if i + 1 < res.closing.len() {
            p = p.keep_with_next();
        }
        ts.paragraph(p);
    }
    for (n, runs) in &res.footnotes {
        ts.footnote(*n, runs.clone().into_runs());
    }
    ts.finish_with_report()
}

/// Typesets the reference Markdown of a resolution (see `../shared/reference/README.md`): the
/// first `---` closes the page-1 header, every later `---` is a page break preceded by that
/// page's footnotes (`<sup>n</sup> text`), `*...*` is italic, `<sup>n</sup>` in text is a
/// footnote marker, `[text](url)` prints its text. Page breaks land exactly where marked; a
/// page that starts in lowercase continues the previous paragraph. Running header, job-number
/// footer (`16-20457 (E)` unless `opts.furniture` says otherwise) and `n/N` page numbers are
/// added.
pub fn resolution_from_markdown(md: &str, opts: &Options) -> Vec<u8> {
    render(&parse_markdown(md), opts)
}

/// [`resolution_from_markdown`] with the typesetter's [`Report`].
pub fn resolution_from_markdown_with_report(md: &str, opts: &Options) -> (Vec<u8>, Report) {
    render_with_report(&parse_markdown(md), opts)
}
