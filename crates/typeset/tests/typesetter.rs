//! The typesetter's promises, each checked through an independent reader (poppler) or by
//! looking at the PDF objects with lopdf: every font/spacing/raise combination reads back
//! exactly, hyphenation, ligatures, pagination with footnotes, furniture, italics by name and
//! descriptor, Security Council layout.

mod common;

use common::*;
use lopdf::{Document, Object};
use resingest_typeset::un::{self, fixtures};
use resingest_typeset::{
    metrics, Face, FontKind, Furniture, Ligatures, Options, Paragraph, Raise, Run, Spacing,
    ToUnicodeStyle, Typesetter,
};

const SAMPLE: &str =
    "the “Cooperation” between États – and the 2030 Agenda—of 12,5 % (INTERPOL) I-24/7 non-State";

fn furniture() -> Furniture {
    Furniture {
        symbol: "A/RES/79/1".into(),
        short_title: Some("Test resolution".into()),
        job_number: "24-12345".into(),
        release_code: Some("010124".into()),
        barcode: true,
    }
}

fn page_contents(pdf: &[u8]) -> Vec<String> {
    let doc = Document::load_mem(pdf).unwrap();
    doc.get_pages()
        .values()
        .map(|id| String::from_utf8_lossy(&doc.get_page_content(*id)).into_owned())
        .collect()
}

#[test]
fn every_font_spacing_and_raise_combination_reads_back_word_for_word() {
    let runs = vec![
        Run::italic("Recalling also"),
        Run::plain(format!(" {SAMPLE} INTERPOL")),
        Run::footnote(7),
        Run::plain(format!(" and {SAMPLE}, {SAMPLE};")),
    ];
    let mut expected = words(&format!(
        "Recalling also {SAMPLE} INTERPOL and {SAMPLE}, {SAMPLE};"
    ));
    expected.extend(words("Resolution 70/1."));
    for fonts in [FontKind::Simple, FontKind::Type0, FontKind::WordMix] {
        for spacing in [
            Spacing::SpaceGlyphs,
            Spacing::TjAdjust,
            Spacing::SeparateItems,
            Spacing::PositionedWords,
        ] {
            for raise in [Raise::Rise, Raise::Matrix] {
                for kerning in [false, true] {
                    let opts = Options {
                        fonts,
                        spacing,
                        raise,
                        glyph_kerning: kerning,
                        ..Options::default()
                    };
                    let mut ts = Typesetter::new(opts);
                    ts.paragraph(Paragraph::body(runs.clone()))
                        .footnote(7, "Resolution 70/1.");
                    let pdf = ts.finish();
                    let name = format!("combo-{fonts:?}-{spacing:?}-{raise:?}-{kerning}.pdf");
                    let actual = words(&pdftotext(&write_tmp(&name, &pdf)));
                    let skipped = assert_in_order(&expected, &actual);
                    // Only the footnote separator and the footnote's number lie between.
                    assert!(skipped <= 2, "{name}: {actual:?}");
                }
            }
        }
    }
}

#[test]
fn simple_fonts_carry_widths_and_no_tounicode_type0_fonts_the_reverse() {
    for (fonts, simple) in [(FontKind::Simple, true), (FontKind::Type0, false)] {
        let mut ts = Typesetter::new(Options {
            fonts,
            ..Options::default()
        });
        ts.paragraph(Paragraph::body(vec![
            Run::italic("Noting"),
            Run::plain(" é"),
        ]));
        let doc = Document::load_mem(&ts.finish()).unwrap();
        let mut seen = 0;
        for obj in doc.objects.values() {
            let Ok(dict) = obj.as_dict() else { continue };
            if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"Font") {
                continue;
            }
            match dict.get(b"Subtype").and_then(Object::as_name).unwrap() {
                b"TrueType" | b"Type1" => {
                    assert!(simple);
                    assert!(dict.has(b"Widths") && dict.has(b"FirstChar") && dict.has(b"LastChar"));
                    assert!(!dict.has(b"ToUnicode"));
                    assert_eq!(
                        dict.get(b"Encoding").unwrap().as_name().unwrap(),
                        b"WinAnsiEncoding"
                    );
                    seen += 1;
                }
                b"Type0" => {
                    assert!(!simple);
                    assert!(dict.has(b"ToUnicode"));
                    assert_eq!(
                        dict.get(b"Encoding").unwrap().as_name().unwrap(),
                        b"Identity-H"
                    );
                    seen += 1;
                }
                b"CIDFontType2" => {
                    assert!(dict.has(b"W") && dict.has(b"DW"));
                }
                other => panic!("unexpected font subtype {other:?}"),
            }
        }
        assert_eq!(seen, 2, "{fonts:?}: regular and italic");
    }
}

