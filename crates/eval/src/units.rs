//! Naming the comparable units of a resolution: `P<index>` for preambular clauses,
//! `O<number>` for operative paragraphs, `O<number>.<label>[.<label>]` for sub-items, each
//! prefixed with the part label (`A.P1`) in documents with `parts` and with the section number
//! (`II.O3`, `A.II.O3`) in sections that number their paragraphs afresh (contract v2).
//!
//! Both the gold comparison and the structural checks name units this way, so a problem and a
//! wrong unit point at the same place. The walk runs over JSON values because gold files are
//! JSON that need not deserialise into the contract types.

use serde_json::Value;
use std::collections::HashSet;

/// Which top-level clause lists to walk; a gold file without `preamble` (or `operative`) says
/// nothing about it, so neither side's units of that list are compared.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sections {
    pub preamble: bool,
    pub operative: bool,
}

impl Sections {
    pub(crate) const ALL: Sections = Sections {
        preamble: true,
        operative: true,
    };

    /// The lists `gold` has.
    pub(crate) fn of(gold: &Value) -> Sections {
        Sections {
            preamble: gold.get("preamble").is_some(),
            operative: gold.get("operative").is_some(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnitKind {
    Preamble,
    Operative,
    Subitem,
}

/// One clause, sub-item included, with its unit name and its JSON object.
#[derive(Debug)]
pub(crate) struct Unit<'a> {
    pub key: String,
    pub kind: UnitKind,
    pub value: &'a Value,
}

/// Every unit of `doc` in document order: the top-level lists, then each part's. A name taken
/// twice (two paragraphs numbered 3) gets `#2`, so that neither hides the other.
pub(crate) fn units(doc: &Value, sections: Sections) -> Vec<Unit<'_>> {
    let mut out = Vec::new();
    walk_lists(doc, "", sections, &mut out);
    walk_sections(doc, "", sections, &mut out);
    for part in array(doc, "parts") {
        let label = part.get("label").and_then(Value::as_str).unwrap_or("?");
        walk_lists(part, &format!("{label}."), Sections::ALL, &mut out);
        walk_sections(part, &format!("{label}."), Sections::ALL, &mut out);
    }
    let mut seen = HashSet::new();
    for u in &mut out {
        if !seen.insert(u.key.clone()) {
            let mut n = 2;
            while !seen.insert(format!("{}#{n}", u.key)) {
                n += 1;
            }
            u.key = format!("{}#{n}", u.key);
        }
    }
    out
}

fn walk_sections<'a>(obj: &'a Value, prefix: &str, sections: Sections, out: &mut Vec<Unit<'a>>) {
    for (i, s) in array(obj, "sections").iter().enumerate() {
        let num = s.get("num").and_then(Value::as_str).map_or_else(
            || format!("s{}", i + 1),
            |n| n.trim_end_matches('.').to_string(),
        );
        walk_lists(s, &format!("{prefix}{num}."), sections, out);
    }
}

fn walk_lists<'a>(obj: &'a Value, prefix: &str, sections: Sections, out: &mut Vec<Unit<'a>>) {
    if sections.preamble {
        for (i, c) in array(obj, "preamble").iter().enumerate() {
            let index = number(c, "index").unwrap_or(i as u64 + 1);
            out.push(Unit {
                key: format!("{prefix}P{index}"),
                kind: UnitKind::Preamble,
                value: c,
            });
        }
    }
    if sections.operative {
        for (i, p) in array(obj, "operative").iter().enumerate() {
            let n = number(p, "number").unwrap_or(i as u64 + 1);
            let key = format!("{prefix}O{n}");
            out.push(Unit {
                key: key.clone(),
                kind: UnitKind::Operative,
                value: p,
            });
            walk_subitems(p, &key, out);
        }
    }
}

fn walk_subitems<'a>(parent: &'a Value, parent_key: &str, out: &mut Vec<Unit<'a>>) {
    for s in array(parent, "subparagraphs") {
        let label = s.get("label").and_then(Value::as_str).unwrap_or("?");
        let key = format!("{parent_key}.{label}");
        out.push(Unit {
            key: key.clone(),
            kind: UnitKind::Subitem,
            value: s,
        });
        walk_subitems(s, &key, out);
    }
}

/// The array under `key`, or an empty slice when absent or not an array.
pub(crate) fn array<'a>(obj: &'a Value, key: &str) -> &'a [Value] {
    obj.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn number(obj: &Value, key: &str) -> Option<u64> {
    obj.get(key).and_then(Value::as_u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_units_with_parts_and_nesting() {
        let doc = json!({
            "preamble": [{"index": 1}],
            "operative": [{"number": 1, "subparagraphs": [
                {"label": "a", "subparagraphs": [{"label": "i"}]}
            ]}, {"number": 1}],
            "parts": [{"label": "A", "preamble": [{"index": 1}], "operative": []}]
        });
        let keys: Vec<_> = units(&doc, Sections::ALL)
            .into_iter()
            .map(|u| u.key)
            .collect();
        assert_eq!(keys, ["P1", "O1", "O1.a", "O1.a.i", "O1#2", "A.P1"]);
    }

    #[test]
    fn names_units_of_sections_by_their_number() {
        let doc = json!({
            "operative": [],
            "sections": [
                {"num": "I", "preamble": [{"index": 1}], "operative": [{"number": 1}]},
                {"num": "II", "operative": [{"number": 1}]}
            ]
        });
        let keys: Vec<_> = units(&doc, Sections::ALL)
            .into_iter()
            .map(|u| u.key)
            .collect();
        assert_eq!(keys, ["I.P1", "I.O1", "II.O1"]);
    }

    #[test]
    fn skips_lists_the_sections_leave_out() {
        let doc = json!({"preamble": [{"index": 1}], "operative": [{"number": 1}]});
        let only_ops = Sections {
            preamble: false,
            operative: true,
        };
        let keys: Vec<_> = units(&doc, only_ops).into_iter().map(|u| u.key).collect();
        assert_eq!(keys, ["O1"]);
    }
}
