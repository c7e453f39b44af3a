//! Cited resolutions: canonical symbols from running text ("its resolution 51/1",
//! "Security Council resolutions 1970 (2011) and 2146 (2014)", "resolution 217 A (III)").
//!
//! A citation starts at the word "resolution(s)"; the organ comes from the nearest organ
//! name just before it (else the document's own organ for `its`/bare session numbers); the
//! list after it runs until the next "resolution", a semicolon, a sentence end, or a dozen
//! words without a number.

// `Organ::Other`: not a UN organ whose resolutions we list (World Health Assembly, ...).
use resingest_model::symbol::Organ;

/// The organ named right before "resolution" ("Security Council resolution", "the General
/// Assembly in its resolution"); `default` when none is.
fn qualifier(before: &[&str], default: Organ) -> Organ {
    let word = |k: usize| before[k].trim_matches(|c: char| !c.is_alphanumeric());
    let mut k = before.len();
    while k > 0 && matches!(word(k - 1), "its" | "in") {
        k -= 1;
    }
    if k == 0 {
        return default;
    }
    let prev = |n: usize| if k > n { word(k - 1 - n) } else { "" };
    match prev(0) {
        "Council" => match prev(1) {
            "Security" => Organ::SecurityCouncil,
            "Rights" if prev(2) == "Human" => Organ::HumanRightsCouncil,
            "Social" if prev(2) == "and" => Organ::EconomicAndSocialCouncil,
            "Trusteeship" => Organ::Other,
            _ => default,
        },
        "Assembly" => {
            if prev(1) == "General" {
                Organ::GeneralAssembly
            } else {
                Organ::Other
            }
        }
        "Organization" | "Commission" | "Conference" | "Board" => Organ::Other,
        _ => default,
    }
}

