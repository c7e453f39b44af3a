//! `dlq list` against the real broker: listing dead letters changes nothing in the broker, and
//! what the log lists is checked against what the dead queue holds.

use std::time::Duration;

use resingest_amqp::dlq::{self, DeadQueue};
use resingest_amqp::lapin::options::{BasicAckOptions, BasicGetOptions, BasicRejectOptions};
use resingest_amqp::lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use resingest_amqp::lapin::BasicProperties;
use resingest_amqp::message::header_int;
use resingest_amqp::testing::{rabbitmqctl, wait_counts, TestVhost};
use resingest_amqp::{publish_confirmed, Session, SessionConfig};
use resingest_model::topology::{self, headers, Topology};

const DELIVERY_LIMIT: u32 = 3;

async fn session(vhost: &TestVhost) -> Session {
    Session::open(&SessionConfig {
        url: vhost.url.clone(),
        prefetch: 0,
        topology: Topology::standard(DELIVERY_LIMIT),
    })
    .await
    .unwrap()
}

fn props(sha: &str, pairs: &[(&str, &str)]) -> BasicProperties {
    let mut table = FieldTable::default();
    for (k, v) in pairs {
        table.insert(
            ShortString::from(*k),
            AMQPValue::LongString(LongString::from(*v)),
        );
    }
    BasicProperties::default()
        .with_message_id(sha.into())
        .with_headers(table)
}

