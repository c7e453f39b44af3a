//! The read API (axum). Read-only, but for the admin routes of webhooks ([`webhooks`]),
//! which register and delete targets behind an admin token.
//!
//! Bounded: every query has a cost bound (pages of at most [`MAX_LIMIT`] rows, search pages no
//! deeper than [`MAX_SEARCH_OFFSET`]), every statement PostgreSQL's `statement_timeout` (set on
//! the API's own pool), and at most `api_max_in_flight` requests run at once (no more than the
//! pool has connections, so a request let in never waits for one); one more is a 503 with
//! `Retry-After`, answered without touching the database. An NDJSON export counts as in flight
//! until its last line is sent. `/healthz` pings the consumer's pool, not the API's. Input the database would
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

use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::{PgPool, Row};
use tokio::sync::Semaphore;

use resingest_model::Symbol;

use crate::decode::is_symbol;
use crate::metrics::Metrics;
use listing::Filter;

mod export;
mod feed;
mod listing;
mod negotiate;
mod webhooks;

const MAX_LIMIT: i64 = 100;
/// Deepest search page: ranking sorts every match, so a deep offset costs as much as reading
/// all of them. Deeper is a 400 until search pages by keyset like the lists.
pub const MAX_SEARCH_OFFSET: i64 = 1_000;
/// Seconds a client is told to wait when the API is saturated or the database unavailable.
pub(crate) const RETRY_AFTER_SECONDS: u64 = 1;
const AKN: &str = "application/akn+xml";

#[derive(Clone)]
pub(crate) struct AppState {
    /// The API's own pool (not the consumer's), with a statement timeout.
    pub pool: PgPool,
    /// The consumer's pool, which `/healthz` pings: health is whether the sink can store, and
    /// readers saturating the API's pool must not make a liveness probe restart it.
    health: PgPool,
    pub metrics: Arc<Metrics>,
    in_flight: Arc<Semaphore>,
    /// Origins answered with CORS headers; empty for none.
    cors_origins: Arc<Vec<String>>,
    /// Where the source PDFs are, for `/v1/resolutions/{symbol}/pdf`.
    archive: Option<resingest_archive::Archive>,
    /// The admin token and allowed hosts of `/v1/webhooks`.
    webhooks: Arc<crate::webhook::WebhookConfig>,
}

impl AppState {
    /// `pool` serves the API, `health` is the consumer's (pinged by `/healthz`).
    pub fn new(
        pool: PgPool,
        health: PgPool,
        metrics: Arc<Metrics>,
        max_in_flight: usize,
    ) -> AppState {
        AppState {
            pool,
            health,
            metrics,
            in_flight: Arc::new(Semaphore::new(max_in_flight.max(1))),
            cors_origins: Arc::new(Vec::new()),
            archive: None,
            webhooks: Arc::new(crate::webhook::WebhookConfig::default()),
        }
    }

    /// Enables `/v1/webhooks` with `config`'s admin token (none: the routes are a 404).
    pub fn with_webhooks(self, config: crate::webhook::WebhookConfig) -> AppState {
        AppState {
            webhooks: Arc::new(config),
            ..self
        }
    }

    /// Serves source PDFs from `archive`.
    pub fn with_archive(self, archive: Option<resingest_archive::Archive>) -> AppState {
        AppState { archive, ..self }
    }

    /// Answers these origins (`*`: any) with CORS headers.
    pub fn with_cors(self, origins: Vec<String>) -> AppState {
        AppState {
            cors_origins: Arc::new(origins),
            ..self
        }
    }
}

pub(crate) fn router(state: AppState) -> Router {
    let cors = cors(&state.cors_origins);
    let router = Router::new()
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/resolutions", get(list))
        .route("/v1/resolutions/{*symbol}", get(resolution_or_cited_by))
        .route("/v1/search", get(search))
        .route("/v1/feed.atom", get(feed::feed))
        .route("/v1/webhooks", get(webhooks::list).post(webhooks::register))
        .route("/v1/webhooks/{id}", axum::routing::delete(webhooks::delete))
        .route("/v1/webhooks/{id}/deliveries", get(webhooks::deliveries))
        .merge(crate::web::routes())
        .route_layer(middleware::from_fn_with_state(state.clone(), bounded))
        .route("/healthz", get(healthz))
        .fallback(|uri: axum::http::Uri| async move {
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!("no such route {}: see /v1/openapi.json", uri.path()),
            )
        })
        .layer(middleware::from_fn(json_errors))
        .layer(middleware::from_fn_with_state(state.clone(), observed))
        .layer(compression())
        .with_state(state);
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

