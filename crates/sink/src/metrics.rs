//! Every metric of the sink, named `resingest_sink_*`, in one registry per sink instance (so
//! several sinks in one test process do not share counters).

use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
};

/// Outcome label values of [`Metrics::resolutions`]; a bounded set.
pub mod outcome {
    pub const STORED: &str = "stored";
    pub const DUPLICATE: &str = "duplicate";
    pub const REPLACED: &str = "replaced";
    pub const FAILED: &str = "failed";
    /// Held while the database could not take writes, then given back to the broker.
    pub const HANDED_BACK: &str = "handed_back";
}

pub struct Metrics {
    registry: Registry,
    /// `resingest_sink_resolutions_total{outcome="stored|duplicate|replaced|failed|handed_back"}`.
    pub resolutions: IntCounterVec,
    /// Seconds from BEGIN to COMMIT of one batch.
    pub transaction_seconds: Histogram,
    /// Resolutions per committed batch.
    pub batch_size: Histogram,
    /// From the fetcher's `fetched_at` to commit: the pipeline's headline service level.
    pub end_to_end_seconds: Histogram,
    /// 1 while the last database operation succeeded, 0 while the sink waits for the database.
    pub database_up: IntGauge,
    /// Events published on `resingest.events` and confirmed by the broker.
    pub events_published: IntCounter,
    /// `resingest_sink_webhook_deliveries_total{outcome}`: webhook POSTs by outcome
    /// (`delivered`, `retry`: failed and to be tried again, `failed`: given up).
    pub webhook_deliveries: IntCounterVec,
    /// `resingest_api_requests_total{route,status}`: read-API requests by route template (never
    /// the raw path, so the label set stays bounded) and status code.
    pub api_requests: IntCounterVec,
    /// `resingest_api_request_duration_seconds{route}`: time to answer, by route template.
    pub api_request_seconds: HistogramVec,
}

impl Metrics {
    pub fn new() -> Metrics {
        // build_info and process_* beside the role's own series, as on every role.
        let registry = resingest_telemetry::registry("sink");
        let resolutions = resingest_telemetry::registered(
            &registry,
            IntCounterVec::new(
                Opts::new(
                    "resingest_sink_resolutions_total",
                    "Resolutions consumed, by outcome",
                ),
                &["outcome"],
            )
            .expect("valid metric"),
        );
        for o in [
            outcome::STORED,
            outcome::DUPLICATE,
            outcome::REPLACED,
            outcome::FAILED,
            outcome::HANDED_BACK,
        ] {
            resolutions.with_label_values(&[o]);
        }
        let transaction_seconds = resingest_telemetry::registered(
            &registry,
            Histogram::with_opts(
                HistogramOpts::new(
                    "resingest_sink_transaction_seconds",
                    "Duration of one storing transaction",
                )
                .buckets(prometheus::exponential_buckets(0.001, 2.0, 14).expect("valid buckets")),
            )
            .expect("valid metric"),
        );
        let batch_size = resingest_telemetry::registered(
            &registry,
            Histogram::with_opts(
                HistogramOpts::new(
                    "resingest_sink_batch_size",
                    "Resolutions per storing transaction",
                )
                .buckets(vec![1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0]),
            )
            .expect("valid metric"),
        );
        let end_to_end_seconds = resingest_telemetry::registered(
            &registry,
            Histogram::with_opts(
                HistogramOpts::new(
                    "resingest_sink_end_to_end_seconds",
                    "From fetched_at to stored",
                )
                .buckets(vec![
                    0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0,
                ]),
            )
            .expect("valid metric"),
        );
        let database_up = resingest_telemetry::registered(
            &registry,
            IntGauge::new("resingest_sink_database_up", "1 while the database answers")
                .expect("valid metric"),
        );
        let events_published = resingest_telemetry::registered(
            &registry,
            IntCounter::new(
                "resingest_sink_events_published_total",
                "Events confirmed on resingest.events",
            )
            .expect("valid metric"),
        );
        let webhook_deliveries = resingest_telemetry::registered(
            &registry,
            IntCounterVec::new(
                Opts::new(
                    "resingest_sink_webhook_deliveries_total",
                    "Webhook POSTs, by outcome (delivered, retry, failed)",
                ),
                &["outcome"],
            )
            .expect("valid metric"),
        );
        for o in ["delivered", "retry", "failed"] {
            webhook_deliveries.with_label_values(&[o]);
        }
        let api_requests = resingest_telemetry::registered(
            &registry,
            IntCounterVec::new(
                Opts::new(
                    "resingest_api_requests_total",
                    "Read-API requests, by route template and status code",
                ),
                &["route", "status"],
            )
            .expect("valid metric"),
        );
        let api_request_seconds = resingest_telemetry::registered(
            &registry,
            HistogramVec::new(
                HistogramOpts::new(
                    "resingest_api_request_duration_seconds",
                    "Time to answer a read-API request, by route template",
                )
                .buckets(prometheus::exponential_buckets(0.001, 2.0, 14).expect("valid buckets")),
                &["route"],
            )
            .expect("valid metric"),
        );
        Metrics {
            registry,
            resolutions,
            transaction_seconds,
            batch_size,
            end_to_end_seconds,
            database_up,
            events_published,
            webhook_deliveries,
            api_requests,
            api_request_seconds,
        }
    }

    pub fn count(&self, outcome: &str, n: u64) {
        self.resolutions.with_label_values(&[outcome]).inc_by(n);
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
