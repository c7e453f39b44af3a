//! Every metric of the worker, named `resingest_worker_*`, in one registry per worker (so
//! several workers in one test process do not share counters). Label values are bounded:
//! outcomes below, dead-letter kinds from the typed errors' `kind()`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use prometheus::{
    Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
};

/// Outcome label values of [`Metrics::documents`].
pub mod outcome {
    /// Result published and confirmed, input acked.
    pub const EXTRACTED: &str = "extracted";
    /// Permanently bad: republished to the dead-letter queue with its reason, input acked.
    pub const DEAD_LETTERED: &str = "dead_lettered";
    /// The extraction child died: handed back for another try (the delivery limit bounds it).
    pub const REQUEUED: &str = "requeued";
    /// Given back to the broker unfinished (connection lost, shutdown grace over, or a failure
    /// that is not the document's outlasted the hold limit): it is delivered again.
    pub const HANDED_BACK: &str = "handed_back";
    pub const ALL: [&str; 4] = [EXTRACTED, DEAD_LETTERED, REQUEUED, HANDED_BACK];
}

pub struct Metrics {
    registry: Registry,
    /// `resingest_worker_documents_total{outcome}`.
    pub documents: IntCounterVec,
    /// Seconds one document spent in its extraction child.
    pub extraction_seconds: Histogram,
    /// Pages of the documents extracted.
    pub pages: IntCounter,
    /// PDF bytes of the documents extracted.
    pub bytes: IntCounter,
    /// Documents between delivery and ack.
    pub in_flight: IntGauge,
    /// Deliveries the broker flagged as redelivered.
    pub redeliveries: IntCounter,
    /// Broker sessions opened after the first.
    pub reconnects: IntCounter,
    /// `resingest_worker_dead_lettered_total{kind}`.
    pub dead_lettered: IntCounterVec,
    /// `resingest_worker_retries_total{what="publish|archive|extract"}`: transient failures
    /// retried inside the worker.
    pub retries: IntCounterVec,
    /// 1 while connected and consuming.
    pub consuming: IntGauge,
    /// Resident memory of the worker and its extraction children, read at each scrape.
    pub resident_memory: IntGauge,
    /// `resingest_worker_failing{what}`: 1 while this worker cannot do its work for a reason
    /// of its own (extraction children that cannot start, an archive that refuses it);
    /// `/healthz` answers 503 naming it, so a supervisor replaces the worker.
    pub failing: IntGaugeVec,
    faults: Mutex<BTreeMap<&'static str, Fault>>,
}

/// What keeps a worker from working, since when.
#[derive(Debug, Clone)]
pub struct Fault {
    pub error: String,
    pub since: Instant,
}

/// Label values of [`Metrics::failing`].
pub mod failing {
    /// Extraction children cannot be started or talked to.
    pub const EXTRACT: &str = "extract";
    /// The archive refuses this worker (permissions, credentials).
    pub const ARCHIVE: &str = "archive";
    pub const ALL: [&str; 2] = [EXTRACT, ARCHIVE];
}

