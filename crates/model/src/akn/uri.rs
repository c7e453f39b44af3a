//! FRBR URIs derived from UN symbols.
//!
//! Scheme (documented in [`super`]): a work is
//! `/akn/un/statement/deliberation/{actor}/{date}/{number}`, where `actor` names the organ
//! (`un-ga`, `un-sc`, `un-hrc`, `un-ecosoc`), `date` is the ISO adoption date and `number` is the
//! symbol without its organ prefix, every run of other characters than ASCII letters and digits
//! turned into one `-` (`A/RES/71/19` -> `71-19`, `S/RES/2769(2025)` -> `2769-2025`,
//! `A/RES/217A(III)` -> `217A-III`, `A/C.2/80/L.26` -> `C-2-80-L-26`).
//!
//! A citation in the text carries no adoption date, so `<ref>` points at the date-less
//! `/akn/un/statement/deliberation/{actor}/{number}`; the number is unique within an actor, so
//! a resolver can map it to the dated work.

/// Symbol prefixes of resolutions, longest first, with the actor each one names.
const RESOLUTION_PREFIXES: &[(&str, &str)] = &[
    ("A/HRC/RES/", "un-hrc"),
    ("A/RES/", "un-ga"),
    ("S/RES/", "un-sc"),
    ("E/RES/", "un-ecosoc"),
];

/// Prefixes of other documents of the same organs (drafts, reports), longest first.
const DOCUMENT_PREFIXES: &[(&str, &str)] = &[
    ("A/HRC/", "un-hrc"),
    ("A/", "un-ga"),
    ("S/", "un-sc"),
    ("E/", "un-ecosoc"),
];

/// The actor and the remainder of a resolution symbol (`A/RES/51/1` -> `("un-ga", "51/1")`);
/// `None` for symbols that are not resolutions.
pub(crate) fn split_resolution_symbol(symbol: &str) -> Option<(&'static str, &str)> {
    RESOLUTION_PREFIXES
        .iter()
        .find_map(|(prefix, actor)| symbol.strip_prefix(prefix).map(|rest| (*actor, rest)))
}

/// Actor of any symbol, resolution or not.
fn actor_of_symbol(symbol: &str) -> Option<&'static str> {
    split_resolution_symbol(symbol).map(|(a, _)| a).or_else(|| {
        DOCUMENT_PREFIXES
            .iter()
            .find(|(prefix, _)| symbol.starts_with(prefix))
            .map(|(_, a)| *a)
    })
}

/// The actor (TLC id) of the adopting organ: known organs by name, then the symbol's prefix,
/// then a slug of the organ name so that an unknown organ still yields a valid id.
pub(crate) fn actor(organ: &str, symbol: &str) -> String {
    let known = match organ {
        "General Assembly" => Some("un-ga"),
        "Security Council" => Some("un-sc"),
        "Human Rights Council" => Some("un-hrc"),
        "Economic and Social Council" => Some("un-ecosoc"),
        _ => None,
    };
    if let Some(a) = known.or_else(|| actor_of_symbol(symbol)) {
        return a.to_string();
    }
    let slug = slugify(organ).to_ascii_lowercase();
    if slug.is_empty() {
        "un-unknown".to_string()
    } else {
        format!("un-{slug}")
    }
}

/// The FRBR number of a symbol: its organ prefix dropped, other characters than ASCII
/// alphanumerics collapsed to `-`.
pub(crate) fn number(symbol: &str) -> String {
    let rest = split_resolution_symbol(symbol)
        .map(|(_, rest)| rest)
        .or_else(|| {
            DOCUMENT_PREFIXES
                .iter()
                .find_map(|(prefix, _)| symbol.strip_prefix(prefix))
        })
        .unwrap_or(symbol);
    let n = slugify(rest);
    if n.is_empty() {
        "unknown".to_string()
    } else {
        n
    }
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

/// The date-less work URI a citation of `canonical` points at; `None` when `canonical` is not
/// a resolution symbol.
pub(crate) fn cited_work(canonical: &str) -> Option<String> {
    let (actor, _) = split_resolution_symbol(canonical)?;
    Some(format!(
        "/akn/un/statement/deliberation/{actor}/{}",
        number(canonical)
    ))
}

/// ISO 639-2 code for the FRBRlanguage element, from the contract's ISO 639-1 code; unknown
/// codes pass through, since a two-letter code is still better than a guess.
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
        assert_eq!(number("A/RES/71/19"), "71-19");
        assert_eq!(number("S/RES/2769(2025)"), "2769-2025");
        assert_eq!(number("A/RES/217A(III)"), "217A-III");
        assert_eq!(number("A/RES/S-10/2"), "S-10-2");
        assert_eq!(number("A/HRC/RES/59/25"), "59-25");
        assert_eq!(number("A/C.2/80/L.26"), "C-2-80-L-26");
        assert_eq!(number("A/80/L.28"), "80-L-28");
        assert_eq!(number(""), "unknown");
    }

    #[test]
    fn actors_come_from_the_organ_then_the_symbol() {
        assert_eq!(actor("General Assembly", "A/HRC/RES/59/25"), "un-ga");
        assert_eq!(actor("Human Rights Council", "A/HRC/RES/59/25"), "un-hrc");
        assert_eq!(actor("", "S/RES/2769(2025)"), "un-sc");
        assert_eq!(
            actor("Trusteeship Council", "T/RES/1"),
            "un-trusteeship-council"
        );
    }

    #[test]
    fn cited_works_are_date_less() {
        assert_eq!(
            cited_work("A/RES/51/1").as_deref(),
            Some("/akn/un/statement/deliberation/un-ga/51-1")
        );
        assert_eq!(
            cited_work("S/RES/2178(2014)").as_deref(),
            Some("/akn/un/statement/deliberation/un-sc/2178-2014")
        );
        assert_eq!(cited_work("A/59/119"), None);
    }
}
