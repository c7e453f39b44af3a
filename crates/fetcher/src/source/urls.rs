//! The `urls` source: a list of URLs or symbols, one a line (`#` starts a comment). A symbol is
//! fetched from the symbol API in every configured language; a URL as it is, its symbol and
//! language read from its query (`s=`, `l=`) or its file name, else the URL stands for itself.

use std::io::Read;
use std::path::Path;

use crate::deliver::{Candidate, Fetcher, Summary};
use crate::source::symbols::api_url;
use crate::{symbol, FetchError};

/// The non-empty, non-comment lines of `file`, or of stdin when `None`.
pub fn read_lines(file: Option<&Path>) -> Result<Vec<String>, FetchError> {
    let text = match file {
        Some(path) => std::fs::read_to_string(path).map_err(|source| FetchError::Read {
            path: path.into(),
            source,
        })?,
        None => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|source| FetchError::Read {
                    path: "-".into(),
                    source,
                })?;
            s
        }
    };
    Ok(text
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect())
}

/// The candidates one line stands for.
pub fn candidates(line: &str, symbol_api: &str, languages: &[String]) -> Vec<Candidate> {
    if line.contains("://") {
        let parsed = url::Url::parse(line).ok();
        let (sym, lang) = parsed
            .as_ref()
            .and_then(symbol::from_url)
            .unwrap_or_else(|| (line.to_owned(), None));
        let language = lang.unwrap_or_else(|| languages.first().cloned().unwrap_or("en".into()));
        return vec![Candidate {
            symbol: sym,
            language,
            url: line.to_owned(),
            revision: None,
            skip_if_published: true,
        }];
    }
    let sym = symbol::canonical(line);
    languages
        .iter()
        .map(|l| Candidate {
            url: api_url(symbol_api, &sym, l),
            symbol: sym.clone(),
            language: l.clone(),
            revision: None,
            skip_if_published: true,
        })
        .collect()
}

pub async fn poll(f: &Fetcher, lines: &[String]) -> Result<Summary, FetchError> {
    let all: Vec<Candidate> = lines
        .iter()
        .flat_map(|l| candidates(l, &f.config.symbol_api, &f.config.languages))
        .collect();
    f.progress
        .total
        .fetch_add(all.len() as u64, std::sync::atomic::Ordering::Relaxed);
    let mut summary = Summary::default();
    for c in &all {
        summary.add(&f.fetch("urls", c).await?);
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_urls_or_symbols() {
        let langs = vec!["en".to_owned(), "fr".to_owned()];
        let c = candidates("S/RES/2769 (2025)", "http://h/api", &langs);
        assert_eq!(c.len(), 2);
        assert_eq!(c[1].symbol, "S/RES/2769(2025)");
        assert_eq!(
            c[1].url,
            "http://h/api?s=S%2FRES%2F2769+%282025%29&l=fr&t=pdf"
        );
        let c = candidates("http://h/files/A_RES_80_5-FR.pdf", "http://h/api", &langs);
        assert_eq!(
            (c[0].symbol.as_str(), c[0].language.as_str()),
            ("A/RES/80/5", "fr")
        );
        let c = candidates("http://h/x.pdf", "http://h/api", &langs);
        assert_eq!(
            (c[0].symbol.as_str(), c[0].language.as_str()),
            ("http://h/x.pdf", "en")
        );
    }
}