/// gzip for clients that ask (`Accept-Encoding: gzip`): JSON, AKN, NDJSON exports and the
/// pages shrink five- to tenfold; a PDF is compressed already and goes as it is. Streams stay
/// streams (the encoder flushes as the body is produced).
fn compression(
) -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
    tower_http::compression::CompressionLayer::new()
        .gzip(true)
        .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("application/pdf")))
}

/// CORS for the configured origins (`*` for any); none configured, no CORS headers at all.
fn cors(origins: &[String]) -> Option<tower_http::cors::CorsLayer> {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| header::HeaderValue::from_str(o).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([axum::http::Method::GET, axum::http::Method::HEAD])
            .allow_headers([
                header::ACCEPT,
                header::ACCEPT_LANGUAGE,
                header::IF_NONE_MATCH,
            ])
            .expose_headers([
                header::ETAG,
                header::CONTENT_LANGUAGE,
                header::CONTENT_LOCATION,
                header::RETRY_AFTER,
            ])
            .max_age(Duration::from_secs(3600)),
    )
}

/// Every error of the API is a JSON body `{"error": ...}`, also those axum answers itself
/// (405 with its `Allow`, a query string that does not decode): their text is kept as the
/// message. The reader's HTML pages keep their HTML error pages.
async fn json_errors(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !(status.is_client_error() || status.is_server_error())
        || content_type.starts_with("application/json")
        || content_type.starts_with("text/html")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_owned();
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            let allow = parts
                .headers
                .get(header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("GET");
            format!("method {method} is not allowed on {path}: use {allow}")
        }
        _ if !text.is_empty() => format!("{text} ({method} {path})"),
        _ => format!(
            "{} ({method} {path})",
            status.canonical_reason().unwrap_or("error").to_lowercase()
        ),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    Response::from_parts(
        parts,
        axum::body::Body::from(json!({ "error": message }).to_string()),
    )
}

/// Counts every request and times it, labelled by the route template it matched (`Router::layer`
/// runs per route, after routing, so [`MatchedPath`] is known) and the status finally sent (this
/// layer wraps [`json_errors`] and the in-flight bound, so their answers count too).
async fn observed(State(s): State<AppState>, request: Request, next: Next) -> Response {
    let route = route_label(
        request
            .extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
        request.uri().path(),
    );
    let start = std::time::Instant::now();
    let response = next.run(request).await;
    s.metrics
        .api_request_seconds
        .with_label_values(&[&route])
        .observe(start.elapsed().as_secs_f64());
    s.metrics
        .api_requests
        .with_label_values(&[&route, response.status().as_str()])
        .inc();
    response
}

/// The route label: the matched template, its catch-all symbol written `{symbol}` and the
/// sub-resource the handler dispatches on kept (`/v1/resolutions/{symbol}/cited-by`); a request
/// no route matched is `unmatched`, whatever its path.
fn route_label(matched: Option<&str>, path: &str) -> String {
    let Some(matched) = matched else {
        return "unmatched".to_owned();
    };
    match matched.strip_suffix("{*symbol}") {
        Some(prefix) => {
            let suffix = ["/cited-by", "/pdf", "/akn"]
                .into_iter()
                .find(|s| path.ends_with(s))
                .unwrap_or("");
            format!("{prefix}{{symbol}}{suffix}")
        }
        None => matched.to_owned(),
    }
}

/// `/metrics` and `/healthz` on the metrics address, apart from the API clients reach.
pub(crate) fn metrics_router(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    resingest_telemetry::router(metrics, move || healthz(State(state.clone())))
}

