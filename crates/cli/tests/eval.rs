//! `resingest eval` end to end: the gold documents with corpus PDFs score 100% of their
//! units, and every English resolution of the corpus is structurally valid.

use std::path::PathBuf;
use std::process::Command;

fn shared() -> Option<PathBuf> {
    resingest_runtime::testing::shared("corpus/MANIFEST.tsv")
}

fn resingest(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_resingest"))
        .args(args)
        .env_remove("RESINGEST_CORPUS")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn gold_units_are_all_exact() {
    let Some(shared) = shared() else { return };
    let (gold, corpus) = (shared.join("gold"), shared.join("corpus"));
    let (code, out) = resingest(&[
        "eval",
        "--gold",
        gold.to_str().unwrap(),
        "--corpus",
        corpus.to_str().unwrap(),
        "--min",
        "100",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("overall: 100/100 units exact (100.0%)"),
        "{out}"
    );
    assert!(out.contains("A/RES/78/101: 38/38 units exact"), "{out}");
    assert!(out.contains("S/RES/2769(2025): 50/50 units exact"), "{out}");
}

#[test]
fn corpus_resolutions_are_structurally_valid() {
    let Some(shared) = shared() else { return };
    let corpus = shared.join("corpus");
    let (_, out) = resingest(&["eval", "--corpus", corpus.to_str().unwrap()]);
    let line = out
        .lines()
        .find(|l| l.starts_with("resolutions: "))
        .unwrap_or_else(|| panic!("no resolutions line:\n{out}"));
    let (valid, total) = line["resolutions: ".len()..]
        .trim_end_matches(" valid")
        .split_once('/')
        .unwrap();
    let (valid, total): (f64, f64) = (valid.parse().unwrap(), total.parse().unwrap());
    assert!(total >= 160.0, "{line}");
    assert_eq!(valid, total, "{line}\n{out}");
}

#[test]
fn below_min_exits_1() {
    let Some(shared) = shared() else { return };
    let corpus = shared.join("corpus/drafts");
    let (code, out) = resingest(&["eval", "--corpus", corpus.to_str().unwrap(), "--min", "100"]);
    assert_eq!(
        code, 1,
        "the drafts include an OCR'd 1971 text without italics:\n{out}"
    );
}
