use std::net::SocketAddr;

#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("database url `{url}` is not valid: {reason}")]
    DatabaseUrl { url: String, reason: String },
    // Formatted by `resingest_runtime::pg::describe` and not a `source`: PostgreSQL's own Display appends the
    // line of its C source ("at line 768"), and a chain printer would repeat the cause.
    #[error("database: {}", resingest_runtime::pg::describe(.0))]
    Database(sqlx::Error),
    #[error("running migrations: {0} (was the database migrated by a newer resingest?)")]
    Migrate(sqlx::migrate::MigrateError),
    #[error("binding the http address {addr}: {source} (pick a free port, or 0 for any)")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("http server: {0}")]
    Http(std::io::Error),
    #[error("archive: {0}")]
    Archive(#[from] resingest_archive::ArchiveError),
    #[error("broker: {0}")]
    Amqp(#[from] resingest_amqp::AmqpError),
}

impl SinkError {
    /// What to fix when retrying can never help: a database url that does not parse or names
    /// another database system, credentials or a role PostgreSQL refuses, a broker url that
    /// can never work. `None` for outages, which are retried.
    pub fn setting_problem(&self) -> Option<&'static str> {
        match self {
            SinkError::DatabaseUrl { .. } => Some("fix the database url"),
            SinkError::Database(e) => resingest_runtime::pg::setting_problem(e),
            SinkError::Amqp(e) => e.setting_problem(),
            _ => None,
        }
    }
}
