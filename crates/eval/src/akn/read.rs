//! Reading the UN's AKN4UN markup into the contract's shape, so that the same unit names and
//! comparisons serve gold files and the UN's XML.
//!
//! What becomes what:
//! - `preamble/container` (and `crossHeading refersTo="#preamble"` inside a `section`):
//!   preambular clauses `P1..`, the enacting formula left out;
//! - a `paragraph` with a numeric `num`: an operative paragraph; its `list/intro` is the text,
//!   each `point` a sub-item labelled by its bare `num`, at any depth (a `sublist` holds the
//!   items of the point before it);
//! - a `section` with `num` and `heading`/`subheading`: a heading, and a contract v2 section
//!   with that number, since numbering restarts in each such section;
//! - a `paragraph` of class `H1`, `H23`, ... and an unnumbered one that is only a roman number
//!   or letter (the next unnumbered paragraph is its title) or a line with no closing
//!   punctuation and no italic lead: a heading;
//! - other unnumbered paragraphs: the only operative paragraph (number 1) when nothing is
//!   numbered, else text that continues the unit before it (the words after a list);
//! - every `authorialNote`: a footnote by its marker, its text removed from the clause and its
//!   number put in the clause's `footnote_refs`.
//!
//! Attachments (annexes) give footnotes only: the contract keeps annex bodies as text.

use super::xml::{Element, Node};
use super::AknError;
use serde_json::{json, Value};

/// A section heading as printed: `num` ("I", "A") when it has one, and its title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub num: Option<String>,
    pub text: String,
}

/// One footnote of the UN's markup: its marker as written and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AknNote {
    pub marker: String,
    pub text: String,
}

/// The UN's markup of one resolution, read into the contract's shape.
#[derive(Debug, Clone)]
pub struct AknDocument {
    /// `A/RES/78/101`, from the printed number.
    pub symbol: String,
    /// `preamble`, `operative` and, for restarting sections, `parts`, as contract JSON.
    pub clauses: Value,
    pub footnotes: Vec<AknNote>,
    pub headings: Vec<Heading>,
    /// The masthead and closing fields the markup tags, in the contract's terms.
    pub meta: AknMeta,
}

/// Metadata as the UN's markup tags it: what `eval --akn` scores besides the clauses. Each is
/// `None` when the file does not tag it, and is then not scored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AknMeta {
    /// ISO 639-1, from `FRBRlanguage` (`fra` -> `fr`).
    pub language: Option<String>,
    /// `session value="78"`.
    pub session: Option<u32>,
    /// `FRBRdate name="adoption"`.
    pub adoption_date: Option<String>,
    /// The closing `location refersTo="#adoptionMeeting"` as printed ("45e séance plénière").
    pub meeting: Option<String>,
    /// `docProponent refersTo="#fourthCommittee"` as the contract names it ("Fourth
    /// Committee"); `Some(None)` for a resolution adopted without reference to a committee.
    pub main_committee: Option<Option<String>>,
    /// The preface's `docTitle`.
    pub title: Option<String>,
}

/// ISO 639-2/B codes of the UN's six languages, as FRBR writes them, to ISO 639-1.
const LANGUAGES: [(&str, &str); 6] = [
    ("ara", "ar"),
    ("chi", "zh"),
    ("zho", "zh"),
    ("eng", "en"),
    ("fra", "fr"),
    ("rus", "ru"),
];

fn iso_639_1(code: &str) -> String {
    match code {
        "spa" | "esl" => "es".into(),
        c => LANGUAGES
            .iter()
            .find(|(b, _)| *b == c)
            .map_or_else(|| c.to_string(), |(_, one)| one.to_string()),
    }
}

