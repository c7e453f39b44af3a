//! `/ActualText` in marked content: the text a producer gives for glyphs whose own codes
//! cannot say it (LibreOffice writes an Arabic vowel mark it has no code for that way).

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream, StringFormat};

/// A one-page PDF showing `ops` with Helvetica as /F1.
fn pdf(ops: Vec<Operation>) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let content = Content { operations: ops };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        "Contents" => content_id,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page.into()],
            "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn show(text: &str) -> Operation {
    Operation::new(
        "Tj",
        vec![Object::String(
            text.as_bytes().to_vec(),
            StringFormat::Literal,
        )],
    )
}

fn span(actual: Object) -> Operation {
    Operation::new(
        "BDC",
        vec![
            "Span".into(),
            Object::Dictionary(dictionary! { "ActualText" => actual }),
        ],
    )
}

fn page_text(ops: Vec<Operation>) -> String {
    let raw = resingest_extract::pdf::read_pages(&pdf(ops), &Default::default()).unwrap();
    let page = &raw.pages[0];
    page.glyphs.iter().map(|g| page.text_of(g)).collect()
}

fn text_ops(middle: Vec<Operation>) -> Vec<Operation> {
    let mut ops = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 12.into()]),
        Operation::new("Td", vec![100.into(), 700.into()]),
        show("o"),
    ];
    ops.extend(middle);
    ops.extend([show("ce"), Operation::new("ET", vec![])]);
    ops
}

#[test]
fn actual_text_replaces_the_glyphs_it_marks() {
    // Without it the glyph's own code reads ("x"); with it, the text it stands for.
    assert_eq!(page_text(text_ops(vec![show("x")])), "oxce");
    let utf16: Vec<u8> = [0xFE, 0xFF, 0, b'f', 0, b'f', 0, b'i'].to_vec();
    let marked = vec![
        span(Object::String(utf16, StringFormat::Hexadecimal)),
        show("x"),
        Operation::new("EMC", vec![]),
    ];
    assert_eq!(page_text(text_ops(marked)), "office");
    // A PDFDocEncoding string, over two glyphs: one glyph for both.
    let marked = vec![
        span(Object::string_literal("ffi")),
        show("xy"),
        Operation::new("EMC", vec![]),
    ];
    let raw_ops = text_ops(marked);
    let raw = resingest_extract::pdf::read_pages(&pdf(raw_ops), &Default::default()).unwrap();
    let texts: Vec<&str> = raw.pages[0]
        .glyphs
        .iter()
        .map(|g| raw.pages[0].text_of(g))
        .collect();
    assert_eq!(texts, ["o", "ffi", "c", "e"]);
    // Empty text removes what it marks; marked content without it changes nothing.
    let marked = vec![
        span(Object::string_literal("")),
        show("x"),
        Operation::new("EMC", vec![]),
        Operation::new(
            "BDC",
            vec!["Span".into(), Object::Dictionary(dictionary! {})],
        ),
        show("ff"),
        Operation::new("EMC", vec![]),
    ];
    assert_eq!(page_text(text_ops(marked)), "offce");
}
