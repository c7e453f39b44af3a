//! Our Akoma Ntoso against the UN's own markup of the same document, text aside: the FRBR
//! Work and Expression IRIs, and the sequence of structural elements of the preamble and main
//! body.
//!
//! The sequence is the pre-order walk of the statement's own `preamble` and `mainBody` (not an
//! attachment's), one entry per structural element (`formula`, `container`, `section`,
//! `crossHeading`, `paragraph`, `content`, `list`, `intro`, `point`, `sublist`, `blockList`,
//! `item`, `p`, ...), `num` with its trimmed text (`num 1.`, `num (a)`); the walk stops at `p`,
//! `num`, `heading`, `subheading` and `crossHeading`, whose content is inline. Inline elements
//! (`i`, `ref`, `authorialNote`, ...) and attributes are not compared, so neither eIds nor
//! text count here.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Elements that make the structure; anything else is inline and skipped with its content.
const STRUCTURAL: &[&str] = &[
    "formula",
    "container",
    "blockContainer",
    "blockList",
    "listIntroduction",
    "listWrapUp",
    "item",
    "section",
    "hcontainer",
    "crossHeading",
    "heading",
    "subheading",
    "paragraph",
    "subparagraph",
    "num",
    "content",
    "list",
    "intro",
    "wrapUp",
    "point",
    "sublist",
    "p",
];

/// Elements whose content is inline: the walk records them and does not go in.
const LEAVES: &[&str] = &["p", "num", "heading", "subheading", "crossHeading"];

#[derive(Debug, thiserror::Error)]
pub enum AknStructureError {
    #[error("not well-formed xml at byte {position}: {reason}")]
    Xml { position: u64, reason: String },
    #[error("no statement element: not an akoma ntoso statement")]
    NoStatement,
}

/// What the comparison reads from one Akoma Ntoso document.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AknStructure {
    /// `FRBRuri` of the main `FRBRWork`.
    pub work: Option<String>,
    /// `FRBRuri` of the main `FRBRExpression`.
    pub expression: Option<String>,
    /// The symbol: `FRBRalias name="symbol"`, else the cover page's `docNumber
    /// refersTo="#symbol"`.
    pub symbol: Option<String>,
    /// `preamble`, then its elements, `mainBody`, then its elements, as described above.
    pub elements: Vec<String>,
}

