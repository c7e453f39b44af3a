//! Akoma Ntoso 3.0 (AKN4UN) rendering of a [`Resolution`]: [`to_akn`].
//!
//! The output validates against the OASIS schema (`shared/reference/schemas/akomantoso30.xsd`);
//! the tests check that for every gold file and for hand-built edge cases. This module only
//! renders what the contract holds: it never re-reads the PDF and never guesses content.
//!
//! # Layout
//! `<akomaNtoso><statement contains="originalVersion" name="resolution">` (`draftResolution`,
//! `amendment` for the other [`Kind`]s) with
//! - `meta`: FRBR identification (Work, Expression, Manifestation), `references` with a
//!   `TLCOrganization` for the organ and for resingest, `TLCEvent`s `#meeting` and
//!   `#adoptionDate`, and the [`Provenance`] in `proprietary`;
//! - `preface`: organ (`docProponent`), distribution, session, agenda items, the adoption line,
//!   the committee line rebuilt from `main_committee` and `draft_symbols`, and `docNumber` /
//!   `docTitle` (Security Council: "Resolution `docNumber`" and "Adopted by ... at its `event`,
//!   on `docDate`"). These lines are rebuilt in English from the fields, not copied from print;
//!   dates are written out in words for English, ISO otherwise;
//! - `preamble`: `formula name="enactingFormula"` ("The General Assembly,", English documents
//!   other than amendments) and one `container` per preambular clause, named after its lead in
//!   lowerCamelCase (`recallingAlso`; `recital` without a lead);
//! - `mainBody`: one `paragraph` per operative paragraph (`num` `1.`, left out for a single
//!   unnumbered paragraph), `content/p`, or `list/intro` + `point`s for sub-items, nested for
//!   `(i)` under `(a)`; leads are wrapped in `<i>`;
//! - `conclusions`: the meeting line with `event` and `docDate` (not for the Security Council,
//!   which prints it in the preface), plus footnotes no clause refers to (see below);
//! - `attachments`: one `attachment/doc name="annex"` per annex, its own FRBR identification
//!   (`{work}/!annex_{n}`), `docNumber` (heading) and `docTitle`, and a body of numbered
//!   `paragraph`s with the unnumbered text between them as `p` (when every paragraph is found in
//!   the annex text in order; otherwise the paragraphs alone), or the whole text as one `p`.
//!
//! Several lettered resolutions under one number ([`Part`]s) become `hcontainer
//! name="resolution"` elements in `mainBody` (`num` A, `heading` title), each with its preamble
//! as `blockContainer`s in `intro` (the schema allows no `container` there) and its own
//! `paragraph`s; eIds are prefixed `res_A__`.
//!
//! # Identifiers
//! Work URI: `/akn/un/statement/deliberation/{actor}/{date}/{number}`, e.g.
//! `/akn/un/statement/deliberation/un-ga/2016-11-21/71-19` for A/RES/71/19 and
//! `/akn/un/statement/deliberation/un-sc/2025-01-16/2769-2025` for S/RES/2769(2025); see the
//! `uri` module for actors and numbers. `date` is the adoption date, else the distribution
//! date (drafts), else `0001-01-01` (named `unknown`), since the schema requires one. The
//! Expression adds `/{lang}@` (ISO 639-2, `eng`), the Manifestation `.xml`. The Manifestation
//! date repeats the work date rather than the time of rendering: `to_akn` is a pure function,
//! so the same `Resolution` always gives the same bytes. The canonical symbol is kept as
//! `FRBRalias name="symbol"`.
//!
//! Citations of resolutions listed in `references` become `<ref href>` on their printed number
//! ("resolution `<ref>51/1</ref>`"), pointing at the date-less work URI, because the printed
//! citation does not give the cited resolution's date.
//!
//! # Footnotes
//! The contract removes footnote markers from the text and keeps only each clause's
//! `footnote_refs`, so the marker position inside a clause is unknown. Each footnote is
//! rendered once, as `<authorialNote marker="n" placement="bottom">` at the end of the first
//! clause that refers to it; later references become `<noteRef href="#authorialNote_n">`.
//! Footnotes no clause refers to (the contract cannot place them, e.g. a note in an annex
//! without numbered paragraphs) go to `conclusions` in a `container name="footnotes"`, so no
//! footnote text is lost. A reference to a footnote the document does not have is kept as a
//! `noteRef` to the missing id.
//!
//! Every eId is unique in the document (the schema requires it across attachments too): a
//! duplicate, e.g. from two sub-items both labelled "a", gets a `_2` suffix.

