//! Finding where a clause prints the resolutions its document cites.
//!
//! The contract lists cited resolutions by canonical symbol (`references`), not by position, so
//! the printed forms are rebuilt from each symbol ("A/RES/217A(III)" is printed "217 A (III)")
//! and looked up in the text. Only symbols from `references` are marked: the extractor already
//! decided what is a resolution (not a report like A/59/119), and this module must not decide
//! it again differently.

use resingest_model::symbol::Organ;

use crate::uri::{cited_document, split_resolution_symbol};

/// One printed citation: byte range in the text and the URL it links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Citation {
    pub start: usize,
    pub end: usize,
    pub href: String,
}

/// A printed form and every canonical symbol (with its organ's short name) that prints that way.
struct Form {
    printed: String,
    targets: Vec<(&'static str, String)>,
}

/// The citation finder for one document, built once from its `references`.
pub(crate) struct Citations {
    forms: Vec<Form>,
    doc_organ: String,
    language: String,
}

impl Citations {
    /// `doc_organ` is the short name of the document's own organ (`ga`), `language` its ISO
    /// 639-1 code, for the links.
    pub(crate) fn new(references: &[String], doc_organ: &str, language: &str) -> Self {
        let mut forms: Vec<Form> = Vec::new();
        for canonical in references {
            let Some((actor, rest)) = split_resolution_symbol(canonical) else {
                continue;
            };
            for printed in printed_forms(rest) {
                match forms.iter_mut().find(|f| f.printed == printed) {
                    Some(f) => f.targets.push((actor, canonical.clone())),
                    None => forms.push(Form {
                        printed,
                        targets: vec![(actor, canonical.clone())],
                    }),
                }
            }
        }
        Citations {
            forms,
            doc_organ: doc_organ.to_string(),
            language: language.to_string(),
        }
    }

    /// Non-overlapping citations in `text`, in order; at one position the longest form wins
    /// ("66/240 A" over "66/240").
    pub(crate) fn find(&self, text: &str) -> Vec<Citation> {
        let mut hits: Vec<(usize, usize, &Form)> = Vec::new();
        for form in &self.forms {
            for (start, _) in text.match_indices(form.printed.as_str()) {
                let end = start + form.printed.len();
                if stands_alone(text, start, end) {
                    hits.push((start, end, form));
                }
            }
        }
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut out = Vec::new();
        let mut last_end = 0;
        for (start, end, form) in hits {
            if start < last_end {
                continue;
            }
            let canonical = self.pick(&text[..start], &form.targets);
            let href = cited_document(canonical, &self.language);
            out.push(Citation { start, end, href });
            last_end = end;
        }
        out
    }

    /// Chooses among symbols printed alike ("33/11" of the Assembly or of the Council): the organ
    /// named last shortly before the citation, else the document's own organ, else the first.
    fn pick<'a>(&self, before: &str, targets: &'a [(&'static str, String)]) -> &'a str {
        if let [(_, only)] = targets {
            return only;
        }
        let mut window_start = before.len().saturating_sub(80);
        while !before.is_char_boundary(window_start) {
            window_start += 1;
        }
        let window = &before[window_start..];
        let named = Organ::KNOWN
            .into_iter()
            .filter_map(|o| window.rfind(o.name()).map(|at| (at, o.short())))
            .max_by_key(|(at, _)| *at)
            .map(|(_, actor)| actor);
        let wanted = named.unwrap_or(self.doc_organ.as_str());
        targets
            .iter()
            .find(|(actor, _)| *actor == wanted)
            .unwrap_or(&targets[0])
            .1
            .as_str()
    }
}

/// How a resolution number (symbol without organ prefix) is printed in running text:
/// `217A(III)` -> "217 A (III)", "217A (III)", ...; `50/70M` -> "50/70 M", "50/70M".
fn printed_forms(rest: &str) -> Vec<String> {
    let (base, paren) = match rest.find('(') {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    // A letter suffix only counts after a digit ("217A"), not in "S-10/2".
    let trimmed = base.trim_end_matches(|c: char| c.is_ascii_uppercase());
    let (num, letter) = if trimmed.ends_with(|c: char| c.is_ascii_digit()) {
        (trimmed, &base[trimmed.len()..])
    } else {
        (base, "")
    };
    let heads: Vec<String> = if letter.is_empty() {
        vec![num.to_string()]
    } else {
        vec![format!("{num} {letter}"), format!("{num}{letter}")]
    };
    match paren {
        None => heads,
        Some(p) => heads
            .iter()
            .flat_map(|h| [format!("{h} {p}"), format!("{h}{p}")])
            .collect(),
    }
}

/// Whether `text[start..end]` is a whole number, not part of a longer symbol (`A/78/23`) or
/// number (`151/10`, `51/12`).
fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '/' | '.' | '-')) {
        return false;
    }
    if text[..end].ends_with(')') {
        return true;
    }
    let after = text[end..].chars().next();
    !after.is_some_and(|c| c.is_alphanumeric() || c == '/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn printed<'a>(text: &'a str, c: &Citations) -> Vec<(&'a str, String)> {
        c.find(text)
            .into_iter()
            .map(|h| (&text[h.start..h.end], h.href))
            .collect()
    }

    #[test]
    fn finds_sessional_pre_1976_and_council_forms() {
        let c = Citations::new(
            &refs(&[
                "A/RES/51/1",
                "A/RES/1514(XV)",
                "S/RES/2178(2014)",
                "A/RES/217A(III)",
            ]),
            "ga",
            "en",
        );
        let text = "Recalling its resolutions 51/1 and 1514 (XV), Security Council \
                    resolution 2178 (2014) and resolution 217 A (III),";
        let got = printed(text, &c);
        assert_eq!(
            got.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
            ["51/1", "1514 (XV)", "2178 (2014)", "217 A (III)"]
        );
        assert_eq!(got[3].1, "https://undocs.org/en/A/RES/217A(III)");
    }

    #[test]
    fn ignores_numbers_inside_other_symbols() {
        let c = Citations::new(&refs(&["A/RES/78/23", "A/RES/51/1"]), "ga", "en");
        assert!(c
            .find("the report (A/78/23) and resolutions 51/10 and 151/1")
            .is_empty());
    }

    #[test]
    fn prefers_the_longer_lettered_form() {
        let c = Citations::new(&refs(&["A/RES/66/240", "A/RES/66/240A"]), "ga", "en");
        let got = printed("resolution 66/240 A of 24 December", &c);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "66/240 A");
        assert!(got[0].1.ends_with("/A/RES/66/240A"));
    }

    #[test]
    fn organ_named_before_decides_between_alike_forms() {
        let c = Citations::new(&refs(&["A/RES/33/11", "A/HRC/RES/33/11"]), "ga", "en");
        let got = printed(
            "Human Rights Council resolution 33/11 and its own resolution 33/11",
            &c,
        );
        assert!(got[0].1.contains("/A/HRC/RES/"), "{got:?}");
        // The second is still within 80 bytes of the Council's name, which is the documented
        // limit of the heuristic; far from it the document's own organ wins.
        let far = format!(
            "Human Rights Council resolution 33/11{}its resolution 33/11",
            " x".repeat(50)
        );
        let got = printed(&far, &c);
        assert!(got[1].1.ends_with("/en/A/RES/33/11"), "{got:?}");
    }
}
