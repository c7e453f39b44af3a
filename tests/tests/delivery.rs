//! Delivery accounting against the real broker, database and `resingest` binary: what a
//! consumer restart costs a message that was never attempted. Own vhost and database: these
//! run beside other tests.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use resingest_amqp::testing::TestVhost;
use resingest_amqp::{publish_all_confirmed, Session, SessionConfig};
use resingest_e2e::fleet::{self, Env};
use resingest_model::topology::{self, Envelope, Topology};
use resingest_runtime::testing::TestDb;

/// A psql session holding `LOCK TABLE resolutions` until its stdin gets `COMMIT`: every
/// store blocks, so the sink holds what it was delivered.
fn lock_resolutions(db: &TestDb) -> Child {
    let mut child = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", &db.url])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("running psql");
    let stdin = child.stdin.as_mut().unwrap();
    writeln!(
        stdin,
        "BEGIN; LOCK TABLE resolutions IN ACCESS EXCLUSIVE MODE; SELECT 1;"
    )
    .unwrap();
    stdin.flush().unwrap();
    child
}

/// `n` valid results, as a worker publishes them: the gold resolution under `A/RES/95/<i>`.
fn results(n: usize) -> Vec<(Vec<u8>, Envelope)> {
    let gold = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/gold");
    let file = std::fs::read_dir(&gold)
        .expect("the gold folder beside the repository")
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a gold resolution");
    let base: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    (0..n)
        .map(|i| {
            let symbol = format!("A/RES/95/{i}");
            let sha256 = resingest_archive::sha256_hex(symbol.as_bytes());
            let mut r = base.clone();
            let obj = r.as_object_mut().unwrap();
            obj.insert("symbol".into(), symbol.clone().into());
            obj.entry("kind").or_insert("resolution".into());
            obj.entry("schema_version")
                .or_insert(resingest_model::SCHEMA_VERSION.into());
            obj.insert(
                "provenance".into(),
                serde_json::json!({
                    "sha256": sha256, "bytes": 1000, "pages": 3,
                    "extractor_version": "resingest-extract/0.1.0",
                }),
            );
            let envelope = Envelope {
                sha256,
                symbol: Some(symbol),
                language: Some("en".into()),
                schema_version: Some(resingest_model::SCHEMA_VERSION),
                ..Envelope::default()
            };
            (serde_json::to_vec(&r).unwrap(), envelope)
        })
        .collect()
}

/// (ready, unacknowledged) of `queue` in the vhost.
fn counts(vhost: &TestVhost, queue: &str) -> (u64, u64) {
    vhost
        .list_queues(&["name", "messages_ready", "messages_unacknowledged"])
        .iter()
        .find(|row| row[0] == queue)
        .map(|row| (row[1].parse().unwrap(), row[2].parse().unwrap()))
        .unwrap_or((0, 0))
}

fn wait_for(timeout: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < timeout, "{what} not within {timeout:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_sink_sigkilled_six_times_while_holding_results_stores_them_all() {
    const RESULTS: usize = 20;
    const KILLS: usize = 6;
    let vhost = TestVhost::create("e2e-sink-kills");
    let db = TestDb::new("e2e_sink_kills");
    let tmp = tempfile::tempdir().unwrap();
    let env = Env {
        bin: fleet::resingest_bin(),
        amqp_url: vhost.url.clone(),
        database_url: db.url.clone(),
        archive: tmp.path().join("archive"),
        logs: tmp.path().to_owned(),
        concurrency: 1,
    };
    // A first start creates the database and the queues.
    let mut sink = env.sink();
    fleet::wait_healthy(&mut sink, Duration::from_secs(30)).unwrap();
    let mut lock = lock_resolutions(&db);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let session = Session::open(&SessionConfig {
            url: vhost.url.clone(),
            prefetch: 0,
            topology: Topology::default(),
        })
        .await
        .unwrap();
        let messages: Vec<_> = results(RESULTS)
            .into_iter()
            .map(|(body, env)| {
                let props = resingest_amqp::message::properties(&env, topology::CONTENT_TYPE_JSON);
                (body, props)
            })
            .collect();
        let batch: Vec<_> = messages
            .iter()
            .map(|(b, p)| (b.as_slice(), p.clone()))
            .collect();
        publish_all_confirmed(
            &session.channel,
            topology::EXCHANGE,
            topology::EXTRACTED,
            &batch,
            Duration::from_secs(10),
        )
        .await
        .unwrap();
        session.close().await;
    });

    for kill in 0..KILLS {
        if kill > 0 {
            sink = env.sink();
            fleet::wait_healthy(&mut sink, Duration::from_secs(30)).unwrap();
        }
        wait_for(
            Duration::from_secs(30),
            "the sink holding every result",
            || counts(&vhost, topology::EXTRACTED) == (0, RESULTS as u64),
        );
        sink.kill();
    }
    // End of input ends the psql session, and its transaction with the lock.
    drop(lock.stdin.take());
    lock.wait().unwrap();
    let mut sink = env.sink();
    fleet::wait_healthy(&mut sink, Duration::from_secs(30)).unwrap();
    wait_for(Duration::from_secs(60), "every result stored", || {
        db.psql("SELECT count(*) FROM resolutions") == RESULTS.to_string()
            || counts(&vhost, topology::EXTRACTED_DEAD).0 > 0
    });
    assert_eq!(
        counts(&vhost, topology::EXTRACTED_DEAD),
        (0, 0),
        "results dead-lettered by restarts that never attempted them:\n{}",
        sink.log_tail(20)
    );
    assert_eq!(
        db.psql("SELECT count(*) FROM resolutions"),
        RESULTS.to_string()
    );
    sink.terminate(Duration::from_secs(20));
}