/// A request's place in the in-flight bound, in the request's extensions: a handler whose
/// answer outlives it (the NDJSON export's stream) keeps a clone until the answer is sent.
#[derive(Clone)]
pub(crate) struct InFlight(#[allow(dead_code)] Arc<tokio::sync::OwnedSemaphorePermit>);

/// At most `api_max_in_flight` requests at once; one more is refused at once, not queued.
async fn bounded(State(s): State<AppState>, mut request: Request, next: Next) -> Response {
    match s.in_flight.clone().try_acquire_owned() {
        Ok(permit) => {
            // Held here until the handler answers (axum drops a request's extensions once it
            // is extracted), and by any clone the handler keeps for its stream.
            let permit = InFlight(Arc::new(permit));
            request.extensions_mut().insert(permit.clone());
            let response = next.run(request).await;
            drop(permit);
            response
        }
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy: too many requests in progress; retry after a second",
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
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> ApiError {
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
            // No connection of the API's pool came free in time: busy, not down.
            _ if matches!(error, sqlx::Error::PoolTimedOut) => {
                tracing::warn!("read api pool exhausted");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy: no database connection free; retry after a second",
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
        sqlx::query("SELECT 1").execute(&s.health),
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

async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}

/// `GET /v1/resolutions?organ=&session=&adopted_from=&...&sort=&cursor=&limit=`: a page of
/// the matching resolutions (newest adopted first by default) with their total, or, asked
/// with `format=ndjson` or `Accept: application/x-ndjson`, every match streamed.
async fn list(
    State(s): State<AppState>,
    axum::Extension(permit): axum::Extension<InFlight>,
    Query(p): Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let mut known = listing::FILTERS.to_vec();
    known.extend(["limit", "format"]);
    reject_unknown(&p, &known)?;
    let limit = limit(&p, 50)?;
    let filter = Filter::parse(&p, &s.pool).await?;
    let offers = [JSON, NDJSON];
    let ndjson = match p.get("format").map(String::as_str) {
        Some("json") => false,
        Some("ndjson") => true,
        Some(other) => return Err(unknown_format(other, "json, ndjson")),
        None => {
            negotiate::media_type(&headers, &offers).ok_or_else(|| not_acceptable(&offers))? == 1
        }
    };
    if ndjson {
        return Ok(export::ndjson(s.pool.clone(), filter, permit));
    }
    let page = summaries(&s.pool, &filter, limit).await?;
    Ok(with_vary(Json(page).into_response()))
}

/// The columns of a list row.
const SUMMARY: &str = "resolutions.symbol, resolutions.language, resolutions.version,
    resolutions.organ, resolutions.kind, resolutions.session, resolutions.title,
    resolutions.adoption_date::text AS adoption_date, resolutions.main_committee,
    resolutions.agenda_items, resolutions.sha256, resolutions.stored_at";

/// One page of `filter` as `{items, next_cursor, total}`.
async fn summaries(pool: &PgPool, filter: &Filter, limit: i64) -> Result<Value, ApiError> {
    let sql = filter.page_sql(SUMMARY, Some(limit + 1));
    let rows = filter.page(&sql).fetch_all(pool).await?;
    let total = filter.total(pool).await?;
    let more = rows.len() as i64 > limit;
    let page = &rows[..rows.len().min(limit as usize)];
    let items: Vec<Value> = page.iter().map(summary).collect();
    let next = page
        .last()
        .filter(|_| more)
        .map(|r| listing::Cursor::after(filter.sort, &r.get::<String, _>("sort_key"), r.get("id")));
    Ok(json!({ "items": items, "next_cursor": next, "total": total }))
}

fn summary(r: &sqlx::postgres::PgRow) -> Value {
    json!({
        "symbol": r.get::<String, _>("symbol"),
        "language": r.get::<String, _>("language"),
        "version": r.get::<i32, _>("version"),
        "organ": r.get::<String, _>("organ"),
        "kind": r.get::<String, _>("kind"),
        "session": r.get::<Option<i32>, _>("session"),
        "title": r.get::<Option<String>, _>("title"),
        "adoption_date": r.get::<Option<String>, _>("adoption_date"),
        "main_committee": r.get::<Option<String>, _>("main_committee"),
        "agenda_items": r.get::<Vec<String>, _>("agenda_items"),
        "sha256": r.get::<String, _>("sha256"),
        "stored_at": r.get::<DateTime<Utc>, _>("stored_at"),
    })
}

/// `GET /v1/resolutions/{symbol}` and `GET /v1/resolutions/{symbol}/cited-by`.
async fn resolution_or_cited_by(
    State(s): State<AppState>,
    Path(path): Path<String>,
    Query(p): Params,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if let Some(symbol) = path.strip_suffix("/cited-by") {
        return cited_by(&s, symbol, &p).await;
    }
    if let Some(symbol) = path.strip_suffix("/pdf") {
        return pdf(&s, symbol, &p, &headers).await;
    }
    resolution(&s, &path, &p, &headers).await
}

const JSON: &str = "application/json";
const NDJSON: &str = "application/x-ndjson";
/// What a resolution can be answered as: the JSON contract, or Akoma Ntoso under its own
/// type and the generic XML ones (which browsers and XML tools ask for).
const RESOLUTION_OFFERS: [&str; 4] = [JSON, AKN, "application/xml", "text/xml"];

async fn resolution(
    s: &AppState,
    path: &str,
    p: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    reject_unknown(p, &["lang", "format"])?;
    let (symbol, link_lang) = resolve_symbol(path)?;
    let offer = match p.get("format").map(String::as_str) {
        Some("json") => 0,
        Some("akn") => 1,
        Some("xml") => 2,
        Some(other) => return Err(unknown_format(other, "json, akn, xml")),
        None => negotiate::media_type(headers, &RESOLUTION_OFFERS)
            .ok_or_else(|| not_acceptable(&RESOLUTION_OFFERS))?,
    };
    let (strict, preferred) = preferred_languages(p, link_lang, headers)?;
    let row = sqlx::query(
        "SELECT language, version, body::text AS body, sha256 FROM resolutions
         WHERE symbol = $1 AND (NOT $3 OR language = ANY($2))
         ORDER BY array_position($2::text[], language) NULLS LAST, language LIMIT 1",
    )
    .bind(&symbol)
    .bind(&preferred)
    .bind(strict)
    .fetch_optional(&s.pool)
    .await?;
    let Some(row) = row else {
        return Err(missing(&s.pool, &symbol, strict.then(|| preferred[0].as_str())).await?);
    };
    let lang: String = row.get("language");
    // AKN carries the day it was marked up, so its bytes change at midnight: a weak tag.
    let (weak, tag) = [("", "json"), ("W/", "akn"), ("W/", "xml"), ("W/", "xml")][offer];
    let etag = format!(
        "{weak}\"{}.{}.{tag}\"",
        row.get::<String, _>("sha256"),
        row.get::<i32, _>("version")
    );
    let mut response = if negotiate::not_modified(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let body: String = row.get("body");
        let body = if offer == 0 {
            body
        } else {
            let r: resingest_model::Resolution = serde_json::from_str(&body).map_err(|e| {
                tracing::error!(%symbol, error = %e, "stored body does not read back as a resolution");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "stored resolution is unreadable")
            })?;
            resingest_akn::to_akn(&r)
        };
        ([(header::CONTENT_TYPE, RESOLUTION_OFFERS[offer])], body).into_response()
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, header_value(&etag));
    h.insert(header::CONTENT_LANGUAGE, header_value(&lang));
    h.insert(
        header::VARY,
        header::HeaderValue::from_static("Accept, Accept-Language"),
    );
    h.insert(
        header::CONTENT_LOCATION,
        header_value(&format!("/v1/resolutions/{symbol}?lang={lang}")),
    );
    Ok(response)
}

fn header_value(v: &str) -> header::HeaderValue {
    header::HeaderValue::from_str(v).expect("checked symbols, languages and hex are header-safe")
}

/// Lists vary by `Accept` (JSON page or NDJSON export).
fn with_vary(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::VARY, header::HeaderValue::from_static("Accept"));
    response
}

/// The 404 of a symbol not stored (in the language asked), naming the languages it is in.
async fn missing(pool: &PgPool, symbol: &str, lang: Option<&str>) -> Result<ApiError, ApiError> {
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT language FROM resolutions WHERE symbol = $1 ORDER BY language")
            .bind(symbol)
            .fetch_all(pool)
            .await?;
    Ok(ApiError::new(
        StatusCode::NOT_FOUND,
        match (lang, stored.is_empty()) {
            (_, true) => format!("no resolution {symbol} is stored"),
            (Some(l), false) => format!(
                "no resolution {symbol} in language {l}; it is stored in {}",
                stored.join(", ")
            ),
            (None, false) => format!("no resolution {symbol}"),
        },
    ))
}

fn unknown_format(v: &str, expected: &str) -> ApiError {
    ApiError::bad_request(format!("format `{v}` is not valid: expected {expected}"))
}

fn not_acceptable(offers: &[&str]) -> ApiError {
    ApiError::new(
        StatusCode::NOT_ACCEPTABLE,
        format!(
            "the Accept header takes none of {}; or pass ?format=",
            offers.join(", ")
        ),
    )
}

/// What a path names: a symbol as printed (`S/RES/2769 (2025)`, `a/res/80/5`) or an
/// undocs.org / docs.un.org link (with or without its scheme), as the canonical symbol and
/// the link's language.
fn resolve_symbol(text: &str) -> Result<(String, Option<String>), ApiError> {
    let bad = |why: String| {
        ApiError::bad_request(format!(
            "{why}: write it as in /v1/resolutions/A/RES/71/19, /v1/resolutions/S/RES/2769 (2025) \
             or /v1/resolutions/https://undocs.org/en/S/RES/2769(2025)"
        ))
    };
    let lower = text.to_ascii_lowercase();
    let bare = ["https:", "http:"]
        .iter()
        .find_map(|s| lower.strip_prefix(s).map(|_| &text[s.len()..]))
        .map(|rest| rest.trim_start_matches('/'))
        .unwrap_or(text);
    let host = bare
        .split('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (symbol, lang) = if ["undocs.org", "docs.un.org", "www.undocs.org"].contains(&host.as_str())
    {
        let url = url::Url::parse(&format!("https://{bare}"))
            .map_err(|e| bad(format!("`{text}` is not a link: {e}")))?;
        Symbol::from_url(&url).ok_or_else(|| bad(format!("the link `{text}` names no symbol")))?
    } else {
        (Symbol::parse(text).map_err(|e| bad(e.to_string()))?, None)
    };
    if !is_symbol(symbol.as_str()) {
        return Err(bad(format!("`{text}` is not a symbol")));
    }
    Ok((symbol.as_str().to_owned(), lang))
}

/// `GET /v1/resolutions/{symbol}/pdf`: the archived source PDF the stored version was
/// extracted from, in the language asked as for the resolution itself.
async fn pdf(
    s: &AppState,
    path: &str,
    p: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    reject_unknown(p, &["lang"])?;
    let (symbol, link_lang) = resolve_symbol(path)?;
    let (strict, preferred) = preferred_languages(p, link_lang, headers)?;
    let row = sqlx::query(
        "SELECT r.language, r.sha256, d.archive_key FROM resolutions r
         JOIN documents d ON d.sha256 = r.sha256
         WHERE r.symbol = $1 AND (NOT $3 OR r.language = ANY($2))
         ORDER BY array_position($2::text[], r.language) NULLS LAST, r.language LIMIT 1",
    )
    .bind(&symbol)
    .bind(&preferred)
    .bind(strict)
    .fetch_optional(&s.pool)
    .await?;
    let Some(row) = row else {
        return Err(missing(&s.pool, &symbol, strict.then(|| preferred[0].as_str())).await?);
    };
    let Some(archive) = &s.archive else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no archive is configured on this sink, so no pdf of {symbol}: start it with --archive"),
        ));
    };
    let sha256: String = row.get("sha256");
    let etag = format!("\"{sha256}\"");
    let lang: String = row.get("language");
    let mut response = if negotiate::not_modified(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        // The archive is content-addressed: a document stored without a claim check is found
        // by its hash.
        let key = row
            .get::<Option<String>, _>("archive_key")
            .or_else(|| resingest_model::archive::pdf_key(&sha256))
            .unwrap_or_default();
        let bytes = archive.get(&key).await.map_err(|e| {
            if e.is_transient() {
                tracing::warn!(%symbol, error = %e, "archive unreachable");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, format!("{e}; retry later"))
                    .retry_after(RETRY_AFTER_SECONDS)
            } else {
                ApiError::new(
                    StatusCode::NOT_FOUND,
                    format!("the pdf of {symbol} ({lang}) is not in the archive: {e}"),
                )
            }
        })?;
        let file = format!("{}-{}.pdf", symbol.replace('/', "_"), lang.to_uppercase());
        (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{file}\""),
                ),
            ],
            bytes,
        )
            .into_response()
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, header_value(&etag));
    h.insert(header::CONTENT_LANGUAGE, header_value(&lang));
    h.insert(
        header::VARY,
        header::HeaderValue::from_static("Accept-Language"),
    );
    Ok(response)
}

