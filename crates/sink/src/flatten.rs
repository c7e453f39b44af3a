//! A resolution's clauses as rows: every preambular, operative, sub- and annex paragraph gets
//! a stable `path` that the search API returns and a reader can find in the document.
//!
//! Paths: `p3` is preambular paragraph 3; `3`, `3.b`, `3.b.ii` operative paragraph 3 and its
//! sub-items; `annex1` an annex without numbered paragraphs, `annex1.4` paragraph 4 of annex 1;
//! in a document of several lettered parts, the part comes first: `A.p2`, `B.3.a`; a section
//! with its own numbering (contract v2 `sections`) likewise: `II.3`, `A.IV.p1`.

use resingest_model::{Clause, Paragraph, Resolution, Section, Subparagraph};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseRow {
    /// `preamble`, `operative`, `subparagraph`, `annex` or `annex_paragraph`.
    pub kind: &'static str,
    pub path: String,
    pub lead: Option<String>,
    pub text: String,
    pub footnote_refs: Vec<u32>,
}

/// Every clause of `r` in reading order.
pub fn clause_rows(r: &Resolution) -> Vec<ClauseRow> {
    let mut rows = Vec::new();
    push_body(&mut rows, "", &r.preamble, &r.operative);
    push_sections(&mut rows, "", &r.sections);
    for part in r.parts.iter().flatten() {
        let prefix = format!("{}.", part.label);
        push_body(&mut rows, &prefix, &part.preamble, &part.operative);
        push_sections(&mut rows, &prefix, &part.sections);
    }
    for (i, annex) in r.annexes.iter().enumerate() {
        let base = format!("annex{}", i + 1);
        match &annex.paragraphs {
            Some(paras) if !paras.is_empty() => rows.extend(paras.iter().map(|p| ClauseRow {
                kind: "annex_paragraph",
                path: format!("{base}.{}", p.number),
                lead: None,
                text: p.text.clone(),
                footnote_refs: p.footnote_refs.clone(),
            })),
            _ => rows.push(ClauseRow {
                kind: "annex",
                path: base,
                lead: None,
                text: annex.text.clone(),
                footnote_refs: vec![],
            }),
        }
    }
    rows
}

fn push_sections(rows: &mut Vec<ClauseRow>, prefix: &str, sections: &[Section]) {
    for (i, s) in sections.iter().enumerate() {
        let num = s.num.clone().unwrap_or_else(|| format!("s{}", i + 1));
        push_body(rows, &format!("{prefix}{num}."), &s.preamble, &s.operative);
    }
}

fn push_body(
    rows: &mut Vec<ClauseRow>,
    prefix: &str,
    preamble: &[Clause],
    operative: &[Paragraph],
) {
    rows.extend(preamble.iter().map(|c| ClauseRow {
        kind: "preamble",
        path: format!("{prefix}p{}", c.index),
        lead: c.lead.clone(),
        text: c.text.clone(),
        footnote_refs: c.footnote_refs.clone(),
    }));
    for p in operative {
        let path = format!("{prefix}{}", p.number);
        rows.push(ClauseRow {
            kind: "operative",
            path: path.clone(),
            lead: p.lead.clone(),
            text: p.text.clone(),
            footnote_refs: p.footnote_refs.clone(),
        });
        push_subs(rows, &path, &p.subparagraphs);
        for (k, c) in p.continued.iter().enumerate() {
            rows.push(ClauseRow {
                kind: "continued",
                path: format!("{path}+{}", k + 1),
                lead: None,
                text: c.text.clone(),
                footnote_refs: c.footnote_refs.clone(),
            });
        }
    }
}

fn push_subs(rows: &mut Vec<ClauseRow>, parent: &str, subs: &[Subparagraph]) {
    for s in subs {
        let path = format!("{parent}.{}", s.label);
        rows.push(ClauseRow {
            kind: "subparagraph",
            path: path.clone(),
            lead: None,
            text: s.text.clone(),
            footnote_refs: s.footnote_refs.clone(),
        });
        push_subs(rows, &path, &s.subparagraphs);
    }
}

