//! Comparing one extraction with its gold file: [`compare`] gives a [`DocReport`].
//!
//! What is counted, separately:
//! - units (see `units`): a unit is exact when its `text`, `lead` and `footnote_refs` equal the
//!   gold's after [`normalize`]. A unit only one side has is a wrong unit ("missing" or
//!   "extra"), so `units_total` is the number of distinct unit names on both sides;
//! - metadata: every top-level field the gold has other than `preamble`, `operative`,
//!   `footnotes`, `annexes` and `parts`, compared as normalised JSON (strings normalised, lists
//!   element by element);
//! - footnotes, by number: exact when the texts are equal after normalisation;
//! - annexes, by position: exact when `heading`, `title`, `text` and, where the gold has them,
//!   `paragraphs` are equal.
//!
//! Fields the gold does not have are not compared (gold files leave out `kind`, `provenance`
//! and `schema_version`; a gold file without `preamble` says nothing about the preamble). The
//! exceptions are `annexes` and `parts`: the contract itself omits them when there are none, so
//! their absence from a gold file means "none", and annexes or parts the extraction invents
//! are counted as wrong.

use crate::normalize::normalize;
use crate::units::{array, units, Sections, Unit};
use resingest_model::Resolution;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Top-level fields that are not metadata: they are compared as units, footnotes and annexes.
const STRUCTURE_FIELDS: &[&str] = &["preamble", "operative", "footnotes", "annexes", "parts"];

/// The fields a unit is judged on.
const UNIT_FIELDS: &[&str] = &["text", "lead", "footnote_refs"];

/// The comparison of one document with its gold file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocReport {
    /// The gold's symbol (the extraction's when the gold has none).
    pub symbol: String,
    pub units_exact: usize,
    pub units_total: usize,
    /// Unit name and a short reason: which field differs, with the first difference shown.
    pub wrong_units: Vec<(String, String)>,
    pub metadata_exact: usize,
    pub metadata_total: usize,
    /// `field: reason` for each wrong metadata field.
    pub wrong_metadata: Vec<String>,
    pub footnotes_exact: usize,
    pub footnotes_total: usize,
    /// `footnote N: reason` for each wrong footnote.
    pub wrong_footnotes: Vec<String>,
    pub annexes_exact: usize,
    pub annexes_total: usize,
    /// `annex N: reason` for each wrong annex.
    pub wrong_annexes: Vec<String>,
}

impl DocReport {
    /// Whether everything compared was exact.
    pub fn is_exact(&self) -> bool {
        self.units_exact == self.units_total
            && self.metadata_exact == self.metadata_total
            && self.footnotes_exact == self.footnotes_total
            && self.annexes_exact == self.annexes_total
    }
}

impl fmt::Display for DocReport {
    /// `A/RES/78/101: 45/45 units exact; metadata 13/13; footnotes 4/4`, `; annexes 2/2` when
    /// either side has annexes, then one indented line per wrong item.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}/{} units exact; metadata {}/{}; footnotes {}/{}",
            self.symbol,
            self.units_exact,
            self.units_total,
            self.metadata_exact,
            self.metadata_total,
            self.footnotes_exact,
            self.footnotes_total
        )?;
        if self.annexes_total > 0 {
            write!(f, "; annexes {}/{}", self.annexes_exact, self.annexes_total)?;
        }
        for (unit, reason) in &self.wrong_units {
            write!(f, "\n  {unit}: {reason}")?;
        }
        for line in self
            .wrong_metadata
            .iter()
            .map(|m| format!("metadata {m}"))
            .chain(self.wrong_footnotes.iter().cloned())
            .chain(self.wrong_annexes.iter().cloned())
        {
            write!(f, "\n  {line}")?;
        }
        Ok(())
    }
}

/// Compares an extraction with its gold file (the gold as JSON, so that absent fields are
/// seen as absent).
pub fn compare(gold: &Value, got: &Resolution) -> DocReport {
    let got = serde_json::to_value(got.folded()).expect("a Resolution always serialises to JSON");
    compare_values(gold, &got)
}

