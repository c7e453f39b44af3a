//! Self-contained documents: UN-style PDFs typeset with lopdf's writer (`resingest-typeset`)
//! read back exactly. A/RES/71/19 has no PDF in the corpus; it is typeset from the
//! published text (`shared/reference/A-RES-71-19.md`: three pages, footnotes at the page
//! foot, a paragraph across the first page break, running header, job-number footer, page
//! numbers) in every font and spacing style real producers use, and must match the gold.

use resingest_extract::{Format, Limits};
use resingest_typeset::{FontKind, Options, Raise, Spacing};

#[test]
fn typeset_71_19_matches_gold_in_every_style() {
    let Some(shared) = resingest_runtime::testing::shared("reference/A-RES-71-19.md") else {
        return;
    };
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
    let Some(shared) = resingest_runtime::testing::shared("reference/A-RES-71-19.md") else {
        return;
    };
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

/// Many distinct synthetic resolutions, each in a typesetting variant chosen by its seed,
/// read back with their metadata, every lead, every sub-item and every footnote.
#[test]
fn synthetic_resolutions_read_back() {
    let mut failures = Vec::new();
    for seed in 0..60 {
        let (pdf, meta) = resingest_typeset::synthetic::resolution(seed);
        let r = match resingest_extract::extract_resolution(&pdf, &Limits::default()) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("seed {seed}: {e}"));
                continue;
            }
        };
        let leads = |v: Vec<Option<String>>| {
            v.into_iter()
                .map(|l| l.unwrap_or_default())
                .collect::<Vec<_>>()
        };
        let subs: usize = r
            .operative
            .iter()
            .map(|o| {
                o.subparagraphs.len()
                    + o.subparagraphs
                        .iter()
                        .map(|s| s.subparagraphs.len())
                        .sum::<usize>()
            })
            .sum();
        let got_pre = leads(r.preamble.iter().map(|c| c.lead.clone()).collect());
        let got_op = leads(r.operative.iter().map(|c| c.lead.clone()).collect());
        let checks: [(&str, String, String); 12] = [
            ("symbol", r.symbol.clone(), meta.symbol.clone()),
            (
                "session",
                format!("{:?}", r.session),
                format!("{:?}", Some(meta.session)),
            ),
            (
                "title",
                format!("{:?}", r.title),
                format!("{:?}", Some(&meta.title)),
            ),
            (
                "adoption date",
                format!("{:?}", r.adoption_date),
                format!("{:?}", Some(&meta.adoption_date)),
            ),
            (
                "distribution date",
                format!("{:?}", r.distribution_date),
                format!("{:?}", Some(&meta.distribution_date)),
            ),
            (
                "meeting",
                format!("{:?}", r.meeting),
                format!("{:?}", Some(&meta.meeting)),
            ),
            (
                "pages",
                r.provenance.pages.to_string(),
                meta.pages.to_string(),
            ),
            (
                "preamble leads",
                format!("{got_pre:?}"),
                format!("{:?}", meta.preamble_leads),
            ),
            (
                "operative leads",
                format!("{got_op:?}"),
                format!("{:?}", meta.operative_leads),
            ),
            (
                "operative numbers",
                r.operative
                    .iter()
                    .map(|o| o.number.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
                (1..=r.operative.len())
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            (
                "sub-items",
                subs.to_string(),
                meta.subparagraphs.to_string(),
            ),
            (
                "footnotes",
                r.footnotes.len().to_string(),
                meta.footnotes.to_string(),
            ),
        ];
        for (what, got, expected) in checks {
            if got != expected {
                failures.push(format!(
                    "seed {seed} ({:?}/{:?}): {what}: got {got}, expected {expected}",
                    meta.options.fonts, meta.options.spacing
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The exact reader's text of a small document built block by block: an italic lead that no
/// lexicon knows, superscript footnote markers, a paragraph broken by a page break with its
/// footnote in between, running headers and job-number footers, in both font kinds.
#[test]
fn exact_text_of_a_built_document() {
    use resingest_typeset::{Furniture, Masthead, Paragraph, Run, Typesetter};
    for fonts in [FontKind::Simple, FontKind::Type0] {
        let opts = Options {
            fonts,
            furniture: Some(Furniture {
                symbol: "A/RES/99/1".into(),
                short_title: Some("Testing the reader".into()),
                job_number: "99-12345".into(),
                release_code: Some("010199".into()),
                barcode: true,
            }),
            ..Options::default()
        };
        let mut t = Typesetter::new(opts);
        t.page_header_block(Masthead {
            symbol: "A/RES/99/1".into(),
            organ: "General Assembly".into(),
            distribution: "General".into(),
            date: "1 January 2099".into(),
            emblem: false,
        });
        t.paragraph(Paragraph::body(vec![Run::italic("The General Assembly,")]));
        t.paragraph(Paragraph::body(vec![
            Run::italic("Frobnicating"),
            Run::plain(" the widgets of the Organization"),
            Run::footnote(1),
            Run::plain(" with due care,"),
        ]));
        t.footnote(1, "A/99/100.");
        t.paragraph(Paragraph::numbered(
            "1.",
            vec![
                Run::italic("Decides"),
                Run::plain(" to read every word of this paragraph, which runs across a page break"),
                Run::page_break(),
                Run::plain(" and continues on the next page with its second footnote"),
                Run::footnote(2),
                Run::plain(";"),
            ],
        ));
        t.footnote(2, "Resolution 98/7, annex.");
        let pdf = t.finish();
        let text = String::from_utf8(
            resingest_extract::render(&pdf, Format::Text, &Limits::default()).unwrap(),
        )
        .unwrap();
        let body = text.split_once("---\n").map_or(text.as_str(), |(b, _)| b);
        let notes = text.split_once("---\n").map_or("", |(_, n)| n);
        assert!(body.contains("\nThe General Assembly,\nFrobnicating the widgets of the Organization with due care,\n1. Decides to read every word of this paragraph, which runs across a page break and continues on the next page with its second footnote;\n"), "{fonts:?}:\n{text}");
        assert_eq!(
            notes, "1 A/99/100.\n2 Resolution 98/7, annex.\n",
            "{fonts:?}"
        );
        for furniture in [
            "99-12345",
            "Testing the reader",
            "*9912345*",
            "2/2",
            "010199",
        ] {
            assert!(
                !body.contains(furniture),
                "{fonts:?}: {furniture:?} in\n{body}"
            );
        }
        let r = resingest_extract::extract_resolution(&pdf, &Limits::default()).unwrap();
        assert_eq!(
            r.provenance.pages, 2,
            "{fonts:?}: the page break gives a second page"
        );
        assert_eq!(
            r.preamble[0].lead.as_deref(),
            Some("Frobnicating"),
            "{fonts:?}: an italic lead in no lexicon"
        );
        assert_eq!(r.preamble[0].footnote_refs, vec![1]);
        assert_eq!(r.operative[0].lead.as_deref(), Some("Decides"));
        assert_eq!(r.operative[0].footnote_refs, vec![2]);
    }
}

/// Contract v2: a bold heading between operative paragraphs goes on the paragraph after it
/// (v1 dropped it), and the document reads without a warning.
#[test]
fn bold_headings_go_on_the_paragraph_after_them() {
    use resingest_typeset::un::{self, fixtures};
    let pdf = un::render(&fixtures::security_council_2769(), &Options::default());
    let r = resingest_extract::extract_resolution(&pdf, &Limits::default()).unwrap();
    let headings = |p: &resingest_model::Paragraph| {
        p.headings
            .iter()
            .map(|h| (h.num.clone(), h.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        headings(&r.operative[0]),
        [(None, "Mandate of the Panel of Experts".to_string())]
    );
    assert_eq!(headings(&r.operative[1]), [(None, "Reporting".to_string())]);
    assert!(r.preamble.iter().all(|c| c.headings.is_empty()));
    assert_eq!(r.warnings, vec![], "a clean document has no warning");
}

/// Contract v2: roman sections that number their paragraphs afresh are `sections` with their
/// number and title, not lettered `parts`.
#[test]
fn restarting_roman_sections_are_sections_not_parts() {
    use resingest_typeset::un::{self, fixtures, Item};
    use resingest_typeset::Run;
    let mut res = fixtures::security_council_2769();
    let op = |n: &str, verb: &str| Item::Operative {
        number: Some(n.into()),
        runs: vec![Run::italic(verb), Run::plain(" to act;")],
    };
    res.body.retain(|i| matches!(i, Item::Preambular(_)));
    res.body.extend([
        Item::Heading("I".into()),
        Item::Heading("Umoja".into()),
        op("1.", "Notes"),
        op("2.", "Decides"),
        Item::Heading("II".into()),
        Item::Heading("Contingency fund".into()),
        op("1.", "Requests"),
    ]);
    let pdf = un::render(&res, &Options::default());
    let r = resingest_extract::extract_resolution(&pdf, &Limits::default()).unwrap();
    assert!(r.parts.is_none(), "{:?}", r.parts);
    let got: Vec<_> = r
        .sections
        .iter()
        .map(|s| (s.num.as_deref(), s.heading.as_deref(), s.operative.len()))
        .collect();
    assert_eq!(
        got,
        [
            (Some("I"), Some("Umoja"), 2),
            (Some("II"), Some("Contingency fund"), 1)
        ]
    );
    assert_eq!(r.sections[1].operative[0].lead.as_deref(), Some("Requests"));
}

/// "... the following X:" opens a text adopted inline only when that text's title follows; a
/// bulleted list after it belongs to the paragraph, and the paragraphs after the list are
/// read as paragraphs (S/RES/2779 (2025) lost its paragraphs 10 to 25 into an "annex").
#[test]
fn the_following_opens_an_adopted_text_only_under_its_title() {
    use resingest_typeset::un::{self, fixtures, Item};
    use resingest_typeset::Run;
    let op = |n: Option<&str>, runs: Vec<Run>| Item::Operative {
        number: n.map(str::to_owned),
        runs,
    };
    let bullet = |t: &str| op(None, vec![Run::plain(t)]);
    let mut listed = fixtures::security_council_2769();
    listed.body.retain(|i| matches!(i, Item::Preambular(_)));
    listed.body.extend([
        op(
            Some("1."),
            vec![
                Run::italic("Calls upon"),
                Run::plain(" all parties to fulfil the following priority measures:"),
            ],
        ),
        bullet("• Make progress on creating a conducive political environment,"),
        bullet("• End all obstructions to the Mission;"),
        op(
            Some("2."),
            vec![
                Run::italic("Decides"),
                Run::plain(" to remain seized of the matter."),
            ],
        ),
    ]);
    let pdf = un::render(&listed, &Options::default());
    let r = resingest_extract::extract_resolution(&pdf, &Limits::default()).unwrap();
    assert!(r.annexes.is_empty(), "{:?}", r.annexes);
    let numbers: Vec<u32> = r.operative.iter().map(|p| p.number).collect();
    assert_eq!(numbers, [1, 2]);
    let bullets: Vec<&str> = r.operative[0]
        .continued
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(
        bullets,
        [
            "• Make progress on creating a conducive political environment,",
            "• End all obstructions to the Mission;"
        ]
    );

    let mut adopting = fixtures::security_council_2769();
    adopting.body.retain(|i| matches!(i, Item::Preambular(_)));
    adopting.body.extend([
        op(
            None,
            vec![
                Run::italic("Adopts"),
                Run::plain(" the following declaration:"),
            ],
        ),
        Item::Heading("Declaration on the Future".into()),
        op(
            Some("1."),
            vec![Run::plain("We, the Heads of State, commit ourselves.")],
        ),
    ]);
    let pdf = un::render(&adopting, &Options::default());
    let r = resingest_extract::extract_resolution(&pdf, &Limits::default()).unwrap();
    assert_eq!(r.operative.len(), 1, "{:?}", r.operative);
    assert_eq!(r.annexes.len(), 1);
    assert_eq!(r.annexes[0].heading, None);
    assert_eq!(
        r.annexes[0].title.as_deref(),
        Some("Declaration on the Future")
    );
}
