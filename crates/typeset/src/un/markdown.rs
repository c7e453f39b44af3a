//! Reads the reference Markdown of a resolution (`../shared/reference/A-RES-71-19.md` is the
//! model) into a [`Resolution`]. Tolerant: anything it does not recognise becomes a preambular
//! or unnumbered paragraph, so a malformed file still typesets.

use super::{Item, Organ, Resolution, MONTHS};
use crate::blocks::Run;
use crate::Face;

/// Job number printed when the Markdown (which never has one) is typeset.
pub const DEFAULT_JOB_NUMBER: &str = "16-20457";

/// Styles an inline Markdown span: `*italic*`, `**bold**`, `[text](url)`, `<sup>1</sup>`
/// (a footnote marker when numeric) and `\` escapes; everything else is literal.
pub(crate) fn inline(text: &str, base: Face) -> Vec<Run> {
    let mut out = Vec::new();
    let (base_italic, base_bold) = match base {
        Face::Regular => (false, false),
        Face::Italic => (true, false),
        Face::Bold => (false, true),
        Face::BoldItalic => (true, true),
    };
    inline_into(text, base_italic, base_bold, &mut out);
    out
}

fn face_of(italic: bool, bold: bool) -> Face {
    match (italic, bold) {
        (false, false) => Face::Regular,
        (true, false) => Face::Italic,
        (false, true) => Face::Bold,
        (true, true) => Face::BoldItalic,
    }
}

fn push_text(out: &mut Vec<Run>, text: &str, face: Face) {
    if text.is_empty() {
        return;
    }
    if let Some(Run::Text { text: t, face: f }) = out.last_mut() {
        if *f == face {
            t.push_str(text);
            return;
        }
    }
    out.push(Run::Text {
        text: text.to_string(),
        face,
    });
}

/// Index of the `]` closing the `[` at `open`, counting nested brackets.
fn matching_bracket(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in chars.iter().enumerate().skip(open) {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn inline_into(text: &str, mut italic: bool, mut bold: bool, out: &mut Vec<Run>) {
    let chars: Vec<char> = text.chars().collect();
    let mut buf = String::new();
    let mut i = 0;
    let flush = |buf: &mut String, out: &mut Vec<Run>, italic: bool, bold: bool| {
        push_text(out, buf, face_of(italic, bold));
        buf.clear();
    };
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..chars.len().min(i + 6)].iter().collect();
        if c == '\\' && i + 1 < chars.len() {
            buf.push(chars[i + 1]);
            i += 2;
        } else if c == '*' && chars.get(i + 1) == Some(&'*') {
            flush(&mut buf, out, italic, bold);
            bold = !bold;
            i += 2;
        } else if c == '*' {
            flush(&mut buf, out, italic, bold);
            italic = !italic;
            i += 1;
        } else if rest.starts_with("<sup>") {
            let tail: String = chars[i + 5..].iter().collect();
            match tail.find("</sup>") {
                Some(end) => {
                    flush(&mut buf, out, italic, bold);
                    let inner = &tail[..end];
                    match inner.trim().parse::<u32>() {
                        Ok(n) => out.push(Run::Footnote(n)),
                        Err(_) => out.push(Run::Superscript(inner.to_string())),
                    }
                    i += 5 + inner.chars().count() + 6;
                }
                None => {
                    buf.push(c);
                    i += 1;
                }
            }
        } else if c == '[' {
            let close = matching_bracket(&chars, i);
            let link_end = close
                .filter(|&j| chars.get(j + 1) == Some(&'('))
                .and_then(|j| {
                    chars[j + 1..]
                        .iter()
                        .position(|&ch| ch == ')')
                        .map(|k| (j, j + 1 + k))
                });
            match link_end {
                Some((j, end)) => {
                    flush(&mut buf, out, italic, bold);
                    let inner: String = chars[i + 1..j].iter().collect();
                    inline_into(&inner, italic, bold, out);
                    i = end + 1;
                }
                None => {
                    buf.push(c);
                    i += 1;
                }
            }
        } else {
            buf.push(c);
            i += 1;
        }
    }
    flush(&mut buf, out, italic, bold);
}

/// "8 December 2016" -> "081216", the shape of the release code printed after the job number.
fn release_code(date: &str) -> Option<String> {
    let mut parts = date.split_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == name)? + 1;
    let year = parts.next()?;
    Some(format!("{day:02}{month:02}{}", year.get(2..)?))
}

