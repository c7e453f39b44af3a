//! Every rendering validates against the Akoma Ntoso 3.0 schema: the gold files in
//! `shared/gold` and hand-built edge cases, each checked with `xmllint --schema`.

use resingest_akn::to_akn_marked_up_on;
use resingest_model::{
    Annex, AnnexParagraph, Clause, Footnote, Heading, Kind, Paragraph, Part, Provenance,
    Resolution, Section, Subparagraph, SCHEMA_VERSION,
};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `xml` without the line breaks and indentation between elements, for checks of nesting.
fn squash(xml: &str) -> String {
    xml.lines().map(str::trim_start).collect()
}

/// A fixed markup date, so the renderings under test do not change with the day.
fn to_akn(r: &Resolution) -> String {
    to_akn_marked_up_on(r, "2026-12-01")
}

/// `shared/` when it holds the AKN schema (see `resingest_runtime::testing::shared`).
fn shared() -> Option<PathBuf> {
    resingest_runtime::testing::shared("reference/schemas/akomantoso30.xsd")
}

/// Validates `xml` with xmllint against the AKN schema; panics with xmllint's report.
fn assert_valid(shared: &std::path::Path, name: &str, xml: &str) {
    let schema = shared.join("reference/schemas/akomantoso30.xsd");
    let mut child = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&schema)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmllint not found: install libxml2-utils");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(xml.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{name} does not validate:\n{}\n--- document ---\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn gold_files(shared: &std::path::Path) -> Vec<(String, Resolution)> {
    let mut files: Vec<_> = std::fs::read_dir(shared.join("gold"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, Resolution::from_gold(v).unwrap())
        })
        .collect()
}

#[test]
fn every_gold_file_renders_valid_akn() {
    let Some(shared) = shared() else { return };
    let gold = gold_files(&shared);
    assert!(
        gold.len() >= 5,
        "expected the gold files, found {}",
        gold.len()
    );
    for (name, r) in &gold {
        assert_valid(&shared, name, &to_akn(r));
    }
}

#[test]
fn gold_renderings_keep_every_clause_footnote_and_citation() {
    let Some(shared) = shared() else { return };
    for (name, r) in gold_files(&shared) {
        let xml = to_akn(&r);
        assert_eq!(
            xml.matches("<container eId=\"container_").count(),
            r.preamble.len(),
            "{name}"
        );
        assert_eq!(
            xml.matches("<paragraph eId=\"para_").count(),
            r.operative.len(),
            "{name}"
        );
        assert_eq!(
            xml.matches("<authorialNote ").count(),
            r.footnotes.len(),
            "{name}"
        );
        assert_eq!(
            xml.matches("<attachment ").count(),
            r.annexes.len(),
            "{name}"
        );
        // Every listed citation is linked at least once (they are printed in clauses, annexes
        // or footnotes of these documents).
        for symbol in &r.references {
            assert!(
                xml.contains(&format!("<ref href=\"https://undocs.org/en/{symbol}\">")),
                "{name}: no <ref> for {symbol}"
            );
        }
    }
}

#[test]
fn a_gold_rendering_has_the_documented_identifiers() {
    let Some(shared) = shared() else { return };
    let (_, r) = gold_files(&shared)
        .into_iter()
        .find(|(n, _)| n == "A-RES-78-101.json")
        .expect("A-RES-78-101.json in gold");
    let xml = to_akn(&r);
    let work = "/akn/un/statement/deliberation/unga/2023-12-07/78-101/";
    for needle in [
        format!("<FRBRthis value=\"{work}!main\"/>"),
        format!("<FRBRuri value=\"{work}\"/>"),
        format!("<FRBRuri value=\"{work}eng@/\"/>"),
        format!("<FRBRthis value=\"{work}eng@/!main.xml\"/>"),
        "<FRBRdate date=\"2023-12-11\" name=\"publication\"/>".into(),
        "<FRBRdate date=\"2026-12-01\" name=\"markup\"/>".into(),
        "<FRBRsubtype value=\"resolution\"/>".into(),
        "<FRBRnumber value=\"78-101\" showAs=\"78/101\"/>".into(),
        "<FRBRalias value=\"A/RES/78/101\" name=\"symbol\"/>".into(),
        "<docNumber>78/101.</docNumber>".into(),
        "<session eId=\"coverPage_1__session_1\" refersTo=\"#ga\" value=\"78\">Seventy-eighth session</session>".into(),
        "<docProponent refersTo=\"#fourthCommittee\">[on the report of the Fourth Committee (".into(),
        "<formula eId=\"formula_1\" name=\"enactingFormula\">".into(),
        "<container eId=\"container_2\" name=\"Having examined\">".into(),
        "<i>Recalling</i> its resolution <ref href=\"https://undocs.org/en/A/RES/1514(XV)\">1514 (XV)</ref>".into(),
        "Colonial Countries and Peoples for 2023,<authorialNote eId=\"authorialNote_1\" marker=\"1\" placement=\"bottom\"><p>Official Records".into(),
        "<paragraph eId=\"para_1\">".into(),
        "<content eId=\"para_1__content\">".into(),
        "<list eId=\"para_8_list\">".into(),
        "<intro eId=\"para_8_list_intro\">".into(),
        "<point eId=\"para_8_list_point_h\">".into(),
        "<content eId=\"para_8_list_point_h_content\">".into(),
        "<event refersTo=\"#adoption\"><location refersTo=\"#adoptionMeeting\">45th plenary meeting</location><eol/><docDate date=\"2023-12-07\" refersTo=\"#adoption\">7 December 2023</docDate></event>".into(),
    ] {
        assert!(xml.contains(&needle), "missing {needle}\n{xml}");
    }
}

