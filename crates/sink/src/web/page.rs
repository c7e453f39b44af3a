//! The HTML (maud templates, escaped by construction): the shared layout with its landmarks
//! and skip link, the list with its filter form and search hits, one resolution as a reader
//! expects it, and the error page. No script anywhere: every page works as plain HTML.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write;

use maud::{html, Escaper, Markup, PreEscaped, DOCTYPE};
use resingest_model::{Annex, Clause, Heading, Paragraph, Resolution, Subparagraph};

use super::query::{Citing, Filters, Hit, Listed, MARK_END, MARK_START};

/// Languages written right to left (of the UN's six, Arabic).
fn is_rtl(lang: &str) -> bool {
    matches!(
        lang,
        "ar" | "fa" | "he" | "ps" | "ur" | "yi" | "dv" | "ckb" | "sd" | "ug"
    )
}

/// `lang` and `dir` for a part written in `lang` inside a page written in `page`: nothing
/// where they agree, so an English page stays free of them.
#[derive(Clone, Copy)]
struct Tongue<'a> {
    lang: Option<&'a str>,
    dir: Option<&'static str>,
}

impl Tongue<'_> {
    /// Words inside a line in the page's language, in a span only where they differ.
    fn words(self, words: Markup) -> Markup {
        html! {
            @if let Some(lang) = self.lang { span lang=(lang) dir=[self.dir] { (words) } } @else { (words) }
        }
    }
}

fn tongue<'a>(lang: &'a str, page: &str) -> Tongue<'a> {
    if lang == page {
        return Tongue {
            lang: None,
            dir: None,
        };
    }
    let dir = match (is_rtl(lang), is_rtl(page)) {
        (true, false) => Some("rtl"),
        (false, true) => Some("ltr"),
        _ => None,
    };
    Tongue {
        lang: Some(lang),
        dir,
    }
}

/// Every page: a skip link, banner, main (the skip link's target), footer. `lang` is what
/// most of the page is written in (a resolution's language); the English banner, skip link
/// and footer say so when it is another.
pub(crate) fn layout(title: &str, lang: &str, main: Markup) -> Markup {
    let en = tongue("en", lang);
    html! {
        (DOCTYPE)
        html lang=(lang) dir=[is_rtl(lang).then_some("rtl")] {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · UN resolutions" }
                link rel="stylesheet" href=(super::STYLE_PATH);
            }
            body {
                a.skip href="#main" lang=[en.lang] dir=[en.dir] { "Skip to main content" }
                header.banner lang=[en.lang] dir=[en.dir] {
                    a.site href="/" { "UN resolutions" }
                    nav aria-label="Site" {
                        ul {
                            li { a href="/" { "Newest" } }
                            li { a href="/v1/openapi.json" { "API" } }
                        }
                    }
                }
                main id="main" tabindex="-1" { (main) }
                footer lang=[en.lang] dir=[en.dir] {
                    p { "Structured from the official PDFs by resingest. Texts as extracted; the PDF is authoritative." }
                }
            }
        }
    }
}

/// `/`: the filter form (and search box), then either the search hits or the newest list.
pub(crate) struct Home<'a> {
    pub filters: &'a Filters,
    pub organs: &'a [String],
    pub results: Results,
    pub page: i64,
    pub more: bool,
    /// A filter the reader must correct, shown above the form.
    pub problem: Option<String>,
}

pub(crate) enum Results {
    Newest(Vec<Listed>),
    Hits(Vec<Hit>),
}

