//! The README's table: one row per scenario, then latency and memory where measured.

use std::fmt::Write;

use crate::scenario::Outcome;

pub fn header() -> String {
    "| scenario | documents | published | stored | dead-lettered | refused by fetcher | lost | duplicates | faults | recovery (max) | seconds | docs/s | result |\n\
     |---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        .to_owned()
}

pub fn row(o: &Outcome) -> String {
    let c = &o.counts;
    let recovery = o
        .max_recovery()
        .map(|d| format!("{:.1} s", d.as_secs_f64()))
        .unwrap_or_else(|| "-".into());
    format!(
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {:.1} | {} |\n",
        o.name,
        o.inputs,
        c.published,
        c.stored,
        c.dead,
        c.rejected,
        c.lost.len(),
        c.duplicates.len(),
        o.faults,
        recovery,
        o.seconds,
        o.throughput(),
        if o.clean() { "pass" } else { "FAIL" }
    )
}

/// Latency percentiles and peak memory per process, one line per scenario.
pub fn details(o: &Outcome) -> String {
    let mut s = format!("- {}:", o.name);
    if let Some((p50, p95, p99)) = o.latency {
        let _ = write!(
            s,
            " end-to-end latency p50 {p50:.1} s, p95 {p95:.1} s, p99 {p99:.1} s;"
        );
    }
    let rss: Vec<String> = o
        .peak_rss
        .iter()
        .map(|(role, own, child)| {
            if *child > 0.0 {
                format!("{role} {own:.0} MiB (+ child {child:.0} MiB)")
            } else {
                format!("{role} {own:.0} MiB")
            }
        })
        .collect();
    let _ = writeln!(s, " peak RSS {}", rss.join(", "));
    s
}