fn base(symbol: &str, organ: &str) -> Resolution {
    Resolution {
        symbol: symbol.into(),
        organ: organ.into(),
        language: "en".into(),
        session: Some(80),
        agenda_items: vec!["68 (a)".into(), "69".into()],
        distribution: Some("General".into()),
        distribution_date: Some("2025-12-31".into()),
        adoption_date: Some("2025-12-30".into()),
        meeting: Some("69th plenary meeting".into()),
        main_committee: Some("Third Committee".into()),
        draft_symbols: vec!["A/80/481/Add.2".into()],
        title: Some("Rights & <wrongs> \"quoted\"".into()),
        preamble: vec![Clause {
            index: 1,
            lead: Some("Recalling".into()),
            text: "Recalling its resolution 51/1 & resolution 1514 (XV),".into(),
            footnote_refs: vec![1],
            headings: vec![],
        }],
        operative: vec![
            Paragraph {
                continued: Vec::new(),
                number: 1,
                lead: Some("Decides".into()),
                text: "Decides to act;".into(),
                footnote_refs: vec![],
                subparagraphs: vec![],
                headings: vec![],
            },
            Paragraph {
                continued: Vec::new(),
                number: 2,
                lead: Some("Requests".into()),
                text: "Requests:".into(),
                footnote_refs: vec![2],
                subparagraphs: vec![Subparagraph {
                    label: "a".into(),
                    text: "To report;".into(),
                    footnote_refs: vec![1],
                    subparagraphs: vec![],
                }],
                headings: vec![],
            },
        ],
        footnotes: vec![
            Footnote {
                number: 1,
                text: "Resolution 1514 (XV).".into(),
            },
            Footnote {
                number: 2,
                text: "A/80/5.".into(),
            },
        ],
        references: vec!["A/RES/51/1".into(), "A/RES/1514(XV)".into()],
        annexes: vec![],
        kind: Kind::Resolution,
        parts: None,
        provenance: Provenance {
            sha256: "ab".repeat(32),
            bytes: 1234,
            pages: 2,
            extractor_version: "0.1.0".into(),
        },
        schema_version: SCHEMA_VERSION,
        sections: vec![],
        warnings: vec![],
    }
}

fn sub(label: &str, text: &str, subs: Vec<Subparagraph>) -> Subparagraph {
    Subparagraph {
        label: label.into(),
        text: text.into(),
        footnote_refs: vec![],
        subparagraphs: subs,
    }
}

