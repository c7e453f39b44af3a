//! Every text PDF of the corpus becomes Akoma Ntoso that validates against the OASIS AKN 3.0
//! schema (`shared/reference/schemas/akomantoso30.xsd`, offline, with xmllint).

use std::process::Command;

use resingest_extract::{Format, Limits};

#[test]
fn every_corpus_document_validates_as_akoma_ntoso() {
    let Some(shared) = resingest_runtime::testing::shared("reference/schemas/akomantoso30.xsd")
    else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for sub in ["ga", "sc", "hrc", "drafts"] {
        for e in std::fs::read_dir(shared.join("corpus").join(sub))
            .unwrap()
            .flatten()
        {
            let pdf = e.path();
            if pdf.extension().is_none_or(|x| x != "pdf") {
                continue;
            }
            let xml = resingest_extract::render(
                &std::fs::read(&pdf).unwrap(),
                Format::Akn,
                &Limits::default(),
            )
            .unwrap();
            let path = out.path().join(format!(
                "{}.xml",
                pdf.file_stem().unwrap().to_string_lossy()
            ));
            std::fs::write(&path, xml).unwrap();
            files.push(path);
        }
    }
    assert!(files.len() >= 170, "{} documents", files.len());
    let result = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(shared.join("reference/schemas/akomantoso30.xsd"))
        .args(&files)
        .output()
        .expect("xmllint runs (apt-get install libxml2-utils)");
    let stderr = String::from_utf8_lossy(&result.stderr);
    let invalid: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.ends_with(" validates"))
        .collect();
    assert!(
        result.status.success() && invalid.is_empty(),
        "{} lines of complaints:\n{}",
        invalid.len(),
        invalid
            .iter()
            .take(40)
            .copied()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(
        stderr.lines().filter(|l| l.ends_with(" validates")).count(),
        files.len()
    );
}

/// Paragraphs printed after an operative paragraph without number or label (contract v3
/// `continued`): the words closing a list in 78/29, the quoted staff rule in 79/280, each an
/// unnumbered `paragraph` after it in AKN, as the UN marks them; a v2 reader's text is kept.
#[test]
fn unlabelled_paragraphs_after_a_paragraph_continue_it() {
    let Some(shared) = resingest_runtime::testing::shared("corpus/ga/A_RES_78_29-EN.pdf") else {
        return;
    };
    let read = |name: &str| {
        let pdf = std::fs::read(shared.join("corpus/ga").join(name)).unwrap();
        (
            resingest_extract::extract_resolution(&pdf, &Limits::default()).unwrap(),
            String::from_utf8(
                resingest_extract::render(&pdf, Format::Akn, &Limits::default()).unwrap(),
            )
            .unwrap(),
        )
    };
    let (r, xml) = read("A_RES_78_29-EN.pdf");
    let p3 = &r.operative[2];
    assert_eq!(p3.number, 3);
    let last = p3.subparagraphs.last().unwrap();
    assert!(
        last.text.ends_with("Duma, Syrian Arab Republic;"),
        "{}",
        last.text
    );
    let texts: Vec<&str> = p3.continued.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        ["and demands that the perpetrators be held accountable;"]
    );
    // The v2 reading: the words end the last sub-item, as they did before.
    let folded = p3.folded();
    assert!(folded.continued.is_empty());
    assert!(folded.subparagraphs.last().unwrap().text.ends_with(
        "Duma, Syrian Arab Republic; and demands that the perpetrators be held accountable;"
    ));
    // A footnote marker in a continuation stays with it (paragraph 6, note 15).
    let p6 = &r.operative[5];
    assert_eq!(p6.continued.len(), 1, "{p6:?}");
    assert!(p6.continued[0].footnote_refs.contains(&15), "{p6:?}");
    assert!(
        xml.contains(r#"<paragraph eId="para_3_continued_1">"#),
        "no continuation in AKN"
    );

    // Two quoted rule items after paragraph 1; paragraphs 2 and 3 untouched.
    let (r, _) = read("A_RES_79_280-EN.pdf");
    assert_eq!(r.operative.len(), 3);
    let quoted: Vec<&str> = r.operative[0]
        .continued
        .iter()
        .map(|c| c.text.get(..12).unwrap_or(&c.text))
        .collect();
    assert_eq!(quoted.len(), 2, "{quoted:?}");
    assert!(
        quoted[0].starts_with("“(a)") && quoted[1].starts_with("“(b)"),
        "{quoted:?}"
    );
    assert!(r.operative[1].continued.is_empty() && r.operative[2].continued.is_empty());
}
