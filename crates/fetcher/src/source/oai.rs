//! The `oai` source: harvests the UN Digital Library's OAI-PMH endpoint
//! (`verb=ListRecords&metadataPrefix=marcxml&from=...`, then `resumptionToken` pages) for
//! records with a symbol (191 $a) and file links (856 $u) in the configured languages, and
//! downloads each file whose record changed since the ledger's download (datestamp and size).
//! The next harvest starts from the date this one started, once it finished without failures.

use std::sync::atomic::Ordering;

use crate::deliver::{Candidate, Fetcher, Summary};
use crate::http::Expect;
use crate::source::oai_xml;
use crate::{symbol, FetchError};

/// Pages of one harvest, at most (a resumption token loop cannot run forever).
const MAX_PAGES: usize = 10_000;
const CURSOR: &str = "oai";

pub async fn poll(f: &Fetcher) -> Result<Summary, FetchError> {
    let started = chrono::Utc::now().date_naive().to_string();
    let from = match f.ledger.cursor(CURSOR).await? {
        Some(c) => Some(c),
        None => f.config.oai_from.clone(),
    };
    let base = &f.config.oai_url;
    let mut url = list_url(base, &[("metadataPrefix", "marcxml")], from.as_deref());
    let mut summary = Summary::default();
    for _ in 0..MAX_PAGES {
        let body = f.http.get(&url, Expect::Any, None).await?.body;
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
        if let Some(n) = page.complete_list_size {
            f.progress.total.store(n, Ordering::Relaxed);
        }
        for record in &page.records {
            for c in candidates(record, &f.config.languages) {
                summary.add(&f.fetch(CURSOR, &c).await?);
            }
        }
        match page.resumption_token {
            Some(token) => url = list_url(base, &[("resumptionToken", &token)], None),
            None => break,
        }
    }
    if summary.failed == 0 {
        f.ledger.set_cursor(CURSOR, &started).await?;
    }
    Ok(summary)
}

/// The downloads one record stands for: its 856 $u PDFs in the configured languages.
pub fn candidates(record: &oai_xml::Record, languages: &[String]) -> Vec<Candidate> {
    let Some(sym) = record.symbol.as_deref().filter(|_| !record.deleted) else {
        return Vec::new();
    };
    let sym = symbol::canonical(sym);
    record
        .files
        .iter()
        .filter_map(|(u, size)| {
            let parsed = url::Url::parse(u).ok()?;
            let (_, lang) = symbol::from_url(&parsed)?;
            let lang = lang.filter(|l| languages.contains(l))?;
            Some(Candidate {
                symbol: sym.clone(),
                language: lang,
                url: u.clone(),
                revision: Some(format!(
                    "{} {}",
                    record.datestamp,
                    size.as_deref().unwrap_or("-")
                )),
                skip_if_published: true,
            })
        })
        .collect()
}

fn list_url(base: &str, args: &[(&str, &str)], from: Option<&str>) -> String {
    let Ok(mut u) = url::Url::parse(base) else {
        return base.to_owned();
    };
    {
        let mut q = u.query_pairs_mut();
        q.append_pair("verb", "ListRecords");
        for (k, v) in args {
            q.append_pair(k, v);
        }
        if let Some(from) = from {
            q.append_pair("from", from);
        }
    }
    u.to_string()
}
