//! How every role reads durations, sizes and addresses, so one flag reads like the next:
//! durations with units (`30s`, `200ms`, `10m`, humantime's syntax), sizes with units (`512MiB`,
//! bytesize's syntax), addresses by name (`localhost:8080`). A bare number keeps meaning what
//! the flag's old spelling meant (seconds for `--grace`, milliseconds for `--batch-latency-ms`,
//! bytes for sizes), so compose files, manifests and scripts written before keep working.

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// A duration with units; a bare number is seconds (`--grace 30`, `--timeout 2.5`).
pub fn duration(s: &str) -> Result<Duration, String> {
    duration_in(s, 1.0)
}

/// A duration with units; a bare number is milliseconds (the old `--*-ms` flags).
pub fn millis(s: &str) -> Result<Duration, String> {
    duration_in(s, 0.001)
}

/// A positive duration with units; a bare number is seconds.
pub fn positive_duration(s: &str) -> Result<Duration, String> {
    match duration(s)? {
        d if d.is_zero() => Err(format!("`{s}` must be more than zero")),
        d => Ok(d),
    }
}

fn duration_in(s: &str, seconds_per_unit: f64) -> Result<Duration, String> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return Duration::try_from_secs_f64(n * seconds_per_unit)
            .map_err(|_| format!("`{s}` is not a duration: it must be finite and not negative"));
    }
    humantime::parse_duration(s)
        .map_err(|e| format!("`{s}` is not a duration ({e}): write it like 200ms, 30s, 10m or 1h"))
}

/// A size with units (`512MiB`, `4 MB`); a bare number is bytes.
pub fn bytes(s: &str) -> Result<u64, String> {
    let s = s.trim();
    if let Ok(n) = s.parse::<u64>() {
        return Ok(n);
    }
    s.parse::<bytesize::ByteSize>()
        .map(|b| b.0)
        .map_err(|e| format!("`{s}` is not a size ({e}): write it like 1048576, 512KiB or 2GiB"))
}

/// [`bytes`] as a `ByteSize`, whose Display (`2.0 GiB`) is what `--help` shows.
pub fn byte_size(s: &str) -> Result<bytesize::ByteSize, String> {
    bytes(s).map(bytesize::ByteSize)
}

/// [`positive_duration`] as a humantime `Duration`, whose Display (`2m`) is what `--help` shows.
pub fn human_duration(s: &str) -> Result<humantime::Duration, String> {
    positive_duration(s).map(Into::into)
}

/// `host:port`, where host may be a name (`localhost:8080`) as well as an address; the first
/// address the name resolves to is taken.
pub fn socket_addr(s: &str) -> Result<SocketAddr, String> {
    if let Ok(a) = s.parse() {
        return Ok(a);
    }
    s.to_socket_addrs()
        .map_err(|e| format!("`{s}` is not host:port ({e})"))?
        .next()
        .ok_or_else(|| format!("`{s}` resolves to no address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_units_and_bare_numbers_keep_the_old_unit() {
        assert_eq!(duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(duration("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(duration("1m 30s"), Ok(Duration::from_secs(90)));
        assert_eq!(millis("200"), Ok(Duration::from_millis(200)));
        assert_eq!(millis("200ms"), Ok(Duration::from_millis(200)));
        assert_eq!(millis("1s"), Ok(Duration::from_secs(1)));
        assert!(duration("ten").unwrap_err().contains("`ten`"));
        assert!(duration("-1").is_err());
        assert!(positive_duration("0s").is_err());
    }

    #[test]
    fn sizes_take_units_and_bare_numbers_are_bytes() {
        assert_eq!(bytes("1048576"), Ok(1 << 20));
        assert_eq!(bytes("1MiB"), Ok(1 << 20));
        assert_eq!(bytes("2 GiB"), Ok(2 << 30));
        assert!(bytes("lots").unwrap_err().contains("`lots`"));
    }

    #[test]
    fn addresses_may_name_the_host() {
        assert_eq!(socket_addr("127.0.0.1:8080").unwrap().port(), 8080);
        let local = socket_addr("localhost:8080").unwrap();
        assert!(local.ip().is_loopback() && local.port() == 8080, "{local}");
        assert!(socket_addr("localhost").is_err());
    }
}
