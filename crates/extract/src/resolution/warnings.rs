//! Structural anomalies of a parsed resolution (contract v2 `warnings`): what a reader should
//! know before trusting the structure. This module only looks at the finished [`Resolution`];
//! it never changes it. Units are named as `resingest eval` names them (`O3`, `O3.b`, `P2`,
//! `I.O4` in a section, `A.O2` in a lettered part), footnotes as `F7`.

use std::collections::BTreeSet;

use resingest_model::{Clause, Kind, Paragraph, Resolution, Subparagraph, Warning, WarningKind};

use super::{next_letter, next_roman};

/// Every anomaly of `r`; `has_formula` says whether the enacting formula was found.
pub(super) fn check(r: &Resolution, has_formula: bool) -> Vec<Warning> {
    let mut out = Vec::new();
    let has_clauses = !r.preamble.is_empty()
        || !r.operative.is_empty()
        || !r.sections.is_empty()
        || r.parts.as_ref().is_some_and(|p| !p.is_empty());
    if !has_formula && has_clauses && r.kind != Kind::Amendment {
        out.push(Warning {
            kind: WarningKind::NoFormula,
            at: None,
            detail: "no enacting formula (\"The General Assembly,\") before the clauses".into(),
        });
    }
    scope(&mut out, "", &r.preamble, &r.operative);
    for s in &r.sections {
        let prefix = format!("{}.", s.num.as_deref().unwrap_or("?"));
        scope(&mut out, &prefix, &s.preamble, &s.operative);
    }
    for part in r.parts.iter().flatten() {
        let prefix = format!("{}.", part.label);
        scope(&mut out, &prefix, &part.preamble, &part.operative);
        for s in &part.sections {
            let prefix = format!("{prefix}{}.", s.num.as_deref().unwrap_or("?"));
            scope(&mut out, &prefix, &s.preamble, &s.operative);
        }
    }
    footnotes(&mut out, r);
    out
}

/// One numbering scope: preambular leads, operative numbers 1..n, sub-item labels.
fn scope(out: &mut Vec<Warning>, prefix: &str, preamble: &[Clause], operative: &[Paragraph]) {
    for c in preamble.iter().filter(|c| c.lead.is_none()) {
        out.push(Warning {
            kind: WarningKind::PreambleWithoutLead,
            at: Some(format!("{prefix}P{}", c.index)),
            detail: "preambular paragraph without an italic lead".into(),
        });
    }
    let mut prev = 0;
    for p in operative {
        if p.number != prev + 1 {
            out.push(Warning {
                kind: WarningKind::NumberingGap,
                at: Some(format!("{prefix}O{}", p.number)),
                detail: format!("paragraph {} follows {}", p.number, prev),
            });
        }
        prev = p.number;
        labels(out, &format!("{prefix}O{}", p.number), &p.subparagraphs);
    }
}

/// Sub-items run a, b, c (or i, ii, iii) without a gap, at every depth.
fn labels(out: &mut Vec<Warning>, parent: &str, items: &[Subparagraph]) {
    let mut prev: Option<&str> = None;
    for s in items {
        let ok = match prev {
            None => s.label == "a" || s.label == "i",
            Some(p) => s.label == next_letter(Some(p)) || s.label == next_roman(Some(p)),
        };
        if !ok {
            out.push(Warning {
                kind: WarningKind::LabelGap,
                at: Some(format!("{parent}.{}", s.label)),
                detail: format!(
                    "({}) follows {}",
                    s.label,
                    prev.map_or("the paragraph's introduction".to_string(), |p| format!(
                        "({p})"
                    ))
                ),
            });
        }
        prev = Some(&s.label);
        labels(out, &format!("{parent}.{}", s.label), &s.subparagraphs);
    }
}

