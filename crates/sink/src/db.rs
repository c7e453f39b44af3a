//! The database: create it if missing, run the embedded migrations, hand out a pool.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};

use crate::SinkError;

/// Creates the database of `url` if it does not exist, runs the migrations and returns a pool.
/// The migrations are the shared set in `migrations/` at the workspace root: the sink's tables
/// and the fetcher's ledger, applied by whichever role starts first.
pub async fn open(url: &str, max_connections: u32) -> Result<PgPool, SinkError> {
    let options = PgConnectOptions::from_str(url).map_err(|e| SinkError::DatabaseUrl {
        url: url.into(),
        reason: e.to_string(),
    })?;
    create_if_missing(&options).await?;
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
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| SinkError::DatabaseUrl {
            url: url.into(),
            reason: e.to_string(),
        })?
        .options([(
            "statement_timeout",
            statement_timeout.as_millis().max(1).to_string(),
        )]);
    Ok(PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy_with(options))
}

async fn create_if_missing(options: &PgConnectOptions) -> Result<(), SinkError> {
    let Some(name) = options.get_database().map(str::to_owned) else {
        return Ok(());
    };
    let mut admin = options
        .clone()
        .database("postgres")
        .connect()
        .await
        .map_err(SinkError::Database)?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await
            .map_err(SinkError::Database)?;
    if !exists {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        match sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {quoted}")))
            .execute(&mut admin)
            .await
        {
            Ok(_) => tracing::info!(database = %name, "created database"),
            // 42P04: created meanwhile by another sink.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            Err(e) => return Err(SinkError::Database(e)),
        }
    }
    let _ = admin.close().await;
    Ok(())
}
