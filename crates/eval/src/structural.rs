//! Checks that need no gold: [`structural_check`] returns the [`Problem`]s of one extraction.
//!
//! - operative paragraphs are numbered 1..N without gaps (per part);
//! - sub-item labels run on without gaps: the first label picks the sequence (`a`: letters,
//!   `i`: roman numerals, `A`, `I`, `1` likewise) and every later label must be the next one, so
//!   after `(h)` comes `(i)` as a letter; after `(z)` come `(aa)`, `(bb)`;
//! - every preambular clause has a lead;
//! - no page furniture inside a clause: a job number (`23-24977`, with or without ` (E)`;
//!   `GE.25-11220`), a page number (`2/4` between spaces, the first number not above the
//!   second, and not preceded by "resolution(s)", "decision(s)", "and", "or" or a comma, which
//!   would make it a citation such as "resolutions 5/1 and 5/2"), or the document's own symbol
//!   standing alone (the running header);
//! - nothing of the clause body lost against `pdftotext` (plain mode, pages split by form
//!   feed), when its output is given. Precisely:
//!   1. on each page, a line of five or more underscores starts the footnote area, which runs
//!      to the end of the page and is dropped;
//!   2. furniture lines are dropped: a line (trimmed) found on two or more pages, a line with a
//!      job number, a line that is only a page number, the symbol alone;
//!   3. a line's key is its letters (`char::is_alphabetic`), lower-cased, after dropping a
//!      leading sub-item label (`(a)`, `ii)`), so spacing, hyphenation, digits (paragraph
//!      numbers, footnote markers) and punctuation do not matter;
//!   4. the body starts at the line where the first 40 letters of the first clause (first
//!      preambular clause, else first operative paragraph) begin in the running text of all
//!      keys, and ends at the line where the last 40 letters of the last operative unit (its
//!      deepest last sub-item) end; a body whose start cannot be found is a
//!      [`Problem::BodyNotFound`] and no line is checked; an end that cannot be found is one
//!      too, and the body then runs to the end of the text;
//!   5. lines in the body with fewer than 10 letters are not checked (paragraph numbers,
//!      section letters, ends of sentences that match anywhere), nor headings: a line of at
//!      most 12 words without final punctuation followed by a line that starts with a
//!      paragraph number (the Security Council's bold headings, which belong to no clause);
//!   6. a checked line is kept when its key occurs in the haystack: the keys of all clause
//!      texts, footnotes, annex texts and paragraphs, title, part titles and the enacting
//!      formula, concatenated. Otherwise it is anchored where one of its 12-letter chunks occurs
//!      in the haystack and covered, from the left, by the longest pieces (of at least 6
//!      letters) found within a window of about one and a half line lengths around the anchor;
//!      the best anchor counts, and a line with more than half of its letters uncovered is
//!      [`Problem::LostText`]. The window keeps common phrases found elsewhere in the document
//!      from excusing a lost line.

use crate::units::{units, Sections, Unit, UnitKind};
use resingest_model::{Kind, Paragraph, Resolution, Subparagraph};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::fmt;
use unicode_normalization::UnicodeNormalization;

/// One structural defect of an extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A resolution without any operative paragraph.
    NoOperative,
    /// An operative paragraph whose number does not follow the previous one.
    OperativeNumber {
        /// The part label in documents with parts.
        part: Option<String>,
        expected: u32,
        found: u32,
    },
    /// A sub-item label out of sequence (or one that starts no known sequence).
    SubitemLabel {
        /// The unit holding the list (`O8`, `O8.a`).
        parent: String,
        expected: String,
        found: String,
    },
    /// A preambular clause without a lead.
    MissingLead { unit: String },
    /// A job number inside a clause.
    JobNumber { unit: String, found: String },
    /// A page number inside a clause.
    PageNumber { unit: String, found: String },
    /// The running header (the symbol) inside a clause.
    RunningHeader { unit: String, found: String },
    /// The body could not be located in pdftotext's output (`what` names the missing end).
    BodyNotFound { what: &'static str },
    /// A pdftotext body line mostly missing from the extraction.
    LostText { line: String, missing_percent: u32 },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoOperative => write!(f, "no operative paragraph"),
            Problem::OperativeNumber {
                part,
                expected,
                found,
            } => {
                if let Some(p) = part {
                    write!(f, "part {p}: ")?;
                }
                write!(
                    f,
                    "operative paragraph {found} where {expected} was expected"
                )
            }
            Problem::SubitemLabel {
                parent,
                expected,
                found,
            } => write!(
                f,
                "{parent}: sub-item ({found}) where ({expected}) was expected"
            ),
            Problem::MissingLead { unit } => write!(f, "{unit}: preambular clause without a lead"),
            Problem::JobNumber { unit, found } => {
                write!(f, "{unit}: job number {found:?} in the text")
            }
            Problem::PageNumber { unit, found } => {
                write!(f, "{unit}: page number {found:?} in the text")
            }
            Problem::RunningHeader { unit, found } => {
                write!(f, "{unit}: running header {found:?} in the text")
            }
            Problem::BodyNotFound { what } => {
                write!(
                    f,
                    "pdftotext: {what} not found, check the first and last clauses"
                )
            }
            Problem::LostText {
                line,
                missing_percent,
            } => write!(f, "pdftotext line {missing_percent}% missing: {line:?}"),
        }
    }
}

