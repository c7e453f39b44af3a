//! `/metrics` (Prometheus text) and `/healthz`: 200 only while connected, consuming and able
//! to work (503 naming the cause while extraction children cannot start or the archive refuses
//! this worker, so a supervisor replaces it rather than let it hold documents it cannot do).

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Router;

use crate::metrics::Metrics;

pub(crate) fn router(metrics: Arc<Metrics>) -> Router {
    let health = metrics.clone();
    resingest_telemetry::router(metrics, move || {
        let metrics = health.clone();
        async move { healthz(&metrics).into_response() }
    })
}

fn healthz(metrics: &Metrics) -> (StatusCode, String) {
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
