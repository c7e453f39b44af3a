//! Every metric of the fetcher, named `resingest_fetcher_*`, in one registry per fetcher (so
//! several fetchers in one test process do not share counters). Label values are bounded: hosts
//! come from the allow-list, reasons and outcomes from the constants below and
//! [`crate::HttpError::kind`].

use prometheus::{IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry};

/// Outcome label values of [`Metrics::documents`].
pub mod outcome {
    /// Archived, published and confirmed by the broker.
    pub const PUBLISHED: &str = "published";
    /// Same sha256 as the ledger's published version: nothing sent.
    pub const UNCHANGED: &str = "unchanged";
    /// Not published (yet): recorded `missing`, tried again on the next poll.
    pub const MISSING: &str = "missing";
    /// The source gave something that is not a document (too large, not a PDF, refused).
    pub const REJECTED: &str = "rejected";
    /// Archive or publish failed; tried again on the next poll.
    pub const FAILED: &str = "failed";
    pub const ALL: [&str; 5] = [PUBLISHED, UNCHANGED, MISSING, REJECTED, FAILED];
}

pub struct Metrics {
    registry: Registry,
    /// `resingest_fetcher_requests_total{host, class="2xx|3xx|4xx|5xx|error"}`.
    pub requests: IntCounterVec,
    /// Body bytes downloaded.
    pub bytes: IntCounter,
    /// `resingest_fetcher_retries_total{reason="429|5xx|timeout|transport"}`.
    pub retries: IntCounterVec,
    /// `resingest_fetcher_documents_total{source, outcome}`.
    pub documents: IntCounterVec,
    /// `resingest_fetcher_rejected_total{reason}`: bodies that were not a document.
    pub rejected: IntCounterVec,
    /// `resingest_fetcher_last_success_timestamp_seconds{source}`: end of the last poll without
    /// failures, Unix seconds.
    pub last_success: IntGaugeVec,
    /// Symbols probed that did not exist (yet).
    pub probe_misses: IntCounter,
    /// `resingest_fetcher_blocked_total{source, reason="challenge|error_page|outage"}`: polls
    /// stopped because the UN refused or failed requests.
    pub blocked: IntCounterVec,
    /// `resingest_fetcher_fetch_duration_seconds`: one document's download, retries and
    /// `Retry-After` waits included, whatever its outcome.
    pub fetch_seconds: prometheus::Histogram,
    /// Whether the poll loop is alive, for `/healthz`: every request, document and poll that
    /// ends beats it.
    pub liveness: crate::health::Liveness,
}

impl Metrics {
    pub fn new() -> Metrics {
        // build_info and process_* beside the role's own series, as on every role.
        let registry = resingest_telemetry::registry("fetch");
        let counter_vec = |name: &str, help: &str, labels: &[&str]| {
            IntCounterVec::new(Opts::new(name, help), labels).expect("valid metric")
        };
        let requests = resingest_telemetry::registered(
            &registry,
            counter_vec(
                "resingest_fetcher_requests_total",
                "HTTP requests sent, by host and status class",
                &["host", "class"],
            ),
        );
        let bytes = resingest_telemetry::registered(
            &registry,
            IntCounter::new(
                "resingest_fetcher_bytes_total",
                "HTTP body bytes downloaded",
            )
            .expect("valid metric"),
        );
        let retries = resingest_telemetry::registered(
            &registry,
            counter_vec(
                "resingest_fetcher_retries_total",
                "HTTP requests retried, by reason",
                &["reason"],
            ),
        );
        let documents = resingest_telemetry::registered(
            &registry,
            counter_vec(
                "resingest_fetcher_documents_total",
                "Documents handled, by source and outcome",
                &["source", "outcome"],
            ),
        );
        let rejected = resingest_telemetry::registered(
            &registry,
            counter_vec(
                "resingest_fetcher_rejected_total",
                "Responses that were not a document, by reason",
                &["reason"],
            ),
        );
        let last_success = resingest_telemetry::registered(
            &registry,
            IntGaugeVec::new(
                Opts::new(
                    "resingest_fetcher_last_success_timestamp_seconds",
                    "End of the last poll without failures, Unix seconds",
                ),
                &["source"],
            )
            .expect("valid metric"),
        );
        let probe_misses = resingest_telemetry::registered(
            &registry,
            IntCounter::new(
                "resingest_fetcher_probe_misses_total",
                "Symbols probed that the symbol API does not have (yet)",
            )
            .expect("valid metric"),
        );
        let blocked = resingest_telemetry::registered(
            &registry,
            counter_vec(
                "resingest_fetcher_blocked_total",
                "Polls stopped because the UN refused or failed requests, by source and reason",
                &["source", "reason"],
            ),
        );
        let fetch_seconds = resingest_telemetry::registered(
            &registry,
            prometheus::Histogram::with_opts(
                prometheus::HistogramOpts::new(
                    "resingest_fetcher_fetch_duration_seconds",
                    "Time to download one document, retries and waits included",
                )
                .buckets(vec![
                    0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
                ]),
            )
            .expect("valid metric"),
        );
        Metrics {
            registry,
            requests,
            bytes,
            retries,
            documents,
            rejected,
            last_success,
            probe_misses,
            blocked,
            fetch_seconds,
            liveness: crate::health::Liveness::new(),
        }
    }

    /// Creates the series of `source` at 0, so an alert on their increase sees the first block.
    pub fn init_source(&self, source: &str) {
        for reason in crate::error::blocked::ALL {
            self.blocked.with_label_values(&[source, reason]);
        }
        for o in outcome::ALL {
            self.documents.with_label_values(&[source, o]);
        }
    }

    pub fn document(&self, source: &str, outcome: &str) {
        self.liveness.beat();
        self.documents.with_label_values(&[source, outcome]).inc();
    }

    pub fn documents_count(&self, source: &str, outcome: &str) -> u64 {
        self.documents.with_label_values(&[source, outcome]).get()
    }
}

impl resingest_telemetry::Exposed for Metrics {
    fn registry(&self) -> &Registry {
        &self.registry
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// Serves `/metrics` and `/healthz` (see [`crate::health`]) until `shutdown`.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    metrics: std::sync::Arc<Metrics>,
    ledger: sqlx::PgPool,
    shutdown: tokio_util::sync::CancellationToken,
) {
    use axum::response::IntoResponse;
    let health = metrics.clone();
    let app = resingest_telemetry::router(metrics, move || {
        let (health, ledger) = (health.clone(), ledger.clone());
        async move { health.liveness.answer(&ledger).await.into_response() }
    });
    if let Err(error) =
        resingest_http::serve(listener, app, resingest_http::Timeouts::default(), shutdown).await
    {
        tracing::warn!(%error, "metrics server stopped");
    }
}
