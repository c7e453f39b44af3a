//! The reader's web pages, served beside the JSON API from the same tables: `/` lists the
//! newest resolutions (filters: organ, session, adoption dates) and searches the clauses with
//! highlighted snippets; `/resolutions/{symbol}` shows one resolution as a reader expects it,
//! with its footnotes, what it cites and what cites it; `/resolutions/{symbol}/akn` is its
//! Akoma Ntoso (what `/v1/resolutions/{symbol}` answers to `Accept: application/akn+xml`, for a
//! link a browser can follow).
//!
//! Server-rendered HTML ([`page`], maud templates), no JavaScript, the stylesheet compiled into
//! the binary. Like the API this module only reads; [`query`] holds its SQL.
//!
//! A page links its source PDF at the API's `/v1/resolutions/{symbol}/pdf`, served from the
//! archive the sink was given (`--archive`), and names its sha256.

mod page;
mod query;

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use resingest_model::symbol::Symbol;

use crate::api::AppState;
use crate::decode::is_symbol;
use query::Filters;

const STYLE_PATH: &str = "/assets/style.css";
const STYLE: &str = include_str!("style.css");
/// Rows a page of the list or of the search shows.
const PAGE_SIZE: i64 = 25;
/// Pages of the list past this are refused: deep offsets cost the database more than a reader
/// gains.
const MAX_PAGE: i64 = 400;
/// Deepest page of a search: ranking sorts every match, so its pages stop where the API's do
/// ([`crate::api::MAX_SEARCH_OFFSET`]).
const MAX_SEARCH_PAGE: i64 = crate::api::MAX_SEARCH_OFFSET / PAGE_SIZE + 1;

/// The pages' routes, merged into the API's router.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/resolutions", get(|| async { Redirect::permanent("/") }))
        .route("/resolutions/{*symbol}", get(resolution_or_akn))
        .route(STYLE_PATH, get(style))
}

/// Why a page could not be shown; each renders as an HTML page with its status.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PageError {
    #[error("{0}")]
    BadRequest(String),
    #[error("no resolution {symbol} in language {lang} is stored here; search for it from the home page")]
    NotFound { symbol: String, lang: String },
    #[error("the database is unavailable; retry in a moment")]
    Database(sqlx::Error),
    #[error("the server is busy; retry in a moment")]
    Busy,
    #[error("the stored resolution {symbol} cannot be read back: {reason}")]
    Unreadable { symbol: String, reason: String },
}

impl From<sqlx::Error> for PageError {
    /// The API's reading of a database error: class 22 (data exception) is the reader's input,
    /// a statement timeout or a pool with no connection free is a busy server, the rest an
    /// unavailable database.
    fn from(error: sqlx::Error) -> PageError {
        let code = match &error {
            sqlx::Error::Database(e) => e.code().map(|c| c.into_owned()),
            _ => None,
        };
        match code.as_deref() {
            Some(c) if c.starts_with("22") => {
                tracing::info!(%error, "web page input rejected by the database");
                PageError::BadRequest(format!("the search cannot be read: {error}"))
            }
            Some("57014") => {
                tracing::warn!(%error, "web page query hit the statement timeout");
                PageError::Busy
            }
            _ if matches!(error, sqlx::Error::PoolTimedOut) => PageError::Busy,
            _ => PageError::Database(error),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, heading) = match &self {
            PageError::BadRequest(_) => {
                (StatusCode::BAD_REQUEST, "That request cannot be answered")
            }
            PageError::NotFound { .. } => (StatusCode::NOT_FOUND, "Not found"),
            PageError::Database(error) => {
                tracing::warn!(%error, "web page query failed");
                (StatusCode::SERVICE_UNAVAILABLE, "Temporarily unavailable")
            }
            PageError::Busy => (StatusCode::SERVICE_UNAVAILABLE, "Busy"),
            PageError::Unreadable { symbol, reason } => {
                tracing::error!(%symbol, %reason, "stored body does not read back as a resolution");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "This resolution cannot be shown",
                )
            }
        };
        let mut response = (status, page::error(heading, &self.to_string())).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, crate::api::RETRY_AFTER_SECONDS.into());
        }
        response
    }
}

type Params = Query<HashMap<String, String>>;

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

