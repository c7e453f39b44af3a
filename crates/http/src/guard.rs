//! The SSRF guard every role that connects to a URL it was given shares (the fetcher's
//! sources, the sink's webhooks): a name is resolved and only public addresses are kept,
//! unless the host is trusted as private (a local mirror, a test receiver). Use
//! [`resolve_public`] from the HTTP client's resolver, so the address checked is the address
//! connected to and a name cannot resolve to a public address for a check and to an internal
//! one for the connection.

use std::net::{IpAddr, SocketAddr};

/// True for an address a public service can have: not loopback, private, link-local,
/// shared (CGNAT), unspecified or multicast.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// The refusal: `host` resolved only to loopback or private addresses (`addrs`).
#[derive(Debug)]
pub struct PrivateOnly {
    pub host: String,
    pub addrs: Vec<SocketAddr>,
}

impl std::fmt::Display for PrivateOnly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} resolves only to private addresses", self.host)
    }
}

impl std::error::Error for PrivateOnly {}

/// True when `host` is listed in `trusted` (case-insensitive): it may be private.
pub fn is_trusted(host: &str, trusted: &[String]) -> bool {
    trusted.iter().any(|h| h.eq_ignore_ascii_case(host))
}

/// Resolves `host` (a name or a literal address; port `port`) and keeps the public addresses,
/// or all of them when `trusted`. No address left is a [`PrivateOnly`] error.
pub async fn resolve_public(
    host: &str,
    port: u16,
    trusted: bool,
) -> Result<Vec<SocketAddr>, Box<dyn std::error::Error + Send + Sync>> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port)).await?.collect();
    let public: Vec<SocketAddr> = addrs
        .iter()
        .copied()
        .filter(|a| trusted || is_public(a.ip()))
        .collect();
    if public.is_empty() {
        return Err(Box::new(PrivateOnly {
            host: host.to_owned(),
            addrs,
        }));
    }
    Ok(public)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_loopback_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["157.150.185.49", "2606:4700::1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn loopback_is_refused_unless_trusted() {
        let err = resolve_public("127.0.0.1", 80, false).await.unwrap_err();
        assert!(err.downcast_ref::<PrivateOnly>().is_some(), "{err}");
        assert!(!resolve_public("127.0.0.1", 80, true)
            .await
            .unwrap()
            .is_empty());
    }
}
