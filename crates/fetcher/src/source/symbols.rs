//! The `symbols` source: notices newly adopted resolutions by probing the symbol API for the
//! next sequential numbers after the highest the ledger knows, until K consecutive numbers
//! are not published. Only "not yet published" counts as a miss: a rejected answer (too large,
//! not a PDF) says something is there and restarts the run, a block stops the poll.
//!
//! - Security Council numbers run on across years, and a number carries the year it was
//!   adopted in: probing starts above the highest number ever seen, with this year's symbol
//!   (and last year's in the first `quiet_days` of a year, for resolutions adopted in December
//!   and published late), never a year before that of a lower number already found. Only the
//!   year that answers is recorded: a number asked in two years leaves no row under the other.
//! - General Assembly: the current session, and the previous one until nothing new was found
//!   in it for `quiet_days` (its last resolutions are published weeks after the new session
//!   opens). The day of the last find is kept in the probe's own clock (a cursor), so the
//!   quiet period and `today` are counted alike.
//! - Opt-in series by prefix: `A/RES/ES-11`, `A/RES/S-32`, `A/HRC/RES/59`, `E/RES/2025`.
//! - `--ga-until N` bounds a session backfill: every number up to N is probed whatever the
//!   misses, so the poll's progress has a total (done/total, rate, ETA).
//!
//! Numbers below the highest that missed at an earlier poll (a gap, or not yet published) are
//! tried again first. Numbers are probed `concurrency` at a time, in order, so the miss count
//! stays exact.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;

use chrono::Datelike;
use futures_util::stream::StreamExt;

use crate::deliver::{run_collect, Candidate, Fetcher, Outcome, Summary};
use crate::ledger::status;
use crate::symbol::{self, Symbol};
use crate::FetchError;

const SOURCE: &str = "symbols";
/// Gaps retried per series and poll, at most.
const MAX_GAP_RETRIES: usize = 100;
/// Numbers probed per series and poll, at most, whatever the misses (unless bounded).
const MAX_PROBES: u32 = 2_000;

/// One numbered series of resolutions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// What the ledger's symbols start with: `A/RES/80/`, `S/RES/`.
    pub prefix: String,
    /// Security Council: the years a number not known yet may carry, newest first.
    pub years: Vec<i32>,
    /// The years are given (`--sc-year`): asked as they are, whatever the ledger knows.
    pub year_fixed: bool,
    /// Highest number known before the ledger knows any.
    pub after: u32,
    /// Last number probed, whatever the misses (a bounded backfill).
    pub until: Option<u32>,
}

/// How one number answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Probe {
    /// A document in some language.
    Found,
    /// Something that is not a document (too large, not a PDF): the number is taken.
    Taken,
    /// Not yet published in any language or year: the only miss.
    Missed,
}

/// The numbers of a series the ledger holds a document of, with the year each carries.
type Known = BTreeMap<u32, Option<i32>>;

impl Series {
    /// The symbols number `n` may have, in the order they are asked.
    fn symbols(&self, n: u32, known: &Known) -> Vec<Symbol> {
        if self.years.is_empty() {
            return Symbol::in_series(&self.prefix, n).into_iter().collect();
        }
        self.years_of(n, known)
            .into_iter()
            .map(|y| Symbol::sc(n, y))
            .collect()
    }

    /// Years number `n` may carry: numbers are adopted in order, so its year is at least that
    /// of the nearest lower number found and at most that of the nearest higher one.
    fn years_of(&self, n: u32, known: &Known) -> Vec<i32> {
        if self.year_fixed {
            return self.years.clone();
        }
        let below = known.range(..n).next_back().and_then(|(_, y)| *y);
        let above = known.range(n + 1..).next().and_then(|(_, y)| *y);
        if let (Some(lo), Some(hi)) = (below, above) {
            if lo <= hi {
                return (lo..=hi).rev().collect();
            }
        }
        let years: Vec<i32> = self
            .years
            .iter()
            .copied()
            .filter(|y| below.is_none_or(|lo| *y >= lo))
            .collect();
        match (years.is_empty(), below) {
            (true, Some(lo)) => vec![lo],
            _ => years,
        }
    }

