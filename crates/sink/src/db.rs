//! The database: create it if missing, run the embedded migrations, hand out a pool.

use std::time::Duration;

use resingest_runtime::pg;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;

use crate::SinkError;

/// Creates the database of `url` if it does not exist, runs the sink's migrations
/// (`crates/sink/migrations`) and returns a pool.
pub async fn open(url: &str, max_connections: u32) -> Result<PgPool, SinkError> {
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5));
    pg::open_migrated(parse_url(url)?, pool, migrations())
        .await
        .map_err(|e| match e {
            pg::OpenError::Database(e) => SinkError::Database(e),
            pg::OpenError::Migrate(e) => SinkError::Migrate(e),
        })
}

/// The sink's migration set, `crates/sink/migrations`, embedded.
pub fn migrations() -> sqlx::migrate::Migrator {
    sqlx::migrate!()
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

/// A `postgres://` url's options, or the url's problem named with the password hidden.
fn parse_url(url: &str) -> Result<PgConnectOptions, SinkError> {
    pg::connect_options(url).map_err(|reason| SinkError::DatabaseUrl {
        url: resingest_amqp::redact(url),
        reason,
    })
}
