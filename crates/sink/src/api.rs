//! The read API (axum). Read-only: it never writes to the database.
//!
//! Symbols in paths: a symbol is written as it is, its slashes being path separators and its
//! parentheses left bare: `/v1/resolutions/A/RES/71/19`, `/v1/resolutions/S/RES/2769(2025)`,
//! `/v1/resolutions/S/RES/2769(2025)/cited-by`. Percent-encoded forms (`A%2FRES%2F71%2F19`,
//! `%28`, `%29`) are decoded to the same symbol, so clients that encode a symbol as one path
//! segment work too. No canonical symbol ends in `/cited-by`, so the suffix is unambiguous.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};
use sqlx::{PgPool, Row};

use crate::decode::is_symbol;
use crate::metrics::Metrics;

const MAX_LIMIT: i64 = 100;
const AKN: &str = "application/akn+xml";

#[derive(Clone)]
pub(crate) struct AppState {
    pub pool: PgPool,
    pub metrics: Arc<Metrics>,
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/resolutions", get(list))
        .route("/v1/resolutions/{*symbol}", get(resolution_or_cited_by))
        .route("/v1/search", get(search))
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "no such route: see /v1/openapi.json")
        })
        .with_state(state)
}

/// A JSON error body `{"error": "..."}` with its status.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        tracing::warn!(%error, "read api query failed");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database unavailable; retry later",
        )
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
    if offset < 0 {
        return Err(ApiError::bad_request("offset must not be negative"));
    }
    let rows = sqlx::query(
        // ts_headline is costly: PostgreSQL evaluates it only for the rows that survive LIMIT.
        "SELECT r.symbol, r.language, r.title, c.path, c.kind, c.lead, ts_rank_cd(c.tsv, query) AS rank,
                ts_headline(c.ts_config, c.text, query, 'MaxFragments=1, MaxWords=30, MinWords=10') AS snippet
         FROM clauses c JOIN resolutions r ON r.id = c.resolution_id,
              websearch_to_tsquery($1::regconfig, $2) AS query
         WHERE c.tsv @@ query AND r.language = $5
         ORDER BY rank DESC, r.symbol, c.ord LIMIT $3 OFFSET $4",
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

fn reject_unknown(p: &HashMap<String, String>, known: &[&str]) -> Result<(), ApiError> {
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
