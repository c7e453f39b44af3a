//! A broker memory alarm stalls result publishes silently: the worker's publish-and-confirm
//! times out, is retried inside the worker with backoff, and succeeds once the alarm clears,
//! so the document is extracted without a redelivery (its delivery count is not burned).
//! The alarm is broker-wide: this binary runs in the nextest `serial` group, beside no other
//! test, and restores the watermark it found even when the test fails.

mod common;

use std::time::Duration;

use common::*;
use resingest_amqp::testing::TestVhost;
use resingest_model::topology;
use resingest_worker::metrics::outcome;
use resingest_worker::Archive;
use tokio_util::sync::CancellationToken;

/// Sets the memory watermark to 0 (every publisher blocked) and puts the found value back on
/// drop.
struct Alarm {
    restore: String,
}

impl Alarm {
    fn raise() -> Alarm {
        let status = rabbitmqctl(&["status"]);
        let restore = status
            .lines()
            .find_map(|l| l.trim().strip_prefix("Memory high watermark setting: "))
            .and_then(|v| v.split_whitespace().next())
            .unwrap_or("0.4")
            .to_string();
        rabbitmqctl(&["set_vm_memory_high_watermark", "0"]);
        Alarm { restore }
    }
}

impl Drop for Alarm {
    fn drop(&mut self) {
        rabbitmqctl(&["set_vm_memory_high_watermark", &self.restore]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unconfirmed_results_are_retried_in_the_worker_without_a_redelivery() {
    let vhost = TestVhost::create("worker-alarm");
    let archive = Archive::in_memory();
    publish(&vhost, synthetic(1..=2), u64::MAX, None).await;

    let alarm = Alarm::raise();
    let shutdown = CancellationToken::new();
    let mut cfg = config(&vhost, 1, 2, archive);
    cfg.publish_timeout = Duration::from_secs(1);
    let worker = resingest_worker::start(cfg, shutdown.clone())
        .await
        .unwrap();
    let m = worker.metrics.clone();
    wait_for(
        "result publishes retried under the alarm",
        Duration::from_secs(40),
        || m.retries.with_label_values(&["publish"]).get() >= 2,
    )
    .await;
    assert_eq!(
        m.documents(outcome::EXTRACTED),
        0,
        "nothing may be acked before its result is confirmed"
    );
    drop(alarm);

    let results = collect_extracted(&vhost, 2, Duration::from_secs(60)).await;
    assert!(results
        .iter()
        .all(|r| r.message_id == r.resolution.provenance.sha256));
    wait_for("both documents acked", Duration::from_secs(30), || {
        m.documents(outcome::EXTRACTED) == 2
    })
    .await;
    assert_eq!(
        m.redeliveries.get(),
        0,
        "a broker hiccup must not burn a delivery"
    );
    wait_counts(&vhost, topology::DOCUMENTS, (0, 0)).await;
    shutdown.cancel();
    worker.wait().await.unwrap();
}
