//! The renderer: one pass over a [`Resolution`], writing the UN's skeleton in document order.
//! What each element holds and why is in the crate documentation.

use crate::cite::Citations;
use crate::uri::{self, Organ};
use crate::xml::Xml;
use resingest_model::symbol::Organ as Known;
use resingest_model::{
    Annex, AnnexParagraph, Clause, Heading, Kind, Paragraph, Part, Provenance, Resolution,
    Subparagraph,
};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The Akoma Ntoso namespace the schema defines.
const AKN_NS: &str = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";

/// The date that identifies the work, and what it is the date of.
struct WorkDate {
    iso: String,
    name: &'static str,
}

/// One block of the main body in print order: numbered paragraphs with the headings printed
/// over them, contract v2 sections (or a v1 document's roman parts), lettered resolutions.
enum Block<'a> {
    /// One printed line of a heading over continuous numbering ("I", then its title): an
    /// unnumbered `paragraph` holding only a `subheading`, as the UN's editors mark them.
    Heading(&'a str),
    /// A paragraph the contract keeps in the preamble but that is printed as an operative
    /// one, without a number ("*Resolves* that:"): see [`operative_tail`].
    Unnumbered(&'a Clause),
    Paragraph(&'a Paragraph),
    /// A roman section (`I`, `II`): `section` with `num`, `subheading`, its preambular
    /// paragraphs as `crossHeading refersTo="#preamble"` and its own paragraphs.
    Section {
        num: &'a str,
        heading: Option<&'a str>,
        preamble: &'a [Clause],
        paragraphs: &'a [Paragraph],
    },
    /// A lettered resolution (71/123 A) among several under one number.
    Resolution(&'a Part),
}

pub(crate) struct Renderer<'a> {
    r: &'a Resolution,
    x: Xml,
    organ: Organ,
    /// `/akn/un/statement/deliberation/unga/2023-12-07/78-101/`
    work: String,
    /// `{work}eng@/`
    expression: String,
    date: WorkDate,
    markup_date: &'a str,
    english: bool,
    citations: Citations,
    footnotes: BTreeMap<u32, &'a str>,
    emitted_notes: BTreeSet<u32>,
    used_eids: HashSet<String>,
}

impl<'a> Renderer<'a> {
    pub(crate) fn new(r: &'a Resolution, markup_date: &'a str) -> Self {
        let organ = uri::organ(&r.organ, &r.symbol);
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
            "/akn/un/statement/deliberation/{}/{}/{}/",
            organ.actor(),
            date.iso,
            uri::number(&r.symbol)
        );
        let expression = format!("{work}{}@/", uri::language3(&r.language));
        Renderer {
            r,
            x: Xml::new(),
            citations: Citations::new(&r.references, &organ.short, &r.language),
            organ,
            work,
            expression,
            date,
            markup_date,
            english: r.language == "en",
            footnotes: r
                .footnotes
                .iter()
                .map(|f| (f.number, f.text.as_str()))
                .collect(),
            emitted_notes: BTreeSet::new(),
            used_eids: HashSet::new(),
        }
    }

    pub(crate) fn render(mut self) -> String {
        let name = doc_name(self.r.kind);
        self.x.open("akomaNtoso", &[("xmlns", AKN_NS)]);
        self.x.open("statement", &[("name", name)]);
        self.meta();
        self.cover_page();
        self.preface();
        self.preamble();
        self.main_body();
        self.conclusions();
        self.attachments();
        self.x.close("statement");
        self.x.close("akomaNtoso");
        self.x.finish()
    }

    fn sc(&self) -> bool {
        self.organ.is(Known::SecurityCouncil)
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
        self.x.open("meta", &[]);
        self.identification("main", Some(&r.symbol));
        self.references();
        self.provenance(&r.provenance);
        self.x.close("meta");
    }

    /// The FRBR identification of one component (`main`, `annex_1`): the Work dated by
    /// adoption, the Expression by publication (the distribution date), the Manifestation by
    /// this markup.
    fn identification(&mut self, component: &str, symbol: Option<&str>) {
        let r = self.r;
        let (work, expression) = (self.work.clone(), self.expression.clone());
        let author = format!("#{}", self.organ.short);
        let (work_date, work_date_name) = (self.date.iso.clone(), self.date.name);
        let (publication, publication_name) = match r.distribution_date.as_deref() {
            Some(d) if is_iso_date(d) => (d.to_string(), "publication"),
            _ => (work_date.clone(), work_date_name),
        };
        let x = &mut self.x;
        x.open("identification", &[("source", "#resingest")]);
        x.open("FRBRWork", &[]);
        x.empty("FRBRthis", &[("value", &format!("{work}!{component}"))]);
        x.empty("FRBRuri", &[("value", &work)]);
        if let Some(symbol) = symbol.filter(|s| !s.is_empty()) {
            x.empty("FRBRalias", &[("value", symbol), ("name", "symbol")]);
        }
        x.empty(
            "FRBRdate",
            &[("date", &work_date), ("name", work_date_name)],
        );
        x.empty("FRBRauthor", &[("href", &author), ("as", "#author")]);
        x.empty("FRBRcountry", &[("value", "un")]);
        x.empty("FRBRsubtype", &[("value", doc_name(r.kind))]);
        let number = uri::number(&r.symbol);
        match uri::printed_number(&r.symbol) {
            Some(printed) => x.empty("FRBRnumber", &[("value", &number), ("showAs", &printed)]),
            None => x.empty("FRBRnumber", &[("value", &number), ("showAs", &r.symbol)]),
        }
        x.close("FRBRWork");
        x.open("FRBRExpression", &[]);
        x.empty(
            "FRBRthis",
            &[("value", &format!("{expression}!{component}"))],
        );
        x.empty("FRBRuri", &[("value", &expression)]);
        x.empty(
            "FRBRdate",
            &[("date", &publication), ("name", publication_name)],
        );
        x.empty("FRBRauthor", &[("href", &author), ("as", "#issuer")]);
        x.empty("FRBRlanguage", &[("language", uri::language3(&r.language))]);
        x.close("FRBRExpression");
        x.open("FRBRManifestation", &[]);
        let bare = expression.trim_end_matches('/');
        x.empty(
            "FRBRthis",
            &[("value", &format!("{expression}!{component}.xml"))],
        );
        x.empty("FRBRuri", &[("value", &format!("{bare}.xml"))]);
        x.empty(
            "FRBRdate",
            &[("date", self.markup_date), ("name", "markup")],
        );
        x.empty("FRBRauthor", &[("href", "#resingest"), ("as", "#editor")]);
        x.empty("FRBRformat", &[("value", "application/akn+xml")]);
        x.close("FRBRManifestation");
        x.close("identification");
    }

    fn references(&mut self) {
        let r = self.r;
        let organ_name = if r.organ.is_empty() {
            self.organ.ontology.clone()
        } else {
            r.organ.clone()
        };
        let organ_href = format!("/akn/ontology/organization/un/{}", self.organ.ontology);
        let short = self.organ.short.clone();
        self.used_eids.insert(short.clone());
        let committee = self.committee();
        let x = &mut self.x;
        x.open("references", &[("source", "#resingest")]);
        x.empty(
            "TLCOrganization",
            &[
                ("eId", "resingest"),
                ("href", "/akn/ontology/organization/resingest"),
                ("showAs", "resingest"),
            ],
        );
        x.empty(
            "TLCOrganization",
            &[
                ("eId", &short),
                ("href", &organ_href),
                ("showAs", &organ_name),
            ],
        );
        if let Some((id, show)) = &committee {
            x.empty(
                "TLCOrganization",
                &[
                    ("eId", id),
                    ("href", &format!("/akn/ontology/organization/un/{id}")),
                    ("showAs", show),
                ],
            );
        }
        for (id, show) in [
            ("author", "Author"),
            ("issuer", "Issuer"),
            ("editor", "Editor"),
        ] {
            x.empty(
                "TLCRole",
                &[
                    ("eId", id),
                    ("href", &format!("/akn/ontology/role/un/{id}")),
                    ("showAs", show),
                ],
            );
        }
        for (id, show) in [("symbol", "Symbol"), ("dateOfIssuance", "Date of issuance")] {
            x.empty(
                "TLCConcept",
                &[
                    ("eId", id),
                    ("href", &format!("/akn/ontology/concept/un/{id}")),
                    ("showAs", show),
                ],
            );
        }
        if let Some(meeting) = &r.meeting {
            x.empty(
                "TLCEvent",
                &[
                    ("eId", "adoptionMeeting"),
                    ("href", "/akn/ontology/event/un/meeting"),
                    ("showAs", meeting),
                ],
            );
        }
        if r.adoption_date.is_some() {
            x.empty(
                "TLCEvent",
                &[
                    ("eId", "adoption"),
                    ("href", "/akn/ontology/event/un/adoption"),
                    ("showAs", "Adoption"),
                ],
            );
        }
        x.close("references");
        for id in [
            "resingest",
            "author",
            "issuer",
            "editor",
            "symbol",
            "dateOfIssuance",
            "adoptionMeeting",
            "adoption",
        ] {
            self.used_eids.insert(id.into());
        }
        if let Some((id, _)) = committee {
            self.used_eids.insert(id);
        }
    }

    /// The committee the document was adopted on the report of, as the UN's markup names it
    /// (`thirdCommittee`; `noMainCommittee` for "without reference to a Main Committee"); only
    /// the General Assembly prints the bracket line.
    fn committee(&self) -> Option<(String, String)> {
        let r = self.r;
        if !self.organ.is(Known::GeneralAssembly) || r.kind != Kind::Resolution {
            return None;
        }
        match &r.main_committee {
            Some(c) => Some((uri::lower_camel(c), c.clone())),
            None if !r.draft_symbols.is_empty() => Some((
                "noMainCommittee".into(),
                "Without reference to a Main Committee".into(),
            )),
            None => None,
        }
    }

    fn provenance(&mut self, p: &Provenance) {
        let (bytes, pages) = (p.bytes.to_string(), p.pages.to_string());
        self.x.open("proprietary", &[("source", "#resingest")]);
        self.x.empty(
            "rs:provenance",
            &[
                ("xmlns:rs", "urn:resingest:provenance"),
                ("sha256", &p.sha256),
                ("bytes", &bytes),
                ("pages", &pages),
                ("extractorVersion", &p.extractor_version),
            ],
        );
        self.x.close("proprietary");
    }

    /// The first page's masthead as the UN marks it up: symbol, organ, distribution, date,
    /// session, agenda items, the adoption line and the committee line. English words around
    /// the fields ("Distr.:", "Agenda item", "Resolution adopted by") are written only for
    /// English documents, which print them so; other languages get the fields alone.
    fn cover_page(&mut self) {
        let r = self.r;
        let en = self.english;
        self.x.open("coverPage", &[("eId", "coverPage_1")]);
        if !r.symbol.is_empty() {
            self.x.open("p", &[("class", "upperRight")]);
            self.x
                .inline("docNumber", &[("refersTo", "#symbol")], &r.symbol);
            self.x.close("p");
        }
        if en && !r.organ.is_empty() {
            self.x.open("p", &[("class", "upperLeft")]);
            self.x
                .inline("docAuthority", &[("refersTo", "#issuer")], &r.organ);
            self.x.close("p");
        }
        if let Some(d) = &r.distribution {
            let status = format!("{}{d}", if en { "Distr.: " } else { "" });
            self.x.open("p", &[]);
            self.x
                .inline("docStatus", &[("refersTo", "#distribution")], &status);
            self.x.close("p");
        }
        if let Some(d) = r.distribution_date.as_deref() {
            self.x.open("p", &[]);
            self.doc_date(d, "#dateOfIssuance");
            self.x.close("p");
        }
        if let Some(s) = r.session {
            let value = s.to_string();
            let printed = session_words(s, &r.language).unwrap_or_default();
            let refers = format!("#{}", self.organ.short);
            self.x.open("p", &[]);
            self.x.inline(
                "session",
                &[
                    ("eId", "coverPage_1__session_1"),
                    ("refersTo", &refers),
                    ("value", &value),
                ],
                &printed,
            );
            self.x.close("p");
        }
        if !r.agenda_items.is_empty() {
            self.x.open("p", &[]);
            if en {
                let label = if r.agenda_items.len() == 1 {
                    "Agenda item "
                } else {
                    "Agenda items "
                };
                self.x.text(label);
            }
            let n = r.agenda_items.len();
            for (i, item) in r.agenda_items.iter().enumerate() {
                if i > 0 {
                    self.x.text(if en && i + 1 == n { " and " } else { ", " });
                }
                self.x
                    .inline("inline", &[("name", "agendaItem"), ("title", item)], item);
            }
            self.x.close("p");
        }
        if en && !self.sc() && r.kind == Kind::Resolution {
            if let Some(d) = r.adoption_date.as_deref().filter(|d| is_iso_date(d)) {
                let by = if r.organ.is_empty() {
                    "the United Nations".to_string()
                } else {
                    format!("the {}", r.organ)
                };
                let title = format!(
                    "Resolution adopted by {by} on {}",
                    long_date(d, &r.language)
                );
                self.x.open("p", &[]);
                self.x.inline("docTitle", &[], &title);
                self.x.close("p");
            }
        }
        if en {
            self.committee_line();
        }
        self.x.close("coverPage");
    }

    /// The General Assembly's bracket line ("[on the report of the Third Committee
    /// (A/78/481)]"), rebuilt from `main_committee` and `draft_symbols`.
    fn committee_line(&mut self) {
        let r = self.r;
        let Some((id, _)) = self.committee() else {
            return;
        };
        let refers = format!("#{id}");
        self.x.open("p", &[]);
        self.x.start("docProponent", &[("refersTo", &refers)]);
        match &r.main_committee {
            Some(c) => self.x.text(&format!("[on the report of the {c}")),
            None => self.x.text("[without reference to a Main Committee"),
        }
        if !r.draft_symbols.is_empty() {
            self.x.text(" (");
            let n = r.draft_symbols.len();
            for (i, s) in r.draft_symbols.iter().enumerate() {
                if i > 0 {
                    self.x.text(if i + 1 == n { " and " } else { ", " });
                }
                self.x
                    .inline("inline", &[("name", "originatingDocument")], s);
            }
            self.x.text(")");
        }
        self.x.text("]");
        self.x.close("docProponent");
        self.x.close("p");
    }

    /// `<docDate>` for an ISO date (words in English), or the plain text when `iso` is not a
    /// valid date, since a malformed `date` attribute would invalidate the whole document.
    fn doc_date(&mut self, iso: &str, refers_to: &str) {
        if !is_iso_date(iso) {
            self.x.text(iso);
            return;
        }
        let printed = long_date(iso, &self.r.language);
        self.x.inline(
            "docDate",
            &[("date", iso), ("refersTo", refers_to)],
            &printed,
        );
    }

    /// The number and title: `<docNumber>78/101.</docNumber> <docTitle>...`, for the Security
    /// Council "Resolution 2769 (2025)" and its adoption line, as each prints them.
    fn preface(&mut self) {
        let r = self.r;
        let en = self.english;
        let sc = self.sc();
        let number = match uri::printed_number(&r.symbol) {
            Some(n) if r.kind == Kind::Resolution => {
                if sc && en {
                    Some(format!("Resolution {n}"))
                } else if sc {
                    Some(n)
                } else {
                    Some(format!("{n}."))
                }
            }
            _ => (!r.symbol.is_empty()).then(|| r.symbol.clone()),
        };
        let adoption = sc && en && (r.meeting.is_some() || r.adoption_date.is_some());
        if number.is_none() && r.title.is_none() && !adoption {
            return;
        }
        self.x.open("preface", &[]);
        if number.is_some() || r.title.is_some() {
            self.x.open("p", &[]);
            if let Some(n) = &number {
                self.x.inline("docNumber", &[], n);
            }
            if let Some(t) = &r.title {
                if number.is_some() {
                    self.x.text(" ");
                }
                self.x.inline("docTitle", &[], t);
            }
            self.x.close("p");
        }
        if adoption {
            self.x.open("p", &[]);
            self.x.text("Adopted by the Security Council");
            if let Some(m) = &r.meeting {
                self.x.text(" at its ");
                self.x
                    .inline("event", &[("refersTo", "#adoptionMeeting")], m);
            }
            if let Some(d) = r.adoption_date.as_deref() {
                self.x.text(", on ");
                self.doc_date(d, "#adoption");
            }
            self.x.close("p");
        }
        self.x.close("preface");
    }

    /// The enacting formula, for English documents other than amendments (which print none):
    /// "*The General Assembly*,". Other languages print theirs, which the contract does not
    /// carry, so they get none rather than an English one.
    fn formula(&self) -> Option<String> {
        let r = self.r;
        (self.english && r.kind != Kind::Amendment && !r.organ.is_empty())
            .then(|| format!("The {}", r.organ))
    }

    /// `formula` and one `container` per preambular paragraph, named by its lead as printed;
    /// eIds count the preamble's children as the UN's do (`formula_1`, `container_2`). A
    /// document of sections keeps only the formula here: its preambular paragraphs belong to
    /// the sections.
    fn preamble(&mut self) {
        let r = self.r;
        let formula = self.formula();
        let clauses: &[Clause] = if has_parts(r) {
            &[]
        } else {
            split_preamble(r.kind, &r.preamble).0
        };
        if clauses.is_empty() && formula.is_none() {
            return;
        }
        self.x.open("preamble", &[]);
        let mut n = 0;
        if let Some(f) = formula {
            n += 1;
            let id = self.eid(&format!("formula_{n}"));
            self.x
                .open("formula", &[("eId", &id), ("name", "enactingFormula")]);
            self.x.open("p", &[]);
            self.x.inline("i", &[], &f);
            self.x.text(",");
            self.x.close("p");
            self.x.close("formula");
        }
        for c in clauses {
            n += 1;
            let id = self.eid(&format!("container_{n}"));
            let name = c.lead.as_deref().unwrap_or("recital");
            self.x.open("container", &[("eId", &id), ("name", name)]);
            self.clause_block(c);
            self.x.close("container");
        }
        self.x.close("preamble");
    }

    /// The main body's blocks in print order; the one place sections plug in.
    fn blocks(&self) -> Vec<Block<'a>> {
        let r = self.r;
        if !r.sections.is_empty() && !has_parts(r) {
            let mut blocks = body_blocks(split_preamble(r.kind, &r.preamble).1, &r.operative);
            blocks.extend(r.sections.iter().map(|s| Block::Section {
                num: s.num.as_deref().unwrap_or_default(),
                heading: s.heading.as_deref(),
                preamble: &s.preamble,
                paragraphs: &s.operative,
            }));
            return blocks;
        }
        match r.parts.as_deref().filter(|p| !p.is_empty()) {
            Some(parts) => parts
                .iter()
                .map(|p| {
                    if numbers_sections(parts) {
                        Block::Section {
                            num: &p.label,
                            heading: p.title.as_deref(),
                            preamble: &p.preamble,
                            paragraphs: &p.operative,
                        }
                    } else {
                        Block::Resolution(p)
                    }
                })
                .collect(),
            None => body_blocks(split_preamble(r.kind, &r.preamble).1, &r.operative),
        }
    }

    fn main_body(&mut self) {
        let r = self.r;
        let blocks = self.blocks();
        self.x.open("mainBody", &[]);
        if blocks.is_empty() {
            // The schema wants at least one element here; an amendment may have no clause.
            self.x.empty("p", &[]);
        }
        let numbered = r.operative.len() != 1;
        for b in blocks {
            match b {
                Block::Heading(line) => self.heading_line("", line),
                Block::Unnumbered(c) => self.unnumbered("", c),
                Block::Paragraph(p) => self.paragraph("", p, numbered),
                Block::Section {
                    num,
                    heading,
                    preamble,
                    paragraphs,
                } => self.section(num, heading, preamble, paragraphs),
                Block::Resolution(part) => self.part(part),
            }
        }
        self.x.close("mainBody");
    }

    fn section(
        &mut self,
        num: &str,
        heading: Option<&str>,
        preamble: &[Clause],
        paragraphs: &[Paragraph],
    ) {
        let id = self.eid(&format!("sec_{}", eid_token(num)));
        self.x.open("section", &[("eId", &id)]);
        self.x.leaf("num", &[], num);
        if let Some(h) = heading {
            self.x.leaf("subheading", &[], h);
        }
        let (preamble, operative) = split_preamble(self.r.kind, preamble);
        for c in preamble {
            let cid = self.eid(&format!("{id}__preamble_{}", c.index));
            self.x
                .open("crossHeading", &[("eId", &cid), ("refersTo", "#preamble")]);
            self.inline(&c.text, c.lead.as_deref(), &c.footnote_refs);
            self.x.close("crossHeading");
        }
        let numbered = paragraphs.len() != 1;
        let prefix = format!("{id}__");
        for b in body_blocks(operative, paragraphs) {
            match b {
                Block::Heading(line) => self.heading_line(&prefix, line),
                Block::Unnumbered(c) => self.unnumbered(&prefix, c),
                Block::Paragraph(p) => self.paragraph(&prefix, p, numbered),
                _ => {}
            }
        }
        self.x.close("section");
    }

    /// A heading line between paragraphs: `paragraph` with only a `subheading`.
    fn heading_line(&mut self, prefix: &str, line: &str) {
        let id = self.eid(&format!("{prefix}para_h"));
        self.x.open("paragraph", &[("eId", &id), ("class", "H23")]);
        self.x.leaf("subheading", &[], line);
        self.x.close("paragraph");
    }

    /// A lettered resolution: `hcontainer name="resolution"` with `num` and `heading`, its
    /// preamble as `blockContainer`s in `intro` (the schema allows no `container` there).
    fn part(&mut self, part: &Part) {
        let id = self.eid(&format!("res_{}", eid_token(&part.label)));
        self.x
            .open("hcontainer", &[("eId", &id), ("name", "resolution")]);
        self.x.leaf("num", &[], &part.label);
        if let Some(t) = &part.title {
            self.x.leaf("heading", &[], t);
        }
        if !part.preamble.is_empty() {
            self.x.open("intro", &[]);
            for c in &part.preamble {
                let cid = self.eid(&format!("{id}__container_{}", c.index));
                let class = c.lead.as_deref().unwrap_or("recital");
                self.x
                    .open("blockContainer", &[("eId", &cid), ("class", class)]);
                self.x.open("p", &[]);
                self.inline(&c.text, c.lead.as_deref(), &c.footnote_refs);
                self.x.close("p");
                self.x.close("blockContainer");
            }
            self.x.close("intro");
        }
        let numbered = part.operative.len() != 1;
        for p in &part.operative {
            self.paragraph(&format!("{id}__"), p, numbered);
        }
        self.x.close("hcontainer");
    }

    /// An operative paragraph printed without a number: `paragraph` with `content` only,
    /// `para_0` (the UN's markup numbers it in its own count).
    fn unnumbered(&mut self, prefix: &str, c: &Clause) {
        let id = self.eid(&format!("{prefix}para_0"));
        self.x.open("paragraph", &[("eId", &id)]);
        let cid = self.eid(&format!("{id}__content"));
        self.content(&cid, &c.text, c.lead.as_deref(), &c.footnote_refs);
        self.x.close("paragraph");
    }

    /// A preambular paragraph's body: one `p`, or, when it prints lettered items after a
    /// colon ("a major contribution to: (a) International peace and security, (b) ..."), a
    /// `blockList` with the words before them as `listIntroduction` and one `item` per
    /// letter, as the UN marks them up.
    fn clause_block(&mut self, c: &Clause) {
        let Some((intro, items)) = lettered_items(&c.text) else {
            self.x.open("p", &[]);
            self.inline(&c.text, c.lead.as_deref(), &c.footnote_refs);
            self.x.close("p");
            return;
        };
        self.x.open("blockList", &[]);
        self.x.open("listIntroduction", &[]);
        self.inline(intro, c.lead.as_deref(), &[]);
        self.x.close("listIntroduction");
        let last = items.len() - 1;
        for (i, (label, text)) in items.into_iter().enumerate() {
            self.x.open("item", &[]);
            self.x.leaf("num", &[], &format!("({label})"));
            self.x.open("p", &[]);
            let notes: &[u32] = if i == last { &c.footnote_refs } else { &[] };
            self.inline(text, None, notes);
            self.x.close("p");
            self.x.close("item");
        }
        self.x.close("blockList");
    }

    /// `paragraph` with `num` (none for a single unnumbered paragraph) and `content`, or a
    /// `list` when it has sub-items: `para_12`, `para_12__content`, `para_12_list`.
    fn paragraph(&mut self, prefix: &str, p: &Paragraph, numbered: bool) {
        let id = self.eid(&format!("{prefix}para_{}", p.number));
        self.x.open("paragraph", &[("eId", &id)]);
        if numbered {
            self.x.leaf("num", &[], &format!("{}.", p.number));
        }
        if p.subparagraphs.is_empty() {
            let cid = self.eid(&format!("{id}__content"));
            self.content(&cid, &p.text, p.lead.as_deref(), &p.footnote_refs);
        } else {
            let lid = self.eid(&format!("{id}_list"));
            self.x.open("list", &[("eId", &lid)]);
            let iid = self.eid(&format!("{lid}_intro"));
            self.x.open("intro", &[("eId", &iid)]);
            self.x.open("p", &[]);
            self.inline(&p.text, p.lead.as_deref(), &p.footnote_refs);
            self.x.close("p");
            self.x.close("intro");
            self.points(&lid, &p.subparagraphs);
            self.x.close("list");
        }
        self.x.close("paragraph");
        // What the paragraph prints after itself without a number (the words closing its
        // list, a quoted rule): unnumbered paragraphs after it, as the UN's editors mark them
        // (78/29, 79/280).
        for (k, c) in p.continued.iter().enumerate() {
            let cid = self.eid(&format!("{id}_continued_{}", k + 1));
            self.x.open("paragraph", &[("eId", &cid)]);
            let content = self.eid(&format!("{cid}__content"));
            self.content(&content, &c.text, None, &c.footnote_refs);
            self.x.close("paragraph");
        }
    }

    /// `point`s with `num` and `content`; the sub-items of a point follow it in a `sublist`
    /// (`para_2_list_point_b_sublist_point_i`), where the UN puts them.
    fn points(&mut self, list_id: &str, subs: &[Subparagraph]) {
        for s in subs {
            let pid = self.eid(&format!("{list_id}_point_{}", eid_token(&s.label)));
            self.x.open("point", &[("eId", &pid)]);
            self.x.leaf("num", &[], &format!("({})", s.label));
            let cid = self.eid(&format!("{pid}_content"));
            self.content(&cid, &s.text, None, &s.footnote_refs);
            self.x.close("point");
            if !s.subparagraphs.is_empty() {
                let sid = self.eid(&format!("{pid}_sublist"));
                self.x.open("sublist", &[("eId", &sid)]);
                self.points(&sid, &s.subparagraphs);
                self.x.close("sublist");
            }
        }
    }

    fn content(&mut self, id: &str, text: &str, lead: Option<&str>, notes: &[u32]) {
        self.x.open("content", &[("eId", id)]);
        self.x.open("p", &[]);
        self.inline(text, lead, notes);
        self.x.close("p");
        self.x.close("content");
    }

    /// Inline content of one clause: the lead in `<i>`, citations as `<ref>`, then its notes.
    fn inline(&mut self, text: &str, lead: Option<&str>, notes: &[u32]) {
        let lead_len = lead
            .filter(|l| !l.is_empty() && text.starts_with(*l))
            .map_or(0, str::len);
        if lead_len > 0 {
            self.x.inline("i", &[], &text[..lead_len]);
        }
        self.cited_text(text, lead_len);
        for &n in notes {
            self.note(n);
        }
    }

    /// `text[from..]` with `<ref>` around the citations found in it.
    fn cited_text(&mut self, text: &str, from: usize) {
        let mut at = from;
        for c in self.citations.find(text) {
            if c.start < at {
                continue;
            }
            self.x.text(&text[at..c.start]);
            self.x
                .inline("ref", &[("href", &c.href)], &text[c.start..c.end]);
            at = c.end;
        }
        self.x.text(&text[at..]);
    }

    /// Footnote `n` at the current position: the note itself the first time, a `noteRef` after.
    fn note(&mut self, n: u32) {
        let id = format!("authorialNote_{n}");
        let marker = n.to_string();
        match self.footnotes.get(&n).copied() {
            Some(text) if self.emitted_notes.insert(n) => {
                let id = self.eid(&id);
                self.x.start(
                    "authorialNote",
                    &[("eId", &id), ("marker", &marker), ("placement", "bottom")],
                );
                self.x.start("p", &[]);
                self.cited_text(text, 0);
                self.x.close("p");
                self.x.close("authorialNote");
            }
            _ => self.x.inline_empty(
                "noteRef",
                &[("href", &format!("#{id}")), ("marker", &marker)],
            ),
        }
    }

    /// The meeting line (`event` with the meeting as `location`, `eol`, `docDate`), except for
    /// the Security Council, which prints it in the preface; then footnotes no clause refers
    /// to.
    fn conclusions(&mut self) {
        let r = self.r;
        let meeting_line = !self.sc() && (r.meeting.is_some() || r.adoption_date.is_some());
        let orphans = self.orphan_footnotes();
        if !meeting_line && orphans.is_empty() {
            return;
        }
        self.x.open("conclusions", &[("eId", "conclusions")]);
        if meeting_line {
            self.x.open("p", &[]);
            self.x.start("event", &[("refersTo", "#adoption")]);
            if let Some(m) = &r.meeting {
                self.x
                    .inline("location", &[("refersTo", "#adoptionMeeting")], m);
            }
            if let Some(d) = r.adoption_date.as_deref() {
                if r.meeting.is_some() {
                    self.x.inline_empty("eol", &[]);
                }
                self.doc_date(d, "#adoption");
            }
            self.x.close("event");
            self.x.close("p");
        }
        if !orphans.is_empty() {
            let id = self.eid("conclusions__footnotes");
            self.x
                .open("container", &[("eId", &id), ("name", "footnotes")]);
            for n in orphans {
                self.x.open("p", &[]);
                self.note(n);
                self.x.close("p");
            }
            self.x.close("container");
        }
        self.x.close("conclusions");
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
                for c in &p.continued {
                    refs.extend(&c.footnote_refs);
                }
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
        self.x.open("attachments", &[]);
        for (i, annex) in r.annexes.iter().enumerate() {
            self.annex(i + 1, annex);
        }
        self.x.close("attachments");
    }

    fn annex(&mut self, n: usize, annex: &Annex) {
        let id = self.eid(&format!("att_{n}"));
        self.x.open("attachment", &[("eId", &id)]);
        self.x.open("doc", &[("name", "annex")]);
        self.x.open("meta", &[]);
        self.identification(&format!("annex_{n}"), None);
        self.x.close("meta");
        if annex.heading.is_some() || annex.title.is_some() {
            self.x.open("preface", &[]);
            if let Some(h) = &annex.heading {
                self.x.open("p", &[("class", "heading")]);
                self.x.inline("docNumber", &[], h);
                self.x.close("p");
            }
            if let Some(t) = &annex.title {
                self.x.open("p", &[("class", "title")]);
                self.x.inline("docTitle", &[], t);
                self.x.close("p");
            }
            self.x.close("preface");
        }
        self.x.open("mainBody", &[]);
        self.annex_body(&id, annex);
        self.x.close("mainBody");
        self.x.close("doc");
        self.x.close("attachment");
    }

    /// Numbered paragraphs with the unnumbered text between them as `p` (when every paragraph
    /// is found in the annex text in order; otherwise the paragraphs alone), or the whole text
    /// as one `p`.
    fn annex_body(&mut self, id: &str, annex: &Annex) {
        let paragraphs = annex.paragraphs.as_deref().unwrap_or_default();
        if paragraphs.is_empty() {
            self.x.open("p", &[]);
            self.cited_text(&annex.text, 0);
            self.x.close("p");
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
        self.x.open("p", &[]);
        self.cited_text(gap, 0);
        self.x.close("p");
    }

    fn annex_paragraph(&mut self, annex_id: &str, p: &AnnexParagraph) {
        let id = self.eid(&format!("{annex_id}__para_{}", p.number));
        self.x.open("paragraph", &[("eId", &id)]);
        self.x.leaf("num", &[], &format!("{}.", p.number));
        let cid = self.eid(&format!("{id}__content"));
        self.content(&cid, &p.text, None, &p.footnote_refs);
        self.x.close("paragraph");
    }
}

/// The document type as AKN4UN names it: `resolution`, `resolutionDraft`, `amendment`; a
/// draft decision `decisionDraft`, by the same pattern.
fn doc_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Resolution => "resolution",
        Kind::Draft => "resolutionDraft",
        Kind::DraftDecision => "decisionDraft",
        Kind::Amendment => "amendment",
    }
}

