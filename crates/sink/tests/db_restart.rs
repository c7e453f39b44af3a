//! PostgreSQL restarted while messages stream in: the sink stops acking, waits, resumes by
//! itself, and every resolution ends up stored exactly once. It restarts the machine's shared
//! PostgreSQL, so it runs alone (nextest group `serial`, every test slot; `cargo test` runs
//! each test binary by itself). Needs root for `pg_ctlcluster`.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{synthetic, wait_until, TestSink};
use resingest_model::topology;

/// `pg_ctlcluster <version> <cluster> <action>` for the first cluster `pg_lsclusters` lists.
fn pg_ctl(action: &str) {
    let list = Command::new("pg_lsclusters")
        .arg("-h")
        .output()
        .expect("pg_lsclusters");
    let line = String::from_utf8_lossy(&list.stdout)
        .lines()
        .next()
        .expect("a PostgreSQL cluster")
        .to_owned();
    let mut cols = line.split_whitespace();
    let (version, cluster) = (cols.next().unwrap(), cols.next().unwrap());
    let mut args = vec!["--skip-systemctl-redirect", version, cluster, action];
    if action == "stop" {
        args.extend(["-m", "fast"]);
    }
    let out = Command::new("pg_ctlcluster")
        .args(&args)
        .output()
        .expect("pg_ctlcluster");
    assert!(
        out.status.success(),
        "pg_ctlcluster {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn database_restarted_mid_stream_loses_no_message() {
    let sink = TestSink::start_with("restart", |c| c.batch_max = 20).await;
    let items: Vec<_> = synthetic(600)
        .into_iter()
        .map(|r| (r, Some(chrono_now())))
        .collect();

    sink.publish(&items[..200]).await;
    wait_until(Duration::from_secs(60), "some stored", || {
        sink.metric("stored") >= 20
    })
    .await;
    tokio::task::spawn_blocking(|| pg_ctl("stop"))
        .await
        .unwrap();
    // Published while the database is down: held unacked, nothing lost.
    sink.publish(&items[200..400]).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let during = sink.running.as_ref().unwrap().metrics.database_up.get();
    tokio::task::spawn_blocking(|| pg_ctl("start"))
        .await
        .unwrap();
    sink.publish(&items[400..]).await;

    wait_until(Duration::from_secs(120), "all stored", || {
        sink.metric("stored") == 600
    })
    .await;
    assert_eq!(during, 0, "the sink noticed the database was down");
    assert_eq!(sink.db.count("resolutions"), 600);
    assert_eq!(
        sink.db
            .psql("SELECT count(DISTINCT symbol) FROM resolutions"),
        "600"
    );
    assert_eq!(sink.metric("failed"), 0);
    wait_until(Duration::from_secs(30), "queue drained and acked", || {
        let rows = sink.vhost.list_queues(&["name", "messages"]);
        rows.iter()
            .any(|r| r[0] == topology::EXTRACTED && r[1] == "0")
    })
    .await;
    let dead = sink.vhost.list_queues(&["name", "messages"]);
    assert!(
        dead.iter()
            .any(|r| r[0] == topology::EXTRACTED_DEAD && r[1] == "0"),
        "{dead:?}"
    );
    assert_eq!(sink.running.as_ref().unwrap().metrics.database_up.get(), 1);
    sink.stop().await;
}

fn chrono_now() -> String {
    chrono::Utc::now().to_rfc3339()
}