/// `/?q=&organ=&session=&from=&to=&page=`: a form's blank fields are "any". A filter that
/// does not parse is shown above the form with the list unfiltered by it, status 400.
async fn home(State(s): State<AppState>, Query(p): Params) -> Result<Response, PageError> {
    let (filters, page, problem) = match parse_filters(&p) {
        Ok((f, page)) => (f, page, None),
        Err(problem) => (
            Filters {
                lang: "en".into(),
                ..Filters::default()
            },
            1,
            Some(problem),
        ),
    };
    let organs = query::organs(&s.pool).await?;
    let offset = (page - 1) * PAGE_SIZE;
    let (results, more) = match &filters.q {
        Some(q) => {
            let mut hits = query::search(&s.pool, &filters, q, PAGE_SIZE + 1, offset).await?;
            let more = hits.len() as i64 > PAGE_SIZE;
            hits.truncate(PAGE_SIZE as usize);
            (page::Results::Hits(hits), more)
        }
        None => {
            let mut rows = query::newest(&s.pool, &filters, PAGE_SIZE + 1, offset).await?;
            let more = rows.len() as i64 > PAGE_SIZE;
            rows.truncate(PAGE_SIZE as usize);
            (page::Results::Newest(rows), more)
        }
    };
    let status = if problem.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let html = page::home(&page::Home {
        filters: &filters,
        organs: &organs,
        results,
        page,
        more,
        problem,
    });
    Ok((status, html).into_response())
}

/// The filters and the page number, or what the reader must correct.
fn parse_filters(p: &HashMap<String, String>) -> Result<(Filters, i64), String> {
    const KNOWN: [&str; 7] = ["q", "organ", "session", "from", "to", "lang", "page"];
    no_nul(p)?;
    if let Some(k) = p.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(format!(
            "unknown parameter `{k}`; the page takes {}",
            KNOWN.join(", ")
        ));
    }
    let given = |name: &str| p.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let date = |name: &str, label: &str| {
        given(name)
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| format!("{label} `{v}` is not a date: write it as 2025-01-31"))
            })
            .transpose()
    };
    let q = given("q").map(str::to_owned);
    if q.as_ref().is_some_and(|q| q.len() > 500) {
        return Err("the search words are longer than 500 bytes: shorten them".into());
    }
    let session = given("session")
        .map(|v| match v.parse::<i32>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("session `{v}` is not a session number such as 78")),
        })
        .transpose()?;
    let adopted_from = date("from", "adopted from")?;
    let adopted_to = date("to", "adopted until")?;
    if let (Some(a), Some(b)) = (adopted_from, adopted_to) {
        if a > b {
            return Err(format!(
                "adopted from {a} is after adopted until {b}: swap them"
            ));
        }
    }
    let lang = checked_language(given("lang").unwrap_or("en"))?;
    let last = if q.is_some() {
        MAX_SEARCH_PAGE
    } else {
        MAX_PAGE
    };
    let page = match given("page").map(str::parse::<i64>) {
        None => 1,
        Some(Ok(n)) if (1..=last).contains(&n) => n,
        Some(_) if q.is_some() => {
            return Err(format!(
                "a search shows pages 1 to {last}: add words to narrow it"
            ))
        }
        Some(_) => return Err(format!("page must be a number from 1 to {last}")),
    };
    let filters = Filters {
        organ: given("organ").map(str::to_owned),
        session,
        adopted_from,
        adopted_to,
        q,
        lang: lang.to_owned(),
    };
    Ok((filters, page))
}

/// No NUL byte in a parameter's name or value: PostgreSQL text cannot hold one, so passed on
/// it would fail the query, not the request.
fn no_nul(p: &HashMap<String, String>) -> Result<(), String> {
    match p.iter().find(|(k, v)| k.contains('\0') || v.contains('\0')) {
        Some((k, _)) => Err(format!(
            "parameter `{}` holds a NUL byte (%00), which no parameter may contain",
            k.replace('\0', "%00")
        )),
        None => Ok(()),
    }
}

fn checked_language(lang: &str) -> Result<&str, String> {
    if (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(lang)
    } else {
        Err(format!(
            "language `{lang}` is not an ISO 639-1 code such as en"
        ))
    }
}

