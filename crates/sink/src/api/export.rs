//! The NDJSON export: every resolution a list filter matches, one JSON contract per line, in
//! the list's sort order. Streamed from the database row by row through a small channel, so
//! the sink holds a few rows whatever the size of the export; a client that goes away drops
//! the receiver, which ends the query.

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use sqlx::{PgPool, Row};

use super::listing::Filter;

/// Rows read ahead of the client.
const AHEAD: usize = 16;

pub(crate) fn ndjson(pool: PgPool, filter: Filter) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(AHEAD);
    tokio::spawn(async move {
        let sql = filter.page_sql("resolutions.body::text AS body", None);
        let mut rows = filter.page(&sql).fetch(&pool);
        while let Some(row) = rows.next().await {
            let line = match row {
                Ok(row) => {
                    let mut line: String = row.get("body");
                    line.push('\n');
                    Ok(Bytes::from(line))
                }
                Err(error) => {
                    // The status is sent already: cut the stream, so the client sees an
                    // incomplete body rather than a short export that looks whole.
                    tracing::warn!(%error, "ndjson export failed midway");
                    Err(std::io::Error::other(error.to_string()))
                }
            };
            let failed = line.is_err();
            if tx.send(line).await.is_err() || failed {
                break;
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
