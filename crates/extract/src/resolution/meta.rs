//! Metadata from the page-1 masthead that is written alike in every language: symbols, the
//! organ of a symbol, the draft symbols of the bracket line. Words of a language (dates,
//! ordinals, committee names) are in [`super::lang`].

use resingest_model::symbol::{Organ, Symbol};

/// Canonical symbol ([`Symbol`]'s form): no spaces, no reissue asterisk, the UN's case:
/// `S/RES/2769 (2025)` -> `S/RES/2769(2025)`, `A/64/L.63/Rev.1*` -> `A/64/L.63/Rev.1`. Text
/// that is no symbol keeps its letters, without spaces or asterisk.
pub fn canonical_symbol(raw: &str) -> String {
    match Symbol::parse(raw) {
        Ok(s) => s.as_str().to_owned(),
        Err(_) => raw
            .trim()
            .trim_end_matches('*')
            .split_whitespace()
            .collect(),
    }
}

/// Looks like a UN document symbol: an uppercase body, slashes, no spaces.
pub fn looks_like_symbol(w: &str) -> bool {
    let w = w.trim_end_matches(['*', ',', '.', ';', ')']);
    w.len() > 3
        && w.contains('/')
        && w.starts_with(|c: char| c.is_ascii_uppercase())
        && !w.contains("//")
}

/// The organ of a symbol, the General Assembly for a symbol of no known organ (the contract's
/// `organ` is its [`Organ::name`]).
pub fn organ_of(symbol: &str) -> Organ {
    match Organ::of_symbol(symbol) {
        Organ::Other => Organ::GeneralAssembly,
        organ => organ,
    }
}

/// The bracket line: `[on the report of the Third Committee (A/78/461, para. 89)]` or
/// `[without reference to a Main Committee (A/71/L.17 and Add.1)]`.
/// `and` is the language's word between symbols (" and ", " et ").
pub fn bracket_line(s: &str, and: &[&str]) -> (Option<String>, Vec<String>) {
    let inner = s.trim().trim_start_matches('[').trim_end_matches(']');
    let committee = inner.strip_prefix("on the report of the ").and_then(|r| {
        // The short name is the last "(... Committee)" or the name itself.
        let names: Vec<&str> = r
            .split(['(', ')'])
            .map(str::trim)
            .filter(|p| p.ends_with("Committee"))
            .collect();
        names
            .last()
            .map(|n| n.trim_start_matches("the ").to_string())
    });
    let mut drafts: Vec<String> = Vec::new();
    if let Some(open) = inner.rfind('(') {
        let list = &inner[open + 1..inner.rfind(')').unwrap_or(inner.len()).max(open + 1)];
        let mut list = list.to_string();
        for a in and {
            list = list.replace(a, ", ");
        }
        for part in list.split([',', '，', '،']) {
            let p = part.trim();
            if p.starts_with("para") || p.is_empty() {
                continue;
            }
            if looks_like_symbol(p) {
                drafts.push(canonical_symbol(p));
            } else if (p.starts_with("Add.") || p.starts_with("Corr.") || p.starts_with("Rev."))
                && !drafts.is_empty()
            {
                // "A/71/L.17 and Add.1": written out against the symbol before it.
                let base = drafts[0].clone();
                drafts.push(format!("{base}/{p}"));
            }
        }
    }
    (committee, drafts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_canonical() {
        assert_eq!(canonical_symbol("S/RES/2769 (2025)"), "S/RES/2769(2025)");
        assert_eq!(canonical_symbol("A/64/L.63/Rev.1*"), "A/64/L.63/Rev.1");
        assert_eq!(organ_of("A/HRC/RES/59/25").name(), "Human Rights Council");
    }

    #[test]
    fn agenda_and_bracket_lines() {
        let (c, d) = bracket_line("[on the report of the Special Political and Decolonization Committee (Fourth Committee) (A/78/429, para. 33)]", &[" and "]);
        assert_eq!(c.as_deref(), Some("Fourth Committee"));
        assert_eq!(d, vec!["A/78/429"]);
        let (c, d) = bracket_line(
            "[without reference to a Main Committee (A/71/L.17 and Add.1)]",
            &[" and "],
        );
        assert_eq!(c, None);
        assert_eq!(d, vec!["A/71/L.17", "A/71/L.17/Add.1"]);
    }
}
