//! Self-contained documents: UN-style PDFs typeset with lopdf's writer (`resingest-typeset`)
//! read back exactly. A/RES/71/19 has no PDF in the corpus; it is typeset from the
//! published text (`shared/reference/A-RES-71-19.md`: three pages, footnotes at the page
//! foot, a paragraph across the first page break, running header, job-number footer, page
//! numbers) in every font and spacing style real producers use, and must match the gold.

use std::path::{Path, PathBuf};

use resingest_extract::{Format, Limits};
use resingest_typeset::{FontKind, Options, Raise, Spacing};

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("RESINGEST_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    if dir.join("reference/A-RES-71-19.md").exists() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "shared material not found at {}: set RESINGEST_SHARED or put shared/ beside the repo",
            dir.display()
        );
    }
    eprintln!(
        "skipping: shared material not found at {} (CI=true makes this fail)",
        dir.display()
    );
    None
}

#[test]
fn typeset_71_19_matches_gold_in_every_style() {
    let Some(shared) = shared() else { return };
    let md = std::fs::read_to_string(shared.join("reference/A-RES-71-19.md")).unwrap();
    let gold: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(shared.join("gold/A-RES-71-19.json")).unwrap(),
    )
    .unwrap();
    let mut failures = Vec::new();
    let mut runs = 0;
    for fonts in [FontKind::Simple, FontKind::Type0, FontKind::WordMix] {
        for spacing in [
            Spacing::SpaceGlyphs,
            Spacing::TjAdjust,
            Spacing::SeparateItems,
            Spacing::PositionedWords,
        ] {
            for raise in [Raise::Rise, Raise::Matrix] {
                let opts = Options {
                    fonts,
                    spacing,
                    raise,
                    ..Options::default()
                };
                let pdf = resingest_typeset::un::resolution_from_markdown(&md, &opts);
                let got = resingest_extract::extract_resolution(&pdf, &Limits::default()).unwrap();
                assert_eq!(
                    got.provenance.pages, 3,
                    "{fonts:?}/{spacing:?}/{raise:?}: three pages as marked"
                );
                let report = resingest_eval::compare(&gold, &got);
                if !report.is_exact() {
                    failures.push(format!("{fonts:?}/{spacing:?}/{raise:?}: {report}"));
                }
                runs += 1;
            }
        }
    }
    assert_eq!(runs, 24);
    assert!(
        failures.is_empty(),
        "{} of {runs} styles not exact:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn typeset_text_has_no_furniture_and_lists_footnotes() {
    let Some(shared) = shared() else { return };
    let md = std::fs::read_to_string(shared.join("reference/A-RES-71-19.md")).unwrap();
    let pdf = resingest_typeset::un::resolution_from_markdown(&md, &Options::default());
    let text = String::from_utf8(
        resingest_extract::render(&pdf, Format::Text, &Limits::default()).unwrap(),
    )
    .unwrap();
    let (body, notes) = text
        .split_once("\n---\n")
        .expect("footnotes follow a --- line");
    assert!(
        !body.lines().any(|l| l.trim() == "A/RES/71/19"),
        "running header in text:\n{body}"
    );
    assert!(
        !body.lines().any(|l| l.contains("(E)")),
        "job number in text:\n{body}"
    );
    assert!(
        !body
            .lines()
            .any(|l| l.split('/').count() == 2
                && l.split('/').all(|p| p.trim().parse::<u32>().is_ok())),
        "page number in text"
    );
    assert!(body.contains("Recalling also the cooperation agreement of 1997 between the United Nations and INTERPOL and all other"), "marker removed, words intact");
    assert!(
        notes.lines().next().is_some_and(|l| l.starts_with("1 ")),
        "{notes}"
    );
}