/// [`compare`] on two JSON documents of the contract's shape.
pub fn compare_values(gold: &Value, got: &Value) -> DocReport {
    let symbol = [gold, got]
        .iter()
        .find_map(|v| v.get("symbol").and_then(Value::as_str))
        .unwrap_or("?")
        .to_string();
    let mut report = DocReport {
        symbol,
        ..DocReport::default()
    };
    compare_units(gold, got, &mut report);
    compare_metadata(gold, got, &mut report);
    if gold.get("footnotes").is_some() {
        compare_footnotes(gold, got, &mut report);
    }
    compare_annexes(gold, got, &mut report);
    report
}

pub(crate) fn compare_units(gold: &Value, got: &Value, report: &mut DocReport) {
    let sections = Sections::of(gold);
    let gold_units = units(gold, sections);
    let got_units: BTreeMap<String, &Value> = units(got, sections)
        .into_iter()
        .map(|u| (u.key, u.value))
        .collect();
    let gold_keys: BTreeSet<&str> = gold_units.iter().map(|u| u.key.as_str()).collect();
    for Unit { key, value, .. } in &gold_units {
        report.units_total += 1;
        match got_units.get(key) {
            None => report.wrong_units.push((key.clone(), "missing".into())),
            Some(got_unit) => match unit_difference(value, got_unit) {
                None => report.units_exact += 1,
                Some(reason) => report.wrong_units.push((key.clone(), reason)),
            },
        }
    }
    // Extra units, in the extraction's order.
    for u in units(got, sections) {
        if !gold_keys.contains(u.key.as_str()) {
            report.units_total += 1;
            report.wrong_units.push((u.key, "extra".into()));
        }
    }
}

/// The first field of a unit that differs from the gold, with a short diff.
fn unit_difference(gold: &Value, got: &Value) -> Option<String> {
    UNIT_FIELDS.iter().find_map(|field| {
        let g = gold.get(*field)?;
        let o = got.get(*field).unwrap_or(&Value::Null);
        (!same(g, o)).then(|| format!("{field} {}", describe(g, o)))
    })
}

fn compare_metadata(gold: &Value, got: &Value, report: &mut DocReport) {
    let Some(fields) = gold.as_object() else {
        return;
    };
    for (field, g) in fields {
        if STRUCTURE_FIELDS.contains(&field.as_str()) {
            continue;
        }
        report.metadata_total += 1;
        match got.get(field) {
            None => report.wrong_metadata.push(format!("{field}: missing")),
            Some(o) if same(g, o) => report.metadata_exact += 1,
            Some(o) => report
                .wrong_metadata
                .push(format!("{field}: {}", describe(g, o))),
        }
    }
}

fn compare_footnotes(gold: &Value, got: &Value, report: &mut DocReport) {
    let by_number = |doc: &Value| -> BTreeMap<u64, Value> {
        array(doc, "footnotes")
            .iter()
            .filter_map(|f| {
                let n = f.get("number")?.as_u64()?;
                Some((n, f.get("text").cloned().unwrap_or(Value::Null)))
            })
            .collect()
    };
    let (g, o) = (by_number(gold), by_number(got));
    let numbers: BTreeSet<u64> = g.keys().chain(o.keys()).copied().collect();
    for n in numbers {
        report.footnotes_total += 1;
        let reason = match (g.get(&n), o.get(&n)) {
            (Some(gt), Some(ot)) if same(gt, ot) => None,
            (Some(gt), Some(ot)) => Some(format!("text {}", describe(gt, ot))),
            (Some(_), None) => Some("missing".to_string()),
            (None, _) => Some("extra".to_string()),
        };
        match reason {
            None => report.footnotes_exact += 1,
            Some(r) => report.wrong_footnotes.push(format!("footnote {n}: {r}")),
        }
    }
}