/// `#fourthCommittee` -> "Fourth Committee", `#sixthCommittee` -> "Sixth Committee": the
/// markup's committee ids are the English short names in camel case.
fn committee_name(refers_to: &str) -> Option<String> {
    let id = refers_to.trim_start_matches('#');
    if !id.ends_with("Committee") || id.starts_with("no") {
        return None;
    }
    let mut out = String::new();
    for c in id.chars() {
        if c.is_uppercase() && !out.is_empty() {
            out.push(' ');
        }
        if out.is_empty() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    Some(out)
}

fn read_meta(doc: &Element) -> AknMeta {
    let all = |name: &'static str| {
        let mut v = Vec::new();
        doc.descendants(name, &mut v);
        v
    };
    let language = all("FRBRlanguage")
        .first()
        .and_then(|e| e.attr("language"))
        .map(iso_639_1);
    let session = all("session")
        .first()
        .and_then(|e| e.attr("value"))
        .and_then(|v| v.trim().parse().ok());
    let adoption_date = all("FRBRdate")
        .into_iter()
        .find(|e| e.attr("name") == Some("adoption"))
        .and_then(|e| e.attr("date"))
        .map(str::to_string);
    let meeting = all("location")
        .into_iter()
        .find(|e| e.attr("refersTo") == Some("#adoptionMeeting"))
        .map(|e| collapse(&e.text()));
    let main_committee = all("docProponent")
        .first()
        .map(|e| e.attr("refersTo").and_then(committee_name));
    let title = doc
        .child("preface")
        .map(|p| {
            let mut t = Vec::new();
            p.descendants("docTitle", &mut t);
            t
        })
        .and_then(|t| t.first().map(|e| collapse(&e.text())))
        .filter(|t| !t.is_empty());
    AknMeta {
        language,
        session,
        adoption_date,
        meeting,
        main_committee,
        title,
    }
}

/// Reads one AKN4UN document (`<akomaNtoso><statement>...`).
pub fn read_akn(xml: &str) -> Result<AknDocument, AknError> {
    let root = super::xml::parse(xml)?;
    let doc = root
        .elements()
        .next()
        .ok_or_else(|| AknError::Shape("no document element under akomaNtoso".into()))?;
    let number = {
        let mut found = Vec::new();
        doc.descendants("docNumber", &mut found);
        found
            .first()
            .map(|e| collapse(&e.text()))
            .ok_or_else(|| AknError::Shape("no docNumber in the preface".into()))?
    };
    // Printed as "78/101." or, in later sessions, "A/RES/80/92".
    let number: String = number.trim_end_matches('.').split_whitespace().collect();
    let symbol = if number.contains("RES/") {
        number
    } else {
        format!("A/RES/{number}")
    };

    // The statement as a flat run of headings and clauses: some documents repeat
    // `preamble` and `mainBody` once per section, others nest `section`s.
    let mut reader = Reader {
        emphasis: lead_emphasis(doc),
        ..Reader::default()
    };
    for part in doc.elements() {
        match part.name.as_str() {
            "preamble" => {
                for c in part.elements().filter(|e| e.name == "container") {
                    let clause = clause(&c.elements().collect::<Vec<_>>(), reader.emphasis);
                    reader.events.push(Event::Pre(clause));
                }
            }
            "mainBody" => {
                for e in part.elements() {
                    if e.name == "section" {
                        let num = e.child("num").map(|n| trim_num(&n.text()));
                        let text = e
                            .elements()
                            .find(|c| c.name == "heading" || c.name == "subheading")
                            .map(|h| collapse(&h.text()))
                            .unwrap_or_default();
                        reader.events.push(Event::Heading(Heading { num, text }));
                        for c in e.elements() {
                            reader.body_element(c);
                        }
                    } else {
                        reader.body_element(e);
                    }
                }
            }
            _ => {}
        }
    }
    let (clauses, headings) = assemble(reader.events);
    // Notes of the annexes too: the contract lists every footnote of the document.
    let mut notes = Vec::new();
    doc.descendants("authorialNote", &mut notes);
    let footnotes = notes
        .into_iter()
        .map(|n| AknNote {
            marker: n.attr("marker").unwrap_or_default().trim().to_string(),
            text: collapse(&note_text(n)),
        })
        .collect();
    Ok(AknDocument {
        symbol,
        clauses,
        footnotes,
        headings,
        meta: read_meta(doc),
    })
}

/// What the statement holds, in reading order.
enum Event {
    Heading(Heading),
    Pre(Value),
    Op(Value),
    /// An unnumbered paragraph that is no heading.
    Loose(Value),
}

