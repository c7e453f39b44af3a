//! Helpers shared by the integration tests: temporary files and the poppler tools the tests use
//! as an independent reader of our PDFs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `../shared` next to the repository, where the reference texts and gold files live.
pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Writes `bytes` to a fresh file under the system temp directory and returns its path.
pub fn write_tmp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("resingest-typeset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write temp pdf");
    path
}

/// Runs a poppler tool and returns its stdout; fails the test with a hint when it is missing.
pub fn poppler(tool: &str, args: &[&str], path: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(path)
        .args(if tool == "pdffonts" {
            &[][..]
        } else {
            &["-"][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} ({e}): install poppler-utils"));
    assert!(
        out.status.success(),
        "{tool} failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("poppler output is UTF-8")
}

pub fn pdftotext(path: &Path) -> String {
    poppler("pdftotext", &[], path)
}

pub fn pdftotext_page(path: &Path, page: usize) -> String {
    let p = page.to_string();
    poppler("pdftotext", &["-f", &p, "-l", &p], path)
}

pub fn pdffonts(path: &Path) -> String {
    poppler("pdffonts", &[], path)
}

/// pdftohtml's XML at zoom 1: it marks italic and bold spans (`<i>`, `<b>`) and gives every
/// text element its font size (rounded to whole points) and position.
pub fn pdftohtml_xml(path: &Path) -> String {
    poppler(
        "pdftohtml",
        &["-xml", "-i", "-stdout", "-q", "-zoom", "1"],
        path,
    )
}

pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

/// Checks that `expected` words appear in `actual` in order. An actual word may carry a
/// footnote marker glued to it ("INTERPOL1"), and words not expected (furniture, footnote
/// text, markers on their own) may come between; returns how many actual words were skipped.
pub fn assert_in_order(expected: &[String], actual: &[String]) -> usize {
    let mut pos = 0;
    let mut skipped = 0;
    for (i, want) in expected.iter().enumerate() {
        let found = actual[pos..].iter().position(|got| {
            got == want
                || (got.starts_with(want.as_str())
                    && got[want.len()..].chars().all(|c| c.is_ascii_digit()))
        });
        match found {
            Some(k) => {
                skipped += k;
                pos += k + 1;
            }
            None => panic!(
                "word {i} {want:?} not found in order; context before: {:?}; text after: {:?}",
                &expected[i.saturating_sub(8)..i],
                &actual[pos..actual.len().min(pos + 30)]
            ),
        }
    }
    skipped
}

/// Loads the PDF with lopdf, as the extractor will, and returns its page count.
pub fn lopdf_pages(bytes: &[u8]) -> usize {
    let doc = lopdf::Document::load_mem(bytes).expect("lopdf loads the PDF");
    doc.get_pages().len()
}