mod cite;
mod uri;
mod xml;

use crate::resolution::{
    Annex, AnnexParagraph, Clause, Kind, Paragraph, Part, Provenance, Resolution, Subparagraph,
};
use cite::Citations;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use xml::{escape, push_escaped};

/// The Akoma Ntoso namespace the schema defines.
const AKN_NS: &str = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";

/// Renders `r` as an Akoma Ntoso 3.0 XML document (UTF-8, with declaration).
pub fn to_akn(r: &Resolution) -> String {
    Renderer::new(r).render()
}

/// The date that identifies the work, and what it is the date of.
struct WorkDate {
    iso: String,
    name: &'static str,
}

struct Renderer<'a> {
    r: &'a Resolution,
    out: String,
    actor: String,
    work: String,
    date: WorkDate,
    citations: Citations,
    footnotes: BTreeMap<u32, &'a str>,
    emitted_notes: BTreeSet<u32>,
    used_eids: HashSet<String>,
}

impl<'a> Renderer<'a> {
    fn new(r: &'a Resolution) -> Self {
        let actor = uri::actor(&r.organ, &r.symbol);
        let date = [
            (r.adoption_date.as_deref(), "adoption"),
            (r.distribution_date.as_deref(), "distribution"),
        ]
        .into_iter()
        .find_map(|(d, name)| {
            d.filter(|d| is_iso_date(d)).map(|d| WorkDate {
                iso: d.to_string(),
                name,
            })
        })
        .unwrap_or(WorkDate {
            iso: "0001-01-01".into(),
            name: "unknown",
        });
        let work = format!(
            "/akn/un/statement/deliberation/{actor}/{}/{}",
            date.iso,
            uri::number(&r.symbol)
        );
        Renderer {
            r,
            out: String::with_capacity(16 * 1024),
            citations: Citations::new(&r.references, &actor),
            actor,
            work,
            date,
            footnotes: r
                .footnotes
                .iter()
                .map(|f| (f.number, f.text.as_str()))
                .collect(),
            emitted_notes: BTreeSet::new(),
            used_eids: HashSet::new(),
        }
    }

    fn render(mut self) -> String {
        let r = self.r;
        let name = match r.kind {
            Kind::Resolution => "resolution",
            Kind::Draft => "draftResolution",
            Kind::Amendment => "amendment",
        };
        self.out
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        self.line(0, &format!("<akomaNtoso xmlns=\"{AKN_NS}\">"));
        self.line(
            1,
            &format!("<statement contains=\"originalVersion\" name=\"{name}\">"),
        );
        self.meta();
        self.preface();
        let parts = r.parts.as_deref().filter(|p| !p.is_empty());
        if parts.is_none() {
            self.preamble();
        }
        self.main_body(parts);
        self.conclusions();
        self.attachments();
        self.line(1, "</statement>");
        self.line(0, "</akomaNtoso>");
        self.out
    }

    /// Writes one line of markup at the given depth.
    fn line(&mut self, depth: usize, markup: &str) {
        for _ in 0..depth {
            self.out.push(' ');
        }
        self.out.push_str(markup);
        self.out.push('\n');
    }

    /// A unique eId: `wanted`, or `wanted_2`, `wanted_3`... when taken.
    fn eid(&mut self, wanted: &str) -> String {
        let mut id = wanted.to_string();
        let mut n = 1;
        while !self.used_eids.insert(id.clone()) {
            n += 1;
            id = format!("{wanted}_{n}");
        }
        id
    }

