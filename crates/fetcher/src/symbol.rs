//! The fetcher's side of UN document symbols ([`Symbol`] itself lives in `resingest-model`):
//! the General Assembly session on a date, and the symbol API link and `Referer` for a
//! symbol in a language.

use chrono::Datelike;
pub use resingest_model::symbol::{Organ, Symbol, LANGUAGES};

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

/// The first day of September of the year session `n` opens (it opens in the second or third
/// week; counting from the 1st errs on the side of probing the previous session longer).
pub fn session_opened(n: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(1945 + n as i32, 9, 1).expect("a valid date")
}

/// `<base>?s=<symbol>&l=<lang>&t=pdf`, the symbol in canonical form (no space before the
/// year), as the UN's own viewer asks.
pub fn api_url(base: &str, symbol: &Symbol, language: &str) -> String {
    match url::Url::parse(base) {
        Ok(mut u) => {
            u.query_pairs_mut()
                .append_pair("s", symbol.as_str())
                .append_pair("l", language)
                .append_pair("t", "pdf");
            u.to_string()
        }
        // An invalid base is reported by the download with this text as the url.
        Err(_) => format!("{base}?s={symbol}&l={language}&t=pdf"),
    }
}

/// The viewer page the UN's own requests to the symbol API come from:
/// `https://docs.un.org/<lang>/<symbol>`.
pub fn referer(base: &str, symbol: &Symbol, language: &str) -> String {
    format!("{}/{language}/{symbol}", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_open_in_september() {
        let d = |y, m| chrono::NaiveDate::from_ymd_opt(y, m, 15).unwrap();
        assert_eq!(ga_session_on(d(2025, 9)), 80);
        assert_eq!(ga_session_on(d(2026, 3)), 80);
        assert_eq!(ga_session_on(d(2025, 8)), 79);
        assert_eq!(
            session_opened(80),
            chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap()
        );
    }

    #[test]
    fn api_urls_and_referers_name_the_symbol_as_the_viewer_does() {
        let s = Symbol::sc(2769, 2025);
        assert_eq!(
            api_url("https://documents.un.org/api/symbol/access", &s, "en"),
            "https://documents.un.org/api/symbol/access?s=S%2FRES%2F2769%282025%29&l=en&t=pdf"
        );
        assert_eq!(
            referer("https://docs.un.org/", &s, "fr"),
            "https://docs.un.org/fr/S/RES/2769(2025)"
        );
    }
}