/// Footnotes are numbered 1..N: each number up to the highest note or marker is a note.
fn footnotes(out: &mut Vec<Warning>, r: &Resolution) {
    fn subs(items: &[Subparagraph], markers: &mut BTreeSet<u32>) {
        for s in items {
            markers.extend(&s.footnote_refs);
            subs(&s.subparagraphs, markers);
        }
    }
    fn body(pre: &[Clause], ops: &[Paragraph], markers: &mut BTreeSet<u32>) {
        for c in pre {
            markers.extend(&c.footnote_refs);
        }
        for p in ops {
            markers.extend(&p.footnote_refs);
            subs(&p.subparagraphs, markers);
        }
    }
    let notes: BTreeSet<u32> = r.footnotes.iter().map(|f| f.number).collect();
    let mut markers = BTreeSet::new();
    body(&r.preamble, &r.operative, &mut markers);
    for s in &r.sections {
        body(&s.preamble, &s.operative, &mut markers);
    }
    for part in r.parts.iter().flatten() {
        body(&part.preamble, &part.operative, &mut markers);
        for s in &part.sections {
            body(&s.preamble, &s.operative, &mut markers);
        }
    }
    for a in &r.annexes {
        for p in a.paragraphs.iter().flatten() {
            markers.extend(&p.footnote_refs);
        }
    }
    let highest = notes.iter().chain(&markers).max().copied().unwrap_or(0);
    for n in 1..=highest {
        if !notes.contains(&n) {
            let why = if markers.contains(&n) {
                "a marker without its note"
            } else {
                "no note with this number"
            };
            out.push(Warning {
                kind: WarningKind::MissingFootnote,
                at: Some(format!("F{n}")),
                detail: format!("footnote {n}: {why}"),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use resingest_model::{Footnote, Provenance, Section};

    fn para(number: u32, labels: &[&str]) -> Paragraph {
        Paragraph {
            continued: Vec::new(),
            number,
            lead: Some("Decides".into()),
            text: "x.".into(),
            footnote_refs: vec![],
            subparagraphs: labels
                .iter()
                .map(|l| Subparagraph {
                    label: l.to_string(),
                    text: "y;".into(),
                    footnote_refs: vec![],
                    subparagraphs: vec![],
                })
                .collect(),
            headings: vec![],
        }
    }

    fn resolution() -> Resolution {
        Resolution {
            symbol: "A/RES/1/1".into(),
            organ: "General Assembly".into(),
            language: "en".into(),
            session: Some(1),
            agenda_items: vec![],
            distribution: None,
            distribution_date: None,
            adoption_date: None,
            meeting: None,
            main_committee: None,
            draft_symbols: vec![],
            title: None,
            preamble: vec![Clause {
                index: 1,
                lead: Some("Recalling".into()),
                text: "x,".into(),
                footnote_refs: vec![1],
                headings: vec![],
            }],
            operative: vec![para(1, &["a", "b"]), para(2, &[])],
            footnotes: vec![Footnote {
                number: 1,
                text: "A/1.".into(),
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
            schema_version: 2,
        }
    }

    fn kinds(w: &[Warning]) -> Vec<(WarningKind, Option<&str>)> {
        w.iter().map(|w| (w.kind, w.at.as_deref())).collect()
    }

    #[test]
    fn a_clean_resolution_has_no_warning() {
        assert_eq!(check(&resolution(), true), vec![]);
    }

    #[test]
    fn each_anomaly_is_named_at_its_unit() {
        let mut r = resolution();
        r.preamble[0].lead = None;
        r.operative = vec![para(1, &["a", "c"]), para(3, &[])];
        r.operative[1].footnote_refs = vec![3];
        assert_eq!(
            kinds(&check(&r, false)),
            [
                (WarningKind::NoFormula, None),
                (WarningKind::PreambleWithoutLead, Some("P1")),
                (WarningKind::LabelGap, Some("O1.c")),
                (WarningKind::NumberingGap, Some("O3")),
                (WarningKind::MissingFootnote, Some("F2")),
                (WarningKind::MissingFootnote, Some("F3")),
            ]
        );
    }

    #[test]
    fn sections_number_on_their_own() {
        let mut r = resolution();
        r.sections = vec![
            Section {
                num: Some("I".into()),
                heading: None,
                preamble: vec![],
                operative: vec![para(1, &[]), para(2, &[])],
            },
            Section {
                num: Some("II".into()),
                heading: None,
                preamble: vec![],
                operative: vec![para(1, &[]), para(3, &[])],
            },
        ];
        assert_eq!(
            kinds(&check(&r, true)),
            [(WarningKind::NumberingGap, Some("II.O3"))]
        );
    }
}
