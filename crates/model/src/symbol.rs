//! UN document symbols (`A/RES/80/5`, `S/RES/2769(2025)`, `A/HRC/RES/59/25`): one canonical
//! form, read from how a symbol is printed, from file names (`A_RES_80_5-EN.pdf`) and from
//! undocs.org, docs.un.org and symbol API links, and taken apart into organ, series, session
//! or year and number.
//!
//! The canonical form has no spaces (`S/RES/2769 (2025)` -> `S/RES/2769(2025)`), which is also
//! how the UN's own viewer asks the symbol API for it, no reissue asterisk, and the UN's case:
//! uppercase but for `Rev.`, `Add.`, `Corr.`, `Amend.` and `Sub.` (`A/64/L.63/Rev.1`). The
//! extractor writes it, the sink keys its store and checks the fetcher's symbol header on it,
//! and the read API looks symbols up in it, so one resolution has one key however it was typed.

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

impl Organ {
    /// The organs resingest knows, the Human Rights Council before the General Assembly (its
    /// symbols start `A/HRC/`, inside the Assembly's `A/`).
    pub const KNOWN: [Organ; 4] = [
        Organ::HumanRightsCouncil,
        Organ::GeneralAssembly,
        Organ::SecurityCouncil,
        Organ::EconomicAndSocialCouncil,
    ];

    /// The name the contract's `organ` field holds: "General Assembly"; "" for [`Organ::Other`].
    pub fn name(self) -> &'static str {
        match self {
            Organ::GeneralAssembly => "General Assembly",
            Organ::SecurityCouncil => "Security Council",
            Organ::HumanRightsCouncil => "Human Rights Council",
            Organ::EconomicAndSocialCouncil => "Economic and Social Council",
            Organ::Other => "",
        }
    }

    /// The short name, lowercase (`ga`, `sc`, `hrc`, `ecosoc`; `other`): AKN's actor after `un`.
    pub fn short(self) -> &'static str {
        match self {
            Organ::GeneralAssembly => "ga",
            Organ::SecurityCouncil => "sc",
            Organ::HumanRightsCouncil => "hrc",
            Organ::EconomicAndSocialCouncil => "ecosoc",
            Organ::Other => "other",
        }
    }

    /// The AKN4UN ontology name: `generalAssembly`.
    pub fn ontology(self) -> &'static str {
        match self {
            Organ::GeneralAssembly => "generalAssembly",
            Organ::SecurityCouncil => "securityCouncil",
            Organ::HumanRightsCouncil => "humanRightsCouncil",
            Organ::EconomicAndSocialCouncil => "economicAndSocialCouncil",
            Organ::Other => "other",
        }
    }

    /// What every document symbol of the organ starts with: `A/`, `S/`, `A/HRC/`, `E/`.
    pub fn document_prefix(self) -> &'static str {
        match self {
            Organ::GeneralAssembly => "A/",
            Organ::SecurityCouncil => "S/",
            Organ::HumanRightsCouncil => "A/HRC/",
            Organ::EconomicAndSocialCouncil => "E/",
            Organ::Other => "",
        }
    }

    /// What its resolution symbols start with: `A/RES/`, `S/RES/`, `A/HRC/RES/`, `E/RES/`.
    pub fn resolution_prefix(self) -> &'static str {
        match self {
            Organ::GeneralAssembly => "A/RES/",
            Organ::SecurityCouncil => "S/RES/",
            Organ::HumanRightsCouncil => "A/HRC/RES/",
            Organ::EconomicAndSocialCouncil => "E/RES/",
            Organ::Other => "",
        }
    }

    /// A known organ by its name, short name or abbreviation, in any case and spacing:
    /// "General Assembly", "ga", "GA", "unga"; "ECOSOC", "esc".
    pub fn from_name(text: &str) -> Option<Organ> {
        let folded = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        Organ::KNOWN.into_iter().find(|o| {
            folded == o.name().to_lowercase()
                || folded == o.short()
                || folded.strip_prefix("un") == Some(o.short())
                || (*o == Organ::EconomicAndSocialCouncil && folded == "esc")
        })
    }

    /// The organ whose document symbols `symbol` starts with (canonical or as printed).
    pub fn of_symbol(symbol: &str) -> Organ {
        let s = symbol.trim_start();
        Organ::KNOWN
            .into_iter()
            .find(|o| s.starts_with(o.document_prefix()))
            .unwrap_or(Organ::Other)
    }
}

