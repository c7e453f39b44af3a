//! Webhooks against a real sink, PostgreSQL and a receiver on 127.0.0.1 (issue 20):
//! registration behind the admin token, the SSRF guard, one signed POST per stored
//! resolution, and a retry after a failed delivery, visible at the deliveries endpoint.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use common::{gold, wait_until, TestSink};
use resingest_sink::webhook::{signature, WebhookConfig, SIGNATURE_HEADER};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(30);
const TOKEN: &str = "test-admin-token";

/// What the receiver got: the signature header and the body of each POST.
type Received = Arc<Mutex<Vec<(Option<String>, String)>>>;

/// A receiver on 127.0.0.1 that answers 500 to its first `failures` POSTs, then 200.
async fn receiver(failures: usize) -> (SocketAddr, Received) {
    let got: Received = Arc::default();
    let seen = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let seen = seen.clone();
            async move {
                let sig = headers
                    .get(SIGNATURE_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let mut seen = seen.lock().unwrap();
                seen.push((sig, body));
                if seen.len() <= failures {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, got)
}

async fn start(prefix: &str, token: Option<&str>) -> TestSink {
    let token = token.map(str::to_owned);
    TestSink::start_with(prefix, move |c| {
        c.webhooks = WebhookConfig {
            admin_token: token,
            allow_hosts: vec!["127.0.0.1".into()],
            retry_base: Duration::from_millis(200),
            poll_interval: Duration::from_millis(50),
            ..WebhookConfig::default()
        };
    })
    .await
}

async fn call(
    sink: &TestSink,
    method: reqwest::Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method, format!("http://{}{path}", sink.http));
    if let Some(t) = token {
        req = req.header("Authorization", format!("Bearer {t}"));
    }
    if let Some(b) = body {
        req = req
            .header("Content-Type", "application/json")
            .body(b.to_string());
    }
    let r = req.send().await.expect("request");
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
    };
    (status, v)
}

#[tokio::test]
async fn registration_needs_the_configured_admin_token() {
    let off = start("wh_off", None).await;
    let (status, body) = call(
        &off,
        reqwest::Method::POST,
        "/v1/webhooks",
        Some(TOKEN),
        Some(json!({"url": "http://127.0.0.1:9/hook"})),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("--admin-token"),
        "{body}"
    );
    off.stop().await;

    let sink = start("wh_token", Some(TOKEN)).await;
    let post = |token| {
        call(
            &sink,
            reqwest::Method::POST,
            "/v1/webhooks",
            token,
            Some(json!({"url": "http://127.0.0.1:9/hook", "organ": "SC"})),
        )
    };
    assert_eq!(post(None).await.0, 401);
    assert_eq!(post(Some("wrong")).await.0, 403);
    let (status, created) = post(Some(TOKEN)).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["organ"], "Security Council");
    assert!(created["secret"].as_str().unwrap().len() >= 32, "{created}");
    let (status, list) = call(
        &sink,
        reqwest::Method::GET,
        "/v1/webhooks",
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(
        list["items"][0].get("secret").is_none(),
        "the secret is shown once: {list}"
    );
    let (status, _) = call(&sink, reqwest::Method::GET, "/v1/webhooks", None, None).await;
    assert_eq!(status, 401);
    let path = format!("/v1/webhooks/{}", created["id"]);
    assert_eq!(
        call(&sink, reqwest::Method::DELETE, &path, Some(TOKEN), None)
            .await
            .0,
        204
    );
    assert_eq!(
        call(&sink, reqwest::Method::DELETE, &path, Some(TOKEN), None)
            .await
            .0,
        404
    );
    sink.stop().await;
}

