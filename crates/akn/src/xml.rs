//! The XML output: quick-xml's [`Writer`] over a byte buffer, with the indentation of block
//! elements done here so that mixed content (`<p>text <i>lead</i> text</p>`) never gets
//! whitespace inserted into it.
//!
//! Extracted text comes from PDFs and may carry characters XML 1.0 forbids (form feeds, stray
//! C0 controls); one of those would make the whole document unreadable, so [`Xml::text`] and
//! every attribute value drop them. quick-xml does the escaping.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use std::borrow::Cow;

/// Whether XML 1.0 allows `c` in a document (`Char` production).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` without the characters XML 1.0 forbids (borrowed when there are none).
pub(crate) fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.chars().filter(|c| is_xml_char(*c)).collect())
    }
}

/// One open element: whether it holds block children (then its end tag goes on its own line).
struct Open {
    name: &'static str,
    blocks: bool,
}

/// A document being written. Block elements ([`Xml::open`], [`Xml::leaf`], [`Xml::empty`])
/// start on a new indented line; inline ones ([`Xml::start`], [`Xml::inline_empty`]) and text
/// stay where they are.
pub(crate) struct Xml {
    w: Writer<Vec<u8>>,
    stack: Vec<Open>,
}

/// Writing into a `Vec` cannot fail; quick-xml's `io::Result` is for other sinks.
const IN_MEMORY: &str = "writing xml into memory does not fail";

impl Xml {
    pub(crate) fn new() -> Self {
        let mut w = Writer::new(Vec::with_capacity(32 * 1024));
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .expect(IN_MEMORY);
        Xml {
            w,
            stack: Vec::new(),
        }
    }

    pub(crate) fn finish(self) -> String {
        debug_assert!(self.stack.is_empty(), "unclosed elements");
        let mut bytes = self.w.into_inner();
        bytes.push(b'\n');
        String::from_utf8(bytes).expect("quick-xml writes the utf-8 it is given")
    }

    fn event(&mut self, e: Event<'_>) {
        self.w.write_event(e).expect(IN_MEMORY);
    }

    fn tag<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
        let mut t = BytesStart::new(name);
        for (k, v) in attrs {
            t.push_attribute((*k, clean(v).as_ref()));
        }
        t
    }

    fn newline(&mut self) {
        if let Some(parent) = self.stack.last_mut() {
            parent.blocks = true;
        }
        let indent = format!("\n{}", " ".repeat(self.stack.len()));
        self.event(Event::Text(BytesText::from_escaped(indent)));
    }

    /// A block element whose children follow.
    pub(crate) fn open(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.newline();
        self.event(Event::Start(Self::tag(name, attrs)));
        self.stack.push(Open {
            name,
            blocks: false,
        });
    }

    /// An inline element (or a block one that holds only inline content, such as `p`, when
    /// opened with [`Xml::open`]) whose children follow.
    pub(crate) fn start(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.event(Event::Start(Self::tag(name, attrs)));
        self.stack.push(Open {
            name,
            blocks: false,
        });
    }

    /// Closes the innermost element, which must be `name`.
    pub(crate) fn close(&mut self, name: &'static str) {
        let open = self.stack.pop().expect("an element to close");
        debug_assert_eq!(open.name, name, "elements closed out of order");
        if open.blocks {
            let indent = format!("\n{}", " ".repeat(self.stack.len()));
            self.event(Event::Text(BytesText::from_escaped(indent)));
        }
        self.event(Event::End(BytesEnd::new(name)));
    }

    /// A block element with only text in it.
    pub(crate) fn leaf(&mut self, name: &'static str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        self.text(text);
        self.close(name);
    }

    /// An inline element with only text in it.
    pub(crate) fn inline(&mut self, name: &'static str, attrs: &[(&str, &str)], text: &str) {
        self.start(name, attrs);
        self.text(text);
        self.close(name);
    }

    /// An empty block element.
    pub(crate) fn empty(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.newline();
        self.event(Event::Empty(Self::tag(name, attrs)));
    }

    /// An empty inline element.
    pub(crate) fn inline_empty(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.event(Event::Empty(Self::tag(name, attrs)));
    }

    /// Character data, escaped, without the characters XML forbids.
    pub(crate) fn text(&mut self, s: &str) {
        if !s.is_empty() {
            self.event(Event::Text(BytesText::new(&clean(s))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_controls() {
        let mut x = Xml::new();
        x.open("p", &[("class", "a\"b\u{0}")]);
        x.text("a < b & c > d\u{c}\u{0}e\u{FFFE}");
        x.close("p");
        let out = x.finish();
        assert!(
            out.contains("<p class=\"a&quot;b\">a &lt; b &amp; c &gt; de</p>"),
            "{out}"
        );
    }

    #[test]
    fn keeps_typography_and_astral_characters() {
        assert_eq!(clean("“2021–2030” 𝔸"), "“2021–2030” 𝔸");
    }

    #[test]
    fn indents_blocks_but_not_mixed_content() {
        let mut x = Xml::new();
        x.open("preamble", &[]);
        x.open("p", &[]);
        x.inline("i", &[], "Recalling");
        x.text(" its resolution");
        x.close("p");
        x.close("preamble");
        let out = x.finish();
        assert!(
            out.ends_with("\n<preamble>\n <p><i>Recalling</i> its resolution</p>\n</preamble>\n"),
            "{out:?}"
        );
    }
}
