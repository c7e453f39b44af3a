//! The admin routes of webhooks: register (`POST /v1/webhooks`), list, delete, and the state
//! of one webhook's deliveries. Behind `Authorization: Bearer <admin token>`; with no token
//! configured they are a 404 saying how to enable them. The only routes that write.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use sqlx::Row;

use super::{ApiError, AppState};
use resingest_model::symbol::Organ;

/// Most deliveries one page of `/v1/webhooks/{id}/deliveries` shows.
const MAX_DELIVERIES: i64 = 100;

fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = state.webhooks.admin_token.as_deref() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "webhooks are disabled: start the sink with --admin-token (or RESINGEST_ADMIN_TOKEN) \
             to enable the admin routes",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "the admin routes need `Authorization: Bearer <admin token>`",
        )),
        Some(token) if constant_time_eq(token.trim().as_bytes(), expected.as_bytes()) => Ok(()),
        Some(_) => Err(ApiError::new(StatusCode::FORBIDDEN, "wrong admin token")),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Deserialize)]
pub(crate) struct Registration {
    url: String,
    organ: Option<String>,
}

/// `{"url": ..., "organ": "SC"}` -> 201 with the webhook and its secret (shown only here).
pub(crate) async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<Registration>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let Json(reg) = body.map_err(|e| {
        ApiError::bad_request(format!(
            "expected a JSON body {{\"url\": ..., \"organ\": ...}}: {}",
            e.body_text()
        ))
    })?;
    if let Some(reason) = crate::webhook::refusal(&reg.url, &state.webhooks.allow_hosts).await {
        return Err(ApiError::bad_request(reason));
    }
    let organ = reg.organ.as_deref().map(|o| {
        Organ::from_name(o).map_or_else(|| o.trim().to_owned(), |known| known.name().to_owned())
    });
    let row = sqlx::query(
        "INSERT INTO webhooks (url, organ) VALUES ($1, $2) \
         RETURNING id, url, organ, secret, created_at",
    )
    .bind(&reg.url)
    .bind(&organ)
    .fetch_one(&state.pool)
    .await?;
    let mut out = webhook_json(&row);
    out["secret"] = json!(row.get::<String, _>("secret"));
    let location = format!("/v1/webhooks/{}", row.get::<i64, _>("id"));
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(out),
    )
        .into_response())
}

fn webhook_json(row: &sqlx::postgres::PgRow) -> Value {
    let id: i64 = row.get("id");
    json!({
        "id": id,
        "url": row.get::<String, _>("url"),
        "organ": row.get::<Option<String>, _>("organ"),
        "created_at": row.get::<DateTime<Utc>, _>("created_at"),
        "deliveries": format!("/v1/webhooks/{id}/deliveries"),
    })
}

pub(crate) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    authorize(&state, &headers)?;
    let rows = sqlx::query("SELECT id, url, organ, created_at FROM webhooks ORDER BY id")
        .fetch_all(&state.pool)
        .await?;
    Ok(Json(json!({
        "items": rows.iter().map(webhook_json).collect::<Vec<_>>()
    })))
}

pub(crate) async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    authorize(&state, &headers)?;
    let id = parse_id(&id)?;
    let gone = sqlx::query("DELETE FROM webhooks WHERE id = $1")
        .bind(id)
        .execute(&state.pool)
        .await?
        .rows_affected();
    if gone == 0 {
        return Err(no_such(id));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub(crate) struct DeliveriesQuery {
    status: Option<String>,
    limit: Option<i64>,
}

/// The newest deliveries first: status, attempts, last status code and error, next attempt.
pub(crate) async fn deliveries(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<DeliveriesQuery>,
) -> Result<Json<Value>, ApiError> {
    authorize(&state, &headers)?;
    let id = parse_id(&id)?;
    if let Some(s) = q.status.as_deref() {
        if !matches!(s, "pending" | "delivered" | "failed") {
            return Err(ApiError::bad_request(format!(
                "status `{s}`: expected pending, delivered or failed"
            )));
        }
    }
    let limit = q.limit.unwrap_or(MAX_DELIVERIES);
    if !(1..=MAX_DELIVERIES).contains(&limit) {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_DELIVERIES}"
        )));
    }
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM webhooks WHERE id = $1)")
        .bind(id)
        .fetch_one(&state.pool)
        .await?;
    if !exists {
        return Err(no_such(id));
    }
    let rows = sqlx::query(
        "SELECT id, payload, status, attempts, last_status_code, last_error, next_attempt_at, \
         created_at, delivered_at FROM webhook_deliveries \
         WHERE webhook_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT $3",
    )
    .bind(id)
    .bind(&q.status)
    .bind(limit)
    .fetch_all(&state.pool)
    .await?;
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            let status: String = r.get("status");
            json!({
                "id": r.get::<i64, _>("id"),
                "payload": r.get::<Value, _>("payload"),
                "status": status,
                "attempts": r.get::<i32, _>("attempts"),
                "last_status_code": r.get::<Option<i32>, _>("last_status_code"),
                "last_error": r.get::<Option<String>, _>("last_error"),
                "next_attempt_at": (status == "pending")
                    .then(|| r.get::<DateTime<Utc>, _>("next_attempt_at")),
                "created_at": r.get::<DateTime<Utc>, _>("created_at"),
                "delivered_at": r.get::<Option<DateTime<Utc>>, _>("delivered_at"),
            })
        })
        .collect();
    Ok(Json(json!({ "webhook": id, "items": items })))
}

fn parse_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::bad_request(format!("webhook id `{id}` is not a number")))
}

fn no_such(id: i64) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("no webhook {id}"))
}