    fn meta(&mut self) {
        let r = self.r;
        let actor = self.actor.clone();
        self.line(2, "<meta>");
        self.identification(3, "main", Some(&r.symbol));

        self.line(3, "<references source=\"#resingest\">");
        let organ = if r.organ.is_empty() {
            actor.as_str()
        } else {
            r.organ.as_str()
        };
        let organ_eid = self.eid(&actor);
        self.line(
            4,
            &format!(
                "<TLCOrganization eId=\"{organ_eid}\" href=\"/akn/ontology/organization/un/{actor}\" showAs=\"{}\"/>",
                escape(organ)
            ),
        );
        let own = self.eid("resingest");
        self.line(
            4,
            &format!(
                "<TLCOrganization eId=\"{own}\" href=\"/akn/ontology/organization/resingest\" showAs=\"resingest\"/>"
            ),
        );
        if let Some(meeting) = &r.meeting {
            let id = self.eid("meeting");
            self.line(
                4,
                &format!(
                    "<TLCEvent eId=\"{id}\" href=\"/akn/ontology/event/un/meeting\" showAs=\"{}\"/>",
                    escape(meeting)
                ),
            );
        }
        if r.adoption_date.is_some() {
            let id = self.eid("adoptionDate");
            self.line(
                4,
                &format!(
                    "<TLCEvent eId=\"{id}\" href=\"/akn/ontology/event/un/adoption\" showAs=\"adoption\"/>"
                ),
            );
        }
        self.line(3, "</references>");
        self.provenance(&r.provenance);
        self.line(2, "</meta>");
    }

    /// The FRBR identification of one component (`main`, `annex_1`) of the work: Work,
    /// Expression and Manifestation, all with the work date.
    fn identification(&mut self, depth: usize, component: &str, symbol: Option<&str>) {
        let work = &self.work;
        let expression = format!("{work}/{}@", uri::language3(&self.r.language));
        let date = format!(
            "<FRBRdate date=\"{}\" name=\"{}\"/>",
            self.date.iso, self.date.name
        );
        let author = format!("<FRBRauthor href=\"#{}\"/>", self.actor);
        let value = |element: &str, v: &str| format!("<{element} value=\"{}\"/>", escape(v));
        let mut frbr = vec![
            (1, "<FRBRWork>".to_string()),
            (2, value("FRBRthis", &format!("{work}/!{component}"))),
            (2, value("FRBRuri", work)),
        ];
        if let Some(symbol) = symbol.filter(|s| !s.is_empty()) {
            let alias = format!("<FRBRalias value=\"{}\" name=\"symbol\"/>", escape(symbol));
            frbr.push((2, alias));
        }
        frbr.extend([
            (2, date.clone()),
            (2, author.clone()),
            (2, "<FRBRcountry value=\"un\"/>".to_string()),
            (2, value("FRBRnumber", &uri::number(&self.r.symbol))),
            (1, "</FRBRWork>".to_string()),
            (1, "<FRBRExpression>".to_string()),
            (2, value("FRBRthis", &format!("{expression}/!{component}"))),
            (2, value("FRBRuri", &expression)),
            (2, date.clone()),
            (2, author),
            (
                2,
                format!(
                    "<FRBRlanguage language=\"{}\"/>",
                    escape(uri::language3(&self.r.language))
                ),
            ),
            (1, "</FRBRExpression>".to_string()),
            (1, "<FRBRManifestation>".to_string()),
            (
                2,
                value("FRBRthis", &format!("{expression}/!{component}.xml")),
            ),
            (2, value("FRBRuri", &format!("{expression}.xml"))),
            (2, date),
            (2, "<FRBRauthor href=\"#resingest\"/>".to_string()),
            (2, "<FRBRformat value=\"application/akn+xml\"/>".to_string()),
            (1, "</FRBRManifestation>".to_string()),
        ]);
        self.line(depth, "<identification source=\"#resingest\">");
        for (indent, markup) in frbr {
            self.line(depth + indent, &markup);
        }
        self.line(depth, "</identification>");
    }

    fn provenance(&mut self, p: &Provenance) {
        self.line(3, "<proprietary source=\"#resingest\">");
        self.line(
            4,
            &format!(
                "<rs:provenance xmlns:rs=\"urn:resingest:provenance\" sha256=\"{}\" bytes=\"{}\" pages=\"{}\" extractorVersion=\"{}\"/>",
                escape(&p.sha256),
                p.bytes,
                p.pages,
                escape(&p.extractor_version)
            ),
        );
        self.line(3, "</proprietary>");
    }

