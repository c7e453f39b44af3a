//! The `symbols` source: notices newly adopted resolutions by probing the symbol API for the
//! next sequential numbers after the highest the ledger knows, until K consecutive numbers
//! are not published (only "not yet published" counts as a miss: a block stops the poll).
//!
//! - Security Council numbers run on across years: probing starts above the highest number
//!   ever seen, whatever its year, with this year's symbol (and last year's in the first
//!   `quiet_days` of a year, for resolutions adopted in December and published late).
//! - General Assembly: the current session, and the previous one until nothing new was found
//!   in it for `quiet_days` (its last resolutions are published weeks after the new session
//!   opens).
//! - Opt-in series by prefix: `A/RES/ES-11`, `A/RES/S-32`, `A/HRC/RES/59`, `E/RES/2025`.
//!
//! Numbers below the highest that missed at an earlier poll (a gap, or not yet published) are
//! tried again first. Numbers are probed `concurrency` at a time, in order, so the miss count
//! stays exact.

use std::collections::BTreeSet;

use chrono::Datelike;
use futures_util::stream::{self, StreamExt, TryStreamExt};

use crate::deliver::{run_all, Candidate, Fetcher, Summary};
use crate::ledger::status;
use crate::symbol::{self, Symbol};
use crate::FetchError;

/// Gaps retried per series and poll, at most.
const MAX_GAP_RETRIES: usize = 100;
/// Numbers probed per series and poll, at most, whatever the misses.
const MAX_PROBES: u32 = 2_000;

/// One numbered series of resolutions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// What the ledger's symbols start with: `A/RES/80/`, `S/RES/`.
    pub prefix: String,
    /// Security Council: the years a number is asked with, in order.
    pub years: Vec<i32>,
    /// Highest number known before the ledger knows any.
    pub after: u32,
}

impl Series {
    fn symbols(&self, n: u32) -> Vec<Symbol> {
        if self.years.is_empty() {
            Symbol::in_series(&self.prefix, n).into_iter().collect()
        } else {
            self.years.iter().map(|y| Symbol::sc(n, *y)).collect()
        }
    }

    fn number(&self, symbol: &str) -> Option<u32> {
        let s = Symbol::parse(symbol).ok()?;
        let prefix = self.prefix.trim_end_matches('/');
        if self.years.is_empty() {
            (s.series() == prefix).then(|| s.number()).flatten()
        } else {
            (s.series() == prefix && s.year().is_some())
                .then(|| s.number())
                .flatten()
        }
    }
}

/// The series one poll probes on `today`, given when each previous session last had news.
pub async fn series(f: &Fetcher, today: chrono::NaiveDate) -> Result<Vec<Series>, FetchError> {
    let probe = &f.config.probe;
    let quiet = chrono::Duration::days(i64::from(probe.quiet_days));
    let mut out = Vec::new();
    let ga = |session: u32, after| Series {
        prefix: format!("A/RES/{session}/"),
        years: Vec::new(),
        after,
    };
    match probe.ga_session {
        Some(session) => out.push(ga(session, probe.ga_after)),
        None => {
            let current = symbol::ga_session_on(today);
            out.push(ga(current, probe.ga_after));
            let previous = ga(current - 1, probe.ga_previous_after);
            let last = f
                .ledger
                .last_found(&previous.prefix)
                .await?
                .map(|t| t.date_naive());
            let since = last
                .unwrap_or(symbol::session_opened(current))
                .max(symbol::session_opened(current));
            if today - since < quiet {
                out.push(previous);
            } else {
                tracing::info!(series = %previous.prefix, quiet_since = %since, "previous session quiet, no longer probed");
            }
        }
    }
    let years = match probe.sc_year {
        Some(y) => vec![y],
        None if today.ordinal() <= probe.quiet_days => vec![today.year(), today.year() - 1],
        None => vec![today.year()],
    };
    out.push(Series {
        prefix: "S/RES/".into(),
        years,
        after: probe.sc_after,
    });
    for prefix in &probe.series {
        out.push(Series {
            prefix: format!("{}/", prefix.trim_end_matches('/')),
            years: Vec::new(),
            after: 0,
        });
    }
    Ok(out)
}

