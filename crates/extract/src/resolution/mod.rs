//! From layout paragraphs to the resolution contract (`shared/gold/README.md`).
//!
//! The document reads as: masthead and header block (metadata), the formula ("The General
//! Assembly,"), preambular clauses, operative paragraphs with sub-items, the closing meeting
//! line, then annexes. Leads are the opening italic run of a clause (bold where the language
//! prints leads bold); the lexicon in [`lexicon`] stands in only for PDFs with no italic
//! information at all. Every word the parser looks for comes from the [`lang`] table of the
//! language [`lang::detect`] finds in the text.

pub mod lang;
mod lexicon;
pub mod meta;
pub mod refs;
mod warnings;

use resingest_model::symbol::Organ;
use resingest_model::{
    Annex, AnnexParagraph, Clause, Continued, Footnote, Heading, Kind, Paragraph as Operative,
    Provenance, Resolution, Section, Subparagraph, Warning, WarningKind, SCHEMA_VERSION,
};

use crate::layout::{is_marker, Document, Paragraph};

/// A paragraph as the parser sees it: its text with italic flags per char, the footnote
/// markers it holds, and the text for citation scanning (footnote text at its marker).
struct Para<'a> {
    src: &'a Paragraph,
    chars: Vec<(char, bool)>,
    refs: Vec<u32>,
    cite_text: String,
}

impl<'a> Para<'a> {
    /// `emphasis` is the style that marks leads in the document's language.
    fn new(src: &'a Paragraph, doc: &Document, emphasis: lang::Emphasis) -> Para<'a> {
        let mut chars: Vec<(char, bool)> = Vec::new();
        let mut refs = Vec::new();
        let mut cite_text = String::new();
        // The word break a dropped marker carried (see `Paragraph::text`).
        let mut marker_space = false;
        for sp in &src.spans {
            if is_marker(sp) {
                marker_space |= sp.space_before;
                for n in sp
                    .text
                    .split([',', ' '])
                    .filter_map(|p| p.trim().parse::<u32>().ok())
                {
                    refs.push(n);
                    if let Some(f) = doc.footnotes.iter().find(|f| f.number == Some(n)) {
                        cite_text.push(' ');
                        cite_text.push_str(&f.text);
                        cite_text.push(' ');
                    }
                }
                continue;
            }
            if (sp.space_before || marker_space) && chars.last().is_some_and(|c| c.0 != ' ') {
                chars.push((' ', false));
                cite_text.push(' ');
            }
            marker_space = false;
            for c in sp.text.chars() {
                let c = if c.is_whitespace() { ' ' } else { c };
                if c == ' ' && chars.last().is_some_and(|l| l.0 == ' ') {
                    continue;
                }
                chars.push((c, emphasised(sp, emphasis) && c != ' '));
            }
            cite_text.push_str(&sp.text);
        }
        while chars.last().is_some_and(|c| c.0 == ' ') {
            chars.pop();
        }
        let start = chars.iter().position(|c| c.0 != ' ').unwrap_or(chars.len());
        chars.drain(..start);
        Para {
            src,
            chars,
            refs,
            cite_text,
        }
    }

    fn text(&self) -> String {
        self.chars.iter().map(|c| c.0).collect()
    }

    fn is_bold(&self) -> bool {
        self.src.is_bold()
    }
}

fn emphasised(sp: &crate::layout::Span, emphasis: lang::Emphasis) -> bool {
    match emphasis {
        lang::Emphasis::Italic => sp.italic,
        lang::Emphasis::Bold => sp.bold,
    }
}

/// A bulleted list item ("• Utilize ...", "- ...").
fn starts_with_bullet(text: &str) -> bool {
    text.starts_with(['•', '·', '▪', '◦', '-', '–', '—'])
}

/// A paragraph's leading label: an operative number `12.`, or a sub-item `(a)`, `(iv)`, `a.`.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    Number(u32),
    Item(String),
}