    fn preface(&mut self) {
        let r = self.r;
        let sc = self.actor == "un-sc";
        let mut lines: Vec<String> = Vec::new();
        if !r.organ.is_empty() {
            lines.push(format!(
                "<p class=\"organ\"><docProponent refersTo=\"#{}\">{}</docProponent></p>",
                self.actor,
                escape(&r.organ)
            ));
        }
        if r.distribution.is_some() || r.distribution_date.is_some() {
            let mut p = String::from("<p class=\"distribution\">Distr.:");
            if let Some(d) = &r.distribution {
                p.push_str(&format!(
                    " <inline name=\"distribution\">{}</inline>",
                    escape(d)
                ));
            }
            if let Some(d) = &r.distribution_date {
                p.push(' ');
                p.push_str(&self.doc_date(d, None));
            }
            p.push_str("</p>");
            lines.push(p);
        }
        if let Some(s) = r.session {
            let printed = session_words(s, &r.language).unwrap_or_else(|| format!("Session {s}"));
            lines.push(format!(
                "<p class=\"session\"><session value=\"{s}\">{}</session></p>",
                escape(&printed)
            ));
        }
        if !r.agenda_items.is_empty() {
            let items: Vec<String> = r
                .agenda_items
                .iter()
                .map(|i| format!("<inline name=\"agendaItem\">{}</inline>", escape(i)))
                .collect();
            let label = if items.len() == 1 {
                "Agenda item"
            } else {
                "Agenda items"
            };
            lines.push(format!(
                "<p class=\"agendaItems\">{label} {}</p>",
                join_and(&items)
            ));
        }
        let adopted = r
            .adoption_date
            .as_deref()
            .map(|d| self.doc_date(d, Some("#adoptionDate")));
        if !sc && r.kind == Kind::Resolution {
            if let Some(date) = &adopted {
                let by = if r.organ.is_empty() {
                    "the United Nations".to_string()
                } else {
                    format!("the {}", escape(&r.organ))
                };
                lines.push(format!(
                    "<p class=\"adoption\">Resolution adopted by {by} on {date}</p>"
                ));
            }
        }
        if let Some(line) = self.committee_line() {
            lines.push(line);
        }
        let printed_number = match uri::split_resolution_symbol(&r.symbol) {
            Some((_, rest)) if r.kind == Kind::Resolution => spaced_parens(rest),
            _ => r.symbol.clone(),
        };
        if !printed_number.is_empty() || r.title.is_some() {
            let mut p = String::from("<p class=\"title\">");
            if sc && r.kind == Kind::Resolution {
                p.push_str("Resolution ");
            }
            if !printed_number.is_empty() {
                p.push_str(&format!(
                    "<docNumber>{}</docNumber>",
                    escape(&printed_number)
                ));
                if r.title.is_some() {
                    p.push_str(". ");
                }
            }
            if let Some(t) = &r.title {
                p.push_str(&format!("<docTitle>{}</docTitle>", escape(t)));
            }
            p.push_str("</p>");
            lines.push(p);
        }
        if sc && (r.meeting.is_some() || adopted.is_some()) {
            let mut p = String::from("<p class=\"adoption\">Adopted by the Security Council");
            if let Some(m) = &r.meeting {
                p.push_str(&format!(
                    " at its <event refersTo=\"#meeting\">{}</event>",
                    escape(m)
                ));
            }
            if let Some(d) = &adopted {
                p.push_str(&format!(", on {d}"));
            }
            p.push_str("</p>");
            lines.push(p);
        }
        if lines.is_empty() {
            return;
        }
        self.line(2, "<preface>");
        for l in lines {
            self.line(3, &l);
        }
        self.line(2, "</preface>");
    }

    /// The General Assembly's bracket line ("[on the report of the Third Committee
    /// (A/78/481)]"), rebuilt from `main_committee` and `draft_symbols`.
    fn committee_line(&self) -> Option<String> {
        let r = self.r;
        if r.organ != "General Assembly"
            || (r.main_committee.is_none() && r.draft_symbols.is_empty())
        {
            return None;
        }
        let symbols: Vec<String> = r
            .draft_symbols
            .iter()
            .map(|s| format!("<inline name=\"draftSymbol\">{}</inline>", escape(s)))
            .collect();
        let symbols = if symbols.is_empty() {
            String::new()
        } else {
            format!(" ({})", join_and(&symbols))
        };
        Some(match &r.main_committee {
            Some(c) => format!(
                "<p class=\"committee\">[on the report of the <inline name=\"mainCommittee\">{}</inline>{symbols}]</p>",
                escape(c)
            ),
            None => format!(
                "<p class=\"committee\">[without reference to a Main Committee{symbols}]</p>"
            ),
        })
    }

