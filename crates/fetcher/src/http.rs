//! Polite downloads: one place where every request to a source goes through.
//!
//! - Per-host politeness: requests to one host are spaced by `per_host_interval` (or a longer
//!   interval set for that host, the Digital Library's `Crawl-Delay`), and at most
//!   `concurrency` are in flight per host, so one slow host or `Retry-After` holds up only
//!   its own requests.
//! - Retries with jittered exponential backoff (the roles' one [`Backoff`]) on 5xx, 429,
//!   timeouts and broken transfers;
//!   a `Retry-After` (seconds or HTTP date) replaces the jittered delay, raised to a floor and
//!   capped; the waits of one poll have a ceiling, past which the poll stops as an outage.
//! - Browser-like requests (User-Agent, `Accept: application/pdf`, the viewer's `Referer`):
//!   the symbol API sends anything else to its `/error` page.
//! - Redirects are followed by hand, hop by hop, only to origins (scheme, host, port) on the
//!   allow-list; the symbol API's uppercase `/doc/UNDOC/...PDF` is followed in lowercase, where
//!   the PDF is served. Names are resolved by a guard that refuses loopback and private
//!   addresses at connect time, so neither a feed nor DNS can point the fetcher inward.
//! - Every answer is classified ([`crate::error::Answer`]): only a body that starts with
//!   `%PDF-` is a document; a 202 or a WAF header is a challenge, a redirect to `/error` or an
//!   html page is ambiguous, an empty 200 is "not yet published".
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

use resingest_runtime::Backoff;

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
    /// Starts with `%PDF-`.
    Pdf,
    /// An XML document (OAI-PMH): an empty body or an html page is a refusal.
    Xml,
    Any,
}

/// One request: what it expects, and the headers that depend on the document.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub expect: Expect,
    pub validators: Option<&'a Validators>,
    /// Sent as `Referer`.
    pub referer: Option<&'a str>,
}

impl Request<'_> {
    pub fn new(expect: Expect) -> Request<'static> {
        Request {
            expect,
            validators: None,
            referer: None,
        }
    }
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

/// An allow-list entry: `https://host[:port]` pins scheme and port, a bare host does not.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: Option<String>,
    host: String,
    port: Option<u16>,
}

impl Origin {
    fn parse(entry: &str) -> Option<Origin> {
        let entry = entry.trim();
        if entry.contains("://") {
            let u = Url::parse(entry).ok()?;
            return Some(Origin {
                scheme: Some(u.scheme().to_owned()),
                host: u.host_str()?.to_ascii_lowercase(),
                port: u.port_or_known_default(),
            });
        }
        Some(Origin {
            scheme: None,
            host: entry.to_ascii_lowercase(),
            port: None,
        })
    }

    fn admits(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        self.host.eq_ignore_ascii_case(host)
            && self.scheme.as_deref().is_none_or(|s| s == url.scheme())
            && self
                .port
                .is_none_or(|p| Some(p) == url.port_or_known_default())
    }
}

pub use resingest_http::guard::is_public;
use resingest_http::guard::PrivateOnly;

