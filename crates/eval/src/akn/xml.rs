//! A small element tree over quick-xml events: the UN's files are a few hundred kilobytes, and a
//! tree lets the reader ask "the `num` of this `paragraph`" instead of tracking state by hand.

use super::AknError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;

/// One element: local name (namespace prefix dropped), attributes and children in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone)]
pub(crate) enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Child elements in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// Every descendant element named `name`, depth first, this element included.
    pub fn descendants<'a>(&'a self, name: &'a str, out: &mut Vec<&'a Element>) {
        if self.name == name {
            out.push(self);
        }
        for e in self.elements() {
            e.descendants(name, out);
        }
    }

    /// All the text below this element, in order.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.text_into(&mut s);
        s
    }

    fn text_into(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.text_into(out),
            }
        }
    }
}

/// Parses a whole document into its root element.
pub(crate) fn parse(xml: &str) -> Result<Element, AknError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let bad = |at: u64, e: &dyn std::fmt::Display| AknError::Xml {
        at,
        reason: e.to_string(),
    };
    // The open elements, innermost last; the bottom one collects the root.
    let mut stack = vec![Element::default()];
    loop {
        let at = reader.buffer_position();
        match reader.read_event().map_err(|e| bad(at, &e))? {
            Event::Start(e) => stack.push(open(&e).map_err(|e| bad(at, &e))?),
            Event::Empty(e) => {
                let el = open(&e).map_err(|e| bad(at, &e))?;
                push(&mut stack, Node::Element(el));
            }
            Event::End(_) => {
                let el = stack
                    .pop()
                    .filter(|_| !stack.is_empty())
                    .ok_or_else(|| bad(at, &"closing tag without an opening one"))?;
                push(&mut stack, Node::Element(el));
            }
            Event::Text(t) => {
                let s = t.decode().map_err(|e| bad(at, &e))?;
                push(&mut stack, Node::Text(s.into_owned()));
            }
            Event::CData(t) => {
                let s = t.decode().map_err(|e| bad(at, &e))?;
                push(&mut stack, Node::Text(s.into_owned()));
            }
            Event::GeneralRef(r) => {
                let s = match r.resolve_char_ref().map_err(|e| bad(at, &e))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().map_err(|e| bad(at, &e))?;
                        match name.as_ref() {
                            "amp" => "&",
                            "lt" => "<",
                            "gt" => ">",
                            "quot" => "\"",
                            "apos" => "'",
                            _ => "",
                        }
                        .to_string()
                    }
                };
                push(&mut stack, Node::Text(s));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(bad(
            reader.buffer_position(),
            &"document ends inside an element",
        ));
    }
    let top = stack.pop().unwrap_or_default();
    top.children
        .into_iter()
        .find_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
        .ok_or_else(|| bad(0, &"no root element"))
}

fn open(e: &BytesStart<'_>) -> Result<Element, quick_xml::Error> {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(quick_xml::Error::from)?;
        let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
        let value = a.normalized_value(XmlVersion::Implicit1_0)?.into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
    })
}

fn push(stack: &mut [Element], node: Node) {
    if let Some(top) = stack.last_mut() {
        // Adjacent text (a run broken by an entity) stays one node.
        if let (Node::Text(t), Some(Node::Text(prev))) = (&node, top.children.last_mut()) {
            prev.push_str(t);
            return;
        }
        top.children.push(node);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_a_tree_with_text_and_entities() {
        let root =
            parse(r#"<a:r xmlns:a="x"><p k="v &quot;q&quot;">x &amp; <b>y</b></p><e/></a:r>"#)
                .unwrap();
        assert_eq!(root.name, "r");
        let p = root.child("p").unwrap();
        assert_eq!(p.attr("k"), Some("v \"q\""));
        assert_eq!(p.text(), "x & y");
        assert!(root.child("e").is_some());
    }

    #[test]
    fn refuses_broken_xml() {
        assert!(matches!(parse("<a><b></a>"), Err(AknError::Xml { .. })));
        assert!(matches!(parse("<a>"), Err(AknError::Xml { .. })));
    }
}