/// Clauses in the contract's shape, and every heading. When operative numbering restarts,
/// each numbered heading opens a v2 section with that number (what the UN marks up as
/// `section`, or as a bare "II" paragraph in a body of its own).
fn assemble(events: Vec<Event>) -> (Value, Vec<Heading>) {
    let mut last = 0;
    let restarts = events.iter().any(|e| match e {
        Event::Op(p) => {
            let n = p["number"].as_u64().unwrap_or(0);
            let restart = n <= last;
            last = n;
            restart
        }
        _ => false,
    });
    // Parts open at headings numbered like the first numbered one (roman sections), not at
    // the lettered subsections inside them.
    let style = |n: &str| n.chars().all(|c| "IVXLC".contains(c));
    let part_style = events.iter().find_map(|e| match e {
        Event::Heading(Heading { num: Some(n), .. }) => Some(style(n)),
        _ => None,
    });
    let mut headings = Vec::new();
    let mut top = Body::default();
    let mut parts: Vec<(String, String, Body)> = Vec::new();
    for e in events {
        let body = parts.last_mut().map_or(&mut top, |(_, _, b)| b);
        match e {
            Event::Heading(h) => {
                let opens = h
                    .num
                    .as_deref()
                    .is_some_and(|n| Some(style(n)) == part_style);
                if let (true, true, Some(num)) = (restarts, opens, &h.num) {
                    parts.push((num.clone(), h.text.clone(), Body::default()));
                }
                headings.push(h);
            }
            Event::Pre(mut c) => {
                c["index"] = json!(body.preamble.len() + 1);
                body.preamble.push(c);
            }
            Event::Op(p) => body.operative.push(p),
            Event::Loose(p) => body.loose.push((body.operative.len(), p)),
        }
    }
    top.finish();
    let mut clauses = json!({"preamble": top.preamble, "operative": top.operative});
    if !parts.is_empty() {
        let sections = parts
            .into_iter()
            .map(|(num, heading, mut b)| {
                b.finish();
                json!({"num": num, "heading": heading, "preamble": b.preamble, "operative": b.operative})
            })
            .collect();
        clauses["sections"] = Value::Array(sections);
    }
    (clauses, headings)
}

/// Clauses of one body (the main body or a section) as they are read.
#[derive(Default)]
struct Body {
    preamble: Vec<Value>,
    operative: Vec<Value>,
    /// Unnumbered paragraphs, with the number of operative paragraphs read before each.
    loose: Vec<(usize, Value)>,
}

impl Body {
    /// Places unnumbered paragraphs: a lone one is paragraph 1, others continue the unit
    /// before them.
    fn finish(&mut self) {
        let loose = std::mem::take(&mut self.loose);
        if self.operative.is_empty() {
            for (i, (_, mut p)) in loose.into_iter().enumerate() {
                p["number"] = json!(i + 1);
                self.operative.push(p);
            }
            return;
        }
        for (after, p) in loose.into_iter().rev() {
            let Some(prev) = after.checked_sub(1).and_then(|i| self.operative.get_mut(i)) else {
                // Before any numbered paragraph: its own paragraph, numbered like the first.
                self.operative.insert(0, p);
                continue;
            };
            continue_last_unit(prev, &p);
        }
    }
}

/// Appends the text and footnote numbers of the unnumbered paragraph `p` to the deepest last
/// unit of the paragraph `prev`: the words after a list belong to its last item.
pub(super) fn continue_last_unit(prev: &mut Value, p: &Value) {
    let unit = last_unit(prev);
    let text = format!(
        "{} {}",
        unit["text"].as_str().unwrap_or_default(),
        p["text"].as_str().unwrap_or_default()
    );
    unit["text"] = json!(text.trim());
    let refs = p["footnote_refs"].as_array().cloned().unwrap_or_default();
    if let Some(r) = unit["footnote_refs"].as_array_mut() {
        r.extend(refs);
    }
}

/// The deepest last sub-item of a paragraph, or the paragraph itself.
fn last_unit(p: &mut Value) -> &mut Value {
    let has_subs = p["subparagraphs"].as_array().is_some_and(|s| !s.is_empty());
    if has_subs {
        let last = p["subparagraphs"]
            .as_array_mut()
            .and_then(|s| s.last_mut())
            .expect("checked non-empty");
        last_unit(last)
    } else {
        p
    }
}

#[derive(Default)]
struct Reader {
    /// The class that marks leads: the enacting formula's (`italic`; `bold` in Chinese).
    emphasis: &'static str,
    events: Vec<Event>,
    /// A roman number or letter printed alone, waiting for its title.
    pending_num: Option<String>,
}