fn is_roman(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C'))
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `51/1`, `2011/40`, `S-10/2`, `ES-10/23`: session/number.
fn session_number(s: &str) -> bool {
    let Some((a, b)) = s.split_once('/') else {
        return false;
    };
    let a = a
        .strip_prefix("ES-")
        .or_else(|| a.strip_prefix("S-"))
        .unwrap_or(a);
    digits(a) && digits(b) && a.len() <= 4 && b.len() <= 4
}

fn strip(w: &str) -> &str {
    w.trim_end_matches([',', ';', ':', '.', ')'])
        .trim_start_matches('(')
}

fn ends_clause(w: &str) -> bool {
    w.ends_with(';')
        || (w.ends_with('.') && !w.ends_with("para.") && !w.ends_with("No.") && w != "p.")
}

/// Appends the resolutions cited in `text` to `out`, each once, in order.
pub fn collect(text: &str, doc_organ: &str, out: &mut Vec<String>) {
    let default = Organ::from_name(doc_organ).unwrap_or(Organ::GeneralAssembly);
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let w = strip(words[i]).to_ascii_lowercase();
        if w != "resolution" && w != "resolutions" {
            i += 1;
            continue;
        }
        let organ = qualifier(
            &words[..i],
            if default == Organ::SecurityCouncil {
                Organ::GeneralAssembly
            } else {
                default
            },
        );
        let mut j = i + 1;
        let mut since_item = 0;
        while j < words.len() && since_item < 12 {
            let raw = words[j];
            let tok = strip(raw);
            let lower = tok.to_ascii_lowercase();
            if lower == "resolution"
                || lower == "resolutions"
                || lower == "decision"
                || lower == "decisions"
            {
                break;
            }
            let next_raw = words.get(j + 1).copied().unwrap_or("");
            // A letter of a lettered resolution ("50/70 M", "217 A (III)"), not "(X)".
            let next = if next_raw.starts_with('(') {
                ""
            } else {
                strip(next_raw)
            };
            let mut symbol = None;
            let mut consumed = 1;
            if session_number(tok) && !raw.contains("A/") {
                // 50/70 M: a lettered resolution.
                let letter = (next.len() == 1
                    && next.chars().all(|c| c.is_ascii_uppercase())
                    && !words[j].ends_with(','))
                .then_some(next);
                if letter.is_some() {
                    consumed = 2;
                }
                let base = format!("{tok}{}", letter.unwrap_or(""));
                symbol = match organ {
                    Organ::Other => None,
                    // Session/number is the Assembly's numbering, never the Council's.
                    Organ::SecurityCouncil => Some(format!("A/RES/{base}")),
                    organ => Some(format!("{}{base}", organ.resolution_prefix())),
                };
            } else if digits(tok) && tok.len() <= 4 && !raw.ends_with(',') {
                // 1514 (XV), 217 A (III), 2178 (2014).
                let (letter, paren) =
                    if next.len() == 1 && next.chars().all(|c| c.is_ascii_uppercase()) {
                        (next, words.get(j + 2).copied().unwrap_or(""))
                    } else {
                        ("", words.get(j + 1).copied().unwrap_or(""))
                    };
                let inner = paren.trim_end_matches([',', ';', ':', '.']);
                if inner.starts_with('(') && inner.ends_with(')') {
                    let inner = &inner[1..inner.len() - 1];
                    consumed = if letter.is_empty() { 2 } else { 3 };
                    if digits(inner) && inner.len() == 4 {
                        symbol = (organ != Organ::Other).then(|| format!("S/RES/{tok}({inner})"));
                    } else if is_roman(inner) {
                        symbol = (organ != Organ::Other)
                            .then(|| format!("A/RES/{tok}{letter}({inner})"));
                    }
                }
            }
            match symbol {
                Some(s) => {
                    if !out.contains(&s) {
                        out.push(s);
                    }
                    since_item = 0;
                    let last = words[j + consumed - 1];
                    j += consumed;
                    if ends_clause(last) {
                        break;
                    }
                }
                None => {
                    since_item += 1;
                    j += 1;
                    if ends_clause(raw) {
                        break;
                    }
                }
            }
        }
        i = j.max(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(t: &str, organ: &str) -> Vec<String> {
        let mut out = Vec::new();
        collect(t, organ, &mut out);
        out
    }

    #[test]
    fn general_assembly_forms() {
        assert_eq!(
            refs(
                "Recalling its resolution 51/1 of 15 October 1996,",
                "General Assembly"
            ),
            vec!["A/RES/51/1"]
        );
        assert_eq!(
            refs("Recalling its resolution 1514 (XV) of 14 December 1960, and resolution 217 A (III).", "General Assembly"),
            vec!["A/RES/1514(XV)", "A/RES/217A(III)"]
        );
        assert_eq!(
            refs("its resolutions 54/175 of 17 December 1999, on the right to development, 55/196 of 20 December 2000, and 50/70 M", "General Assembly"),
            vec!["A/RES/54/175", "A/RES/55/196", "A/RES/50/70M"]
        );
        assert_eq!(
            refs(
                "resolution S-10/2 and resolution ES-10/23",
                "General Assembly"
            ),
            vec!["A/RES/S-10/2", "A/RES/ES-10/23"]
        );
        assert_eq!(
            refs("resolution 37/10, annex", "General Assembly"),
            vec!["A/RES/37/10"]
        );
    }

    #[test]
    fn organs_from_qualifiers() {
        assert_eq!(
            refs(
                "Security Council resolution 2178 (2014)",
                "General Assembly"
            ),
            vec!["S/RES/2178(2014)"]
        );
        assert_eq!(
            refs(
                "Human Rights Council resolution 33/11 of 29 September 2016",
                "General Assembly"
            ),
            vec!["A/HRC/RES/33/11"]
        );
        assert_eq!(
            refs("World Health Assembly resolution 71/3", "General Assembly"),
            Vec::<String>::new()
        );
        assert_eq!(
            refs(
                "Conference on Financing for Development Resolution 69/313, annex.",
                "General Assembly"
            ),
            vec!["A/RES/69/313"]
        );
        assert_eq!(
            refs(
                "its resolution 973 (X) of 15 December 1955",
                "General Assembly"
            ),
            vec!["A/RES/973(X)"]
        );
        assert_eq!(
            refs(
                "resolutions 1970 (2011) and 2146 (2014), and General Assembly resolution 60/1",
                "Security Council"
            ),
            vec!["S/RES/1970(2011)", "S/RES/2146(2014)", "A/RES/60/1"]
        );
    }

    #[test]
    fn reports_and_paragraph_numbers_are_not_resolutions() {
        assert_eq!(
            refs(
                "the report (A/59/119) of resolution 2231 (2015)",
                "Security Council"
            ),
            vec!["S/RES/2231(2015)"]
        );
        assert_eq!(
            refs(
                "paragraph 24 of resolution 1973 (2011);",
                "Security Council"
            ),
            vec!["S/RES/1973(2011)"]
        );
    }
}
