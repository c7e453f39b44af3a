//! Comparing extractions with the UN's markup, one document ([`compare_akn`]) or a folder
//! ([`score_dir`]).
//!
//! Counted per document, as `eval --gold` counts them:
//! - units: preambular clauses, operative paragraphs and sub-items at any depth, matched one to
//!   one by name (`P3`, `O8.a.ii`, `I.O2` in a restarting section); exact when text, lead and
//!   footnote references agree after [`normalize`](crate::normalize); a unit only one side has
//!   is a miss;
//! - leads: of the UN's preambular and operative units, those whose lead the extraction has
//!   (a missing unit is a wrong lead);
//! - footnotes, by marker: exact when the texts agree;
//! - headings: number and title, matched one to one in order;
//! - a document is wholly exact when all four are.

use super::read::{collapse, continue_last_unit, read_akn, AknDocument, Heading};
use super::AknError;
use crate::compare::{compare_units, string_diff, DocReport};
use crate::corpus::{sorted_files, Corpus};
use crate::normalize::normalize;
use crate::units::{array, units, Sections, UnitKind};
use resingest_model::Resolution;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

/// One extraction against the UN's markup of the same resolution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AknReport {
    pub symbol: String,
    pub units_exact: usize,
    pub units_total: usize,
    /// Unit name and the first difference.
    pub wrong_units: Vec<(String, String)>,
    pub leads_exact: usize,
    pub leads_total: usize,
    pub footnotes_exact: usize,
    pub footnotes_total: usize,
    pub wrong_footnotes: Vec<String>,
    pub headings_exact: usize,
    pub headings_total: usize,
    pub wrong_headings: Vec<String>,
    /// Symbol, session, adoption date, meeting, committee and title, where the markup tags
    /// them (not part of [`AknReport::is_exact`], which judges the clauses).
    pub meta_exact: usize,
    pub meta_total: usize,
    pub wrong_meta: Vec<String>,
    /// The language the markup declares and the one the extraction detected.
    pub language: Option<(String, String)>,
}

impl AknReport {
    pub fn is_exact(&self) -> bool {
        self.units_exact == self.units_total
            && self.leads_exact == self.leads_total
            && self.footnotes_exact == self.footnotes_total
            && self.headings_exact == self.headings_total
    }
}

impl fmt::Display for AknReport {
    /// `A/RES/78/101: units 45/45; leads 30/30; footnotes 4/4; headings 0/0`, then one
    /// indented line per miss.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: units {}/{}; leads {}/{}; footnotes {}/{}; headings {}/{}",
            self.symbol,
            self.units_exact,
            self.units_total,
            self.leads_exact,
            self.leads_total,
            self.footnotes_exact,
            self.footnotes_total,
            self.headings_exact,
            self.headings_total
        )?;
        write!(f, "; metadata {}/{}", self.meta_exact, self.meta_total)?;
        if let Some((want, got)) = &self.language {
            if want == got {
                write!(f, "; language {got}")?;
            } else {
                write!(f, "; language {got}, not {want}")?;
            }
        }
        for (unit, reason) in &self.wrong_units {
            write!(f, "\n  {unit}: {reason}")?;
        }
        for line in self
            .wrong_footnotes
            .iter()
            .chain(&self.wrong_headings)
            .chain(&self.wrong_meta)
        {
            write!(f, "\n  {line}")?;
        }
        Ok(())
    }
}

/// Compares one extraction with the UN's markup of it.
pub fn compare_akn(akn: &AknDocument, got: &Resolution) -> AknReport {
    let got = serde_json::to_value(got.folded()).expect("a Resolution always serialises to JSON");
    compare_akn_value(akn, &got)
}

/// [`compare_akn`] on the extraction as contract JSON.
pub fn compare_akn_value(akn: &AknDocument, got: &Value) -> AknReport {
    let got = &in_the_body(got);
    let mut units_report = DocReport::default();
    compare_units(&akn.clauses, got, &mut units_report);
    let mut r = AknReport {
        symbol: akn.symbol.clone(),
        units_exact: units_report.units_exact,
        units_total: units_report.units_total,
        wrong_units: units_report.wrong_units,
        ..AknReport::default()
    };
    count_leads(akn, got, &mut r);
    count_footnotes(akn, got, &mut r);
    count_headings(&akn.headings, &headings_of(got), &mut r);
    count_meta(akn, got, &mut r);
    r.language = akn.meta.language.clone().map(|want| {
        let got = got["language"].as_str().unwrap_or_default().to_string();
        (want, got)
    });
    r
}

