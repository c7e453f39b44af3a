//! `/metrics` (Prometheus text) and `/healthz`: 200 only while connected, consuming and able
//! to work (503 naming the cause while extraction children cannot start or the archive refuses
//! this worker, so a supervisor replaces it rather than let it hold documents it cannot do).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

use crate::metrics::Metrics;

pub(crate) fn router(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/metrics", get(metrics_text))
        .route("/healthz", get(healthz))
        .with_state(metrics)
}

async fn metrics_text(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        metrics.render(),
    )
}

async fn healthz(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    if metrics.consuming.get() != 1 {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "not consuming\n".to_owned(),
        );
    }
    let faults = metrics.faults();
    if faults.is_empty() {
        return (StatusCode::OK, "consuming\n".to_owned());
    }
    let mut body = String::new();
    for (what, fault) in faults {
        body.push_str(&format!(
            "failing: {what} for {} s: {}\n",
            fault.since.elapsed().as_secs(),
            fault.error
        ));
    }
    (StatusCode::SERVICE_UNAVAILABLE, body)
}
