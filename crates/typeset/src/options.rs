//! Per-document choices: which kind of fonts, how words and spaces are drawn, how superscripts
//! are raised, page geometry and furniture. Every variant is something real Word-made UN PDFs
//! do, so the extractor can be tested against each one separately.

/// Which PDF font machinery draws the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FontKind {
    /// Simple fonts with /WinAnsiEncoding, /FirstChar, /LastChar and /Widths, no ToUnicode.
    /// A fragment with a character WinAnsi cannot show (a ligature, Cyrillic) falls back to
    /// the Type0 font of the same face, as Word does.
    Simple,
    /// Type0 fonts with /Identity-H, a CIDFontType2 descendant (/W, /DW) and a /ToUnicode CMap.
    Type0,
    /// Word for Microsoft 365's habit: words in Type0 fonts, separate space items and page
    /// furniture in simple WinAnsi fonts.
    WordMix,
}

/// Names and subtype of the simple fonts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimpleFontNames {
    /// /Type1 `Times-Roman`, `Times-Italic`, `Times-Bold`, `Times-BoldItalic`.
    Base14,
    /// /TrueType `TimesNewRomanPSMT`, `TimesNewRomanPS-ItalicMT`, ... as Word writes them.
    TimesNewRoman,
}

/// How words, spaces and justification reach the content stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spacing {
    /// One text object per line; spaces are space glyphs inside the strings; justification
    /// through `Tw` in simple fonts and TJ numbers in Type0 fonts.
    SpaceGlyphs,
    /// Like `SpaceGlyphs` but justification is always TJ numbers after the spaces.
    TjAdjust,
    /// Word's way: every word is its own text object at an absolute `Tm`, every space a separate
    /// `[( )] TJ` item (in the WinAnsi font under [`FontKind::WordMix`]).
    SeparateItems,
    /// Words placed with `Td` moves inside one text object per line, no space glyph at all:
    /// word boundaries exist only as gaps.
    PositionedWords,
}

/// How superscripts (footnote markers) get their raised baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Raise {
    /// Text rise: `3.49 Ts` ... `0 Ts`.
    Rise,
    /// A text matrix (or `Td` move) on the raised baseline, as Word does.
    Matrix,
}

/// Ligature glyphs for "fi" and "fl" (Type0 fonts only: WinAnsi has no code for them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ligatures {
    Off,
    /// One glyph whose ToUnicode entry is U+FB01 / U+FB02 (the extractor must apply NFKC).
    Unicode,
    /// One glyph whose ToUnicode entry is the two letters "fi" / "fl".
    Letters,
}

/// Shape of the ToUnicode CMaps of Type0 fonts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToUnicodeStyle {
    /// One `bfchar` line per glyph.
    BfChar,
    /// `bfrange` for runs of consecutive glyph ids with consecutive code points, `bfchar` for
    /// the rest.
    BfRange,
    /// `bfrange` with an array of destinations for every run of consecutive glyph ids.
    BfRangeArrays,
}

/// Page geometry in PDF points (origin bottom left). Defaults are measured from Word-made
/// GA resolutions (A/RES/78/101, A/RES/73/8).
#[derive(Clone, Debug, PartialEq)]
pub struct Geometry {
    pub page_width: f32,
    pub page_height: f32,
    /// Left edge of the text column.
    pub column_left: f32,
    /// Right edge of the text column.
    pub column_right: f32,
    /// Left and right edges of the page furniture (headers, footers, masthead).
    pub furniture_left: f32,
    pub furniture_right: f32,
    /// First body baseline on pages without the masthead.
    pub top_baseline: f32,
    /// First body baseline below the page-1 masthead.
    pub first_page_top_baseline: f32,
    /// Lowest body baseline on pages 2+ / page 1 when the page has no footnotes.
    pub bottom_baseline: f32,
    pub first_page_bottom_baseline: f32,
    /// Baseline of the last footnote line on pages 2+ / page 1.
    pub footnote_bottom: f32,
    pub first_page_footnote_bottom: f32,
    /// Footnote text size and leading.
    pub footnote_size: f32,
    pub footnote_leading: f32,
    /// From the first footnote's baseline up to the separator's baseline.
    pub separator_gap: f32,
    /// From the separator's baseline up to the lowest body baseline allowed above it.
    pub body_gap: f32,
    /// Running header: baseline of its last line and the rule under it.
    pub header_baseline: f32,
    pub header_rule: f32,
    /// Footer baseline on pages 2+ and on page 1.
    pub footer_baseline: f32,
    pub first_page_footer_baseline: f32,
}