    /// `<docDate>` for an ISO date (words in English), or the plain text when `iso` is not a
    /// valid date, since a malformed `date` attribute would invalidate the whole document.
    fn doc_date(&self, iso: &str, refers_to: Option<&str>) -> String {
        if !is_iso_date(iso) {
            return escape(iso);
        }
        let refers = refers_to
            .map(|r| format!(" refersTo=\"{r}\""))
            .unwrap_or_default();
        format!(
            "<docDate date=\"{iso}\"{refers}>{}</docDate>",
            escape(&long_date(iso, &self.r.language))
        )
    }

    /// The enacting formula, for English documents other than amendments (which print none).
    fn formula(&self) -> Option<String> {
        let r = self.r;
        (r.language == "en" && r.kind != Kind::Amendment && !r.organ.is_empty())
            .then(|| format!("The {},", r.organ))
    }

    fn preamble(&mut self) {
        let r = self.r;
        let formula = self.formula();
        if r.preamble.is_empty() && formula.is_none() {
            return;
        }
        self.line(2, "<preamble>");
        if let Some(f) = formula {
            let id = self.eid("preamble__formula_1");
            self.line(
                3,
                &format!(
                    "<formula eId=\"{id}\" name=\"enactingFormula\"><p>{}</p></formula>",
                    escape(&f)
                ),
            );
        }
        for c in &r.preamble {
            let id = self.eid(&format!("preamble__container_{}", c.index));
            let mut m = format!(
                "<container eId=\"{id}\" name=\"{}\"><p>",
                escape(&container_name(c.lead.as_deref()))
            );
            self.inline(&mut m, &c.text, c.lead.as_deref(), &c.footnote_refs);
            m.push_str("</p></container>");
            self.line(3, &m);
        }
        self.line(2, "</preamble>");
    }

    fn main_body(&mut self, parts: Option<&'a [Part]>) {
        let r = self.r;
        self.line(2, "<mainBody>");
        let before = self.out.len();
        match parts {
            Some(parts) => {
                for part in parts {
                    self.part(part);
                }
            }
            None => self.paragraphs("", &r.operative, 3),
        }
        if self.out.len() == before {
            // The schema wants at least one element here; an amendment may have no clause.
            self.line(3, "<p/>");
        }
        self.line(2, "</mainBody>");
    }

    fn part(&mut self, part: &Part) {
        let id = self.eid(&format!("res_{}", eid_token(&part.label)));
        self.line(3, &format!("<hcontainer eId=\"{id}\" name=\"resolution\">"));
        self.line(4, &format!("<num>{}</num>", escape(&part.label)));
        if let Some(t) = &part.title {
            self.line(4, &format!("<heading>{}</heading>", escape(t)));
        }
        let formula = self.formula();
        if !part.preamble.is_empty() || formula.is_some() {
            self.line(4, "<intro>");
            if let Some(f) = formula {
                let fid = self.eid(&format!("{id}__formula_1"));
                self.line(
                    5,
                    &format!(
                        "<blockContainer eId=\"{fid}\" class=\"enactingFormula\"><p>{}</p></blockContainer>",
                        escape(&f)
                    ),
                );
            }
            for c in &part.preamble {
                self.part_clause(&id, c);
            }
            self.line(4, "</intro>");
        }
        self.paragraphs(&format!("{id}__"), &part.operative, 4);
        self.line(3, "</hcontainer>");
    }

    fn part_clause(&mut self, part_id: &str, c: &Clause) {
        let id = self.eid(&format!("{part_id}__preamble__container_{}", c.index));
        let mut m = format!(
            "<blockContainer eId=\"{id}\" class=\"{}\"><p>",
            escape(&container_name(c.lead.as_deref()))
        );
        self.inline(&mut m, &c.text, c.lead.as_deref(), &c.footnote_refs);
        m.push_str("</p></blockContainer>");
        self.line(5, &m);
    }

    fn paragraphs(&mut self, prefix: &str, ops: &[Paragraph], depth: usize) {
        let numbered = ops.len() != 1;
        for p in ops {
            let id = self.eid(&format!("{prefix}para_{}", p.number));
            self.line(depth, &format!("<paragraph eId=\"{id}\">"));
            if numbered {
                self.line(depth + 1, &format!("<num>{}.</num>", p.number));
            }
            self.body(
                &id,
                &p.text,
                p.lead.as_deref(),
                &p.footnote_refs,
                &p.subparagraphs,
                depth + 1,
            );
            self.line(depth, "</paragraph>");
        }
    }

