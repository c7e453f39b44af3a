//! The worker against the real broker, each test in its own vhost (so they run in parallel and
//! close only their own connections).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::*;
use resingest_amqp::dlq::{self, DeadQueue};
use resingest_amqp::message::sha256_hex;
use resingest_amqp::testing::TestVhost;
use resingest_model::topology::{self, Envelope};
use resingest_sandbox::child::FAILPOINT_ENV;
use resingest_sandbox::hostile;
use resingest_worker::metrics::outcome;
use resingest_worker::Archive;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn happy_path_inline_and_claim_checked_documents_are_extracted_then_acked() {
    let vhost = TestVhost::create("worker-happy");
    let archive = Archive::in_memory();
    let docs = synthetic(1..=6);
    let sizes: Vec<usize> = docs.iter().map(|(pdf, _)| pdf.len()).collect();
    let expected: BTreeMap<String, String> = docs
        .iter()
        .map(|(pdf, env)| (sha256_hex(pdf), env.symbol.clone().unwrap()))
        .collect();
    // An inline limit under the median size sends about half as claim checks.
    let mut sorted = sizes.clone();
    sorted.sort();
    let published = publish(&vhost, docs, sorted[2] as u64, Some(archive.clone())).await;
    assert!(
        published.claim_checks > 0 && published.claim_checks < 6,
        "{published:?}"
    );

    let shutdown = CancellationToken::new();
    let worker = resingest_worker::start(config(&vhost, 2, 4, archive), shutdown.clone())
        .await
        .unwrap();
    let results = collect_extracted(&vhost, 6, Duration::from_secs(40)).await;
    let got: BTreeMap<String, String> = results
        .iter()
        .map(|r| {
            assert_eq!(r.message_id, r.resolution.provenance.sha256);
            assert_eq!(
                r.symbol_header.as_deref(),
                Some(r.resolution.symbol.as_str())
            );
            (r.message_id.clone(), r.resolution.symbol.clone())
        })
        .collect();
    assert_eq!(got, expected);

    let m = worker.metrics.clone();
    wait_for("six acks", Duration::from_secs(10), || {
        m.documents(outcome::EXTRACTED) == 6
    })
    .await;
    wait_counts(&vhost, topology::DOCUMENTS, (0, 0)).await;
    assert_eq!(m.bytes.get(), sizes.iter().sum::<usize>() as u64);
    assert!(m.pages.get() >= 6);
    let (status, body) = http_get(worker.metrics_addr, "/healthz");
    assert_eq!((status, body.as_str()), (200, "consuming\n"));
    let (status, text) = http_get(worker.metrics_addr, "/metrics");
    assert_eq!(status, 200);
    for line in [
        "resingest_worker_documents_total{outcome=\"extracted\"} 6",
        "resingest_worker_in_flight 0",
        "resingest_worker_extraction_seconds_count 6",
    ] {
        assert!(text.contains(line), "{line} not in\n{text}");
    }

    shutdown.cancel();
    let addr = worker.metrics_addr;
    worker.wait().await.unwrap();
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "metrics still served after stop"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_documents_are_dead_lettered_with_reasons_and_good_ones_go_through() {
    let vhost = TestVhost::create("worker-hostile");
    // Files the extractor must refuse, each for its own reason, and one that kills its child
    // every time (the failpoint below); `hostile::nested_arrays` and `xref_prev_loop` are
    // hostile too, but the extractor copes with them, so they must come through as results.
    let hostile: Vec<(&str, Vec<u8>)> = vec![
        ("nested-content", hostile::nested_arrays_in_content(10_000)),
        ("xref-w000", hostile::xref_stream_zero_widths()),
        ("flate-bomb", hostile::flate_bomb(4 << 30, 3)),
        ("pages-cycle", hostile::pages_cycle()),
        ("random", hostile::random_after_header(64 << 10, 7)),
        ("not-a-pdf", b"<html>not found</html>".to_vec()),
        (
            "crashes-its-child",
            hostile::one_page(b"BT /F1 12 Tf 72 720 Td (%EVIL) Tj ET"),
        ),
    ];
    let hostile_shas: BTreeSet<String> = hostile.iter().map(|(_, pdf)| sha256_hex(pdf)).collect();
    let mut docs: Vec<(Vec<u8>, Envelope)> = hostile
        .iter()
        .map(|(name, pdf)| {
            let env = Envelope {
                symbol: Some((*name).into()),
                ..Envelope::default()
            };
            (pdf.clone(), env)
        })
        .collect();
    // Good documents between the hostile ones: a poisoned worker would stop extracting them.
    let mut good = synthetic(100..104);
    good.push((hostile::nested_arrays(10_000), Envelope::default()));
    good.push((hostile::xref_prev_loop(), Envelope::default()));
    let good_shas: BTreeSet<String> = good.iter().map(|(pdf, _)| sha256_hex(pdf)).collect();
    for (i, doc) in good.into_iter().enumerate() {
        docs.insert(i * 2, doc);
    }
    publish(&vhost, docs, u64::MAX, None).await;

    let shutdown = CancellationToken::new();
    let mut cfg = config(&vhost, 2, 4, Archive::in_memory());
    cfg.pool.env = vec![(FAILPOINT_ENV.into(), "crash:%EVIL".into())];
    let worker = resingest_worker::start(cfg, shutdown.clone())
        .await
        .unwrap();
    let results = collect_extracted(&vhost, good_shas.len(), Duration::from_secs(45)).await;
    let result_shas: BTreeSet<String> = results.iter().map(|r| r.message_id.clone()).collect();
    assert_eq!(result_shas, good_shas);
    let m = worker.metrics.clone();
    wait_counts(&vhost, topology::DOCUMENTS_DEAD, (hostile.len() as u64, 0)).await;
    wait_counts(&vhost, topology::DOCUMENTS, (0, 0)).await;

    let listing = dlq::list(&vhost.url, DELIVERY_LIMIT, DeadQueue::Documents)
        .await
        .unwrap();
    assert_eq!(listing.disagreement(DeadQueue::Documents), None);
    let letters = listing.letters;
    let dead_shas: BTreeSet<String> = letters.iter().map(|l| l.sha256.clone()).collect();
    assert_eq!(
        dead_shas, hostile_shas,
        "the dead-letter set is exactly the hostile set"
    );
    for l in &letters {
        eprintln!(
            "{}\t{}\t{}",
            l.symbol.as_deref().unwrap_or(""),
            l.kind,
            l.error
        );
        assert!(!l.error.is_empty() && l.kind != "unknown", "{l:?}");
    }
    // The failpoint kills its child every time: retried up to the delivery limit,
    // then dead-lettered by the worker with the reason.
    let crash = letters
        .iter()
        .find(|l| l.symbol.as_deref() == Some("crashes-its-child"))
        .unwrap();
    assert_eq!(crash.kind, "crashed", "{crash:?}");
    // Counted by its own attempts, not by the broker's returns (whose limit is higher, so
    // that channel deaths cannot burn a good document): dead after exactly the limit.
    assert!(
        crash
            .error
            .ends_with(&format!("(on each of {DELIVERY_LIMIT} attempts)")),
        "{crash:?}"
    );
    assert!(topology::broker_delivery_limit(DELIVERY_LIMIT) > i64::from(DELIVERY_LIMIT));
    assert!(m.documents(outcome::REQUEUED) >= u64::from(DELIVERY_LIMIT - 1));
    // `list` took nothing away.
    wait_counts(&vhost, topology::DOCUMENTS_DEAD, (hostile.len() as u64, 0)).await;
    shutdown.cancel();
    worker.wait().await.unwrap();

    // Replay one kind after a "fix": those go back to the work queue, the rest stay.
    let kind = letters
        .iter()
        .find(|l| l.symbol.as_deref() == Some("pages-cycle"))
        .unwrap()
        .kind
        .clone();
    let of_kind = letters.iter().filter(|l| l.kind == kind).count();
    let replayed = dlq::replay(
        &vhost.url,
        DELIVERY_LIMIT,
        DeadQueue::Documents,
        Some(&kind),
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    assert_eq!(replayed.replayed, of_kind);
    assert_eq!(replayed.kept, hostile.len() - of_kind);
    wait_counts(&vhost, topology::DOCUMENTS, (of_kind as u64, 0)).await;
    let rest = (hostile.len() - of_kind) as u64;
    wait_counts(&vhost, topology::DOCUMENTS_DEAD, (rest, 0)).await;
    // The replay's tombstones take the replayed ones out of the listing too.
    let after = dlq::list(&vhost.url, DELIVERY_LIMIT, DeadQueue::Documents)
        .await
        .unwrap();
    assert_eq!(after.disagreement(DeadQueue::Documents), None);
    let kinds: Vec<&str> = after.letters.iter().map(|l| l.kind.as_str()).collect();
    assert_eq!(after.letters.len() as u64, rest, "{kinds:?}");
    assert!(!kinds.contains(&kind.as_str()), "{kinds:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_whose_connection_is_closed_reconnects_with_its_prefetch_in_force() {
    let vhost = TestVhost::create("worker-reconnect");
    let shutdown = CancellationToken::new();
    let worker =
        resingest_worker::start(config(&vhost, 1, 7, Archive::in_memory()), shutdown.clone())
            .await
            .unwrap();
    let m = worker.metrics.clone();
    wait_for("consuming", Duration::from_secs(10), || {
        m.consuming.get() == 1
    })
    .await;
    let prefetch = || {
        list_consumers(&vhost, &["queue_name", "prefetch_count"])
            .into_iter()
            .filter(|r| r[0] == topology::DOCUMENTS)
            .map(|r| r[1].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(prefetch(), ["7"]);

    assert_eq!(close_vhost_connections(&vhost), 1);
    wait_for("the reconnect", Duration::from_secs(20), || {
        m.reconnects.get() == 1 && m.consuming.get() == 1
    })
    .await;
    assert_eq!(
        prefetch(),
        ["7"],
        "basic_qos applied again on the new channel"
    );
    assert_eq!(http_get(worker.metrics_addr, "/healthz").0, 200);

    // And it works on the new session.
    publish(&vhost, synthetic([7]), u64::MAX, None).await;
    let results = collect_extracted(&vhost, 1, Duration::from_secs(30)).await;
    assert_eq!(results.len(), 1);
    shutdown.cancel();
    worker.wait().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_what_was_delivered_and_leaves_the_rest_queued() {
    let vhost = TestVhost::create("worker-drain");
    publish(&vhost, synthetic(20..30), u64::MAX, None).await;
    let shutdown = CancellationToken::new();
    let worker =
        resingest_worker::start(config(&vhost, 1, 3, Archive::in_memory()), shutdown.clone())
            .await
            .unwrap();
    let m = worker.metrics.clone();
    wait_for("a first document", Duration::from_secs(30), || {
        m.documents(outcome::EXTRACTED) >= 1
    })
    .await;
    shutdown.cancel();
    worker.wait().await.unwrap();
    let done = m.documents(outcome::EXTRACTED);
    assert_eq!(m.documents(outcome::HANDED_BACK), 0);
    assert_eq!(m.in_flight.get(), 0);
    // Everything is either extracted (and acked) or back in the queue; nothing is lost.
    wait_counts(&vhost, topology::DOCUMENTS, (10 - done, 0)).await;
    let results = collect_extracted(&vhost, done as usize, Duration::from_secs(5)).await;
    assert_eq!(results.len() as u64, done);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_too_big_for_the_broker_is_dead_lettered_on_the_first_try() {
    let vhost = TestVhost::create("worker-too-big");
    publish(&vhost, synthetic(7..8), u64::MAX, None).await;
    let shutdown = CancellationToken::new();
    let mut cfg = config(&vhost, 1, 2, Archive::in_memory());
    // Any real resolution is bigger than this "broker limit".
    cfg.max_message_bytes = 1000;
    let worker = resingest_worker::start(cfg, shutdown.clone())
        .await
        .unwrap();
    wait_counts(&vhost, topology::DOCUMENTS_DEAD, (1, 0)).await;
    wait_counts(&vhost, topology::DOCUMENTS, (0, 0)).await;
    let m = worker.metrics.clone();
    assert_eq!(m.documents(outcome::REQUEUED), 0, "retried");
    assert_eq!(m.documents(outcome::HANDED_BACK), 0, "handed back");
    let letters = dlq::list(&vhost.url, DELIVERY_LIMIT, DeadQueue::Documents)
        .await
        .unwrap()
        .letters;
    assert_eq!(letters[0].kind, "result_too_large", "{letters:?}");
    assert!(
        letters[0].error.contains("over the 1000 bytes"),
        "{letters:?}"
    );
    shutdown.cancel();
    worker.wait().await.unwrap();
}

/// Pids of the processes running the executable at `path`.
fn pids_running(path: &std::path::Path) -> Vec<String> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if std::fs::read_link(entry.path().join("exe")).is_ok_and(|exe| exe == path) {
            pids.push(pid);
        }
    }
    pids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn children_that_cannot_start_fail_healthz_and_give_documents_back_at_the_hold_limit() {
    let vhost = TestVhost::create("worker-no-children");
    let dir = tempfile::tempdir().unwrap();
    let child = dir.path().join("child");
    let original = std::path::PathBuf::from(env!("CARGO_BIN_EXE_resingest-worker-test-child"));
    std::fs::copy(&original, &child).unwrap();
    let mut cfg = config(&vhost, 1, 2, Archive::in_memory());
    cfg.pool.program = child.clone();
    cfg.hold_limit = Duration::from_secs(3);
    let shutdown = CancellationToken::new();
    let worker = resingest_worker::start(cfg, shutdown.clone())
        .await
        .unwrap();
    let m = worker.metrics.clone();
    let addr = worker.metrics_addr;
    wait_for("consuming", Duration::from_secs(20), || {
        http_get(addr, "/healthz").0 == 200
    })
    .await;

    // The child's executable goes away (a botched upgrade, a full /tmp) and the running
    // children die: every replacement fails to start.
    let running = pids_running(&child);
    assert!(!running.is_empty(), "no child runs {}", child.display());
    std::fs::remove_file(&child).unwrap();
    for pid in &running {
        std::process::Command::new("kill")
            .args(["-KILL", pid])
            .status()
            .unwrap();
    }
    publish(&vhost, synthetic(11..13), u64::MAX, None).await;

    // Unhealthy, naming the cause, while the documents are held...
    wait_for("healthz 503", Duration::from_secs(20), || {
        let (status, body) = http_get(addr, "/healthz");
        status == 503 && body.contains("failing: extract") && body.contains("child")
    })
    .await;
    let (_, text) = http_get(addr, "/metrics");
    assert!(
        text.contains("resingest_worker_failing{what=\"extract\"} 1"),
        "{text}"
    );
    // ...and given back to the broker at the hold limit, not held for as long as it lasts.
    wait_for("a document handed back", Duration::from_secs(20), || {
        m.documents(outcome::HANDED_BACK) >= 1
    })
    .await;
    assert_eq!(m.documents(outcome::DEAD_LETTERED), 0);

    // The executable is back: both documents are extracted, health returns, nothing is lost.
    std::fs::copy(&original, &child).unwrap();
    let results = collect_extracted(&vhost, 2, Duration::from_secs(40)).await;
    assert_eq!(results.len(), 2);
    wait_for("healthz 200", Duration::from_secs(10), || {
        http_get(addr, "/healthz").0 == 200
    })
    .await;
    wait_counts(&vhost, topology::DOCUMENTS, (0, 0)).await;
    wait_counts(&vhost, topology::DOCUMENTS_DEAD, (0, 0)).await;
    shutdown.cancel();
    worker.wait().await.unwrap();
}
