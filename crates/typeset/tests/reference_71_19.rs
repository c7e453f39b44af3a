//! A/RES/71/19 typeset from the reference Markdown: the extractor team will require exactly
//! the gold structure from this PDF, so every word, the three pages and the paragraph that
//! crosses the first page break are checked here with poppler as an independent reader.

mod common;

use common::*;
use resingest_typeset::un::{resolution_from_markdown, resolution_from_markdown_with_report};
use resingest_typeset::{FontKind, Options, Raise, Spacing};
use serde_json::Value;

fn markdown() -> String {
    std::fs::read_to_string(shared().join("reference/A-RES-71-19.md"))
        .expect("read ../shared/reference/A-RES-71-19.md")
}

fn gold() -> Value {
    let text = std::fs::read_to_string(shared().join("gold/A-RES-71-19.json"))
        .expect("read ../shared/gold/A-RES-71-19.json");
    serde_json::from_str(&text).expect("gold JSON")
}

/// Every clause text of the gold, in reading order.
fn gold_clause_texts(gold: &Value) -> Vec<String> {
    let mut out = vec![gold["title"].as_str().unwrap().to_string()];
    for c in gold["preamble"].as_array().unwrap() {
        out.push(c["text"].as_str().unwrap().to_string());
    }
    for p in gold["operative"].as_array().unwrap() {
        out.push(p["text"].as_str().unwrap().to_string());
        for s in p["subparagraphs"].as_array().unwrap() {
            out.push(s["text"].as_str().unwrap().to_string());
        }
    }
    out
}

fn variants() -> Vec<(&'static str, Options)> {
    vec![
        ("word", Options::word()),
        ("simple", Options::simple()),
        ("type0", Options::type0()),
        (
            "positioned",
            Options {
                fonts: FontKind::Type0,
                spacing: Spacing::PositionedWords,
                raise: Raise::Rise,
                ..Options::default()
            },
        ),
    ]
}

#[test]
fn has_exactly_three_pages_with_a_paragraph_across_the_first_break() {
    for (name, opts) in variants() {
        let (pdf, report) = resolution_from_markdown_with_report(&markdown(), &opts);
        assert_eq!(lopdf_pages(&pdf), 3, "{name}");
        assert_eq!(report.pages, 3, "{name}");
        assert_eq!(
            report.footnotes_by_page,
            vec![vec![1], vec![2, 3], vec![]],
            "{name}"
        );
        assert!(
            report.paragraph_pages.contains(&(1, 2)),
            "{name}: no paragraph runs from page 1 to 2: {:?}",
            report.paragraph_pages
        );
        assert!(
            !report.paragraph_pages.contains(&(2, 3)),
            "{name}: the second break falls between paragraphs"
        );

        let path = write_tmp(&format!("A-RES-71-19-{name}.pdf"), &pdf);
        let page1 = pdftotext_page(&path, 1);
        let page2 = pdftotext_page(&path, 2);
        let page3 = pdftotext_page(&path, 3);
        assert!(
            words(&page1)
                .join(" ")
                .contains("in order to prevent and combat"),
            "{name}: page 1 ends elsewhere:\n{page1}"
        );
        let body2: Vec<String> = words(&page2);
        let at = body2
            .windows(2)
            .position(|w| w[0] == "transnational" && w[1] == "crime,")
            .unwrap_or_else(|| panic!("{name}: page 2 lacks the continuation:\n{page2}"));
        assert!(at < 40, "{name}: continuation not at the top of page 2");
        assert!(words(&page3)
            .join(" ")
            .contains("3. Encourages increased cooperation"));
    }
}

#[test]
fn pdftotext_reads_back_every_word_of_the_gold_in_order() {
    let gold = gold();
    let expected: Vec<String> = gold_clause_texts(&gold)
        .iter()
        .flat_map(|t| words(t))
        .collect();
    for (name, opts) in variants() {
        let pdf = resolution_from_markdown(&markdown(), &opts);
        let path = write_tmp(&format!("A-RES-71-19-words-{name}.pdf"), &pdf);
        let actual = words(&pdftotext(&path));
        let skipped = assert_in_order(&expected, &actual);
        // Only furniture, the session lines, headings, footnotes and closing lines lie between.
        assert!(skipped < 150, "{name}: {skipped} unexpected words");
        let text = actual.join(" ");
        for f in gold["footnotes"].as_array().unwrap() {
            let n = f["number"].as_u64().unwrap();
            let t = f["text"].as_str().unwrap();
            // The number is a superscript; pdftotext may print it apart from the text.
            assert!(text.contains(t), "{name}: footnote {n}");
        }
        for furniture in [
            "A/RES/71/19",
            "16-20457 (E)",
            "2/3",
            "3/3",
            "48th plenary meeting 21 November 2016",
            "[without reference to a Main Committee (A/71/L.17 and Add.1)]",
            "Resolution adopted by the General Assembly on 21 November 2016",
        ] {
            assert!(text.contains(furniture), "{name}: {furniture:?} missing");
        }
    }
}