/// The languages to look a symbol up in and whether only those will do: `lang` is strict;
/// otherwise the link's language, then `Accept-Language` by quality, then English, then
/// whichever language is stored first in alphabetical order.
fn preferred_languages(
    p: &HashMap<String, String>,
    link_lang: Option<String>,
    headers: &HeaderMap,
) -> Result<(bool, Vec<String>), ApiError> {
    Ok(match p.get("lang") {
        Some(l) => (true, vec![language(l)?.to_owned()]),
        None => {
            let mut langs: Vec<String> = link_lang.into_iter().collect();
            langs.extend(negotiate::languages(headers));
            langs.push("en".into());
            (false, langs)
        }
    })
}

/// `GET /v1/resolutions/{symbol}/cited-by`: the list filters and pages, restricted to the
/// resolutions whose text cites the symbol.
async fn cited_by(
    s: &AppState,
    path: &str,
    p: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    let mut known = listing::FILTERS.to_vec();
    known.push("limit");
    reject_unknown(p, &known)?;
    let (symbol, _) = resolve_symbol(path)?;
    let limit = limit(p, 50)?;
    let mut filter = Filter::parse(p, &s.pool).await?;
    filter.cites = Some(symbol.clone());
    let mut page = summaries(&s.pool, &filter, limit).await?;
    if page["total"] == 0 {
        let known: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM resolutions WHERE symbol = $1)
                 OR EXISTS (SELECT 1 FROM citations WHERE cited_symbol = $1)",
        )
        .bind(&symbol)
        .fetch_one(&s.pool)
        .await?;
        if !known {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                format!("{symbol} is neither stored nor cited"),
            ));
        }
    }
    let items = page["items"].take();
    page["cited_by"] = items;
    page["symbol"] = json!(symbol);
    page.as_object_mut().expect("an object").remove("items");
    Ok(Json(page).into_response())
}

