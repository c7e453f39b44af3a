//! The hand-checked gold structures (`shared/gold`) whose PDFs are in the corpus must come
//! out 100% exact: every unit (preambular clause, operative paragraph, sub-item), metadata
//! field, footnote and annex.

use resingest_extract::Limits;

#[test]
fn gold_documents_are_exact() {
    let Some(shared) = resingest_runtime::testing::shared("corpus/MANIFEST.tsv") else {
        return;
    };
    let corpus = resingest_eval::Corpus::open(&shared.join("corpus")).expect("the corpus reads");
    let mut checked = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(shared.join("gold")).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let gold: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let symbol = gold["symbol"].as_str().unwrap();
        let Some(pdf) = corpus.pdf_of(symbol) else {
            continue;
        };
        let bytes = std::fs::read(pdf).unwrap();
        let got = resingest_extract::extract_resolution(&bytes, &Limits::default()).unwrap();
        let report = resingest_eval::compare(&gold, &got);
        eprintln!("{report}");
        let exact = report.is_exact();
        if !exact {
            failures.push(report.to_string());
        }
        checked += 1;
    }
    assert_eq!(
        checked, 4,
        "expected the four gold documents with corpus PDFs"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
