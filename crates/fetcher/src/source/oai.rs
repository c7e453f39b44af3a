//! The `oai` source: harvests the UN Digital Library's OAI-PMH endpoint
//! (`verb=ListRecords&metadataPrefix=marcxml&from=...&until=...`, then `resumptionToken`
//! pages) in windows of `oai_window_days`, because an open-ended `from` draws 503s.
//!
//! - Only resolutions are kept (191 $a with `/RES/`, or 089 $b `B01`): most records are NGO
//!   statements and reports.
//! - Each record is fetched in every configured language from its 856 link for that language
//!   ($y in the language's own script, or the `-XX` suffix of the file name); when there is
//!   none (no link, or one with neither), or the link is refused or gives no document,
//!   through the symbol API.
//! - The cursor moves to the end of a window only after every record of the window was
//!   delivered or classified; a challenge, an html page or an outage anywhere in the window
//!   stops the poll with the cursor where it was, so the next poll harvests the window again,
//!   whole. The current window is harvested again at each poll (unchanged records cost no
//!   download: their datestamp and size are the ledger's revision).
//! - Requests to the Digital Library are spaced by `oai_min_interval`, or its robots.txt's
//!   `Crawl-Delay` when longer.

use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::NaiveDate;

use crate::deliver::{run_all, Candidate, Fetcher, Outcome, Summary};
use crate::http::{Expect, Request};
use crate::source::oai_xml;
use crate::symbol::Symbol;
use crate::FetchError;

/// Pages of one window, at most (a resumption token loop cannot run forever).
const MAX_PAGES: usize = 10_000;
const CURSOR: &str = "oai";

/// The language codes of the Digital Library's 856 $y labels.
const LANGUAGE_NAMES: [(&str, &str); 6] = [
    ("العربية", "ar"),
    ("中文", "zh"),
    ("english", "en"),
    ("français", "fr"),
    ("русский", "ru"),
    ("español", "es"),
];

pub async fn poll(f: &Fetcher) -> Result<Summary, FetchError> {
    let today = chrono::Utc::now().date_naive();
    be_polite(f).await;
    let canary = f.default_canary(today).await?;
    f.begin_poll(canary).await;
    let window = chrono::Duration::days(i64::from(f.config.oai_window_days.max(1)));
    let mut from = match f.ledger.cursor(CURSOR).await? {
        Some(c) => parse_date(&c)?,
        None => match &f.config.oai_from {
            Some(d) => parse_date(d)?,
            None => today - window,
        },
    };
    let mut summary = Summary::default();
    loop {
        let until = (from + window - chrono::Duration::days(1)).min(today);
        summary.merge(&harvest_window(f, from, until).await?);
        // Whole: the cursor moves past it (never past today, whose records may still come).
        let next = (until + chrono::Duration::days(1)).min(today);
        f.ledger.set_cursor(CURSOR, &next.to_string()).await?;
        tracing::info!(%from, %until, "oai window harvested");
        if until >= today {
            break;
        }
        from = next;
    }
    Ok(summary)
}