/// `GET /v1/search?q=&lang=en&limit=&cursor=`: clauses matching a web-style query, best
/// first, with the number of matches. Pages by keyset (`next_cursor`) like the lists;
/// `offset` is still read, up to [`MAX_SEARCH_OFFSET`].
async fn search(State(s): State<AppState>, Query(p): Params) -> Result<Json<Value>, ApiError> {
    reject_unknown(&p, &["q", "lang", "limit", "offset", "cursor"])?;
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
             page deeper with cursor (the next_cursor of the previous page)"
        )));
    }
    let cursor = p
        .get("cursor")
        .map(|c| SearchCursor::parse(c))
        .transpose()?;
    if cursor.is_some() && offset > 0 {
        return Err(ApiError::bad_request(
            "cursor and offset are exclusive: pass one of them",
        ));
    }
    let config = crate::flatten::ts_config(lang);
    let rows = sqlx::query(
        // ts_headline is costly and a projection under LIMIT/OFFSET is computed for the skipped
        // rows too: the inner query ranks and pages, the outer one makes snippets for the page.
        "SELECT p.symbol, p.language, p.title, p.path, p.kind, p.lead, p.rank, p.resolution_id, p.ord,
                ts_headline(p.ts_config, p.text, p.query, 'MaxFragments=1, MaxWords=30, MinWords=10') AS snippet
         FROM (SELECT * FROM (
                 SELECT r.symbol, r.language, r.title, c.resolution_id, c.path, c.kind, c.lead, c.ord,
                        c.ts_config, c.text, query, ts_rank_cd(c.tsv, query) AS rank
                 FROM clauses c JOIN resolutions r ON r.id = c.resolution_id,
                      resingest_tsquery($1::regconfig, $2) AS query
                 WHERE c.tsv @@ query AND r.language = $5) m
               WHERE $6::real IS NULL OR m.rank < $6
                  OR (m.rank = $6 AND (m.resolution_id, m.ord) > ($7::bigint, $8::int))
               ORDER BY m.rank DESC, m.resolution_id, m.ord LIMIT $3 OFFSET $4) p
         ORDER BY p.rank DESC, p.resolution_id, p.ord",
    )
    .bind(config)
    .bind(q)
    .bind(limit + 1)
    .bind(offset)
    .bind(lang)
    .bind(cursor.as_ref().map(|c| c.rank))
    .bind(cursor.as_ref().map(|c| c.resolution_id))
    .bind(cursor.as_ref().map(|c| c.ord))
    .fetch_all(&s.pool)
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM clauses c JOIN resolutions r ON r.id = c.resolution_id
         WHERE c.tsv @@ resingest_tsquery($1::regconfig, $2) AND r.language = $3",
    )
    .bind(config)
    .bind(q)
    .bind(lang)
    .fetch_one(&s.pool)
    .await?;
    let more = rows.len() as i64 > limit;
    let page = &rows[..rows.len().min(limit as usize)];
    let hits: Vec<Value> = page
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
    let next = page.last().filter(|_| more).map(|r| {
        SearchCursor {
            rank: r.get("rank"),
            resolution_id: r.get("resolution_id"),
            ord: r.get("ord"),
        }
        .to_string()
    });
    Ok(Json(
        json!({ "query": q, "language": lang, "hits": hits, "next_cursor": next, "total": total }),
    ))
}