/// The preamble as the contract holds it, split where the operative part begins: a preambular
/// paragraph ends with a comma, so a trailing run of clauses ending otherwise (";", ".", ":",
/// "*Resolves* that:", "*Approves* resources ...;") is printed operative text without a
/// number. Amendments are instructions, not clauses, and keep theirs.
fn split_preamble(kind: Kind, clauses: &[Clause]) -> (&[Clause], &[Clause]) {
    if kind == Kind::Amendment {
        return (clauses, &[]);
    }
    let ends_preambular = |c: &Clause| {
        c.text
            .trim_end()
            .trim_end_matches(['”', '’', '"', '\''])
            .ends_with(',')
    };
    let at = clauses
        .iter()
        .rposition(ends_preambular)
        .map_or(0, |i| i + 1);
    clauses.split_at(at)
}

/// Lettered items printed inside a preambular paragraph after a colon: the introduction (to
/// the colon) and `(label, text)` for `(a)`, `(b)`, ... in sequence, each after the comma,
/// semicolon or "and"/"or" that ends the one before. `None` unless there are at least two.
fn lettered_items(text: &str) -> Option<(&str, Vec<(char, &str)>)> {
    let colon = text.find(": (a) ")?;
    let intro = &text[..=colon];
    let mut starts = vec![(b'a', colon + 2)];
    let mut from = colon + 6;
    for letter in b'b'..=b'z' {
        let label = format!("({}) ", letter as char);
        let next = text[from..]
            .match_indices(label.as_str())
            .find_map(|(i, _)| {
                let before = text[..from + i].trim_end();
                [",", ";", " and", " or"]
                    .iter()
                    .any(|end| before.ends_with(end))
                    .then_some(from + i)
            });
        let Some(at) = next else { break };
        starts.push((letter, at));
        from = at + label.len();
    }
    if starts.len() < 2 {
        return None;
    }
    let items = starts
        .iter()
        .enumerate()
        .map(|(i, &(letter, at))| {
            let end = starts.get(i + 1).map_or(text.len(), |s| s.1);
            (letter as char, text[at + 4..end].trim_end())
        })
        .collect();
    Some((intro, items))
}