    /// Number and year of a ledger symbol of this series.
    fn number(&self, symbol: &str) -> Option<(u32, Option<i32>)> {
        let s = Symbol::parse(symbol).ok()?;
        let prefix = self.prefix.trim_end_matches('/');
        if s.series() != prefix || (!self.years.is_empty() && s.year().is_none()) {
            return None;
        }
        Some((s.number()?, s.year()))
    }

    /// The cursor keeping the day (in the probe's clock) something new was last found.
    fn found_cursor(&self) -> String {
        format!("symbols:found:{}", self.prefix)
    }
}

/// The series one poll probes on `today`, given when each previous session last had news.
pub async fn series(f: &Fetcher, today: chrono::NaiveDate) -> Result<Vec<Series>, FetchError> {
    let probe = &f.config.probe;
    let quiet = chrono::Duration::days(i64::from(probe.quiet_days));
    let mut out = Vec::new();
    let ga = |session: u32, after, until| Series {
        prefix: format!("A/RES/{session}/"),
        years: Vec::new(),
        year_fixed: false,
        after,
        until,
    };
    match probe.ga_session {
        Some(session) => out.push(ga(session, probe.ga_after, probe.ga_until)),
        None => {
            let current = symbol::ga_session_on(today);
            out.push(ga(current, probe.ga_after, None));
            let previous = ga(current - 1, probe.ga_previous_after, None);
            let opened = symbol::session_opened(current);
            let since = last_news(f, &previous).await?.unwrap_or(opened).max(opened);
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
        year_fixed: probe.sc_year.is_some(),
        after: probe.sc_after,
        until: None,
    });
    for prefix in &probe.series {
        out.push(Series {
            prefix: format!("{}/", prefix.trim_end_matches('/')),
            years: Vec::new(),
            year_fixed: false,
            after: 0,
            until: None,
        });
    }
    Ok(out)
}

/// The day something new was last found in `series`: the probe's cursor, else (a ledger from
/// before the cursor) the day of the newest download.
async fn last_news(f: &Fetcher, series: &Series) -> Result<Option<chrono::NaiveDate>, FetchError> {
    if let Some(day) = f.ledger.cursor(&series.found_cursor()).await? {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d") {
            return Ok(Some(d));
        }
    }
    Ok(f.ledger
        .last_found(&series.prefix)
        .await?
        .map(|t| t.date_naive()))
}

pub async fn poll(f: &Fetcher) -> Result<Summary, FetchError> {
    let today = f
        .config
        .probe
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let canary = f.default_canary(today).await?;
    f.begin_poll(canary).await;
    let all = series(f, today).await?;
    // A total only when some series is bounded; numbers of the others count as they start.
    let counting = all.iter().any(|s| s.until.is_some());
    let mut summary = Summary::default();
    for series in &all {
        probe_series(f, series, today, counting, &mut summary).await?;
    }
    Ok(summary)
}

