use std::net::SocketAddr;

#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error("database url `{url}` is not valid: {reason}")]
    DatabaseUrl { url: String, reason: String },
    #[error("database: {0}")]
    Database(#[source] sqlx::Error),
    #[error("running migrations: {0} (was the database migrated by a newer resingest?)")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("binding the http address {addr}: {source} (pick a free port, or 0 for any)")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("http server: {0}")]
    Http(#[source] std::io::Error),
    #[error("archive: {0}")]
    Archive(#[from] resingest_archive::ArchiveError),
    #[error("broker: {0}")]
    Amqp(#[from] resingest_amqp::AmqpError),
}