impl Reader {
    fn body_element(&mut self, e: &Element) {
        match e.name.as_str() {
            "crossHeading" if e.attr("refersTo") == Some("#preamble") => {
                self.events.push(Event::Pre(clause(&[e], self.emphasis)));
            }
            "paragraph" => self.paragraph(e),
            _ => {}
        }
    }

    fn paragraph(&mut self, e: &Element) {
        let num = e.child("num").map(|n| trim_num(&n.text()));
        let number = num.as_deref().and_then(|n| n.parse::<u64>().ok());
        let class = e.attr("class").unwrap_or_default();
        let is_heading_class = class.len() > 1
            && class.starts_with('H')
            && class[1..].bytes().all(|b| b.is_ascii_digit());
        if is_heading_class && number.is_none() {
            let text = collapse(
                &e.elements()
                    .filter(|c| c.name != "num")
                    .map(Element::text)
                    .collect::<Vec<_>>()
                    .join(" "),
            );
            // A number alone on its heading line ("I", then "Legislative activities" in
            // 79/117) numbers the heading after it, as a bare "II" paragraph does.
            if num.is_none() && is_section_number(text.trim_end_matches('.')) {
                self.pending_num = Some(text.trim_end_matches('.').to_string());
            } else if !text.is_empty() {
                let num = num.or_else(|| self.pending_num.take());
                self.events.push(Event::Heading(Heading { num, text }));
            } else if num.is_some() {
                self.pending_num = num;
            }
            return;
        }
        let (text, lead, refs, subs) = self.paragraph_parts(e);
        match number {
            Some(n) => {
                self.pending_num = None;
                self.events.push(Event::Op(json!({
                    "number": n, "lead": lead, "text": text,
                    "footnote_refs": refs, "subparagraphs": subs,
                })));
            }
            None => {
                if text.is_empty() {
                    return;
                }
                if let Some(n) = num.filter(|n| is_section_number(n)) {
                    self.events
                        .push(Event::Heading(Heading { num: Some(n), text }));
                    return;
                }
                let bare = text.trim_end_matches('.');
                if is_section_number(bare) {
                    self.pending_num = Some(bare.to_string());
                    return;
                }
                // A heading is a short line without closing punctuation; a quoted rule
                // ("“(b) On promotion, ...”") is text even after its quote mark.
                // Full-width (Chinese) and Arabic marks close a line as well.
                let closed = text
                    .trim_end_matches(['”', '"', '’', ')', '）', '」', '》'])
                    .ends_with(['.', ';', ':', ',', '。', '；', '：', '，', '؛', '،'])
                    || text.starts_with(['“', '"'])
                    || text.chars().count() > 200;
                if self.pending_num.is_some() || (!closed && lead.is_null() && subs.is_empty()) {
                    let num = self.pending_num.take();
                    self.events.push(Event::Heading(Heading { num, text }));
                    return;
                }
                self.events.push(Event::Loose(json!({
                    "number": 1, "lead": lead, "text": text,
                    "footnote_refs": refs, "subparagraphs": subs,
                })));
            }
        }
    }