impl Metrics {
    pub fn new() -> Metrics {
        // build_info and process_* beside the role's own series, as on every role.
        let registry = resingest_telemetry::registry("worker");
        let documents = resingest_telemetry::registered(
            &registry,
            IntCounterVec::new(
                Opts::new(
                    "resingest_worker_documents_total",
                    "Documents handled, by outcome",
                ),
                &["outcome"],
            )
            .expect("valid metric"),
        );
        for o in outcome::ALL {
            documents.with_label_values(&[o]);
        }
        let extraction_seconds = resingest_telemetry::registered(
            &registry,
            Histogram::with_opts(
                HistogramOpts::new(
                    "resingest_worker_extraction_seconds",
                    "Time one document spent in its extraction child",
                )
                .buckets(prometheus::exponential_buckets(0.005, 2.0, 14).expect("valid buckets")),
            )
            .expect("valid metric"),
        );
        let counter = |name: &str, help: &str| {
            resingest_telemetry::registered(
                &registry,
                IntCounter::new(name, help).expect("valid metric"),
            )
        };
        let pages = counter(
            "resingest_worker_pages_total",
            "Pages of extracted documents",
        );
        let bytes = counter(
            "resingest_worker_bytes_total",
            "PDF bytes of extracted documents",
        );
        let redeliveries = counter(
            "resingest_worker_redeliveries_total",
            "Deliveries flagged redelivered by the broker",
        );
        let reconnects = counter(
            "resingest_worker_reconnects_total",
            "Broker sessions opened after the first",
        );
        let in_flight = resingest_telemetry::registered(
            &registry,
            IntGauge::new(
                "resingest_worker_in_flight",
                "Documents between delivery and ack",
            )
            .expect("valid metric"),
        );
        let consuming = resingest_telemetry::registered(
            &registry,
            IntGauge::new(
                "resingest_worker_consuming",
                "1 while connected to the broker and consuming",
            )
            .expect("valid metric"),
        );
        let dead_lettered = resingest_telemetry::registered(
            &registry,
            IntCounterVec::new(
                Opts::new(
                    "resingest_worker_dead_lettered_total",
                    "Documents dead-lettered, by error kind",
                ),
                &["kind"],
            )
            .expect("valid metric"),
        );
        let retries = resingest_telemetry::registered(
            &registry,
            IntCounterVec::new(
                Opts::new(
                    "resingest_worker_retries_total",
                    "Transient failures retried inside the worker",
                ),
                &["what"],
            )
            .expect("valid metric"),
        );
        let resident_memory = resingest_telemetry::registered(
            &registry,
            IntGauge::new(
                "resingest_worker_resident_memory_bytes",
                "Resident memory of the worker and its extraction children",
            )
            .expect("valid metric"),
        );
        let failing_gauge = resingest_telemetry::registered(
            &registry,
            IntGaugeVec::new(
                Opts::new(
                    "resingest_worker_failing",
                    "1 while the worker cannot work for a reason of its own (what)",
                ),
                &["what"],
            )
            .expect("valid metric"),
        );
        for w in failing::ALL {
            failing_gauge.with_label_values(&[w]);
        }
        Metrics {
            registry,
            documents,
            extraction_seconds,
            pages,
            bytes,
            in_flight,
            redeliveries,
            reconnects,
            dead_lettered,
            retries,
            consuming,
            resident_memory,
            failing: failing_gauge,
            faults: Mutex::new(BTreeMap::new()),
        }
    }

    /// Records that `what` keeps this worker from working; the first error and time are kept.
    pub fn fail(&self, what: &'static str, error: &str) {
        let mut faults = self.faults.lock().expect("faults lock");
        faults.entry(what).or_insert_with(|| {
            tracing::error!(what, %error, "the worker cannot work; /healthz answers 503 until this clears");
            Fault {
                error: error.to_owned(),
                since: Instant::now(),
            }
        });
        self.failing.with_label_values(&[what]).set(1);
    }

    /// `what` works again.
    pub fn recover(&self, what: &'static str) {
        let mut faults = self.faults.lock().expect("faults lock");
        if let Some(fault) = faults.remove(what) {
            tracing::info!(
                what,
                after_s = fault.since.elapsed().as_secs(),
                "the worker works again"
            );
        }
        self.failing.with_label_values(&[what]).set(0);
    }

    /// What keeps the worker from working now, if anything.
    pub fn faults(&self) -> Vec<(&'static str, Fault)> {
        let faults = self.faults.lock().expect("faults lock");
        faults.iter().map(|(w, f)| (*w, f.clone())).collect()
    }

    pub fn count(&self, outcome: &str) {
        self.documents.with_label_values(&[outcome]).inc();
    }

    /// The current value of `resingest_worker_documents_total{outcome}`.
    pub fn documents(&self, outcome: &str) -> u64 {
        self.documents.with_label_values(&[outcome]).get()
    }
}

impl resingest_telemetry::Exposed for Metrics {
    fn registry(&self) -> &Registry {
        &self.registry
    }

    fn refresh(&self) {
        if let Some(bytes) = resident_bytes_with_children() {
            self.resident_memory.set(bytes as i64);
        }
    }
}

/// VmRSS of this process plus its direct children (the extraction children, where the memory
/// of a large PDF goes), from /proc; `None` where there is no /proc.
fn resident_bytes_with_children() -> Option<u64> {
    fn vm_rss(pid: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    }
    let mut total = vm_rss("self")?;
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        total += children.split_whitespace().filter_map(vm_rss).sum::<u64>();
    }
    Some(total)
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