/// `got` with the clauses of each text adopted inline (an annex with no heading, contract v4)
/// where the UN's editors mark them up: in the main body after the paragraph adopting it, its
/// title the heading over its first paragraph. Its unnumbered opening paragraphs ("We, the
/// Heads of State ...,") go on the unit before them, as the markup's unnumbered paragraphs
/// are read ([`read_akn`](super::read_akn)).
fn in_the_body(got: &Value) -> Value {
    let mut got = got.clone();
    let annexes = got["annexes"].as_array().cloned().unwrap_or_default();
    for annex in annexes.iter().filter(|a| a["heading"].is_null()) {
        let Some(top) = got["operative"].as_array_mut() else {
            continue;
        };
        for clause in array(annex, "preamble") {
            if let Some(last) = top.last_mut() {
                continue_last_unit(last, clause);
            }
        }
        let mut adopted = array(annex, "operative").to_vec();
        if let (Some(first), Some(title)) = (adopted.first_mut(), annex["title"].as_str()) {
            let mut headings = vec![serde_json::json!({"num": null, "text": title})];
            headings.extend(array(first, "headings").iter().cloned());
            first["headings"] = Value::Array(headings);
        }
        top.extend(adopted);
    }
    got
}

/// Each field the markup tags, compared after [`normalize`]; a field the markup leaves out is
/// not counted.
fn count_meta(akn: &AknDocument, got: &Value, r: &mut AknReport) {
    let m = &akn.meta;
    let text = |v: Option<String>| v.map(|s| normalize(&s));
    let fields: [(&str, Option<Option<String>>); 6] = [
        ("symbol", Some(Some(akn.symbol.clone()))),
        ("session", m.session.map(|n| Some(n.to_string()))),
        ("adoption_date", m.adoption_date.clone().map(Some)),
        ("meeting", m.meeting.clone().map(Some)),
        ("main_committee", m.main_committee.clone()),
        ("title", m.title.clone().map(Some)),
    ];
    for (name, want) in fields {
        let Some(want) = want else { continue };
        r.meta_total += 1;
        let have = match &got[name] {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let (want, have) = (text(want), text(have));
        if want == have {
            r.meta_exact += 1;
        } else {
            let show =
                |v: &Option<String>| v.as_deref().map_or("null".into(), |s| format!("«{s}»"));
            r.wrong_meta
                .push(format!("{name}: gold {} got {}", show(&want), show(&have)));
        }
    }
}

fn count_leads(akn: &AknDocument, got: &Value, r: &mut AknReport) {
    let got_units: HashMap<String, &Value> = units(got, Sections::ALL)
        .into_iter()
        .map(|u| (u.key, u.value))
        .collect();
    for u in units(&akn.clauses, Sections::ALL) {
        if u.kind == UnitKind::Subitem {
            continue;
        }
        r.leads_total += 1;
        let want = u.value.get("lead").and_then(Value::as_str).map(normalize);
        let have = got_units
            .get(&u.key)
            .map(|g| g.get("lead").and_then(Value::as_str).map(normalize));
        r.leads_exact += usize::from(have == Some(want));
    }
}

fn count_footnotes(akn: &AknDocument, got: &Value, r: &mut AknReport) {
    let mut want: BTreeMap<String, String> = BTreeMap::new();
    for n in &akn.footnotes {
        let mut key = n.marker.clone();
        let mut k = 2;
        while want.contains_key(&key) {
            key = format!("{}#{k}", n.marker);
            k += 1;
        }
        want.insert(key, n.text.clone());
    }
    let have: BTreeMap<String, String> = array(got, "footnotes")
        .iter()
        .filter_map(|f| {
            let n = f.get("number")?.as_u64()?;
            Some((n.to_string(), f.get("text")?.as_str()?.to_string()))
        })
        .collect();
    let mut markers: Vec<&String> = want
        .keys()
        .chain(have.keys())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    markers.sort_by_key(|m| (m.parse::<u64>().unwrap_or(u64::MAX), m.to_string()));
    for m in markers {
        r.footnotes_total += 1;
        let miss = match (want.get(m), have.get(m)) {
            (Some(w), Some(h)) if normalize(w) == normalize(h) => None,
            (Some(w), Some(h)) => Some(format!(
                "text {}",
                string_diff(&normalize(w), &normalize(h))
            )),
            (Some(_), None) => Some("missing".into()),
            (None, _) => Some("extra".into()),
        };
        match miss {
            None => r.footnotes_exact += 1,
            Some(why) => r.wrong_footnotes.push(format!("footnote {m}: {why}")),
        }
    }
}

/// The headings an extraction carries: v2 `sections` (number and heading) and the
/// `headings` on clauses, and the label and title of each part (v1 modelled restarting
/// sections as parts).
fn headings_of(got: &Value) -> Vec<Heading> {
    fn text(v: Option<&Value>) -> Option<String> {
        v.and_then(Value::as_str).map(collapse)
    }
    fn on_clauses(body: &Value, out: &mut Vec<Heading>) {
        for c in array(body, "preamble")
            .iter()
            .chain(array(body, "operative"))
        {
            for h in array(c, "headings") {
                out.push(Heading {
                    num: text(h.get("num")),
                    text: text(h.get("text")).unwrap_or_default(),
                });
            }
        }
    }
    fn body(b: &Value, out: &mut Vec<Heading>) {
        on_clauses(b, out);
        for s in array(b, "sections") {
            out.push(Heading {
                num: text(s.get("num")),
                text: text(s.get("heading")).unwrap_or_default(),
            });
            on_clauses(s, out);
        }
    }
    let mut out = Vec::new();
    body(got, &mut out);
    for p in array(got, "parts") {
        out.push(Heading {
            num: text(p.get("label")),
            text: text(p.get("title")).unwrap_or_default(),
        });
        body(p, &mut out);
    }
    out
}

fn show(h: &Heading) -> String {
    match &h.num {
        Some(n) => format!("«{n} {}»", h.text),
        None => format!("«{}»", h.text),
    }
}

/// Headings matched one to one in order: each of the UN's takes the first unused equal one.
fn count_headings(want: &[Heading], have: &[Heading], r: &mut AknReport) {
    let key = |h: &Heading| {
        (
            h.num.as_deref().map(|n| normalize(n.trim_end_matches('.'))),
            normalize(&h.text),
        )
    };
    let have_keys: Vec<_> = have.iter().map(key).collect();
    let mut used = vec![false; have.len()];
    for w in want {
        r.headings_total += 1;
        let k = key(w);
        match (0..have.len()).find(|&i| !used[i] && have_keys[i] == k) {
            Some(i) => {
                used[i] = true;
                r.headings_exact += 1;
            }
            None => r
                .wrong_headings
                .push(format!("heading {}: missing", show(w))),
        }
    }
    for (h, _) in have.iter().zip(&used).filter(|(_, u)| !**u) {
        r.headings_total += 1;
        r.wrong_headings.push(format!("heading {}: extra", show(h)));
    }
}

/// Totals over many documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AknSummary {
    pub documents: usize,
    pub documents_exact: usize,
    pub units_exact: usize,
    pub units_total: usize,
    pub leads_exact: usize,
    pub leads_total: usize,
    pub footnotes_exact: usize,
    pub footnotes_total: usize,
    pub headings_exact: usize,
    pub headings_total: usize,
    pub meta_exact: usize,
    pub meta_total: usize,
    /// Documents whose detected language is the one their markup declares, of those declaring.
    pub language_exact: usize,
    pub language_total: usize,
}