#[test]
fn italic_and_bold_fonts_say_so_by_name_and_descriptor() {
    for fonts in [FontKind::Simple, FontKind::Type0] {
        let mut ts = Typesetter::new(Options {
            fonts,
            ..Options::default()
        });
        ts.paragraph(Paragraph::body(vec![
            Run::italic("Noting"),
            Run::bold(" Heading"),
        ]));
        let doc = Document::load_mem(&ts.finish()).unwrap();
        let mut italic = 0;
        let mut bold = 0;
        for obj in doc.objects.values() {
            let Ok(dict) = obj.as_dict() else { continue };
            if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor") {
                continue;
            }
            let name = String::from_utf8_lossy(dict.get(b"FontName").unwrap().as_name().unwrap())
                .into_owned();
            let flags = dict.get(b"Flags").unwrap().as_i64().unwrap();
            let angle = dict.get(b"ItalicAngle").unwrap().as_float().unwrap();
            if name.contains("Italic") {
                assert_eq!(angle, -15.0, "{name}");
                assert_ne!(flags & 64, 0, "{name}");
                italic += 1;
            } else {
                assert_eq!(angle, 0.0, "{name}");
                assert_eq!(flags & 64, 0, "{name}");
            }
            if name.contains("Bold") {
                assert_eq!(dict.get(b"FontWeight").unwrap().as_i64().unwrap(), 700);
                bold += 1;
            }
        }
        assert!(italic >= 1 && bold >= 1, "{fonts:?}");
    }
}

#[test]
fn soft_hyphens_split_a_word_at_the_line_end_with_a_drawn_hyphen() {
    let head = "The International Criminal Police organiza-";
    let measure = metrics::text_width(Face::Regular, 9.96, head) + 2.0;
    let mut ts = Typesetter::new(Options::simple());
    ts.paragraph(
        Paragraph::line("The International Criminal Police organi\u{AD}za\u{AD}tion of today")
            .measure(measure),
    );
    // -layout: plain pdftotext would join "organiza-" and "tion" itself.
    let path = write_tmp("hyphen.pdf", &ts.finish());
    let text = poppler("pdftotext", &["-layout"], &path);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines[0].trim(), head, "{text}");
    assert!(lines[1].starts_with("tion of today"), "{text}");
}