/// Unnumbered and numbered paragraphs in print order, each preceded by the lines of the
/// headings printed over it (contract v2 `headings`).
fn body_blocks<'a>(unnumbered: &'a [Clause], operative: &'a [Paragraph]) -> Vec<Block<'a>> {
    fn lines<'a>(headings: &'a [Heading], out: &mut Vec<Block<'a>>) {
        for h in headings {
            out.extend(h.num.as_deref().map(Block::Heading));
            if !h.text.is_empty() {
                out.push(Block::Heading(&h.text));
            }
        }
    }
    let mut out = Vec::new();
    for c in unnumbered {
        lines(&c.headings, &mut out);
        out.push(Block::Unnumbered(c));
    }
    for p in operative {
        lines(&p.headings, &mut out);
        out.push(Block::Paragraph(p));
    }
    out
}

fn has_parts(r: &Resolution) -> bool {
    r.parts.as_deref().is_some_and(|p| !p.is_empty())
}

/// Whether parts are roman sections (`I`, `II`, ...) rather than lettered resolutions (`A`,
/// `B`): the first is `I` and every label is a roman numeral (a lettered series starts at
/// `A`, so one reaching `I` or `V` is still letters).
fn numbers_sections(parts: &[Part]) -> bool {
    let roman = |l: &str| !l.is_empty() && l.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'));
    parts.first().is_some_and(|p| p.label == "I") && parts.iter().all(|p| roman(&p.label))
}