/// Every structural problem of `r`; with `pdftotext_text` (pdftotext's plain output of the
/// same PDF) also the lost-text check. An empty list means the document looks sound.
pub fn structural_check(r: &Resolution, pdftotext_text: Option<&str>) -> Vec<Problem> {
    let mut problems = Vec::new();
    check_numbering(r, &mut problems);
    check_units(r, &mut problems);
    if let Some(text) = pdftotext_text {
        check_lost_text(r, text, &mut problems);
    }
    problems
}

fn check_numbering(r: &Resolution, problems: &mut Vec<Problem>) {
    let mut lists: Vec<(Option<String>, &[Paragraph])> = vec![(None, &r.operative)];
    let num = |s: &resingest_model::Section| s.num.clone().unwrap_or_default();
    for s in &r.sections {
        lists.push((Some(num(s)), &s.operative));
    }
    for part in r.parts.iter().flatten() {
        lists.push((Some(part.label.clone()), &part.operative));
        for s in &part.sections {
            lists.push((Some(format!("{}.{}", part.label, num(s))), &s.operative));
        }
    }
    if r.kind == Kind::Resolution && lists.iter().all(|(_, ops)| ops.is_empty()) {
        problems.push(Problem::NoOperative);
    }
    for (part, ops) in lists {
        let mut expected = 1;
        for p in ops {
            if p.number != expected {
                problems.push(Problem::OperativeNumber {
                    part: part.clone(),
                    expected,
                    found: p.number,
                });
            }
            expected = p.number + 1;
        }
        for p in ops {
            let key = match &part {
                Some(label) => format!("{label}.O{}", p.number),
                None => format!("O{}", p.number),
            };
            check_labels(&key, &p.subparagraphs, problems);
        }
    }
}

/// The sequences sub-item labels follow.
#[derive(Debug, Clone, Copy)]
enum Sequence {
    Letters { upper: bool },
    Roman { upper: bool },
    Digits,
}

impl Sequence {
    /// The sequence a list starting with `first` follows.
    fn starting_with(first: &str) -> Option<Sequence> {
        match first {
            "a" => Some(Sequence::Letters { upper: false }),
            "A" => Some(Sequence::Letters { upper: true }),
            "i" => Some(Sequence::Roman { upper: false }),
            "I" => Some(Sequence::Roman { upper: true }),
            "1" => Some(Sequence::Digits),
            _ => None,
        }
    }

    /// The label at 0-based position `k`.
    fn label(self, k: usize) -> String {
        match self {
            Sequence::Letters { upper } => {
                let base = if upper { b'A' } else { b'a' };
                let letter = char::from(base + (k % 26) as u8);
                std::iter::repeat_n(letter, k / 26 + 1).collect()
            }
            Sequence::Roman { upper } => {
                let r = roman(k + 1);
                if upper {
                    r.to_ascii_uppercase()
                } else {
                    r
                }
            }
            Sequence::Digits => (k + 1).to_string(),
        }
    }

    /// The position of `label` in the sequence, looked up among the first 200.
    fn position(self, label: &str) -> Option<usize> {
        (0..200).find(|&k| self.label(k) == label)
    }
}

