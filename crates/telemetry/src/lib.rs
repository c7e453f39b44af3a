//! What every role's `/metrics` has besides its own `resingest_<role>_*` series, and the one
//! `/metrics` + `/healthz` router every role serves them with.
//!
//! - [`registry`]: a role's registry with `resingest_build_info{role, version}` = 1 (which
//!   build answers: a rollout half done shows two versions) and the process collector:
//!   `process_cpu_seconds_total`, `process_resident_memory_bytes`,
//!   `process_virtual_memory_bytes`, `process_open_fds`, `process_max_fds`,
//!   `process_start_time_seconds`, the names Prometheus' client libraries use, read from
//!   `/proc/self` at each scrape (Linux; elsewhere the process series are absent).
//! - [`Exposed`]: what a role's metrics struct implements to be scraped; [`render`] is the
//!   text exposition.
//! - [`router`]: `/metrics` (the exposition, [`CONTENT_TYPE`]) and `/healthz` (the role's own
//!   check), served by `resingest-http`.

use std::future::Future;
use std::sync::Arc;

use axum::http::header;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{Encoder, Gauge, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder};

/// The Prometheus text exposition's content type.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4";

/// `metric`, registered in `registry`: a role's metrics register where they are made, so no
/// list of them can miss one. Panics on a name used twice, a programming error every role's
/// first test catches.
pub fn registered<C: Collector + Clone + 'static>(registry: &Registry, metric: C) -> C {
    registry
        .register(Box::new(metric.clone()))
        .expect("metric names are unique");
    metric
}

/// A new registry for `role` ("fetch", "worker", "sink") with [`register`]'s series in it.
pub fn registry(role: &str) -> Registry {
    let registry = Registry::new();
    register(&registry, role).expect("telemetry metric names are unique in a new registry");
    registry
}

/// The Prometheus text exposition of every metric in `registry`.
pub fn render(registry: &Registry) -> String {
    let mut out = Vec::new();
    TextEncoder::new()
        .encode(&registry.gather(), &mut out)
        .expect("text encoding cannot fail");
    String::from_utf8(out).expect("text exposition is utf-8")
}

/// A role's metrics, as `/metrics` scrapes them.
pub trait Exposed: Send + Sync + 'static {
    fn registry(&self) -> &Registry;

    /// Sets what is read at scrape time (the worker's memory with its children's) before
    /// [`Exposed::render`] gathers.
    fn refresh(&self) {}

    /// The text exposition, refreshed.
    fn render(&self) -> String {
        self.refresh();
        render(self.registry())
    }
}

/// `/metrics` from `metrics` and `/healthz` answered by `healthz` (200 while the role can do
/// its work, 503 naming the cause: each role decides what that means).
pub fn router<M, H, F>(metrics: Arc<M>, healthz: H) -> Router
where
    M: Exposed,
    H: Fn() -> F + Clone + Send + Sync + 'static,
    F: Future<Output = Response> + Send + 'static,
{
    Router::new()
        .route(
            "/metrics",
            get(move || {
                let metrics = metrics.clone();
                async move { ([(header::CONTENT_TYPE, CONTENT_TYPE)], metrics.render()) }
            }),
        )
        .route("/healthz", get(healthz))
}

/// Registers `resingest_build_info` for `role` and the process collector into `registry`.
pub fn register(registry: &Registry, role: &str) -> prometheus::Result<()> {
    let info = IntGaugeVec::new(
        Opts::new(
            "resingest_build_info",
            "1, labelled with the role and the version that answers",
        ),
        &["role", "version"],
    )?;
    info.with_label_values(&[role, env!("CARGO_PKG_VERSION")])
        .set(1);
    registry.register(Box::new(info))?;
    registry.register(Box::new(Process::new()?))
}

/// The `process_*` series, refreshed from `/proc/self` on every collect.
struct Process {
    cpu: Gauge,
    resident: IntGauge,
    virtual_bytes: IntGauge,
    open_fds: IntGauge,
    max_fds: IntGauge,
    start_time: Gauge,
    descs: Vec<Desc>,
}