/// Reads the identification and the structure of one document.
pub fn akn_structure(xml: &str) -> Result<AknStructure, AknStructureError> {
    let mut reader = Reader::from_str(xml);
    let mut out = AknStructure::default();
    // Names of the open elements, outermost first.
    let mut path: Vec<String> = Vec::new();
    // Depth (in `path`) at which the walk skips everything: inside a leaf or an inline element.
    let mut skip_below: Option<usize> = None;
    let mut seen_statement = false;
    let mut in_symbol_number = false;
    let mut num_text: Option<String> = None;
    loop {
        let event = reader.read_event().map_err(|e| AknStructureError::Xml {
            position: reader.buffer_position(),
            reason: e.to_string(),
        })?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                let attr = |key: &str| {
                    e.attributes().flatten().find_map(|a| {
                        (a.key.local_name().as_ref() == key.as_bytes())
                            .then(|| String::from_utf8_lossy(&a.value).into_owned())
                    })
                };
                let parent = path.last().map(String::as_str);
                let in_main_meta = path.len() >= 3
                    && path[1] == "statement"
                    && path[2] == "meta"
                    && path.iter().any(|p| p == "identification");
                if in_main_meta && name == "FRBRuri" {
                    match parent {
                        Some("FRBRWork") if out.work.is_none() => out.work = attr("value"),
                        Some("FRBRExpression") if out.expression.is_none() => {
                            out.expression = attr("value")
                        }
                        _ => {}
                    }
                }
                if in_main_meta
                    && name == "FRBRalias"
                    && attr("name").as_deref() == Some("symbol")
                    && out.symbol.is_none()
                {
                    out.symbol = attr("value");
                }
                if name == "statement" && path.len() == 1 {
                    seen_statement = true;
                }
                if name == "docNumber"
                    && path.iter().any(|p| p == "coverPage")
                    && attr("refersTo").as_deref() == Some("#symbol")
                    && out.symbol.is_none()
                    && !empty
                {
                    in_symbol_number = true;
                }
                let in_body = path.len() >= 3
                    && path[1] == "statement"
                    && matches!(path[2].as_str(), "preamble" | "mainBody");
                if path.len() == 2
                    && path[1] == "statement"
                    && matches!(name.as_str(), "preamble" | "mainBody")
                {
                    out.elements.push(name.clone());
                } else if in_body && skip_below.is_none() {
                    if !STRUCTURAL.contains(&name.as_str()) {
                        skip_below = Some(path.len());
                    } else if name == "num" {
                        num_text = Some(String::new());
                        skip_below = Some(path.len());
                    } else {
                        out.elements.push(name.clone());
                        if LEAVES.contains(&name.as_str()) {
                            skip_below = Some(path.len());
                        }
                    }
                }
                if empty {
                    if num_text.take().is_some() {
                        out.elements.push("num".into());
                    }
                    if skip_below == Some(path.len()) {
                        skip_below = None;
                    }
                } else {
                    path.push(name);
                }
            }
            Event::Text(t) => {
                let text = t.decode().map(|c| c.into_owned()).unwrap_or_default();
                if let Some(n) = num_text.as_mut() {
                    n.push_str(&text);
                }
                if in_symbol_number {
                    out.symbol
                        .get_or_insert_with(String::new)
                        .push_str(text.trim());
                }
            }
            Event::GeneralRef(r) => {
                // An entity or character reference inside a `num` (rare) still counts as text.
                if let (Some(n), Ok(Some(c))) = (num_text.as_mut(), r.resolve_char_ref()) {
                    n.push(c);
                }
            }
            Event::End(_) => {
                let name = path.pop().unwrap_or_default();
                if name == "num" {
                    if let Some(n) = num_text.take() {
                        let n = n.split_whitespace().collect::<Vec<_>>().join(" ");
                        out.elements.push(format!("num {n}"));
                    }
                }
                if name == "docNumber" {
                    in_symbol_number = false;
                }
                if skip_below == Some(path.len()) {
                    skip_below = None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !seen_statement {
        return Err(AknStructureError::NoStatement);
    }
    Ok(out)
}

/// Where two element sequences first differ: the index and a few elements from there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    pub index: usize,
    pub ours: Vec<String>,
    pub theirs: Vec<String>,
}

/// Ours against theirs for one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AknComparison {
    pub work_equal: bool,
    pub expression_equal: bool,
    /// `None` when the element sequences are equal.
    pub divergence: Option<Divergence>,
}

impl AknComparison {
    pub fn structure_equal(&self) -> bool {
        self.divergence.is_none()
    }

    /// One line: `IRIs equal`, or which differ, and the first structural divergence.
    pub fn describe(&self, ours: &AknStructure, theirs: &AknStructure) -> String {
        let mut parts = Vec::new();
        if self.work_equal && self.expression_equal {
            parts.push("IRIs equal".to_string());
        }
        if !self.work_equal {
            parts.push(format!(
                "work {} != {}",
                ours.work.as_deref().unwrap_or("-"),
                theirs.work.as_deref().unwrap_or("-")
            ));
        }
        if !self.expression_equal {
            parts.push(format!(
                "expression {} != {}",
                ours.expression.as_deref().unwrap_or("-"),
                theirs.expression.as_deref().unwrap_or("-")
            ));
        }
        match &self.divergence {
            None => parts.push(format!(
                "structure equal ({} elements)",
                theirs.elements.len()
            )),
            Some(d) => parts.push(format!(
                "structure differs at element {}: ours [{}] theirs [{}]",
                d.index,
                d.ours.join(", "),
                d.theirs.join(", ")
            )),
        }
        parts.join("; ")
    }
}

/// How many elements a divergence shows from its index on.
const WINDOW: usize = 5;