/// The PostgreSQL text-search configuration for an ISO 639-1 language code. Arabic is
/// PostgreSQL's `arabic` (Snowball: alef forms, diacritics and tatweel normalised, the article
/// and common prefixes and suffixes stripped, so "سابقة" finds "السابقة"); Chinese is
/// `resingest_chinese`, a copy of `simple` that the SQL function `resingest_search_text`
/// indexes as overlapping character pairs, since Chinese prints no space between words. Both
/// are defined, with the query side `resingest_tsquery`, in the migration
/// `20261207000001_search_chinese.sql`.
pub fn ts_config(language: &str) -> &'static str {
    match language {
        "ar" => "arabic",
        "zh" => "resingest_chinese",
        "en" => "english",
        "fr" => "french",
        "es" => "spanish",
        "ru" => "russian",
        "de" => "german",
        "pt" => "portuguese",
        "it" => "italian",
        _ => "simple",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(label: &str, subs: Vec<Subparagraph>) -> Subparagraph {
        Subparagraph {
            label: label.into(),
            text: format!("{label};"),
            footnote_refs: vec![],
            subparagraphs: subs,
        }
    }

    #[test]
    fn paths_follow_reading_order_with_nested_sub_items() {
        let mut r: Resolution = serde_json::from_value(serde_json::json!({
            "symbol": "A/RES/1/1", "organ": "General Assembly", "language": "en", "session": 1,
            "distribution": null, "distribution_date": null, "adoption_date": null, "meeting": null,
            "main_committee": null, "title": null, "kind": "resolution", "schema_version": 1,
            "provenance": {"sha256": "00", "bytes": 1, "pages": 1, "extractor_version": "x"},
            "preamble": [{"index": 1, "lead": "Recalling", "text": "Recalling x,", "footnote_refs": [1]}],
            "operative": [{"number": 1, "lead": null, "text": "Decides:", "footnote_refs": [], "subparagraphs": []}],
        }))
        .unwrap();
        r.operative[0].subparagraphs = vec![
            sub("a", vec![sub("i", vec![]), sub("ii", vec![])]),
            sub("b", vec![]),
        ];
        r.operative[0].continued = vec![resingest_model::Continued {
            text: "and demands that it stop;".into(),
            footnote_refs: vec![2],
        }];
        let rows = clause_rows(&r);
        let paths: Vec<_> = rows.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["p1", "1", "1.a", "1.a.i", "1.a.ii", "1.b", "1+1"]);
        let last = rows.last().unwrap();
        assert_eq!(
            (last.kind, last.footnote_refs.as_slice()),
            ("continued", &[2][..])
        );
    }

    #[test]
    fn sections_with_their_own_numbering_are_prefixed() {
        let r: Resolution = serde_json::from_value(serde_json::json!({
            "symbol": "A/RES/1/1", "organ": "General Assembly", "language": "en", "session": 1,
            "distribution": null, "distribution_date": null, "adoption_date": null, "meeting": null,
            "main_committee": null, "title": null, "kind": "resolution", "schema_version": 2,
            "provenance": {"sha256": "00", "bytes": 1, "pages": 1, "extractor_version": "x"},
            "sections": [
                {"num": "I", "heading": "Umoja", "preamble": [{"index": 1, "lead": "Recalling", "text": "x,"}],
                 "operative": [{"number": 1, "lead": null, "text": "Notes."}]},
                {"num": "II", "heading": null, "operative": [{"number": 1, "lead": null, "text": "Decides."}]}
            ]
        }))
        .unwrap();
        let paths: Vec<_> = clause_rows(&r).into_iter().map(|c| c.path).collect();
        assert_eq!(paths, ["I.p1", "I.1", "II.1"]);
    }
}
