//! The read API (axum). Read-only: it never writes to the database.
//!
//! Bounded: every query has a cost bound (pages of at most [`MAX_LIMIT`] rows, search pages no
//! deeper than [`MAX_SEARCH_OFFSET`]), every statement PostgreSQL's `statement_timeout` (set on
//! the API's own pool), and at most `api_max_in_flight` requests run at once; one more is a
//! 503 with `Retry-After`, answered without touching the database. Input the database would
//! reject (a NUL byte, say) is a 400, never a 503.
//!
//! Symbols in paths: a symbol is written as it is, its slashes being path separators and its
//! parentheses left bare: `/v1/resolutions/A/RES/71/19`, `/v1/resolutions/S/RES/2769(2025)`,
//! `/v1/resolutions/S/RES/2769(2025)/cited-by`. Percent-encoded forms (`A%2FRES%2F71%2F19`,
//! `%28`, `%29`) are decoded to the same symbol, so clients that encode a symbol as one path
//! segment work too. No canonical symbol ends in `/cited-by`, so the suffix is unambiguous.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};
use sqlx::{PgPool, Row};
use tokio::sync::Semaphore;

use crate::decode::is_symbol;
use crate::metrics::Metrics;

const MAX_LIMIT: i64 = 100;
/// Deepest search page: ranking sorts every match, so a deep offset costs as much as reading
/// all of them. Deeper is a 400 until search pages by keyset like the lists.
pub const MAX_SEARCH_OFFSET: i64 = 1_000;
/// Seconds a client is told to wait when the API is saturated or the database unavailable.
const RETRY_AFTER_SECONDS: u64 = 1;
const AKN: &str = "application/akn+xml";

#[derive(Clone)]
pub(crate) struct AppState {
    /// The API's own pool (not the consumer's), with a statement timeout.
    pub pool: PgPool,
    pub metrics: Arc<Metrics>,
    in_flight: Arc<Semaphore>,
}

impl AppState {
    pub fn new(pool: PgPool, metrics: Arc<Metrics>, max_in_flight: usize) -> AppState {
        AppState {
            pool,
            metrics,
            in_flight: Arc::new(Semaphore::new(max_in_flight.max(1))),
        }
    }
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/resolutions", get(list))
        .route("/v1/resolutions/{*symbol}", get(resolution_or_cited_by))
        .route("/v1/search", get(search))
        .merge(crate::web::routes())
        .route_layer(middleware::from_fn_with_state(state.clone(), bounded))
        .route("/healthz", get(healthz))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "no such route: see /v1/openapi.json")
        })
        .with_state(state)
}

/// `/metrics` and `/healthz` on the metrics address, apart from the API clients reach.
pub(crate) fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .with_state(state)
}

/// At most `api_max_in_flight` requests at once; one more is refused at once, not queued.
async fn bounded(State(s): State<AppState>, request: Request, next: Next) -> Response {
    match s.in_flight.clone().try_acquire_owned() {
        Ok(_permit) => next.run(request).await,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many requests in progress; retry after a second",
        )
        .retry_after(RETRY_AFTER_SECONDS)
        .into_response(),
    }
}

/// A JSON error body `{"error": "..."}` with its status.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    fn retry_after(self, seconds: u64) -> ApiError {
        ApiError {
            retry_after: Some(seconds),
            ..self
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(json!({ "error": self.message }))).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        let code = match &error {
            sqlx::Error::Database(e) => e.code().map(|c| c.into_owned()),
            _ => None,
        };
        match code.as_deref() {
            // Class 22, data exception: the input, not the database (parameters are checked
            // before a query runs; this is the net under those checks).
            Some(c) if c.starts_with("22") => {
                tracing::info!(%error, "read api input rejected by the database");
                ApiError::bad_request(format!("invalid input: {error}"))
            }
            // 57014, query_canceled: the statement timeout.
            Some("57014") => {
                tracing::warn!(%error, "read api query hit the statement timeout");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the query took longer than the statement timeout; narrow it or retry later",
                )
                .retry_after(RETRY_AFTER_SECONDS)
            }
            _ => {
                tracing::warn!(%error, "read api query failed");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database unavailable; retry later",
                )
                .retry_after(RETRY_AFTER_SECONDS)
            }
        }
    }
}