/// The label and the number of chars it takes (with the white space after it).
fn label_of(text: &str) -> Option<(Label, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let skip_ws = |mut k: usize| {
        while k < chars.len() && chars[k] == ' ' {
            k += 1;
        }
        k
    };
    let digits: String = chars.iter().take_while(|c| c.is_ascii_digit()).collect();
    if !digits.is_empty()
        && digits.len() <= 3
        && chars.get(digits.len()) == Some(&'.')
        && chars.get(digits.len() + 1).is_none_or(|c| opens_text(*c))
    {
        return Some((
            Label::Number(digits.parse().ok()?),
            skip_ws(digits.len() + 1),
        ));
    }
    // Arabic numbers its paragraphs "1 - " (the tab after it may be too narrow to read as a
    // space: "10 -تؤكد"; a few print "36-").
    let n = digits.chars().count();
    let dash = if chars.get(n) == Some(&' ') { n + 1 } else { n };
    if !digits.is_empty()
        && n <= 3
        && chars.get(dash) == Some(&'-')
        && chars.get(dash + 1).is_none_or(|c| opens_text(*c))
    {
        return Some((Label::Number(digits.parse().ok()?), skip_ws(dash + 1)));
    }
    // Arabic sub-sub-items: "’1‘" (the quotes as the text layer gives them, either way).
    let quote = |c: Option<&char>| c.is_some_and(|c| matches!(c, '\'' | '‘' | '’'));
    if quote(chars.first()) {
        let inner: String = chars[1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let len = inner.len();
        if (1..=2).contains(&len)
            && quote(chars.get(len + 1))
            && chars.get(len + 2).is_none_or(|c| opens_text(*c))
        {
            return Some((Label::Item(inner), skip_ws(len + 2)));
        }
    }
    // Chinese sub-sub-items: ㈠, ㈡, ... (parenthesised ideographs).
    if chars.first().is_some_and(|c| is_ideograph_item(*c)) {
        return Some((Label::Item(chars[0].to_string()), skip_ws(1)));
    }
    if chars.first() == Some(&'(') {
        let inner: String = chars[1..]
            .iter()
            .take_while(|c| is_label_letter(**c))
            .collect();
        let inner = if inner.chars().any(is_arabic_letter) && inner.chars().count() <= 2 {
            inner
        } else {
            inner
                .chars()
                .take_while(|c| !is_arabic_letter(*c))
                .collect()
        };
        let len = inner.chars().count();
        if !inner.is_empty()
            && len <= 5
            && chars.get(len + 1) == Some(&')')
            && chars.get(len + 2).is_none_or(|c| opens_text(*c))
        {
            return Some((Label::Item(inner.clone()), skip_ws(len + 2)));
        }
    }
    // French, Spanish and Russian print "a)" and "i)".
    let bare: String = chars
        .iter()
        .take_while(|c| is_label_letter(**c) && !is_arabic_letter(**c))
        .collect();
    let len = bare.chars().count();
    if !bare.is_empty()
        && len <= 5
        && chars.get(len) == Some(&')')
        && chars.get(len + 1) == Some(&' ')
    {
        return Some((Label::Item(bare.clone()), skip_ws(len + 1)));
    }
    if chars.len() > 3
        && chars[0].is_ascii_lowercase()
        && chars[1] == '.'
        && chars[2] == ' '
        && chars[3].is_uppercase()
    {
        return Some((Label::Item(chars[0].to_string()), skip_ws(2)));
    }
    None
}

fn is_ideograph_item(c: char) -> bool {
    ('\u{3220}'..='\u{3229}').contains(&c)
}

/// What may follow a label: a space, or in Chinese the text itself (no space between), or
/// in Arabic a letter after a tab too narrow to read as a space.
fn opens_text(c: char) -> bool {
    c == ' ' || crate::layout::is_cjk(c) || is_arabic_letter(c)
}

/// A letter of a sub-item label: Latin, its Cyrillic look-alikes (Russian texts print "а)"
/// in Cyrillic among Latin labels), or an Arabic letter ("(أ)", "(هـ)").
fn is_label_letter(c: char) -> bool {
    c.is_ascii_lowercase() || matches!(c, 'а' | 'с' | 'е' | 'о' | 'р' | 'х') || is_arabic_letter(c)
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{064A}')
}

fn roman_value(s: &str) -> Option<u32> {
    let mut total = 0;
    let mut prev = 0;
    for c in s.chars().rev() {
        let v = match c {
            'i' => 1,
            'v' => 5,
            'x' => 10,
            'l' => 50,
            _ => return None,
        };
        if v < prev {
            total -= v;
        } else {
            total += v;
            prev = v;
        }
    }
    (total > 0).then_some(total)
}

fn to_roman(mut n: u32) -> String {
    let mut s = String::new();
    for (v, r) in [
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ] {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

fn next_letter(prev: Option<&str>) -> String {
    match prev {
        None => "a".into(),
        Some(p) if p.len() == 1 => {
            let c = p.as_bytes()[0];
            if c == b'z' {
                "aa".into()
            } else {
                ((c + 1) as char).to_string()
            }
        }
        Some(p) => {
            let c = p.as_bytes()[0];
            let n = if c == b'z' { b'a' } else { c + 1 };
            String::from_utf8(vec![n; p.len()]).unwrap_or_default()
        }
    }
}

fn next_roman(prev: Option<&str>) -> String {
    to_roman(prev.and_then(roman_value).unwrap_or(0) + 1)
}

/// The opening italic run of `chars[start..]`, without trailing punctuation.
fn lead_of(chars: &[(char, bool)], start: usize) -> Option<String> {
    let mut end = start;
    let mut k = start;
    while k < chars.len() {
        let (c, italic) = chars[k];
        if italic {
            k += 1;
            end = k;
        } else if c == ' ' && chars.get(k + 1).is_some_and(|n| n.1) {
            k += 1;
        } else {
            break;
        }
    }
    let lead: String = chars[start..end].iter().map(|c| c.0).collect();
    let lead = lead.trim().trim_end_matches([',', ':', ';']).trim();
    // A lone italic letter or symbol (a variable, a quote mark) is not a lead; one Chinese
    // character is a word ("请", requests).
    let letters = lead.chars().filter(|c| c.is_alphabetic()).count();
    let cjk = lead.chars().any(crate::layout::is_cjk);
    (letters >= 2 || (cjk && letters == 1)).then(|| lead.to_string())
}

/// "Annex", "Annex I", "Annex A – Items subject to ...": the heading and a title printed
/// on the same line.
fn annex_heading(t: &str) -> Option<(String, Option<String>)> {
    let t = t.trim();
    if t == "Annex" {
        return Some((t.to_string(), None));
    }
    let rest = t.strip_prefix("Annex ")?;
    let (label, title) = match rest.split_once(' ') {
        Some((l, more)) => (
            l,
            Some(more.trim_start_matches(['–', '-', '—', ':']).trim()),
        ),
        None => (rest, None),
    };
    let label_ok = !label.is_empty()
        && label.len() <= 5
        && label
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let title_ok = title.is_none_or(|x| {
        rest.split_once(' ')
            .is_some_and(|(_, m)| m.trim_start().starts_with(['–', '-', '—', ':']))
            && !x.is_empty()
    });
    (label_ok && title_ok).then(|| (format!("Annex {label}"), title.map(str::to_string)))
}

fn is_annex_heading(t: &str) -> bool {
    annex_heading(t).is_some()
}

/// A part heading: a roman section number ("II") or a letter ("B") alone on its line.
fn part_label(t: &str) -> Option<&str> {
    let t = t.trim().trim_end_matches('.');
    let roman =
        !t.is_empty() && t.len() <= 6 && t.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'));
    let letter = t.len() == 1 && t.chars().all(|c| c.is_ascii_uppercase());
    // The UN's Chinese numbers its sections in Chinese numerals ("一", "十二"), where the other
    // languages print roman ones.
    let t = t.trim_end_matches('、');
    let chinese = !t.is_empty()
        && t.chars().count() <= 4
        && t.chars().all(|c| "一二三四五六七八九十".contains(c));
    // The UN's Arabic writes them as ordinal words ("أولا", "حادي عشر").
    let arabic = lang::is_arabic_section_number(t);
    (roman || letter || chinese || arabic).then_some(t)
}

struct Parser<'a> {
    doc: &'a Document,
    paras: Vec<Para<'a>>,
    body_size: f32,
    /// The PDF marks no text italic at all: leads come from the lexicon.
    no_italics: bool,
    /// The document's language, detected from its text.
    lang: &'static lang::Lang,
}

/// Builds the resolution from a document's layout.
pub fn parse(doc: &Document, provenance: Provenance) -> Resolution {
    let lang = lang::detect(
        doc.paragraphs
            .iter()
            .flat_map(|p| &p.spans)
            .map(|s| s.text.as_str()),
    );
    let paras: Vec<Para<'_>> = doc
        .paragraphs
        .iter()
        .map(|p| Para::new(p, doc, lang.lead_emphasis))
        .filter(|p| !p.chars.is_empty())
        .collect();
    let body_size = {
        let mut sizes: Vec<f32> = paras.iter().map(|p| p.src.size).collect();
        sizes.sort_by(f32::total_cmp);
        sizes.get(sizes.len() / 2).copied().unwrap_or(10.0)
    };
    let no_italics = !doc
        .paragraphs
        .iter()
        .flat_map(|p| &p.spans)
        .any(|s| emphasised(s, lang.lead_emphasis));
    let parser = Parser {
        doc,
        paras,
        body_size,
        no_italics,
        lang,
    };
    parser.run(provenance)
}

impl<'a> Parser<'a> {
    fn run(&self, provenance: Provenance) -> Resolution {
        let texts: Vec<String> = self.paras.iter().map(Para::text).collect();
        // The formula with its comma first: the Chinese masthead's organ ("大会") is the
        // formula's words without it.
        // Without its comma (no preamble), the last formula before paragraph 1.
        let first_numbered = texts
            .iter()
            .position(|t| matches!(label_of(t), Some((Label::Number(_), _))))
            .unwrap_or(texts.len());
        let formula = texts
            .iter()
            .position(|t| self.lang.is_formula(t) && t.trim_end().ends_with([',', '，', '،']))
            .or_else(|| {
                texts[..first_numbered]
                    .iter()
                    .rposition(|t| self.lang.is_formula(t))
            });
        let header_end = formula.unwrap_or_else(|| {
            texts
                .iter()
                .position(|t| label_of(t).is_some())
                .unwrap_or(texts.len())
        });
        let header = &texts[..header_end];
        let header_text = header.join("\n");

        let symbol = masthead_symbol(header).unwrap_or_default();
        let organ = meta::organ_of(&symbol);
        let sc = organ == Organ::SecurityCouncil;

        let mut r = Resolution {
            symbol: symbol.clone(),
            organ: organ.name().to_string(),
            language: self.lang.code.to_string(),
            session: None,
            agenda_items: Vec::new(),
            distribution: None,
            distribution_date: None,
            adoption_date: None,
            meeting: None,
            main_committee: None,
            draft_symbols: Vec::new(),
            title: None,
            preamble: Vec::new(),
            operative: Vec::new(),
            footnotes: self
                .doc
                .footnotes
                .iter()
                .filter_map(|f| {
                    f.number.map(|n| Footnote {
                        number: n,
                        text: f.text.clone(),
                    })
                })
                .collect(),
            references: Vec::new(),
            annexes: Vec::new(),
            kind: Kind::Resolution,
            parts: None,
            sections: Vec::new(),
            warnings: Vec::new(),
            provenance,
            schema_version: SCHEMA_VERSION,
        };
        self.header_metadata(header, &header_text, &mut r);
        if is_draft_symbol(&symbol) {
            let all = texts.join(" ");
            r.kind = if header_text.contains("amendment")
                || all.contains("Amendment to draft")
                || all.contains("Amendments to draft")
            {
                Kind::Amendment
            } else if is_draft_decision(&header_text) {
                Kind::DraftDecision
            } else {
                Kind::Draft
            };
            r.adoption_date = None;
        }

        let body_start = formula.map_or(header_end, |f| f + 1);
        // The closing meeting line ends the resolution (GA, HRC); the SC prints none.
        let closing = (body_start..texts.len()).find(|&i| self.lang.is_meeting_line(&texts[i]));
        let body_end = closing.unwrap_or_else(|| {
            (body_start..texts.len())
                .find(|&i| is_annex_heading(&texts[i]))
                .unwrap_or(texts.len())
        });
        if let Some(c) = closing {
            if r.meeting.is_none() {
                r.meeting = Some(texts[c].clone());
            }
            if r.adoption_date.is_none() && r.kind == Kind::Resolution {
                r.adoption_date = texts.get(c + 1).and_then(|t| self.lang.find_date(t));
            }
        }
        let inline_annex = match self.part_starts(body_start, body_end) {
            Some(starts) => {
                self.parts(&starts, body_end, sc, &mut r);
                None
            }
            None => self.clauses(body_start, body_end, sc, &mut r),
        };
        if let Some(start) = inline_annex {
            let mut annex = self.annex(None, start, body_end);
            // Its clauses too, read as the body's are: the UN's editors mark a text adopted
            // inline up in the main body, numbered paragraphs, sub-items and headings.
            let from = self.title_end(start, body_end);
            (annex.preamble, annex.operative) = self.clauses_apart(from, body_end, sc, &mut r);
            r.annexes.push(annex);
        }
        let mut i = closing.map_or(body_end, |c| c + 1);
        while i < texts.len() {
            if is_annex_heading(&texts[i]) {
                let end = (i + 1..texts.len())
                    .find(|&k| is_annex_heading(&texts[k]))
                    .unwrap_or(texts.len());
                let (heading, title) = annex_heading(&texts[i]).expect("checked");
                let mut annex = self.annex(Some(heading), i + 1, end);
                if title.is_some() && annex.title.is_none() {
                    annex.title = title;
                } else if let Some(t) = title {
                    // The line's own title comes first; what followed in bold is body text.
                    annex.text =
                        format!("{} {}", annex.title.take().unwrap_or_default(), annex.text)
                            .trim()
                            .to_string();
                    annex.title = Some(t);
                }
                r.annexes.push(annex);
                i = end;
            } else {
                i += 1;
            }
        }
        r.references = self.references(
            &r,
            body_start,
            body_end,
            inline_annex,
            closing.map_or(body_end, |c| c + 1),
        );
        let structural = warnings::check(&r, formula.is_some());
        r.warnings.extend(structural);
        r
    }

    fn header_metadata(&self, header: &[String], header_text: &str, r: &mut Resolution) {
        let lang = self.lang;
        if let Some(i) = header.iter().position(|t| t.contains("Distr.")) {
            let after = header[i].split("Distr.").nth(1).unwrap_or("");
            let after = after.trim_start_matches(':').trim();
            r.distribution = after.split_whitespace().next().map(str::to_string);
            r.distribution_date = lang
                .find_date(after)
                .or_else(|| header.get(i + 1).and_then(|t| lang.find_date(t)));
        }
        if Organ::from_name(&r.organ) != Some(Organ::SecurityCouncil) {
            r.session = header.iter().find_map(|t| lang.session_of(t));
        }
        if let Some(items) = header.iter().find_map(|t| lang.agenda_items(t)) {
            r.agenda_items = items;
        }
        let flat = header_text.replace('\n', " ");
        // The line saying "adopted by", from its start (the Chinese date comes first).
        let adopted = lang
            .adopted
            .iter()
            .filter_map(|a| header_text.find(a))
            .min()
            .map(|i| header_text[..i].rfind('\n').map_or(0, |n| n + 1));
        if let Some(start) = adopted {
            let rest = header_text[start..].replace('\n', " ");
            r.adoption_date = lang.find_date(prefix(&rest, 240));
            if let Some(m) = rest.find(" at its ") {
                let after = &rest[m + 8..];
                if let Some(end) = after.find("meeting") {
                    r.meeting = Some(after[..end + 7].trim().to_string());
                }
            }
        }
        if let Some(open) = flat
            .find("[on the report")
            .or_else(|| flat.find("[without reference"))
            .or_else(|| flat.find('['))
        {
            let close = flat[open..].find(']').map_or(flat.len(), |c| open + c + 1);
            let bracket = &flat[open..close];
            let (committee, drafts) = meta::bracket_line(bracket, lang.and);
            r.main_committee = lang.committee_of(bracket).map(str::to_string).or(committee);
            r.draft_symbols = drafts;
        }
        r.title = self.title(header);
    }

    /// "78/101. Title" (GA, HRC), possibly continued on the next lines; a draft's title is
    /// the paragraph before the formula; Security Council resolutions have none.
    fn title(&self, header: &[String]) -> Option<String> {
        // "78/101. Title" ("78/101 Title" in Arabic, no full stop), with a title after it.
        let numbered = header.iter().position(|t| {
            let mut words = t.split_whitespace();
            let first = words.next().unwrap_or("");
            let dotted = first.ends_with('.') || words.next().is_some();
            dotted
                && first.trim_end_matches('.').split('/').count() == 2
                && first
                    .trim_end_matches('.')
                    .split('/')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        });
        if let Some(i) = numbered {
            let first = header[i]
                .split_once(' ')
                .map(|x| x.1)
                .unwrap_or("")
                .trim()
                .to_string();
            let mut title = first;
            let size = self.paras[i].src.size;
            for (k, t) in header.iter().enumerate().skip(i + 1) {
                if (self.paras[k].src.size - size).abs() > 0.5 {
                    break;
                }
                crate::layout::join_lines(self.doc, &mut title, t);
            }
            return Some(title);
        }
        if header
            .iter()
            .any(|t| t.contains("draft resolution") || t.contains("Draft resolution"))
        {
            // The title sits between the sponsors line and the formula, in a larger size.
            let mut parts: Vec<&str> = Vec::new();
            for (k, t) in header.iter().enumerate().rev() {
                if self.paras[k].src.size > self.body_size + 0.5 || self.paras[k].is_bold() {
                    parts.push(t);
                } else if !parts.is_empty() {
                    break;
                }
            }
            parts.reverse();
            if !parts.is_empty() {
                return Some(parts.join(" "));
            }
        }
        None
    }

    /// Preamble, operative paragraphs and sub-items of `start..end`; returns where a text
    /// adopted inline ("Adopts the following declaration:") starts, if one does.
    fn clauses(&self, start: usize, end: usize, sc: bool, r: &mut Resolution) -> Option<usize> {
        // "... the following declaration:" opens a text adopted inline only when that text's
        // title comes next (bold or larger, no closing punctuation): sub-items, bullets or
        // body text after it ("fulfil the following priority measures:" and a bulleted list,
        // S/RES/2779 (2025)) are the paragraph's own and the clauses go on after them.
        let inline_start = |i: usize| -> bool {
            let t = self.paras[i].text();
            let titled = self.paras.get(i + 1).is_some_and(|n| {
                let next = n.text();
                label_of(&next).is_none()
                    && !starts_with_bullet(&next)
                    && (n.is_bold() || n.src.size > self.body_size + 0.5)
                    && !next.trim_end().ends_with([',', ';', ':'])
            });
            t.ends_with(':') && t.contains("the following") && titled && i + 1 < end
        };
        // A text adopted inline ends the clauses: its numbered paragraphs are its own.
        let inline = (start..end).find(|&i| inline_start(i));
        let end = inline.map_or(end, |i| i + 1);
        let labels: Vec<Option<(Label, usize)>> = (start..end)
            .map(|i| label_of(&self.paras[i].text()))
            .collect();
        // Where operative paragraphs begin: the first "1.", else the one unnumbered paragraph.
        let first_numbered = labels
            .iter()
            .position(|l| matches!(l, Some((Label::Number(1), _))))
            .map(|k| start + k);
        let unnumbered_operative = if first_numbered.is_none() {
            (start..end).find(|&i| {
                let t = self.paras[i].text();
                // Preambular clauses end with a comma; the one operative paragraph ends
                // with a full stop, a colon before its sub-items or adopted text, or a
                // semicolon in a section of a longer resolution (budget sections).
                !self.paras[i].is_bold()
                    && (t.ends_with(['.', ':', ';', '。', '：', '；', '؛']) || Some(i) == inline)
                    && !self.lang.is_formula(&t)
            })
        } else {
            None
        };
        let operative_from = first_numbered.or(unnumbered_operative).unwrap_or(end);

        let mut letter_indent = None;
        let mut in_heading = false;
        // Headings read since the last clause; the next clause carries them (contract v2).
        let mut pending: Vec<Heading> = Vec::new();
        let mut i = start;
        while i < end {
            let p = &self.paras[i];
            let text = p.text();
            let label = &labels[i - start];
            // Section headings belong to no clause: a bold line (Security Council), or a
            // roman section number and the title lines under it.
            // A bold line over table rows is part of the table, not a heading.
            // (The first line after any further bold lines decides.)
            let after_bold = (i + 1..end).find(|&k| !self.paras[k].is_bold());
            let next_starts_clause = after_bold.is_none_or(|k| {
                let n = &self.paras[k];
                let t = n.text();
                // Table rows are smaller; an italic header row is not a lead.
                let body_text = n.src.size >= self.body_size - 0.5;
                label_of(&t).is_some()
                    || (body_text && lead_of(&n.chars, 0).is_some())
                    || part_label(&t).is_some()
            });
            // A bold sentence ("Action 1. We will take bold ... actions.", 79/1) is text that
            // goes on from the paragraph before it, not a heading.
            let heading =
                p.is_bold() && next_starts_clause && (sc || !text.ends_with([',', ';', ':', '.']));
            if label.is_none() && (heading || part_label(&text).is_some()) {
                let numbered = part_label(&text).is_some();
                // A heading wrapped onto a second line that the layout kept apart.
                let wrapped =
                    i > start && !pending.is_empty() && wraps_onto(self.paras[i - 1].src, p.src);
                match part_label(&text) {
                    Some(num) => pending.push(Heading {
                        num: Some(num.to_string()),
                        text: String::new(),
                    }),
                    // The title under a roman number, in bold.
                    None if in_heading || wrapped => add_heading_line(&mut pending, &text),
                    None => pending.push(numbered_heading(text)),
                }
                in_heading = numbered;
                i += 1;
                continue;
            }
            if in_heading {
                let clause_start = label.is_some()
                    || lead_of(&p.chars, 0).is_some()
                    || text.starts_with(['“', '"']);
                if !clause_start {
                    add_heading_line(&mut pending, &text);
                    i += 1;
                    continue;
                }
                in_heading = false;
            }
            if i < operative_from {
                if let Some((Label::Item(_), _)) = label {
                    self.append_to_last(r, p);
                } else if text.starts_with(['“', '"']) && !r.preamble.is_empty() {
                    self.append_to_last(r, p);
                } else {
                    r.preamble.push(Clause {
                        index: r.preamble.len() as u32 + 1,
                        lead: self.lead(&p.chars, 0),
                        text,
                        footnote_refs: p.refs.clone(),
                        headings: std::mem::take(&mut pending),
                    });
                }
                i += 1;
                continue;
            }
            match label {
                Some((Label::Number(n), skip)) => {
                    r.operative.push(Operative {
                        continued: Vec::new(),
                        number: *n,
                        lead: self.lead(&p.chars, *skip),
                        text: p.chars[*skip..].iter().map(|c| c.0).collect(),
                        footnote_refs: p.refs.clone(),
                        subparagraphs: Vec::new(),
                        headings: std::mem::take(&mut pending),
                    });
                }
                Some((Label::Item(l), skip)) if !r.operative.is_empty() => {
                    let op = r.operative.last_mut().expect("checked");
                    if !op.continued.is_empty() {
                        // A sub-item after unlabelled paragraphs: they were its paragraph's
                        // text after all, in print order.
                        *op = op.folded();
                    }
                    let item = Subparagraph {
                        label: l.clone(),
                        text: p.chars[*skip..].iter().map(|c| c.0).collect(),
                        footnote_refs: p.refs.clone(),
                        subparagraphs: Vec::new(),
                    };
                    place_item(
                        r.operative.last_mut().expect("checked"),
                        item,
                        p.src.indent,
                        &mut letter_indent,
                    );
                }
                _ if i == operative_from && r.operative.is_empty() => {
                    r.operative.push(Operative {
                        continued: Vec::new(),
                        number: 1,
                        lead: self.lead(&p.chars, 0),
                        text,
                        footnote_refs: p.refs.clone(),
                        subparagraphs: Vec::new(),
                        headings: std::mem::take(&mut pending),
                    });
                }
                // A printed paragraph of its own after a finished unit continues the operative
                // paragraph (the words closing its list, a quoted rule); one that goes on
                // with an unfinished sentence is the same paragraph, split by the layout.
                // So is a bulleted item, whatever ended the one before it.
                _ if r
                    .operative
                    .last()
                    .is_some_and(|o| ends_a_sentence(o) || starts_with_bullet(&text)) =>
                {
                    let op = r.operative.last_mut().expect("checked");
                    op.continued.push(Continued {
                        text,
                        footnote_refs: p.refs.clone(),
                    });
                }
                _ => self.append_to_last(r, p),
            }
            i += 1;
        }
        for h in pending {
            r.warnings.push(Warning {
                kind: WarningKind::UnplacedText,
                at: None,
                detail: format!("a heading with no clause after it: {}", show_heading(&h)),
            });
        }
        inline.map(|i| i + 1)
    }

    fn lead(&self, chars: &[(char, bool)], start: usize) -> Option<String> {
        if self.no_italics {
            let text: String = chars[start.min(chars.len())..]
                .iter()
                .map(|c| c.0)
                .collect();
            return lexicon::lead(&text).map(str::to_string);
        }
        lead_of(chars, start)
    }

    /// The part or section number heading paragraph `i`, and the title when the layout kept it
    /// in the same paragraph: a wholly bold paragraph whose first run is the number alone
    /// ("八" then its two-line title, which the Chinese rendering sets close under it).
    fn part_head(&self, i: usize) -> Option<(String, Option<String>)> {
        let p = &self.paras[i];
        let text = p.text();
        if let Some(label) = part_label(&text) {
            return Some((label.to_string(), None));
        }
        let first = p.src.spans.iter().find(|s| !s.text.trim().is_empty())?;
        let label = part_label(&first.text)?;
        let rest = text.trim_start().strip_prefix(first.text.trim())?.trim();
        (p.is_bold() && !rest.is_empty()).then(|| (label.to_string(), Some(rest.to_string())))
    }

    /// Where parts begin: two or more part headings ("I", "II"; "A", "B"), the first before
    /// any operative paragraph, each followed by a title or a formula.
    fn part_starts(&self, start: usize, end: usize) -> Option<Vec<usize>> {
        let starts: Vec<usize> = (start..end)
            .filter(|&i| self.part_head(i).is_some())
            .collect();
        if starts.len() < 2 {
            return None;
        }
        let first_operative = (start..end)
            .find(|&i| matches!(label_of(&self.paras[i].text()), Some((Label::Number(_), _))));
        // Parts restart their numbering; headings over continuous numbering are sections.
        let restarts = (starts[1]..end)
            .any(|i| matches!(label_of(&self.paras[i].text()), Some((Label::Number(1), _))));
        (restarts && first_operative.is_none_or(|o| starts[0] < o)).then_some(starts)
    }

    /// The clauses of `start..end` read apart from `r`'s own (a part, a section, a text
    /// adopted inline); what they show wrong goes on `r`'s warnings.
    fn clauses_apart(
        &self,
        start: usize,
        end: usize,
        sc: bool,
        r: &mut Resolution,
    ) -> (Vec<Clause>, Vec<Operative>) {
        let mut scratch = Resolution {
            preamble: Vec::new(),
            operative: Vec::new(),
            annexes: Vec::new(),
            warnings: Vec::new(),
            ..r.clone()
        };
        self.clauses(start, end, sc, &mut scratch);
        r.warnings.append(&mut scratch.warnings);
        (scratch.preamble, scratch.operative)
    }

    /// Each part: its label, its title (the lines before its first clause or formula), and
    /// its own preamble and operative paragraphs. Parts that open with their own formula are
    /// lettered resolutions (71/123 A and B, `parts`); the others are sections that number
    /// their paragraphs afresh (`sections`, contract v2).
    fn parts(&self, starts: &[usize], end: usize, sc: bool, r: &mut Resolution) {
        let resolutions = starts.iter().enumerate().any(|(n, &s)| {
            let part_end = starts.get(n + 1).copied().unwrap_or(end);
            (s..part_end).any(|k| self.lang.is_formula(&self.paras[k].text()))
        });
        let mut parts = Vec::new();
        for (n, &s) in starts.iter().enumerate() {
            let part_end = starts.get(n + 1).copied().unwrap_or(end);
            let (label, title_start) = self.part_head(s).unwrap_or_default();
            let mut k = s + 1;
            let mut title: Vec<String> = title_start.into_iter().collect();
            while k < part_end {
                let p = &self.paras[k];
                let t = p.text();
                // A wholly bold line is the title even where leads are bold (Chinese).
                let starts_clause = label_of(&t).is_some()
                    || (lead_of(&p.chars, 0).is_some() && !p.is_bold())
                    || self.lang.is_formula(&t);
                if starts_clause || title.len() >= 3 {
                    break;
                }
                title.push(t);
                k += 1;
            }
            if k < part_end && self.lang.is_formula(&self.paras[k].text()) {
                k += 1;
            }
            let (preamble, operative) = self.clauses_apart(k, part_end, sc, r);
            let title = (!title.is_empty()).then(|| title.join(" "));
            if resolutions {
                parts.push(resingest_model::Part {
                    label,
                    title,
                    preamble,
                    operative,
                    sections: Vec::new(),
                });
            } else {
                r.sections.push(Section {
                    num: Some(label),
                    heading: title,
                    preamble,
                    operative,
                });
            }
        }
        if resolutions {
            r.parts = Some(parts);
        }
    }

    /// A paragraph that continues the clause before it (quoted text, a stray line).
    fn append_to_last(&self, r: &mut Resolution, p: &Para<'_>) {
        let text = p.text();
        let (t, refs): (&mut String, &mut Vec<u32>) = if let Some(op) = r.operative.last_mut() {
            if let Some(c) = op.continued.last_mut() {
                (&mut c.text, &mut c.footnote_refs)
            } else {
                match last_item(&mut op.subparagraphs) {
                    Some(s) => (&mut s.text, &mut s.footnote_refs),
                    None => (&mut op.text, &mut op.footnote_refs),
                }
            }
        } else if let Some(c) = r.preamble.last_mut() {
            (&mut c.text, &mut c.footnote_refs)
        } else {
            r.warnings.push(Warning {
                kind: WarningKind::UnplacedText,
                at: None,
                detail: format!("before any clause: {}", prefix(&text, 80)),
            });
            return;
        };
        t.push(' ');
        t.push_str(&text);
        refs.extend(&p.refs);
    }

    /// Where the title of an annex starting at `start` ends: its first paragraphs in a larger
    /// size, else its bold ones, four at most.
    fn title_end(&self, start: usize, end: usize) -> usize {
        let end = end.max(start);
        let larger = |k: usize| self.paras[k].src.size > self.body_size + 0.5;
        let bold = |k: usize| self.paras[k].is_bold();
        let pick: &dyn Fn(usize) -> bool = if start < end && larger(start) {
            &larger
        } else {
            &bold
        };
        (start..end)
            .take(4)
            .find(|&k| !pick(k))
            .unwrap_or(end.min(start + 4))
    }

    fn annex(&self, heading: Option<String>, start: usize, end: usize) -> Annex {
        let end = end.max(start);
        let k = self.title_end(start, end);
        let title_parts: Vec<String> = self.paras[start..k].iter().map(Para::text).collect();
        let mut text = String::new();
        let mut paragraphs = Vec::new();
        for p in &self.paras[k..end] {
            let t = annex_text(p);
            if let Some((Label::Number(n), skip)) = label_of(&t) {
                paragraphs.push(AnnexParagraph {
                    number: n,
                    text: t.chars().skip(skip).collect(),
                    footnote_refs: p.refs.clone(),
                });
            }
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&t);
        }
        Annex {
            heading,
            title: (!title_parts.is_empty()).then(|| title_parts.join(" ")),
            text,
            paragraphs: (!paragraphs.is_empty()).then_some(paragraphs),
            preamble: Vec::new(),
            operative: Vec::new(),
        }
    }

    fn references(
        &self,
        r: &Resolution,
        body_start: usize,
        body_end: usize,
        inline: Option<usize>,
        annex_from: usize,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let clause_end = inline.unwrap_or(body_end);
        for p in &self.paras[body_start..clause_end] {
            refs::collect(&p.cite_text, &r.organ, &mut out);
        }
        let annex_ranges = inline
            .map(|s| s..body_end)
            .into_iter()
            .chain(std::iter::once(
                annex_from.min(self.paras.len())..self.paras.len(),
            ));
        for range in annex_ranges {
            for p in &self.paras[range] {
                refs::collect(&p.cite_text, &r.organ, &mut out);
            }
        }
        out
    }
}

/// Symbols of documents not yet adopted: L. documents of any organ (`A/80/L.28`,
/// `A/C.3/80/L.56`, `E/2025/L.28`) and Security Council drafts, which the Council numbers as
/// ordinary documents (`S/2025/123`, never `S/RES/...`).
fn is_draft_symbol(symbol: &str) -> bool {
    if symbol.contains("/L.") {
        return true;
    }
    let mut parts = symbol.split('/');
    parts.next() == Some("S")
        && parts
            .next()
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A draft decision rather than a draft resolution: its heading says so ("Draft decision
/// submitted by the President"), in any organ.
fn is_draft_decision(header: &str) -> bool {
    let h = header.to_lowercase();
    h.contains("draft decision") && !h.contains("draft resolution")
}

/// `next` is the line right under the one-line paragraph `prev`, at the line spacing of its
/// size: the same heading wrapped ("Department of Political and Peacebuilding
/// Affairs/Peacebuilding" / "Support Office" in 80/11), not a new one, which the UN sets a
/// blank line apart.
fn wraps_onto(prev: &Paragraph, next: &Paragraph) -> bool {
    let gap = prev.y - next.y;
    prev.page == next.page && gap > 0.0 && gap <= 1.3 * prev.size.max(next.size)
}

/// A heading line, its section number split off when it opens the line ("I. Sustainable
/// development and financing for development", "B. Peace and security").
fn numbered_heading(text: String) -> Heading {
    if let Some((num, title)) = text.split_once(". ") {
        if let Some(num) = part_label(num).filter(|_| !title.trim().is_empty()) {
            return Heading {
                num: Some(num.to_string()),
                text: title.trim().to_string(),
            };
        }
    }
    Heading { num: None, text }
}

/// A title line under a section number: the first fills the heading, later ones continue it.
fn add_heading_line(pending: &mut Vec<Heading>, line: &str) {
    match pending.last_mut() {
        Some(h) if h.text.is_empty() => h.text = line.to_string(),
        Some(h) => {
            h.text.push(' ');
            h.text.push_str(line);
        }
        None => pending.push(Heading {
            num: None,
            text: line.to_string(),
        }),
    }
}

fn show_heading(h: &Heading) -> String {
    match &h.num {
        Some(n) => format!("{n} {}", h.text).trim().to_string(),
        None => h.text.clone(),
    }
}

/// Annex text: note markers in table cells (superscript letters) dropped.
fn annex_text(p: &Para<'_>) -> String {
    let mut s = String::new();
    for (k, sp) in p.src.spans.iter().enumerate() {
        // A note letter in a table cell goes; the same letter opening the note below the
        // table ("a See A/80/505.") stays.
        let note_letter = sp.superscript
            && sp.text.trim().len() == 1
            && sp.text.trim().chars().all(|c| c.is_ascii_lowercase());
        if is_marker(sp) || (note_letter && k > 0) {
            continue;
        }
        if sp.space_before && !s.is_empty() && !s.ends_with(' ') {
            s.push(' ');
        }
        s.push_str(&sp.text);
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The printed text of `op` so far ends a sentence or a list entry (`;`, `:`, `.`, before any
/// closing quotes or brackets), so what follows is a paragraph of its own.
fn ends_a_sentence(op: &Operative) -> bool {
    fn last_text(items: &[Subparagraph]) -> Option<&str> {
        let item = items.last()?;
        last_text(&item.subparagraphs).or(Some(item.text.as_str()))
    }
    let text = op
        .continued
        .last()
        .map(|c| c.text.as_str())
        .or_else(|| last_text(&op.subparagraphs))
        .unwrap_or(&op.text);
    text.trim_end()
        .trim_end_matches(['”', '’', '"', '\'', ')', ']', '）', '」', '》'])
        .ends_with([';', ':', '.', '；', '：', '。', '؛'])
}

fn last_item(items: &mut [Subparagraph]) -> Option<&mut Subparagraph> {
    let last = items.last_mut()?;
    if last.subparagraphs.is_empty() {
        Some(last)
    } else {
        last.subparagraphs.last_mut()
    }
}

/// Puts a sub-item at its level: letters under the paragraph, romans under the current
/// letter. After `(h)` comes `(i)` as a letter unless it is indented deeper than `(h)`.
/// `letter_indent` is the indent of the paragraph's letter items.
fn place_item(
    op: &mut Operative,
    item: Subparagraph,
    indent: f32,
    letter_indent: &mut Option<f32>,
) {
    let expected_letter = next_letter(op.subparagraphs.last().map(|s| s.label.as_str()));
    let under = op.subparagraphs.last();
    let expected_roman = next_roman(
        under
            .and_then(|s| s.subparagraphs.last())
            .map(|s| s.label.as_str()),
    );
    let deeper = letter_indent.is_some_and(|li| indent > li + 6.0);
    // Chinese "㈠" and Arabic "’1‘" number the items under a lettered one.
    let ideograph = item.label.chars().all(is_ideograph_item);
    let quoted_number = item.label.chars().all(|c| c.is_ascii_digit());
    let as_sub = under.is_some()
        && (ideograph
            || quoted_number
            || (roman_value(&item.label).is_some()
                && item.label == expected_roman
                && (item.label != expected_letter || deeper)));
    if as_sub {
        if let Some(last) = op.subparagraphs.last_mut() {
            last.subparagraphs.push(item);
        }
    } else {
        if op.subparagraphs.is_empty() {
            *letter_indent = Some(indent);
        }
        op.subparagraphs.push(item);
    }
}

/// At most `n` bytes of `s`, cut at a char boundary.
fn prefix(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn masthead_symbol(header: &[String]) -> Option<String> {
    for t in header.iter().take(6) {
        let mut names = lang::LANGS.iter().flat_map(|l| l.united_nations.iter());
        if let Some(rest) = names.find_map(|n| t.strip_prefix(*n)) {
            let rest = rest.trim();
            if meta::looks_like_symbol(rest.split_whitespace().next().unwrap_or("")) {
                return Some(meta::canonical_symbol(rest));
            }
        }
    }
    header
        .iter()
        .take(8)
        .flat_map(|t| t.split_whitespace())
        .find(|w| meta::looks_like_symbol(w))
        .map(meta::canonical_symbol)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_finished_unit_takes_a_continuation() {
        let op = |text: &str, last_item: Option<&str>| Operative {
            number: 1,
            lead: None,
            text: text.into(),
            footnote_refs: vec![],
            subparagraphs: last_item
                .map(|t| Subparagraph {
                    label: "a".into(),
                    text: t.into(),
                    footnote_refs: vec![],
                    subparagraphs: vec![],
                })
                .into_iter()
                .collect(),
            headings: vec![],
            continued: vec![],
        };
        assert!(ends_a_sentence(&op("Decides that rule 3.3 reads:", None)));
        assert!(ends_a_sentence(&op(
            "Recalls:",
            Some("The report of 2023;")
        )));
        assert!(ends_a_sentence(&op("Notes “the rule.”", None)));
        assert!(ends_a_sentence(&op(
            "回顾:",
            Some("杜马进行了化学武器袭击；")
        )));
        assert!(ends_a_sentence(&op("تقرر ما يلي؛", None)));
        // A sentence the layout split (a page break) goes on in the same unit.
        assert!(!ends_a_sentence(&op("Recalls:", Some("The report of"))));
        assert!(!ends_a_sentence(&op("Decides to convene, in", None)));
        // The last continuation decides once there is one.
        let mut o = op("Recalls:", Some("The report;"));
        o.continued.push(Continued {
            text: "and demands that".into(),
            footnote_refs: vec![],
        });
        assert!(!ends_a_sentence(&o));
    }

    #[test]
    fn drafts_are_known_by_their_symbol() {
        for draft in [
            "A/80/L.28",
            "A/C.3/80/L.56",
            "E/2025/L.28",
            "S/2025/123",
            "S/2024/9",
        ] {
            assert!(is_draft_symbol(draft), "{draft}");
        }
        for adopted in [
            "S/RES/2769(2025)",
            "A/RES/78/101",
            "S/PRST/2024/1",
            "S/2025",
        ] {
            assert!(!is_draft_symbol(adopted), "{adopted}");
        }
    }

    #[test]
    fn a_heading_line_at_line_spacing_continues_the_heading() {
        let line = |page, y| Paragraph {
            page,
            y,
            indent: 0.0,
            size: 10.0,
            margin: 72.0,
            spans: vec![],
        };
        // 80/11: 11.5 pt under the first line, then 18 pt to the next paragraph.
        assert!(wraps_onto(&line(7, 604.06), &line(7, 592.54)));
        assert!(!wraps_onto(&line(7, 592.54), &line(7, 574.54)));
        assert!(!wraps_onto(&line(7, 100.0), &line(8, 700.0)));
    }

    #[test]
    fn draft_decisions_are_told_from_draft_resolutions() {
        assert!(is_draft_decision(
            "A/79/L.99\nDraft decision submitted by the President of the General Assembly"
        ));
        assert!(is_draft_decision("E/2025/L.12\nDRAFT DECISION"));
        assert!(!is_draft_decision("A/80/L.28\nDraft resolution"));
        // A draft resolution that recalls a draft decision is still a draft resolution.
        assert!(!is_draft_decision(
            "Draft resolution submitted by Chile\nrecommended in draft decision I"
        ));
    }

    #[test]
    fn labels_in_all_their_forms() {
        assert_eq!(label_of("12. Decides"), Some((Label::Number(12), 4)));
        assert_eq!(label_of("(iv) To"), Some((Label::Item("iv".into()), 5)));
        assert_eq!(label_of("a. To"), Some((Label::Item("a".into()), 3)));
        assert_eq!(label_of("b) Pour"), Some((Label::Item("b".into()), 3)));
        assert_eq!(label_of("а) Для"), Some((Label::Item("а".into()), 3)));
        assert_eq!(label_of("1 - تقرر"), Some((Label::Number(1), 4)));
        assert_eq!(label_of("(أ) أن"), Some((Label::Item("أ".into()), 4)));
        assert_eq!(label_of("(هـ) أن"), Some((Label::Item("هـ".into()), 5)));
        assert_eq!(label_of("1 -2 x"), None);
        assert_eq!(label_of("10 -تؤكد"), Some((Label::Number(10), 4)));
        assert_eq!(label_of("36- تحيط"), Some((Label::Number(36), 4)));
        assert_eq!(label_of("2021-2030 عقدا"), None);
        assert_eq!(label_of("’1‘ تعيين"), Some((Label::Item("1".into()), 4)));
        assert_eq!(label_of("'12' تعيين"), Some((Label::Item("12".into()), 5)));
        assert_eq!(label_of("'12 تعيين"), None);
        assert_eq!(label_of("1.重申"), Some((Label::Number(1), 2)));
        assert_eq!(label_of("(a)在"), Some((Label::Item("a".into()), 3)));
        assert_eq!(label_of("㈠指定"), Some((Label::Item("㈠".into()), 1)));
        assert_eq!(label_of("(a)To"), None);
        assert_eq!(label_of("1.5 million"), None);
        assert_eq!(label_of("e.g. this"), None);
    }

    #[test]
    fn sequences_and_leads() {
        assert_eq!(next_letter(Some("h")), "i");
        assert_eq!(next_roman(Some("iii")), "iv");
        assert_eq!(next_roman(None), "i");
        let chars: Vec<(char, bool)> = "Reaffirms once again that"
            .chars()
            .enumerate()
            .map(|(i, c)| (c, i < 20 && c != ' '))
            .collect();
        assert_eq!(lead_of(&chars, 0).as_deref(), Some("Reaffirms once again"));
        let roman: Vec<(char, bool)> = "Decides that".chars().map(|c| (c, false)).collect();
        assert_eq!(lead_of(&roman, 0), None);
    }

    #[test]
    fn annex_headings_and_part_labels() {
        assert_eq!(annex_heading("Annex II"), Some(("Annex II".into(), None)));
        assert_eq!(
            annex_heading("Annex A – Items subject to a no-objection process"),
            Some((
                "Annex A".into(),
                Some("Items subject to a no-objection process".into())
            ))
        );
        assert_eq!(annex_heading("Annexes to the report"), None);
        assert_eq!(part_label("XIV"), Some("XIV"));
        assert_eq!(part_label("B"), Some("B"));
        assert_eq!(part_label("In"), None);
        assert_eq!(part_label("十二"), Some("十二"));
        assert_eq!(part_label("一、"), Some("一"));
        assert_eq!(part_label("十二月"), None);
        assert_eq!(part_label("أولا"), Some("أولا"));
        assert_eq!(part_label("سابع عشر"), Some("سابع عشر"));
        assert_eq!(part_label("حاديا وعشرين"), Some("حاديا وعشرين"));
        assert_eq!(part_label("عشرين"), Some("عشرين"));
        assert_eq!(part_label("أولا وأخيرا"), None);
        assert_eq!(part_label("ثاني عشرة"), None);
        let en = lang::by_code("en").unwrap();
        assert!(en.is_meeting_line("69th (resumed) plenary meeting"));
        assert!(!en.is_meeting_line("• meeting"));
    }
}
