//! The scorer on the real gold files: each gold file scores 100% against itself, a mutated
//! copy scores exactly what its mutations cost, and the structural checks find nothing wrong in
//! a gold structure read against pdftotext's output of its PDF.

use resingest_eval::{compare, structural_check, Corpus, Problem, Summary};
use resingest_model::{Annex, Footnote, Paragraph, Resolution};
use serde_json::Value;
use std::path::Path;

use resingest_runtime::testing::shared;

/// Every gold file as JSON, sorted by name.
fn gold_files(shared: &Path) -> Vec<(String, Value)> {
    let mut paths: Vec<_> = std::fs::read_dir(shared.join("gold"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 5,
        "expected the gold files, found {}",
        paths.len()
    );
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect()
}

fn gold(shared: &Path, name: &str) -> Value {
    gold_files(shared)
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} not in gold"))
        .1
}

#[test]
fn every_gold_file_is_exact_against_itself() {
    let Some(shared) = shared("gold") else { return };
    let mut summary = Summary::default();
    for (name, g) in gold_files(&shared) {
        let r = Resolution::from_gold(g.clone()).unwrap();
        let report = compare(&g, &r);
        assert!(report.is_exact(), "{name}: {report}");
        assert!(report.units_total > 0, "{name}: no units");
        assert_eq!(report.metadata_total, 13, "{name}");
        summary.add_report(&report);
    }
    let text = summary.to_string();
    let overall = text.lines().next().unwrap();
    assert!(
        overall.starts_with("overall: ") && overall.ends_with(" units exact (100.0%)"),
        "{text}"
    );
}

#[test]
fn a_mutated_gold_file_scores_exactly_its_mutations() {
    let Some(shared) = shared("gold") else { return };
    let g = gold(&shared, "A-RES-78-101.json");
    let mut r = Resolution::from_gold(g.clone()).unwrap();
    // Typography only: still exact.
    r.preamble[2].text = r.preamble[2].text.replace('–', "-");
    // Four wrong units, one missing and one extra.
    r.preamble[4].lead = None;
    r.operative[1].footnote_refs = vec![2];
    r.operative[7].subparagraphs.pop();
    r.operative[19].text.push_str(" 23-24977 (E)");
    r.operative.push(Paragraph {
        continued: Vec::new(),
        number: 21,
        lead: None,
        text: "Invented.".into(),
        footnote_refs: vec![],
        subparagraphs: vec![],
        headings: vec![],
    });
    // Two wrong metadata fields.
    r.title = Some("Implementation".into());
    r.references.pop();
    // One wrong footnote and one extra.
    r.footnotes[3].text = "A/56/61.".into();
    r.footnotes.push(Footnote {
        number: 5,
        text: "Extra.".into(),
    });
    // An invented annex.
    r.annexes.push(Annex {
        preamble: Vec::new(),
        operative: Vec::new(),
        heading: Some("Annex".into()),
        title: None,
        text: "x".into(),
        paragraphs: None,
    });

    let report = compare(&g, &r);
    assert_eq!((report.units_exact, report.units_total), (34, 39));
    assert_eq!(
        report
            .wrong_units
            .iter()
            .map(|(u, _)| u.as_str())
            .collect::<Vec<_>>(),
        ["P5", "O2", "O8.h", "O20", "O21"]
    );
    assert_eq!(report.wrong_units[0].1, "lead gold \"Regretting\" got null");
    assert_eq!(report.wrong_units[2].1, "missing");
    assert_eq!(report.wrong_units[4].1, "extra");
    assert_eq!((report.metadata_exact, report.metadata_total), (11, 13));
    assert_eq!(
        report.wrong_metadata,
        [
            "references: item 5: gold \"A/RES/217A(III)\" got nothing",
            "title: at char 15: gold «Implementation of the Declaration on t…» got «Implementation»"
        ]
    );
    assert_eq!((report.footnotes_exact, report.footnotes_total), (3, 5));
    assert_eq!((report.annexes_exact, report.annexes_total), (0, 1));
    let text = report.to_string();
    assert_eq!(
        text.lines().next().unwrap(),
        "A/RES/78/101: 34/39 units exact; metadata 11/13; footnotes 3/5; annexes 0/1"
    );
    assert_eq!(text.lines().count(), 1 + 5 + 2 + 2 + 1, "{text}");

    let mut summary = Summary::default();
    summary.add_report(&report);
    assert!(summary
        .to_string()
        .starts_with("overall: 34/39 units exact (87.2%)\n"));
}

/// pdftotext's plain output of a corpus PDF, found by symbol.
fn pdftotext(shared: &Path, symbol: &str) -> Option<String> {
    let corpus = Corpus::open(&shared.join("corpus")).expect("the corpus reads");
    let pdf = corpus.pdf_of(symbol)?;
    let text = resingest_eval::corpus::pdftotext(pdf);
    Some(text.unwrap_or_else(|| panic!("pdftotext failed on {symbol}: install poppler-utils")))
}

#[test]
fn gold_structures_pass_the_structural_checks_against_their_pdfs() {
    let Some(shared) = shared("gold") else { return };
    let mut summary = Summary::default();
    let mut with_pdf = 0;
    for (name, g) in gold_files(&shared) {
        let r = Resolution::from_gold(g).unwrap();
        let text = pdftotext(&shared, &r.symbol);
        with_pdf += usize::from(text.is_some());
        let problems = structural_check(&r, text.as_deref());
        assert_eq!(problems, [], "{name}");
        summary.add_structural(&problems);
    }
    assert!(
        with_pdf >= 4,
        "expected gold files with a PDF in the corpus"
    );
    assert!(summary
        .to_string()
        .ends_with("valid: 5/5 documents (100.0%)"));
}

#[test]
fn a_lost_clause_of_a_real_document_is_found() {
    let Some(shared) = shared("gold") else { return };
    let mut r = Resolution::from_gold(gold(&shared, "A-RES-78-101.json")).unwrap();
    let text = pdftotext(&shared, &r.symbol).expect("A/RES/78/101 in the corpus");
    // The extractor drops paragraph 7 (and the numbers after it run on).
    let removed = r.operative.remove(6);
    let problems = structural_check(&r, Some(&text));
    let lost: Vec<&str> = problems
        .iter()
        .filter_map(|p| match p {
            Problem::LostText { line, .. } => Some(line.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        problems[0],
        Problem::OperativeNumber {
            part: None,
            expected: 7,
            found: 8
        }
    );
    assert_eq!(problems.len(), 1 + lost.len(), "{problems:?}");
    assert_eq!(
        lost,
        [
            "Recalls with satisfaction the professional, open and transparent conduct of",
            "both the February 2006 and the October 2007 referendums to determine the future",
            "status of Tokelau, monitored by the United Nations;",
        ],
        "removed: {}",
        removed.text
    );
}