fn compare_annexes(gold: &Value, got: &Value, report: &mut DocReport) {
    let (g, o) = (array(gold, "annexes"), array(got, "annexes"));
    for i in 0..g.len().max(o.len()) {
        report.annexes_total += 1;
        let reason = match (g.get(i), o.get(i)) {
            (Some(ga), Some(oa)) => {
                ["heading", "title", "text", "paragraphs"]
                    .iter()
                    .find_map(|field| {
                        let gv = ga.get(*field)?;
                        let ov = oa.get(*field).unwrap_or(&Value::Null);
                        (!same(gv, ov)).then(|| format!("{field} {}", describe(gv, ov)))
                    })
            }
            (Some(_), None) => Some("missing".to_string()),
            (None, _) => Some("extra".to_string()),
        };
        match reason {
            None => report.annexes_exact += 1,
            Some(r) => report.wrong_annexes.push(format!("annex {}: {r}", i + 1)),
        }
    }
}

/// Equality after normalisation: strings through [`normalize`], arrays and objects member by
/// member, everything else as is.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x == y || normalize(x) == normalize(y),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Characters of context shown on each side of the first difference.
const CONTEXT: usize = 24;

/// A short account of how `got` differs from `gold`: for strings the first differing position
/// with some context, for long lists the first differing item, otherwise both values.
fn describe(gold: &Value, got: &Value) -> String {
    match (gold, got) {
        (Value::String(g), Value::String(o)) => string_diff(&normalize(g), &normalize(o)),
        (Value::Array(g), Value::Array(o))
            if compact(gold).chars().count() > 2 * CONTEXT
                || compact(got).chars().count() > 2 * CONTEXT =>
        {
            let at = g.iter().zip(o).take_while(|(a, b)| same(a, b)).count();
            let item = |v: &[Value]| v.get(at).map_or("nothing".to_string(), compact);
            format!(
                "item {}: gold {} got {}",
                at + 1,
                clip(&item(g), 2 * CONTEXT),
                clip(&item(o), 2 * CONTEXT)
            )
        }
        _ => format!(
            "gold {} got {}",
            clip(&compact(gold), 2 * CONTEXT),
            clip(&compact(got), 2 * CONTEXT)
        ),
    }
}

/// Compact JSON of a value with strings normalised, for messages.
fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{:?}", normalize(s)),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(compact).collect::<Vec<_>>().join(", ")
        ),
        other => other.to_string(),
    }
}

/// "at char 57: gold «…the report of…» got «…the repot of…»", both normalised; the position
/// of the first differing character counts from 1.
pub(crate) fn string_diff(gold: &str, got: &str) -> String {
    let g: Vec<char> = gold.chars().collect();
    let o: Vec<char> = got.chars().collect();
    let at = g.iter().zip(&o).take_while(|(a, b)| a == b).count();
    let window = |s: &[char]| -> String {
        let from = at.saturating_sub(CONTEXT);
        let to = (at + CONTEXT).min(s.len());
        let mut w = String::new();
        if from > 0 {
            w.push('…');
        }
        w.extend(&s[from..to]);
        if to < s.len() {
            w.push('…');
        }
        w
    };
    format!(
        "at char {}: gold «{}» got «{}»",
        at + 1,
        window(&g),
        window(&o)
    )
}

