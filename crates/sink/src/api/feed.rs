//! `GET /v1/feed.atom`: the newest stored resolutions as an Atom feed (RFC 4287), filterable
//! like the lists (`?organ=SC`), for feed readers and newsroom tooling that cannot follow the
//! broker. Each stored version is an entry of its own, so a replaced text is news again.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::Row;

use super::listing::{self, Filter};
use super::{reject_unknown, ApiError, AppState, Params};

/// Entries in the feed: the most recently stored.
const ENTRIES: i64 = 50;
const ATOM: &str = "application/atom+xml";

pub(crate) async fn feed(
    State(s): State<AppState>,
    Query(p): Params,
) -> Result<Response, ApiError> {
    let known: Vec<&str> = listing::FILTERS
        .iter()
        .copied()
        .filter(|f| !["sort", "cursor"].contains(f))
        .collect();
    reject_unknown(&p, &known)?;
    let mut p: HashMap<String, String> = p;
    p.insert("sort".into(), "-stored_at".into());
    let filter = Filter::parse(&p, &s.pool).await?;
    let sql = filter.page_sql(
        "resolutions.symbol, resolutions.language, resolutions.version, resolutions.organ,
         resolutions.title, resolutions.adoption_date::text AS adoption_date, resolutions.stored_at",
        Some(ENTRIES),
    );
    let rows = filter.page(&sql).fetch_all(&s.pool).await?;
    let mut self_query: Vec<String> = p
        .iter()
        .filter(|(k, _)| k.as_str() != "sort")
        .map(|(k, v)| format!("{k}={}", url_escape(v)))
        .collect();
    self_query.sort();
    let self_link = if self_query.is_empty() {
        "/v1/feed.atom".to_owned()
    } else {
        format!("/v1/feed.atom?{}", self_query.join("&"))
    };
    let updated = rows
        .first()
        .map(|r| r.get::<DateTime<Utc>, _>("stored_at"))
        .unwrap_or(DateTime::UNIX_EPOCH);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    push(&mut xml, "title", "resingest: newly stored UN resolutions");
    push(
        &mut xml,
        "id",
        &format!("urn:resingest:feed:{}", escape(&self_link)),
    );
    xml.push_str(&format!(
        "<link rel=\"self\" href=\"{}\"/>\n",
        escape(&self_link)
    ));
    push(&mut xml, "updated", &rfc3339(updated));
    xml.push_str("<author><name>resingest</name></author>\n");
    for r in &rows {
        let symbol: String = r.get("symbol");
        let language: String = r.get("language");
        let version: i32 = r.get("version");
        let organ: String = r.get("organ");
        let stored: DateTime<Utc> = r.get("stored_at");
        // Security Council resolutions print no title: the entry is named by its symbol.
        let title = r
            .get::<Option<String>, _>("title")
            .map(|t| format!("{symbol}: {t}"))
            .unwrap_or_else(|| symbol.clone());
        xml.push_str("<entry>\n");
        push(&mut xml, "title", &title);
        push(
            &mut xml,
            "id",
            &format!("urn:resingest:{symbol}:{language}:{version}"),
        );
        push(&mut xml, "updated", &rfc3339(stored));
        xml.push_str(&format!(
            "<link rel=\"alternate\" type=\"application/json\" hreflang=\"{language}\" href=\"/v1/resolutions/{}?lang={language}\"/>\n",
            escape(&symbol)
        ));
        xml.push_str(&format!(
            "<link rel=\"related\" type=\"application/pdf\" href=\"/v1/resolutions/{}/pdf?lang={language}\"/>\n",
            escape(&symbol)
        ));
        xml.push_str(&format!("<category term=\"{}\"/>\n", escape(&organ)));
        let adopted = r
            .get::<Option<String>, _>("adoption_date")
            .map(|d| format!(", adopted {d}"))
            .unwrap_or_default();
        push(
            &mut xml,
            "summary",
            &format!("{organ}{adopted}; version {version} in {language}"),
        );
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    Ok(([(header::CONTENT_TYPE, ATOM)], xml).into_response())
}

fn push(xml: &mut String, element: &str, text: &str) {
    xml.push_str(&format!("<{element}>{}</{element}>\n", escape(text)));
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn url_escape(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