/// Where a search page starts: after the hit of this rank, resolution and clause, as
/// `r~<rank>~<resolution id>.<clause ord>` (the lists' `<sort>~<key>~<id>`).
#[derive(Debug, PartialEq)]
struct SearchCursor {
    rank: f32,
    resolution_id: i64,
    ord: i32,
}

impl SearchCursor {
    fn parse(v: &str) -> Result<SearchCursor, ApiError> {
        let parsed = (|| {
            let rest = v.strip_prefix("r~")?;
            let (rank, id) = rest.split_once('~')?;
            let (resolution_id, ord) = id.split_once('.')?;
            let rank: f32 = rank.parse().ok()?;
            rank.is_finite().then_some(())?;
            Some(SearchCursor {
                rank,
                resolution_id: resolution_id.parse().ok()?,
                ord: ord.parse().ok()?,
            })
        })();
        parsed.ok_or_else(|| {
            ApiError::bad_request(format!(
                "cursor `{v}` is not valid: pass the next_cursor of a previous search page unchanged"
            ))
        })
    }
}

impl std::fmt::Display for SearchCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "r~{}~{}.{}", self.rank, self.resolution_id, self.ord)
    }
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

pub(crate) fn parse_opt<T: std::str::FromStr>(
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
pub(crate) fn parse_since(v: &str) -> Result<DateTime<Utc>, ApiError> {
    resingest_runtime::time::parse_since(v).map_err(|e| ApiError::bad_request(format!("since {e}")))
}

pub(crate) fn language(l: &str) -> Result<&str, ApiError> {
    if (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(l)
    } else {
        Err(ApiError::bad_request(format!(
            "lang `{l}` is not valid: expected an ISO 639-1 code such as en"
        )))
    }
}