pub(crate) fn home(h: &Home) -> Markup {
    let f = h.filters;
    let value = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let main = html! {
        h1 { "United Nations resolutions" }
        @if let Some(problem) = &h.problem {
            p.problem role="alert" { (problem) }
        }
        form.filters method="get" action="/" role="search" aria-label="Search and filter" {
            div.field.wide {
                label for="q" { "Words in the text" }
                input #q type="search" name="q" value=[f.q.as_deref()] placeholder="e.g. counter-terrorism cooperation";
            }
            div.field {
                label for="organ" { "Organ" }
                select #organ name="organ" {
                    option value="" { "Any organ" }
                    @for organ in h.organs {
                        option value=(organ) selected[f.organ.as_deref() == Some(organ.as_str())] { (organ) }
                    }
                }
            }
            div.field {
                label for="session" { "Session" }
                input #session type="number" name="session" min="1" inputmode="numeric" value=[f.session];
            }
            div.field {
                label for="from" { "Adopted from" }
                input #from type="date" name="from" value=(value(f.adopted_from));
            }
            div.field {
                label for="to" { "Adopted until" }
                input #to type="date" name="to" value=(value(f.adopted_to));
            }
            div.actions {
                button type="submit" { "Show" }
                a href="/" { "Clear" }
            }
        }
        @match &h.results {
            Results::Newest(rows) => {
                h2 #results { "Newest resolutions" }
                @if rows.is_empty() {
                    p { "No stored resolution matches these filters." }
                } @else {
                    ol.listing {
                        @for r in rows {
                            li {
                                @let t = tongue(&r.language, "en");
                                a href=(resolution_href(&r.symbol, &r.language)) { (r.symbol) }
                                @if let Some(title) = &r.title { " " span.title lang=[t.lang] dir=[t.dir] { (title) } }
                                p.facts {
                                    (r.organ)
                                    @if let Some(s) = r.session { " · session " (s) }
                                    " · " (r.adoption_date.as_deref().map(long_date).unwrap_or_else(|| "not adopted".into()))
                                    @if r.language != "en" { " · " (r.language) }
                                }
                            }
                        }
                    }
                }
            }
            Results::Hits(hits) => {
                h2 #results { "Clauses matching “" (f.q.as_deref().unwrap_or_default()) "”" }
                @if hits.is_empty() {
                    p { "No clause matches. Try fewer or other words, or widen the filters." }
                } @else {
                    ol.hits {
                        @for hit in hits {
                            li {
                                @let t = tongue(&hit.language, "en");
                                a href={ (resolution_href(&hit.symbol, &hit.language)) "#" (clause_id(&hit.path)) } {
                                    (hit.symbol) ", " (clause_name(&hit.path))
                                }
                                @if let Some(title) = &hit.title { " " span.title lang=[t.lang] dir=[t.dir] { (title) } }
                                p.snippet lang=[t.lang] dir=[t.dir] { (highlighted(&hit.snippet)) }
                            }
                        }
                    }
                }
            }
        }
        @if h.page > 1 || h.more {
            nav.pages aria-label="Pages" {
                @if h.page > 1 { a rel="prev" href=(page_href(f, h.page - 1)) { "Previous page" } }
                " " span { "Page " (h.page) }
                @if h.more { " " a rel="next" href=(page_href(f, h.page + 1)) { "Next page" } }
            }
        }
    };
    layout("Newest resolutions", "en", main)
}

/// The snippet escaped, with each marked word in `<mark>`; stray or unbalanced marks (the
/// clause text itself could hold the private-use characters) are dropped.
pub(crate) fn highlighted(snippet: &str) -> Markup {
    let mut out = String::with_capacity(snippet.len() + 32);
    let mut open = false;
    for part in snippet.split_inclusive([MARK_START, MARK_END]) {
        let (text, mark) = match part.chars().last() {
            Some(c @ (MARK_START | MARK_END)) => (&part[..part.len() - c.len_utf8()], Some(c)),
            _ => (part, None),
        };
        Escaper::new(&mut out)
            .write_str(text)
            .expect("writing to a string");
        match mark {
            Some(MARK_START) if !open => {
                out.push_str("<mark>");
                open = true;
            }
            Some(MARK_END) if open => {
                out.push_str("</mark>");
                open = false;
            }
            _ => {}
        }
    }
    if open {
        out.push_str("</mark>");
    }
    PreEscaped(out)
}

/// `/resolutions/{symbol}`, with `?lang=` only for a language other than English.
pub(crate) fn resolution_href(symbol: &str, lang: &str) -> String {
    if lang == "en" {
        format!("/resolutions/{symbol}")
    } else {
        format!("/resolutions/{symbol}?lang={lang}")
    }
}

