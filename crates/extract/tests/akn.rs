//! Every text PDF of the corpus becomes Akoma Ntoso that validates against the OASIS AKN 3.0
//! schema (`shared/reference/schemas/akomantoso30.xsd`, offline, with xmllint).

mod common;

use std::process::Command;

use resingest_extract::{Format, Limits};

#[test]
fn every_corpus_document_validates_as_akoma_ntoso() {
    let Some(shared) = common::shared("reference/schemas/akomantoso30.xsd") else {
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