impl Process {
    fn new() -> prometheus::Result<Process> {
        let cpu = Gauge::new(
            "process_cpu_seconds_total",
            "Total user and system CPU time spent in seconds",
        )?;
        let resident = IntGauge::new(
            "process_resident_memory_bytes",
            "Resident memory size in bytes",
        )?;
        let virtual_bytes = IntGauge::new(
            "process_virtual_memory_bytes",
            "Virtual memory size in bytes",
        )?;
        let open_fds = IntGauge::new("process_open_fds", "Number of open file descriptors")?;
        let max_fds = IntGauge::new("process_max_fds", "Maximum number of open file descriptors")?;
        let start_time = Gauge::new(
            "process_start_time_seconds",
            "Start time of the process since the Unix epoch in seconds",
        )?;
        let descs = [
            cpu.desc(),
            resident.desc(),
            virtual_bytes.desc(),
            open_fds.desc(),
            max_fds.desc(),
            start_time.desc(),
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        Ok(Process {
            cpu,
            resident,
            virtual_bytes,
            open_fds,
            max_fds,
            start_time,
            descs,
        })
    }
}

impl Collector for Process {
    fn desc(&self) -> Vec<&Desc> {
        self.descs.iter().collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let Some(stat) = read_stat() else {
            return Vec::new();
        };
        self.cpu.set(stat.cpu_seconds);
        self.resident.set(stat.resident_bytes as i64);
        self.virtual_bytes.set(stat.virtual_bytes as i64);
        self.start_time.set(stat.start_time_seconds);
        if let Ok(fds) = std::fs::read_dir("/proc/self/fd") {
            self.open_fds.set(fds.count() as i64);
        }
        if let Some(max) = max_open_files() {
            self.max_fds.set(max as i64);
        }
        [
            self.cpu.collect(),
            self.resident.collect(),
            self.virtual_bytes.collect(),
            self.open_fds.collect(),
            self.max_fds.collect(),
            self.start_time.collect(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

struct Stat {
    cpu_seconds: f64,
    resident_bytes: u64,
    virtual_bytes: u64,
    start_time_seconds: f64,
}

/// The kernel's clock ticks per second and page size: 100 and 4096 on every Linux this runs
/// on (no libc call for sysconf; a wrong guess skews a gauge, never breaks a scrape).
const TICKS: f64 = 100.0;
const PAGE: u64 = 4096;

fn read_stat() -> Option<Stat> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
    let field = |n: usize| fields.get(n - 3)?.parse::<u64>().ok();
    let (utime, stime, start_ticks) = (field(14)?, field(15)?, field(22)?);
    let boot = std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("btime ")?.trim().parse::<u64>().ok())?;
    Some(Stat {
        cpu_seconds: (utime + stime) as f64 / TICKS,
        virtual_bytes: field(23)?,
        resident_bytes: field(24)? * PAGE,
        start_time_seconds: boot as f64 + start_ticks as f64 / TICKS,
    })
}

fn max_open_files() -> Option<u64> {
    std::fs::read_to_string("/proc/self/limits")
        .ok()?
        .lines()
        .find(|l| l.starts_with("Max open files"))?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_process_series_and_build_info_are_exported() {
        let registry = super::registry("test");
        let names: Vec<String> = registry
            .gather()
            .iter()
            .map(|f| f.name().to_owned())
            .collect();
        for name in [
            "resingest_build_info",
            "process_cpu_seconds_total",
            "process_resident_memory_bytes",
            "process_open_fds",
            "process_start_time_seconds",
        ] {
            assert!(
                names.iter().any(|n| n == name),
                "{name} missing from {names:?}"
            );
        }
        let stat = super::read_stat().unwrap();
        assert!(stat.resident_bytes > 0 && stat.start_time_seconds > 1.6e9);
    }
}
