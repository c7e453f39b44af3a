//! Drain benchmark: a backlog of synthetic extracted resolutions (gold files under distinct
//! made-up symbols) is published first, then a sink drains it. Reports resolutions/s and
//! rows/s, and, as the physical reference, the rows/s of a bare `psql \copy` of the very same
//! rows into the same tables of a fresh database. Run it with `bench/sink.sh`.
//!
//! Env: `RESINGEST_BENCH_N` (default 5000), `RESINGEST_BENCH_BATCH` (the sink's batch_max).

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{publish_extracted, synthetic, TestDb};
use resingest_amqp::testing::TestVhost;
use resingest_amqp::{Session, SessionConfig};
use resingest_model::topology::Topology;
use resingest_sink::Config;
use tokio_util::sync::CancellationToken;

const TABLES: [(&str, &str); 5] = [
    ("documents", "sha256, bytes, pages, archive_key"),
    (
        "resolutions",
        "id, symbol, language, version, organ, kind, session, title, adoption_date, distribution_date, meeting, \
         main_committee, agenda_items, draft_symbols, sha256, extractor_version, schema_version, fetched_at, stored_at, body",
    ),
    ("clauses", "resolution_id, ord, kind, path, lead, text, footnote_refs, ts_config"),
    ("footnotes", "resolution_id, number, text"),
    ("citations", "resolution_id, ord, cited_symbol"),
];

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let n = env_num("RESINGEST_BENCH_N", 5000);
    let batch_max = env_num("RESINGEST_BENCH_BATCH", Config::default().batch_max);
    let vhost = TestVhost::create("bench");
    let db = TestDb::new("bench");

    let items: Vec<_> = synthetic(n)
        .into_iter()
        .map(|r| (r, Some(chrono::Utc::now().to_rfc3339())))
        .collect();
    let publisher = Session::open(&SessionConfig {
        url: vhost.url.clone(),
        prefetch: 0,
        topology: Topology::default(),
    })
    .await
    .unwrap();
    let t = Instant::now();
    publish_extracted(&publisher, &items).await;
    println!(
        "backlog: {n} resolutions published in {:.2}s",
        t.elapsed().as_secs_f64()
    );

    let shutdown = CancellationToken::new();
    let config = Config {
        amqp_url: vhost.url.clone(),
        database_url: db.url.clone(),
        http_addr: "127.0.0.1:0".parse().unwrap(),
        metrics_addr: "127.0.0.1:0".parse().unwrap(),
        batch_max,
        ..Config::default()
    };
    let t = Instant::now();
    let running = resingest_sink::start(config, shutdown.clone())
        .await
        .unwrap();
    let stored = running.metrics.resolutions.with_label_values(&["stored"]);
    while stored.get() < n as u64 {
        assert!(
            t.elapsed() < Duration::from_secs(1200),
            "drain took over 20 minutes"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let drain = t.elapsed().as_secs_f64();
    let tx = running.metrics.transaction_seconds.clone();
    let batches = tx.get_sample_count();
    shutdown.cancel();
    running.wait().await.unwrap();

    let rows: i64 = TABLES.iter().map(|(t, _)| db.count(t)).sum();
    println!(
        "sink: {n} resolutions, {rows} rows in {drain:.2}s: {:.0} resolutions/s, {:.0} rows/s ({batches} transactions, mean {:.1} ms, batch_max {batch_max})",
        n as f64 / drain,
        rows as f64 / drain,
        tx.get_sample_sum() / batches as f64 * 1000.0
    );

    // The physical reference: the same rows, dumped and loaded with psql's \copy in one
    // transaction into a fresh database with the same schema and indexes.
    let dir = std::env::temp_dir().join(format!("resingest-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (table, cols) in TABLES {
        let file = dir.join(format!("{table}.tsv"));
        db.psql(&format!(
            "\\copy (SELECT {cols} FROM {table}) TO '{}'",
            file.display()
        ));
    }
    let reference = TestDb::new("benchref");
    resingest_sink::db::open(&reference.url, 1)
        .await
        .unwrap()
        .close()
        .await;
    let script: String = TABLES
        .iter()
        .map(|(table, cols)| {
            format!(
                "\\copy {table} ({cols}) FROM '{}'\n",
                dir.join(format!("{table}.tsv")).display()
            )
        })
        .collect();
    let t = Instant::now();
    let out = Command::new("psql")
        .args(["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", &reference.url])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(script.as_bytes())?;
            child.wait()
        })
        .unwrap();
    let copy = t.elapsed().as_secs_f64();
    assert!(out.success(), "psql \\copy failed");
    let copied: i64 = TABLES.iter().map(|(t, _)| reference.count(t)).sum();
    assert_eq!(copied, rows);
    println!(
        "bare psql \\copy: {rows} rows in {copy:.2}s: {:.0} rows/s",
        rows as f64 / copy
    );
    println!(
        "sink / copy: {:.0}% of the bare COPY row rate",
        100.0 * copy / drain
    );
    let _ = std::fs::remove_dir_all(&dir);
}