#[test]
fn edge_cases_render_valid_akn() {
    let Some(shared) = shared() else { return };
    let mut cases: Vec<(&str, Resolution)> = Vec::new();

    cases.push(("base", base("A/RES/80/1", "General Assembly")));

    let mut no_preamble = base("A/RES/80/2", "General Assembly");
    no_preamble.preamble.clear();
    no_preamble.operative.truncate(1);
    cases.push(("no preamble, single unnumbered paragraph", no_preamble));

    let mut nested = base("A/RES/80/3", "General Assembly");
    nested.operative[1].subparagraphs = vec![
        sub(
            "a",
            "To do:",
            vec![sub("i", "this;", vec![]), sub("ii", "that;", vec![])],
        ),
        sub(
            "b",
            "Again:",
            vec![sub("i", "deeper:", vec![sub("a", "deepest;", vec![])])],
        ),
        // A duplicate label must not produce a duplicate eId.
        sub("b", "Twice;", vec![]),
        sub("", "Unlabelled with spaces;", vec![]),
    ];
    cases.push(("sub-sub-items and duplicate labels", nested));

    let mut parts = base("A/RES/80/4", "General Assembly");
    let (pre, ops) = (
        std::mem::take(&mut parts.preamble),
        std::mem::take(&mut parts.operative),
    );
    parts.parts = Some(vec![
        Part {
            label: "A".into(),
            title: Some("Part A".into()),
            preamble: pre.clone(),
            operative: ops.clone(),
            sections: vec![],
        },
        Part {
            label: "B".into(),
            title: None,
            preamble: pre,
            operative: ops,
            sections: vec![],
        },
        Part {
            label: "C D".into(),
            title: None,
            preamble: vec![],
            operative: vec![],
            sections: vec![],
        },
    ]);
    cases.push(("parts", parts));

    let mut annexes = base("A/RES/80/5", "General Assembly");
    annexes.annexes = vec![
        Annex {
            preamble: Vec::new(),
            operative: Vec::new(),
            heading: Some("Annex I".into()),
            title: Some("Declaration".into()),
            text: "Preamble text. 1. First, see resolution 51/1; 2. Second.".into(),
            paragraphs: Some(vec![
                AnnexParagraph {
                    number: 1,
                    text: "First, see resolution 51/1;".into(),
                    footnote_refs: vec![3],
                },
                AnnexParagraph {
                    number: 2,
                    text: "Second.".into(),
                    footnote_refs: vec![],
                },
            ]),
        },
        Annex {
            preamble: Vec::new(),
            operative: Vec::new(),
            heading: None,
            title: None,
            text: "Inline adopted text with a table 1 2 3".into(),
            paragraphs: None,
        },
        Annex {
            preamble: Vec::new(),
            operative: Vec::new(),
            heading: Some("Annex III".into()),
            title: None,
            text: "Text that does not hold its paragraphs.".into(),
            paragraphs: Some(vec![AnnexParagraph {
                number: 1,
                text: "Elsewhere.".into(),
                footnote_refs: vec![9],
            }]),
        },
    ];
    annexes.footnotes.push(Footnote {
        number: 3,
        text: "In the annex.".into(),
    });
    annexes.footnotes.push(Footnote {
        number: 4,
        text: "Referred to by no clause.".into(),
    });
    cases.push((
        "annexes with paragraphs, orphan and dangling footnotes",
        annexes,
    ));

    let mut untitled = base("A/RES/80/6", "General Assembly");
    untitled.title = None;
    untitled.main_committee = None;
    cases.push(("null title, no committee", untitled));

    let mut sc = base("S/RES/2769(2025)", "Security Council");
    sc.session = None;
    sc.agenda_items.clear();
    sc.main_committee = None;
    sc.draft_symbols.clear();
    sc.title = None;
    sc.meeting = Some("9838th meeting".into());
    sc.references = vec!["S/RES/1970(2011)".into()];
    sc.preamble[0].text = "Recalling resolution 1970 (2011),".into();
    cases.push(("security council", sc));

    let mut draft = base("A/C.3/80/L.56", "General Assembly");
    draft.kind = Kind::Draft;
    draft.adoption_date = None;
    draft.meeting = None;
    draft.distribution = Some("Limited".into());
    cases.push(("draft", draft));

    let mut bare = base("", "");
    bare.kind = Kind::Amendment;
    bare.language = "xx".into();
    bare.session = None;
    bare.adoption_date = Some("not a date".into());
    bare.distribution_date = Some("2025-02-30".into());
    bare.preamble.clear();
    bare.operative.clear();
    bare.footnotes.clear();
    bare.title = Some("Bad \u{c}chars\u{0}".into());
    cases.push((
        "amendment without clauses, organ, symbol or valid dates",
        bare,
    ));

    let mut hrc = base("A/HRC/RES/59/25", "Human Rights Council");
    hrc.main_committee = None;
    hrc.references = vec!["A/RES/51/1".into(), "A/HRC/RES/51/1".into()];
    hrc.preamble[0].text =
        "Recalling Human Rights Council resolution 51/1 & resolution 1514 (XV),".into();
    cases.push(("human rights council", hrc));

    let mut sections = base("A/RES/80/7", "General Assembly");
    let (pre, ops) = (
        std::mem::take(&mut sections.preamble),
        std::mem::take(&mut sections.operative),
    );
    sections.parts = Some(
        ["I", "II"]
            .iter()
            .map(|l| Part {
                label: l.to_string(),
                title: Some(format!("Section {l}")),
                preamble: pre.clone(),
                operative: ops.clone(),
                sections: vec![],
            })
            .collect(),
    );
    cases.push(("roman sections", sections));

    cases.push(("french", french()));

    cases.push(("preamble list and operative tail", listed_and_resolving()));

    for (name, r) in &cases {
        assert_valid(&shared, name, &to_akn(r));
    }
}

