//! The HTTP server of every role (the sink's read API, the `/metrics` and `/healthz` of the
//! sink, the workers and the fetcher): an axum [`Router`] served over hyper's HTTP/1 with the
//! bounds `axum::serve` does not set.
//!
//! - A header-read timeout: a client that has not sent a whole request head within
//!   [`Timeouts::header_read`] is disconnected. hyper runs this timer from the moment a
//!   connection waits for a request, so it is also the idle timeout of a keep-alive connection.
//! - On shutdown: no new connections; a connection with no request in a handler (idle, or a
//!   request line or headers half sent) is closed at once; one whose request is being answered
//!   gets [`Timeouts::grace`] to finish, then is dropped. [`serve`] returns within the grace,
//!   so a process exits in time whatever its clients do.
//!
//! This crate knows nothing of routes or metrics; each role brings its own [`Router`].

pub mod guard;

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower_service::Service;

/// Bounds on one server's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From waiting for a request (a new connection, or keep-alive after a response) to the end
    /// of its headers.
    pub header_read: Duration,
    /// After shutdown, how long a request already in a handler may take to be answered.
    pub grace: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header_read: Duration::from_secs(10),
            grace: Duration::from_secs(5),
        }
    }
}

/// How long a connection with nothing in a handler gets after shutdown to flush a response
/// already handed to hyper; an idle one closes before that, a half-sent request is cut at it.
const FLUSH: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` until `shutdown`, then winds the connections down within
/// `timeouts.grace`. Accept errors (out of file descriptors, a reset before accept) are logged
/// and retried: they are the client's or momentary, never a reason to stop serving.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    timeouts: Timeouts,
    shutdown: CancellationToken,
) -> io::Result<()> {
    let connections = TaskTracker::new();
    loop {
        let (stream, _peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accepting an http connection failed; retrying");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        connections.spawn(connection(
            stream,
            router.clone(),
            timeouts,
            shutdown.clone(),
        ));
    }
    drop(listener);
    connections.close();
    // Every connection task ends within grace (+ FLUSH) by construction; the timeout is the
    // backstop that keeps the promise even if one does not.
    let _ = tokio::time::timeout(timeouts.grace + FLUSH * 2, connections.wait()).await;
    Ok(())
}

async fn connection(
    stream: tokio::net::TcpStream,
    router: Router,
    timeouts: Timeouts,
    shutdown: CancellationToken,
) {
    // Requests of this connection inside a handler right now.
    let busy = Arc::new(AtomicUsize::new(0));
    let service = {
        let busy = busy.clone();
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let mut router = router.clone();
            busy.fetch_add(1, Ordering::SeqCst);
            let done = Decrement(busy.clone());
            async move {
                let _done = done;
                router.call(request.map(axum::body::Body::new)).await
            }
        })
    };
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_read)
        .keep_alive(true);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%error, "http connection ended with an error");
            }
            return;
        }
        _ = shutdown.cancelled() => {}
    }
    conn.as_mut().graceful_shutdown();
    let allowed = if busy.load(Ordering::SeqCst) > 0 {
        timeouts.grace
    } else {
        FLUSH
    };
    if tokio::time::timeout(allowed, conn).await.is_err() {
        tracing::debug!(?allowed, "http connection dropped at shutdown");
    }
}

struct Decrement(Arc<AtomicUsize>);

impl Drop for Decrement {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