type Params = Query<HashMap<String, String>>;

async fn healthz(State(s): State<AppState>) -> Response {
    let ping = tokio::time::timeout(
        Duration::from_secs(2),
        sqlx::query("SELECT 1").execute(&s.pool),
    )
    .await;
    match ping {
        Ok(Ok(_)) => Json(json!({ "status": "ok" })).into_response(),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "database unavailable" })),
        )
            .into_response(),
    }
}

async fn metrics(State(s): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    )
        .into_response()
}

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

/// `GET /v1/resolutions?organ=&session=&since=&lang=&cursor=&limit=`: newest-stored last, paged
/// by an opaque cursor.
async fn list(State(s): State<AppState>, Query(p): Params) -> Result<Json<Value>, ApiError> {
    reject_unknown(
        &p,
        &["organ", "session", "since", "lang", "cursor", "limit"],
    )?;
    let session: Option<i32> = parse_opt(&p, "session", "a session number such as 78")?;
    let cursor: Option<i64> = parse_opt(&p, "cursor", "the next_cursor of a previous page")?;
    let limit = limit(&p, 50)?;
    let since = p.get("since").map(|v| parse_since(v)).transpose()?;
    let lang = p.get("lang").map(|l| language(l)).transpose()?;
    let rows = sqlx::query(
        "SELECT id, symbol, language, version, organ, kind, session, title, adoption_date::text AS adoption_date,
                sha256, stored_at
         FROM resolutions
         WHERE ($1::text IS NULL OR organ = $1) AND ($2::int IS NULL OR session = $2)
           AND ($3::timestamptz IS NULL OR stored_at >= $3) AND ($4::text IS NULL OR language = $4)
           AND ($5::bigint IS NULL OR id > $5)
         ORDER BY id LIMIT $6",
    )
    .bind(p.get("organ"))
    .bind(session)
    .bind(since)
    .bind(lang)
    .bind(cursor)
    .bind(limit + 1)
    .fetch_all(&s.pool)
    .await?;
    let more = rows.len() as i64 > limit;
    let page = &rows[..rows.len().min(limit as usize)];
    let items: Vec<Value> = page
        .iter()
        .map(|r| {
            json!({
                "symbol": r.get::<String, _>("symbol"),
                "language": r.get::<String, _>("language"),
                "version": r.get::<i32, _>("version"),
                "organ": r.get::<String, _>("organ"),
                "kind": r.get::<String, _>("kind"),
                "session": r.get::<Option<i32>, _>("session"),
                "title": r.get::<Option<String>, _>("title"),
                "adoption_date": r.get::<Option<String>, _>("adoption_date"),
                "sha256": r.get::<String, _>("sha256"),
                "stored_at": r.get::<DateTime<Utc>, _>("stored_at"),
            })
        })
        .collect();
    let next = if more {
        page.last().map(|r| r.get::<i64, _>("id").to_string())
    } else {
        None
    };
    Ok(Json(json!({ "items": items, "next_cursor": next })))
}

/// `GET /v1/resolutions/{symbol}` and `GET /v1/resolutions/{symbol}/cited-by`.
async fn resolution_or_cited_by(
    State(s): State<AppState>,
    Path(path): Path<String>,
    Query(p): Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    match path.strip_suffix("/cited-by") {
        Some(symbol) => cited_by(&s, symbol, &p).await,
        None => resolution(&s, &path, &p, &headers).await,
    }
}

