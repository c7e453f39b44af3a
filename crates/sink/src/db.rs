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
    let options = parse_url(url)?;
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

/// A database error in one line: PostgreSQL's message and SQLSTATE, without the location in
/// its own source that `sqlx`'s Display appends.
pub fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => match db.code() {
            Some(code) => format!("{} (SQLSTATE {code})", db.message()),
            None => db.message().to_owned(),
        },
        other => other.to_string(),
    }
}

/// What to fix when PostgreSQL refuses for a reason a retry cannot change: bad password, no
/// such role or no pg_hba entry (28xxx), a missing database it may not create, no privilege.
pub fn setting_problem(e: &sqlx::Error) -> Option<&'static str> {
    match e {
        sqlx::Error::Configuration(_) => Some("fix the database url"),
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some(c) if c.starts_with("28") => Some(
                "PostgreSQL refused the user or password: fix them in the database url, or allow \
                 the user in pg_hba.conf",
            ),
            Some("3D000") => Some("the database does not exist: create it or fix the url's path"),
            Some("42501") => Some(
                "the user lacks a privilege it needs (CREATEDB to create the database, or owning \
                 the schema to migrate it): grant it or use another user",
            ),
            _ => None,
        },
        _ => None,
    }
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
