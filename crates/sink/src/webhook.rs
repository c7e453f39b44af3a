//! Webhook delivery: a background task that POSTs each due row of `webhook_deliveries` (one
//! per target and stored resolution, written in the storing transaction by [`crate::store`])
//! to its target, signed with the target's secret, until the target answers 2xx. Rows are
//! claimed with `FOR UPDATE SKIP LOCKED`, so several sinks share the work without sending a
//! row twice at once; a crash between the POST and the update sends it again (at least once).
//! A failure (transport error or non-2xx) is retried after `retry_base * 2^(attempts-1)`,
//! capped at an hour; after `max_attempts` the row is `failed`.

use std::time::Duration;

use sha2::{Digest, Sha256};
use sqlx::{PgPool, Row};
use tokio_util::sync::CancellationToken;

/// The header carrying `sha256=<hex HMAC-SHA256 of the body>`.
pub const SIGNATURE_HEADER: &str = "X-Resingest-Signature";
/// Rows claimed per round.
const CLAIM: i64 = 32;
/// Longest wait between two attempts at one row.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// How webhooks are registered and delivered.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Bearer token of the admin routes (`/v1/webhooks`); `None`: those routes are off.
    pub admin_token: Option<String>,
    /// Hosts a target may have although they resolve to loopback or private addresses.
    pub allow_hosts: Vec<String>,
    /// Wait before the first retry; doubled at each further failure.
    pub retry_base: Duration,
    /// Attempts at one delivery before it is `failed`.
    pub max_attempts: i32,
    /// Timeout of one POST (connect and answer).
    pub timeout: Duration,
    /// How often due deliveries are looked for.
    pub poll_interval: Duration,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            admin_token: None,
            allow_hosts: Vec::new(),
            retry_base: Duration::from_secs(5),
            max_attempts: 12,
            timeout: Duration::from_secs(10),
            poll_interval: Duration::from_millis(500),
        }
    }
}

/// HMAC-SHA256 (RFC 2104) of `message` with `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| k.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// The value of [`SIGNATURE_HEADER`] for `body` signed with `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(hmac_sha256(secret.as_bytes(), body))
    )
}

/// Resolves target names for every connection and keeps public addresses only, unless the
/// host is allowed: the check of registration is made again on the address connected to.
struct Guarded {
    allow_hosts: Vec<String>,
}

impl reqwest::dns::Resolve for Guarded {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        let trusted = resingest_http::guard::is_trusted(&host, &self.allow_hosts);
        Box::pin(async move {
            let addrs = resingest_http::guard::resolve_public(&host, 0, trusted).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Why `url` may not be a target, or `None`. Literal addresses are checked here (reqwest does
/// not resolve them), names at registration and again at each connection.
pub async fn refusal(url: &str, allow_hosts: &[String]) -> Option<String> {
    let parsed = match url::Url::parse(url) {
        Ok(u) => u,
        Err(e) => return Some(format!("`{url}` is not a URL: {e}")),
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Some(format!(
            "`{url}`: only http and https targets are supported"
        ));
    }
    let Some(host) = parsed.host_str() else {
        return Some(format!("`{url}` has no host"));
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if resingest_http::guard::is_trusted(bare, allow_hosts)
        || resingest_http::guard::is_trusted(host, allow_hosts)
    {
        return None;
    }
    let port = parsed.port_or_known_default().unwrap_or(80);
    match resingest_http::guard::resolve_public(bare, port, false).await {
        Ok(_) => None,
        Err(e) => match e.downcast_ref::<resingest_http::guard::PrivateOnly>() {
            Some(p) => {
                let addrs: Vec<String> = p.addrs.iter().map(|a| a.ip().to_string()).collect();
                Some(format!(
                    "`{host}` resolves only to loopback or private addresses ({}); refused \
                     (start the sink with --webhook-allow-host {bare} if it is a trusted \
                     receiver)",
                    addrs.join(", ")
                ))
            }
            None => Some(format!("`{host}` does not resolve: {e}")),
        },
    }
}

/// Delivers due webhooks until `stop`.
pub async fn run(
    pool: PgPool,
    config: WebhookConfig,
    metrics: std::sync::Arc<crate::Metrics>,
    stop: CancellationToken,
) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = match reqwest::Client::builder()
        .user_agent(concat!("resingest-sink/", env!("CARGO_PKG_VERSION")))
        .timeout(config.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Guarded {
            allow_hosts: config.allow_hosts.clone(),
        })
        .build()
    {
        Ok(c) => c,
        Err(error) => {
            tracing::error!(%error, "webhook client could not be built; no webhooks delivered");
            return;
        }
    };
    let mut tick = tokio::time::interval(config.poll_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tick.tick() => {}
        }
        loop {
            match round(&pool, &client, &config, &metrics).await {
                Ok(n) if n as i64 == CLAIM => continue,
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(error = %resingest_runtime::pg::describe(&error), "webhook deliveries unavailable; will retry");
                    break;
                }
            }
        }
    }
}

/// Claims due deliveries, POSTs them concurrently, records each outcome; returns how many.
async fn round(
    pool: &PgPool,
    client: &reqwest::Client,
    config: &WebhookConfig,
    metrics: &crate::Metrics,
) -> Result<usize, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let rows = sqlx::query(
        "SELECT d.id, d.payload::text AS payload, d.attempts, w.url, w.secret \
         FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
         WHERE d.status = 'pending' AND d.next_attempt_at <= now() \
         ORDER BY d.next_attempt_at, d.id LIMIT $1 FOR UPDATE OF d SKIP LOCKED",
    )
    .bind(CLAIM)
    .fetch_all(&mut *tx)
    .await?;
    let sends = rows.iter().map(|row| async move {
        let id: i64 = row.get("id");
        let payload: String = row.get("payload");
        let url: String = row.get("url");
        let secret: String = row.get("secret");
        let sent = client
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE_HEADER, signature(&secret, payload.as_bytes()))
            .body(payload)
            .send()
            .await;
        let outcome = match sent {
            Ok(r) if r.status().is_success() => (Some(r.status().as_u16() as i32), None),
            Ok(r) => (
                Some(r.status().as_u16() as i32),
                Some(format!("answered {}", r.status())),
            ),
            Err(e) => (e.status().map(|s| s.as_u16() as i32), Some(chain(&e))),
        };
        (id, row.get::<i32, _>("attempts") + 1, outcome)
    });
    let done = futures_util::future::join_all(sends).await;
    for (id, attempts, (code, error)) in &done {
        let backoff = config
            .retry_base
            .saturating_mul(1u32 << (*attempts - 1).clamp(0, 20))
            .min(MAX_BACKOFF);
        let status = match error {
            None => "delivered",
            Some(_) if *attempts >= config.max_attempts => "failed",
            Some(_) => "pending",
        };
        let outcome = if status == "pending" { "retry" } else { status };
        metrics
            .webhook_deliveries
            .with_label_values(&[outcome])
            .inc();
        if let Some(error) = error {
            tracing::info!(delivery = id, attempts, %error, status, "webhook delivery failed");
        }
        sqlx::query(
            "UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status_code = $4, \
             last_error = $5, delivered_at = CASE WHEN $2 = 'delivered' THEN now() END, \
             next_attempt_at = now() + make_interval(secs => $6) WHERE id = $1",
        )
        .bind(id)
        .bind(status)
        .bind(attempts)
        .bind(code)
        .bind(error)
        .bind(backoff.as_secs_f64())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(done.len())
}

/// An error with its sources, in one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2.
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than a block.
        assert_eq!(
            hex::encode(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }
}