fn page_href(f: &Filters, page: i64) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if let Some(q) = &f.q {
        pairs.push(("q", q.clone()));
    }
    if let Some(o) = &f.organ {
        pairs.push(("organ", o.clone()));
    }
    if let Some(s) = f.session {
        pairs.push(("session", s.to_string()));
    }
    if let Some(d) = f.adopted_from {
        pairs.push(("from", d.to_string()));
    }
    if let Some(d) = f.adopted_to {
        pairs.push(("to", d.to_string()));
    }
    if f.lang != "en" {
        pairs.push(("lang", f.lang.clone()));
    }
    pairs.push(("page", page.to_string()));
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", form_encode(v)))
        .collect();
    format!("/?{}", query.join("&"))
}

/// `application/x-www-form-urlencoded` for one value.
fn form_encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// The element id of a clause, from its search path (`p3`, `3.b.ii`, `A.2`, `annex1.4`).
pub(crate) fn clause_id(path: &str) -> String {
    format!("c-{path}")
}

/// A search path as a reader names it: "preambular paragraph 3", "paragraph 3 (b) (ii)".
fn clause_name(path: &str) -> String {
    let mut parts = path.split('.').peekable();
    let mut prefix = String::new();
    if let Some(first) = parts.peek() {
        if first.len() == 1 && first.chars().all(|c| c.is_ascii_uppercase()) {
            prefix = format!("resolution {first}, ");
            parts.next();
        }
    }
    // A section with its own numbering (contract v2): `II.3`, `A.IV.p1`.
    if let Some(first) = parts.peek() {
        if !first.is_empty() && first.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L')) {
            let _ = write!(prefix, "section {first}, ");
            parts.next();
        }
    }
    let rest: Vec<&str> = parts.collect();
    let name = match rest.as_slice() {
        [] => String::new(),
        [p] if p.starts_with('p') => format!("preambular paragraph {}", &p[1..]),
        [a] if a.starts_with("annex") => format!("annex {}", &a[5..]),
        [a, n] if a.starts_with("annex") => format!("annex {}, paragraph {n}", &a[5..]),
        [n, subs @ ..] => {
            let mut s = format!("paragraph {n}");
            for sub in subs {
                let _ = write!(s, " ({sub})");
            }
            s
        }
    };
    prefix + &name
}

/// "2025-03-14" as "14 March 2025"; anything else as it is.
pub(crate) fn long_date(iso: &str) -> String {
    let mut it = iso.splitn(3, '-');
    match (it.next(), it.next(), it.next()) {
        (Some(y), Some(m), Some(d)) => match (m.parse::<usize>(), d.parse::<u32>()) {
            (Ok(m @ 1..=12), Ok(d)) => format!("{d} {} {y}", resingest_model::MONTHS[m - 1]),
            _ => iso.to_owned(),
        },
        _ => iso.to_owned(),
    }
}

/// One resolution's page.
pub(crate) struct Page<'a> {
    pub r: &'a Resolution,
    pub cited_by: &'a [Citing],
    pub stored_references: &'a [String],
}

/// Renders the clauses and remembers each footnote marker, so the notes can link back to
/// every place that cites them.
struct Markers {
    /// footnote number -> ids of its markers, in reading order.
    refs: RefCell<BTreeMap<u32, Vec<String>>>,
    /// The page's own English words ("Preamble", "footnote") inside a text in another language.
    en: Tongue<'static>,
}

impl Markers {
    fn new(page_lang: &str) -> Markers {
        Markers {
            refs: RefCell::default(),
            en: tongue("en", page_lang),
        }
    }

    fn markers(&self, numbers: &[u32]) -> Markup {
        html! {
            @for n in numbers {
                @let id = self.record(*n);
                sup.fnref {
                    a href={ "#fn-" (n) } id=(id) {
                        span.visually-hidden lang=[self.en.lang] { "footnote " } (n)
                    }
                }
            }
        }
    }

    fn record(&self, n: u32) -> String {
        let mut refs = self.refs.borrow_mut();
        let list = refs.entry(n).or_default();
        let id = format!("fnref-{n}-{}", list.len() + 1);
        list.push(id.clone());
        id
    }