/// A document symbol in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(String);

impl Symbol {
    /// A symbol as printed: spaces dropped, a reissue's asterisks (`A/64/L.63/Rev.1*`)
    /// dropped, letters uppercased except the UN's own lowercase in a revision, addendum,
    /// corrigendum or amendment segment (`Rev.1`, `Add.2`, `Corr.1`, `Amend.1`, `Sub.2`),
    /// `/` separated segments that are not empty.
    pub fn parse(text: &str) -> Result<Symbol, SymbolError> {
        let bad = |reason| SymbolError::Invalid {
            text: text.to_owned(),
            reason,
        };
        let joined: String = text.split_whitespace().collect();
        let canonical = joined
            .trim_end_matches('*')
            .split('/')
            .map(canonical_segment)
            .collect::<Vec<_>>()
            .join("/");
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
        Organ::of_symbol(&self.0)
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

/// `REV.1`, `rev.1` -> `Rev.1` (and `Add.`, `Corr.`, `Amend.`, `Sub.`); any other segment
/// uppercased.
fn canonical_segment(segment: &str) -> String {
    const TITLED: [&str; 5] = ["Rev", "Add", "Corr", "Amend", "Sub"];
    if let Some((word, rest)) = segment.split_once('.') {
        if let Some(t) = TITLED.iter().find(|t| t.eq_ignore_ascii_case(word)) {
            return format!("{t}.{}", rest.to_ascii_uppercase());
        }
    }
    segment.to_ascii_uppercase()
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
        for (printed, canonical) in [
            ("A/64/L.63/Rev.1*", "A/64/L.63/Rev.1"),
            ("a/71/l.17/add.1", "A/71/L.17/Add.1"),
            ("A/78/L.1/CORR.2", "A/78/L.1/Corr.2"),
            ("E/CN.4/SUB.2/2005/1", "E/CN.4/Sub.2/2005/1"),
            ("A/C.3/80/L.56", "A/C.3/80/L.56"),
            ("S/RES/2769 (2025)**", "S/RES/2769(2025)"),
        ] {
            assert_eq!(
                Symbol::parse(printed).unwrap().as_str(),
                canonical,
                "{printed}"
            );
        }
        assert_eq!(Symbol::sc(2769, 2025).to_string(), "S/RES/2769(2025)");
        for bad in ["", "A/RES//5", "hello", "A/RES/80/5<script>", "/RES/1"] {
            assert!(Symbol::parse(bad).is_err(), "{bad:?}");
        }
        let err = Symbol::parse("hello").unwrap_err().to_string();
        assert!(err.contains("`hello`"), "{err}");
    }

    #[test]
    fn organs_by_name_and_by_symbol() {
        for o in Organ::KNOWN {
            assert_eq!(Organ::from_name(o.name()), Some(o));
            assert_eq!(Organ::from_name(&o.short().to_uppercase()), Some(o));
            assert!(o.resolution_prefix().starts_with(o.document_prefix()));
            assert_eq!(
                Organ::of_symbol(&format!("{}1/2", o.resolution_prefix())),
                o
            );
        }
        assert_eq!(
            Organ::from_name(" security   COUNCIL"),
            Some(Organ::SecurityCouncil)
        );
        assert_eq!(Organ::from_name("unga"), Some(Organ::GeneralAssembly));
        assert_eq!(
            Organ::from_name("esc"),
            Some(Organ::EconomicAndSocialCouncil)
        );
        assert_eq!(Organ::from_name("Trusteeship Council"), None);
        assert_eq!(
            Organ::of_symbol("A/HRC/RES/59/25"),
            Organ::HumanRightsCouncil
        );
        assert_eq!(Organ::of_symbol("UNEP/EA.6/Res.1"), Organ::Other);
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