/// Lower-case roman numeral of `n` (1..=3999).
fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (value, digits) in TABLE {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

fn check_labels(parent: &str, items: &[Subparagraph], problems: &mut Vec<Problem>) {
    if let Some(first) = items.first() {
        match Sequence::starting_with(&first.label) {
            None => problems.push(Problem::SubitemLabel {
                parent: parent.to_string(),
                expected: "a".into(),
                found: first.label.clone(),
            }),
            Some(seq) => {
                let mut next = 1;
                for s in &items[1..] {
                    let expected = seq.label(next);
                    if s.label != expected {
                        problems.push(Problem::SubitemLabel {
                            parent: parent.to_string(),
                            expected,
                            found: s.label.clone(),
                        });
                    }
                    // Resynchronise on the label found, so one gap is one problem.
                    next = seq.position(&s.label).unwrap_or(next) + 1;
                }
            }
        }
    }
    for s in items {
        check_labels(&format!("{parent}.{}", s.label), &s.subparagraphs, problems);
    }
}

fn check_units(r: &Resolution, problems: &mut Vec<Problem>) {
    let doc = serde_json::to_value(r.folded()).expect("a Resolution always serialises to JSON");
    let headers = symbol_forms(&r.symbol);
    let all = units(&doc, Sections::ALL);
    fn lead<'a>(u: &Unit<'a>) -> Option<&'a str> {
        u.value
            .get("lead")
            .and_then(Value::as_str)
            .filter(|l| !l.trim().is_empty())
    }
    // The first words of the document's own leads: a clause without a lead that opens with
    // one has its lead printed in roman (A/RES/78/263 P1, "Recalling the report ..."), which
    // the contract allows; one that opens otherwise has lost it or was misread.
    let lead_words: HashSet<&str> = all
        .iter()
        .filter_map(|u| lead(u)?.split_whitespace().next())
        .collect();
    for u in &all {
        let text = u.value.get("text").and_then(Value::as_str).unwrap_or("");
        let roman_lead = text
            .split_whitespace()
            .next()
            .is_some_and(|w| lead_words.contains(w));
        if u.kind == UnitKind::Preamble && lead(u).is_none() && !roman_lead {
            problems.push(Problem::MissingLead {
                unit: u.key.clone(),
            });
        }
        if let Some(found) = find_job_number(text) {
            problems.push(Problem::JobNumber {
                unit: u.key.clone(),
                found: found.to_string(),
            });
        }
        if let Some(found) = find_page_number(text, r.provenance.pages) {
            problems.push(Problem::PageNumber {
                unit: u.key.clone(),
                found: found.to_string(),
            });
        }
        if let Some(found) = headers.iter().find(|h| find_standing(text, h).is_some()) {
            problems.push(Problem::RunningHeader {
                unit: u.key.clone(),
                found: found.clone(),
            });
        }
    }
}

/// The symbol as canonical and as printed in headers (`S/RES/2769 (2025)`).
fn symbol_forms(symbol: &str) -> Vec<String> {
    if symbol.is_empty() {
        return Vec::new();
    }
    let mut forms = vec![symbol.to_string()];
    if let Some(i) = symbol.find('(') {
        if i > 0 && !symbol[..i].ends_with(' ') {
            forms.push(format!("{} {}", &symbol[..i], &symbol[i..]));
        }
    }
    forms
}

/// The first occurrence of `needle` in `text` not glued to a letter, digit or `/`.
fn find_standing(text: &str, needle: &str) -> Option<usize> {
    text.match_indices(needle).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        let glued = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '/');
        !glued(before) && !glued(after)
    })
}

/// A job number: `NN-NNNNN`, optionally followed by ` (E)`, or `GE.NN-NNNNN`.
fn find_job_number(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| {
        b.get(from..from + n)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    for at in 0..b.len() {
        if !(digits(at, 2) && b.get(at + 2) == Some(&b'-') && digits(at + 3, 5)) {
            continue;
        }
        let end = at + 8;
        let before_ok = at == 0 || {
            let c = b[at - 1];
            !(c.is_ascii_alphanumeric() || matches!(c, b'/' | b'-' | b'.'))
                || text[..at].ends_with("GE.")
        };
        let after_ok = b
            .get(end)
            .is_none_or(|c| !(c.is_ascii_digit() || *c == b'-'));
        if before_ok && after_ok {
            let start = if text[..at].ends_with("GE.") {
                at - 3
            } else {
                at
            };
            let rest = &text[end..];
            let suffix = if rest.len() >= 4
                && rest.as_bytes()[0] == b' '
                && rest.as_bytes()[1] == b'('
                && rest.as_bytes()[2].is_ascii_uppercase()
                && rest.as_bytes()[3] == b')'
            {
                4
            } else {
                0
            };
            return Some(&text[start..end + suffix]);
        }
    }
    None
}

/// Words before `n/m` that make it a citation rather than a page number.
const CITING_WORDS: &[&str] = &[
    "resolution",
    "resolutions",
    "decision",
    "decisions",
    "and",
    "or",
];

/// A page number standing alone between spaces (see the module docs). When the document's
/// page count is known, only `n/pages` is one: "41/187" in a list of resolutions is not.
fn find_page_number(text: &str, pages: u32) -> Option<&str> {
    let mut previous: Option<&str> = None;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let of_this_document = pages == 0
            || word
                .split_once('/')
                .is_some_and(|(_, m)| m.parse::<u32>().ok() == Some(pages));
        if is_page_number(word) && of_this_document {
            let citing = previous.is_some_and(|p| {
                p.ends_with(',') || CITING_WORDS.contains(&p.to_lowercase().as_str())
            });
            if !citing {
                return Some(word);
            }
        }
        previous = Some(word);
    }
    None
}

