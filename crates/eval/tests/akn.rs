//! `eval --akn` on the real corpus: every UN XML file is paired with its PDF and scored, and
//! the scores stay at or above what the extractor reaches today (raise these floors as it
//! improves; the targets of issue 14 are higher and are reported, not assumed).

use resingest_eval::akn::{read_akn, score_dir};
use resingest_extract::Limits;

use resingest_runtime::testing::shared;

fn extract(bytes: &[u8]) -> Result<resingest_model::Resolution, String> {
    resingest_extract::extract_resolution(bytes, &Limits::default()).map_err(|e| e.to_string())
}

#[test]
fn the_corpus_scores_against_the_uns_markup_at_least_as_well_as_today() {
    let Some(shared) = shared("gold") else { return };
    let run = score_dir(
        &shared.join("reference/un-akn"),
        &shared.join("corpus"),
        &extract,
    )
    .expect("the UN's XML reads");
    let s = &run.summary;
    let unscored: Vec<&String> = run
        .lines
        .iter()
        .filter(|l| l.ends_with("not scored") || l.contains("extraction failed"))
        .collect();
    assert_eq!(
        unscored,
        Vec::<&String>::new(),
        "every XML file has its PDF"
    );
    assert_eq!(s.documents, 149, "{s}");
    let pct = resingest_eval::AknSummary::pct;
    let floors = [
        ("units exact", pct(s.units_exact, s.units_total), 99.45),
        ("leads", pct(s.leads_exact, s.leads_total), 99.75),
        ("footnotes", pct(s.footnotes_exact, s.footnotes_total), 99.6),
        // 95.1: four of the five section headings of the Pact (A/RES/79/1, pages 11-26) are
        // printed as headings and marked up by the UN as sub-items of the paragraph before
        // them; the README lists them.
        ("headings", pct(s.headings_exact, s.headings_total), 95.0),
        ("documents", pct(s.documents_exact, s.documents), 92.5),
    ];
    for (what, got, floor) in floors {
        assert!(got >= floor, "{what}: {got:.1}% below {floor}%\n{s}");
    }
    // A plain resolution is wholly exact, and the report says so in the expected shape.
    let r101 = run
        .reports
        .iter()
        .find(|r| r.symbol == "A/RES/78/101")
        .expect("A/RES/78/101 scored");
    assert!(r101.is_exact(), "{r101}");
    assert_eq!(
        r101.to_string(),
        "A/RES/78/101: units 38/38; leads 30/30; footnotes 4/4; headings 0/0; metadata 6/6; language en"
    );
}

#[test]
fn sections_of_the_budget_resolution_are_sections_with_headings() {
    let Some(shared) = shared("gold") else { return };
    let xml = std::fs::read_to_string(shared.join("reference/un-akn/A_RES_79_258-2424700E.xml"))
        .expect("A/RES/79/258 in the UN's XML");
    let d = read_akn(&xml).unwrap();
    assert_eq!(d.symbol, "A/RES/79/258");
    assert_eq!(d.headings.len(), 25);
    assert_eq!(d.headings[0].num.as_deref(), Some("I"));
    assert_eq!(
        d.headings[0].text,
        "Enterprise resource planning project, Umoja"
    );
    let sections = d.clauses["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 25);
    assert_eq!(sections[1]["num"], "II");
    assert_eq!(sections[1]["operative"][0]["number"], 1);
    assert!(
        d.clauses.get("parts").is_none(),
        "parts are for lettered resolutions"
    );
}

/// The six-language renderings of `shared/corpus-ml`: every file's language detected from its
/// text, and the figures of issue 22 held as floors (English is the control).
#[test]
fn every_language_of_the_renderings_scores_at_least_as_well_as_today() {
    let Some(shared) = shared("gold") else { return };
    let ml = shared.join("corpus-ml");
    assert!(
        ml.is_dir(),
        "{} is missing: the six-language renderings are part of shared/",
        ml.display()
    );
    let pct = resingest_eval::AknSummary::pct;
    // (language, units exact, leads, metadata fields) in percent.
    let floors = [
        ("en", 96.5, 97.2, 100.0),
        ("fr", 97.0, 97.5, 99.0),
        ("es", 96.5, 96.9, 100.0),
        ("ru", 97.5, 97.7, 100.0),
        ("zh", 96.5, 97.5, 100.0),
        ("ar", 96.5, 97.2, 100.0),
    ];
    for (lang, units, leads, meta) in floors {
        let run = score_dir(&ml.join(lang), &ml, &extract).expect("the renderings' XML reads");
        let s = &run.summary;
        assert_eq!(s.documents, 30, "{lang}: {s}");
        assert_eq!(
            (s.language_exact, s.language_total),
            (30, 30),
            "{lang}: every file's language is detected from its text\n{s}"
        );
        for (what, got, floor) in [
            ("units", pct(s.units_exact, s.units_total), units),
            ("leads", pct(s.leads_exact, s.leads_total), leads),
            ("metadata", pct(s.meta_exact, s.meta_total), meta),
        ] {
            assert!(got >= floor, "{lang} {what}: {got:.1}% below {floor}%\n{s}");
        }
    }
}