    /// `content/p`, or `list` with `intro` and `point`s when there are sub-items.
    fn body(
        &mut self,
        id: &str,
        text: &str,
        lead: Option<&str>,
        notes: &[u32],
        subs: &[Subparagraph],
        depth: usize,
    ) {
        let mut p = String::from("<p>");
        self.inline(&mut p, text, lead, notes);
        p.push_str("</p>");
        if subs.is_empty() {
            self.line(depth, &format!("<content>{p}</content>"));
            return;
        }
        let list = self.eid(&format!("{id}__list_1"));
        self.line(depth, &format!("<list eId=\"{list}\">"));
        self.line(depth + 1, &format!("<intro>{p}</intro>"));
        for s in subs {
            let pid = self.eid(&format!("{list}__point_{}", eid_token(&s.label)));
            self.line(depth + 1, &format!("<point eId=\"{pid}\">"));
            self.line(depth + 2, &format!("<num>({})</num>", escape(&s.label)));
            self.body(
                &pid,
                &s.text,
                None,
                &s.footnote_refs,
                &s.subparagraphs,
                depth + 2,
            );
            self.line(depth + 1, "</point>");
        }
        self.line(depth, "</list>");
    }

    /// Inline content of one clause: the lead in `<i>`, citations as `<ref>`, then its notes.
    fn inline(&mut self, out: &mut String, text: &str, lead: Option<&str>, notes: &[u32]) {
        let lead_len = lead
            .filter(|l| !l.is_empty() && text.starts_with(*l))
            .map_or(0, str::len);
        if lead_len > 0 {
            out.push_str("<i>");
            push_escaped(out, &text[..lead_len]);
            out.push_str("</i>");
        }
        self.cited_text(out, text, lead_len);
        for &n in notes {
            self.note(out, n);
        }
    }

    /// `text[from..]` escaped, with `<ref>` around the citations found in it.
    fn cited_text(&self, out: &mut String, text: &str, from: usize) {
        let mut at = from;
        for c in self.citations.find(text) {
            if c.start < at {
                continue;
            }
            push_escaped(out, &text[at..c.start]);
            out.push_str(&format!("<ref href=\"{}\">", escape(&c.href)));
            push_escaped(out, &text[c.start..c.end]);
            out.push_str("</ref>");
            at = c.end;
        }
        push_escaped(out, &text[at..]);
    }

    /// Footnote `n` at the current position: the note itself the first time, a `noteRef` after.
    fn note(&mut self, out: &mut String, n: u32) {
        let id = format!("authorialNote_{n}");
        match self.footnotes.get(&n).copied() {
            Some(text) if self.emitted_notes.insert(n) => {
                let id = self.eid(&id);
                out.push_str(&format!(
                    "<authorialNote eId=\"{id}\" marker=\"{n}\" placement=\"bottom\"><p>"
                ));
                self.cited_text(out, text, 0);
                out.push_str("</p></authorialNote>");
            }
            _ => out.push_str(&format!("<noteRef href=\"#{id}\" marker=\"{n}\"/>")),
        }
    }

    fn conclusions(&mut self) {
        let r = self.r;
        let sc = self.actor == "un-sc";
        let mut meeting_line = None;
        if !sc && (r.meeting.is_some() || r.adoption_date.is_some()) {
            let mut p = String::from("<p>");
            if let Some(m) = &r.meeting {
                p.push_str(&format!(
                    "<event refersTo=\"#meeting\">{}</event>",
                    escape(m)
                ));
            }
            if let Some(d) = &r.adoption_date {
                if r.meeting.is_some() {
                    p.push(' ');
                }
                p.push_str(&self.doc_date(d, Some("#adoptionDate")));
            }
            p.push_str("</p>");
            meeting_line = Some(p);
        }
        let orphans = self.orphan_footnotes();
        if meeting_line.is_none() && orphans.is_empty() {
            return;
        }
        self.line(2, "<conclusions>");
        if let Some(p) = meeting_line {
            let id = self.eid("conclusions__container_1");
            self.line(
                3,
                &format!("<container eId=\"{id}\" name=\"conclusion\">{p}</container>"),
            );
        }
        if !orphans.is_empty() {
            let id = self.eid("conclusions__footnotes");
            self.line(3, &format!("<container eId=\"{id}\" name=\"footnotes\">"));
            for n in orphans {
                let mut p = String::from("<p>");
                self.note(&mut p, n);
                p.push_str("</p>");
                self.line(4, &p);
            }
            self.line(3, "</container>");
        }
        self.line(2, "</conclusions>");
    }