    /// The clause text with its lead in italics (the lead is the text's opening run).
    fn text(&self, lead: Option<&str>, text: &str, footnotes: &[u32]) -> Markup {
        let split = lead.and_then(|l| text.strip_prefix(l).map(|rest| (l, rest)));
        html! {
            @if let Some((lead, rest)) = split {
                em.lead { (lead) } (rest)
            } @else {
                (text)
            }
            (self.markers(footnotes))
        }
    }

    fn preamble(&self, prefix: &str, clauses: &[Clause]) -> Markup {
        html! {
            div.preamble {
                @for c in clauses {
                    (headings(&c.headings))
                    p id=(clause_id(&format!("{prefix}p{}", c.index))) {
                        (self.text(c.lead.as_deref(), &c.text, &c.footnote_refs))
                    }
                }
            }
        }
    }

    fn operative(&self, prefix: &str, paragraphs: &[Paragraph]) -> Markup {
        html! {
            ol.operative {
                @for p in paragraphs {
                    @let path = format!("{prefix}{}", p.number);
                    li id=(clause_id(&path)) {
                        (headings(&p.headings))
                        span.num { (p.number) "." }
                        " "
                        (self.text(p.lead.as_deref(), &p.text, &p.footnote_refs))
                        (self.subs(&path, &p.subparagraphs))
                        @for c in &p.continued {
                            p.continued { (self.text(None, &c.text, &c.footnote_refs)) }
                        }
                    }
                }
            }
        }
    }

    fn subs(&self, parent: &str, subs: &[Subparagraph]) -> Markup {
        html! {
            @if !subs.is_empty() {
                ol.subs {
                    @for s in subs {
                        @let path = format!("{parent}.{}", s.label);
                        li id=(clause_id(&path)) {
                            span.num { "(" (s.label) ")" }
                            " "
                            (self.text(None, &s.text, &s.footnote_refs))
                            (self.subs(&path, &s.subparagraphs))
                        }
                    }
                }
            }
        }
    }

    /// A preamble and operative part under headings of `level` (`h2`, or `h3` in a part).
    fn body(
        &self,
        level: &str,
        prefix: &str,
        preamble: &[Clause],
        operative: &[Paragraph],
    ) -> Markup {
        html! {
            @if !preamble.is_empty() {
                (heading_tag(level, "Preamble", &format!("{prefix}preamble"), self.en))
                (self.preamble(prefix, preamble))
            }
            @if !operative.is_empty() {
                (heading_tag(level, "Operative paragraphs", &format!("{prefix}operative"), self.en))
                (self.operative(prefix, operative))
            }
        }
    }

    fn annex(&self, i: usize, a: &Annex) -> Markup {
        let base = format!("annex{}", i + 1);
        let paragraphs = a.paragraphs.as_deref().filter(|p| !p.is_empty());
        html! {
            section.annex aria-labelledby={ "h-" (base) } {
                h2 id={ "h-" (base) } {
                    @if let Some(h) = &a.heading { (h) } @else { (self.en.words(html! { "Text adopted" })) }
                    @if let Some(t) = &a.title { ": " (t) }
                }
                @if let Some(paras) = paragraphs {
                    ol.operative {
                        @for p in paras {
                            li id=(clause_id(&format!("{base}.{}", p.number))) {
                                span.num { (p.number) "." } " " (p.text) (self.markers(&p.footnote_refs))
                            }
                        }
                    }
                } @else {
                    p id=(clause_id(&base)) { (a.text) }
                }
            }
        }
    }
}

/// The section headings printed over a clause (contract v2), one line each.
fn headings(hs: &[Heading]) -> Markup {
    html! {
        @for h in hs {
            p.section-heading {
                @if let Some(n) = &h.num { span.num { (n) } @if !h.text.is_empty() { " " } }
                (h.text)
            }
        }
    }
}

/// An h2 (or h3 inside a lettered part) with an id for the table of contents; `text` is the
/// page's own English.
fn heading_tag(level: &str, text: &str, id: &str, en: Tongue) -> Markup {
    html! {
        @if level == "h3" { h3 id=(id) lang=[en.lang] { (text) } } @else { h2 id=(id) lang=[en.lang] { (text) } }
    }
}