async fn resolution(
    s: &AppState,
    symbol: &str,
    p: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    reject_unknown(p, &["lang"])?;
    let symbol = checked_symbol(symbol)?;
    let lang = language(p.get("lang").map(String::as_str).unwrap_or("en"))?;
    let format = negotiate(headers)?;
    let row = sqlx::query(
        "SELECT body::text AS body, sha256 FROM resolutions WHERE symbol = $1 AND language = $2",
    )
    .bind(symbol)
    .bind(lang)
    .fetch_optional(&s.pool)
    .await?
    .ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no resolution {symbol} in language {lang}"),
        )
    })?;
    let body: String = row.get("body");
    let etag = format!("\"{}\"", row.get::<String, _>("sha256"));
    let (content_type, body) = match format {
        Format::Json => ("application/json", body),
        Format::Akn => {
            let r: resingest_model::Resolution = serde_json::from_str(&body).map_err(|e| {
                tracing::error!(%symbol, error = %e, "stored body does not read back as a resolution");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "stored resolution is unreadable")
            })?;
            (AKN, resingest_akn::to_akn(&r))
        }
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::ETAG, etag),
        ],
        body,
    )
        .into_response())
}

enum Format {
    Json,
    Akn,
}

/// JSON unless the client asks for Akoma Ntoso; 406 when it accepts neither.
fn negotiate(headers: &HeaderMap) -> Result<Format, ApiError> {
    let types: Vec<String> = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|m| {
            m.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .collect();
    let accepts = |t: &str| types.iter().any(|m| m == t);
    if types.is_empty() || accepts("application/json") || accepts("*/*") || accepts("application/*")
    {
        Ok(if accepts(AKN) && !accepts("application/json") {
            Format::Akn
        } else {
            Format::Json
        })
    } else if accepts(AKN) {
        Ok(Format::Akn)
    } else {
        Err(ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            format!("can answer with application/json or {AKN}"),
        ))
    }
}

async fn cited_by(
    s: &AppState,
    symbol: &str,
    p: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    reject_unknown(p, &["lang"])?;
    let symbol = checked_symbol(symbol)?;
    let lang = p.get("lang").map(|l| language(l)).transpose()?;
    let rows = sqlx::query(
        "SELECT DISTINCT r.symbol, r.language, r.title, r.adoption_date::text AS adoption_date
         FROM citations c JOIN resolutions r ON r.id = c.resolution_id
         WHERE c.cited_symbol = $1 AND ($2::text IS NULL OR r.language = $2)
         ORDER BY r.symbol, r.language",
    )
    .bind(symbol)
    .bind(lang)
    .fetch_all(&s.pool)
    .await?;
    if rows.is_empty() {
        let known: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM resolutions WHERE symbol = $1)")
                .bind(symbol)
                .fetch_one(&s.pool)
                .await?;
        if !known {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                format!("{symbol} is neither stored nor cited"),
            ));
        }
    }
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "symbol": r.get::<String, _>("symbol"),
                "language": r.get::<String, _>("language"),
                "title": r.get::<Option<String>, _>("title"),
                "adoption_date": r.get::<Option<String>, _>("adoption_date"),
            })
        })
        .collect();
    Ok(Json(json!({ "symbol": symbol, "cited_by": items })).into_response())
}