/// Whether `s` is a valid `YYYY-MM-DD` date (what `xsd:date` accepts without a time zone).
pub(crate) fn is_iso_date(s: &str) -> bool {
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
    format!("{day} {} {}", resingest_model::MONTHS[month - 1], &iso[..4])
}

/// "Seventy-first session" for English sessions below 100; `None` otherwise.
fn session_words(n: u32, language: &str) -> Option<String> {
    if language != "en" {
        return None;
    }
    let words = resingest_model::ordinal_words(n)?;
    let mut chars = words.chars();
    let first = chars.next()?.to_ascii_uppercase();
    Some(format!("{first}{} session", chars.as_str()))
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
        assert_eq!(session_words(40, "en").unwrap(), "Fortieth session");
        assert_eq!(session_words(71, "fr"), None);
        assert_eq!(session_words(100, "en"), None);
    }

    fn clause(text: &str) -> Clause {
        Clause {
            index: 1,
            lead: None,
            text: text.into(),
            footnote_refs: vec![],
            headings: vec![],
        }
    }

    #[test]
    fn the_preamble_ends_with_its_last_comma() {
        let pre = [
            clause("Recalling x,"),
            clause("Noting “y,”"),
            clause("Resolves that:"),
        ];
        let (p, o) = split_preamble(Kind::Resolution, &pre);
        assert_eq!((p.len(), o.len()), (2, 1));
        let (p, o) = split_preamble(Kind::Resolution, &pre[..2]);
        assert_eq!((p.len(), o.len()), (2, 0));
        let lone = [clause("Approves resources;")];
        let (p, o) = split_preamble(Kind::Resolution, &lone);
        assert_eq!((p.len(), o.len()), (0, 1));
        let (p, o) = split_preamble(Kind::Amendment, &pre);
        assert_eq!((p.len(), o.len()), (3, 0));
    }

    #[test]
    fn lettered_items_after_a_colon_become_a_list() {
        let (intro, items) = lettered_items(
            "Convinced that it contributes to: (a) Peace and security, (b) Eliminating weapons, and (c) Disarmament,",
        )
        .unwrap();
        assert_eq!(intro, "Convinced that it contributes to:");
        assert_eq!(
            items,
            [
                ('a', "Peace and security,"),
                ('b', "Eliminating weapons, and"),
                ('c', "Disarmament,")
            ]
        );
        // A cited sub-paragraph is not a list, nor is a lone (a).
        assert!(lettered_items("Recalling paragraph 3 (a) and (b) of resolution 1,").is_none());
        assert!(lettered_items("Noting: (a) only one,").is_none());
        assert!(lettered_items("Noting: (a) one (b) two,").is_none());
    }

    #[test]
    fn roman_parts_are_sections_letters_are_resolutions() {
        let part = |label: &str| Part {
            label: label.into(),
            title: None,
            preamble: vec![],
            operative: vec![],
            sections: vec![],
        };
        let parts = |labels: &[&str]| labels.iter().map(|l| part(l)).collect::<Vec<_>>();
        assert!(numbers_sections(&parts(&["I", "II", "III", "IV"])));
        assert!(!numbers_sections(&parts(&["A", "B"])));
        assert!(!numbers_sections(&parts(&[
            "A", "B", "C", "D", "E", "F", "G", "H", "I"
        ])));
    }
}