#[test]
fn automatic_hyphenation_breaks_long_words_and_rejoins_to_the_text() {
    let text = "intergovernmental organizations implementation responsibilities ".repeat(30);
    let mut ts = Typesetter::new(Options {
        hyphenate: true,
        ..Options::simple()
    });
    ts.paragraph(Paragraph::body(text.as_str()));
    let path = write_tmp("autohyphen.pdf", &ts.finish());
    let out = poppler("pdftotext", &["-layout"], &path);
    let hyphenated = out.lines().filter(|l| l.trim_end().ends_with('-')).count();
    assert!(hyphenated > 0, "{out}");
    let rejoined = out
        .replace("-\n", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(rejoined, text.trim_end());
}

#[test]
fn ligatures_map_to_u_fb01_or_to_letters() {
    for (lig, expect) in [
        (Ligatures::Unicode, "con\u{FB01}rms"),
        (Ligatures::Letters, "confirms"),
    ] {
        let mut ts = Typesetter::new(Options {
            fonts: FontKind::Type0,
            ligatures: lig,
            to_unicode: ToUnicodeStyle::BfChar,
            ..Options::default()
        });
        ts.paragraph(Paragraph::body("It confirms the flow"));
        let pdf = ts.finish();
        let text = pdftotext(&write_tmp(&format!("lig-{lig:?}.pdf"), &pdf));
        assert!(text.contains(expect), "{lig:?}: {text}");
        let doc = Document::load_mem(&pdf).unwrap();
        let cmaps: String = doc
            .objects
            .values()
            .filter_map(|o| o.as_stream().ok())
            .map(|s| String::from_utf8_lossy(&s.content).into_owned())
            .filter(|s| s.contains("beginbfchar"))
            .collect();
        let marker = if lig == Ligatures::Unicode {
            "<FB01>"
        } else {
            "<00660069>"
        };
        assert!(cmaps.contains(marker), "{lig:?}: {cmaps}");
    }
}

#[test]
fn pagination_keeps_footnotes_on_their_markers_page_and_numbers_pages() {
    let mut ts = Typesetter::new(Options {
        furniture: Some(furniture()),
        ..Options::default()
    });
    let phrase = "the cooperation between the United Nations and regional organizations ";
    for i in 0..40u32 {
        // Uneven lengths, so page ends fall inside paragraphs.
        let filler = phrase.repeat(2 + (i as usize * 7) % 9);
        let mut runs = vec![
            Run::italic("Noting"),
            Run::plain(format!(" {filler} clause {i}")),
        ];
        if i % 7 == 3 {
            runs.push(Run::footnote(i));
            ts.footnote(i, format!("Footnote text number {i}."));
            runs.push(Run::plain(format!(" {filler} end {i},")));
        }
        ts.paragraph(Paragraph::body(runs));
    }
    let (pdf, report) = ts.finish_with_report();
    assert!(report.pages >= 4, "{report:?}");
    assert_eq!(lopdf_pages(&pdf), report.pages);
    let path = write_tmp("paginate.pdf", &pdf);
    let mut crossing_with_notes = false;
    for (page, notes) in report.footnotes_by_page.iter().enumerate() {
        let text = words(&pdftotext_page(&path, page + 1)).join(" ");
        for n in notes {
            assert!(
                text.contains(&format!("Footnote text number {n}.")),
                "page {}",
                page + 1
            );
        }
        let no = page + 1;
        if no > 1 {
            assert!(
                text.contains(&format!("{no}/{}", report.pages)),
                "page {no}"
            );
            assert!(text.contains("A/RES/79/1") && text.contains("Test resolution"));
        } else {
            assert!(text.contains("24-12345 (E)"));
        }
        if !notes.is_empty()
            && report
                .paragraph_pages
                .iter()
                .any(|&(a, b)| a == no && b == no + 1)
        {
            crossing_with_notes = true;
        }
    }
    let all: Vec<u32> = report.footnotes_by_page.concat();
    assert_eq!(all, vec![3, 10, 17, 24, 31, 38]);
    // Paragraphs never go backwards and most pages end inside a paragraph.
    assert!(report.paragraph_pages.windows(2).all(|w| w[0].1 <= w[1].0));
    assert!(
        report.paragraph_pages.iter().any(|&(a, b)| b == a + 1),
        "{report:?}"
    );
    // A paragraph runs from a page with footnotes at its foot onto the next page.
    assert!(crossing_with_notes, "{report:?}");
}

#[test]
fn explicit_page_breaks_between_and_inside_paragraphs() {
    let mut ts = Typesetter::new(Options::default());
    ts.paragraph(Paragraph::body("first page"))
        .page_break()
        .paragraph(Paragraph::body(vec![
            Run::plain("second page"),
            Run::page_break(),
            Run::plain("continued on the third"),
        ]));
    let (pdf, report) = ts.finish_with_report();
    assert_eq!(report.pages, 3);
    assert_eq!(report.paragraph_pages, vec![(1, 1), (2, 3)]);
    let path = write_tmp("breaks.pdf", &pdf);
    assert_eq!(pdftotext_page(&path, 3).trim(), "continued on the third");
}

#[test]
fn raise_by_text_rise_or_by_matrix() {
    for (raise, ts_op) in [(Raise::Rise, true), (Raise::Matrix, false)] {
        for spacing in [
            Spacing::SeparateItems,
            Spacing::PositionedWords,
            Spacing::SpaceGlyphs,
        ] {
            let mut ts = Typesetter::new(Options {
                raise,
                spacing,
                ..Options::default()
            });
            ts.paragraph(Paragraph::body(vec![
                Run::plain("INTERPOL"),
                Run::footnote(1),
            ]));
            let content = page_contents(&ts.finish()).concat();
            assert_eq!(
                content.contains(" Ts\n"),
                ts_op,
                "{raise:?} {spacing:?}:\n{content}"
            );
        }
    }
}

#[test]
fn simple_style_justifies_with_word_spacing_and_type0_with_tj_numbers() {
    let text = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu ".repeat(4);
    for (fonts, tw) in [(FontKind::Simple, true), (FontKind::Type0, false)] {
        let mut ts = Typesetter::new(Options {
            fonts,
            spacing: Spacing::SpaceGlyphs,
            glyph_kerning: false,
            ..Options::default()
        });
        ts.paragraph(Paragraph::body(text.as_str()));
        let content = page_contents(&ts.finish()).concat();
        assert_eq!(content.contains(" Tw\n"), tw, "{fonts:?}:\n{content}");
        assert_eq!(content.contains("] TJ"), !tw, "{fonts:?}:\n{content}");
    }
}

#[test]
fn word_style_draws_spaces_as_separate_winansi_items() {
    let mut ts = Typesetter::new(Options::word());
    ts.paragraph(Paragraph::body("alpha beta gamma"));
    let content = page_contents(&ts.finish()).concat();
    assert!(content.contains("[( )] TJ"), "{content}");
    assert!(content.contains("<"), "words are Identity-H hex strings");
    assert!(content.contains("1 0 0 1 "), "absolute text matrices");
}

#[test]
fn marked_content_is_optional() {
    for marked in [false, true] {
        let mut ts = Typesetter::new(Options {
            marked_content: marked,
            furniture: Some(furniture()),
            ..Options::default()
        });
        ts.paragraph(Paragraph::body("text"))
            .page_break()
            .paragraph(Paragraph::body("more"));
        let content = page_contents(&ts.finish()).concat();
        assert_eq!(content.contains("/Artifact"), marked);
        assert_eq!(content.contains("/MCID"), marked);
    }
}

#[test]
fn security_council_layout_with_bold_section_headings() {
    let pdf = un::render(&fixtures::security_council_2769(), &Options::default());
    let path = write_tmp("S-RES-2769.pdf", &pdf);
    let text = words(&pdftotext(&path)).join(" ");
    for want in [
        "S/RES/2769 (2025)",
        "Security Council",
        "Resolution 2769 (2025)",
        "Adopted by the Security Council at its 9838th meeting, on 16 January 2025",
        "The Security Council,",
        "Mandate of the Panel of Experts",
        "1. Decides to extend until 15 May 2026 the mandate",
    ] {
        assert!(text.contains(want), "{want:?} in {text}");
    }
    let xml = pdftohtml_xml(&path);
    assert!(
        xml.contains("<b>Mandate of the Panel of Experts</b>"),
        "{xml}"
    );
    assert!(xml.contains("<b>Reporting</b>"));
    assert!(xml.contains("<i>The Security Council,</i>"));
}

/// Line boxes (xMin, xMax) from `pdftotext -bbox-layout`, top to bottom.
fn line_boxes(path: &std::path::Path) -> Vec<(f32, f32)> {
    let html = poppler("pdftotext", &["-bbox-layout"], path);
    html.lines()
        .filter(|l| l.trim_start().starts_with("<line "))
        .map(|l| {
            let attr = |name: &str| -> f32 {
                l.split(&format!("{name}=\""))
                    .nth(1)
                    .and_then(|s| s.split('"').next())
                    .and_then(|s| s.parse().ok())
                    .unwrap()
            };
            (attr("xMin"), attr("xMax"))
        })
        .collect()
}

#[test]
fn justified_lines_start_at_the_indents_and_end_at_the_column_edge_in_every_style() {
    let text = "the strengthening of cooperation between the United Nations and the International \
                Criminal Police Organization within their respective mandates in tackling terrorism "
        .repeat(3);
    for fonts in [FontKind::Simple, FontKind::Type0, FontKind::WordMix] {
        for spacing in [
            Spacing::SpaceGlyphs,
            Spacing::TjAdjust,
            Spacing::SeparateItems,
            Spacing::PositionedWords,
        ] {
            for kerning in [false, true] {
                let opts = Options {
                    fonts,
                    spacing,
                    glyph_kerning: kerning,
                    ..Options::default()
                };
                let left = opts.geometry.column_left;
                let right = opts.geometry.column_right;
                let mut ts = Typesetter::new(opts);
                ts.paragraph(Paragraph::body(text.as_str()));
                let name = format!("edges-{fonts:?}-{spacing:?}-{kerning}.pdf");
                let lines = line_boxes(&write_tmp(&name, &ts.finish()));
                assert!(lines.len() >= 4, "{name}: {lines:?}");
                let near = |a: f32, b: f32| (a - b).abs() < 0.05;
                assert!(
                    near(lines[0].0, left + resingest_typeset::INDENT),
                    "{name}: {lines:?}"
                );
                for (i, (x0, x1)) in lines.iter().enumerate() {
                    if i > 0 {
                        assert!(near(*x0, left), "{name} line {i}: {lines:?}");
                    }
                    if i + 1 < lines.len() {
                        assert!(near(*x1, right), "{name} line {i}: {lines:?}");
                    }
                }
            }
        }
    }
}