impl Default for Geometry {
    fn default() -> Self {
        Geometry {
            page_width: 612.0,
            page_height: 792.0,
            column_left: 123.38,
            column_right: 488.4,
            furniture_left: 60.0,
            furniture_right: 552.0,
            top_baseline: 709.66,
            first_page_top_baseline: 569.74,
            bottom_baseline: 62.0,
            first_page_bottom_baseline: 97.5,
            footnote_bottom: 59.544,
            first_page_footnote_bottom: 88.2,
            footnote_size: 8.52,
            footnote_leading: 10.44,
            separator_gap: 14.16,
            body_gap: 19.0,
            header_baseline: 732.96,
            header_rule: 726.96,
            footer_baseline: 36.744,
            first_page_footer_baseline: 44.424,
        }
    }
}

impl Geometry {
    pub fn column_width(&self) -> f32 {
        self.column_right - self.column_left
    }

    /// Pulls page 1's text block up (the masthead's thick rule follows it) and every page's
    /// lowest lines down by `level` small steps, within limits that keep clear of the masthead
    /// and footers. For documents whose explicit page breaks must hold even though their text
    /// is a little longer than our layout fits (see [`crate::un::render`]).
    pub fn compacted(&self, level: u32) -> Geometry {
        let l = level as f32;
        let mut g = self.clone();
        g.first_page_top_baseline = (g.first_page_top_baseline + 8.0 * l).min(640.0);
        g.first_page_footnote_bottom = (g.first_page_footnote_bottom - 3.0 * l).max(64.0);
        g.first_page_bottom_baseline = (g.first_page_bottom_baseline - 3.0 * l).max(70.0);
        g.top_baseline = (g.top_baseline + 0.5 * l).min(714.0);
        g.footnote_bottom = (g.footnote_bottom - l).max(50.0);
        g.bottom_baseline = (g.bottom_baseline - l).max(52.0);
        g
    }
}

/// Running header and footers. Page 1 gets the job-number footer (`16-20457 (E)`, release
/// code, barcode); pages 2+ get the symbol and short title above a rule (symbol left on even
/// pages, right on odd ones) and `n/N` with the job number below.
#[derive(Clone, Debug, PartialEq)]
pub struct Furniture {
    pub symbol: String,
    /// Printed in the running header opposite the symbol; wrapped to two lines when long.
    pub short_title: Option<String>,
    /// Job number without the language tag: `16-20457`.
    pub job_number: String,
    /// The six-digit release code printed after the job number on page 1 (`081216`).
    pub release_code: Option<String>,
    /// Draw `*1620457*` in a "Barcode 3 of 9" font under the page-1 job number, as the UN does.
    pub barcode: bool,
}

/// Everything that varies between documents besides their text.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub fonts: FontKind,
    pub simple_names: SimpleFontNames,
    pub spacing: Spacing,
    pub raise: Raise,
    pub ligatures: Ligatures,
    pub to_unicode: ToUnicodeStyle,
    /// Off makes every justified paragraph ragged right.
    pub justify: bool,
    /// Hyphenate long words in every paragraph (see [`crate::Paragraph::hyphenate`]).
    pub hyphenate: bool,
    /// Allow line breaks after a real hyphen ("counter-" / "terrorism"), as Word does. Off by
    /// default because the extractor cannot tell such a hyphen from a hyphenation one
    /// without a dictionary.
    pub break_after_hyphens: bool,
    /// Position nearly every glyph: small TJ adjustments between the glyphs of a word (they
    /// sum to zero over the word, so words keep their places), as Word does.
    pub glyph_kerning: bool,
    /// Wrap furniture in `/Artifact` and body lines in `/P <</MCID n>>` marked content.
    pub marked_content: bool,
    /// Flate-compress content streams.
    pub compress: bool,
    pub geometry: Geometry,
    pub furniture: Option<Furniture>,
    /// /Title of the document information dictionary.
    pub title: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            fonts: FontKind::WordMix,
            simple_names: SimpleFontNames::TimesNewRoman,
            spacing: Spacing::SeparateItems,
            raise: Raise::Matrix,
            ligatures: Ligatures::Off,
            to_unicode: ToUnicodeStyle::BfRange,
            justify: true,
            hyphenate: false,
            break_after_hyphens: false,
            glyph_kerning: true,
            marked_content: false,
            compress: true,
            geometry: Geometry::default(),
            furniture: None,
            title: None,
        }
    }
}

impl Options {
    /// Simple WinAnsi fonts only, one string per line with space glyphs: the easiest PDF to
    /// read, for the extractor's first tests.
    pub fn simple() -> Options {
        Options {
            fonts: FontKind::Simple,
            simple_names: SimpleFontNames::Base14,
            spacing: Spacing::SpaceGlyphs,
            raise: Raise::Rise,
            glyph_kerning: false,
            ..Options::default()
        }
    }

    /// Type0/Identity-H fonts only, with ToUnicode maps.
    pub fn type0() -> Options {
        Options {
            fonts: FontKind::Type0,
            spacing: Spacing::TjAdjust,
            ..Options::default()
        }
    }

    /// What Word for Microsoft 365 writes (the default).
    pub fn word() -> Options {
        Options::default()
    }
}
