//! Polite downloads: one place where every request to a source goes through.
//!
//! - Per-host politeness: requests to one host are spaced by `per_host_interval`, and a
//!   semaphore caps requests in flight over all hosts.
//! - Retries with full-jitter exponential backoff on 5xx, 429, timeouts and broken transfers;
//!   a `Retry-After` (seconds or HTTP date) replaces the jittered delay.
//! - Redirects are followed by hand, hop by hop, only to hosts on the allow-list: a feed cannot
//!   point the fetcher at an internal address.
//! - Bodies stream under `max_body`; a PDF download must start with `%PDF-`, so an HTML page or
//!   an empty 200 is a typed rejection, not a document.
//!
//! This module must never decide what a document is worth publishing: that is [`crate::deliver`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::StatusCode;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::config::HttpConfig;
use crate::metrics::Metrics;
use crate::HttpError;

/// What a successful download gave.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL asked for (before redirects): the one the ledger keeps.
    pub url: String,
    /// The URL the body came from, after redirects.
    pub final_url: String,
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Validators of an earlier download, sent as `If-None-Match` / `If-Modified-Since`.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What the body must look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Pdf,
    Any,
}

/// One failed attempt: retry it, or give up at once.
enum Failure {
    Retry {
        reason: &'static str,
        after: Option<Duration>,
        detail: String,
    },
    Fatal(HttpError),
}

/// The HTTP client every source shares; cheap to clone.
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    config: HttpConfig,
    allowed: Vec<String>,
    /// Per host: the earliest instant the next request may start.
    next_slot: Mutex<HashMap<String, Instant>>,
    slots: Semaphore,
    metrics: Arc<Metrics>,
    cancel: CancellationToken,
}

impl HttpClient {
    pub fn new(
        config: HttpConfig,
        allowed: Vec<String>,
        metrics: Arc<Metrics>,
        cancel: CancellationToken,
    ) -> Result<HttpClient, HttpError> {
        // rustls with ring: no C toolchain for aws-lc, no native TLS. Another part of the
        // process may have installed a provider first, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| HttpError::Client(e.to_string()))?;
        let slots = Semaphore::new(config.concurrency.max(1));
        Ok(HttpClient {
            inner: Arc::new(Inner {
                client,
                config,
                allowed,
                next_slot: Mutex::new(HashMap::new()),
                slots,
                metrics,
                cancel,
            }),
        })
    }

    /// Downloads a PDF from `url`; anything else is a typed error.
    pub async fn get_pdf(
        &self,
        url: &str,
        validators: Option<&Validators>,
    ) -> Result<Fetched, HttpError> {
        self.get(url, Expect::Pdf, validators).await
    }