/// `GET /v1/search?q=&lang=en&limit=&offset=`: clauses matching a web-style query, best first.
async fn search(State(s): State<AppState>, Query(p): Params) -> Result<Json<Value>, ApiError> {
    reject_unknown(&p, &["q", "lang", "limit", "offset"])?;
    let q = p.get("q").map(|q| q.trim()).unwrap_or_default();
    if q.is_empty() {
        return Err(ApiError::bad_request(
            "q is required: words to find, e.g. q=counter-terrorism cooperation",
        ));
    }
    if q.len() > 500 {
        return Err(ApiError::bad_request("q is longer than 500 bytes"));
    }
    let lang = language(p.get("lang").map(String::as_str).unwrap_or("en"))?;
    let limit = limit(&p, 20)?;
    let offset: i64 = parse_opt(&p, "offset", "a number of hits to skip")?.unwrap_or(0);
    if !(0..=MAX_SEARCH_OFFSET).contains(&offset) {
        return Err(ApiError::bad_request(format!(
            "offset {offset} is out of range: expected 0 to {MAX_SEARCH_OFFSET}; \
             for matches deeper than that, narrow q"
        )));
    }
    let rows = sqlx::query(
        // ts_headline is costly and a projection under LIMIT/OFFSET is computed for the skipped
        // rows too: the inner query ranks and pages, the outer one makes snippets for the page.
        "SELECT p.symbol, p.language, p.title, p.path, p.kind, p.lead, p.rank,
                ts_headline(p.ts_config, p.text, p.query, 'MaxFragments=1, MaxWords=30, MinWords=10') AS snippet
         FROM (SELECT r.symbol, r.language, r.title, c.path, c.kind, c.lead, c.ord, c.ts_config,
                      c.text, query, ts_rank_cd(c.tsv, query) AS rank
               FROM clauses c JOIN resolutions r ON r.id = c.resolution_id,
                    websearch_to_tsquery($1::regconfig, $2) AS query
               WHERE c.tsv @@ query AND r.language = $5
               ORDER BY rank DESC, r.symbol, c.ord LIMIT $3 OFFSET $4) p
         ORDER BY p.rank DESC, p.symbol, p.ord",
    )
    .bind(crate::flatten::ts_config(lang))
    .bind(q)
    .bind(limit)
    .bind(offset)
    .bind(lang)
    .fetch_all(&s.pool)
    .await?;
    let hits: Vec<Value> = rows
        .iter()
        .map(|r| {
            json!({
                "symbol": r.get::<String, _>("symbol"),
                "language": r.get::<String, _>("language"),
                "title": r.get::<Option<String>, _>("title"),
                "path": r.get::<String, _>("path"),
                "kind": r.get::<String, _>("kind"),
                "lead": r.get::<Option<String>, _>("lead"),
                "snippet": r.get::<String, _>("snippet"),
                "rank": r.get::<f32, _>("rank"),
            })
        })
        .collect();
    Ok(Json(json!({ "query": q, "language": lang, "hits": hits })))
}

/// Every handler's first check: only `known` parameters, and no NUL byte in any name or value
/// (PostgreSQL text cannot hold one; passed on, it would fail the query, not the request).
fn reject_unknown(p: &HashMap<String, String>, known: &[&str]) -> Result<(), ApiError> {
    if let Some((k, _)) = p.iter().find(|(k, v)| k.contains('\0') || v.contains('\0')) {
        return Err(ApiError::bad_request(format!(
            "parameter `{}` holds a NUL byte (%00), which no parameter may contain",
            k.replace('\0', "%00")
        )));
    }
    match p.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(ApiError::bad_request(format!(
            "unknown parameter `{k}`; this endpoint takes {}",
            known.join(", ")
        ))),
        None => Ok(()),
    }
}

fn parse_opt<T: std::str::FromStr>(
    p: &HashMap<String, String>,
    name: &str,
    expected: &str,
) -> Result<Option<T>, ApiError> {
    p.get(name)
        .map(|v| {
            v.parse().map_err(|_| {
                ApiError::bad_request(format!("{name} `{v}` is not valid: expected {expected}"))
            })
        })
        .transpose()
}

fn limit(p: &HashMap<String, String>, default: i64) -> Result<i64, ApiError> {
    let limit = parse_opt(p, "limit", "a number from 1 to 100")?.unwrap_or(default);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit {limit} is out of range: expected 1 to {MAX_LIMIT}"
        )));
    }
    Ok(limit)
}

/// `since`: an RFC 3339 time or a `YYYY-MM-DD` date (midnight UTC).
fn parse_since(v: &str) -> Result<DateTime<Utc>, ApiError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
        .map_err(|_| {
            ApiError::bad_request(format!(
                "since `{v}` is not valid: expected 2025-01-31 or 2025-01-31T12:00:00Z"
            ))
        })
}

fn language(l: &str) -> Result<&str, ApiError> {
    if (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(l)
    } else {
        Err(ApiError::bad_request(format!(
            "lang `{l}` is not valid: expected an ISO 639-1 code such as en"
        )))
    }
}

fn checked_symbol(s: &str) -> Result<&str, ApiError> {
    if is_symbol(s) {
        Ok(s)
    } else {
        Err(ApiError::bad_request(format!(
            "`{s}` is not a symbol: write it as in /v1/resolutions/A/RES/71/19 or /v1/resolutions/S/RES/2769(2025)"
        )))
    }
}
