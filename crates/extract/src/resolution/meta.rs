//! Metadata from the page-1 masthead and the closing lines: symbol, organ, session, agenda
//! items, distribution, adoption date, meeting, committee, draft symbols, title.

/// Canonical symbol: no spaces, no reissue asterisk: `S/RES/2769 (2025)` -> `S/RES/2769(2025)`.
pub fn canonical_symbol(raw: &str) -> String {
    raw.trim()
        .trim_end_matches('*')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("")
}

/// Looks like a UN document symbol: an uppercase body, slashes, no spaces.
pub fn looks_like_symbol(w: &str) -> bool {
    let w = w.trim_end_matches(['*', ',', '.', ';', ')']);
    w.len() > 3
        && w.contains('/')
        && w.starts_with(|c: char| c.is_ascii_uppercase())
        && !w.contains("//")
}

pub fn organ_of(symbol: &str) -> &'static str {
    if symbol.starts_with("S/") {
        "Security Council"
    } else if symbol.starts_with("A/HRC/") {
        "Human Rights Council"
    } else if symbol.starts_with("E/") {
        "Economic and Social Council"
    } else {
        "General Assembly"
    }
}

use resingest_model::MONTHS;

/// Finds the first "7 December 2023" in `s` and returns it as ISO `2023-12-07`.
pub fn find_date(s: &str) -> Option<String> {
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    for w in words.windows(3) {
        let Some(m) = MONTHS.iter().position(|m| *m == w[1]) else {
            continue;
        };
        let day: u32 = w[0].parse().ok().filter(|d| (1..=31).contains(d))?;
        let year: String = w[2].chars().take_while(char::is_ascii_digit).collect();
        if year.len() == 4 {
            return Some(format!("{year}-{:02}-{day:02}", m + 1));
        }
    }
    None
}

/// "Seventy-eighth" -> 78, "Fifty-ninth" -> 59, "Tenth" -> 10: the words the model prints.
pub fn ordinal_words(s: &str) -> Option<u32> {
    (1..100).find(|&n| resingest_model::ordinal_words(n).is_some_and(|w| w.eq_ignore_ascii_case(s)))
}

/// `Agenda items 68 (a) and 69` -> `["68 (a)", "69"]`.
pub fn agenda_items(s: &str) -> Vec<String> {
    let rest = s
        .trim()
        .strip_prefix("Agenda items")
        .or_else(|| s.trim().strip_prefix("Agenda item"))
        .unwrap_or("")
        .trim();
    rest.replace(" and ", ", ")
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The bracket line: `[on the report of the Third Committee (A/78/461, para. 89)]` or
/// `[without reference to a Main Committee (A/71/L.17 and Add.1)]`.
pub fn bracket_line(s: &str) -> (Option<String>, Vec<String>) {
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
        for part in list.replace(" and ", ", ").split(',') {
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
        assert_eq!(organ_of("A/HRC/RES/59/25"), "Human Rights Council");
    }

    #[test]
    fn dates_and_ordinals() {
        assert_eq!(
            find_date("on 7 December 2023").as_deref(),
            Some("2023-12-07")
        );
        assert_eq!(
            find_date("at its 9838th meeting, on 16 January 2025").as_deref(),
            Some("2025-01-16")
        );
        assert_eq!(ordinal_words("Seventy-eighth"), Some(78));
        assert_eq!(ordinal_words("Fifty-ninth"), Some(59));
        assert_eq!(ordinal_words("Eightieth"), Some(80));
        assert_eq!(ordinal_words("Twenty-sixth"), Some(26));
        assert_eq!(ordinal_words("Tenth"), Some(10));
    }

    #[test]
    fn agenda_and_bracket_lines() {
        assert_eq!(
            agenda_items("Agenda items 68 (a) and 69"),
            vec!["68 (a)", "69"]
        );
        let (c, d) = bracket_line("[on the report of the Special Political and Decolonization Committee (Fourth Committee) (A/78/429, para. 33)]");
        assert_eq!(c.as_deref(), Some("Fourth Committee"));
        assert_eq!(d, vec!["A/78/429"]);
        let (c, d) = bracket_line("[without reference to a Main Committee (A/71/L.17 and Add.1)]");
        assert_eq!(c, None);
        assert_eq!(d, vec!["A/71/L.17", "A/71/L.17/Add.1"]);
    }
}
