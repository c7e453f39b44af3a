//! What the sink does with a result it cannot simply store: the database unable to take
//! writes, an older copy of a stored resolution, a result whose symbol is not the one the
//! fetcher named. Counted from the outside: rows in the database, messages on the broker.
//! Each test on its own vhost and database (a read-only switch touches only its own).

mod common;

use std::time::Duration;

use common::{synthetic, wait_until, TestDb, TestSink};
use resingest_model::topology;
use resingest_model::Resolution;

const WAIT: Duration = Duration::from_secs(30);

fn items(rs: &[Resolution]) -> Vec<(Resolution, Option<String>)> {
    rs.iter().map(|r| (r.clone(), None)).collect()
}

/// Messages in `queue` of the sink's vhost.
fn depth(sink: &TestSink, queue: &str) -> u64 {
    let rows = sink.vhost.list_queues(&["name", "messages"]);
    let row = rows
        .iter()
        .find(|r| r[0] == queue)
        .unwrap_or_else(|| panic!("queue {queue} not in {rows:?}"));
    row[1].parse().unwrap()
}

/// Switches the test's own database read-only (what a failover to a standby looks like to a
/// client) or back, and ends its sessions so that every new one sees the switch.
fn read_only(db: &TestDb, on: bool) {
    let set = if on {
        "SET default_transaction_read_only = on"
    } else {
        "RESET default_transaction_read_only"
    };
    // From the maintenance database: the test's own cannot alter itself while read-only.
    admin_psql(&format!("ALTER DATABASE \"{}\" {set}", db.name));
    admin_psql(&format!(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = '{}' AND pid <> pg_backend_pid()",
        db.name
    ));
}

