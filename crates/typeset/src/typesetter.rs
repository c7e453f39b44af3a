//! The [`Typesetter`]: collects blocks, then on [`Typesetter::finish`] lays out paragraphs,
//! paginates (footnotes on their marker's page, explicit and in-paragraph page breaks, orphan
//! and keep-with-next control), adds the furniture and writes the PDF with lopdf.
//!
//! Layout is deferred to `finish` so footnote texts may be given before or after the paragraph
//! that cites them.

use std::collections::BTreeMap;

use lopdf::{dictionary, Document, Object, Stream};

use crate::blocks::{IntoRuns, Masthead, Paragraph, Run};
use crate::content::ContentWriter;
use crate::fonts::{Fonts, Role};
use crate::furniture::{self, Group};
use crate::layout::{self, BreakRules, Frag, Line, Piece, SUPERSCRIPT_RISE, SUPERSCRIPT_SCALE};
use crate::options::{Geometry, Options};
use crate::Face;

/// Room kept below a keep-with-next paragraph: a gap and two body lines.
const KEEP_WITH_NEXT_ROOM: f32 = 6.0 + 2.0 * 12.0;

#[derive(Clone, Debug)]
enum Block {
    Masthead(Masthead),
    Paragraph(Paragraph),
    PageBreak,
}

/// What the typesetter did, for tests that check the extractor against it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub pages: usize,
    /// For each paragraph, in the order given: the first and last page (1-based) it is on.
    pub paragraph_pages: Vec<(usize, usize)>,
    /// Footnote numbers printed at the foot of each page.
    pub footnotes_by_page: Vec<Vec<u32>>,
}

/// Builds one PDF. Describe the document block by block, then call [`Typesetter::finish`].
///
/// ```
/// use resingest_typeset::{Options, Paragraph, Run, Typesetter};
/// let mut ts = Typesetter::new(Options::default());
/// ts.paragraph(Paragraph::body(vec![
///     Run::italic("Recalling"),
///     Run::plain(" its resolution 51/1,"),
///     Run::footnote(1),
/// ]))
/// .footnote(1, "Resolution 51/1.");
/// let pdf = ts.finish();
/// assert!(pdf.starts_with(b"%PDF-"));
/// ```
#[derive(Clone, Debug)]
pub struct Typesetter {
    opts: Options,
    blocks: Vec<Block>,
    footnotes: BTreeMap<u32, Vec<Run>>,
}

#[derive(Default)]
struct PageLayout {
    masthead: Option<Masthead>,
    body: Vec<(f32, Line)>,
    footnotes: Vec<u32>,
}

impl Typesetter {
    pub fn new(opts: Options) -> Typesetter {
        Typesetter {
            opts,
            blocks: Vec::new(),
            footnotes: BTreeMap::new(),
        }
    }

    /// The page-1 masthead. Put it first: on a page that already has text it starts a new page.
    pub fn page_header_block(&mut self, masthead: Masthead) -> &mut Self {
        self.blocks.push(Block::Masthead(masthead));
        self
    }

    pub fn paragraph(&mut self, paragraph: Paragraph) -> &mut Self {
        self.blocks.push(Block::Paragraph(paragraph));
        self
    }

    /// The text of footnote `number`, printed at the foot of the page where its marker
    /// ([`Run::Footnote`]) lands. A footnote whose marker never appears is not printed.
    pub fn footnote(&mut self, number: u32, text: impl IntoRuns) -> &mut Self {
        self.footnotes.insert(number, text.into_runs());
        self
    }

    /// Starts a new page between paragraphs.
    pub fn page_break(&mut self) -> &mut Self {
        self.blocks.push(Block::PageBreak);
        self
    }

    /// The page geometry in use, for callers positioning their own checks.
    pub fn geometry(&self) -> &Geometry {
        &self.opts.geometry
    }

    /// Lays out and writes the PDF.
    pub fn finish(self) -> Vec<u8> {
        self.finish_with_report().0
    }

    /// Lays out and writes the PDF, and says where things went.
    pub fn finish_with_report(self) -> (Vec<u8>, Report) {
        let o = &self.opts;
        let mut fonts = Fonts::new(o.fonts, o.simple_names, o.ligatures, o.to_unicode);
        let rules = BreakRules {
            justify: o.justify,
            hyphenate: o.hyphenate,
            break_after_hyphens: o.break_after_hyphens,
        };
        let notes = self.layout_footnotes(rules, &mut fonts);
        let (pages, paragraph_pages) = self.paginate(rules, &notes, &mut fonts);
        let report = Report {
            pages: pages.len(),
            paragraph_pages,
            footnotes_by_page: pages.iter().map(|p| p.footnotes.clone()).collect(),
        };
        (self.write(&pages, &notes, &mut fonts), report)
    }