/// `n/m` with 1..=3 digits each and `1 <= n <= m`.
fn is_page_number(word: &str) -> bool {
    let Some((n, m)) = word.split_once('/') else {
        return false;
    };
    let small = |s: &str| (1..=3).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit());
    if !small(n) || !small(m) {
        return false;
    }
    let (n, m): (u32, u32) = (n.parse().unwrap_or(0), m.parse().unwrap_or(0));
    n >= 1 && n <= m
}

/// Letters of the first and last clause used to find the body (see the module docs).
const ANCHOR_LETTERS: usize = 40;
/// Lines with fewer letters are not checked.
const MIN_LINE_LETTERS: usize = 10;
/// Letters of a line looked up to find where it should be in the extraction.
const ANCHOR_CHUNK: usize = 12;
/// Places tried per chunk (a common chunk occurs many times; the first ones suffice).
const MAX_ANCHORS: usize = 16;
/// Pieces of a line shorter than this do not count as found near its anchor.
const MIN_PIECE_LETTERS: usize = 6;

/// One line of pdftotext's output that survived the furniture filter.
struct Line<'t> {
    text: &'t str,
    key: String,
    /// Byte offset of the key in the running text of all keys.
    offset: usize,
    heading: bool,
}

fn check_lost_text(r: &Resolution, text: &str, problems: &mut Vec<Problem>) {
    let lines = body_candidates(r, text);
    let mut running = String::new();
    let mut lines_with_offsets = Vec::with_capacity(lines.len());
    for mut line in lines {
        line.offset = running.len();
        running.push_str(&line.key);
        lines_with_offsets.push(line);
    }
    let lines = lines_with_offsets;
    let line_at = |offset: usize| lines.partition_point(|l| l.offset + l.key.len() <= offset);

    let (first, last) = anchors(r);
    let head: String = first.chars().take(ANCHOR_LETTERS).collect();
    let Some(start_offset) = (!head.is_empty()).then(|| running.find(&head)).flatten() else {
        problems.push(Problem::BodyNotFound {
            what: "the first clause",
        });
        return;
    };
    // The end of the last paragraph; pdftotext sometimes moves or drops the last words of
    // a page (A/RES/80/11 loses "in 2030."), so shorter tails are tried before giving up.
    let chars: Vec<char> = last.chars().collect();
    let found = (0..=3).find_map(|k| {
        let end = chars.len().saturating_sub(k * 10);
        let tail: String = chars[end.saturating_sub(ANCHOR_LETTERS)..end]
            .iter()
            .collect();
        (tail.chars().count() >= ANCHOR_LETTERS.min(chars.len()) && !tail.is_empty())
            .then(|| {
                running[start_offset..]
                    .find(&tail)
                    .map(|at| at + tail.len())
            })
            .flatten()
    });
    let end_line = match found {
        Some(at) => line_at(start_offset + at - 1),
        None => {
            problems.push(Problem::BodyNotFound {
                what: "the end of the last operative paragraph",
            });
            lines.len().saturating_sub(1)
        }
    };
    let haystack = haystack(r);
    for line in &lines[line_at(start_offset)..=end_line.min(lines.len().saturating_sub(1))] {
        if line.heading || line.key.chars().count() < MIN_LINE_LETTERS {
            continue;
        }
        if haystack.contains(&line.key) {
            continue;
        }
        let missing = uncovered_letters(&line.key, &haystack);
        let total = line.key.chars().count();
        if missing * 2 > total {
            problems.push(Problem::LostText {
                line: line.text.to_string(),
                missing_percent: (missing * 100 / total) as u32,
            });
        }
    }
}