impl AknSummary {
    pub fn add(&mut self, r: &AknReport) {
        self.documents += 1;
        self.documents_exact += usize::from(r.is_exact());
        self.units_exact += r.units_exact;
        self.units_total += r.units_total;
        self.leads_exact += r.leads_exact;
        self.leads_total += r.leads_total;
        self.footnotes_exact += r.footnotes_exact;
        self.footnotes_total += r.footnotes_total;
        self.headings_exact += r.headings_exact;
        self.headings_total += r.headings_total;
        self.meta_exact += r.meta_exact;
        self.meta_total += r.meta_total;
        if let Some((want, got)) = &r.language {
            self.language_total += 1;
            self.language_exact += usize::from(want == got);
        }
    }

    /// A share in percent; 100 for an empty total.
    pub fn pct(n: usize, m: usize) -> f64 {
        if m == 0 {
            100.0
        } else {
            n as f64 * 100.0 / m as f64
        }
    }
}

impl fmt::Display for AknSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |label: &str, n: usize, m: usize| {
            format!("{label}: {n}/{m} ({:.1}%)", AknSummary::pct(n, m))
        };
        let lines = [
            line("units exact", self.units_exact, self.units_total),
            line("leads", self.leads_exact, self.leads_total),
            line("footnotes", self.footnotes_exact, self.footnotes_total),
            line("headings", self.headings_exact, self.headings_total),
            line("metadata fields", self.meta_exact, self.meta_total),
            line("language", self.language_exact, self.language_total),
            line(
                "documents wholly exact",
                self.documents_exact,
                self.documents,
            ),
        ];
        write!(f, "{}", lines.join("\n"))
    }
}

