//! The content-stream interpreter: graphics and text state in, positioned glyphs out.
//!
//! Tracks exactly what text placement needs (q/Q, cm, BT/ET, Tm, Td, TD, TL, T*, Tc, Tw,
//! Tz, Ts, Tf, Tj, TJ, ', ", Do for forms, marked content for artifacts and `/ActualText`) and ignores
//! painting. Operands are borrowed tokens from [`crate::lexer`]; nothing is allocated per
//! operator except the glyphs it emits.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::font::Font;
use crate::lexer::{decode_hex, decode_literal, Lexer, Token};
use crate::ExtractError;

/// Which page furniture a glyph was marked as by a tagged PDF (`/Artifact` marked content).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Artifact {
    #[default]
    None,
    /// Pagination artifact attached to the top: running header.
    Header,
    /// Pagination artifact attached to the bottom: running footer.
    Footer,
    /// Any other artifact (decorations, layout).
    Other,
}

/// One shown glyph in user space.
#[derive(Debug, Clone, Copy)]
pub struct Glyph {
    /// Origin on the baseline.
    pub x: f32,
    pub y: f32,
    /// Advance along x.
    pub w: f32,
    /// Effective font size (vertical scale of the text rendering matrix).
    pub size: f32,
    /// Index into [`Fonts`].
    pub font: u16,
    /// Byte range of the glyph's text in the page's text buffer.
    pub start: u32,
    pub len: u8,
    pub artifact: Artifact,
    /// Baseline raised by text rise (`Ts`), in user space.
    pub rise: f32,
}

/// The glyphs of one page and their text.
#[derive(Debug, Default)]
pub struct PageGlyphs {
    pub width: f32,
    pub height: f32,
    pub glyphs: Vec<Glyph>,
    pub text: String,
}

impl PageGlyphs {
    pub fn text_of(&self, g: &Glyph) -> &str {
        &self.text[g.start as usize..g.start as usize + g.len as usize]
    }
}

/// Every font the document uses, loaded once and shared by all pages.
#[derive(Debug, Default)]
pub struct Fonts {
    pub list: Vec<Font>,
    by_id: HashMap<ObjectId, u16>,
}

