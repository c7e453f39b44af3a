//! Errors that stop a worker. Failures of one document are
//! not here: they are routed (dead-lettered, retried or handed back) in `process`.

use std::net::SocketAddr;

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error(transparent)]
    Amqp(#[from] resingest_amqp::AmqpError),
    #[error("binding the metrics address {addr}: {source} (use port 0 to pick a free one)")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("metrics server: {0}")]
    Http(std::io::Error),
    #[error("starting the extraction children: {0}")]
    Pool(#[from] resingest_sandbox::IsolatedError),
    #[error(transparent)]
    Archive(#[from] resingest_archive::ArchiveError),
}
