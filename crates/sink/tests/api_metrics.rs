//! The read API's request metrics, read from the sink's own `/metrics` as Prometheus would:
//! counted by route template and status code, timed by route template, never labelled by the
//! raw path (a symbol in a label would grow the series without bound).

mod common;

use common::{http_get, TestSink};

/// The value of the sample `name{labels}` in a text exposition, 0 when absent.
fn sample(exposition: &str, name: &str, labels: &str) -> f64 {
    let wanted = format!("{name}{{{labels}}} ");
    exposition
        .lines()
        .find_map(|l| l.strip_prefix(&wanted))
        .map_or(0.0, |v| v.trim().parse().expect("a number"))
}

#[tokio::test]
async fn api_requests_are_counted_by_route_template_and_status_on_metrics() {
    let sink = TestSink::start("api-metrics").await;
    for path in [
        "/v1/resolutions",
        "/v1/resolutions",
        "/v1/resolutions/A/RES/71/19",
        "/v1/resolutions/S/RES/2769(2025)",
        "/v1/resolutions/A/RES/71/19/cited-by",
        "/no/such/route/at/all",
        "/v1/resolutions?limit=nonsense",
    ] {
        let (status, body) = sink.get(path, None).await;
        assert_ne!(status, 0, "{path}: {body}");
    }
    let (status, metrics) = http_get(sink.metrics_addr, "/metrics", None).await;
    assert_eq!(status, 200);
    let requests = "resingest_api_requests_total";
    assert_eq!(
        sample(
            &metrics,
            requests,
            r#"route="/v1/resolutions",status="200""#
        ),
        2.0,
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            requests,
            r#"route="/v1/resolutions",status="400""#
        ),
        1.0,
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            requests,
            r#"route="/v1/resolutions/{symbol}",status="404""#
        ),
        2.0,
        "two unknown symbols, one series: {metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            requests,
            r#"route="/v1/resolutions/{symbol}/cited-by",status="200""#
        ) + sample(
            &metrics,
            requests,
            r#"route="/v1/resolutions/{symbol}/cited-by",status="404""#
        ),
        1.0,
        "{metrics}"
    );
    assert_eq!(
        sample(&metrics, requests, r#"route="unmatched",status="404""#),
        1.0,
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            "resingest_api_request_duration_seconds_count",
            r#"route="/v1/resolutions""#
        ),
        3.0,
        "{metrics}"
    );
    for raw in ["A/RES/71/19", "2769", "/no/such"] {
        assert!(
            !metrics
                .lines()
                .any(|l| l.starts_with("resingest_api") && l.contains(raw)),
            "a raw path {raw} in a label: {metrics}"
        );
    }
    sink.stop().await;
}