#[test]
fn italic_leads_and_superscript_markers_are_visible_to_pdftohtml() {
    let gold = gold();
    for (name, opts) in variants() {
        let pdf = resolution_from_markdown(&markdown(), &opts);
        let path = write_tmp(&format!("A-RES-71-19-xml-{name}.pdf"), &pdf);
        let xml = pdftohtml_xml(&path);
        let italic: String = xml
            .split("<i>")
            .skip(1)
            .filter_map(|s| s.split("</i>").next())
            .collect::<Vec<_>>()
            .join(" ");
        let italic_words = words(&italic);
        for clause in gold["preamble"]
            .as_array()
            .unwrap()
            .iter()
            .chain(gold["operative"].as_array().unwrap())
        {
            let lead = clause["lead"].as_str().unwrap();
            for w in lead.split_whitespace() {
                assert!(
                    italic_words.iter().any(|i| i == w),
                    "{name}: lead word {w:?} is not italic"
                );
            }
        }
        // Markers 1-3 in the body are text elements of their own in a small font.
        let small_fonts: Vec<String> = xml
            .lines()
            .filter(|l| l.contains("<fontspec"))
            .filter(|l| {
                let size = l.split("size=\"").nth(1).and_then(|s| s.split('"').next());
                size.and_then(|s| s.parse::<f32>().ok())
                    .is_some_and(|s| s <= 7.0)
            })
            .filter_map(|l| l.split("id=\"").nth(1)?.split('"').next().map(String::from))
            .collect();
        for n in 1..=3 {
            let marker = xml.lines().filter(|l| l.starts_with("<text")).any(|l| {
                let font = l.split("font=\"").nth(1).and_then(|s| s.split('"').next());
                font.is_some_and(|f| small_fonts.iter().any(|s| s == f))
                    && l.ends_with(&format!(">{n}</text>"))
            });
            assert!(marker, "{name}: superscript marker {n} not found");
        }
    }
}

#[test]
fn pdffonts_lists_the_intended_fonts() {
    let md = markdown();
    let fonts = |opts: &Options, name: &str| {
        let pdf = resolution_from_markdown(&md, opts);
        pdffonts(&write_tmp(&format!("A-RES-71-19-fonts-{name}.pdf"), &pdf))
    };
    let row = |listing: &str, name: &str, kind: &str| {
        listing
            .lines()
            .any(|l| l.starts_with(&format!("{name} ")) && l.contains(kind))
    };

    let simple = fonts(&Options::simple(), "simple");
    for name in ["Times-Roman", "Times-Italic", "Times-Bold"] {
        assert!(row(&simple, name, "Type 1            WinAnsi"), "{simple}");
    }
    assert!(!simple.contains("CID"), "{simple}");

    let type0 = fonts(&Options::type0(), "type0");
    for name in [
        "TimesNewRomanPSMT",
        "TimesNewRomanPS-ItalicMT",
        "TimesNewRomanPS-BoldMT",
    ] {
        assert!(
            row(
                &type0,
                name,
                "CID TrueType      Identity-H       no  no  yes"
            ),
            "{type0}"
        );
    }
    assert!(
        !type0.contains("TimesNewRomanPSMT                    TrueType"),
        "{type0}"
    );

    let word = fonts(&Options::word(), "word");
    assert!(row(&word, "TimesNewRomanPSMT", "CID TrueType"), "{word}");
    assert!(
        row(&word, "TimesNewRomanPSMT", " TrueType          WinAnsi"),
        "{word}"
    );
    assert!(
        row(&word, "TimesNewRomanPS-ItalicMT", "CID TrueType"),
        "{word}"
    );
    assert!(word.contains("Barcode 3 of 9 by request"), "{word}");
}