/// Every page of one window, then every candidate of its resolutions.
async fn harvest_window(
    f: &Fetcher,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Summary, FetchError> {
    let base = &f.config.oai_url;
    let (from_s, until_s) = (from.to_string(), until.to_string());
    let mut url = list_url(
        base,
        &[
            ("metadataPrefix", "marcxml"),
            ("from", &from_s),
            ("until", &until_s),
        ],
    );
    let mut records = Vec::new();
    for _ in 0..MAX_PAGES {
        let body = f
            .http
            .get(&url, &Request::new(Expect::Xml))
            .await
            .map_err(|e| f.stop(e))?
            .body;
        let page = oai_xml::parse(&body).map_err(|detail| FetchError::Oai {
            url: url.clone(),
            detail,
        })?;
        if let Some((code, message)) = &page.error {
            if code == "noRecordsMatch" {
                break;
            }
            return Err(FetchError::Oai {
                url,
                detail: format!("error {code}: {message}"),
            });
        }
        records.extend(page.records.into_iter().filter(is_resolution));
        match page.resumption_token {
            Some(token) => url = list_url(base, &[("resumptionToken", &token)]),
            None => break,
        }
    }
    let pairs: Vec<_> = records.iter().flat_map(|r| candidates(f, r)).collect();
    f.progress
        .total
        .fetch_add(pairs.len() as u64, Ordering::Relaxed);
    let tasks = pairs
        .into_iter()
        .map(|(link, api)| fetch_record(f, link, api));
    run_all(tasks, f.config.http.concurrency.max(1) * 2).await
}

/// The 856 link when there is one; the symbol API when there is none, or it was refused
/// (401/403) or gave no document. Only the answer that stands is recorded.
async fn fetch_record(
    f: &Fetcher,
    link: Option<Candidate>,
    api: Candidate,
) -> Result<Outcome, FetchError> {
    if let Some(link) = link {
        match f.try_fetch(CURSOR, &link).await {
            Ok(o @ (Outcome::Published { .. } | Outcome::Unchanged)) => return Ok(o),
            Ok(o) => {
                tracing::info!(symbol = %link.symbol, language = %link.language, outcome = ?o, "856 link gave no document, asking the symbol API")
            }
            // A file the Digital Library will not hand out is no reason to stop the harvest.
            Err(FetchError::Blocked {
                error: error @ crate::HttpError::Refused { .. },
                ..
            }) => {
                tracing::info!(symbol = %link.symbol, language = %link.language, %error, "856 link refused, asking the symbol API")
            }
            Err(e) => return Err(e),
        }
    }
    f.fetch(CURSOR, &api).await
}

/// A resolution, not one of the NGO statements and reports that make up most of the feed.
pub fn is_resolution(record: &oai_xml::Record) -> bool {
    !record.deleted
        && (record.kind.as_deref() == Some("B01")
            || record
                .symbol
                .as_deref()
                .is_some_and(|s| s.contains("/RES/")))
}

/// Per configured language: the record's 856 link for it (if any) and the symbol API
/// candidate to fall back on.
pub fn candidates(f: &Fetcher, record: &oai_xml::Record) -> Vec<(Option<Candidate>, Candidate)> {
    let Some(symbol) = record.symbol.as_deref().and_then(|s| Symbol::parse(s).ok()) else {
        return Vec::new();
    };
    f.config
        .languages
        .iter()
        .map(|lang| {
            let link = record
                .files
                .iter()
                .find(|l| link_language(l).as_deref() == Some(lang.as_str()))
                .map(|l| Candidate {
                    symbol: symbol.to_string(),
                    language: lang.clone(),
                    url: l.url.clone(),
                    revision: Some(format!(
                        "{} {}",
                        record.datestamp,
                        l.size.as_deref().unwrap_or("-")
                    )),
                    skip_if_published: true,
                    referer: None,
                });
            (link, f.symbol_candidate(&symbol, lang))
        })
        .collect()
}

/// A link's language: its $y label, else the `-XX` suffix of its file name.
pub fn link_language(link: &oai_xml::Link) -> Option<String> {
    if let Some(label) = &link.language {
        let label = label.trim().to_lowercase();
        if let Some((_, code)) = LANGUAGE_NAMES.iter().find(|(name, _)| *name == label) {
            return Some((*code).to_owned());
        }
    }
    let parsed = url::Url::parse(&link.url).ok()?;
    let name = parsed.path_segments()?.next_back()?;
    Symbol::from_file_name(name).map(|(_, l)| l)
}

/// Spaces requests to the Digital Library by `oai_min_interval` or its `Crawl-Delay`.
async fn be_polite(f: &Fetcher) {
    let Ok(base) = url::Url::parse(&f.config.oai_url) else {
        return;
    };
    let host = base.host_str().unwrap_or_default().to_owned();
    f.http.set_interval(&host, f.config.oai_min_interval);
    let Ok(robots) = base.join("/robots.txt") else {
        return;
    };
    match f
        .http
        .get(robots.as_str(), &Request::new(Expect::Any))
        .await
    {
        Ok(r) => {
            if let Some(delay) = crawl_delay(&String::from_utf8_lossy(&r.body)) {
                let interval = delay.max(f.config.oai_min_interval);
                tracing::info!(
                    host,
                    crawl_delay_s = delay.as_secs_f64(),
                    "robots.txt crawl-delay"
                );
                f.http.set_interval(&host, interval);
            }
        }
        Err(error) => tracing::info!(host, %error, "no robots.txt, keeping the minimum interval"),
    }
}

/// `Crawl-Delay` of the `User-agent: *` group of a robots.txt.
pub fn crawl_delay(robots: &str) -> Option<Duration> {
    let mut applies = false;
    for line in robots.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
        match key.as_str() {
            "user-agent" => applies = value == "*",
            "crawl-delay" if applies => {
                return value
                    .parse::<f64>()
                    .ok()
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .map(|s| Duration::from_secs_f64(s.min(3600.0)))
            }
            _ => {}
        }
    }
    None
}

fn parse_date(s: &str) -> Result<NaiveDate, FetchError> {
    let day = s.get(..10).unwrap_or(s);
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map_err(|_| FetchError::Config(format!("oai date `{s}` is not YYYY-MM-DD")))
}

fn list_url(base: &str, args: &[(&str, &str)]) -> String {
    let Ok(mut u) = url::Url::parse(base) else {
        return base.to_owned();
    };
    {
        let mut q = u.query_pairs_mut();
        q.append_pair("verb", "ListRecords");
        for (k, v) in args {
            q.append_pair(k, v);
        }
    }
    u.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crawl_delay_of_the_star_group() {
        let robots = "User-agent: Googlebot\nCrawl-delay: 1\n\nUser-agent: *\nDisallow: /search\nCrawl-Delay: 5\n";
        assert_eq!(crawl_delay(robots), Some(Duration::from_secs(5)));
        assert_eq!(crawl_delay("User-agent: *\nDisallow: /rss\n"), None);
    }

    #[test]
    fn links_name_their_language_by_label_or_suffix() {
        let l = |url: &str, y: Option<&str>| {
            link_language(&oai_xml::Link {
                url: url.into(),
                size: None,
                language: y.map(str::to_owned),
            })
        };
        assert_eq!(
            l("https://dl/record/1/files/x.pdf", Some("Français")),
            Some("fr".into())
        );
        assert_eq!(
            l("https://dl/record/1/files/x.pdf", Some("中文")),
            Some("zh".into())
        );
        assert_eq!(
            l("https://dl/record/1/files/A_RES_80_5-ES.pdf", None),
            Some("es".into())
        );
        assert_eq!(l("https://dl/record/1/files/A_RES_80_5.pdf", None), None);
    }

    #[test]
    fn only_resolutions_are_kept() {
        let r = |symbol: &str, kind: Option<&str>| oai_xml::Record {
            symbol: Some(symbol.into()),
            kind: kind.map(str::to_owned),
            ..oai_xml::Record::default()
        };
        assert!(is_resolution(&r("A/RES/80/5", None)));
        assert!(is_resolution(&r("A/80/L.5", Some("B01"))));
        assert!(!is_resolution(&r("E/CN.6/2004/NGO/4", None)));
    }
}