    /// Footnotes that no clause, sub-item or annex paragraph refers to.
    fn orphan_footnotes(&self) -> Vec<u32> {
        fn subs(refs: &mut BTreeSet<u32>, items: &[Subparagraph]) {
            for s in items {
                refs.extend(&s.footnote_refs);
                subs(refs, &s.subparagraphs);
            }
        }
        fn clauses(refs: &mut BTreeSet<u32>, pre: &[Clause], ops: &[Paragraph]) {
            for c in pre {
                refs.extend(&c.footnote_refs);
            }
            for p in ops {
                refs.extend(&p.footnote_refs);
                subs(refs, &p.subparagraphs);
            }
        }
        let r = self.r;
        let mut refs = BTreeSet::new();
        clauses(&mut refs, &r.preamble, &r.operative);
        for part in r.parts.iter().flatten() {
            clauses(&mut refs, &part.preamble, &part.operative);
        }
        for a in &r.annexes {
            for p in a.paragraphs.iter().flatten() {
                refs.extend(&p.footnote_refs);
            }
        }
        self.footnotes
            .keys()
            .copied()
            .filter(|n| !refs.contains(n))
            .collect()
    }

    fn attachments(&mut self) {
        let r = self.r;
        if r.annexes.is_empty() {
            return;
        }
        self.line(2, "<attachments>");
        for (i, annex) in r.annexes.iter().enumerate() {
            self.annex(i + 1, annex);
        }
        self.line(2, "</attachments>");
    }

    fn annex(&mut self, n: usize, annex: &Annex) {
        let id = self.eid(&format!("att_{n}"));
        self.line(3, &format!("<attachment eId=\"{id}\">"));
        self.line(4, "<doc name=\"annex\">");
        self.line(5, "<meta>");
        self.identification(6, &format!("annex_{n}"), None);
        self.line(5, "</meta>");
        if annex.heading.is_some() || annex.title.is_some() {
            self.line(5, "<preface>");
            if let Some(h) = &annex.heading {
                self.line(
                    6,
                    &format!(
                        "<p class=\"heading\"><docNumber>{}</docNumber></p>",
                        escape(h)
                    ),
                );
            }
            if let Some(t) = &annex.title {
                self.line(
                    6,
                    &format!("<p class=\"title\"><docTitle>{}</docTitle></p>", escape(t)),
                );
            }
            self.line(5, "</preface>");
        }
        self.line(5, "<mainBody>");
        self.annex_body(&id, annex);
        self.line(5, "</mainBody>");
        self.line(4, "</doc>");
        self.line(3, "</attachment>");
    }

    fn annex_body(&mut self, id: &str, annex: &Annex) {
        let paragraphs = annex.paragraphs.as_deref().unwrap_or_default();
        if paragraphs.is_empty() {
            let mut p = String::from("<p>");
            self.cited_text(&mut p, &annex.text, 0);
            p.push_str("</p>");
            self.line(6, &p);
            return;
        }
        // Where each paragraph sits in the whole text, so the headings and the unnumbered text
        // between paragraphs are kept; all or nothing, since a partial match would repeat text.
        let mut spans = Vec::with_capacity(paragraphs.len());
        let mut cursor = 0;
        for p in paragraphs {
            match (!p.text.is_empty())
                .then(|| annex.text[cursor..].find(p.text.as_str()))
                .flatten()
            {
                Some(at) => {
                    spans.push((cursor, cursor + at));
                    cursor += at + p.text.len();
                }
                None => {
                    spans.clear();
                    break;
                }
            }
        }
        let located = !spans.is_empty();
        for (i, p) in paragraphs.iter().enumerate() {
            if located {
                let (from, to) = spans[i];
                self.annex_gap(&annex.text[from..to], Some(p.number));
            }
            self.annex_paragraph(id, p);
        }
        if located {
            self.annex_gap(&annex.text[cursor..], None);
        }
    }

    /// Unnumbered annex text before a paragraph, without that paragraph's printed number.
    fn annex_gap(&mut self, gap: &str, next_number: Option<u32>) {
        let mut gap = gap.trim();
        if let Some(n) = next_number {
            gap = gap.strip_suffix(&format!("{n}.")).unwrap_or(gap).trim_end();
        }
        if gap.is_empty() {
            return;
        }
        let mut p = String::from("<p>");
        self.cited_text(&mut p, gap, 0);
        p.push_str("</p>");
        self.line(6, &p);
    }

