//! UN document symbols (`A/RES/80/5`, `S/RES/2769(2025)`, `A/HRC/RES/59/25`): one canonical
//! form, read from how a symbol is printed, from file names (`A_RES_80_5-EN.pdf`) and from
//! undocs.org, docs.un.org and symbol API links, and taken apart into organ, series, session
//! or year and number.
//!
//! The canonical form has no spaces (`S/RES/2769 (2025)` -> `S/RES/2769(2025)`), which is also
//! how the UN's own viewer asks the symbol API for it.

use std::fmt;

/// The UN's six official languages, as the symbol API and file names spell them.
pub const LANGUAGES: [&str; 6] = ["ar", "zh", "en", "fr", "ru", "es"];

/// Why a text is not a symbol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SymbolError {
    #[error("`{text}` is not a UN document symbol: {reason}")]
    Invalid { text: String, reason: &'static str },
}

/// The body that adopted a resolution, from the symbol's first segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Organ {
    GeneralAssembly,
    SecurityCouncil,
    HumanRightsCouncil,
    EconomicAndSocialCouncil,
    Other,
}

/// A document symbol in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(String);

impl Symbol {
    /// A symbol as printed: spaces dropped, letters uppercased, `/` separated segments that
    /// are not empty.
    pub fn parse(text: &str) -> Result<Symbol, SymbolError> {
        let bad = |reason| SymbolError::Invalid {
            text: text.to_owned(),
            reason,
        };
        let canonical: String = text
            .split_whitespace()
            .collect::<String>()
            .to_ascii_uppercase();
        if canonical.is_empty() {
            return Err(bad("it is empty"));
        }
        if !canonical.contains('/') {
            return Err(bad("a symbol has segments separated by `/`"));
        }
        if canonical.split('/').any(str::is_empty) {
            return Err(bad("it has an empty segment"));
        }
        if !canonical
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/.-()".contains(&b))
        {
            return Err(bad("only letters, digits and / . - ( ) belong in a symbol"));
        }
        if !canonical.as_bytes()[0].is_ascii_alphabetic() {
            return Err(bad("a symbol starts with its organ's letter"));
        }
        Ok(Symbol(canonical))
    }

    /// `A/RES/<session>/<n>`.
    pub fn ga(session: u32, n: u32) -> Symbol {
        Symbol(format!("A/RES/{session}/{n}"))
    }

    /// `S/RES/<n>(<year>)`.
    pub fn sc(n: u32, year: i32) -> Symbol {
        Symbol(format!("S/RES/{n}({year})"))
    }

    /// Number `n` of a series named by its prefix (`A/RES/ES-11`, `A/HRC/RES/59`, `E/RES/2025`).
    pub fn in_series(series: &str, n: u32) -> Result<Symbol, SymbolError> {
        Symbol::parse(&format!("{}/{n}", series.trim_end_matches('/')))
    }