/// Three dead letters of the documents queue, by both roads a letter takes: two stamped and
/// published by a consumer that gave up on them (as the worker does), one rejected by a
/// consumer and dead-lettered by the broker itself.
async fn three_dead_letters(vhost: &TestVhost) -> Vec<String> {
    let s = session(vhost).await;
    let shas: Vec<String> = ["a", "b", "c"].iter().map(|c| c.repeat(64)).collect();
    for (sha, kind) in [(&shas[0], "corrupt"), (&shas[1], "crashed")] {
        let p = props(
            sha,
            &[
                (headers::ERROR_KIND, kind),
                (headers::ERROR, "a reason for a person"),
                (headers::SYMBOL, "A/RES/78/1"),
            ],
        );
        publish_confirmed(
            &s.channel,
            topology::DEAD_EXCHANGE,
            topology::DOCUMENTS_DEAD,
            b"%PDF-1.7 dead",
            p,
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    }
    publish_confirmed(
        &s.channel,
        topology::EXCHANGE,
        topology::DOCUMENTS,
        b"%PDF-1.7 rejected",
        props(&shas[2], &[]),
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    let got = loop {
        if let Some(m) = s
            .channel
            .basic_get(
                topology::DOCUMENTS.into(),
                BasicGetOptions { no_ack: false },
            )
            .await
            .unwrap()
        {
            break m;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    got.delivery
        .acker
        .reject(BasicRejectOptions { requeue: false })
        .await
        .unwrap();
    s.close().await;
    wait_counts(vhost, topology::DOCUMENTS_DEAD, (3, 0)).await;
    shas
}

/// Takes the `expected` messages out of `queue` and returns each one's broker delivery count
/// as the broker reports it on this, the first read that removes it (absent: 0). A quorum
/// queue can answer a get with nothing for a moment after a consumer's channel closed and
/// handed messages back, even once its counts show them ready: empty answers are retried
/// for up to 10 s before fewer than `expected` are returned.
async fn delivery_counts(vhost: &TestVhost, queue: &str, expected: usize) -> Vec<(String, i64)> {
    let s = session(vhost).await;
    let mut out = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while out.len() < expected {
        let got = s
            .channel
            .basic_get(queue.into(), BasicGetOptions { no_ack: false })
            .await
            .unwrap();
        let Some(m) = got else {
            if std::time::Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let d = m.delivery;
        let sha = d.properties.message_id().as_ref().unwrap().to_string();
        out.push((
            sha,
            header_int(&d.properties, "x-delivery-count").unwrap_or(0),
        ));
        d.acker.ack(BasicAckOptions::default()).await.unwrap();
    }
    s.close().await;
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_listings_leave_every_dead_letters_delivery_count_unchanged() {
    let vhost = TestVhost::create("dlq-list-50");
    let shas = three_dead_letters(&vhost).await;
    for run in 0..50 {
        let listing = dlq::list(&vhost.url, DELIVERY_LIMIT, DeadQueue::Documents)
            .await
            .unwrap();
        assert_eq!(
            listing.disagreement(DeadQueue::Documents),
            None,
            "run {run}"
        );
        let mut listed: Vec<(String, String)> = listing
            .letters
            .iter()
            .map(|l| (l.sha256.clone(), l.kind.clone()))
            .collect();
        listed.sort();
        assert_eq!(
            listed,
            vec![
                (shas[0].clone(), "corrupt".to_string()),
                (shas[1].clone(), "crashed".to_string()),
                (shas[2].clone(), "rejected".to_string()),
            ],
            "run {run}"
        );
    }
    // The other dead queue's letters are not this one's.
    let other = dlq::list(&vhost.url, DELIVERY_LIMIT, DeadQueue::Extracted)
        .await
        .unwrap();
    assert!(other.letters.is_empty(), "{other:?}");
    assert_eq!(other.disagreement(DeadQueue::Extracted), None);

    wait_counts(&vhost, topology::DOCUMENTS_DEAD, (3, 0)).await;
    let counts = delivery_counts(&vhost, topology::DOCUMENTS_DEAD, 3).await;
    assert_eq!(
        counts,
        shas.iter().map(|s| (s.clone(), 0)).collect::<Vec<_>>(),
        "the broker counted deliveries of dead letters that were only listed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_the_queue_itself_counts_a_delivery_each_time_which_the_log_avoids() {
    // The peer of the test above, on the same broker: the old way of listing (what
    // `--from-queue` still does) is visible to the measure, so the measure can fail.
    let vhost = TestVhost::create("dlq-list-queue");
    let shas = three_dead_letters(&vhost).await;
    for _ in 0..3 {
        let letters = dlq::list_from_queue(&vhost.url, DELIVERY_LIMIT, DeadQueue::Documents)
            .await
            .unwrap();
        assert_eq!(letters.len(), 3);
    }
    wait_counts(&vhost, topology::DOCUMENTS_DEAD, (3, 0)).await;
    let counts = delivery_counts(&vhost, topology::DOCUMENTS_DEAD, 3).await;
    assert_eq!(counts.len(), 3, "{counts:?}");
    assert!(
        counts.iter().all(|(_, c)| *c >= 3),
        "three reads of the queue should count three deliveries each: {counts:?}"
    );
    let _ = shas;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_says_when_the_log_and_the_dead_queue_disagree() {
    let vhost = TestVhost::create("dlq-list-purged");
    three_dead_letters(&vhost).await;
    // Replayed: out of the queue and, by its tombstones, out of the listing.
    let replayed = dlq::replay(
        &vhost.url,
        DELIVERY_LIMIT,
        DeadQueue::Documents,
        Some("crashed"),
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    assert_eq!((replayed.replayed, replayed.kept), (1, 2));
    let listing = dlq::list(&vhost.url, DELIVERY_LIMIT, DeadQueue::Documents)
        .await
        .unwrap();
    assert_eq!(listing.disagreement(DeadQueue::Documents), None);
    let kinds: Vec<&str> = listing.letters.iter().map(|l| l.kind.as_str()).collect();
    assert_eq!(kinds, ["corrupt", "rejected"]);

    // Purged by hand: the log still lists them, and the listing says it disagrees.
    rabbitmqctl(&["purge_queue", "-p", &vhost.name, topology::DOCUMENTS_DEAD]);
    wait_counts(&vhost, topology::DOCUMENTS_DEAD, (0, 0)).await;
    let listing = dlq::list(&vhost.url, DELIVERY_LIMIT, DeadQueue::Documents)
        .await
        .unwrap();
    assert_eq!(listing.letters.len(), 2);
    let said = listing.disagreement(DeadQueue::Documents).unwrap();
    assert!(
        said.contains("lists 2") && said.contains("holds 0") && said.contains("--from-queue"),
        "{said}"
    );
}
