//! Akoma Ntoso 3.0 output of a [`Resolution`], written the way the UN's own editors write
//! AKN4UN (the DGACM markup of the same resolutions in `shared/reference/un-akn` is the model):
//! [`to_akn`] and [`to_akn_marked_up_on`].
//!
//! - `render`: one pass over the resolution, in document order, onto
//! - `xml`: quick-xml's writer with block indentation and XML-1.0 character cleaning (no
//!   `format!` and hand escaping anywhere);
//! - `uri`: FRBR IRIs, numbers and organ names from the symbol;
//! - `cite`: where a clause prints the resolutions it cites, for `<ref>`.
//!
//! This crate renders only what the contract holds: it never re-reads the PDF, never copies
//! from the UN's markup and never guesses content. What the UN adds that the PDF does not
//! carry (votes, SDG and thesaurus keywords, workflow dates) is left out.
//!
//! # Identification (FRBR)
//! Work `/akn/un/statement/deliberation/unga/2023-12-07/78-101/` (organ `unga`, `unsc`,
//! `unhrc`, `unecosoc`; adoption date, else distribution date for drafts, else `0001-01-01`;
//! the number is the symbol without its organ prefix), `FRBRthis` `{work}!main`, the symbol as
//! `FRBRalias name="symbol"`, `FRBRsubtype` the document type, `FRBRnumber value="78-101"
//! showAs="78/101"`. Expression `{work}eng@/` in the document's own language, dated by
//! publication (the distribution date). Manifestation `{work}eng@/!main.xml`, dated by this
//! markup ([`to_akn`] uses today's date, [`to_akn_marked_up_on`] a given one, so tests and
//! callers that need the same bytes twice can have them). Citations link
//! `https://undocs.org/en/A/RES/1514(XV)` as the UN's markup does.
//!
//! # Skeleton
//! `statement name="resolution"` (`resolutionDraft`, `amendment`) with
//! - `coverPage`: symbol (`docNumber`), organ (`docAuthority`), `docStatus`, `docDate` of
//!   issuance, `session`, agenda items, the adoption line as `docTitle`, the committee line
//!   as `docProponent refersTo="#thirdCommittee"` (`#noMainCommittee`);
//! - `preface`: `docNumber` "78/101." and `docTitle` (Security Council: "Resolution 2769
//!   (2025)" and the adoption line with its meeting);
//! - `preamble`: `formula name="enactingFormula"` ("*The General Assembly*,") and one
//!   `container` per preambular paragraph named by its lead as printed (`name="Recalling
//!   also"`), eIds `formula_1`, `container_2`, ... counting the preamble's children;
//! - `mainBody`: `paragraph eId="para_12"` with `num` "12." and `content eId="para_12__content"`,
//!   or `list eId="para_12_list"` with `intro` and `point eId="para_12_list_point_a"` (`num`
//!   "(a)", `content eId="..._point_a_content"`); a point's own sub-items follow it in a
//!   `sublist`, as the UN nests them. Contract v2 `sections` (and a v1 document's roman
//!   parts, 79/258) are `section`s with `num`, `subheading` and their preambular paragraphs
//!   as `crossHeading refersTo="#preamble"`; v2 `headings` over continuous numbering are one
//!   unnumbered `paragraph` with a `subheading` per printed line before the paragraph they
//!   head (78/297, 79/117); lettered resolutions (71/123 A, B) are
//!   `hcontainer name="resolution"`;
//! - `conclusions`: the meeting line (`event` / `location` / `eol` / `docDate`), not for the
//!   Security Council, which prints it in the preface, then footnotes no clause refers to;
//! - `attachments`: one `doc name="annex"` per annex with its own identification.
//!
//! Words around the fields ("Distr.:", "Agenda item", "Resolution adopted by the General
//! Assembly on", the enacting formula) are written for English documents only, which print
//! them so; a document in another language gets the fields alone, never English labels.
//!
//! The UN's eIds carry a counter of its word processor's paragraphs (`para_12` is operative
//! paragraph 1 of 78/101, `para_13` paragraph 2, `para_15` paragraph 3); ours follow the same
//! scheme with the printed number (`para_1`), which the PDF carries and re-extraction keeps.
//!
//! # Footnotes
//! The contract removes footnote markers from the text and keeps only each clause's
//! `footnote_refs`, so the marker position inside a clause is unknown. Each footnote is
//! written once, as `<authorialNote marker="n" placement="bottom">` at the end of the first
//! clause that refers to it; later references become `<noteRef href="#authorialNote_n">`.
//! Every eId is unique in the document (the schema requires it across attachments too): a
//! duplicate gets a `_2` suffix.

mod cite;
mod render;
mod uri;
mod xml;

use resingest_model::Resolution;

/// Renders `r` as an Akoma Ntoso 3.0 XML document (UTF-8, with declaration), marked up today
/// (UTC).
pub fn to_akn(r: &Resolution) -> String {
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    to_akn_marked_up_on(r, &today)
}

/// [`to_akn`] with the manifestation's markup date given (`YYYY-MM-DD`), so the same
/// resolution gives the same bytes.
///
/// # Panics
/// When `markup_date` is not an ISO date, since it would make the document invalid.
pub fn to_akn_marked_up_on(r: &Resolution, markup_date: &str) -> String {
    assert!(
        render::is_iso_date(markup_date),
        "markup date {markup_date:?} is not YYYY-MM-DD"
    );
    render::Renderer::new(r, markup_date).render()
}
