//! The ledger in PostgreSQL: per symbol and language, what was downloaded from where, its
//! sha256 and size, the validators the server gave, and whether the broker confirmed it.
//!
//! It is what makes the fetcher deliver each document once: a restarted fetcher skips what the
//! ledger says is published, and publishes again only a new sha256 (a reissue, kept as a new
//! row of `fetch_versions`). A row is `archived` between the archive write and the broker's
//! confirm; the next poll publishes such rows from the archive, so a crash in between gives a
//! duplicate (absorbed by the sink), never a loss.
//!
//! The database is created if missing and migrated with the fetcher's own set
//! (`crates/fetcher/migrations`); it may be the sink's database too, whose tables it leaves to
//! the sink.

use std::time::Duration;

use chrono::{DateTime, Utc};
use resingest_runtime::pg;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Row};

use crate::FetchError;

/// Ledger statuses.
pub mod status {
    pub const ARCHIVED: &str = "archived";
    pub const PUBLISHED: &str = "published";
    pub const MISSING: &str = "missing";
    pub const REJECTED: &str = "rejected";
    pub const FAILED: &str = "failed";
}

/// One ledger row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub symbol: String,
    pub language: String,
    pub source: String,
    pub url: String,
    pub sha256: Option<String>,
    pub bytes: Option<i64>,
    pub archive_key: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub revision: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub fetched_at: Option<DateTime<Utc>>,
}

/// A document now in the archive, about to be published.
#[derive(Debug, Clone)]
pub struct Archived<'a> {
    pub symbol: &'a str,
    pub language: &'a str,
    pub source: &'a str,
    pub url: &'a str,
    pub sha256: &'a str,
    pub bytes: i64,
    pub archive_key: &'a str,
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
    pub revision: Option<&'a str>,
}

/// The fetcher's migration set, `crates/fetcher/migrations`, embedded.
pub fn migrations() -> sqlx::migrate::Migrator {
    sqlx::migrate!()
}

#[derive(Clone, Debug)]
pub struct Ledger {
    pool: PgPool,
}

const COLUMNS: &str = "symbol, language, source, url, sha256, bytes, archive_key, etag, \
     last_modified, revision, status, attempts, last_error, fetched_at";

