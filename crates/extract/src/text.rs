//! The reader's text: every body paragraph on one line (page furniture and footnote markers
//! removed), then a line `---` and the footnotes as `N text`, one per line.

use crate::layout::Document;

pub fn render(doc: &Document) -> String {
    let mut out = String::with_capacity(doc.paragraphs.len() * 200);
    for p in &doc.paragraphs {
        let t = p.text();
        if !t.is_empty() {
            out.push_str(&t);
            out.push('\n');
        }
    }
    if !doc.footnotes.is_empty() {
        out.push_str("---\n");
        for f in &doc.footnotes {
            out.push_str(&format!("{} {}\n", f.marker, f.text));
        }
    }
    out
}