    /// Downloads `url` under the same rules, with `expect` deciding what the body must be.
    pub async fn get(
        &self,
        url: &str,
        expect: Expect,
        validators: Option<&Validators>,
    ) -> Result<Fetched, HttpError> {
        let start = self.parse_allowed(url)?;
        let max = self.inner.config.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (reason, after, detail) = match self.attempt(&start, expect, validators).await {
                Ok(f) => return Ok(f),
                Err(Failure::Fatal(e)) => {
                    if !matches!(
                        e,
                        HttpError::NotFound { .. } | HttpError::NotModified { .. }
                    ) {
                        self.inner
                            .metrics
                            .rejected
                            .with_label_values(&[e.kind()])
                            .inc();
                    }
                    return Err(e);
                }
                Err(Failure::Retry {
                    reason,
                    after,
                    detail,
                }) => (reason, after, detail),
            };
            if attempt >= max {
                return Err(HttpError::GaveUp {
                    url: url.into(),
                    attempts: attempt,
                    last: detail,
                });
            }
            let c = &self.inner.config;
            let wait = match after {
                Some(after) if after > c.max_retry_after => {
                    tracing::warn!(
                        url,
                        retry_after_s = after.as_secs(),
                        cap_s = c.max_retry_after.as_secs(),
                        "retry-after over the cap"
                    );
                    c.max_retry_after
                }
                Some(after) => after,
                None => full_jitter(c.backoff_base, c.backoff_max, attempt),
            };
            self.inner
                .metrics
                .retries
                .with_label_values(&[reason])
                .inc();
            tracing::info!(url, attempt, reason, %detail, retry_in_ms = wait.as_millis() as u64, "retrying");
            self.sleep(wait).await?;
        }
    }

    fn parse_allowed(&self, url: &str) -> Result<Url, HttpError> {
        let parsed = Url::parse(url).map_err(|e| HttpError::BadUrl {
            url: url.into(),
            detail: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(HttpError::BadUrl {
                url: url.into(),
                detail: "only http and https are fetched".into(),
            });
        }
        if !self.allowed(&parsed) {
            return Err(HttpError::HostNotAllowed { url: url.into() });
        }
        Ok(parsed)
    }

    fn allowed(&self, url: &Url) -> bool {
        url.host_str()
            .is_some_and(|h| self.inner.allowed.iter().any(|a| a.eq_ignore_ascii_case(h)))
    }

    /// One try: the request and its redirects, then the body.
    async fn attempt(
        &self,
        start: &Url,
        expect: Expect,
        validators: Option<&Validators>,
    ) -> Result<Fetched, Failure> {
        let c = &self.inner.config;
        let mut url = start.clone();
        for _ in 0..=c.max_redirects {
            let host = url.host_str().unwrap_or_default().to_owned();
            self.polite(&host).await.map_err(Failure::Fatal)?;
            let _permit = self.inner.slots.acquire().await.expect("never closed");
            let mut request = self.inner.client.get(url.clone());
            if let Some(v) = validators {
                request = request.headers(conditional_headers(v));
            }
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => {
                    self.count_request(&host, "error");
                    return Err(transport_failure(&url, e));
                }
            };
            let status = response.status();
            self.count_request(&host, status_class(status));
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let location = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let next = url.join(&location).map_err(|e| {
                    Failure::Fatal(HttpError::BadUrl {
                        url: location.clone(),
                        detail: e.to_string(),
                    })
                })?;
                if !matches!(next.scheme(), "http" | "https") || !self.allowed(&next) {
                    tracing::warn!(url = %url, %location, "redirect off the allow-list refused");
                    return Err(Failure::Fatal(HttpError::RedirectRefused {
                        url: start.to_string(),
                        location,
                    }));
                }
                url = next;
                continue;
            }
            return self.read(start, &url, response, expect).await;
        }
        Err(Failure::Fatal(HttpError::TooManyRedirects {
            url: start.to_string(),
            max: c.max_redirects,
        }))
    }

    async fn read(
        &self,
        start: &Url,
        url: &Url,
        mut response: reqwest::Response,
        expect: Expect,
    ) -> Result<Fetched, Failure> {
        let status = response.status();
        let name = start.to_string();
        match status {
            StatusCode::NOT_MODIFIED => {
                return Err(Failure::Fatal(HttpError::NotModified { url: name }))
            }
            StatusCode::NOT_FOUND | StatusCode::GONE => {
                return Err(Failure::Fatal(HttpError::NotFound {
                    url: name,
                    status: status.as_u16(),
                }))
            }
            StatusCode::TOO_MANY_REQUESTS => {
                return Err(Failure::Retry {
                    reason: "429",
                    after: retry_after(response.headers(), SystemTime::now()),
                    detail: format!("{url}: status 429"),
                })
            }
            s if s.is_server_error() => {
                return Err(Failure::Retry {
                    reason: "5xx",
                    after: retry_after(response.headers(), SystemTime::now()),
                    detail: format!("{url}: status {}", s.as_u16()),
                })
            }
            s if !s.is_success() => {
                return Err(Failure::Fatal(HttpError::Status {
                    url: name,
                    status: s.as_u16(),
                }))
            }
            _ => {}
        }
        let limit = self.inner.config.max_body;
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(Failure::Fatal(HttpError::TooLarge { url: name, limit }));
        }
        let header = |h: header::HeaderName| {
            response
                .headers()
                .get(h)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let etag = header(header::ETAG);
        let last_modified = header(header::LAST_MODIFIED);
        let content_type = header(header::CONTENT_TYPE);
        let mut body = Vec::new();
        loop {
            let chunk = tokio::select! {
                _ = self.inner.cancel.cancelled() => return Err(Failure::Fatal(HttpError::Cancelled)),
                c = response.chunk() => c,
            };
            match chunk {
                Ok(Some(chunk)) => {
                    self.inner.metrics.bytes.inc_by(chunk.len() as u64);
                    if body.len() as u64 + chunk.len() as u64 > limit {
                        return Err(Failure::Fatal(HttpError::TooLarge { url: name, limit }));
                    }
                    body.extend_from_slice(&chunk);
                    // An HTML page is refused on its first bytes, not after the whole page.
                    if expect == Expect::Pdf && body.len() >= 5 && !body.starts_with(b"%PDF-") {
                        return Err(Failure::Fatal(not_a_pdf(name, &body, content_type)));
                    }
                }
                Ok(None) => break,
                Err(e) => return Err(transport_failure(url, e)),
            }
        }
        if expect == Expect::Pdf {
            if body.is_empty() {
                return Err(Failure::Fatal(HttpError::Empty { url: name }));
            }
            if !body.starts_with(b"%PDF-") {
                return Err(Failure::Fatal(not_a_pdf(name, &body, content_type)));
            }
        }
        Ok(Fetched {
            url: name,
            final_url: url.to_string(),
            body,
            etag,
            last_modified,
        })
    }

    /// Waits for this host's next slot and books the one after it.
    async fn polite(&self, host: &str) -> Result<(), HttpError> {
        let slot = {
            let mut slots = self.inner.next_slot.lock().expect("not poisoned");
            let now = Instant::now();
            let slot = slots.get(host).copied().filter(|t| *t > now).unwrap_or(now);
            slots.insert(host.to_owned(), slot + self.inner.config.per_host_interval);
            slot
        };
        self.sleep(slot.saturating_duration_since(Instant::now()))
            .await
    }

    async fn sleep(&self, d: Duration) -> Result<(), HttpError> {
        if d.is_zero() {
            return Ok(());
        }
        tokio::select! {
            _ = self.inner.cancel.cancelled() => Err(HttpError::Cancelled),
            _ = tokio::time::sleep(d) => Ok(()),
        }
    }

    fn count_request(&self, host: &str, class: &str) {
        self.inner
            .metrics
            .requests
            .with_label_values(&[host, class])
            .inc();
    }
}

