//! UN document symbols: the sequential resolution numbers probed, the form the symbol API
//! wants, and symbols read back from file names (`A_RES_80_5-EN.pdf`, the Digital Library's
//! `{SYMBOL_}-{LANG}.pdf`).

use chrono::Datelike;

/// `A/RES/<session>/<n>`.
pub fn ga(session: u32, n: u32) -> String {
    format!("A/RES/{session}/{n}")
}

/// `S/RES/<n>(<year>)`, the canonical form without a space.
pub fn sc(n: u32, year: i32) -> String {
    format!("S/RES/{n}({year})")
}

/// The canonical symbol: no spaces (`S/RES/2769 (2025)` -> `S/RES/2769(2025)`).
pub fn canonical(symbol: &str) -> String {
    symbol.split_whitespace().collect()
}

/// The form the symbol API is asked with: `S/RES/2769 (2025)`, a space before the year.
pub fn api_form(symbol: &str) -> String {
    let c = canonical(symbol);
    match c.find('(') {
        Some(i) if i > 0 => format!("{} {}", &c[..i], &c[i..]),
        _ => c,
    }
}

/// The number `symbol` has under `prefix` (`A/RES/80/` or `S/RES/`), when it is one of
/// [`ga`] or [`sc`] with `year`.
pub fn number(symbol: &str, prefix: &str, year: Option<i32>) -> Option<u32> {
    let rest = symbol.strip_prefix(prefix)?;
    let digits = match year {
        Some(y) => rest.strip_suffix(&format!("({y})"))?,
        None => rest,
    };
    digits.parse().ok()
}

/// The General Assembly session in progress on `date`: session N opens in September of
/// 1945 + N.
pub fn ga_session_on(date: chrono::NaiveDate) -> u32 {
    let opened = if date.month() >= 9 {
        date.year()
    } else {
        date.year() - 1
    };
    (opened - 1945).max(1) as u32
}

/// Symbol and language from a file name like `A_RES_80_5-EN.pdf` or `S_RES_2768_2025-EN.pdf`.
pub fn from_file_name(name: &str) -> Option<(String, String)> {
    let stem = name
        .strip_suffix(".pdf")
        .or_else(|| name.strip_suffix(".PDF"))?;
    let (body, lang) = stem.rsplit_once('-')?;
    if lang.len() != 2 || !lang.bytes().all(|b| b.is_ascii_alphabetic()) || body.is_empty() {
        return None;
    }
    let mut symbol = body.replace('_', "/");
    // Security Council: the year is the last segment, bare or in brackets.
    if let Some(rest) = symbol.strip_prefix("S/RES/") {
        if let Some((n, year)) = rest.split_once('/') {
            let year = year.trim_start_matches('(').trim_end_matches(')');
            if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) {
                symbol = format!("S/RES/{n}({year})");
            }
        }
    }
    Some((symbol, lang.to_ascii_lowercase()))
}

/// Symbol and language a URL names: the symbol API's `s` and `l`, else its file name.
pub fn from_url(url: &url::Url) -> Option<(String, Option<String>)> {
    let mut symbol = None;
    let mut lang = None;
    for (k, v) in url.query_pairs() {
        match k.as_ref() {
            "s" => symbol = Some(canonical(&v)),
            "l" => lang = Some(v.to_ascii_lowercase()),
            _ => {}
        }
    }
    if let Some(s) = symbol {
        return Some((s, lang));
    }
    let name = url.path_segments()?.next_back()?;
    let name = percent_decode(name);
    from_file_name(&name).map(|(s, l)| (s, Some(l)))
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

    #[test]
    fn file_names_give_symbols_and_languages() {
        let f = |n| from_file_name(n).map(|(s, l)| format!("{s} {l}"));
        assert_eq!(f("A_RES_80_5-EN.pdf").unwrap(), "A/RES/80/5 en");
        assert_eq!(f("S_RES_2768_2025-EN.pdf").unwrap(), "S/RES/2768(2025) en");
        assert_eq!(
            f("S_RES_2768_(2025)-FR.pdf").unwrap(),
            "S/RES/2768(2025) fr"
        );
        assert_eq!(f("A_C.2_80_L.26-EN.pdf").unwrap(), "A/C.2/80/L.26 en");
        assert_eq!(f("notes.pdf"), None);
    }

    #[test]
    fn symbols_number_and_api_form() {
        assert_eq!(number(&ga(80, 12), "A/RES/80/", None), Some(12));
        assert_eq!(number(&sc(2769, 2025), "S/RES/", Some(2025)), Some(2769));
        assert_eq!(number(&sc(2769, 2024), "S/RES/", Some(2025)), None);
        assert_eq!(api_form("S/RES/2769(2025)"), "S/RES/2769 (2025)");
        assert_eq!(canonical("S/RES/2769 (2025)"), "S/RES/2769(2025)");
        assert_eq!(api_form("A/RES/80/5"), "A/RES/80/5");
    }

    #[test]
    fn sessions_open_in_september() {
        let d = |y, m| chrono::NaiveDate::from_ymd_opt(y, m, 15).unwrap();
        assert_eq!(ga_session_on(d(2025, 9)), 80);
        assert_eq!(ga_session_on(d(2026, 3)), 80);
        assert_eq!(ga_session_on(d(2025, 8)), 79);
    }

    #[test]
    fn urls_name_their_symbol() {
        let u = url::Url::parse(
            "https://documents.un.org/api/symbol/access?s=S%2FRES%2F2769%20(2025)&l=fr&t=pdf",
        )
        .unwrap();
        assert_eq!(
            from_url(&u),
            Some(("S/RES/2769(2025)".into(), Some("fr".into())))
        );
        let u = url::Url::parse("https://digitallibrary.un.org/record/1/files/A_RES_80_5-EN.pdf")
            .unwrap();
        assert_eq!(from_url(&u), Some(("A/RES/80/5".into(), Some("en".into()))));
    }
}