/// Resolves names for every connection and keeps only public addresses (unless the name is
/// trusted as private): the address checked is the address connected to, so a name cannot
/// resolve to a public address for a check and to an internal one for the connection.
struct GuardedResolver {
    private_hosts: Vec<String>,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        let trusted = resingest_http::guard::is_trusted(&host, &self.private_hosts);
        Box::pin(async move {
            let public = resingest_http::guard::resolve_public(&host, 0, trusted).await?;
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The HTTP client every source shares; cheap to clone.
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    config: HttpConfig,
    allowed: Vec<Origin>,
    /// Per host: the earliest instant the next request may start.
    next_slot: Mutex<HashMap<String, Instant>>,
    /// Per host: a longer interval than `per_host_interval` (robots.txt `Crawl-Delay`).
    intervals: Mutex<HashMap<String, Duration>>,
    /// Per host: `concurrency` requests in flight at most.
    slots: Mutex<HashMap<String, Arc<Semaphore>>>,
    /// Retry waits of the current poll.
    waited: Mutex<Duration>,
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
            .dns_resolver(GuardedResolver {
                private_hosts: config.private_hosts.clone(),
            })
            .build()
            .map_err(|e| HttpError::Client(e.to_string()))?;
        let allowed = allowed.iter().filter_map(|a| Origin::parse(a)).collect();
        Ok(HttpClient {
            inner: Arc::new(Inner {
                client,
                config,
                allowed,
                next_slot: Mutex::new(HashMap::new()),
                intervals: Mutex::new(HashMap::new()),
                slots: Mutex::new(HashMap::new()),
                waited: Mutex::new(Duration::ZERO),
                metrics,
                cancel,
            }),
        })
    }

    /// A new poll: its retry waits count from zero.
    pub fn begin_poll(&self) {
        *self.inner.waited.lock().expect("not poisoned") = Duration::ZERO;
    }

    /// Spaces requests to `host` by at least `interval` (a `Crawl-Delay`).
    pub fn set_interval(&self, host: &str, interval: Duration) {
        self.inner
            .intervals
            .lock()
            .expect("not poisoned")
            .insert(host.to_ascii_lowercase(), interval);
    }

    /// Downloads a PDF from `url`; anything else is a typed error.
    pub async fn get_pdf(
        &self,
        url: &str,
        validators: Option<&Validators>,
        referer: Option<&str>,
    ) -> Result<Fetched, HttpError> {
        let request = Request {
            expect: Expect::Pdf,
            validators,
            referer,
        };
        let started = std::time::Instant::now();
        let result = self.get(url, &request).await;
        self.inner
            .metrics
            .fetch_seconds
            .observe(started.elapsed().as_secs_f64());
        result
    }

    /// Downloads `url` under the same rules, `request.expect` deciding what the body must be.
    pub async fn get(&self, url: &str, request: &Request<'_>) -> Result<Fetched, HttpError> {
        let start = self.parse_allowed(url)?;
        let max = self.inner.config.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let (reason, after, detail) = match self.attempt(&start, request).await {
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
                Some(after) => after.max(c.min_retry_after),
                None => Backoff::delay_of_attempt(c.backoff_base, c.backoff_max, attempt),
            };
            {
                let mut waited = self.inner.waited.lock().expect("not poisoned");
                if *waited + wait > c.max_wait_per_poll {
                    return Err(HttpError::WaitCeiling {
                        url: url.into(),
                        ceiling: c.max_wait_per_poll,
                        last: detail,
                    });
                }
                *waited += wait;
            }
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
        self.inner.allowed.iter().any(|a| a.admits(url))
    }

    /// This host's semaphore of `concurrency` slots.
    fn host_slots(&self, host: &str) -> Arc<Semaphore> {
        let mut slots = self.inner.slots.lock().expect("not poisoned");
        slots
            .entry(host.to_owned())
            .or_insert_with(|| Arc::new(Semaphore::new(self.inner.config.concurrency.max(1))))
            .clone()
    }

    /// One try: the request and its redirects, then the body.
    async fn attempt(&self, start: &Url, r: &Request<'_>) -> Result<Fetched, Failure> {
        let c = &self.inner.config;
        let mut url = start.clone();
        for _ in 0..=c.max_redirects {
            let host = url.host_str().unwrap_or_default().to_owned();
            let slots = self.host_slots(&host);
            let _permit = tokio::select! {
                _ = self.inner.cancel.cancelled() => return Err(Failure::Fatal(HttpError::Cancelled)),
                p = slots.acquire_owned() => p.expect("never closed"),
            };
            self.polite(&host).await.map_err(Failure::Fatal)?;
            let mut request = self.inner.client.get(url.clone());
            if let Some(v) = r.validators {
                request = request.headers(conditional_headers(v));
            }
            if r.expect == Expect::Pdf {
                request = request.header(header::ACCEPT, c.accept.as_str());
            }
            if let Some(referer) = r.referer {
                request = request.header(header::REFERER, referer);
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
            if let Some(e) = challenge(start, &response) {
                return Err(Failure::Fatal(e));
            }
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                let location = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let mut next = url.join(&location).map_err(|e| {
                    Failure::Fatal(HttpError::BadUrl {
                        url: location.clone(),
                        detail: e.to_string(),
                    })
                })?;
                if is_error_page(&next) {
                    return Err(Failure::Fatal(HttpError::ErrorPage {
                        url: start.to_string(),
                        location,
                    }));
                }
                lowercase_ods_path(&mut next);
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
            return self.read(start, &url, response, r.expect).await;
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
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                return Err(Failure::Fatal(HttpError::Refused {
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
                    if expect == Expect::Xml && body.len() >= 64 && looks_like_html(&body, None) {
                        return Err(Failure::Fatal(not_xml(name, &body)));
                    }
                }
                Ok(None) => break,
                Err(e) => return Err(transport_failure(url, e)),
            }
        }
        match expect {
            Expect::Pdf if body.is_empty() => {
                return Err(Failure::Fatal(HttpError::Empty { url: name }))
            }
            Expect::Pdf if !body.starts_with(b"%PDF-") => {
                return Err(Failure::Fatal(not_a_pdf(name, &body, content_type)))
            }
            Expect::Xml
                if body.iter().all(u8::is_ascii_whitespace)
                    || looks_like_html(&body, content_type.as_deref()) =>
            {
                return Err(Failure::Fatal(not_xml(name, &body)))
            }
            _ => {}
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
        let interval = self
            .inner
            .intervals
            .lock()
            .expect("not poisoned")
            .get(&host.to_ascii_lowercase())
            .copied()
            .unwrap_or_default()
            .max(self.inner.config.per_host_interval);
        let slot = {
            let mut slots = self.inner.next_slot.lock().expect("not poisoned");
            let now = Instant::now();
            let slot = slots.get(host).copied().filter(|t| *t > now).unwrap_or(now);
            slots.insert(host.to_owned(), slot + interval);
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
        self.inner.metrics.liveness.beat();
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

/// A firewall challenge: HTTP 202 (the Digital Library's WAF answers so, with an empty body)
/// or any answer carrying `x-amzn-waf-action`.
fn challenge(start: &Url, response: &reqwest::Response) -> Option<HttpError> {
    let waf = response
        .headers()
        .get("x-amzn-waf-action")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (response.status() == StatusCode::ACCEPTED || waf.is_some()).then(|| HttpError::Challenge {
        url: start.to_string(),
        status: response.status().as_u16(),
        waf,
    })
}

/// The symbol API's `/error` page, where it sends what it will not serve.
fn is_error_page(url: &Url) -> bool {
    url.path_segments()
        .and_then(|mut s| s.next())
        .is_some_and(|first| first.eq_ignore_ascii_case("error"))
}

/// The symbol API redirects to `/doc/UNDOC/GEN/N24/080/81/PDF/N2408081.PDF`, but the PDF is
/// served only at the lowercase path; the uppercase one gives a small html page.
fn lowercase_ods_path(url: &mut Url) {
    let lower = url.path().to_ascii_lowercase();
    if lower.starts_with("/doc/undoc/") && lower != url.path() {
        url.set_path(&lower);
    }
}

fn looks_like_html(body: &[u8], content_type: Option<&str>) -> bool {
    if content_type.is_some_and(|c| c.to_ascii_lowercase().contains("text/html")) {
        return true;
    }
    let start: Vec<u8> = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace() || **b == 0xef || **b == 0xbb || **b == 0xbf)
        .take(15)
        .map(u8::to_ascii_lowercase)
        .collect();
    start.starts_with(b"<!doctype html") || start.starts_with(b"<html")
}

fn not_xml(url: String, body: &[u8]) -> HttpError {
    HttpError::Unexpected {
        url,
        expected: "an xml feed",
        detail: if body.iter().all(u8::is_ascii_whitespace) {
            "an empty body".into()
        } else {
            format!(
                "an html page ({:?})",
                String::from_utf8_lossy(&body[..body.len().min(32)])
            )
        },
    }
}

fn transport_failure(url: &Url, e: reqwest::Error) -> Failure {
    {
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            if let Some(p) = s.downcast_ref::<PrivateOnly>() {
                let addrs: Vec<String> = p.addrs.iter().map(|a| a.ip().to_string()).collect();
                return Failure::Fatal(HttpError::PrivateAddress {
                    url: url.to_string(),
                    host: p.host.clone(),
                    addrs: addrs.join(", "),
                });
            }
            source = s.source();
        }
    }
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
    if looks_like_html(body, content_type.as_deref()) {
        return HttpError::HtmlPage { url, content_type };
    }
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
    fn origins_compare_scheme_host_and_port() {
        let u = |s: &str| Url::parse(s).unwrap();
        let pinned = Origin::parse("https://documents.un.org").unwrap();
        assert!(pinned.admits(&u("https://documents.un.org/api/symbol/access")));
        assert!(pinned.admits(&u("https://DOCUMENTS.un.org:443/x")));
        assert!(!pinned.admits(&u("http://documents.un.org/x")));
        assert!(!pinned.admits(&u("https://documents.un.org:8443/x")));
        assert!(!pinned.admits(&u("https://documents.un.org.evil.example/x")));
        let bare = Origin::parse("127.0.0.1").unwrap();
        assert!(bare.admits(&u("http://127.0.0.1:1234/x")));
        assert!(!bare.admits(&u("http://localhost:1234/x")));
    }

    #[test]
    fn the_symbol_apis_uppercase_path_is_followed_in_lowercase() {
        let mut u =
            Url::parse("https://documents.un.org/doc/UNDOC/GEN/N24/080/81/PDF/N2408081.PDF")
                .unwrap();
        lowercase_ods_path(&mut u);
        assert_eq!(u.path(), "/doc/undoc/gen/n24/080/81/pdf/n2408081.pdf");
        let mut other = Url::parse("https://h/record/1/files/A_RES_80_5-EN.pdf").unwrap();
        lowercase_ods_path(&mut other);
        assert_eq!(other.path(), "/record/1/files/A_RES_80_5-EN.pdf");
        assert!(is_error_page(
            &Url::parse("https://documents.un.org/error").unwrap()
        ));
        assert!(!is_error_page(
            &Url::parse("https://h/errors-annex.pdf").unwrap()
        ));
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