    /// Symbol and language from a file name like `A_RES_80_5-EN.pdf`, `S_RES_2768_2025-EN.pdf`
    /// or the Digital Library's `S_RES_2768_(2025)-FR.pdf`.
    pub fn from_file_name(name: &str) -> Option<(Symbol, String)> {
        let stem = name
            .strip_suffix(".pdf")
            .or_else(|| name.strip_suffix(".PDF"))?;
        let (body, lang) = stem.rsplit_once('-')?;
        if lang.len() != 2 || !lang.bytes().all(|b| b.is_ascii_alphabetic()) || body.is_empty() {
            return None;
        }
        let mut text = body.replace('_', "/");
        // Security Council: the year is the last segment, bare or in brackets.
        if let Some(rest) = text.strip_prefix("S/RES/") {
            if let Some((n, year)) = rest.split_once('/') {
                let year = year.trim_start_matches('(').trim_end_matches(')');
                if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) {
                    text = format!("S/RES/{n}({year})");
                }
            }
        }
        Some((Symbol::parse(&text).ok()?, lang.to_ascii_lowercase()))
    }

    /// Symbol and language of a viewer link's path, whatever its host: `/<lang>/<symbol>`
    /// (the language segment is optional).
    pub fn from_viewer_path(url: &url::Url) -> Option<(Symbol, Option<String>)> {
        let path = percent_decode(url.path().trim_start_matches('/'));
        let (lang, rest) = match path.split_once('/') {
            Some((l, rest)) if LANGUAGES.contains(&l.to_ascii_lowercase().as_str()) => {
                (Some(l.to_ascii_lowercase()), rest.to_owned())
            }
            _ => (None, path.clone()),
        };
        Symbol::parse(&rest).ok().map(|s| (s, lang))
    }

    /// Symbol and language a link names: `undocs.org/<lang>/<symbol>` and
    /// `docs.un.org/<lang>/<symbol>` (the language segment is optional), the symbol API's
    /// `s=` and `l=`, else a file name at the end of the path.
    pub fn from_url(url: &url::Url) -> Option<(Symbol, Option<String>)> {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        if host == "undocs.org" || host == "docs.un.org" {
            return Symbol::from_viewer_path(url);
        }
        let mut symbol = None;
        let mut lang = None;
        for (k, v) in url.query_pairs() {
            match k.as_ref() {
                "s" => symbol = Symbol::parse(&v).ok(),
                "l" => lang = Some(v.to_ascii_lowercase()),
                _ => {}
            }
        }
        if let Some(s) = symbol {
            return Some((s, lang));
        }
        let name = url.path_segments()?.next_back()?;
        Symbol::from_file_name(&percent_decode(name)).map(|(s, l)| (s, Some(l)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn organ(&self) -> Organ {
        let s = self.0.as_str();
        if s.starts_with("A/HRC/") {
            Organ::HumanRightsCouncil
        } else if s.starts_with("A/") {
            Organ::GeneralAssembly
        } else if s.starts_with("S/") {
            Organ::SecurityCouncil
        } else if s.starts_with("E/") {
            Organ::EconomicAndSocialCouncil
        } else {
            Organ::Other
        }
    }

    /// Everything before the number: `A/RES/80`, `S/RES`, `A/RES/ES-11`, `E/RES/2025`.
    pub fn series(&self) -> &str {
        self.0.rsplit_once('/').map_or(&self.0, |(s, _)| s)
    }

    /// The last segment's number (`2769` of `S/RES/2769(2025)`), when it is one.
    pub fn number(&self) -> Option<u32> {
        let last = self.0.rsplit_once('/')?.1;
        let digits = last.split_once('(').map_or(last, |(n, _)| n);
        digits.parse().ok()
    }

    /// The year in brackets (`S/RES/2769(2025)`) or of an ECOSOC series (`E/RES/2025/1`).
    pub fn year(&self) -> Option<i32> {
        let last = self.0.rsplit_once('/')?.1;
        if let Some((_, y)) = last.split_once('(') {
            return y.strip_suffix(')')?.parse().ok();
        }
        match self.organ() {
            Organ::EconomicAndSocialCouncil => self.series().rsplit('/').next()?.parse().ok(),
            _ => None,
        }
    }

    /// The session segment of a General Assembly or Human Rights Council resolution: `80`,
    /// `ES-11`, `S-32`, `59`.
    pub fn session(&self) -> Option<&str> {
        let series = self.series();
        let session = match self.organ() {
            Organ::GeneralAssembly => series.strip_prefix("A/RES/")?,
            Organ::HumanRightsCouncil => series.strip_prefix("A/HRC/RES/")?,
            _ => return None,
        };
        (!session.contains('/')).then_some(session)
    }

    /// True for a resolution (`/RES/` in the symbol), as opposed to a report or a draft.
    pub fn is_resolution(&self) -> bool {
        self.0.contains("/RES/")
    }

    /// `S_RES_2769(2025)`: the symbol as a file name stem.
    pub fn file_stem(&self) -> String {
        self.0.replace('/', "_")
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Symbol {
    type Err = SymbolError;

    fn from_str(s: &str) -> Result<Symbol, SymbolError> {
        Symbol::parse(s)
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    #[test]
    fn printed_forms_become_canonical() {
        assert_eq!(
            Symbol::parse("S/RES/2769 (2025)").unwrap().as_str(),
            "S/RES/2769(2025)"
        );
        assert_eq!(Symbol::parse(" a/res/80/5 ").unwrap(), Symbol::ga(80, 5));
        assert_eq!(Symbol::sc(2769, 2025).to_string(), "S/RES/2769(2025)");
        for bad in ["", "A/RES//5", "hello", "A/RES/80/5<script>", "/RES/1"] {
            assert!(Symbol::parse(bad).is_err(), "{bad:?}");
        }
        let err = Symbol::parse("hello").unwrap_err().to_string();
        assert!(err.contains("`hello`"), "{err}");
    }

    #[test]
    fn parts_of_each_series() {
        let s = Symbol::sc(2769, 2025);
        assert_eq!(
            (s.organ(), s.series(), s.number(), s.year(), s.session()),
            (
                Organ::SecurityCouncil,
                "S/RES",
                Some(2769),
                Some(2025),
                None
            )
        );
        let s = Symbol::ga(80, 12);
        assert_eq!(
            (s.organ(), s.series(), s.number(), s.year(), s.session()),
            (
                Organ::GeneralAssembly,
                "A/RES/80",
                Some(12),
                None,
                Some("80")
            )
        );
        let s = Symbol::in_series("A/RES/ES-11", 1).unwrap();
        assert_eq!((s.session(), s.number()), (Some("ES-11"), Some(1)));
        let s = Symbol::parse("A/RES/S-32/1").unwrap();
        assert_eq!(s.session(), Some("S-32"));
        let s = Symbol::parse("A/HRC/RES/59/25").unwrap();
        assert_eq!(
            (s.organ(), s.session(), s.number()),
            (Organ::HumanRightsCouncil, Some("59"), Some(25))
        );
        let s = Symbol::parse("E/RES/2025/1").unwrap();
        assert_eq!(
            (s.organ(), s.year(), s.number()),
            (Organ::EconomicAndSocialCouncil, Some(2025), Some(1))
        );
        assert!(s.is_resolution());
        let s = Symbol::parse("A/C.2/80/L.26").unwrap();
        assert_eq!((s.number(), s.is_resolution()), (None, false));
    }

    #[test]
    fn file_names_give_symbols_and_languages() {
        let f = |n| Symbol::from_file_name(n).map(|(s, l)| format!("{s} {l}"));
        assert_eq!(f("A_RES_80_5-EN.pdf").unwrap(), "A/RES/80/5 en");
        assert_eq!(f("S_RES_2768_2025-EN.pdf").unwrap(), "S/RES/2768(2025) en");
        assert_eq!(
            f("S_RES_2768_(2025)-FR.pdf").unwrap(),
            "S/RES/2768(2025) fr"
        );
        assert_eq!(f("A_C.2_80_L.26-EN.pdf").unwrap(), "A/C.2/80/L.26 en");
        assert_eq!(f("notes.pdf"), None);
        assert_eq!(f("A_RES_80_5.pdf"), None);
    }

    #[test]
    fn links_name_their_symbol() {
        let f = |u: &str| Symbol::from_url(&url(u)).map(|(s, l)| (s.to_string(), l));
        assert_eq!(
            f("https://undocs.org/en/A/RES/78/1"),
            Some(("A/RES/78/1".into(), Some("en".into())))
        );
        assert_eq!(
            f("https://docs.un.org/fr/S/RES/2728(2024)"),
            Some(("S/RES/2728(2024)".into(), Some("fr".into())))
        );
        assert_eq!(
            f("https://undocs.org/S/RES/2728%20(2024)"),
            Some(("S/RES/2728(2024)".into(), None))
        );
        assert_eq!(
            f("https://documents.un.org/api/symbol/access?s=S%2FRES%2F2769%20(2025)&l=fr&t=pdf"),
            Some(("S/RES/2769(2025)".into(), Some("fr".into())))
        );
        assert_eq!(
            f("https://digitallibrary.un.org/record/1/files/A_RES_80_5-EN.pdf"),
            Some(("A/RES/80/5".into(), Some("en".into())))
        );
        assert_eq!(f("https://undocs.org/en/"), None);
        assert_eq!(f("https://example.org/report.pdf"), None);
    }
}