pub(crate) fn resolution(p: &Page) -> Markup {
    let r = p.r;
    let m = Markers::new(&r.language);
    let en = m.en;
    let akn = format!("/resolutions/{}/akn", r.symbol);
    let json = format!("/v1/resolutions/{}?lang={}", r.symbol, r.language);
    let pdf = format!("/v1/resolutions/{}/pdf?lang={}", r.symbol, r.language);
    // The clauses first, so every footnote marker is known when the notes are written.
    let text = html! {
        (m.body("h2", "", &r.preamble, &r.operative))
        @for (i, s) in r.sections.iter().enumerate() {
            @let num = s.num.clone().unwrap_or_else(|| format!("s{}", i + 1));
            section.part aria-labelledby={ "h-sec-" (num) } {
                h2 id={ "h-sec-" (num) } {
                    (en.words(html! { "Section " (num) }))
                    @if let Some(t) = &s.heading { ": " (t) }
                }
                (m.body("h3", &format!("{num}."), &s.preamble, &s.operative))
            }
        }
        @for part in r.parts.iter().flatten() {
            section.part aria-labelledby={ "h-part-" (part.label) } {
                h2 id={ "h-part-" (part.label) } {
                    (en.words(html! { "Resolution " (part.label) }))
                    @if let Some(t) = &part.title { ": " (t) }
                }
                (m.body("h3", &format!("{}.", part.label), &part.preamble, &part.operative))
            }
        }
        @for (i, a) in r.annexes.iter().enumerate() { (m.annex(i, a)) }
    };
    let refs = m.refs.borrow();
    let main = html! {
        nav.crumbs aria-label="Breadcrumb" lang=[en.lang] dir=[en.dir] {
            a href="/" { "Resolutions" } " › " span aria-current="page" { (r.symbol) }
        }
        h1 {
            span.symbol { (r.symbol) }
            @if let Some(t) = &r.title { " " span.title { (t) } }
        }
        section aria-labelledby="h-details" {
            h2 #h-details.visually-hidden lang=[en.lang] { "Details" }
            // The labels and written-out dates are the page's English; the organ, meeting
            // and committee are as the resolution names them.
            dl.meta {
                dt lang=[en.lang] { "Symbol" } dd { (r.symbol) }
                dt lang=[en.lang] { "Organ" } dd { (r.organ) }
                @if let Some(s) = r.session { dt lang=[en.lang] { "Session" } dd { (s) } }
                dt lang=[en.lang] { "Adopted" } dd lang=[en.lang] { (r.adoption_date.as_deref().map(long_date).unwrap_or_else(|| "not adopted (no adoption date)".into())) }
                @if let Some(mt) = &r.meeting { dt lang=[en.lang] { "Meeting" } dd { (mt) } }
                dt lang=[en.lang] { "Committee" }
                @if let Some(c) = &r.main_committee { dd { (c) } } @else { dd lang=[en.lang] { "without reference to a Main Committee" } }
                @if !r.agenda_items.is_empty() {
                    dt lang=[en.lang] { "Agenda items" } dd { (r.agenda_items.join(", ")) }
                }
                @if !r.draft_symbols.is_empty() {
                    dt lang=[en.lang] { "Drafts and reports" } dd { (r.draft_symbols.join(", ")) }
                }
                @if let Some(d) = &r.distribution_date { dt lang=[en.lang] { "Distributed" } dd lang=[en.lang] { (long_date(d)) } }
                dt lang=[en.lang] { "Language" } dd { (r.language) }
            }
            ul.formats lang=[en.lang] dir=[en.dir] {
                li { a href=(akn) type="application/akn+xml" { "Akoma Ntoso XML" } }
                li { a href=(json) type="application/json" { "JSON" } }
                li {
                    a href=(pdf) type="application/pdf" { "Source PDF" }
                    " (sha256 " code { (r.provenance.sha256) } ", " (r.provenance.pages) " pages)"
                }
            }
        }
        (text)
        @if !r.footnotes.is_empty() {
            section.notes aria-labelledby="h-notes" {
                h2 #h-notes lang=[en.lang] { "Notes" }
                ol.footnotes {
                    @for f in &r.footnotes {
                        li id={ "fn-" (f.number) } {
                            span.num { (f.number) } " " (f.text)
                            @for (k, back) in refs.get(&f.number).into_iter().flatten().enumerate() {
                                " "
                                a.back href={ "#" (back) } {
                                    "↩" span.visually-hidden lang=[en.lang] { " back to reference " (k + 1) " of footnote " (f.number) }
                                }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="h-cites" {
            h2 #h-cites lang=[en.lang] { "Cites" }
            @if r.references.is_empty() {
                p lang=[en.lang] { "No resolution." }
            } @else {
                ul.cites {
                    @for s in &r.references {
                        li {
                            @if p.stored_references.contains(s) {
                                a href=(resolution_href(s, &r.language)) { (s) }
                            } @else {
                                (s) " " span.note lang=[en.lang] { "(not stored here)" }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="h-cited-by" {
            h2 #h-cited-by lang=[en.lang] { "Cited by" }
            @if p.cited_by.is_empty() {
                p lang=[en.lang] { "No stored resolution cites it." }
            } @else {
                ul.cited-by {
                    @for c in p.cited_by {
                        li {
                            a href=(resolution_href(&c.symbol, &r.language)) { (c.symbol) }
                            @if let Some(t) = &c.title { " " span.title { (t) } }
                            @if let Some(d) = &c.adoption_date { " " span.note lang=[en.lang] { "(" (long_date(d)) ")" } }
                        }
                    }
                }
            }
        }
    };
    layout(&r.symbol, &r.language, main)
}

/// A page that says what went wrong and what to do.
pub(crate) fn error(heading: &str, message: &str) -> Markup {
    layout(
        heading,
        "en",
        html! {
            h1 { (heading) }
            p { (message) }
            p { a href="/" { "Back to the newest resolutions" } }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_and_only_balanced_marks_become_mark_elements() {
        let s = format!("a <b>&{MARK_START}word{MARK_END} x{MARK_END} {MARK_START}open");
        assert_eq!(
            highlighted(&s).into_string(),
            "a &lt;b&gt;&amp;<mark>word</mark> x <mark>open</mark>"
        );
    }

    #[test]
    fn search_paths_read_as_a_reader_names_clauses() {
        assert_eq!(clause_name("p3"), "preambular paragraph 3");
        assert_eq!(clause_name("3.b.ii"), "paragraph 3 (b) (ii)");
        assert_eq!(clause_name("A.p2"), "resolution A, preambular paragraph 2");
        assert_eq!(clause_name("annex1.4"), "annex 1, paragraph 4");
        assert_eq!(clause_name("annex2"), "annex 2");
        assert_eq!(clause_name("XII.3"), "section XII, paragraph 3");
    }

    #[test]
    fn section_headings_are_shown_over_their_clauses() {
        let r: Resolution = serde_json::from_value(serde_json::json!({
            "symbol": "A/RES/1/1", "organ": "General Assembly", "language": "en", "session": 1,
            "distribution": null, "distribution_date": null, "adoption_date": null, "meeting": null,
            "main_committee": null, "title": null, "kind": "resolution", "schema_version": 2,
            "provenance": {"sha256": "00", "bytes": 1, "pages": 1, "extractor_version": "x"},
            "operative": [{"number": 1, "lead": null, "text": "Notes.",
                           "headings": [{"num": "I", "text": "Legislative activities"}]}],
            "sections": [{"num": "II", "heading": "Umoja",
                          "operative": [{"number": 1, "lead": null, "text": "Decides."}]}]
        }))
        .unwrap();
        let html = resolution(&Page {
            r: &r,
            cited_by: &[],
            stored_references: &[],
        })
        .into_string();
        assert!(html.contains("<p class=\"section-heading\"><span class=\"num\">I</span> Legislative activities</p>"), "{html}");
        assert!(html.contains("Section II: Umoja"), "{html}");
        assert!(html.contains("id=\"c-II.1\""), "{html}");
    }

    fn resolution_in(lang: &str, title: &str) -> Resolution {
        serde_json::from_value(serde_json::json!({
            "symbol": "A/RES/1/1", "organ": "General Assembly", "language": lang, "session": 1,
            "distribution": null, "distribution_date": null, "adoption_date": "2025-01-02",
            "meeting": null, "main_committee": null, "title": title, "kind": "resolution",
            "schema_version": 2,
            "provenance": {"sha256": "00", "bytes": 1, "pages": 1, "extractor_version": "x"},
            "preamble": [{"index": 1, "lead": null, "text": "Rappelant.", "footnote_refs": [1]}],
            "footnotes": [{"number": 1, "text": "Voir."}]
        }))
        .unwrap()
    }

    fn page_of(r: &Resolution) -> String {
        resolution(&Page {
            r,
            cited_by: &[],
            stored_references: &[],
        })
        .into_string()
    }

    #[test]
    fn a_resolution_page_is_in_its_language_and_direction_with_the_english_parts_marked() {
        let fr = page_of(&resolution_in("fr", "Coopération"));
        assert!(fr.contains("<html lang=\"fr\">"), "{fr}");
        for english in [
            "<a class=\"skip\" href=\"#main\" lang=\"en\">",
            "<header class=\"banner\" lang=\"en\">",
            "<footer lang=\"en\">",
            "<h2 id=\"preamble\" lang=\"en\">Preamble</h2>",
            "<dt lang=\"en\">Symbol</dt>",
            "<dd lang=\"en\">2 January 2025</dd>",
            "<span class=\"visually-hidden\" lang=\"en\">footnote </span>",
            "<h2 id=\"h-notes\" lang=\"en\">Notes</h2>",
        ] {
            assert!(fr.contains(english), "{english} in {fr}");
        }
        assert!(
            !fr.contains("dir="),
            "French and English run the same way: {fr}"
        );

        let ar = page_of(&resolution_in("ar", "التعاون"));
        assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"), "{ar}");
        assert!(
            ar.contains("<header class=\"banner\" lang=\"en\" dir=\"ltr\">"),
            "{ar}"
        );

        let en = page_of(&resolution_in("en", "Cooperation"));
        assert!(en.contains("<html lang=\"en\">"), "{en}");
        assert_eq!(
            en.matches(" lang=").count(),
            1,
            "only the html element: {en}"
        );
        assert!(!en.contains("dir="), "{en}");
    }

    #[test]
    fn the_list_marks_titles_and_snippets_in_other_languages() {
        let listed = |lang: &str, title: &str| Listed {
            symbol: "A/RES/1/1".into(),
            language: lang.into(),
            organ: "General Assembly".into(),
            session: Some(1),
            title: Some(title.into()),
            adoption_date: None,
        };
        let f = Filters {
            lang: "en".into(),
            ..Filters::default()
        };
        let home = |results| {
            super::home(&Home {
                filters: &f,
                organs: &[],
                results,
                page: 1,
                more: false,
                problem: None,
            })
            .into_string()
        };
        let list = home(Results::Newest(vec![
            listed("en", "Cooperation"),
            listed("fr", "Coopération"),
            listed("ar", "التعاون"),
        ]));
        assert!(list.contains("<html lang=\"en\">"), "{list}");
        assert!(
            list.contains("<span class=\"title\">Cooperation</span>"),
            "{list}"
        );
        assert!(
            list.contains("<span class=\"title\" lang=\"fr\">Coopération</span>"),
            "{list}"
        );
        assert!(
            list.contains("<span class=\"title\" lang=\"ar\" dir=\"rtl\">التعاون</span>"),
            "{list}"
        );
        let hits = home(Results::Hits(vec![Hit {
            symbol: "A/RES/1/1".into(),
            language: "ru".into(),
            title: Some("Сотрудничество".into()),
            path: "p1".into(),
            snippet: "сотрудничество".into(),
        }]));
        assert!(
            hits.contains("<span class=\"title\" lang=\"ru\">Сотрудничество</span>"),
            "{hits}"
        );
        assert!(hits.contains("<p class=\"snippet\" lang=\"ru\">"), "{hits}");
    }

    #[test]
    fn dates_are_written_out_and_page_links_keep_the_filters() {
        assert_eq!(long_date("2025-03-14"), "14 March 2025");
        assert_eq!(long_date("garbage"), "garbage");
        let f = Filters {
            q: Some("women & peace".into()),
            session: Some(78),
            lang: "en".into(),
            ..Filters::default()
        };
        assert_eq!(page_href(&f, 2), "/?q=women+%26+peace&session=78&page=2");
    }
}