    fn annex_paragraph(&mut self, annex_id: &str, p: &AnnexParagraph) {
        let id = self.eid(&format!("{annex_id}__para_{}", p.number));
        let mut m = String::from("<p>");
        self.inline(&mut m, &p.text, None, &p.footnote_refs);
        m.push_str("</p>");
        self.line(
            6,
            &format!(
                "<paragraph eId=\"{id}\"><num>{}.</num><content>{m}</content></paragraph>",
                p.number
            ),
        );
    }
}

/// Whether `s` is a valid `YYYY-MM-DD` date (what `xsd:date` accepts without a time zone).
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = matches!((y % 4, y % 100, y % 400), (0, 1.., _) | (_, _, 0));
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y > 0 && (1..=days).contains(&d)
}

/// "21 November 2016" for English, the ISO date for other languages.
fn long_date(iso: &str, language: &str) -> String {
    if language != "en" {
        return iso.to_string();
    }
    let month: usize = iso[5..7].parse().unwrap_or(1);
    let day: u32 = iso[8..10].parse().unwrap_or(1);
    format!("{day} {} {}", crate::MONTHS[month - 1], &iso[..4])
}

/// "Seventy-first session" for English sessions below 100; `None` otherwise.
fn session_words(n: u32, language: &str) -> Option<String> {
    if language != "en" {
        return None;
    }
    let words = crate::ordinal_words(n)?;
    let mut chars = words.chars();
    let first = chars.next()?.to_ascii_uppercase();
    Some(format!("{first}{} session", chars.as_str()))
}

/// The container name for a preambular clause: its lead in lowerCamelCase.
fn container_name(lead: Option<&str>) -> String {
    let mut out = String::new();
    for (i, word) in lead
        .unwrap_or_default()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if i == 0 {
                out.extend(first.to_lowercase());
            } else {
                out.extend(first.to_uppercase());
            }
            out.extend(chars.flat_map(char::to_lowercase));
        }
    }
    if out.is_empty() {
        "recital".to_string()
    } else {
        out
    }
}

/// A label usable inside an eId (no whitespace, which the schema's `noWhiteSpace` forbids).
fn eid_token(label: &str) -> String {
    let t: String = label
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '.'))
        .collect();
    if t.is_empty() {
        "x".to_string()
    } else {
        t
    }
}

/// "2769(2025)" -> "2769 (2025)", as the number is printed.
fn spaced_parens(number: &str) -> String {
    match number.find('(') {
        Some(i) if i > 0 && !number[..i].ends_with(' ') => {
            format!("{} {}", &number[..i], &number[i..])
        }
        _ => number.to_string(),
    }
}

/// "a", "a and b", "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_like_xsd_date() {
        assert!(is_iso_date("2016-11-21"));
        assert!(is_iso_date("2024-02-29"));
        assert!(!is_iso_date("2023-02-29"));
        assert!(!is_iso_date("2023-13-01"));
        assert!(!is_iso_date("21 November 2016"));
        assert!(!is_iso_date("0000-01-01"));
    }

    #[test]
    fn long_dates_and_sessions_read_as_printed() {
        assert_eq!(long_date("2016-11-21", "en"), "21 November 2016");
        assert_eq!(long_date("2016-11-21", "fr"), "2016-11-21");
        assert_eq!(session_words(71, "en").unwrap(), "Seventy-first session");
        assert_eq!(session_words(80, "en").unwrap(), "Eightieth session");
        assert_eq!(session_words(12, "en").unwrap(), "Twelfth session");
        assert_eq!(session_words(40, "en").unwrap(), "Fortieth session");
        assert_eq!(session_words(100, "en"), None);
    }

    #[test]
    fn container_names_follow_the_lead() {
        assert_eq!(container_name(Some("Recalling also")), "recallingAlso");
        assert_eq!(
            container_name(Some("Noting with deep concern")),
            "notingWithDeepConcern"
        );
        assert_eq!(container_name(None), "recital");
    }

    #[test]
    fn printed_numbers_and_lists() {
        assert_eq!(spaced_parens("2769(2025)"), "2769 (2025)");
        assert_eq!(spaced_parens("71/19"), "71/19");
        assert_eq!(
            join_and(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }
}
