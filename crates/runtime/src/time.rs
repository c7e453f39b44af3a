//! Times as operators and readers type them.

use chrono::{DateTime, NaiveDate, Utc};

/// `since`: an RFC 3339 time, or a `YYYY-MM-DD` date meaning its midnight UTC. The error names
/// the text and both accepted forms.
pub fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
        .map_err(|_| {
            format!("`{text}` is not a date or a time: expected 2025-01-31 or 2025-01-31T12:00:00Z")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_midnight_utc_and_times_keep_their_offset() {
        assert_eq!(
            parse_since("2025-01-31").unwrap().to_rfc3339(),
            "2025-01-31T00:00:00+00:00"
        );
        assert_eq!(
            parse_since("2025-01-31T12:00:00+02:00")
                .unwrap()
                .to_rfc3339(),
            "2025-01-31T10:00:00+00:00"
        );
        let err = parse_since("yesterday").unwrap_err();
        assert!(
            err.contains("`yesterday`") && err.contains("2025-01-31"),
            "{err}"
        );
    }
}