fn conditional_headers(v: &Validators) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Some(etag) = v
        .etag
        .as_deref()
        .and_then(|e| HeaderValue::from_str(e).ok())
    {
        h.insert(header::IF_NONE_MATCH, etag);
    }
    if let Some(lm) = v
        .last_modified
        .as_deref()
        .and_then(|e| HeaderValue::from_str(e).ok())
    {
        h.insert(header::IF_MODIFIED_SINCE, lm);
    }
    h
}

fn transport_failure(url: &Url, e: reqwest::Error) -> Failure {
    let reason = if e.is_timeout() {
        "timeout"
    } else {
        "transport"
    };
    // reqwest's Display hides the cause ("error decoding response body"); keep the chain.
    let mut detail = format!("{url}: {e}");
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        detail.push_str(&format!(": {s}"));
        source = s.source();
    }
    Failure::Retry {
        reason,
        after: None,
        detail,
    }
}

fn not_a_pdf(url: String, body: &[u8], content_type: Option<String>) -> HttpError {
    let first = &body[..body.len().min(16)];
    HttpError::NotAPdf {
        url,
        first_bytes: String::from_utf8_lossy(first).into_owned(),
        content_type,
    }
}

fn status_class(s: StatusCode) -> &'static str {
    match s.as_u16() {
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        500..=599 => "5xx",
        _ => "error",
    }
}

/// `Retry-After` as a delay from `now`: delta-seconds or an HTTP date (a past date is zero).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or_default())
}

/// Full jitter (AWS architecture blog): uniform in [0, min(max, base * 2^(attempt-1))).
pub fn full_jitter(base: Duration, max: Duration, attempt: u32) -> Duration {
    let exp = attempt.saturating_sub(1).min(20);
    let ceiling = base.saturating_mul(1u32 << exp).min(max);
    ceiling.mul_f64(random_unit())
}

/// A number in [0, 1); std's per-process random hasher keys are enough for jitter.
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        h.insert(header::RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(90)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(90));
        h.insert(header::RETRY_AFTER, HeaderValue::from_str(&past).unwrap());
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(header::RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn full_jitter_stays_under_the_capped_ceiling() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(1);
        for attempt in 1..30 {
            let ceiling = (base * 2u32.pow((attempt - 1).min(20))).min(max);
            for _ in 0..20 {
                assert!(full_jitter(base, max, attempt) < ceiling.max(Duration::from_nanos(1)));
            }
        }
    }

    #[tokio::test]
    async fn requests_to_one_host_are_spaced_by_the_interval() {
        let config = HttpConfig {
            per_host_interval: Duration::from_millis(50),
            ..HttpConfig::default()
        };
        let client = HttpClient::new(
            config,
            vec![],
            Arc::new(Metrics::new()),
            CancellationToken::new(),
        )
        .unwrap();
        let start = Instant::now();
        for _ in 0..5 {
            client.polite("a.example").await.unwrap();
        }
        // Four waits of 50 ms for one host; another host is not held up by it.
        assert!(start.elapsed() >= Duration::from_millis(200));
        let other = Instant::now();
        client.polite("b.example").await.unwrap();
        assert!(other.elapsed() < Duration::from_millis(40));
    }
}
