//! PostgreSQL around the roles' own schemas: each role embeds its own migration set
//! (`crates/<role>/migrations`) and runs it with [`open_migrated`] on whichever database it is
//! given; the sets share sqlx's `_sqlx_migrations` table, so their versions never collide and
//! each ignores the rows of the others.

use std::str::FromStr;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};

/// The options of a `postgres://` (or `postgresql://`) url, or what is wrong with it. Any other
/// scheme is refused here, where sqlx would read `mysql://...` as a PostgreSQL url and fail
/// later as if the server were down.
pub fn connect_options(url: &str) -> Result<PgConnectOptions, String> {
    let scheme = url.split_once("://").map(|(s, _)| s).unwrap_or_default();
    if !matches!(scheme, "postgres" | "postgresql") {
        return Err(format!(
            "scheme `{scheme}` is not PostgreSQL: write postgres://user:password@host:5432/database"
        ));
    }
    PgConnectOptions::from_str(url).map_err(|e| e.to_string())
}

/// Why [`open_migrated`] failed.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] MigrateError),
}

/// Creates the database of `options` if missing, connects `pool` to it and runs a role's
/// `migrations`. Migrations of the other roles' sets (and of a newer binary of this role,
/// rolling out) are already in the table and are not an error here.
pub async fn open_migrated(
    options: PgConnectOptions,
    pool: PgPoolOptions,
    mut migrations: Migrator,
) -> Result<PgPool, OpenError> {
    create_if_missing(&options).await?;
    let pool = pool.connect_with(options).await?;
    migrations.set_ignore_missing(true);
    migrations.run(&pool).await?;
    Ok(pool)
}

/// Creates the database `options` names when it does not exist, connecting to `postgres` to
/// do it. Two roles starting at once may both try: the loser's "already exists" (42P04) is
/// success.
pub async fn create_if_missing(options: &PgConnectOptions) -> Result<(), sqlx::Error> {
    let Some(name) = options.get_database().map(str::to_owned) else {
        return Ok(());
    };
    let mut admin = options.clone().database("postgres").connect().await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await?;
    if !exists {
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        match sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {quoted}")))
            .execute(&mut admin)
            .await
        {
            Ok(_) => tracing::info!(database = %name, "created database"),
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            Err(e) => return Err(e),
        }
    }
    let _ = admin.close().await;
    Ok(())
}

/// A database error in one line: PostgreSQL's message and SQLSTATE, without the location in
/// its own C source that `sqlx`'s Display appends ("at line 768").
pub fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => match db.code() {
            Some(code) => format!("{} (SQLSTATE {code})", db.message()),
            None => db.message().to_owned(),
        },
        other => other.to_string(),
    }
}

/// What to fix when PostgreSQL refuses for a reason a retry cannot change: a url it cannot
/// use, bad password, no such role or no pg_hba entry (28xxx), a missing database it may not
/// create (3D000), no privilege (42501). `None` for outages and everything else.
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