    /// Footnote texts in 8.5 pt, justified at the column, with a superscript number hanging
    /// left of the column edge.
    fn layout_footnotes(&self, rules: BreakRules, fonts: &mut Fonts) -> BTreeMap<u32, Vec<Line>> {
        let g = &self.opts.geometry;
        let mut out = BTreeMap::new();
        for (&n, runs) in &self.footnotes {
            let para = Paragraph {
                runs: runs.clone(),
                size: g.footnote_size,
                leading: g.footnote_leading,
                first_indent: 0.0,
                ..Paragraph::default()
            };
            let mut lines = layout::layout_paragraph(&para, g.column_width(), rules, fonts);
            let (font, glyphs) = fonts.shape(Face::Regular, &n.to_string(), Role::Space);
            let mut marker = Frag::new(font, glyphs, g.footnote_size * SUPERSCRIPT_SCALE);
            marker.rise = g.footnote_size * SUPERSCRIPT_RISE;
            if lines.is_empty() {
                lines.push(Line {
                    pieces: Vec::new(),
                    footnotes: Vec::new(),
                    break_after: false,
                });
            }
            let x = -(3.6 + marker.width);
            lines[0].pieces.insert(0, Piece { x, frag: marker });
            out.insert(n, lines);
        }
        out
    }

    /// Lowest body baseline allowed on page `index` (0-based) when `footnotes` are at its foot.
    fn floor(&self, index: usize, footnotes: &[u32], notes: &BTreeMap<u32, Vec<Line>>) -> f32 {
        let g = &self.opts.geometry;
        let first = index == 0;
        let lines: usize = footnotes
            .iter()
            .filter_map(|n| notes.get(n))
            .map(Vec::len)
            .sum();
        if lines == 0 {
            return if first {
                g.first_page_bottom_baseline
            } else {
                g.bottom_baseline
            };
        }
        let bottom = if first {
            g.first_page_footnote_bottom
        } else {
            g.footnote_bottom
        };
        bottom + (lines - 1) as f32 * g.footnote_leading + g.separator_gap + g.body_gap
    }

    fn top(&self, page: &PageLayout) -> f32 {
        let g = &self.opts.geometry;
        if page.masthead.is_some() {
            g.first_page_top_baseline
        } else {
            g.top_baseline
        }
    }