fn is_closing_line(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.last() == Some(&"meeting")
        && words.first().is_some_and(|w| {
            w.ends_with("st") || w.ends_with("nd") || w.ends_with("rd") || w.ends_with("th")
        })
        && words
            .first()
            .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()))
}

const ROMAN: [&str; 15] = [
    "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv",
];

/// Reads the reference Markdown into a [`Resolution`] (see [`super::resolution_from_markdown`]).
pub fn parse_markdown(md: &str) -> Resolution {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in md.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                blocks.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(line.trim());
        }
    }
    if !cur.is_empty() {
        blocks.push(cur);
    }

    let mut res = Resolution {
        organ: Organ::GeneralAssembly,
        symbol: String::new(),
        distribution: "General".into(),
        distribution_date: String::new(),
        session: None,
        agenda: None,
        agenda_title: None,
        heading: String::new(),
        subheading: None,
        committee_line: None,
        number: None,
        title: None,
        formula: "The General Assembly,".into(),
        body: Vec::new(),
        closing: Vec::new(),
        footnotes: Vec::new(),
        job_number: DEFAULT_JOB_NUMBER.into(),
        release_code: None,
        short_title: None,
    };
    let mut rules = 0;
    let mut footnote_zone = false;
    let mut pending_break = false;
    let mut last_level = 0u8;
    let mut last_letter: Option<String> = None;

    for block in &blocks {
        let first = block[0];
        let text = block.join(" ");
        if first == "---" {
            rules += 1;
            if rules > 1 {
                footnote_zone = true;
                pending_break = true;
            }
            continue;
        }
        if footnote_zone && first.starts_with("<sup>") {
            if let Some(end) = text.find("</sup>") {
                if let Ok(n) = text[5..end].trim().parse::<u32>() {
                    let body = text[end + 6..].trim();
                    res.footnotes.push((n, inline(body, Face::Regular)));
                    continue;
                }
            }
        }
        footnote_zone = false;
        if pending_break {
            pending_break = false;
            let lowercase = first.starts_with(|c: char| c.is_lowercase());
            let continued = match res.body.last_mut() {
                Some(Item::Preambular(runs))
                | Some(Item::Operative { runs, .. })
                | Some(Item::SubItem { runs, .. })
                    if lowercase =>
                {
                    runs.push(Run::PageBreak);
                    runs.extend(inline(&text, Face::Regular));
                    true
                }
                _ => false,
            };
            if continued {
                continue;
            }
            res.body.push(Item::PageBreak);
        }

        if rules == 0 {
            if let Some(organ) = first.strip_prefix("# ") {
                if organ.contains("Security Council") {
                    res.organ = Organ::SecurityCouncil;
                    res.formula = "The Security Council,".into();
                }
            } else if let Some(d) = first.strip_prefix("Distr.:") {
                res.distribution = d.trim().to_string();
                if let Some(date) = block.get(1) {
                    res.distribution_date = date.to_string();
                    res.release_code = release_code(date);
                }
            }
            continue;
        }

        if let Some(h) = first.strip_prefix("#### ") {
            res.body.push(Item::Heading(h.trim().to_string()));
        } else if let Some(h) = first.strip_prefix("### ") {
            let h = h.trim();
            match h.split_once(". ") {
                Some((n, title)) if n.chars().all(|c| c.is_ascii_digit() || c == '/') => {
                    res.number = Some(n.to_string());
                    res.title = Some(title.to_string());
                }
                _ => res.title = Some(h.to_string()),
            }
        } else if let Some(h) = first.strip_prefix("## ") {
            res.heading = h.trim().to_string();
            if let Some(sub) = block.get(1) {
                res.subheading = Some(sub.to_string());
            }
        } else if first.starts_with("Adopted by") {
            res.subheading = Some(text.clone());
        } else if first.starts_with('[') && res.title.is_none() && text.ends_with(']') {
            let inner = &text[1..text.len() - 1];
            let mut runs = vec![Run::plain("[")];
            runs.extend(inline(inner, Face::Italic));
            runs.push(Run::plain("]"));
            res.committee_line = Some(runs);
        } else if res.heading.is_empty()
            && (first.ends_with("session") || first.starts_with("Agenda item"))
        {
            for line in block {
                if line.ends_with("session") {
                    res.session = Some(line.to_string());
                } else if line.starts_with("Agenda item") {
                    res.agenda = Some(line.to_string());
                } else {
                    res.agenda_title = Some(line.to_string());
                }
            }
        } else if is_closing_line(first) {
            res.closing = block.iter().map(|l| l.to_string()).collect();
        } else if text.starts_with("*The ") && text.ends_with('*') && res.body.is_empty() {
            res.formula = text.trim_matches('*').to_string();
        } else if let Some((n, rest)) = numbered(&text) {
            res.body.push(Item::Operative {
                number: Some(format!("{n}.")),
                runs: inline(rest, Face::Regular),
            });
            last_level = 0;
        } else if let Some((label, rest)) = lettered(&text) {
            let roman = ROMAN.contains(&label);
            let level = if roman && label == "i" {
                if last_letter.as_deref() == Some("h") {
                    1
                } else {
                    2
                }
            } else if roman && last_level == 2 {
                2
            } else {
                1
            };
            if level == 1 {
                last_letter = Some(label.to_string());
            }
            last_level = level;
            res.body.push(Item::SubItem {
                label: format!("({label})"),
                level,
                runs: inline(rest, Face::Regular),
            });
        } else {
            let any_operative = res.body.iter().any(|i| matches!(i, Item::Operative { .. }));
            let runs = inline(&text, Face::Regular);
            res.body.push(if any_operative {
                Item::Operative { number: None, runs }
            } else {
                Item::Preambular(runs)
            });
        }
    }

    res.symbol = match (res.organ, &res.number) {
        (Organ::GeneralAssembly, Some(n)) => format!("A/RES/{n}"),
        (Organ::SecurityCouncil, _) => res
            .heading
            .strip_prefix("Resolution ")
            .map(|n| format!("S/RES/{n}"))
            .unwrap_or_else(|| "S/RES/0 (0000)".into()),
        (Organ::GeneralAssembly, None) => "A/RES/0/0".into(),
    };
    res
}