pub async fn poll(f: &Fetcher) -> Result<Summary, FetchError> {
    let today = f
        .config
        .probe
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let canary = f.default_canary(today).await?;
    f.begin_poll(canary).await;
    let mut summary = Summary::default();
    for series in series(f, today).await? {
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
        let Some(n) = series.number(&sym) else {
            continue;
        };
        if st == status::PUBLISHED || st == status::ARCHIVED {
            highest = highest.max(n);
        } else {
            gaps.insert(n);
        }
    }
    let gaps: Vec<u32> = gaps
        .into_iter()
        .filter(|n| *n < highest && *n > series.after)
        .take(MAX_GAP_RETRIES)
        .collect();
    let lookahead = f.config.http.concurrency.max(1);
    for chunk in gaps.chunks(lookahead) {
        let done: Vec<(Summary, bool)> =
            stream::iter(chunk.iter().map(|n| probe_number(f, series, *n)))
                .buffer_unordered(lookahead)
                .try_collect()
                .await?;
        for (s, _) in done {
            summary.merge(&s);
        }
    }
    // `lookahead` numbers in flight, results taken in order. Once K misses in a row are seen
    // no new number starts, but those in flight finish (none is cut off mid-delivery), and a
    // document among them starts probing again.
    let mut misses = 0;
    let mut next = highest + 1;
    let last = highest + MAX_PROBES;
    let mut in_flight = futures_util::stream::FuturesOrdered::new();
    let mut stopping = false;
    let mut first_error = None;
    loop {
        while !stopping && first_error.is_none() && in_flight.len() < lookahead && next <= last {
            in_flight.push_back(probe_number(f, series, next));
            next += 1;
        }
        let Some(result) = in_flight.next().await else {
            break;
        };
        // A block: nothing new starts, what is in flight finishes, then the poll stops.
        let (s, found) = match result {
            Ok(r) => r,
            Err(e) => {
                first_error.get_or_insert(e);
                continue;
            }
        };
        summary.merge(&s);
        if found {
            misses = 0;
            stopping = false;
        } else {
            misses += 1;
            f.metrics.probe_misses.inc();
            stopping |= misses >= f.config.probe.max_misses;
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    tracing::info!(series = %series.prefix, years = ?series.years, highest, misses, probed_to = next - 1, "probe done");
    Ok(())
}

/// Fetches every language of one number (in each of its symbols); true when any exists.
async fn probe_number(f: &Fetcher, series: &Series, n: u32) -> Result<(Summary, bool), FetchError> {
    let mut summary = Summary::default();
    for symbol in series.symbols(n) {
        let candidates: Vec<Candidate> = f
            .config
            .languages
            .iter()
            .map(|l| f.symbol_candidate(&symbol, l))
            .collect();
        let s = run_all(
            candidates.iter().map(|c| f.fetch("symbols", c)),
            candidates.len(),
        )
        .await?;
        summary.merge(&s);
        if s.published + s.unchanged > 0 {
            return Ok((summary, true));
        }
    }
    Ok((summary, false))
}

impl Fetcher {
    /// A symbol API download of `symbol` in `language`, with the viewer's `Referer`.
    pub fn symbol_candidate(&self, symbol: &Symbol, language: &str) -> Candidate {
        Candidate {
            url: symbol::api_url(&self.config.symbol_api, symbol, language),
            symbol: symbol.to_string(),
            language: language.to_owned(),
            revision: None,
            skip_if_published: true,
            referer: self
                .config
                .http
                .referer_base
                .as_deref()
                .map(|b| symbol::referer(b, symbol, language)),
        }
    }

    /// The poll's canary: the newest published resolution in the ledger, else the one
    /// `--ga-after` (or `--sc-after`) names; `None` when neither is known.
    pub async fn default_canary(
        &self,
        today: chrono::NaiveDate,
    ) -> Result<Option<crate::deliver::Canary>, FetchError> {
        let known = match self.ledger.newest_published().await? {
            Some((s, l)) => Symbol::parse(&s).ok().map(|s| (s, l)),
            None => None,
        };
        let probe = &self.config.probe;
        let first = self
            .config
            .languages
            .first()
            .cloned()
            .unwrap_or("en".into());
        let fallback = if probe.ga_after > 0 {
            let session = probe
                .ga_session
                .unwrap_or_else(|| symbol::ga_session_on(today));
            Some((Symbol::ga(session, probe.ga_after), first))
        } else if probe.sc_after > 0 {
            let year = probe.sc_year.unwrap_or(today.year());
            Some((Symbol::sc(probe.sc_after, year), first))
        } else {
            None
        };
        Ok(known.or(fallback).map(|(s, l)| crate::deliver::Canary {
            candidate: self.symbol_candidate(&s, &l),
        }))
    }
}
