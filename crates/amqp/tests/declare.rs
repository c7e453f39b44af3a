//! The topology against the real broker, each test in its own vhost.

use std::time::Duration;

use futures_util::StreamExt;
use resingest_amqp::lapin::options::{BasicAckOptions, BasicConsumeOptions, QueueDeclareOptions};
use resingest_amqp::lapin::types::FieldTable;
use resingest_amqp::lapin::BasicProperties;
use resingest_amqp::testing::TestVhost;
use resingest_amqp::{declare_topology, publish_confirmed, Session, SessionConfig};
use resingest_model::topology::{self, Topology};

fn config(vhost: &TestVhost) -> SessionConfig {
    SessionConfig {
        url: vhost.url.clone(),
        prefetch: 10,
        topology: Topology::standard(3),
    }
}

#[tokio::test]
async fn declare_is_idempotent_and_sets_quorum_dead_letter_arguments() {
    let vhost = TestVhost::create("declare");
    let session = Session::open(&config(&vhost)).await.unwrap();
    declare_topology(&session.channel, &Topology::standard(3))
        .await
        .unwrap();

    let rows = vhost.list_queues(&["name", "type", "durable", "arguments"]);
    let row = |name: &str| {
        rows.iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("{name} missing in {rows:?}"))
            .clone()
    };
    for (queue, dead) in [
        (topology::DOCUMENTS, topology::DOCUMENTS_DEAD),
        (topology::EXTRACTED, topology::EXTRACTED_DEAD),
    ] {
        let r = row(queue);
        assert_eq!(r[1], "quorum", "{r:?}");
        assert_eq!(r[2], "true", "{r:?}");
        for expected in [
            "{\"x-dead-letter-strategy\",\"at-least-once\"}".to_owned(),
            "{\"x-overflow\",\"reject-publish\"}".to_owned(),
            // Channel deaths are not attempts: the broker's budget is four returns per attempt.
            "{\"x-delivery-limit\",12}".to_owned(),
            "{\"x-dead-letter-exchange\",\"resingest.dead\"}".to_owned(),
            format!("{{\"x-dead-letter-routing-key\",\"{dead}\"}}"),
        ] {
            assert!(
                r[3].contains(&expected),
                "{queue}: {expected} not in {}",
                r[3]
            );
        }
        assert_eq!(row(dead)[1], "quorum");
        assert!(
            row(dead)[3].contains("{\"x-delivery-limit\",1000000}"),
            "{dead}: a limit of its own, so no broker default drops dead letters: {:?}",
            row(dead)
        );
    }

    let log = row(topology::DEAD_LOG);
    assert_eq!(log[1], "stream", "{log:?}");
    assert!(log[3].contains("x-max-length-bytes"), "{log:?}");
    let bindings = vhost.list_bindings();
    for dead in [topology::DOCUMENTS_DEAD, topology::EXTRACTED_DEAD] {
        assert!(
            bindings.iter().any(|b| b[0] == topology::DEAD_EXCHANGE
                && b[1] == topology::DEAD_LOG
                && b[2] == dead),
            "{dead} does not reach the dead-letter log: {bindings:?}"
        );
    }

    // A passive declare sees the queue the topology made.
    let q = session
        .channel
        .queue_declare(
            topology::EXTRACTED.into(),
            QueueDeclareOptions {
                passive: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap();
    assert_eq!(q.message_count(), 0);
    session.close().await;
}

#[tokio::test]
async fn confirmed_publish_reaches_the_bound_queue() {
    let vhost = TestVhost::create("publish");
    let session = Session::open(&config(&vhost)).await.unwrap();
    let props = BasicProperties::default().with_message_id("abc".into());
    publish_confirmed(
        &session.channel,
        topology::EXCHANGE,
        topology::EXTRACTED,
        b"{}",
        props,
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    let mut consumer = session
        .channel
        .basic_consume(
            topology::EXTRACTED.into(),
            "t".into(),
            BasicConsumeOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();
    let delivery = tokio::time::timeout(Duration::from_secs(5), consumer.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(delivery.data, b"{}");
    assert_eq!(
        delivery
            .properties
            .message_id()
            .as_ref()
            .map(|m| m.as_str()),
        Some("abc")
    );
    delivery.ack(BasicAckOptions::default()).await.unwrap();
    session.close().await;
}

#[tokio::test]
async fn a_publish_no_queue_takes_is_an_error_not_a_confirmed_loss() {
    let vhost = TestVhost::create("unroutable");
    let session = Session::open(&config(&vhost)).await.unwrap();
    let err = publish_confirmed(
        &session.channel,
        topology::EXCHANGE,
        "resingest.nowhere",
        b"{}",
        BasicProperties::default(),
        Duration::from_secs(5),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, resingest_amqp::AmqpError::Unroutable { .. }),
        "{err}"
    );
    // The channel lives on: the next publish to a real queue is confirmed.
    publish_confirmed(
        &session.channel,
        topology::EXCHANGE,
        topology::EXTRACTED,
        b"{}",
        BasicProperties::default(),
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    session.close().await;
}

#[tokio::test]
async fn declaring_other_arguments_over_an_existing_queue_fails_with_a_named_error() {
    let vhost = TestVhost::create("mismatch");
    Session::open(&config(&vhost)).await.unwrap().close().await;
    let err = Session::open(&SessionConfig {
        topology: Topology::standard(9),
        ..config(&vhost)
    })
    .await
    .err()
    .unwrap();
    assert!(err.to_string().contains("declaring queue"), "{err}");
}
