//! The database: create it if missing, run the embedded migrations, hand out a pool.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::SinkError;

/// Creates the database of `url` if it does not exist, runs the migrations and returns a pool.
/// The migrations are the shared set in `migrations/` at the workspace root: the sink's tables
/// and the fetcher's ledger, applied by whichever role starts first.
pub async fn open(url: &str, max_connections: u32) -> Result<PgPool, SinkError> {
    let options = parse_url(url)?;
    resingest_runtime::pg::create_if_missing(&options)
        .await
        .map_err(SinkError::Database)?;
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(SinkError::Database)?;
    // Another role may be one migration ahead of this binary; that is not an error here.
    let mut migrator = sqlx::migrate!("../../migrations");
    migrator.set_ignore_missing(true);
    migrator.run(&pool).await.map_err(SinkError::Migrate)?;
    Ok(pool)
}

/// The read API's own pool: connected lazily (the consumer's [`open`] has created and migrated
/// the database), every statement bounded by `statement_timeout` on the server side.
pub fn api_pool(
    url: &str,
    max_connections: u32,
    statement_timeout: Duration,
) -> Result<PgPool, SinkError> {
    let options = parse_url(url)?.options([(
        "statement_timeout",
        statement_timeout.as_millis().max(1).to_string(),
    )]);
    Ok(PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy_with(options))
}

/// Parses a `postgres://` (or `postgresql://`) url; any other scheme is refused here, where
/// sqlx would read `mysql://...` as a PostgreSQL url and fail later as if the server were down.
fn parse_url(url: &str) -> Result<PgConnectOptions, SinkError> {
    let invalid = |reason: String| SinkError::DatabaseUrl {
        url: redact(url),
        reason,
    };
    let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or_default();
    if !matches!(scheme, "postgres" | "postgresql") {
        return Err(invalid(format!(
            "scheme `{scheme}` is not PostgreSQL: write postgres://user:password@host:5432/database"
        )));
    }
    PgConnectOptions::from_str(url).map_err(|e| invalid(e.to_string()))
}

/// `url` without its password, for errors.
fn redact(url: &str) -> String {
    resingest_amqp::redact(url)
}