/// pdftotext lines without footnote areas and page furniture, in order, keyed (offsets unset).
fn body_candidates<'t>(r: &Resolution, text: &'t str) -> Vec<Line<'t>> {
    let pages: Vec<Vec<&str>> = text
        .split('\u{c}')
        .map(|page| {
            let mut kept = Vec::new();
            for line in page.lines().map(str::trim).filter(|l| !l.is_empty()) {
                if line.len() >= 5 && line.chars().all(|c| c == '_') {
                    break;
                }
                kept.push(line);
            }
            kept
        })
        .collect();
    let mut pages_of: HashMap<&str, HashSet<usize>> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        for line in page {
            pages_of.entry(line).or_default().insert(i);
        }
    }
    let headers = symbol_forms(&r.symbol);
    let mut out = Vec::new();
    for page in &pages {
        for (i, &line) in page.iter().enumerate() {
            let furniture = pages_of[line].len() >= 2
                || find_job_number(line).is_some()
                || is_page_number(line)
                || headers.iter().any(|h| h == line);
            if furniture {
                continue;
            }
            // Asterisk notes ("* Reissued for technical reasons", sponsor notes) annotate
            // the document, not a clause; the contract's footnotes are the numbered ones.
            if line.starts_with('*') && !line.ends_with('*') {
                continue;
            }
            let key = letters(strip_label(line));
            if key.is_empty() {
                continue;
            }
            let heading = page.get(i + 1).is_some_and(|next| is_heading(line, next));
            out.push(Line {
                text: line,
                key,
                offset: 0,
                heading,
            });
        }
    }
    out
}

/// Whether `line`, followed by `next`, is a section heading (see the module docs).
fn is_heading(line: &str, next: &str) -> bool {
    let body = line.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
    let ends_sentence = body.ends_with(['.', ',', ';', ':']);
    let numbered_next = {
        let digits = next.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0 && next.as_bytes().get(digits) == Some(&b'.')
    };
    !ends_sentence && numbered_next && line.split_whitespace().count() <= 12
}

/// `line` without a leading sub-item label: `(a) `, `(ii) `, `a) `.
fn strip_label(line: &str) -> &str {
    let rest = line.strip_prefix('(').unwrap_or(line);
    let label_len = rest.chars().take_while(char::is_ascii_alphanumeric).count();
    if (1..=5).contains(&label_len) {
        if let Some(after) = rest[label_len..].strip_prefix(')') {
            return after.trim_start();
        }
    }
    line
}

/// The letters of `s` after NFKC (ligatures count as their letters), lower-cased: the
/// comparison key.
fn letters(s: &str) -> String {
    s.nfkc()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Keys of the first clause and of the last operative unit of the document.
fn anchors(r: &Resolution) -> (String, String) {
    let mut lists = vec![(&r.preamble, &r.operative)];
    for s in &r.sections {
        lists.push((&s.preamble, &s.operative));
    }
    for part in r.parts.iter().flatten() {
        lists.push((&part.preamble, &part.operative));
        for s in &part.sections {
            lists.push((&s.preamble, &s.operative));
        }
    }
    let first = lists
        .iter()
        .find_map(|(pre, ops)| {
            pre.first()
                .map(|c| c.text.as_str())
                .or_else(|| ops.first().map(|p| p.text.as_str()))
        })
        .unwrap_or_default();
    let last = lists
        .iter()
        .rev()
        .find_map(|(_, ops)| ops.last())
        .map(|p| {
            let mut subs = &p.subparagraphs;
            let mut text = p.text.as_str();
            while let Some(s) = subs.last() {
                text = &s.text;
                subs = &s.subparagraphs;
            }
            text
        })
        .unwrap_or_default();
    (letters(first), letters(last))
}

/// The keys of every text the extraction holds, concatenated (see the module docs).
fn haystack(r: &Resolution) -> String {
    let doc = serde_json::to_value(r.folded()).expect("a Resolution always serialises to JSON");
    let mut texts: Vec<&str> = units(&doc, Sections::ALL)
        .iter()
        .filter_map(|u| u.value.get("text").and_then(Value::as_str))
        .collect();
    texts.extend(r.footnotes.iter().map(|f| f.text.as_str()));
    for a in &r.annexes {
        texts.extend(a.heading.as_deref());
        texts.extend(a.title.as_deref());
        texts.push(&a.text);
        texts.extend(a.paragraphs.iter().flatten().map(|p| p.text.as_str()));
    }
    texts.extend(r.title.as_deref());
    for part in r.parts.iter().flatten() {
        texts.extend(part.title.as_deref());
    }
    // Headings are text too (contract v2): a section's number and title, a clause's headings.
    let heading_texts = headings_text(&doc);
    texts.extend(heading_texts.iter().map(String::as_str));
    let formula = format!("The {},", r.organ);
    texts.push(&formula);
    texts.iter().map(|t| letters(t)).collect()
}

/// Every section number and heading and every clause heading of a v2 document, anywhere.
fn headings_text(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    match doc {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("headings", Value::Array(hs)) => {
                        for h in hs {
                            for f in ["num", "text"] {
                                out.extend(h.get(f).and_then(Value::as_str).map(str::to_string));
                            }
                        }
                    }
                    ("sections", Value::Array(ss)) => {
                        for s in ss {
                            for f in ["num", "heading"] {
                                out.extend(s.get(f).and_then(Value::as_str).map(str::to_string));
                            }
                            out.extend(headings_text(s));
                        }
                    }
                    (_, v) => out.extend(headings_text(v)),
                }
            }
        }
        Value::Array(vs) => vs.iter().for_each(|v| out.extend(headings_text(v))),
        _ => {}
    }
    out
}