/// Probes one series, adding to `summary`.
async fn probe_series(
    f: &Fetcher,
    series: &Series,
    today: chrono::NaiveDate,
    counting: bool,
    summary: &mut Summary,
) -> Result<(), FetchError> {
    let mut known = Known::new();
    let mut unfound = BTreeSet::new();
    for (sym, st) in f.ledger.symbols_like(&series.prefix).await? {
        let Some((n, year)) = series.number(&sym) else {
            continue;
        };
        if st == status::PUBLISHED || st == status::ARCHIVED {
            known.insert(n, year);
        } else {
            unfound.insert(n);
        }
    }
    let highest = known
        .keys()
        .next_back()
        .copied()
        .unwrap_or(0)
        .max(series.after);
    let gaps: Vec<u32> = unfound
        .into_iter()
        .filter(|n| !known.contains_key(n) && *n < highest && *n > series.after)
        .take(MAX_GAP_RETRIES)
        .collect();
    let languages = f.config.languages.len() as u64;
    let last = series.until.unwrap_or(highest + MAX_PROBES);
    if series.until.is_some() {
        let numbers = gaps.len() as u64 + u64::from(last.saturating_sub(highest));
        f.progress
            .total
            .fetch_add(numbers * languages, Ordering::Relaxed);
    }
    let started = |count: usize| {
        if counting && series.until.is_none() {
            f.progress
                .total
                .fetch_add(count as u64 * languages, Ordering::Relaxed);
        }
    };
    let mut published = 0;
    let lookahead = f.config.http.concurrency.max(1);
    started(gaps.len());
    let retried = run_collect(
        gaps.iter().map(|n| probe_number(f, series, *n, &known)),
        lookahead,
    )
    .await?;
    for (s, _) in &retried {
        published += s.published;
        summary.merge(s);
    }
    // `lookahead` numbers in flight, results taken in order. Once K misses in a row are seen
    // no new number starts, but those in flight finish (none is cut off mid-delivery), and a
    // document among them starts probing again. A bounded series goes to its end.
    let mut misses = 0;
    let mut next = highest + 1;
    let mut in_flight = futures_util::stream::FuturesOrdered::new();
    let mut stopping = false;
    let mut first_error = None;
    loop {
        while !stopping && first_error.is_none() && in_flight.len() < lookahead && next <= last {
            started(1);
            in_flight.push_back(probe_number(f, series, next, &known));
            next += 1;
        }
        let Some(result) = in_flight.next().await else {
            break;
        };
        // A block: nothing new starts, what is in flight finishes, then the poll stops.
        let (s, probe) = match result {
            Ok(r) => r,
            Err(e) => {
                first_error.get_or_insert(e);
                continue;
            }
        };
        published += s.published;
        summary.merge(&s);
        match probe {
            Probe::Found | Probe::Taken => {
                misses = 0;
                stopping = false;
            }
            Probe::Missed => {
                misses += 1;
                f.metrics.probe_misses.inc();
                stopping |= series.until.is_none() && misses >= f.config.probe.max_misses;
            }
        }
    }
    // Something new in a GA session: the day counts towards its quiet period, even when a
    // block stopped the poll after it (the documents are in the ledger).
    if published > 0 && series.years.is_empty() {
        f.ledger
            .set_cursor(&series.found_cursor(), &today.to_string())
            .await?;
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    tracing::info!(series = %series.prefix, years = ?series.years, highest, misses, probed_to = next - 1, "probe done");
    Ok(())
}

/// Fetches every language of number `n`, in each year it may carry until one has it, and
/// records the answers of that one symbol only (the newest asked when none has it, or the
/// one that gave something that is not a document).
async fn probe_number(
    f: &Fetcher,
    series: &Series,
    n: u32,
    known: &Known,
) -> Result<(Summary, Probe), FetchError> {
    let symbols = series.symbols(n, known);
    let mut asked: Vec<(Symbol, Vec<(Candidate, Outcome)>)> = Vec::new();
    for symbol in &symbols {
        let candidates: Vec<Candidate> = f
            .config
            .languages
            .iter()
            .map(|l| f.symbol_candidate(symbol, l))
            .collect();
        let limit = candidates.len();
        let outcomes = run_collect(
            candidates.into_iter().map(|c| async move {
                let o = f.try_fetch(SOURCE, &c).await?;
                Ok((c, o))
            }),
            limit,
        )
        .await?;
        let found = outcomes.iter().any(|(_, o)| o.found());
        asked.push((symbol.clone(), outcomes));
        if found {
            break;
        }
    }
    let pick = asked
        .iter()
        .position(|(_, os)| os.iter().any(|(_, o)| o.found()))
        .or_else(|| {
            asked
                .iter()
                .position(|(_, os)| os.iter().any(|(_, o)| matches!(o, Outcome::Rejected(_))))
        })
        .unwrap_or(0);
    let mut summary = Summary::default();
    let mut probe = Probe::Missed;
    let (symbol, outcomes) = asked.swap_remove(pick);
    for (c, o) in outcomes {
        let o = f.settle(SOURCE, &c, o).await?;
        probe = match (&o, probe) {
            (o, _) if o.found() => Probe::Found,
            (Outcome::Rejected(_), Probe::Missed) => Probe::Taken,
            (_, p) => p,
        };
        summary.add(&o);
    }
    // The number is recorded under one year: rows an earlier poll left under another (every
    // year but one is wrong) are forgotten, never retried.
    if !series.years.is_empty() {
        f.ledger
            .forget_others(&format!("{}{n}(", series.prefix), symbol.as_str())
            .await?;
    }
    Ok((summary, probe))
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