impl Ledger {
    /// Creates the database of `url` if it does not exist, runs the fetcher's migrations and
    /// connects.
    pub async fn open(url: &str) -> Result<Ledger, FetchError> {
        let options = pg::connect_options(url).map_err(|reason| FetchError::DatabaseUrl {
            url: resingest_amqp::redact(url),
            reason,
        })?;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10));
        let pool = pg::open_migrated(options, pool, migrations())
            .await
            .map_err(|e| match e {
                pg::OpenError::Database(e) => FetchError::Database(e),
                pg::OpenError::Migrate(e) => FetchError::Migrate(e),
            })?;
        Ok(Ledger { pool })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn get(&self, symbol: &str, language: &str) -> Result<Option<Entry>, FetchError> {
        let sql = format!("SELECT {COLUMNS} FROM fetch_ledger WHERE symbol = $1 AND language = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(symbol)
            .bind(language)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| entry(&r)))
    }

    /// Records a document written to the archive and not yet confirmed by the broker; returns
    /// its version (1 for the first sha256 of this symbol and language).
    pub async fn record_archived(&self, a: &Archived<'_>) -> Result<i32, FetchError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO fetch_ledger (symbol, language, source, url, sha256, bytes, archive_key, \
                 etag, last_modified, revision, status, attempts, fetched_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'archived', 0, now()) \
             ON CONFLICT (symbol, language) DO UPDATE SET source = EXCLUDED.source, \
                 url = EXCLUDED.url, sha256 = EXCLUDED.sha256, bytes = EXCLUDED.bytes, \
                 archive_key = EXCLUDED.archive_key, etag = EXCLUDED.etag, \
                 last_modified = EXCLUDED.last_modified, revision = EXCLUDED.revision, \
                 status = 'archived', attempts = 0, last_error = NULL, fetched_at = now(), \
                 last_seen = now()",
        )
        .bind(a.symbol)
        .bind(a.language)
        .bind(a.source)
        .bind(a.url)
        .bind(a.sha256)
        .bind(a.bytes)
        .bind(a.archive_key)
        .bind(a.etag)
        .bind(a.last_modified)
        .bind(a.revision)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO fetch_versions (symbol, language, version, sha256, bytes, archive_key, url) \
             SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3, $4, $5, $6 FROM fetch_versions \
                 WHERE symbol = $1 AND language = $2 \
             ON CONFLICT (symbol, language, sha256) DO NOTHING",
        )
        .bind(a.symbol)
        .bind(a.language)
        .bind(a.sha256)
        .bind(a.bytes)
        .bind(a.archive_key)
        .bind(a.url)
        .execute(&mut *tx)
        .await?;
        let version: i32 = sqlx::query_scalar(
            "SELECT version FROM fetch_versions WHERE symbol = $1 AND language = $2 AND sha256 = $3",
        )
        .bind(a.symbol)
        .bind(a.language)
        .bind(a.sha256)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// The broker confirmed `sha256` for this symbol and language.
    pub async fn mark_published(
        &self,
        symbol: &str,
        language: &str,
        sha256: &str,
    ) -> Result<(), FetchError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE fetch_ledger SET status = 'published', published_at = now(), last_seen = now() \
             WHERE symbol = $1 AND language = $2 AND sha256 = $3",
        )
        .bind(symbol)
        .bind(language)
        .bind(sha256)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE fetch_versions SET published_at = now() \
             WHERE symbol = $1 AND language = $2 AND sha256 = $3",
        )
        .bind(symbol)
        .bind(language)
        .bind(sha256)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The source had no document for this symbol and language this time. A row that already
    /// holds a document keeps it (and its status): only the error and the count change.
    pub async fn record_failure(
        &self,
        symbol: &str,
        language: &str,
        source: &str,
        url: &str,
        failure_status: &str,
        error: &str,
    ) -> Result<(), FetchError> {
        sqlx::query(
            "INSERT INTO fetch_ledger (symbol, language, source, url, status, attempts, last_error) \
             VALUES ($1, $2, $3, $4, $5, 1, $6) \
             ON CONFLICT (symbol, language) DO UPDATE SET \
                 status = CASE WHEN fetch_ledger.sha256 IS NULL THEN EXCLUDED.status \
                               ELSE fetch_ledger.status END, \
                 attempts = fetch_ledger.attempts + 1, last_error = EXCLUDED.last_error, \
                 last_seen = now()",
        )
        .bind(symbol)
        .bind(language)
        .bind(source)
        .bind(url)
        .bind(failure_status)
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Seen again, unchanged.
    pub async fn touch(&self, symbol: &str, language: &str) -> Result<(), FetchError> {
        sqlx::query(
            "UPDATE fetch_ledger SET last_seen = now(), attempts = 0, last_error = NULL \
             WHERE symbol = $1 AND language = $2",
        )
        .bind(symbol)
        .bind(language)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Symbols starting with `prefix` and their statuses (every language).
    pub async fn symbols_like(&self, prefix: &str) -> Result<Vec<(String, String)>, FetchError> {
        let pattern = format!("{}%", prefix.replace('%', "\\%").replace('_', "\\_"));
        let rows = sqlx::query("SELECT symbol, status FROM fetch_ledger WHERE symbol LIKE $1")
            .bind(pattern)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get("symbol"), r.get("status")))
            .collect())
    }

    /// Forgets the rows holding no document (misses, rejections) whose symbol starts with
    /// `prefix` but is not `keep`: a Security Council number (`S/RES/2791(`) recorded under its
    /// year leaves no row under another year to be retried.
    pub async fn forget_others(&self, prefix: &str, keep: &str) -> Result<u64, FetchError> {
        let pattern = format!("{}%", prefix.replace('%', "\\%").replace('_', "\\_"));
        let done = sqlx::query(
            "DELETE FROM fetch_ledger WHERE symbol LIKE $1 AND symbol <> $2 AND sha256 IS NULL",
        )
        .bind(pattern)
        .bind(keep)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// The most recently downloaded published resolution (symbol, language): a document the
    /// symbol API is known to serve.
    pub async fn newest_published(&self) -> Result<Option<(String, String)>, FetchError> {
        let row = sqlx::query(
            "SELECT symbol, language FROM fetch_ledger WHERE status = 'published' \
             AND symbol LIKE '%/RES/%' ORDER BY fetched_at DESC NULLS LAST LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| (r.get("symbol"), r.get("language"))))
    }

    /// When the newest document under `prefix` was downloaded.
    pub async fn last_found(&self, prefix: &str) -> Result<Option<DateTime<Utc>>, FetchError> {
        let pattern = format!("{}%", prefix.replace('%', "\\%").replace('_', "\\_"));
        Ok(sqlx::query_scalar(
            "SELECT max(fetched_at) FROM fetch_ledger WHERE symbol LIKE $1 AND sha256 IS NOT NULL",
        )
        .bind(pattern)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Rows in the archive whose publish was never confirmed.
    pub async fn unpublished(&self) -> Result<Vec<Entry>, FetchError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM fetch_ledger WHERE status = 'archived' ORDER BY symbol, language"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(entry).collect())
    }

    /// Published rows whose current version was downloaded at or after `since` (all when `None`).
    pub async fn published_since(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<Entry>, FetchError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM fetch_ledger WHERE status = 'published' \
             AND archive_key IS NOT NULL AND ($1::timestamptz IS NULL OR fetched_at >= $1) \
             ORDER BY fetched_at, symbol, language"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(entry).collect())
    }

    pub async fn cursor(&self, source: &str) -> Result<Option<String>, FetchError> {
        Ok(
            sqlx::query_scalar("SELECT cursor FROM fetch_cursors WHERE source = $1")
                .bind(source)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn set_cursor(&self, source: &str, cursor: &str) -> Result<(), FetchError> {
        sqlx::query(
            "INSERT INTO fetch_cursors (source, cursor) VALUES ($1, $2) \
             ON CONFLICT (source) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()",
        )
        .bind(source)
        .bind(cursor)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

fn entry(r: &sqlx::postgres::PgRow) -> Entry {
    Entry {
        symbol: r.get("symbol"),
        language: r.get("language"),
        source: r.get("source"),
        url: r.get("url"),
        sha256: r.get("sha256"),
        bytes: r.get("bytes"),
        archive_key: r.get("archive_key"),
        etag: r.get("etag"),
        last_modified: r.get("last_modified"),
        revision: r.get("revision"),
        status: r.get("status"),
        attempts: r.get("attempts"),
        last_error: r.get("last_error"),
        fetched_at: r.get("fetched_at"),
    }
}
