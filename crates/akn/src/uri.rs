//! FRBR IRIs and organ names derived from UN symbols, the way the UN's own AKN4UN markup
//! writes them.
//!
//! A work is `/akn/un/statement/deliberation/{actor}/{date}/{number}/`: `actor` is `un` and the
//! organ's short name run together (`unga`, as in every one of the UN's 149 corpus files; we
//! name the others alike: `unsc`, `unhrc`, `unecosoc`), `date` the ISO adoption date, `number`
//! the symbol without its organ prefix, every run of other characters than ASCII letters and
//! digits turned into one `-` (`A/RES/78/101` -> `78-101`, `S/RES/2769(2025)` -> `2769-2025`,
//! `A/RES/217A(III)` -> `217A-III`, `A/C.2/80/L.26` -> `C-2-80-L-26`). The trailing `/` is
//! the UN's.
//!
//! A citation links the cited document at `https://undocs.org/{lang}/{symbol}`, as the UN's
//! markup does: a printed citation gives no adoption date, so no dated work IRI can be built
//! for it, and the document system resolves every symbol.

use resingest_model::symbol::Organ as Known;

/// An organ as AKN4UN names it: the short name in IRIs (`ga` in `unga`), the TLC eId and the
/// ontology name (`/akn/ontology/organization/un/generalAssembly`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Organ {
    /// `ga`, `sc`, `hrc`, `ecosoc`, or a slug of an unknown organ's name.
    pub short: String,
    /// `generalAssembly`, `securityCouncil`, ...
    pub ontology: String,
}

impl Organ {
    /// Whether this is the known organ `known`.
    pub(crate) fn is(&self, known: Known) -> bool {
        self.short == known.short()
    }

    /// The actor segment of the work IRI: `unga`.
    pub(crate) fn actor(&self) -> String {
        format!("un{}", self.short)
    }
}

/// The short name and the remainder of a resolution symbol (`A/RES/51/1` -> `("ga", "51/1")`);
/// `None` for symbols that are not resolutions.
pub(crate) fn split_resolution_symbol(symbol: &str) -> Option<(&'static str, &str)> {
    Known::KNOWN.into_iter().find_map(|o| {
        symbol
            .strip_prefix(o.resolution_prefix())
            .map(|r| (o.short(), r))
    })
}

/// The adopting organ: known organs by name, then by the symbol's prefix, then a slug of the
/// organ name so that an unknown organ still yields a valid id.
pub(crate) fn organ(name: &str, symbol: &str) -> Organ {
    let known = Known::KNOWN
        .into_iter()
        .find(|o| o.name() == name)
        .or_else(|| Some(Known::of_symbol(symbol)).filter(|o| *o != Known::Other));
    if let Some(known) = known {
        return Organ {
            short: known.short().to_string(),
            ontology: known.ontology().to_string(),
        };
    }
    let camel = lower_camel(name);
    let short = camel.to_ascii_lowercase();
    Organ {
        short: if short.is_empty() {
            "unknown".into()
        } else {
            short
        },
        ontology: if camel.is_empty() {
            "unknown".into()
        } else {
            camel
        },
    }
}

/// The FRBR number of a symbol: its organ prefix dropped, other characters than ASCII
/// alphanumerics collapsed to `-`.
pub(crate) fn number(symbol: &str) -> String {
    let rest = split_resolution_symbol(symbol)
        .map(|(_, rest)| rest)
        .or_else(|| symbol.strip_prefix(Known::of_symbol(symbol).document_prefix()))
        .unwrap_or(symbol);
    let n = slugify(rest);
    if n.is_empty() {
        "unknown".to_string()
    } else {
        n
    }
}

/// The number as the document prints it: the symbol without its organ prefix, a space before
/// a parenthesis (`2769(2025)` -> "2769 (2025)", `78/101` -> "78/101").
pub(crate) fn printed_number(symbol: &str) -> Option<String> {
    let (_, rest) = split_resolution_symbol(symbol)?;
    Some(match rest.find('(') {
        Some(i) if i > 0 && !rest[..i].ends_with(' ') => format!("{} {}", &rest[..i], &rest[i..]),
        _ => rest.to_string(),
    })
}

/// ASCII letters and digits kept, every other run turned into one `-`, no `-` at the ends.
fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// "Third Committee" -> "thirdCommittee": words of ASCII letters and digits, run together.
pub(crate) fn lower_camel(s: &str) -> String {
    let mut out = String::new();
    for word in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            if out.is_empty() {
                out.push(first.to_ascii_lowercase());
            } else {
                out.push(first.to_ascii_uppercase());
            }
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out
}

/// Where a citation of `canonical` links: the UN's document system in the document's language.
pub(crate) fn cited_document(canonical: &str, language: &str) -> String {
    let lang = if language.len() == 2 { language } else { "en" };
    format!("https://undocs.org/{lang}/{canonical}")
}

/// ISO 639-2 code for the FRBRlanguage element and the Expression IRI, from the contract's ISO
/// 639-1 code; unknown codes pass through, since a two-letter code is still better than a guess.
pub(crate) fn language3(code: &str) -> &str {
    match code {
        "en" => "eng",
        "fr" => "fra",
        "es" => "spa",
        "ru" => "rus",
        "ar" => "ara",
        "zh" => "zho",
        "de" => "deu",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_symbol() {
        assert_eq!(number("A/RES/78/101"), "78-101");
        assert_eq!(number("S/RES/2769(2025)"), "2769-2025");
        assert_eq!(number("A/RES/217A(III)"), "217A-III");
        assert_eq!(number("A/RES/S-10/2"), "S-10-2");
        assert_eq!(number("A/HRC/RES/59/25"), "59-25");
        assert_eq!(number("A/C.2/80/L.26"), "C-2-80-L-26");
        assert_eq!(number("A/80/L.28"), "80-L-28");
        assert_eq!(number(""), "unknown");
    }

    #[test]
    fn printed_numbers_space_the_parenthesis() {
        assert_eq!(
            printed_number("S/RES/2769(2025)").as_deref(),
            Some("2769 (2025)")
        );
        assert_eq!(printed_number("A/RES/78/101").as_deref(), Some("78/101"));
        assert_eq!(printed_number("A/80/L.28"), None);
    }

    #[test]
    fn organs_come_from_the_name_then_the_symbol() {
        let ga = organ("General Assembly", "A/HRC/RES/59/25");
        assert_eq!(
            (ga.actor().as_str(), ga.ontology.as_str()),
            ("unga", "generalAssembly")
        );
        assert_eq!(
            organ("Human Rights Council", "A/HRC/RES/59/25").actor(),
            "unhrc"
        );
        assert_eq!(organ("", "S/RES/2769(2025)").actor(), "unsc");
        assert_eq!(organ("", "E/2025/L.28").actor(), "unecosoc");
        let t = organ("Trusteeship Council", "T/RES/1");
        assert_eq!(
            (t.actor().as_str(), t.ontology.as_str()),
            ("untrusteeshipcouncil", "trusteeshipCouncil")
        );
    }

    #[test]
    fn citations_link_the_document_system() {
        assert_eq!(
            cited_document("A/RES/1514(XV)", "en"),
            "https://undocs.org/en/A/RES/1514(XV)"
        );
        assert_eq!(
            cited_document("S/RES/2178(2014)", "fr"),
            "https://undocs.org/fr/S/RES/2178(2014)"
        );
    }
}