#[tokio::test]
async fn private_targets_are_refused_unless_allowed() {
    let sink = TestSink::start_with("wh_ssrf", |c| {
        c.webhooks.admin_token = Some(TOKEN.into());
    })
    .await;
    for url in [
        "http://127.0.0.1/hook",
        "http://10.0.0.8:8080/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost/hook",
    ] {
        let (status, body) = call(
            &sink,
            reqwest::Method::POST,
            "/v1/webhooks",
            Some(TOKEN),
            Some(json!({ "url": url })),
        )
        .await;
        assert_eq!(status, 400, "{url}: {body}");
        let error = body["error"].as_str().unwrap();
        assert!(error.contains("private addresses"), "{url}: {error}");
        assert!(error.contains("--webhook-allow-host"), "{url}: {error}");
    }
    let (status, body) = call(
        &sink,
        reqwest::Method::POST,
        "/v1/webhooks",
        Some(TOKEN),
        Some(json!({ "url": "ftp://example.org/x" })),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    sink.stop().await;
}

async fn register(sink: &TestSink, addr: SocketAddr) -> (i64, String) {
    let (status, created) = call(
        sink,
        reqwest::Method::POST,
        "/v1/webhooks",
        Some(TOKEN),
        Some(json!({ "url": format!("http://{addr}/hook") })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    (
        created["id"].as_i64().unwrap(),
        created["secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn each_stored_resolution_is_posted_once_signed() {
    let sink = start("wh_deliver", Some(TOKEN)).await;
    let (addr, got) = receiver(0).await;
    let (id, secret) = register(&sink, addr).await;
    let items: Vec<_> = gold().into_iter().take(3).map(|r| (r, None)).collect();
    sink.publish(&items).await;
    wait_until(WAIT, "three webhook POSTs", || {
        got.lock().unwrap().len() >= 3
    })
    .await;
    // A duplicate is not stored again, so it is not posted again.
    sink.publish(&items[..1]).await;
    wait_until(WAIT, "the duplicate", || sink.metric("duplicate") >= 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 3, "one POST per stored resolution");
    let mut symbols = Vec::new();
    for (sig, body) in &got {
        assert_eq!(
            sig.as_deref(),
            Some(signature(&secret, body.as_bytes()).as_str())
        );
        let event: Value = serde_json::from_str(body).unwrap();
        assert_eq!(event["version"], 1, "{event}");
        assert_eq!(event["sha256"].as_str().unwrap().len(), 64, "{event}");
        symbols.push(event["symbol"].as_str().unwrap().to_owned());
    }
    symbols.sort();
    let mut want: Vec<String> = items.iter().map(|(r, _)| r.symbol.clone()).collect();
    want.sort();
    assert_eq!(symbols, want);
    let (status, deliveries) = call(
        &sink,
        reqwest::Method::GET,
        &format!("/v1/webhooks/{id}/deliveries"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(status, 200);
    for d in deliveries["items"].as_array().unwrap() {
        assert_eq!(d["status"], "delivered", "{d}");
        assert_eq!(d["attempts"], 1, "{d}");
        assert_eq!(d["last_status_code"], 200, "{d}");
    }
    sink.stop().await;
}

#[tokio::test]
async fn a_failed_delivery_is_retried_and_its_attempts_shown() {
    let sink = start("wh_retry", Some(TOKEN)).await;
    let (addr, got) = receiver(1).await;
    let (id, secret) = register(&sink, addr).await;
    let items: Vec<_> = gold().into_iter().take(1).map(|r| (r, None)).collect();
    sink.publish(&items).await;
    let path = format!("/v1/webhooks/{id}/deliveries");
    wait_until(WAIT, "the first, failed POST", || {
        !got.lock().unwrap().is_empty()
    })
    .await;
    let mut last = Value::Null;
    for _ in 0..300 {
        let (_, d) = call(&sink, reqwest::Method::GET, &path, Some(TOKEN), None).await;
        last = d["items"][0].clone();
        if last["status"] == "pending" && last["attempts"] == 1 {
            assert_eq!(last["last_status_code"], 500, "{last}");
            assert!(
                last["last_error"].as_str().unwrap().contains("500"),
                "{last}"
            );
            assert!(last["next_attempt_at"].is_string(), "{last}");
        }
        if last["status"] == "delivered" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(last["status"], "delivered", "{last}");
    assert_eq!(last["attempts"], 2, "{last}");
    assert_eq!(last["last_status_code"], 200, "{last}");
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "sent again after the 500");
    assert_eq!(got[0].1, got[1].1, "the same payload");
    let metrics = &sink.running.as_ref().unwrap().metrics.webhook_deliveries;
    assert_eq!(metrics.with_label_values(&["retry"]).get(), 1);
    assert_eq!(metrics.with_label_values(&["delivered"]).get(), 1);
    for (sig, body) in &got {
        assert_eq!(
            sig.as_deref(),
            Some(signature(&secret, body.as_bytes()).as_str())
        );
    }
    sink.stop().await;
}