/// At most `max` characters of `s`, with an ellipsis when cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gold() -> Value {
        json!({
            "symbol": "A/RES/1/1",
            "title": "A “title”",
            "session": 1,
            "draft_symbols": ["A/1/L.1"],
            "preamble": [{"index": 1, "lead": "Recalling", "text": "Recalling its work,", "footnote_refs": [1]}],
            "operative": [
                {"number": 1, "lead": "Decides", "text": "Decides:", "footnote_refs": [],
                 "subparagraphs": [{"label": "a", "text": "To act;", "footnote_refs": []}]}
            ],
            "footnotes": [{"number": 1, "text": "See A/1/2."}]
        })
    }

    #[test]
    fn a_document_equal_to_its_gold_is_exact() {
        let r = compare_values(&gold(), &gold());
        assert!(r.is_exact(), "{r}");
        assert_eq!((r.units_exact, r.units_total), (3, 3));
        assert_eq!((r.metadata_exact, r.metadata_total), (4, 4));
        assert_eq!((r.footnotes_exact, r.footnotes_total), (1, 1));
        assert_eq!(r.annexes_total, 0);
        assert_eq!(
            r.to_string(),
            "A/RES/1/1: 3/3 units exact; metadata 4/4; footnotes 1/1"
        );
    }

    #[test]
    fn typography_does_not_count() {
        let mut got = gold();
        got["title"] = json!("A \"title\"");
        assert!(compare_values(&gold(), &got).is_exact());
    }

    #[test]
    fn names_the_field_that_differs() {
        let mut got = gold();
        got["preamble"][0]["footnote_refs"] = json!([]);
        got["operative"][0]["subparagraphs"][0]["text"] = json!("To art;");
        got["operative"][0]["lead"] = Value::Null;
        let r = compare_values(&gold(), &got);
        assert_eq!((r.units_exact, r.units_total), (0, 3));
        assert_eq!(
            r.wrong_units[0],
            ("P1".into(), "footnote_refs gold [1] got []".into())
        );
        assert_eq!(
            r.wrong_units[1],
            ("O1".into(), "lead gold \"Decides\" got null".into())
        );
        assert_eq!(
            r.wrong_units[2],
            (
                "O1.a".into(),
                "text at char 5: gold «To act;» got «To art;»".into()
            )
        );
        assert!(r.to_string().contains("\n  O1.a: text at char 5"), "{r}");
    }

    #[test]
    fn missing_and_extra_units_are_wrong_units() {
        let mut got = gold();
        got["operative"][0]["subparagraphs"] = json!([]);
        got["operative"]
            .as_array_mut()
            .unwrap()
            .push(json!({"number": 2, "lead": null, "text": "x.", "footnote_refs": []}));
        let r = compare_values(&gold(), &got);
        assert_eq!((r.units_exact, r.units_total), (2, 4));
        assert_eq!(
            r.wrong_units,
            [
                ("O1.a".to_string(), "missing".to_string()),
                ("O2".to_string(), "extra".to_string())
            ]
        );
    }

    #[test]
    fn metadata_footnotes_and_annexes_are_counted_apart() {
        let mut got = gold();
        got["session"] = json!(2);
        got["footnotes"] = json!([{"number": 1, "text": "See A/1/3."}, {"number": 2, "text": "x"}]);
        got["annexes"] = json!([{"heading": "Annex", "title": null, "text": "t"}]);
        let r = compare_values(&gold(), &got);
        assert_eq!((r.units_exact, r.units_total), (3, 3));
        assert_eq!((r.metadata_exact, r.metadata_total), (3, 4));
        assert_eq!(r.wrong_metadata, ["session: gold 1 got 2"]);
        assert_eq!((r.footnotes_exact, r.footnotes_total), (0, 2));
        assert_eq!((r.annexes_exact, r.annexes_total), (0, 1));
        assert_eq!(r.wrong_annexes, ["annex 1: extra"]);
        assert!(r
            .to_string()
            .starts_with("A/RES/1/1: 3/3 units exact; metadata 3/4; footnotes 0/2; annexes 0/1\n"));
    }

    #[test]
    fn fields_the_gold_lacks_are_ignored() {
        let mut g = gold();
        g.as_object_mut().unwrap().remove("preamble");
        g.as_object_mut().unwrap().remove("footnotes");
        let mut got = gold();
        got["kind"] = json!("draft");
        got["preamble"] = json!([]);
        let r = compare_values(&g, &got);
        assert!(r.is_exact(), "{r}");
        assert_eq!((r.units_total, r.footnotes_total), (2, 0));
    }
}