/// Letters of `key` not found near each other in `haystack`.
///
/// Common phrases ("its resolution", "the United Nations") occur all over a resolution, so
/// covering a line with pieces found anywhere would excuse a line that is really lost. The
/// line is instead anchored where one of its [`ANCHOR_CHUNK`]-letter chunks occurs, and only
/// pieces of at least [`MIN_PIECE_LETTERS`] found in a window around that place count; the
/// best anchor wins.
fn uncovered_letters(key: &str, haystack: &str) -> usize {
    let chars: Vec<char> = key.chars().collect();
    let mut best = 0;
    let mut start = 0;
    while start < chars.len() {
        let len = ANCHOR_CHUNK.min(chars.len() - start);
        let chunk: String = chars[start..start + len].iter().collect();
        let chunk_offset: usize = chars[..start].iter().map(|c| c.len_utf8()).sum();
        for (at, _) in haystack.match_indices(&chunk).take(MAX_ANCHORS) {
            let slack = key.len() / 2 + 16;
            let from = floor_boundary(haystack, at.saturating_sub(chunk_offset + slack));
            let to = ceil_boundary(
                haystack,
                (at + key.len() + slack).saturating_sub(chunk_offset),
            );
            best = best.max(covered_letters(&chars, &haystack[from..to]));
        }
        start += ANCHOR_CHUNK;
    }
    chars.len() - best
}