/// A Markdown table of per-language summaries (`("fr", summary)`), one row per language.
pub fn language_table(rows: &[(String, AknSummary)]) -> String {
    let cell = |n: usize, m: usize| format!("{n}/{m} ({:.1}%)", AknSummary::pct(n, m));
    let mut out = String::from(
        "| language | documents | language detected | units exact | leads | footnotes | metadata fields | documents wholly exact |\n\
         |---|---|---|---|---|---|---|---|",
    );
    for (lang, s) in rows {
        out.push_str(&format!(
            "\n| {lang} | {} | {} | {} | {} | {} | {} | {} |",
            s.documents,
            cell(s.language_exact, s.language_total),
            cell(s.units_exact, s.units_total),
            cell(s.leads_exact, s.leads_total),
            cell(s.footnotes_exact, s.footnotes_total),
            cell(s.meta_exact, s.meta_total),
            cell(s.documents_exact, s.documents),
        ));
    }
    out
}

/// The result of scoring a folder: one line per XML file (a report, or why it was not scored),
/// the reports, and their totals.
#[derive(Debug, Clone, Default)]
pub struct AknRun {
    pub lines: Vec<String>,
    pub reports: Vec<AknReport>,
    pub summary: AknSummary,
}

/// Scores every `*.xml` of `akn_dir` against the extraction of its PDF: the one beside it
/// with the same name when there is one, else the one in `corpus` paired by
/// job number (`A_RES_78_101-2324977E.xml` is the PDF whose MANIFEST.tsv row reads
/// `23-24977 (E)`), else by symbol. `extract` turns PDF bytes into a resolution.
pub fn score_dir(
    akn_dir: &Path,
    corpus: &Path,
    extract: &dyn Fn(&[u8]) -> Result<Resolution, String>,
) -> Result<AknRun, AknError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| AknError::Io { path, source }
    };
    let files = sorted_files(akn_dir, "xml").map_err(io(akn_dir))?;
    if files.is_empty() {
        return Err(AknError::Empty(akn_dir.to_path_buf()));
    }
    let corpus = Corpus::open(corpus).map_err(|e| AknError::Io {
        path: e.path,
        source: e.source,
    })?;
    let mut run = AknRun::default();
    for file in files {
        let xml = std::fs::read_to_string(&file).map_err(io(&file))?;
        let akn = read_akn(&xml).map_err(|e| AknError::File {
            path: file.clone(),
            source: Box::new(e),
        })?;
        let job = file
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.rsplit_once('-'))
            .map(|(_, job)| job);
        // A rendering keeps its PDF beside its XML (`corpus-ml/fr/A_RES_78_101-FR.pdf`).
        let beside = Some(file.with_extension("pdf")).filter(|p| p.is_file());
        let listed = job
            .and_then(|j| corpus.pdf_of_job(j))
            .or_else(|| corpus.pdf_of(&akn.symbol))
            .map(Path::to_path_buf);
        let Some(pdf) = beside.or(listed) else {
            run.lines
                .push(format!("{}: no PDF in the corpus, not scored", akn.symbol));
            continue;
        };
        let bytes = std::fs::read(&pdf).map_err(io(&pdf))?;
        match extract(&bytes) {
            Ok(got) => {
                let report = compare_akn(&akn, &got);
                run.lines.push(report.to_string());
                run.summary.add(&report);
                run.reports.push(report);
            }
            Err(e) => run
                .lines
                .push(format!("{}: extraction failed: {e}", akn.symbol)),
        }
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn akn() -> AknDocument {
        read_akn(
            r#"<akomaNtoso><statement><preface><docNumber>78/1.</docNumber></preface>
            <preamble><container><p><span class="italic">Recalling</span> x,<authorialNote marker="1"><p>See A/1.</p></authorialNote></p></container></preamble>
            <mainBody><paragraph class="H23"><num>I.</num><subheading>Budget</subheading></paragraph>
            <paragraph><num>1.</num><content><p><span class="italic">Decides</span> y.</p></content></paragraph>
            </mainBody></statement></akomaNtoso>"#,
        )
        .unwrap()
    }

    fn got() -> Value {
        json!({
            "symbol": "A/RES/78/1",
            "preamble": [{"index": 1, "lead": "Recalling", "text": "Recalling x,", "footnote_refs": [1]}],
            "operative": [{"number": 1, "lead": "Decides", "text": "Decides y.", "footnote_refs": [], "subparagraphs": []}],
            "footnotes": [{"number": 1, "text": "See A/1."}],
            "sections": [{"num": "I", "heading": "Budget"}]
        })
    }

    #[test]
    fn an_equal_extraction_is_wholly_exact() {
        let r = compare_akn_value(&akn(), &got());
        assert!(r.is_exact(), "{r}");
        assert_eq!(
            r.to_string(),
            "A/RES/78/1: units 2/2; leads 2/2; footnotes 1/1; headings 1/1; metadata 1/1"
        );
    }

    #[test]
    fn each_kind_of_miss_is_counted_and_shown() {
        let mut g = got();
        g["operative"][0]["lead"] = Value::Null;
        g["footnotes"] = json!([{"number": 1, "text": "See A/2."}, {"number": 2, "text": "x"}]);
        g["sections"] = json!([]);
        let r = compare_akn_value(&akn(), &g);
        assert_eq!((r.units_exact, r.units_total), (1, 2));
        assert_eq!((r.leads_exact, r.leads_total), (1, 2));
        assert_eq!((r.footnotes_exact, r.footnotes_total), (0, 2));
        assert_eq!((r.headings_exact, r.headings_total), (0, 1));
        assert!(!r.is_exact());
        let text = r.to_string();
        assert!(
            text.contains("\n  O1: lead gold \"Decides\" got null"),
            "{text}"
        );
        assert!(
            text.contains("\n  footnote 1: text at char 7: gold «See A/1.» got «See A/2.»"),
            "{text}"
        );
        assert!(text.contains("\n  footnote 2: extra"), "{text}");
        assert!(text.contains("\n  heading «I Budget»: missing"), "{text}");
        let mut s = AknSummary::default();
        s.add(&r);
        s.add(&compare_akn_value(&akn(), &got()));
        assert_eq!(
            s.to_string(),
            "units exact: 3/4 (75.0%)\nleads: 3/4 (75.0%)\nfootnotes: 1/3 (33.3%)\n\
             headings: 1/2 (50.0%)\nmetadata fields: 2/2 (100.0%)\nlanguage: 0/0 (100.0%)\n\
             documents wholly exact: 1/2 (50.0%)"
        );
    }

    #[test]
    fn metadata_and_language_are_scored_and_shown() {
        let xml = r##"<akomaNtoso><statement><meta><FRBRWork><FRBRdate date="2023-12-07" name="adoption"/></FRBRWork>
            <FRBRExpression><FRBRlanguage language="rus"/></FRBRExpression></meta>
            <coverPage><p><session value="78">x</session></p><p><docProponent refersTo="#thirdCommittee">[x]</docProponent></p></coverPage>
            <preface><p><docNumber>78/1.</docNumber><docTitle>Тема</docTitle></p></preface>
            <mainBody><paragraph><num>1.</num><content><p>y.</p></content></paragraph></mainBody>
            <conclusions><p><event><location refersTo="#adoptionMeeting">45-е пленарное заседание</location></event></p></conclusions>
            </statement></akomaNtoso>"##;
        let akn = read_akn(xml).unwrap();
        let mut g = json!({
            "symbol": "A/RES/78/1", "language": "ru", "session": 78, "adoption_date": "2023-12-07",
            "meeting": "45‑е пленарное заседание", "main_committee": "Third Committee", "title": "Тема",
            "preamble": [], "operative": [{"number": 1, "lead": null, "text": "y.", "footnote_refs": [], "subparagraphs": []}],
        });
        let r = compare_akn_value(&akn, &g);
        assert_eq!((r.meta_exact, r.meta_total), (6, 6), "{r}");
        assert!(
            r.to_string().ends_with("; metadata 6/6; language ru"),
            "{r}"
        );
        g["language"] = json!("en");
        g["session"] = Value::Null;
        let r = compare_akn_value(&akn, &g);
        assert_eq!((r.meta_exact, r.meta_total), (5, 6));
        let text = r.to_string();
        assert!(text.contains("; language en, not ru"), "{text}");
        assert!(text.contains("\n  session: gold «78» got null"), "{text}");
        let mut s = AknSummary::default();
        s.add(&r);
        assert_eq!((s.language_exact, s.language_total), (0, 1));
    }

    #[test]
    fn the_language_table_has_a_row_per_language() {
        let mut s = AknSummary::default();
        s.add(&compare_akn_value(&akn(), &got()));
        let t = language_table(&[("fr".into(), s)]);
        let rows: Vec<&str> = t.lines().collect();
        assert_eq!(rows.len(), 3, "{t}");
        assert!(rows[0].starts_with("| language | documents |"), "{t}");
        assert_eq!(
            rows[2],
            "| fr | 1 | 0/0 (100.0%) | 2/2 (100.0%) | 2/2 (100.0%) | 1/1 (100.0%) | 1/1 (100.0%) | 1/1 (100.0%) |"
        );
    }
}