/// `/resolutions/{symbol}` and `/resolutions/{symbol}/akn` (no canonical symbol ends in
/// `/akn`, so the suffix is unambiguous).
async fn resolution_or_akn(
    State(s): State<AppState>,
    Path(path): Path<String>,
    Query(p): Params,
) -> Result<Response, PageError> {
    no_nul(&p).map_err(PageError::BadRequest)?;
    if let Some(k) = p.keys().find(|k| k.as_str() != "lang") {
        return Err(PageError::BadRequest(format!(
            "unknown parameter `{k}`; a resolution's page takes only lang"
        )));
    }
    let lang = checked_language(p.get("lang").map(String::as_str).unwrap_or("en"))
        .map_err(PageError::BadRequest)?;
    let (symbol, akn) = match path.strip_suffix("/akn") {
        Some(symbol) => (symbol, true),
        None => (path.as_str(), false),
    };
    let canonical = Symbol::parse(symbol).ok().filter(|c| is_symbol(c.as_str()));
    let Some(canonical) = canonical else {
        return Err(PageError::BadRequest(format!(
            "`{symbol}` is not a symbol: write it as in /resolutions/A/RES/71/19 or /resolutions/S/RES/2769(2025)"
        )));
    };
    let symbol = canonical.as_str();
    let shown = query::resolution(&s.pool, symbol, lang)
        .await?
        .ok_or_else(|| PageError::NotFound {
            symbol: symbol.to_owned(),
            lang: lang.to_owned(),
        })?;
    let r: resingest_model::Resolution =
        serde_json::from_str(&shown.body).map_err(|e| PageError::Unreadable {
            symbol: symbol.to_owned(),
            reason: e.to_string(),
        })?;
    if akn {
        return Ok((
            [(header::CONTENT_TYPE, "application/akn+xml")],
            resingest_akn::to_akn(&r),
        )
            .into_response());
    }
    let html = page::resolution(&page::Page {
        r: &r,
        cited_by: &shown.cited_by,
        stored_references: &shown.stored_references,
    });
    Ok(html.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stylesheet's rules: each selector of a rule with the rule's declarations.
    fn rules(css: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut text = String::new();
        let mut rest = css;
        while let Some(at) = rest.find("/*") {
            text.push_str(&rest[..at]);
            rest = rest[at..].split_once("*/").map_or("", |(_, after)| after);
        }
        text.push_str(rest);
        let mut out = Vec::new();
        for block in text.split('}') {
            let Some((selectors, body)) = block.split_once('{') else {
                continue;
            };
            let decls: Vec<(String, String)> = body
                .split(';')
                .filter_map(|d| d.split_once(':'))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect();
            for sel in selectors.split(',') {
                out.push((
                    sel.split_whitespace().collect::<Vec<_>>().join(" "),
                    decls.clone(),
                ));
            }
        }
        out
    }

    /// The colour `property` of `selector` in the stylesheet (custom properties resolved
    /// from `:root`), as sRGB channels from 0 to 1.
    fn colour(css: &str, selector: &str, property: &str) -> [f64; 3] {
        let rules = rules(css);
        // The last declaration wins, as in the cascade for one selector.
        let declared = |sel: &str, prop: &str| -> Option<String> {
            rules
                .iter()
                .rev()
                .filter(|(s, _)| s == sel)
                .flat_map(|(_, d)| d.iter().rev())
                .find(|(k, _)| k == prop)
                .map(|(_, v)| v.clone())
        };
        let value = declared(selector, property)
            .unwrap_or_else(|| panic!("style.css sets no {property} on `{selector}`"));
        let token = value
            .split_whitespace()
            .find(|t| t.starts_with('#') || t.starts_with("var("))
            .unwrap_or_else(|| panic!("`{selector} {{ {property}: {value} }}` names no colour"));
        let hex = match token.strip_prefix("var(") {
            Some(var) => {
                let name = var.trim_end_matches(')');
                declared(":root", name).unwrap_or_else(|| panic!("{name} is not set in :root"))
            }
            None => token.to_owned(),
        };
        let digits = hex.trim_start_matches('#');
        let digits: String = match digits.len() {
            3 => digits.chars().flat_map(|c| [c, c]).collect(),
            6 => digits.to_owned(),
            _ => panic!("`{hex}` ({selector} {property}) is not #rgb or #rrggbb"),
        };
        let channel =
            |i: usize| f64::from(u8::from_str_radix(&digits[i..i + 2], 16).unwrap()) / 255.0;
        [channel(0), channel(2), channel(4)]
    }

    /// WCAG 2's contrast ratio, (L1 + 0.05) / (L2 + 0.05) of the relative luminances.
    fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
        let luminance = |c: [f64; 3]| {
            let lin = |v: f64| {
                if v <= 0.04045 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
        };
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn contrast_ratio_is_computed_as_wcag_defines_it() {
        let (black, white) = ([0.0; 3], [1.0; 3]);
        assert!((contrast(black, white) - 21.0).abs() < 1e-9);
        assert!((contrast(white, white) - 1.0).abs() < 1e-9);
        // #767676 on white is the usual example of just passing 4.5:1.
        let grey = [f64::from(0x76u8) / 255.0; 3];
        assert!((contrast(grey, white) - 4.54).abs() < 0.01);
    }

    #[test]
    fn text_keeps_7_to_1_and_focus_rings_3_to_1_against_their_backgrounds() {
        // (foreground rule, property, background rule, property): text over what it sits on.
        const TEXT: [(&str, &str, &str, &str); 18] = [
            ("body", "color", "body", "background"),
            ("footer", "color", "body", "background"),
            (".note", "color", "body", "background"),
            (".facts", "color", "body", "background"),
            ("h1 .symbol", "color", "body", "background"),
            ("a", "color", "body", "background"),
            ("a:visited", "color", "body", "background"),
            ("a", "color", ".banner", "background"),
            ("a:visited", "color", ".banner", "background"),
            (".banner .site", "color", ".banner", "background"),
            ("body", "color", ".filters", "background"),
            (".field input", "color", ".field input", "background"),
            ("button", "color", "button", "background"),
            ("mark", "color", "mark", "background"),
            ("a", "color", "li:target", "background"),
            ("body", "color", "li:target", "background"),
            ("body", "color", ".problem", "background"),
            ("a", "color", ".skip", "background"),
        ];
        // WCAG 1.4.11: focus rings and field borders need 3:1 against what is around them.
        const NON_TEXT: [(&str, &str, &str, &str); 4] = [
            ("a:focus-visible", "outline", "body", "background"),
            ("a:focus-visible", "outline", ".banner", "background"),
            ("input:focus-visible", "outline", ".filters", "background"),
            (".field input", "border", ".filters", "background"),
        ];
        let mut low = Vec::new();
        for (pairs, min) in [(&TEXT[..], 7.0), (&NON_TEXT[..], 3.0)] {
            for (fg, fp, bg, bp) in pairs {
                let ratio = contrast(colour(STYLE, fg, fp), colour(STYLE, bg, bp));
                if ratio < min {
                    low.push(format!("{fg} {fp} on {bg} {bp}: {ratio:.2}:1 < {min}:1"));
                }
            }
        }
        assert!(low.is_empty(), "{low:#?}");
    }

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn blank_form_fields_mean_any_and_bad_ones_say_what_to_write() {
        let (f, page) = parse_filters(&params(&[
            ("q", " "),
            ("organ", ""),
            ("session", ""),
            ("from", ""),
        ]))
        .unwrap();
        assert_eq!(
            f,
            Filters {
                lang: "en".into(),
                ..Filters::default()
            }
        );
        assert_eq!(page, 1);
        let (f, _) = parse_filters(&params(&[("session", "78"), ("from", "2024-01-01")])).unwrap();
        assert_eq!(f.session, Some(78));
        assert_eq!(f.adopted_from, NaiveDate::from_ymd_opt(2024, 1, 1));
        for (k, v, says) in [
            ("session", "x", "session `x`"),
            ("from", "31/01/2025", "2025-01-31"),
            ("page", "0", "page must be"),
            ("colour", "red", "unknown parameter `colour`"),
        ] {
            let e = parse_filters(&params(&[(k, v)])).unwrap_err();
            assert!(e.contains(says), "{k}={v}: {e}");
        }
        let e =
            parse_filters(&params(&[("from", "2025-02-01"), ("to", "2025-01-01")])).unwrap_err();
        assert!(e.contains("swap"), "{e}");
    }
}