    fn paginate(
        &self,
        rules: BreakRules,
        notes: &BTreeMap<u32, Vec<Line>>,
        fonts: &mut Fonts,
    ) -> (Vec<PageLayout>, Vec<(usize, usize)>) {
        let g = &self.opts.geometry;
        let mut pages = vec![PageLayout::default()];
        let mut cursor = 0.0f32;
        let mut at_top = true;
        let mut spans = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Masthead(m) => {
                    let page = pages.last().expect("one page at least");
                    if !page.body.is_empty() || page.masthead.is_some() {
                        pages.push(PageLayout::default());
                    }
                    pages.last_mut().expect("page").masthead = Some(m.clone());
                    at_top = true;
                }
                Block::PageBreak => {
                    pages.push(PageLayout::default());
                    at_top = true;
                }
                Block::Paragraph(p) => {
                    let lines = layout::layout_paragraph(p, g.column_width(), rules, fonts);
                    let mut span: Option<(usize, usize)> = None;
                    let count = lines.len();
                    for (i, line) in lines.into_iter().enumerate() {
                        loop {
                            let index = pages.len() - 1;
                            let page = pages.last().expect("page");
                            let baseline = if at_top {
                                self.top(page)
                            } else {
                                let gap = if i == 0 { p.space_before } else { 0.0 };
                                cursor - p.leading - gap
                            };
                            let mut with = page.footnotes.clone();
                            for n in &line.footnotes {
                                if notes.contains_key(n) && !with.contains(n) {
                                    with.push(*n);
                                }
                            }
                            // Orphan control: a first line moves on unless its second line fits
                            // too; a heading's last line needs room for the next paragraph.
                            let mut lowest = baseline;
                            if i == 0 && count > 1 {
                                lowest -= p.leading;
                            }
                            if p.keep_with_next && i + 1 == count {
                                lowest -= KEEP_WITH_NEXT_ROOM;
                            }
                            if at_top || lowest >= self.floor(index, &with, notes) - 0.001 {
                                let page = pages.last_mut().expect("page");
                                page.footnotes = with;
                                let break_after = line.break_after;
                                page.body.push((baseline, line));
                                cursor = baseline;
                                at_top = false;
                                let no = index + 1;
                                span = Some(span.map_or((no, no), |(a, _)| (a, no)));
                                if break_after {
                                    pages.push(PageLayout::default());
                                    at_top = true;
                                }
                                break;
                            }
                            pages.push(PageLayout::default());
                            at_top = true;
                        }
                    }
                    let here = pages.len();
                    spans.push(span.unwrap_or((here, here)));
                }
            }
        }
        (pages, spans)
    }

    fn write(
        &self,
        pages: &[PageLayout],
        notes: &BTreeMap<u32, Vec<Line>>,
        fonts: &mut Fonts,
    ) -> Vec<u8> {
        let o = &self.opts;
        let g = &o.geometry;
        let total = pages.len();

        // Shape all furniture before glyph ids are frozen.
        let mut furniture: Vec<Vec<Group>> = Vec::with_capacity(total);
        for (i, page) in pages.iter().enumerate() {
            let no = i + 1;
            let mut groups = Vec::new();
            if let Some(f) = &o.furniture {
                if no > 1 {
                    groups.push(furniture::running_header(f, no, g, fonts));
                }
                groups.push(furniture::footer(f, no, total, g, fonts));
            }
            if let Some(m) = &page.masthead {
                groups.push(furniture::masthead(m, g, fonts));
            }
            if !page.footnotes.is_empty() {
                let lines: usize = page.footnotes.iter().map(|n| notes[n].len()).sum();
                let y = self.footnote_top(i, lines) + g.separator_gap;
                groups.push(furniture::separator(g, y, fonts));
            }
            furniture.push(groups);
        }
        fonts.freeze();

        let mut streams = Vec::with_capacity(total);
        for (i, page) in pages.iter().enumerate() {
            let mut w = ContentWriter::new(fonts, o);
            for group in &furniture[i] {
                group.draw(&mut w);
            }
            for (y, line) in &page.body {
                w.body_line(&line.pieces, g.column_left, *y);
            }
            let lines: usize = page.footnotes.iter().map(|n| notes[n].len()).sum();
            let mut y = self.footnote_top(i, lines);
            for n in &page.footnotes {
                for line in &notes[n] {
                    w.body_line(&line.pieces, g.column_left, y);
                    y -= g.footnote_leading;
                }
            }
            streams.push(w.finish());
        }
        self.save(streams, fonts)
    }

    /// Baseline of the first footnote line on page `index` when the page has `lines` of them.
    fn footnote_top(&self, index: usize, lines: usize) -> f32 {
        let g = &self.opts.geometry;
        let bottom = if index == 0 {
            g.first_page_footnote_bottom
        } else {
            g.footnote_bottom
        };
        bottom + lines.saturating_sub(1) as f32 * g.footnote_leading
    }

    fn save(
        &self,
        streams: Vec<(Vec<u8>, std::collections::BTreeSet<crate::fonts::FontId>)>,
        fonts: &mut Fonts,
    ) -> Vec<u8> {
        let o = &self.opts;
        let g = &o.geometry;
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let font_ids = fonts.write(&mut doc);
        let mut kids = Vec::with_capacity(streams.len());
        for (content, used) in streams {
            let mut stream = Stream::new(dictionary! {}, content);
            if o.compress {
                // Compression only fails on I/O into a Vec, which cannot happen.
                let _ = stream.compress();
            }
            let contents = doc.add_object(stream);
            let mut font_dict = lopdf::Dictionary::new();
            for font in used {
                font_dict.set(fonts.resource(font), font_ids[&font]);
            }
            let page = doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "MediaBox" => vec![0.into(), 0.into(), g.page_width.into(), g.page_height.into()],
                "Resources" => dictionary! {
                    "Font" => font_dict,
                    "ProcSet" => vec![Object::from("PDF"), Object::from("Text")],
                },
                "Contents" => contents,
            });
            kids.push(Object::Reference(page));
        }
        let count = kids.len() as i64;
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => kids,
                "Count" => count,
            }),
        );
        let mut catalog = dictionary! {
            "Type" => "Catalog",
            "Pages" => pages_id,
        };
        if o.marked_content {
            catalog.set("MarkInfo", dictionary! { "Marked" => true });
        }
        let catalog_id = doc.add_object(catalog);
        let mut info = dictionary! {
            "Producer" => Object::string_literal(concat!("resingest-typeset ", env!("CARGO_PKG_VERSION"))),
            "Creator" => Object::string_literal("resingest-typeset"),
        };
        if let Some(title) = &o.title {
            info.set("Title", Object::string_literal(title.as_str()));
        }
        let info_id = doc.add_object(info);
        doc.trailer.set("Root", catalog_id);
        doc.trailer.set("Info", info_id);
        let mut out = Vec::new();
        doc.save_to(&mut out)
            .expect("writing a PDF into memory cannot fail");
        out
    }
}
