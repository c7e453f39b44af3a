//! The `urls` source: a list of links, one a line (`#` starts a comment). A link to the UN's
//! viewer (`undocs.org/<lang>/<symbol>`, `docs.un.org/...`, which answer with an html page)
//! or to the symbol API becomes its symbol, fetched from the symbol API in the link's
//! language (every configured language when it names none); any other link is fetched as it
//! is, its symbol and language read from its file name. A line that is not a URL is an error
//! naming its line number: it is never guessed to be a symbol.

use std::io::Read;
use std::path::Path;

use crate::deliver::{run_all, Candidate, Fetcher, Summary};
use crate::symbol::Symbol;
use crate::FetchError;

/// A line of the list: its number (from 1) and its text without comment.
pub type Line = (usize, String);

/// The non-empty, non-comment lines of `file`, or of stdin when `None`, each checked to be a
/// URL.
pub fn read_lines(file: Option<&Path>) -> Result<Vec<Line>, FetchError> {
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
    let name = file.map_or("-".into(), |p| p.display().to_string());
    let mut lines = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let l = l.split('#').next().unwrap_or_default().trim();
        if l.is_empty() {
            continue;
        }
        let parsed = url::Url::parse(l)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
        let Some(parsed) = parsed else {
            return Err(FetchError::UrlLine {
                path: name,
                line: i + 1,
                text: l.to_owned(),
            });
        };
        // The symbol API answers `l=ja` with the English PDF: it would be stored as Japanese.
        if let Some((_, Some(language))) = Symbol::from_url(&parsed) {
            if crate::config::official_language(&language).is_err() {
                return Err(FetchError::UrlLanguage {
                    path: name,
                    line: i + 1,
                    language,
                });
            }
        }
        lines.push((i + 1, l.to_owned()));
    }
    Ok(lines)
}

/// The candidates one link stands for.
pub fn candidates(f: &Fetcher, line: &str) -> Vec<Candidate> {
    let languages = &f.config.languages;
    let parsed = url::Url::parse(line).ok();
    let host = parsed
        .as_ref()
        .and_then(|u| u.host_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let with_port = parsed
        .as_ref()
        .and_then(|u| u.port().map(|p| format!("{host}:{p}")))
        .unwrap_or_else(|| host.clone());
    let is_viewer = f
        .config
        .viewer_hosts
        .iter()
        .any(|v| v.eq_ignore_ascii_case(&host) || v.eq_ignore_ascii_case(&with_port));
    let named = match &parsed {
        Some(u) if is_viewer => Symbol::from_viewer_path(u),
        Some(u) => Symbol::from_url(u),
        None => None,
    };
    let is_api = parsed
        .as_ref()
        .is_some_and(|u| u.query_pairs().any(|(k, _)| k == "s"));
    if let Some((symbol, lang)) = named.clone().filter(|_| is_viewer || is_api) {
        let langs = match lang {
            Some(l) => vec![l],
            None => languages.clone(),
        };
        return langs
            .iter()
            .map(|l| f.symbol_candidate(&symbol, l))
            .collect();
    }
    let (sym, lang) = named
        .map(|(s, l)| (s.to_string(), l))
        .unwrap_or_else(|| (line.to_owned(), None));
    let language = lang.unwrap_or_else(|| languages.first().cloned().unwrap_or("en".into()));
    vec![Candidate {
        symbol: sym,
        language,
        url: line.to_owned(),
        revision: None,
        skip_if_published: true,
        referer: None,
    }]
}

pub async fn poll(f: &Fetcher, lines: &[Line]) -> Result<Summary, FetchError> {
    let today = chrono::Utc::now().date_naive();
    let canary = f.default_canary(today).await?;
    f.begin_poll(canary).await;
    let all: Vec<Candidate> = lines.iter().flat_map(|(_, l)| candidates(f, l)).collect();
    f.progress
        .total
        .fetch_add(all.len() as u64, std::sync::atomic::Ordering::Relaxed);
    fetch_all(f, "urls", &all).await
}

/// Fetches `candidates` concurrently (the per-host limit is the http client's), stopping at
/// the first block or outage.
pub async fn fetch_all(
    f: &Fetcher,
    source: &str,
    candidates: &[Candidate],
) -> Result<Summary, FetchError> {
    let in_flight = f.config.http.concurrency.max(1) * 2;
    run_all(candidates.iter().map(|c| f.fetch(source, c)), in_flight).await
}
