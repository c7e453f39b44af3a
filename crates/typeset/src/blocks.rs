//! What a caller describes: runs of styled text, paragraphs with their indents, and the page-1
//! masthead. Pure data; the geometry constants mirror Word-made UN resolutions (column left edge
//! at 123.38 pt, first-line indent 23.76 pt, numbers hanging at the indent, text at 47.52 pt).

/// Typeface of a run. Each maps to a Times font whose name says its style, because the
/// extractor recognises italics and bold by font name and descriptor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    Regular,
    Italic,
    Bold,
    BoldItalic,
}

/// A piece of paragraph content.
#[derive(Clone, Debug, PartialEq)]
pub enum Run {
    /// Text in one face. Spaces separate words (runs of spaces collapse); a soft hyphen
    /// (U+00AD) marks where a word may be broken at a line end with a drawn `-`.
    Text { text: String, face: Face },
    /// Superscript text that is not a footnote marker (ordinals such as "1er").
    Superscript(String),
    /// A superscript footnote marker: smaller type on a raised baseline, glued to the
    /// preceding word. The footnote's text is given with [`crate::Typesetter::footnote`] and is
    /// printed at the foot of the page where this marker lands.
    Footnote(u32),
    /// Ends the page inside the paragraph; the paragraph goes on at the top of the next page
    /// (at its continuation indent), as when Word breaks a long paragraph.
    PageBreak,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Run {
        Run::Text {
            text: text.into(),
            face: Face::Regular,
        }
    }

    pub fn italic(text: impl Into<String>) -> Run {
        Run::Text {
            text: text.into(),
            face: Face::Italic,
        }
    }

    pub fn bold(text: impl Into<String>) -> Run {
        Run::Text {
            text: text.into(),
            face: Face::Bold,
        }
    }

    pub fn bold_italic(text: impl Into<String>) -> Run {
        Run::Text {
            text: text.into(),
            face: Face::BoldItalic,
        }
    }

    pub fn footnote(number: u32) -> Run {
        Run::Footnote(number)
    }

    pub fn superscript(text: impl Into<String>) -> Run {
        Run::Superscript(text.into())
    }

    pub fn page_break() -> Run {
        Run::PageBreak
    }
}

/// Anything that can stand for a list of runs: plain text or runs already styled.
pub trait IntoRuns {
    fn into_runs(self) -> Vec<Run>;
}

impl IntoRuns for Vec<Run> {
    fn into_runs(self) -> Vec<Run> {
        self
    }
}

impl IntoRuns for Run {
    fn into_runs(self) -> Vec<Run> {
        vec![self]
    }
}

impl IntoRuns for &str {
    fn into_runs(self) -> Vec<Run> {
        vec![Run::plain(self)]
    }
}

impl IntoRuns for String {
    fn into_runs(self) -> Vec<Run> {
        vec![Run::plain(self)]
    }
}

/// Horizontal alignment of a paragraph's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Every line but the last is stretched to the full measure (unless
    /// [`crate::Options::justify`] is off, which makes all paragraphs ragged).
    Justify,
    Left,
    /// Lines end at the measure's right edge (the closing "48th plenary meeting" lines).
    Right,
    Center,
}

/// A number or letter printed at the first-line indent, with the text starting at a tab stop
/// (`1.` at 147.14 pt, text at 170.9 pt in UN documents).
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub text: String,
    pub face: Face,
    /// Offset from the column's left edge where the first line's text starts; pushed right
    /// if the label is wider.
    pub text_at: f32,
}

/// Indent of the first line of ordinary UN paragraphs (0.33 in).
pub const INDENT: f32 = 23.76;