/// Letters of `chars` covered, greedily from the left, by the longest pieces of at least
/// [`MIN_PIECE_LETTERS`] that occur in `window`.
fn covered_letters(chars: &[char], window: &str) -> usize {
    let mut covered = 0;
    let mut i = 0;
    while i < chars.len() {
        // Binary search on the piece length: a prefix of a found piece is found.
        let (mut lo, mut hi) = (0, chars.len() - i);
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            let piece: String = chars[i..i + mid].iter().collect();
            if window.contains(&piece) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if lo >= MIN_PIECE_LETTERS {
            covered += lo;
            i += lo;
        } else {
            i += 1;
        }
    }
    covered
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use resingest_model::{Clause, Footnote, Provenance, SCHEMA_VERSION};

    fn para(number: u32, text: &str, subs: Vec<Subparagraph>) -> Paragraph {
        Paragraph {
            continued: Vec::new(),
            number,
            lead: None,
            text: text.into(),
            footnote_refs: vec![],
            subparagraphs: subs,
            headings: vec![],
        }
    }

    fn sub(label: &str, subs: Vec<Subparagraph>) -> Subparagraph {
        Subparagraph {
            label: label.into(),
            text: format!("Item {label};"),
            footnote_refs: vec![],
            subparagraphs: subs,
        }
    }

    fn labels(ls: &[&str]) -> Vec<Subparagraph> {
        ls.iter().map(|l| sub(l, vec![])).collect()
    }

    /// A sound document: no check finds anything in it.
    fn sound() -> Resolution {
        Resolution {
            symbol: "A/RES/78/101".into(),
            organ: "General Assembly".into(),
            language: "en".into(),
            session: Some(78),
            agenda_items: vec!["58".into()],
            distribution: Some("General".into()),
            distribution_date: Some("2023-12-11".into()),
            adoption_date: Some("2023-12-07".into()),
            meeting: Some("45th plenary meeting".into()),
            main_committee: None,
            draft_symbols: vec![],
            title: Some("Implementation of the Declaration".into()),
            preamble: vec![
                Clause {
                    index: 1,
                    lead: Some("Recalling".into()),
                    text: "Recalling its resolutions 70/1, 71/3 and 72/139 and Human Rights Council resolutions 5/1 and 5/2,".into(),
                    footnote_refs: vec![1],
                    headings: vec![],
                },
                Clause {
                    index: 2,
                    lead: Some("Noting".into()),
                    text: "Noting the period 2021–2030 and the report A/78/23 of the Special Committee,".into(),
                    footnote_refs: vec![],
                    headings: vec![],
                },
            ],
            operative: vec![
                para(1, "Reaffirms its determination to bring about the complete and speedy eradication of colonialism;", vec![]),
                para(2, "Requests the Special Committee to continue, in particular:", labels(&["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"])),
                para(3, "Decides to continue:", vec![sub("a", labels(&["i", "ii", "iii", "iv"]))]),
                para(4, "Decides to remain seized of the matter.", vec![]),
            ],
            footnotes: vec![Footnote {
                number: 1,
                text: "Official Records of the General Assembly, Seventy-eighth Session.".into(),
            }],
            references: vec![],
            annexes: vec![],
            kind: Kind::Resolution,
            parts: None,
            sections: vec![],
            warnings: vec![],
            provenance: Provenance {
                sha256: String::new(),
                bytes: 0,
                pages: 0,
                extractor_version: "test".into(),
            },
            schema_version: SCHEMA_VERSION,
        }
    }

    /// pdftotext-like output of [`sound`], with page furniture, a footnote area, a hyphenated
    /// line end, spaces inside words and a heading.
    const SOUND_TEXT: &str = "A/RES/78/101\n\nUnited Nations\n\nGeneral Assembly\n\nDistr.: General\n\
        78/101.\n\nImplementation of the Declaration\nThe General Assembly,\n\
        Recalling its resolutions 70/1, 71/3 and 72/139 and Human Rights\n\
        Council resolutions 5/1 and 5/2, 1\n\
        Noting the period 2021–2030 and the report A/78/23 of the Spe-\ncial Committee,\n\
        1.\nReaffirms its determination to bring about the complete and speedy eradi-\n\
        __________________\n1\n23-24977 (E)\nOfficial Records of the General Assembly, Seventy-eighth Session.\n\
        \u{c}Implementation of the Declaration\n\nA/RES/78/101\n\ncation of colo nialism;\n\
        2.\nRequests the Special Committee to continue, in particular:\n\
        (a) Item a;\n(b) Item b;\n(c) Item c;\n(d) Item d;\n(e) Item e;\n(f) Item f;\n(g) Item g;\n\
        (h) Item h;\n(i) Item i;\n(j) Item j;\nFurther decisions\n3.\nDecides to continue:\n(a) Item a;\n\
        (i) Item i;\n(ii) Item ii;\n(iii) Item iii;\n(iv) Item iv;\n4.\n\
        Decides to remain seized of the matter.\n\n45th plenary meeting\n7 December 2023\n2/2\n23-24977\n";

    #[test]
    fn a_sound_document_has_no_problem() {
        assert_eq!(structural_check(&sound(), Some(SOUND_TEXT)), []);
    }

    #[test]
    fn finds_a_gap_in_operative_numbers() {
        let mut r = sound();
        r.operative[2].number = 4;
        r.operative[3].number = 5;
        assert_eq!(
            structural_check(&r, None),
            [Problem::OperativeNumber {
                part: None,
                expected: 3,
                found: 4
            }]
        );
    }

    #[test]
    fn finds_a_resolution_without_operative_paragraphs() {
        let mut r = sound();
        r.operative.clear();
        assert_eq!(structural_check(&r, None), [Problem::NoOperative]);
    }

    #[test]
    fn after_h_comes_i_as_a_letter() {
        let mut r = sound();
        r.operative[1].subparagraphs = labels(&["a", "b", "c", "d", "e", "f", "g", "h", "j"]);
        assert_eq!(
            structural_check(&r, None),
            [Problem::SubitemLabel {
                parent: "O2".into(),
                expected: "i".into(),
                found: "j".into()
            }]
        );
    }

    #[test]
    fn finds_a_roman_gap_in_sub_sub_items() {
        let mut r = sound();
        r.operative[2].subparagraphs[0].subparagraphs = labels(&["i", "ii", "iv"]);
        assert_eq!(
            structural_check(&r, None),
            [Problem::SubitemLabel {
                parent: "O3.a".into(),
                expected: "iii".into(),
                found: "iv".into()
            }]
        );
    }

    #[test]
    fn finds_a_list_that_starts_nowhere() {
        let mut r = sound();
        r.operative[1].subparagraphs = labels(&["b", "c"]);
        assert_eq!(
            structural_check(&r, None),
            [Problem::SubitemLabel {
                parent: "O2".into(),
                expected: "a".into(),
                found: "b".into()
            }]
        );
    }

    #[test]
    fn letters_run_on_past_z() {
        let seq = Sequence::Letters { upper: false };
        assert_eq!(seq.label(25), "z");
        assert_eq!(seq.label(26), "aa");
        assert_eq!(Sequence::Roman { upper: false }.label(13), "xiv");
    }

    #[test]
    fn finds_a_preambular_clause_without_lead() {
        let mut r = sound();
        r.preamble[1].lead = None;
        assert_eq!(
            structural_check(&r, None),
            [Problem::MissingLead { unit: "P2".into() }]
        );
    }

    #[test]
    fn a_clause_opening_with_one_of_the_documents_leads_has_it_printed_in_roman() {
        let mut r = sound();
        r.preamble[1].lead = None;
        r.preamble[1].text = "Recalling also the period 2021–2030,".into();
        assert_eq!(structural_check(&r, None), []);
    }

    #[test]
    fn finds_a_job_number_in_a_clause() {
        let mut r = sound();
        r.operative[0].text = "Reaffirms its resolution 23-24977 (E) 1514 (XV);".into();
        assert_eq!(
            structural_check(&r, None),
            [Problem::JobNumber {
                unit: "O1".into(),
                found: "23-24977 (E)".into()
            }]
        );
        r.operative[0].text = "Reaffirms GE.25-11220 its resolution;".into();
        assert_eq!(
            structural_check(&r, None),
            [Problem::JobNumber {
                unit: "O1".into(),
                found: "GE.25-11220".into()
            }]
        );
    }

    #[test]
    fn finds_a_page_number_in_a_clause() {
        let mut r = sound();
        r.operative[1].subparagraphs[2].text = "Item c 2/4 continued;".into();
        assert_eq!(
            structural_check(&r, None),
            [Problem::PageNumber {
                unit: "O2.c".into(),
                found: "2/4".into()
            }]
        );
    }

    #[test]
    fn finds_the_running_header_in_a_clause() {
        let mut r = sound();
        r.preamble[0].text = "Recalling its A/RES/78/101 resolutions,".into();
        assert_eq!(
            structural_check(&r, None),
            [Problem::RunningHeader {
                unit: "P1".into(),
                found: "A/RES/78/101".into()
            }]
        );
        let mut sc = sound();
        sc.symbol = "S/RES/2769(2025)".into();
        sc.operative[0].text = "Decides S/RES/2769 (2025) to act;".into();
        assert_eq!(
            structural_check(&sc, None),
            [Problem::RunningHeader {
                unit: "O1".into(),
                found: "S/RES/2769 (2025)".into()
            }]
        );
    }

    #[test]
    fn finds_a_lost_line() {
        let mut r = sound();
        r.operative[0].text = "Reaffirms its eradication of colonialism;".into();
        assert_eq!(
            structural_check(&r, Some(SOUND_TEXT)),
            [Problem::LostText {
                line: "Reaffirms its determination to bring about the complete and speedy eradi-"
                    .into(),
                missing_percent: 80
            }]
        );
    }

    #[test]
    fn finds_a_body_that_is_not_in_the_text() {
        let mut r = sound();
        r.preamble[0].text = "Something the PDF does not say at all, really nowhere,".into();
        assert_eq!(
            structural_check(&r, Some(SOUND_TEXT)),
            [Problem::BodyNotFound {
                what: "the first clause"
            }]
        );
    }

    #[test]
    fn problems_read_as_sentences() {
        let p = Problem::SubitemLabel {
            parent: "O8".into(),
            expected: "i".into(),
            found: "j".into(),
        };
        assert_eq!(p.to_string(), "O8: sub-item (j) where (i) was expected");
        assert_eq!(
            Problem::OperativeNumber {
                part: Some("B".into()),
                expected: 3,
                found: 4
            }
            .to_string(),
            "part B: operative paragraph 4 where 3 was expected"
        );
    }
}
