//! The NDJSON export: every resolution a list filter matches, one JSON contract per line, in
//! the list's sort order. Streamed from the database row by row through a small channel, so
//! the sink holds a few rows whatever the size of the export; a client that goes away drops
//! the receiver, which ends the query.
//!
//! An export is one request for the in-flight bound for as long as it streams (it holds a
//! connection of the API's pool all along), and one statement: the API's statement timeout
//! would cut a large export midway, so it runs under [`EXPORT_TIMEOUT`] instead, and a client
//! that takes no line for [`STALL_LIMIT`] is cut off.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use sqlx::{PgPool, Row};

use super::listing::Filter;
use super::InFlight;

/// Rows read ahead of the client.
const AHEAD: usize = 16;
/// Longest an export's statement may run, in place of the API's statement timeout.
pub(crate) const EXPORT_TIMEOUT: Duration = Duration::from_secs(3600);
/// Longest a client may leave the next line untaken before the export ends.
pub(crate) const STALL_LIMIT: Duration = Duration::from_secs(30);

pub(crate) fn ndjson(pool: PgPool, filter: Filter, permit: InFlight) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(AHEAD);
    tokio::spawn(async move {
        // Released when the stream ends, not when the response's head is sent.
        let _permit = permit;
        let cut = |error: String| {
            // The status is sent already: cut the stream, so the client sees an incomplete
            // body rather than a short export that looks whole.
            tracing::warn!(%error, "ndjson export failed midway");
            Err(std::io::Error::other(error))
        };
        let mut conn = match begin(&pool).await {
            Ok(conn) => conn,
            Err(error) => {
                let _ = tx.send(cut(error.to_string())).await;
                return;
            }
        };
        let sql = filter.page_sql("resolutions.body::text AS body", None);
        let mut rows = filter.page(&sql).fetch(&mut *conn);
        while let Some(row) = rows.next().await {
            let line = match row {
                Ok(row) => {
                    let mut line: String = row.get("body");
                    line.push('\n');
                    Ok(Bytes::from(line))
                }
                Err(error) => cut(error.to_string()),
            };
            let failed = line.is_err();
            match tokio::time::timeout(STALL_LIMIT, tx.send(line)).await {
                Ok(Ok(())) if !failed => {}
                Ok(_) => break,
                Err(_) => {
                    tracing::info!(stall = ?STALL_LIMIT, "ndjson export client stopped reading; ending it");
                    break;
                }
            }
        }
    });
    // Fused: a layer around the body (gzip's encoder) may poll it once more after its end.
    let stream =
        futures_util::StreamExt::fuse(futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        }));
    (
        [
            (header::CONTENT_TYPE, super::NDJSON),
            (header::VARY, "Accept"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// A read-only transaction whose statements run under [`EXPORT_TIMEOUT`] (`SET LOCAL`: the
/// pooled connection keeps the API's timeout once it goes back).
async fn begin(pool: &PgPool) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SET TRANSACTION READ ONLY")
        .execute(&mut *tx)
        .await?;
    sqlx::query("SELECT set_config('statement_timeout', $1, true)")
        .bind(EXPORT_TIMEOUT.as_millis().to_string())
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}
