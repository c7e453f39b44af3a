//! The read API's bounds, each against the input that broke it: a search over 40,000 matching
//! clauses at a deep page, a NUL byte (`%00`) in each query parameter, more requests than the
//! API handles at once, a statement slower than its timeout.

mod common;

use std::time::{Duration, Instant};

use common::{http_get, http_get_with_head, TestSink};
use serde_json::Value;

const MATCHES: usize = 40_000;

/// One stored resolution with `MATCHES` clauses that all match `q=counter-terrorism`.
fn fill(sink: &TestSink) {
    sink.db.psql(&format!(
        "INSERT INTO documents (sha256, bytes, pages) VALUES ('{sha}', 1, 1);
         INSERT INTO resolutions (symbol, language, organ, kind, sha256, extractor_version,
                                  schema_version, body)
         VALUES ('A/RES/99/1', 'en', 'GA', 'resolution', '{sha}', 'test', 1, '{{}}');
         INSERT INTO clauses (resolution_id, ord, kind, path, text)
         SELECT (SELECT id FROM resolutions), g, 'operative', g::text,
                'Calls upon all States to strengthen counter-terrorism cooperation '
                || 'and to exchange information, as set out in paragraph ' || g
         FROM generate_series(1, {MATCHES}) g;
         ANALYZE clauses;",
        sha = "0".repeat(64)
    ));
    assert_eq!(sink.db.count("clauses"), MATCHES as i64);
}

fn hits(body: &str) -> usize {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    v["hits"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_deep_page_of_a_40k_match_search_is_refused_and_the_deepest_allowed_is_answered() {
    let sink = TestSink::start("api-deep").await;
    fill(&sink);
    // The request of the review: 4-5 s each, 16 of them took the pool down.
    let (status, body) = sink
        .get("/v1/search?q=counter-terrorism&offset=39000", None)
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("offset 39000 is out of range"), "{body}");
    for offset in [0, resingest_sink::api::MAX_SEARCH_OFFSET] {
        let start = Instant::now();
        let (status, body) = sink
            .get(
                &format!("/v1/search?q=counter-terrorism&limit=20&offset={offset}"),
                None,
            )
            .await;
        // Reported, not asserted: a time limit belongs in a benchmark, and the API has none yet.
        eprintln!(
            "search over {MATCHES} matches at offset {offset}: {:?}",
            start.elapsed()
        );
        assert_eq!(status, 200, "{body}");
        assert_eq!(hits(&body), 20, "{body}");
    }
    sink.stop().await;
}

#[tokio::test]
async fn a_nul_byte_in_any_query_parameter_is_a_400() {
    let sink = TestSink::start("api-nul").await;
    fill(&sink);
    for path in [
        "/v1/search?q=counter%00terrorism",
        "/v1/search?q=%00",
        "/v1/search?q=peace&lang=e%00",
        "/v1/search?q=peace&limit=1%00",
        "/v1/search?q=peace&offset=%00",
        "/v1/search?q=peace&%00=1",
        "/v1/resolutions?organ=G%00A",
        "/v1/resolutions?session=7%008",
        "/v1/resolutions?since=2025%00",
        "/v1/resolutions?lang=%00",
        "/v1/resolutions?cursor=%00",
        "/v1/resolutions/A/RES/99/1?lang=e%00",
        "/v1/resolutions/A/RES/99/1/cited-by?lang=%00n",
        "/v1/resolutions/A/RES/99%00/1",
    ] {
        let (status, body) = sink.get(path, None).await;
        assert_eq!(status, 400, "{path}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(v["error"].is_string(), "{path}: {body}");
    }
    // The database was never the problem.
    assert_eq!(sink.get("/healthz", None).await.0, 200);
    sink.stop().await;
}

#[tokio::test]
async fn more_requests_than_the_api_handles_at_once_get_503_with_retry_after() {
    let sink = TestSink::start_with("api-busy", |c| c.api_max_in_flight = 1).await;
    fill(&sink);
    let addr = sink.http;
    let path = format!(
        "/v1/search?q=counter-terrorism&offset={}",
        resingest_sink::api::MAX_SEARCH_OFFSET
    );
    let requests: Vec<_> = (0..8)
        .map(|_| {
            let path = path.clone();
            tokio::spawn(async move { http_get_with_head(addr, &path, None).await })
        })
        .collect();
    let mut answered = 0;
    let mut refused = 0;
    for r in requests {
        let (status, head, body) = r.await.unwrap();
        match status {
            200 => answered += 1,
            503 => {
                refused += 1;
                assert!(head.contains("\r\nretry-after: 1"), "{head}");
                assert!(body.contains("too many requests in progress"), "{body}");
            }
            other => panic!("{other}: {body}"),
        }
    }
    assert!(
        answered >= 1 && refused >= 1,
        "{answered} answered, {refused} refused"
    );
    // Health and metrics are outside the bound: a saturated API still says it is alive.
    assert_eq!(http_get(sink.metrics_addr, "/healthz", None).await.0, 200);
    sink.stop().await;
}

#[tokio::test]
async fn a_query_slower_than_the_statement_timeout_is_a_503_and_the_api_lives_on() {
    let sink = TestSink::start_with("api-slow", |c| {
        c.api_statement_timeout = Duration::from_millis(1)
    })
    .await;
    fill(&sink);
    let (status, head, body) =
        http_get_with_head(sink.http, "/v1/search?q=counter-terrorism", None).await;
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("statement timeout"), "{body}");
    assert!(head.contains("\r\nretry-after: "), "{head}");
    sink.stop().await;
}
