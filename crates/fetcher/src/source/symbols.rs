//! The `symbols` source: notices newly adopted resolutions by probing the symbol API for the
//! next sequential numbers after the highest the ledger knows (`A/RES/80/N+1`,
//! `S/RES/N+1 (YYYY)`), until K consecutive numbers miss. Numbers below the highest that missed
//! or were refused at an earlier poll (a gap, or an empty 200 before publication) are tried
//! again first.

use std::collections::BTreeSet;

use chrono::Datelike;

use crate::deliver::{Candidate, Fetcher, Summary};
use crate::ledger::status;
use crate::symbol;
use crate::FetchError;

/// Gaps retried per series and poll, at most.
const MAX_GAP_RETRIES: usize = 100;
/// Numbers probed per series and poll, at most, whatever the misses.
const MAX_PROBES: u32 = 2_000;

/// One numbered series of resolutions.
struct Series {
    prefix: String,
    year: Option<i32>,
    after: u32,
}

impl Series {
    fn symbol(&self, n: u32) -> String {
        match self.year {
            Some(y) => symbol::sc(n, y),
            None => format!("{}{n}", self.prefix),
        }
    }
}

pub async fn poll(f: &Fetcher) -> Result<Summary, FetchError> {
    let today = chrono::Utc::now().date_naive();
    let probe = &f.config.probe;
    let session = probe
        .ga_session
        .unwrap_or_else(|| symbol::ga_session_on(today));
    let year = probe.sc_year.unwrap_or(today.year());
    let mut summary = Summary::default();
    for series in [
        Series {
            prefix: format!("A/RES/{session}/"),
            year: None,
            after: probe.ga_after,
        },
        Series {
            prefix: "S/RES/".into(),
            year: Some(year),
            after: probe.sc_after,
        },
    ] {
        probe_series(f, &series, &mut summary).await?;
    }
    Ok(summary)
}

async fn probe_series(
    f: &Fetcher,
    series: &Series,
    summary: &mut Summary,
) -> Result<(), FetchError> {
    let mut highest = series.after;
    let mut gaps = BTreeSet::new();
    for (sym, st) in f.ledger.symbols_like(&series.prefix).await? {
        let Some(n) = symbol::number(&sym, &series.prefix, series.year) else {
            continue;
        };
        if st == status::PUBLISHED || st == status::ARCHIVED {
            highest = highest.max(n);
        } else {
            gaps.insert(n);
        }
    }
    for n in gaps
        .into_iter()
        .filter(|n| *n < highest && *n > series.after)
        .take(MAX_GAP_RETRIES)
    {
        probe_number(f, series, n, summary).await?;
    }
    let mut misses = 0;
    let mut n = highest + 1;
    while misses < f.config.probe.max_misses && n <= highest + MAX_PROBES {
        if probe_number(f, series, n, summary).await? {
            misses = 0;
        } else {
            misses += 1;
            f.metrics.probe_misses.inc();
        }
        n += 1;
    }
    tracing::info!(series = %series.prefix, year = series.year, highest, next = n - misses, "probe done");
    Ok(())
}

/// Fetches every language of one number; true when any exists.
async fn probe_number(
    f: &Fetcher,
    series: &Series,
    n: u32,
    summary: &mut Summary,
) -> Result<bool, FetchError> {
    let symbol = series.symbol(n);
    let mut found = false;
    for language in &f.config.languages {
        let candidate = Candidate {
            url: api_url(&f.config.symbol_api, &symbol, language),
            symbol: symbol.clone(),
            language: language.clone(),
            revision: None,
            skip_if_published: true,
        };
        let outcome = f.fetch("symbols", &candidate).await?;
        found |= outcome.found();
        summary.add(&outcome);
    }
    Ok(found)
}

/// `<base>?s=<symbol, API form>&l=<lang>&t=pdf`.
pub fn api_url(base: &str, symbol: &str, language: &str) -> String {
    match url::Url::parse(base) {
        Ok(mut u) => {
            u.query_pairs_mut()
                .append_pair("s", &symbol::api_form(symbol))
                .append_pair("l", language)
                .append_pair("t", "pdf");
            u.to_string()
        }
        // An invalid base is reported by the download with this text as the url.
        Err(_) => format!("{base}?s={symbol}&l={language}&t=pdf"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn api_urls_encode_the_symbol() {
        assert_eq!(
            super::api_url(
                "https://documents.un.org/api/symbol/access",
                "S/RES/2769(2025)",
                "en"
            ),
            "https://documents.un.org/api/symbol/access?s=S%2FRES%2F2769+%282025%29&l=en&t=pdf"
        );
    }
}