/// One block of text. Offsets are from the text column's left edge (negative values reach
/// into the left margin, as the "71/19." number and the session lines do).
#[derive(Clone, Debug, PartialEq)]
pub struct Paragraph {
    pub runs: Vec<Run>,
    pub label: Option<Label>,
    /// Font size in points (body text 9.96, Word's "10 pt").
    pub size: f32,
    /// Baseline-to-baseline distance.
    pub leading: f32,
    /// Extra space above the first line, on top of the leading; dropped at the top of a page.
    pub space_before: f32,
    /// Start of the second and later lines.
    pub indent: f32,
    /// Start of the first line (where the label goes, if any).
    pub first_indent: f32,
    /// Right edge of the lines, as an offset from the column's left edge; `None` is the full
    /// column. Headings use a narrower measure so they wrap like the real ones.
    pub measure: Option<f32>,
    pub align: Align,
    /// Keep this paragraph on the same page as the first lines of the next (headings).
    pub keep_with_next: bool,
    /// Add break points inside long words so that lines end in `organiza-` / `tion`
    /// (on top of any soft hyphens in the text).
    pub hyphenate: bool,
}

impl Default for Paragraph {
    fn default() -> Self {
        Paragraph {
            runs: Vec::new(),
            label: None,
            size: 9.96,
            leading: 12.0,
            space_before: 6.0,
            indent: 0.0,
            first_indent: INDENT,
            measure: None,
            align: Align::Justify,
            keep_with_next: false,
            hyphenate: false,
        }
    }
}

impl Paragraph {
    /// A body paragraph: justified, first line indented, 6 pt above.
    pub fn body(runs: impl IntoRuns) -> Paragraph {
        Paragraph {
            runs: runs.into_runs(),
            ..Paragraph::default()
        }
    }

    /// A numbered or lettered paragraph: `label` at the first-line indent, text at 47.52 pt,
    /// later lines at the column edge (operative paragraphs `1.` and sub-items `(a)`).
    pub fn numbered(label: impl Into<String>, runs: impl IntoRuns) -> Paragraph {
        Paragraph {
            runs: runs.into_runs(),
            label: Some(Label {
                text: label.into(),
                face: Face::Regular,
                text_at: 2.0 * INDENT,
            }),
            ..Paragraph::default()
        }
    }

    /// A second-level item (`(i)`, `(ii)`): like [`Paragraph::numbered`] but every line is
    /// indented, as in the UN documents.
    pub fn sub_item(label: impl Into<String>, runs: impl IntoRuns) -> Paragraph {
        Paragraph {
            indent: INDENT,
            ..Paragraph::numbered(label, runs)
        }
    }

    /// A line of text with no first-line indent, left aligned.
    pub fn line(runs: impl IntoRuns) -> Paragraph {
        Paragraph {
            runs: runs.into_runs(),
            first_indent: 0.0,
            align: Align::Left,
            ..Paragraph::default()
        }
    }

    pub fn size(mut self, size: f32, leading: f32) -> Self {
        self.size = size;
        self.leading = leading;
        self
    }

    pub fn space_before(mut self, points: f32) -> Self {
        self.space_before = points;
        self
    }

    /// Sets both the first-line and the continuation indent.
    pub fn at(mut self, offset: f32) -> Self {
        self.indent = offset;
        self.first_indent = offset;
        self
    }

    pub fn measure(mut self, right_edge: f32) -> Self {
        self.measure = Some(right_edge);
        self
    }

    pub fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }

    pub fn keep_with_next(mut self) -> Self {
        self.keep_with_next = true;
        self
    }

    pub fn hyphenate(mut self, on: bool) -> Self {
        self.hyphenate = on;
        self
    }

    pub fn label(mut self, label: Label) -> Self {
        self.label = Some(label);
        self
    }
}

/// The page-1 block above the first rule: "United Nations", the symbol, the organ, "Distr.:"
/// and the date, with the emblem and the rules. Everything below the thick rule (session,
/// agenda item, headings) is ordinary paragraphs, so callers can vary it freely.
#[derive(Clone, Debug, PartialEq)]
pub struct Masthead {
    /// Printed top right, its first letter large: `A/RES/71/19`, `S/RES/2769 (2025)`.
    pub symbol: String,
    /// "General Assembly", "Security Council".
    pub organ: String,
    /// Printed after "Distr.: ".
    pub distribution: String,
    /// Distribution date as printed: "8 December 2016".
    pub date: String,
    /// Draw a vector stand-in for the UN emblem (paths only, no text).
    pub emblem: bool,
}