impl Fonts {
    fn resolve(&mut self, doc: &Document, resources: Option<&Dictionary>, name: &[u8]) -> u16 {
        let entry = resources
            .and_then(|r| r.get(b"Font").ok())
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_dict().ok())
            .and_then(|fonts| fonts.get(name).ok());
        let (id, dict) = match entry.map(|o| doc.dereference(o)) {
            Some(Ok((id, Object::Dictionary(d)))) => (id, d),
            _ => return self.fallback(),
        };
        if let Some(id) = id {
            if let Some(&i) = self.by_id.get(&id) {
                return i;
            }
        }
        let i = self.push(Font::load(doc, dict));
        if let Some(id) = id {
            self.by_id.insert(id, i);
        }
        i
    }

    fn fallback(&mut self) -> u16 {
        let key = (u32::MAX, 0);
        if let Some(&i) = self.by_id.get(&key) {
            return i;
        }
        let i = self.push(Font::fallback());
        self.by_id.insert(key, i);
        i
    }

    fn push(&mut self, f: Font) -> u16 {
        self.list.push(f);
        (self.list.len() - 1).min(u16::MAX as usize) as u16
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other` in PDF's row-vector convention.
    fn then(&self, o: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = o.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    fn translate(tx: f32, ty: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }
}

#[derive(Debug, Clone, Copy)]
struct GState {
    ctm: Matrix,
    font: Option<u16>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    h_scale: f32,
    leading: f32,
    rise: f32,
}

impl Default for GState {
    fn default() -> Self {
        GState {
            ctm: Matrix::IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            h_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

/// Budget shared by every stream of a document.
pub struct Budget {
    pub stream_limit: u64,
    pub remaining: u64,
    pub max_depth: u32,
}

impl Budget {
    pub fn take(&mut self, what: &str, n: u64, limit: u64) -> Result<(), ExtractError> {
        if n > self.remaining {
            return Err(ExtractError::OverLimit {
                what: what.into(),
                actual: limit - self.remaining + n,
                limit,
            });
        }
        self.remaining -= n;
        Ok(())
    }
}

pub struct Interpreter<'d> {
    doc: &'d Document,
    fonts: &'d mut Fonts,
    budget: &'d mut Budget,
    doc_limit: u64,
    out: PageGlyphs,
    gs: GState,
    stack: Vec<GState>,
    tm: Matrix,
    tlm: Matrix,
    marked: Vec<Artifact>,
    /// For each open marked-content sequence, its `/ActualText` and the first glyph shown
    /// inside it.
    actual: Vec<Option<(String, usize)>>,
    scratch: Vec<u8>,
}

impl<'d> Interpreter<'d> {
    pub fn new(
        doc: &'d Document,
        fonts: &'d mut Fonts,
        budget: &'d mut Budget,
        doc_limit: u64,
        width: f32,
        height: f32,
    ) -> Self {
        Interpreter {
            doc,
            fonts,
            budget,
            doc_limit,
            out: PageGlyphs {
                width,
                height,
                ..Default::default()
            },
            gs: GState::default(),
            stack: Vec::new(),
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
            marked: Vec::new(),
            actual: Vec::new(),
            scratch: Vec::new(),
        }
    }

    pub fn finish(self) -> PageGlyphs {
        self.out
    }

    /// Runs one content stream (a page's, or a form's) with `resources`.
    pub fn run(
        &mut self,
        content: &[u8],
        resources: Option<&Dictionary>,
        depth: u32,
    ) -> Result<(), ExtractError> {
        let mut lex = Lexer::new(content);
        let mut ops: Vec<Token<'_>> = Vec::with_capacity(16);
        // Arrays and dictionaries open in the operands; deeper than the limit is a crafted
        // file, named as such rather than read as a page without text.
        let mut nesting = 0u32;
        while let Some(tok) = lex.next() {
            let Token::Operator(op) = tok else {
                match tok {
                    Token::ArrayOpen | Token::DictOpen => {
                        nesting += 1;
                        if nesting > self.budget.max_depth {
                            return Err(ExtractError::OverLimit {
                                what: "array and dictionary nesting depth in page content".into(),
                                actual: nesting as u64,
                                limit: self.budget.max_depth as u64,
                            });
                        }
                    }
                    Token::ArrayClose | Token::DictClose => nesting = nesting.saturating_sub(1),
                    _ => {}
                }
                if ops.len() < 4096 {
                    ops.push(tok);
                }
                continue;
            };
            nesting = 0;
            match op {
                b"BI" => {}
                b"ID" => lex.skip_inline_image(),
                _ => self.operator(op, &ops, resources, depth)?,
            }
            ops.clear();
        }
        Ok(())
    }

    fn nums<const N: usize>(ops: &[Token<'_>]) -> Option<[f32; N]> {
        if ops.len() < N {
            return None;
        }
        let mut out = [0.0; N];
        for (o, t) in out.iter_mut().zip(&ops[ops.len() - N..]) {
            match t {
                Token::Number(n) => *o = *n,
                _ => return None,
            }
        }
        Some(out)
    }

    fn operator(
        &mut self,
        op: &[u8],
        ops: &[Token<'_>],
        resources: Option<&Dictionary>,
        depth: u32,
    ) -> Result<(), ExtractError> {
        match op {
            b"Tj" | b"'" | b"\"" => {
                if op == b"'" {
                    self.next_line();
                } else if op == b"\"" {
                    if let Some([aw, ac]) = Self::nums::<2>(&ops[..ops.len().saturating_sub(1)]) {
                        self.gs.word_spacing = aw;
                        self.gs.char_spacing = ac;
                    }
                    self.next_line();
                }
                if let Some(t) = ops.last() {
                    self.show(t);
                }
            }
            b"TJ" => {
                for t in ops {
                    match t {
                        Token::Number(n) => {
                            let tx = -n / 1000.0 * self.gs.size * self.gs.h_scale;
                            self.tm = Matrix::translate(tx, 0.0).then(&self.tm);
                        }
                        Token::Literal(_) | Token::Hex(_) => self.show(t),
                        _ => {}
                    }
                }
            }
            b"Td" => {
                if let Some([tx, ty]) = Self::nums::<2>(ops) {
                    self.tlm = Matrix::translate(tx, ty).then(&self.tlm);
                    self.tm = self.tlm;
                }
            }
            b"TD" => {
                if let Some([tx, ty]) = Self::nums::<2>(ops) {
                    self.gs.leading = -ty;
                    self.tlm = Matrix::translate(tx, ty).then(&self.tlm);
                    self.tm = self.tlm;
                }
            }
            b"Tm" => {
                if let Some(m) = Self::nums::<6>(ops) {
                    self.tlm = Matrix(m);
                    self.tm = self.tlm;
                }
            }
            b"T*" => self.next_line(),
            b"BT" => {
                self.tm = Matrix::IDENTITY;
                self.tlm = Matrix::IDENTITY;
            }
            b"ET" => {}
            b"Tf" => {
                if let (Some(Token::Name(name)), Some(Token::Number(size))) = (
                    ops.len().checked_sub(2).and_then(|i| ops.get(i)),
                    ops.last(),
                ) {
                    self.gs.font = Some(self.fonts.resolve(self.doc, resources, name));
                    self.gs.size = *size;
                }
            }
            b"Tc" => {
                if let Some([v]) = Self::nums::<1>(ops) {
                    self.gs.char_spacing = v;
                }
            }
            b"Tw" => {
                if let Some([v]) = Self::nums::<1>(ops) {
                    self.gs.word_spacing = v;
                }
            }
            b"Tz" => {
                if let Some([v]) = Self::nums::<1>(ops) {
                    self.gs.h_scale = v / 100.0;
                }
            }
            b"TL" => {
                if let Some([v]) = Self::nums::<1>(ops) {
                    self.gs.leading = v;
                }
            }
            b"Ts" => {
                if let Some([v]) = Self::nums::<1>(ops) {
                    self.gs.rise = v;
                }
            }
            // A bounded graphics-state stack: hostile content may push without popping.
            b"q" if self.stack.len() < 1024 => self.stack.push(self.gs),
            b"Q" => {
                if let Some(g) = self.stack.pop() {
                    self.gs = g;
                }
            }
            b"cm" => {
                if let Some(m) = Self::nums::<6>(ops) {
                    self.gs.ctm = Matrix(m).then(&self.gs.ctm);
                }
            }
            b"BMC" | b"BDC" => {
                let tag = match ops.first() {
                    Some(Token::Name(n)) => *n,
                    _ => b"",
                };
                let kind = if tag == b"Artifact" {
                    classify_artifact(&ops[1..])
                } else {
                    Artifact::None
                };
                // Nested marked content inside an artifact stays part of that artifact.
                let inherited = self
                    .marked
                    .iter()
                    .rev()
                    .find(|a| **a != Artifact::None)
                    .copied();
                self.marked.push(if kind == Artifact::None {
                    inherited.unwrap_or(Artifact::None)
                } else {
                    kind
                });
                let first = self.out.glyphs.len();
                self.actual.push(actual_text(&ops[1..]).map(|t| (t, first)));
            }
            b"EMC" => {
                self.marked.pop();
                if let Some(Some((text, first))) = self.actual.pop() {
                    self.replace_text(first, &text);
                }
            }
            b"Do" => {
                if let Some(Token::Name(name)) = ops.last() {
                    self.form(name, resources, depth)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The glyphs shown since `first` stand for `text` (`/ActualText`: LibreOffice writes a
    /// vowel mark it has no code for that way, "أُ" over the alef and its damma): they become
    /// one glyph where their letters are (not their marks), on the baseline of the widest.
    /// Empty text removes them.
    fn replace_text(&mut self, first: usize, text: &str) {
        let out = &mut self.out;
        if first >= out.glyphs.len() || text.len() > u8::MAX as usize {
            return;
        }
        if text.is_empty() {
            out.glyphs.truncate(first);
            return;
        }
        // The letters shown, not their marks (a damma drawn above, or a zero-width alef's).
        let marked = &out.glyphs[first..];
        let letters: Vec<Glyph> = marked
            .iter()
            .filter(|g| !out.text_of(g).chars().all(crate::layout::is_combining_mark))
            .copied()
            .collect();
        let shown = if letters.is_empty() {
            marked
        } else {
            &letters[..]
        };
        let base = *shown
            .iter()
            .reduce(|a, b| if b.w > a.w { b } else { a })
            .expect("not empty");
        let x0 = shown.iter().map(|g| g.x).fold(f32::MAX, f32::min);
        let x1 = shown.iter().map(|g| g.x + g.w).fold(f32::MIN, f32::max);
        let start = out.text.len() as u32;
        out.text.push_str(text);
        out.glyphs.truncate(first);
        out.glyphs.push(Glyph {
            x: x0,
            w: x1 - x0,
            start,
            len: text.len() as u8,
            ..base
        });
    }

    fn next_line(&mut self) {
        self.tlm = Matrix::translate(0.0, -self.gs.leading).then(&self.tlm);
        self.tm = self.tlm;
    }

    fn show(&mut self, tok: &Token<'_>) {
        let mut bytes = std::mem::take(&mut self.scratch);
        match tok {
            Token::Literal(raw) => decode_literal(raw, &mut bytes),
            Token::Hex(raw) => decode_hex(raw, &mut bytes),
            _ => {
                self.scratch = bytes;
                return;
            }
        }
        let font_index = match self.gs.font {
            Some(i) => i,
            None => self.fonts.fallback(),
        };
        let font = &self.fonts.list[font_index as usize];
        let gs = self.gs;
        let artifact = self.marked.last().copied().unwrap_or_default();
        let out = &mut self.out;
        let mut tm = self.tm;
        font.for_each_glyph(&bytes, |text, w0, is_space| {
            let m = tm.then(&gs.ctm);
            let x = gs.rise * m.0[2] + m.0[4];
            let y = gs.rise * m.0[3] + m.0[5];
            let size = gs.size * (m.0[2] * m.0[2] + m.0[3] * m.0[3]).sqrt();
            let tx =
                (w0 * gs.size + gs.char_spacing + if is_space { gs.word_spacing } else { 0.0 })
                    * gs.h_scale;
            let w = w0 * gs.size * gs.h_scale * m.0[0];
            if !text.is_empty()
                && text.len() <= u8::MAX as usize
                && out.text.len() < u32::MAX as usize - 256
            {
                let start = out.text.len() as u32;
                out.text.push_str(text);
                out.glyphs.push(Glyph {
                    x,
                    y,
                    w,
                    size,
                    font: font_index,
                    start,
                    len: text.len() as u8,
                    artifact,
                    rise: gs.rise * m.0[3],
                });
            }
            tm = Matrix::translate(tx, 0.0).then(&tm);
        });
        self.tm = tm;
        self.scratch = bytes;
    }

    fn form(
        &mut self,
        name: &[u8],
        resources: Option<&Dictionary>,
        depth: u32,
    ) -> Result<(), ExtractError> {
        if depth >= self.budget.max_depth {
            return Err(ExtractError::OverLimit {
                what: "form XObject nesting depth".into(),
                actual: depth as u64 + 1,
                limit: self.budget.max_depth as u64,
            });
        }
        let doc = self.doc;
        let stream = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_dict().ok())
            .and_then(|x| x.get(name).ok())
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_stream().ok());
        let Some(stream) = stream else { return Ok(()) };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return Ok(());
        }
        let content = stream
            .decompressed_content_with_limit(self.budget.stream_limit as usize)
            .map_err(|_| ExtractError::OverLimit {
                what: "decompressed form XObject bytes".into(),
                actual: self.budget.stream_limit + 1,
                limit: self.budget.stream_limit,
            })?;
        self.budget.take(
            "decompressed content bytes in the document",
            content.len() as u64,
            self.doc_limit,
        )?;
        let form_resources = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_dict().ok())
            .or(resources);
        let matrix = stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|o| o.as_array().ok())
            .and_then(|a| {
                let v: Vec<f32> = a.iter().filter_map(|o| o.as_float().ok()).collect();
                (v.len() == 6).then(|| Matrix([v[0], v[1], v[2], v[3], v[4], v[5]]))
            })
            .unwrap_or(Matrix::IDENTITY);
        let saved_gs = self.gs;
        let saved_stack = self.stack.len();
        let (saved_tm, saved_tlm) = (self.tm, self.tlm);
        self.gs.ctm = matrix.then(&self.gs.ctm);
        let result = self.run(&content, form_resources, depth + 1);
        self.stack.truncate(saved_stack);
        self.gs = saved_gs;
        self.tm = saved_tm;
        self.tlm = saved_tlm;
        result
    }
}

/// The `/ActualText` of inline marked-content properties (`/Span <</ActualText <FEFF...>>>
/// BDC`): a text string, UTF-16 after its byte order mark, else PDFDocEncoding (read as
/// Latin-1, which it is for letters).
fn actual_text(props: &[Token<'_>]) -> Option<String> {
    let at = props
        .iter()
        .position(|t| matches!(t, Token::Name(b"ActualText")))?;
    let mut bytes = Vec::new();
    match props.get(at + 1)? {
        Token::Literal(raw) => decode_literal(raw, &mut bytes),
        Token::Hex(raw) => decode_hex(raw, &mut bytes),
        _ => return None,
    }
    Some(match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(utf16) => crate::cmap::utf16_to_string(&crate::cmap::utf16(utf16)),
        None => bytes.iter().map(|&b| b as char).collect(),
    })
}

/// Reads `/Artifact <</Type /Pagination /Subtype /Header /Attached [/Top]>>` properties.
fn classify_artifact(props: &[Token<'_>]) -> Artifact {
    let mut pagination = false;
    let mut kind = Artifact::Other;
    for (i, t) in props.iter().enumerate() {
        match t {
            Token::Name(b"Pagination") => pagination = true,
            Token::Name(b"Header") | Token::Name(b"Top") => kind = Artifact::Header,
            Token::Name(b"Footer") | Token::Name(b"Bottom") => kind = Artifact::Footer,
            Token::Name(b"Type") => {
                if let Some(Token::Name(v)) = props.get(i + 1) {
                    pagination |= *v == b"Pagination";
                }
            }
            _ => {}
        }
    }
    if pagination || kind != Artifact::Other {
        kind
    } else {
        Artifact::Other
    }
}