/// A preambular paragraph printing lettered items, and a preamble ending in "Resolves that:".
fn listed_and_resolving() -> Resolution {
    let mut r = base("A/RES/80/9", "General Assembly");
    r.preamble[0].lead = Some("Convinced".into());
    r.preamble[0].text =
        "Convinced that it contributes to: (a) Peace, (b) Disarmament, and (c) Security,".into();
    r.preamble.push(Clause {
        index: 2,
        lead: Some("Resolves".into()),
        text: "Resolves that:".into(),
        footnote_refs: vec![],
        headings: vec![],
    });
    r
}

#[test]
fn a_preamble_list_and_an_operative_tail_are_marked_up_as_the_un_does() {
    let xml = squash(&to_akn(&listed_and_resolving()));
    assert!(
        xml.contains("<container eId=\"container_2\" name=\"Convinced\"><blockList><listIntroduction><i>Convinced</i> that it contributes to:</listIntroduction><item><num>(a)</num><p>Peace,</p></item><item><num>(b)</num><p>Disarmament, and</p></item><item><num>(c)</num><p>Security,<authorialNote"),
        "{xml}"
    );
    assert!(
        xml.contains("</preamble><mainBody><paragraph eId=\"para_0\"><content eId=\"para_0__content\"><p><i>Resolves</i> that:</p></content></paragraph><paragraph eId=\"para_1\"><num>1.</num>"),
        "{xml}"
    );
}

/// A French resolution: the contract's fields, the text in French.
fn french() -> Resolution {
    let mut fr = base("A/RES/80/8", "General Assembly");
    fr.language = "fr".into();
    fr.distribution = Some("Générale".into());
    fr.preamble[0].lead = Some("Rappelant".into());
    fr.preamble[0].text = "Rappelant sa résolution 51/1,".into();
    fr
}

#[test]
fn other_languages_get_their_expression_and_no_english_words() {
    let xml = to_akn(&french());
    for needle in [
        "<FRBRuri value=\"/akn/un/statement/deliberation/unga/2025-12-30/80-8/fra@/\"/>",
        "<FRBRlanguage language=\"fra\"/>",
        "<docStatus refersTo=\"#distribution\">Générale</docStatus>",
        "<container eId=\"container_1\" name=\"Rappelant\">",
        "<ref href=\"https://undocs.org/fr/A/RES/51/1\">51/1</ref>",
    ] {
        assert!(xml.contains(needle), "missing {needle}\n{xml}");
    }
    for english in [
        "Distr.:",
        "Agenda item",
        "session<",
        "adopted by",
        "The General Assembly",
        "on the report",
        "December",
    ] {
        assert!(!xml.contains(english), "english {english:?} in\n{xml}");
    }
}

#[test]
fn roman_parts_are_sections_with_their_preamble_as_cross_headings() {
    let mut r = base("A/RES/80/7", "General Assembly");
    let (pre, ops) = (
        std::mem::take(&mut r.preamble),
        std::mem::take(&mut r.operative),
    );
    r.parts = Some(vec![Part {
        label: "I".into(),
        title: Some("Umoja".into()),
        preamble: pre,
        operative: ops,
        sections: vec![],
    }]);
    let xml = to_akn(&r);
    assert!(xml.contains("<section eId=\"sec_I\">\n    <num>I</num>\n    <subheading>Umoja</subheading>\n    <crossHeading eId=\"sec_I__preamble_1\" refersTo=\"#preamble\"><i>Recalling</i>"), "{xml}");
    assert!(xml.contains("<paragraph eId=\"sec_I__para_1\">"), "{xml}");
    // The formula stays in the preamble, before the sections.
    assert!(xml.contains("<preamble>\n   <formula eId=\"formula_1\" name=\"enactingFormula\">\n    <p><i>The General Assembly</i>,</p>\n   </formula>\n  </preamble>"), "{xml}");
}

