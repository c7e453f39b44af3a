//! The sink against the real broker and database, each test on its own vhost and database.

mod common;

use std::time::Duration;

use common::{gold, gold_one, http_get, provenance, synthetic, wait_until, TestSink};
use futures_util::StreamExt;
use resingest_amqp::lapin::options::{BasicConsumeOptions, QueueBindOptions, QueueDeclareOptions};
use resingest_amqp::lapin::types::{AMQPValue, FieldTable};
use resingest_amqp::lapin::BasicProperties;
use resingest_amqp::publish_confirmed;
use resingest_model::topology::{self, headers, ResolutionStored};
use resingest_model::{Clause, Resolution};
use serde_json::Value;

const WAIT: Duration = Duration::from_secs(30);

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[tokio::test]
async fn stores_every_gold_resolution_with_its_clauses_footnotes_and_citations() {
    let sink = TestSink::start("store").await;
    let gold = gold();
    let items: Vec<_> = gold
        .iter()
        .map(|r| (r.clone(), Some("2025-01-01T00:00:00Z".to_owned())))
        .collect();
    sink.publish(&items).await;
    wait_until(WAIT, "all gold stored", || {
        sink.metric("stored") == gold.len() as u64
    })
    .await;

    assert_eq!(sink.db.count("resolutions"), gold.len() as i64);
    let clauses: usize = gold
        .iter()
        .map(|r| resingest_sink::flatten::clause_rows(r).len())
        .sum();
    assert_eq!(sink.db.count("clauses"), clauses as i64);
    let footnotes: usize = gold.iter().map(|r| r.footnotes.len()).sum();
    assert_eq!(sink.db.count("footnotes"), footnotes as i64);
    let citations: usize = gold.iter().map(|r| r.references.len()).sum();
    assert_eq!(sink.db.count("citations"), citations as i64);
    assert_eq!(sink.db.count("documents"), gold.len() as i64);
    // Nothing is left unacked or dead-lettered.
    wait_until(WAIT, "queue drained", || {
        queue_depth(&sink, topology::EXTRACTED) == 0
    })
    .await;
    assert_eq!(queue_depth(&sink, topology::EXTRACTED_DEAD), 0);

    // The JSON contract comes back as published, under each path spelling of the symbol.
    let r = gold_one("S/RES/2769(2025)");
    for path in [
        "/v1/resolutions/S/RES/2769(2025)",
        "/v1/resolutions/S%2FRES%2F2769%282025%29",
        "/v1/resolutions/S/RES/2769%282025%29?lang=en",
    ] {
        let (status, body) = sink.get(path, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        let back: Resolution = serde_json::from_str(&body).unwrap();
        assert_eq!(back, r, "{path}");
    }
    let row = sink.db.psql("SELECT organ || '|' || session || '|' || adoption_date FROM resolutions WHERE symbol = 'A/RES/71/19'");
    assert_eq!(row, "General Assembly|71|2016-11-21");
    let e2e = sink
        .running
        .as_ref()
        .unwrap()
        .metrics
        .end_to_end_seconds
        .get_sample_count();
    assert_eq!(
        e2e,
        gold.len() as u64,
        "end-to-end latency observed per stored resolution"
    );
    sink.stop().await;
}

#[tokio::test]
async fn a_redelivered_or_duplicate_message_adds_no_row() {
    let sink = TestSink::start("dup").await;
    let r = gold_one("A/RES/71/19");
    sink.publish(&[(r.clone(), None)]).await;
    wait_until(WAIT, "stored", || sink.metric("stored") == 1).await;
    sink.publish(&[(r.clone(), None), (r.clone(), None)]).await;
    wait_until(WAIT, "duplicates counted", || sink.metric("duplicate") == 2).await;
    assert_eq!(sink.db.count("resolutions"), 1);
    assert_eq!(sink.db.count("resolution_history"), 0);
    assert_eq!(
        sink.db.count("clauses"),
        resingest_sink::flatten::clause_rows(&r).len() as i64
    );
    assert_eq!(sink.db.psql("SELECT version FROM resolutions"), "1");
    // Not stored again, but counted: three copies of the document reached the sink.
    assert_eq!(sink.db.psql("SELECT copies FROM documents"), "3");
    sink.stop().await;
}

#[tokio::test]
async fn a_newer_version_replaces_the_old_one_which_goes_to_history() {
    let sink = TestSink::start("replace").await;
    let v1 = gold_one("A/RES/78/101");
    sink.publish(&[(v1.clone(), Some("2025-01-01T00:00:00Z".into()))])
        .await;
    wait_until(WAIT, "v1 stored", || sink.metric("stored") == 1).await;

    // A new source PDF, fetched later, with one clause changed.
    let mut v2 = v1.clone();
    v2.provenance = provenance(&v1.symbol, 1);
    v2.operative[0].text = "Replaced text about lighthouses;".into();
    // And the same source read by a newer extractor.
    let mut v3 = v2.clone();
    v3.provenance.extractor_version = "resingest-extract/0.2.0".into();
    sink.publish(&[(v2.clone(), Some("2025-02-01T00:00:00Z".into()))])
        .await;
    wait_until(WAIT, "v2 replaced", || sink.metric("replaced") == 1).await;
    sink.publish(&[(v3.clone(), Some("2025-02-01T00:00:00Z".into()))])
        .await;
    wait_until(WAIT, "v3 replaced", || sink.metric("replaced") == 2).await;
    // An older fetch of yet another source is refused (dead-lettered, tests/delivery.rs):
    // nothing changes here.
    let mut stale = v1.clone();
    stale.provenance = provenance(&v1.symbol, 2);
    sink.publish(&[(stale, Some("2024-12-01T00:00:00Z".into()))])
        .await;
    wait_until(WAIT, "stale refused", || sink.metric("failed") == 1).await;

    assert_eq!(sink.db.count("resolutions"), 1);
    assert_eq!(
        sink.db
            .psql("SELECT version || '|' || extractor_version || '|' || sha256 FROM resolutions"),
        format!("3|resingest-extract/0.2.0|{}", v2.provenance.sha256)
    );
    assert_eq!(
        sink.db.psql("SELECT string_agg(version || ':' || sha256, ',' ORDER BY version) FROM resolution_history"),
        format!("1:{},2:{}", v1.provenance.sha256, v2.provenance.sha256)
    );
    assert_eq!(
        sink.db
            .psql("SELECT body->'provenance'->>'sha256' FROM resolution_history WHERE version = 1"),
        v1.provenance.sha256
    );
    // The clauses are the new version's, and only those.
    assert_eq!(
        sink.db.count("clauses"),
        resingest_sink::flatten::clause_rows(&v3).len() as i64
    );
    assert_eq!(
        sink.db.psql("SELECT text FROM clauses WHERE path = '1'"),
        "Replaced text about lighthouses;"
    );
    let (_, body) = sink.get("/v1/resolutions/A/RES/78/101", None).await;
    assert_eq!(
        json(&body)["operative"][0]["text"],
        "Replaced text about lighthouses;"
    );
    sink.stop().await;
}

/// A small resolution whose clauses are `texts` (operative 1..n).
fn with_clauses(symbol: &str, texts: &[&str], references: &[&str]) -> Resolution {
    let mut r = gold_one("A/RES/71/19");
    r.symbol = symbol.into();
    r.provenance = provenance(symbol, 0);
    r.preamble = vec![Clause {
        index: 1,
        lead: Some("Recalling".into()),
        text: "Recalling its earlier work,".into(),
        footnote_refs: vec![],
        headings: vec![],
    }];
    r.operative.truncate(texts.len().min(r.operative.len()));
    for (p, t) in r.operative.iter_mut().zip(texts) {
        p.text = (*t).into();
        p.subparagraphs.clear();
    }
    r.annexes.clear();
    r.footnotes.clear();
    r.references = references.iter().map(|s| (*s).into()).collect();
    r
}

#[tokio::test]
async fn search_ranks_the_densest_clause_first_and_names_its_path() {
    let sink = TestSink::start("search").await;
    let items = vec![
        (
            with_clauses(
                "A/RES/901/1",
                &[
                    "Decides to review the budget;",
                    "Welcomes the lighthouse report;",
                ],
                &[],
            ),
            None,
        ),
        (
            with_clauses(
                "A/RES/901/2",
                &["Calls for lighthouse keepers, lighthouse maintenance and lighthouse safety;"],
                &[],
            ),
            None,
        ),
        (
            with_clauses("A/RES/901/3", &["Notes the weather;"], &[]),
            None,
        ),
    ];
    sink.publish(&items).await;
    wait_until(WAIT, "stored", || sink.metric("stored") == 3).await;

    let (status, body) = sink.get("/v1/search?q=lighthouses", None).await;
    assert_eq!(status, 200, "{body}");
    let hits = json(&body)["hits"].as_array().unwrap().clone();
    let found: Vec<(String, String)> = hits
        .iter()
        .map(|h| {
            (
                h["symbol"].as_str().unwrap().into(),
                h["path"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("A/RES/901/2".to_owned(), "1".to_owned()),
            ("A/RES/901/1".to_owned(), "2".to_owned())
        ]
    );
    assert!(hits[0]["rank"].as_f64().unwrap() > hits[1]["rank"].as_f64().unwrap());
    assert!(
        hits[0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<b>lighthouse</b>"),
        "{}",
        hits[0]["snippet"]
    );

    let (status, body) = sink
        .get("/v1/search?q=%22lighthouse%20report%22", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        json(&body)["hits"].as_array().unwrap().len(),
        1,
        "phrase search: {body}"
    );
    sink.stop().await;
}

#[tokio::test]
async fn cited_by_lists_the_citing_resolutions() {
    let sink = TestSink::start("citedby").await;
    let items = vec![
        (
            with_clauses("S/RES/2769(2025)", &["Decides;"], &["S/RES/2231(2015)"]),
            None,
        ),
        (
            with_clauses(
                "A/RES/902/1",
                &["Recalls;"],
                &["S/RES/2769(2025)", "A/RES/51/1"],
            ),
            None,
        ),
        (
            with_clauses("A/RES/902/2", &["Recalls;"], &["S/RES/2769(2025)"]),
            None,
        ),
    ];
    sink.publish(&items).await;
    wait_until(WAIT, "stored", || sink.metric("stored") == 3).await;

    let (status, body) = sink
        .get("/v1/resolutions/S/RES/2769(2025)/cited-by", None)
        .await;
    assert_eq!(status, 200, "{body}");
    let page = json(&body);
    let citing: Vec<&str> = page["cited_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["symbol"].as_str().unwrap())
        .collect();
    // Same adoption date: the later stored first (the lists' order, newest first).
    assert_eq!(citing, ["A/RES/902/2", "A/RES/902/1"]);
    // Cited but never stored: still answered.
    let (status, body) = sink
        .get("/v1/resolutions/A%2FRES%2F51%2F1/cited-by", None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["cited_by"][0]["symbol"], "A/RES/902/1");
    // Stored, cited by nobody: an empty list.
    let (status, body) = sink.get("/v1/resolutions/A/RES/902/2/cited-by", None).await;
    assert_eq!(
        (status, json(&body)["cited_by"].as_array().unwrap().len()),
        (200, 0)
    );
    // Neither stored nor cited: 404.
    let (status, _) = sink.get("/v1/resolutions/A/RES/1/1/cited-by", None).await;
    assert_eq!(status, 404);
    sink.stop().await;
}

#[tokio::test]
async fn pages_follow_the_cursor_and_bad_requests_get_400_unknown_symbols_404() {
    let sink = TestSink::start("pages").await;
    let items: Vec<_> = synthetic(7).into_iter().map(|r| (r, None)).collect();
    sink.publish(&items).await;
    wait_until(WAIT, "stored", || sink.metric("stored") == 7).await;

    let mut seen = Vec::new();
    let mut path = "/v1/resolutions?limit=3".to_owned();
    let mut pages = 0;
    loop {
        let (status, body) = sink.get(&path, None).await;
        assert_eq!(status, 200, "{body}");
        let page = json(&body);
        pages += 1;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["symbol"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/resolutions?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut expected: Vec<String> = items.iter().map(|(r, _)| r.symbol.clone()).collect();
    expected.sort();
    seen.sort();
    assert_eq!(seen, expected);

    let (_, body) = sink
        .get("/v1/resolutions?organ=General%20Assembly&session=71", None)
        .await;
    let filtered = json(&body)["items"].as_array().unwrap().len();
    let want = items
        .iter()
        .filter(|(r, _)| r.organ == "General Assembly" && r.session == Some(71))
        .count();
    assert_eq!(filtered, want);
    let (_, body) = sink.get("/v1/resolutions?since=2999-01-01", None).await;
    assert_eq!(json(&body)["items"].as_array().unwrap().len(), 0);

    for bad in [
        "/v1/resolutions?limit=0",
        "/v1/resolutions?limit=abc",
        "/v1/resolutions?session=seventy",
        "/v1/resolutions?since=yesterday",
        "/v1/resolutions?cursor=xyz",
        "/v1/resolutions?colour=red",
        "/v1/resolutions/A%20RES%2071/?lang=en",
        "/v1/resolutions/A/RES/71/19?lang=English",
        "/v1/search",
        "/v1/search?q=%20",
    ] {
        let (status, body) = sink.get(bad, None).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(
            json(&body)["error"].as_str().is_some_and(|m| !m.is_empty()),
            "{bad}: {body}"
        );
    }
    let (status, body) = sink.get("/v1/resolutions/A/RES/1/1", None).await;
    assert_eq!(status, 404, "{body}");
    let (status, _) = sink
        .get(
            &format!("/v1/resolutions/{}?lang=fr", items[0].0.symbol),
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = sink.get("/v2/nothing", None).await;
    assert_eq!(status, 404);

    let (status, body) = sink
        .get(
            &format!("/v1/resolutions/{}", items[0].0.symbol),
            Some("application/akn+xml"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // The one writer behind `extract --format akn`, on the stored resolution.
    assert_eq!(body, resingest_akn::to_akn(&items[0].0));
    let (status, _) = sink
        .get(
            &format!("/v1/resolutions/{}", items[0].0.symbol),
            Some("text/html"),
        )
        .await;
    assert_eq!(status, 406);

    let (status, body) = sink.get("/v1/openapi.json", None).await;
    assert_eq!(status, 200);
    let doc = json(&body);
    for p in [
        "/v1/resolutions",
        "/v1/resolutions/{symbol}",
        "/v1/resolutions/{symbol}/cited-by",
        "/v1/search",
        "/v1/webhooks",
        "/v1/webhooks/{id}/deliveries",
        "/healthz",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing in openapi");
    }
    let (status, body) = sink.get("/healthz", None).await;
    assert_eq!(
        (status, json(&body)["status"].as_str().unwrap()),
        (200, "ok")
    );
    // Metrics on their own address; the API port no longer serves them.
    assert_eq!(sink.get("/metrics", None).await.0, 404);
    let (status, body) = http_get(sink.metrics_addr, "/metrics", None).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("resingest_sink_resolutions_total{outcome=\"stored\"} 7"),
        "{body}"
    );
    assert_eq!(http_get(sink.metrics_addr, "/healthz", None).await.0, 200);
    assert!(body.contains("resingest_sink_end_to_end_seconds_bucket"));
    sink.stop().await;
}

#[tokio::test]
async fn every_stored_or_replaced_resolution_is_announced_on_the_events_exchange() {
    let sink = TestSink::start("events").await;
    let ch = &sink.publisher.channel;
    let q = ch
        .queue_declare(
            "".into(),
            QueueDeclareOptions {
                exclusive: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap();
    ch.queue_bind(
        q.name().clone(),
        topology::EVENTS.into(),
        "".into(),
        QueueBindOptions::default(),
        FieldTable::default(),
    )
    .await
    .unwrap();
    let mut events = ch
        .basic_consume(
            q.name().clone(),
            "events".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap();

    let a = gold_one("A/RES/71/19");
    let b = gold_one("A/RES/73/3");
    sink.publish(&[(a.clone(), None), (b.clone(), None), (a.clone(), None)])
        .await;
    let mut a2 = a.clone();
    a2.provenance = provenance(&a.symbol, 1);
    wait_until(WAIT, "first two stored", || {
        sink.metric("stored") == 2 && sink.metric("duplicate") == 1
    })
    .await;
    sink.publish(&[(a2.clone(), None)]).await;

    let mut got = Vec::new();
    for _ in 0..3 {
        let d = tokio::time::timeout(WAIT, events.next())
            .await
            .expect("event in time")
            .unwrap()
            .unwrap();
        got.push(serde_json::from_slice::<ResolutionStored>(&d.data).unwrap());
    }
    got.sort_by(|x, y| (&x.symbol, x.version).cmp(&(&y.symbol, y.version)));
    let summary: Vec<(&str, &str, u32, &str)> = got
        .iter()
        .map(|e| {
            (
                e.symbol.as_str(),
                e.language.as_str(),
                e.version,
                e.sha256.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("A/RES/71/19", "en", 1, a.provenance.sha256.as_str()),
            ("A/RES/71/19", "en", 2, a2.provenance.sha256.as_str()),
            ("A/RES/73/3", "en", 1, b.provenance.sha256.as_str()),
        ]
    );
    // The duplicate announced nothing, and the outbox is empty once confirmed.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), events.next())
            .await
            .is_err()
    );
    wait_until(WAIT, "outbox drained", || {
        sink.db.count("event_outbox") == 0
    })
    .await;
    sink.stop().await;
}

#[tokio::test]
async fn an_undecodable_message_is_dead_lettered_with_its_reason() {
    let sink = TestSink::start("poison").await;
    let props = BasicProperties::default().with_message_id("f".repeat(64).as_str().into());
    publish_confirmed(
        &sink.publisher.channel,
        topology::EXCHANGE,
        topology::EXTRACTED,
        b"{not json",
        props,
        WAIT,
    )
    .await
    .unwrap();
    let mut wrong_date = gold_one("A/RES/71/19");
    wrong_date.adoption_date = Some("21 November 2016".into());
    sink.publish(&[(wrong_date, None), (gold_one("A/RES/73/3"), None)])
        .await;
    wait_until(WAIT, "failures counted", || {
        sink.metric("failed") == 2 && sink.metric("stored") == 1
    })
    .await;
    wait_until(WAIT, "dead letters", || {
        queue_depth(&sink, topology::EXTRACTED_DEAD) == 2
    })
    .await;

    let mut dead = sink
        .publisher
        .channel
        .basic_consume(
            topology::EXTRACTED_DEAD.into(),
            "dead".into(),
            BasicConsumeOptions {
                no_ack: true,
                ..Default::default()
            },
            FieldTable::default(),
        )
        .await
        .unwrap();
    let mut kinds = Vec::new();
    for _ in 0..2 {
        let d = tokio::time::timeout(WAIT, dead.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        let h = d.properties.headers().clone().unwrap();
        let get = |k: &str| match h.inner().get(k) {
            Some(AMQPValue::LongString(s)) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            other => panic!("{k}: {other:?}"),
        };
        assert!(!get(headers::ERROR).is_empty());
        kinds.push(get(headers::ERROR_KIND));
    }
    kinds.sort();
    assert_eq!(kinds, ["invalid_field", "invalid_json"]);
    assert_eq!(sink.db.count("resolutions"), 1);
    sink.stop().await;
}

/// Messages in `queue`; a queue the broker does not list fails the test (declared in another
/// vhost or under another name, it must not read as drained).
fn queue_depth(sink: &TestSink, queue: &str) -> u64 {
    let rows = sink.vhost.list_queues(&["name", "messages"]);
    let row = rows
        .iter()
        .find(|r| r[0] == queue)
        .unwrap_or_else(|| panic!("queue {queue} not found in {}: {rows:?}", sink.vhost.name));
    row[1]
        .parse()
        .unwrap_or_else(|e| panic!("{queue}: depth {:?}: {e}", row[1]))
}