pub fn compare_akn_structure(ours: &AknStructure, theirs: &AknStructure) -> AknComparison {
    let divergence = (ours.elements != theirs.elements).then(|| {
        let index = ours
            .elements
            .iter()
            .zip(&theirs.elements)
            .position(|(a, b)| a != b)
            .unwrap_or(ours.elements.len().min(theirs.elements.len()));
        let window = |v: &[String]| v.iter().skip(index).take(WINDOW).cloned().collect();
        Divergence {
            index,
            ours: window(&ours.elements),
            theirs: window(&theirs.elements),
        }
    });
    AknComparison {
        work_equal: ours.work.is_some() && ours.work == theirs.work,
        expression_equal: ours.expression.is_some() && ours.expression == theirs.expression,
        divergence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UN: &str = r##"<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0">
  <statement name="resolution">
    <meta>
      <identification source="#DGACM">
        <FRBRWork><FRBRthis value="/w/!main/"/><FRBRuri value="/w/"/></FRBRWork>
        <FRBRExpression><FRBRthis value="/w/eng@!main/"/><FRBRuri value="/w/eng@/"/></FRBRExpression>
      </identification>
    </meta>
    <coverPage><p><docNumber refersTo="#symbol">A/RES/78/101</docNumber></p></coverPage>
    <preamble>
      <formula name="enactingFormula"><p><span class="italic">The General Assembly</span>,</p></formula>
      <container name="Recalling"><p>Recalling <a href="x">1514 (XV)</a>,<authorialNote marker="1"><p>note</p></authorialNote></p></container>
    </preamble>
    <mainBody>
      <section><num>		I</num><subheading>Umoja</subheading>
        <crossHeading refersTo="#preamble"><span>Recalling</span> x</crossHeading>
        <paragraph><num>1.</num><list><intro><p>Requests:</p></intro>
          <point><num>(a)</num><content><p>To act;</p></content></point>
        </list></paragraph>
      </section>
    </mainBody>
    <attachments><attachment><doc name="annex"><mainBody><paragraph><num>9.</num></paragraph></mainBody></doc></attachment></attachments>
  </statement>
</akomaNtoso>"##;

    #[test]
    fn reads_iris_symbol_and_the_structure_down_to_p() {
        let s = akn_structure(UN).unwrap();
        assert_eq!(s.work.as_deref(), Some("/w/"));
        assert_eq!(s.expression.as_deref(), Some("/w/eng@/"));
        assert_eq!(s.symbol.as_deref(), Some("A/RES/78/101"));
        assert_eq!(
            s.elements,
            [
                "preamble",
                "formula",
                "p",
                "container",
                "p",
                "mainBody",
                "section",
                "num I",
                "subheading",
                "crossHeading",
                "paragraph",
                "num 1.",
                "list",
                "intro",
                "p",
                "point",
                "num (a)",
                "content",
                "p",
            ]
        );
    }

    #[test]
    fn the_first_divergence_is_named() {
        let theirs = akn_structure(UN).unwrap();
        let mut ours = theirs.clone();
        assert!(compare_akn_structure(&ours, &theirs).structure_equal());
        ours.elements.remove(6);
        ours.work = Some("/other/".into());
        let c = compare_akn_structure(&ours, &theirs);
        assert!(!c.work_equal && c.expression_equal);
        let d = c.divergence.clone().unwrap();
        assert_eq!(d.index, 6);
        assert_eq!(d.theirs[0], "section");
        assert_eq!(d.ours[0], "num I");
        assert!(c.describe(&ours, &theirs).contains("work /other/ != /w/"));
    }

    #[test]
    fn a_shorter_sequence_diverges_where_it_ends() {
        let theirs = akn_structure(UN).unwrap();
        let mut ours = theirs.clone();
        ours.elements.truncate(4);
        let d = compare_akn_structure(&ours, &theirs).divergence.unwrap();
        assert_eq!((d.index, d.ours.len()), (4, 0));
    }

    #[test]
    fn rejects_what_is_not_a_statement() {
        assert!(matches!(
            akn_structure("<akomaNtoso><act/></akomaNtoso>"),
            Err(AknStructureError::NoStatement)
        ));
        assert!(matches!(
            akn_structure("<akomaNtoso><statement></akomaNtoso>"),
            Err(AknStructureError::Xml { .. })
        ));
    }
}