/// Contract v2: sections with their own numbering, and headings over continuous numbering.
fn sectioned() -> Resolution {
    let mut r = base("A/RES/80/8", "General Assembly");
    r.operative[1].headings = vec![Heading {
        num: Some("I".into()),
        text: "Legislative activities".into(),
    }];
    let mut inner = r.operative.clone();
    inner[0].headings = vec![Heading {
        num: None,
        text: "Umoja".into(),
    }];
    r.sections = vec![Section {
        num: Some("II".into()),
        heading: Some("Contingency fund".into()),
        preamble: r.preamble.clone(),
        operative: inner,
    }];
    r
}

#[test]
fn v2_sections_and_headings_follow_the_uns_markup_and_validate() {
    let r = sectioned();
    let xml = to_akn(&r);
    // A heading over continuous numbering: one subheading paragraph per printed line.
    let heading = "<paragraph eId=\"para_h\" class=\"H23\">\n    <subheading>I</subheading>\n   </paragraph>\n   <paragraph eId=\"para_h_2\" class=\"H23\">\n    <subheading>Legislative activities</subheading>\n   </paragraph>\n   <paragraph eId=\"para_2\">";
    assert!(xml.contains(heading), "{xml}");
    assert!(xml.contains("<section eId=\"sec_II\">\n    <num>II</num>\n    <subheading>Contingency fund</subheading>\n    <crossHeading"), "{xml}");
    assert!(xml.contains("<subheading>Umoja</subheading>\n    </paragraph>\n    <paragraph eId=\"sec_II__para_1\">"), "{xml}");
    if let Some(shared) = shared() {
        assert_valid(&shared, "v2 sections and headings", &xml);
    }
}

#[test]
fn sub_items_of_a_point_follow_it_in_a_sublist() {
    let mut r = base("A/RES/80/3", "General Assembly");
    r.operative[1].subparagraphs = vec![sub("b", "Again:", vec![sub("i", "deeper;", vec![])])];
    let xml = squash(&to_akn(&r));
    assert!(
        xml.contains("</point><sublist eId=\"para_2_list_point_b_sublist\"><point eId=\"para_2_list_point_b_sublist_point_i\"><num>(i)</num>"),
        "{xml}"
    );
}

#[test]
fn edge_case_renderings_say_what_they_hold() {
    let mut r = base("A/RES/80/5", "General Assembly");
    r.annexes = vec![Annex {
        preamble: Vec::new(),
        operative: Vec::new(),
        heading: Some("Annex".into()),
        title: None,
        text: "Intro. 1. First; 2. Second.".into(),
        paragraphs: Some(vec![
            AnnexParagraph {
                number: 1,
                text: "First;".into(),
                footnote_refs: vec![],
            },
            AnnexParagraph {
                number: 2,
                text: "Second.".into(),
                footnote_refs: vec![],
            },
        ]),
    }];
    r.footnotes.push(Footnote {
        number: 7,
        text: "Orphan.".into(),
    });
    let xml = to_akn(&r);
    // Footnote 1 is referred to twice: the note once, then a noteRef.
    assert_eq!(xml.matches("marker=\"1\" placement=\"bottom\"").count(), 1);
    assert!(xml.contains("<noteRef href=\"#authorialNote_1\" marker=\"1\"/>"));
    assert!(xml.contains("<container eId=\"conclusions__footnotes\" name=\"footnotes\">"));
    assert!(xml.contains("marker=\"7\""));
    assert!(
        xml.contains(
            "<p>Intro.</p>\n      <paragraph eId=\"att_1__para_1\">\n       <num>1.</num>"
        ),
        "{xml}"
    );
    assert!(
        xml.contains("Rights &amp; &lt;wrongs&gt; &quot;quoted&quot;"),
        "{xml}"
    );
    assert!(xml.contains(
        "<docProponent refersTo=\"#thirdCommittee\">[on the report of the Third Committee (<inline name=\"originatingDocument\">A/80/481/Add.2</inline>)]</docProponent>"
    ), "{xml}");
    assert!(xml.contains("Agenda items <inline name=\"agendaItem\" title=\"68 (a)\">68 (a)</inline> and <inline name=\"agendaItem\" title=\"69\">69</inline>"), "{xml}");

    let mut single = base("A/RES/80/2", "General Assembly");
    single.operative.truncate(1);
    assert!(!to_akn(&single).contains("<num>1.</num>"));
}