fn admin_psql(sql: &str) {
    use resingest_runtime::testing::{admin_url, psql};
    psql(&admin_url(), sql).unwrap_or_else(|e| panic!("psql {sql}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_read_only_for_ten_seconds_stores_everything_after() {
    // A short hold: the batch also goes back to the broker (and returns) during the outage.
    let sink = TestSink::start_with("read-only", |c| c.hold_limit = Duration::from_secs(3)).await;
    let rs = synthetic(30);
    sink.publish(&items(&rs[..10])).await;
    wait_until(WAIT, "the first ten stored", || {
        sink.db.count("resolutions") == 10
    })
    .await;

    read_only(&sink.db, true);
    sink.publish(&items(&rs[10..])).await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(sink.db.count("resolutions"), 10, "written while read-only?");
    read_only(&sink.db, false);

    wait_until(WAIT, "all stored, or one dead-lettered", || {
        sink.db.count("resolutions") == 30 || depth(&sink, topology::EXTRACTED_DEAD) > 0
    })
    .await;
    assert_eq!(depth(&sink, topology::EXTRACTED_DEAD), 0, "dead-lettered");
    assert_eq!(sink.db.count("resolutions"), 30);
    assert!(sink.metric("handed_back") > 0, "the hold never ran out");
    assert_eq!(sink.metric("failed"), 0);
    sink.stop().await;
}

/// The dead letters of `resingest.extracted`, taken off the queue: (kind, reason) each.
async fn take_dead_letters(sink: &TestSink, n: usize) -> Vec<(String, String)> {
    use futures_util::StreamExt;
    use resingest_amqp::lapin::options::BasicConsumeOptions;
    use resingest_amqp::lapin::types::{AMQPValue, FieldTable};
    use resingest_model::topology::headers;
    let mut dead = sink
        .publisher
        .channel
        .basic_consume(
            topology::EXTRACTED_DEAD.into(),
            "test-dead".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    for _ in 0..n {
        let d = tokio::time::timeout(WAIT, dead.next())
            .await
            .expect("a dead letter")
            .unwrap()
            .unwrap();
        let h = d.properties.headers().clone().unwrap_or_default();
        let get = |k: &str| match h.inner().get(k) {
            Some(AMQPValue::LongString(s)) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            other => panic!("{k}: {other:?}"),
        };
        out.push((get(headers::ERROR_KIND), get(headers::ERROR)));
    }
    out
}

#[tokio::test]
async fn an_older_copy_replayed_after_a_newer_one_is_refused_with_its_reason() {
    let sink = TestSink::start("older-copy").await;
    let v1 = synthetic(1).remove(0);
    let mut v2 = v1.clone();
    v2.provenance = common::provenance(&v1.symbol, 1);
    sink.publish(&[(v1.clone(), Some("2025-01-01T00:00:00Z".into()))])
        .await;
    wait_until(WAIT, "v1 stored", || sink.metric("stored") == 1).await;
    sink.publish(&[(v2.clone(), Some("2025-02-01T00:00:00Z".into()))])
        .await;
    wait_until(WAIT, "v2 replaced v1", || sink.metric("replaced") == 1).await;

    // v1 again (a replay): in the history already, so a true duplicate.
    sink.publish(&[(v1.clone(), Some("2025-01-01T00:00:00Z".into()))])
        .await;
    wait_until(WAIT, "v1 again a duplicate", || {
        sink.metric("duplicate") == 1
    })
    .await;
    // A copy never stored, fetched before v2: refused with both sides named, never dropped.
    let mut older = v1.clone();
    older.provenance = common::provenance(&v1.symbol, 7);
    sink.publish(&[(older.clone(), Some("2024-12-01T00:00:00Z".into()))])
        .await;
    let letters = take_dead_letters(&sink, 1).await;
    let (kind, reason) = &letters[0];
    assert_eq!(kind, "older_copy");
    for part in [&older.provenance.sha256, &v2.provenance.sha256, &v1.symbol] {
        assert!(reason.contains(part.as_str()), "{part} not in {reason}");
    }
    assert_eq!(sink.metric("duplicate"), 1, "counted as a duplicate");
    assert_eq!(sink.db.count("resolutions"), 1);
    assert_eq!(
        sink.db.psql("SELECT sha256 FROM resolutions"),
        v2.provenance.sha256
    );
    sink.stop().await;
}

#[tokio::test]
async fn a_result_whose_symbol_or_language_is_not_the_fetchers_is_dead_lettered() {
    use resingest_amqp::lapin::BasicProperties;
    use resingest_model::topology::Envelope;
    let sink = TestSink::start("identity").await;
    let rs = synthetic(4);
    // As the fetcher named them: the right one (spelled differently), a misread symbol, a
    // declared language the text is not in, and one without any declaration.
    let declared = [
        (Some(rs[0].symbol.to_lowercase()), Some("en")),
        (Some("A/RES/71/19".to_owned()), Some("en")),
        (Some(rs[2].symbol.clone()), Some("ru")),
        (None, None),
    ];
    for (r, (symbol, language)) in rs.iter().zip(&declared) {
        let envelope = Envelope {
            sha256: r.provenance.sha256.clone(),
            symbol: symbol.clone(),
            language: language.map(Into::into),
            schema_version: Some(resingest_model::SCHEMA_VERSION),
            ..Envelope::default()
        };
        let props = BasicProperties::default()
            .with_message_id(envelope.sha256.as_str().into())
            .with_headers(resingest_amqp::table::to_field_table(&envelope.headers()));
        resingest_amqp::publish_confirmed(
            &sink.publisher.channel,
            topology::EXCHANGE,
            topology::EXTRACTED,
            &serde_json::to_vec(r).unwrap(),
            props,
            WAIT,
        )
        .await
        .unwrap();
    }
    let letters = take_dead_letters(&sink, 2).await;
    assert!(
        letters.iter().all(|(k, _)| k == "identity_mismatch"),
        "{letters:?}"
    );
    let named = |part: &str| letters.iter().any(|(_, e)| e.contains(part));
    // Both values named: the fetcher's symbol and the one read.
    assert!(
        named("named A/RES/71/19") && named(&rs[1].symbol),
        "{letters:?}"
    );
    assert!(named("`ru`"), "{letters:?}");
    wait_until(WAIT, "the other two stored", || {
        sink.db.count("resolutions") == 2
    })
    .await;
    let stored = sink
        .db
        .psql("SELECT string_agg(symbol, ',' ORDER BY symbol) FROM resolutions");
    let mut want = [rs[0].symbol.clone(), rs[3].symbol.clone()];
    want.sort();
    assert_eq!(stored, want.join(","));
    sink.stop().await;
}