    /// Text, lead, footnote numbers and sub-items of a paragraph or point.
    fn paragraph_parts(&mut self, e: &Element) -> (String, Value, Vec<u32>, Vec<Value>) {
        let mut subs = Vec::new();
        let mut ps: Vec<&Element> = Vec::new();
        for c in e.elements() {
            match c.name.as_str() {
                "content" => ps.extend(c.elements()),
                "list" | "blockList" => {
                    for item in c.elements() {
                        match item.name.as_str() {
                            "intro" | "listIntroduction" => ps.extend(item.elements()),
                            "point" | "item" => subs.push(self.point(item)),
                            "sublist" => {
                                let inner: Vec<Value> = item
                                    .elements()
                                    .filter(|p| p.name == "point" || p.name == "item")
                                    .map(|p| self.point(p))
                                    .collect();
                                if let Some(prev) = subs.last_mut() {
                                    prev["subparagraphs"]
                                        .as_array_mut()
                                        .expect("points are built with a list")
                                        .extend(inner);
                                } else {
                                    subs.extend(inner);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        let clause = clause(&ps, self.emphasis);
        (
            clause["text"].as_str().unwrap_or_default().to_string(),
            clause["lead"].clone(),
            refs_of(&clause),
            subs,
        )
    }

    fn point(&mut self, e: &Element) -> Value {
        let label = e
            .child("num")
            .map(|n| {
                n.text()
                    .trim()
                    // "(a)" -> "a"; the Arabic "’1‘" -> "1".
                    .trim_matches(['(', ')', '.', '’', '‘', '\''])
                    .trim()
                    .to_string()
            })
            .unwrap_or_default();
        let (text, _, refs, subs) = self.paragraph_parts(e);
        json!({"label": label, "text": text, "footnote_refs": refs, "subparagraphs": subs})
    }
}

/// A clause from its `p` elements (or one `crossHeading`): text without notes, the opening
/// italic run as lead, the notes' markers as references; `index` is set when it is placed.
fn clause(ps: &[&Element], emphasis: &str) -> Value {
    let mut text = String::new();
    let mut refs = Vec::new();
    for p in ps {
        if !text.is_empty() {
            text.push(' ');
        }
        clause_text(p, &mut text, &mut refs);
    }
    let lead = ps.first().and_then(|p| lead_of(first_block(p), emphasis));
    json!({"index": 0, "lead": lead, "text": collapse(&text), "footnote_refs": refs})
}

fn refs_of(clause: &Value) -> Vec<u32> {
    clause["footnote_refs"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|n| n.as_u64().and_then(|n| u32::try_from(n).ok()))
                .collect()
        })
        .unwrap_or_default()
}

/// Text below `e` with footnotes left out and their numbers collected.
fn clause_text(e: &Element, out: &mut String, refs: &mut Vec<u32>) {
    for n in &e.children {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Element(c) if c.name == "authorialNote" => {
                if let Some(m) = c.attr("marker").and_then(|m| m.trim().parse().ok()) {
                    refs.push(m);
                }
            }
            Node::Element(c) => {
                // Block elements are apart even where the file has no whitespace between.
                if matches!(c.name.as_str(), "p" | "num" | "item" | "listIntroduction") {
                    out.push(' ');
                }
                clause_text(c, out, refs);
            }
        }
    }
}

/// The text of a note, without the notes it might nest.
fn note_text(n: &Element) -> String {
    let mut s = String::new();
    let mut ignored = Vec::new();
    for p in n.elements() {
        if !s.is_empty() {
            s.push(' ');
        }
        clause_text(p, &mut s, &mut ignored);
    }
    s
}

/// Where a clause's words begin: the element itself, or for a `blockList` (a preambular
/// clause with a list) its `listIntroduction`.
fn first_block(e: &Element) -> &Element {
    match e.elements().next() {
        Some(first) if e.name == "blockList" || e.name == "list" => first_block(first),
        _ => e,
    }
}

/// The opening italic run of a `p`: italic spans separated only by spaces, after nothing but
/// whitespace, without the punctuation after it.
fn lead_of(p: &Element, emphasis: &str) -> Option<String> {
    let mut lead = String::new();
    for n in &p.children {
        match n {
            Node::Text(t) if t.trim().is_empty() => lead.push(' '),
            Node::Element(e) if e.name == "span" && has_class(e, emphasis) => {
                lead.push_str(&e.text())
            }
            _ => break,
        }
    }
    let lead = collapse(&lead);
    let lead = lead.trim_end_matches([',', ':', ';']).trim_end();
    (!lead.is_empty()).then(|| lead.to_string())
}

fn has_class(e: &Element, class: &str) -> bool {
    e.attr("class")
        .is_some_and(|c| c.split_whitespace().any(|w| w == class))
}

/// How the document marks its leads, read from its enacting formula ("*The General
/// Assembly*,"): italic, or bold where the formula is bold and not italic (the UN's Chinese).
fn lead_emphasis(doc: &Element) -> &'static str {
    let mut formulas = Vec::new();
    doc.descendants("formula", &mut formulas);
    let mut spans = Vec::new();
    if let Some(f) = formulas.first() {
        f.descendants("span", &mut spans);
    }
    match spans.first() {
        Some(s) if !has_class(s, "italic") && has_class(s, "bold") => "bold",
        _ => "italic",
    }
}

/// A section number printed alone: a roman number or one capital letter.
fn is_section_number(s: &str) -> bool {
    let roman = !s.is_empty() && s.len() <= 6 && s.chars().all(|c| "IVXLC".contains(c));
    let letter = s.len() == 1 && s.chars().all(|c| c.is_ascii_uppercase());
    roman || letter
}

/// `"\t\tI."` -> `"I"`, `"12."` -> `"12"`, the Arabic `"12 -"` -> `"12"`.
fn trim_num(s: &str) -> String {
    s.trim().trim_end_matches(['.', '-']).trim().to_string()
}

/// Whitespace runs as one space, trimmed.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><statement>
      <preface><p><docNumber>78/1.</docNumber></p></preface>
      <preamble>
        <formula name="enactingFormula"><p><span class="italic">The General Assembly</span>,</p></formula>
        <container name="Recalling"><p>	<span class="italic">Recalling</span> <span class="italic">also</span>, its work,<authorialNote marker="1"><p>	 	See <a>A/1</a>.</p></authorialNote></p></container>
      </preamble>
      <mainBody>
        <paragraph class="H23"><num>I.</num><subheading>	Budget</subheading></paragraph>
        <paragraph><num>1.</num><list><intro><p><span class="italic">Decides</span>:</p></intro>
          <point><num>(a)</num><content><p>	To act;</p></content></point>
          <sublist><point><num>(i)</num><content><p>Now;</p></content></point></sublist>
        </list></paragraph>
        <paragraph><content><p>and then;</p></content></paragraph>
        <paragraph><content><p>II</p></content></paragraph>
        <paragraph><content><p>Other matters</p></content></paragraph>
        <paragraph><num>2.</num><content><p>Requests more.</p></content></paragraph>
      </mainBody></statement></akomaNtoso>"#;

    #[test]
    fn reads_clauses_notes_and_headings() {
        let d = read_akn(DOC).unwrap();
        assert_eq!(d.symbol, "A/RES/78/1");
        let p1 = &d.clauses["preamble"][0];
        assert_eq!(p1["lead"], "Recalling also");
        assert_eq!(p1["text"], "Recalling also, its work,");
        assert_eq!(p1["footnote_refs"], json!([1]));
        let o1 = &d.clauses["operative"][0];
        assert_eq!(o1["text"], "Decides:");
        assert_eq!(o1["lead"], "Decides");
        assert_eq!(o1["subparagraphs"][0]["label"], "a");
        let i = &o1["subparagraphs"][0]["subparagraphs"][0];
        assert_eq!(
            (i["label"].as_str(), i["text"].as_str()),
            (Some("i"), Some("Now; and then;"))
        );
        assert_eq!(d.clauses["operative"][1]["lead"], Value::Null);
        assert_eq!(
            d.footnotes,
            [AknNote {
                marker: "1".into(),
                text: "See A/1.".into()
            }]
        );
        assert_eq!(
            d.headings,
            [
                Heading {
                    num: Some("I".into()),
                    text: "Budget".into()
                },
                Heading {
                    num: Some("II".into()),
                    text: "Other matters".into()
                },
            ]
        );
    }

    #[test]
    fn a_preambular_clause_with_a_list_keeps_its_lead() {
        let xml = DOC.replace(
            "</preamble>",
            r#"<container><blockList><listIntroduction><span class="italic">	Convinced</span> that it helps:</listIntroduction>
              <item><num>(a)</num><p>Peace;</p></item></blockList></container></preamble>"#,
        );
        let d = read_akn(&xml).unwrap();
        let p2 = &d.clauses["preamble"][1];
        assert_eq!(p2["lead"], "Convinced");
        assert_eq!(p2["text"], "Convinced that it helps: (a) Peace;");
    }

    #[test]
    fn a_lone_unnumbered_paragraph_is_paragraph_one() {
        let xml = DOC.replace("<num>1.</num>", "").replace(
            "<paragraph><num>2.</num><content><p>Requests more.</p></content></paragraph>",
            "",
        );
        let d = read_akn(&xml).unwrap();
        assert_eq!(d.clauses["operative"][0]["number"], 1);
        assert_eq!(d.clauses["operative"][0]["text"], "Decides:");
    }

    #[test]
    fn a_heading_line_holding_only_a_number_numbers_the_next_one() {
        let doc = r##"<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><statement>
          <preface><p><docNumber>79/117.</docNumber></p></preface>
          <mainBody><paragraph><num>1.</num><content><p>Takes note;</p></content></paragraph>
            <paragraph class="H23"><subheading>I</subheading></paragraph>
            <paragraph class="H23"><subheading>Legislative activities</subheading></paragraph>
            <paragraph><num>2.</num><content><p>Commends.</p></content></paragraph>
          </mainBody></statement></akomaNtoso>"##;
        let d = read_akn(doc).unwrap();
        assert_eq!(
            d.headings,
            [Heading {
                num: Some("I".into()),
                text: "Legislative activities".into()
            }]
        );
    }

    #[test]
    fn sections_restart_their_numbering_as_sections() {
        let xml = r##"<akomaNtoso><statement><preface><docNumber>79/258.</docNumber></preface>
          <mainBody><section><num>		I</num><subheading>	Umoja</subheading>
            <crossHeading refersTo="#preamble"><span class="italic">Recalling</span> x,</crossHeading>
            <paragraph><num>1.</num><content><p>Notes y;</p></content></paragraph>
          </section><section><num>II</num><subheading>Other</subheading>
            <paragraph><num>1.</num><content><p>Notes z.</p></content></paragraph>
          </section></mainBody></statement></akomaNtoso>"##;
        let d = read_akn(xml).unwrap();
        assert_eq!(
            d.headings[0],
            Heading {
                num: Some("I".into()),
                text: "Umoja".into()
            }
        );
        let section = &d.clauses["sections"][0];
        assert_eq!(section["num"], "I");
        assert_eq!(section["preamble"][0]["lead"], "Recalling");
        assert_eq!(section["operative"][0]["text"], "Notes y;");
        assert_eq!(d.clauses["sections"][1]["operative"][0]["text"], "Notes z.");
    }

    #[test]
    fn metadata_is_read_from_the_tags_in_any_language() {
        let xml = DOC.replace(
            "<preface>",
            r##"<meta><FRBRWork><FRBRdate date="2023-12-07" name="adoption"/></FRBRWork>
              <FRBRExpression><FRBRlanguage language="fra"/></FRBRExpression></meta>
              <coverPage><p><session value="78">Soixante-dix-huitième session</session></p>
              <p><docProponent refersTo="#fourthCommittee">[sur la base du rapport ...]</docProponent></p></coverPage>
              <preface><p><docTitle> <span class="bold">Application  de la Déclaration</span></docTitle></p>"##,
        )
        .replace(
            "</mainBody>",
            r##"</mainBody><conclusions><p><event><location refersTo="#adoptionMeeting">45e  séance plénière</location></event></p></conclusions>"##,
        );
        let m = read_akn(&xml).unwrap().meta;
        assert_eq!(
            m,
            AknMeta {
                language: Some("fr".into()),
                session: Some(78),
                adoption_date: Some("2023-12-07".into()),
                meeting: Some("45e séance plénière".into()),
                main_committee: Some(Some("Fourth Committee".into())),
                title: Some("Application de la Déclaration".into()),
            }
        );
        let none = xml.replace("#fourthCommittee", "#noMainCommittee");
        assert_eq!(read_akn(&none).unwrap().meta.main_committee, Some(None));
        assert_eq!(read_akn(DOC).unwrap().meta, AknMeta::default());
    }

    #[test]
    fn leads_are_bold_where_the_formula_is_bold() {
        let zh = r#"<akomaNtoso><statement><preface><docNumber>78/1.</docNumber></preface>
          <preamble><formula name="enactingFormula"><p><span class="bold">大会</span>，</p></formula>
          <container><p><span class="bold">回顾</span>其决议，</p></container></preamble>
          <mainBody><paragraph><num>1.</num><content><p><span class="bold">决定</span>继续。</p></content></paragraph></mainBody>
          </statement></akomaNtoso>"#;
        let d = read_akn(zh).unwrap();
        assert_eq!(d.clauses["preamble"][0]["lead"], "回顾");
        assert_eq!(d.clauses["operative"][0]["lead"], "决定");
        // Where the formula is italic, a bold opening is no lead.
        let en = zh.replace(
            r#"<span class="bold">大会</span>"#,
            r#"<span class="italic">大会</span>"#,
        );
        assert_eq!(
            read_akn(&en).unwrap().clauses["preamble"][0]["lead"],
            Value::Null
        );
    }

    #[test]
    fn a_document_without_number_is_refused() {
        assert!(matches!(
            read_akn("<akomaNtoso><statement/></akomaNtoso>"),
            Err(AknError::Shape(_))
        ));
    }
}