/// `"12. text"` -> (12, "text").
fn numbered(text: &str) -> Option<(u32, &str)> {
    let (n, rest) = text.split_once(". ")?;
    Some((n.parse().ok()?, rest.trim_start()))
}

/// `"(a) text"` -> ("a", "text").
fn lettered(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix('(')?;
    let (label, rest) = rest.split_once(") ")?;
    if label.is_empty() || label.len() > 5 || !label.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    Some((label, rest.trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_styles_links_and_footnote_markers() {
        let runs = inline(
            "*Recalling also* the agreement [51/1](#) and INTERPOL<sup>1</sup> and *inter alia*",
            Face::Regular,
        );
        assert_eq!(
            runs,
            vec![
                Run::italic("Recalling also"),
                Run::plain(" the agreement 51/1 and INTERPOL"),
                Run::Footnote(1),
                Run::plain(" and "),
                Run::italic("inter alia"),
            ]
        );
    }

    #[test]
    fn committee_brackets_are_literal_around_a_nested_link() {
        let runs = inline(
            "[without reference to a Main Committee ([A/71/L.17](#) and Add.1)]",
            Face::Regular,
        );
        assert_eq!(
            runs,
            vec![Run::plain(
                "[without reference to a Main Committee (A/71/L.17 and Add.1)]"
            )]
        );
    }

    #[test]
    fn after_h_comes_the_letter_i_not_the_numeral() {
        let md = "# General Assembly\n\nDistr.: General\n1 May 2020\n\n---\n\n\
                  1. *Decides*:\n\n(h) eight;\n\n(i) nine;\n\n(j) ten:\n\n(i) one;\n\n(ii) two.\n";
        let res = parse_markdown(md);
        let levels: Vec<(String, u8)> = res
            .body
            .iter()
            .filter_map(|i| match i {
                Item::SubItem { label, level, .. } => Some((label.clone(), *level)),
                _ => None,
            })
            .collect();
        let expect = [("(h)", 1), ("(i)", 1), ("(j)", 1), ("(i)", 2), ("(ii)", 2)];
        let expect: Vec<(String, u8)> = expect.iter().map(|(l, v)| (l.to_string(), *v)).collect();
        assert_eq!(levels, expect);
    }

    #[test]
    fn release_code_is_day_month_short_year() {
        assert_eq!(release_code("8 December 2016").as_deref(), Some("081216"));
        assert_eq!(release_code("someday"), None);
    }
}
