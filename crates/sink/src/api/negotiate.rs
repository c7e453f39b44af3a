//! Content negotiation and conditional requests: `Accept` and `Accept-Language` with their
//! quality values (RFC 9110 §12), and `If-None-Match` against an entity tag. Pure header
//! reading: no database, no response building.

use axum::http::{header, HeaderMap, HeaderName};

/// One media range or language tag with its quality, `q=1` when not given.
#[derive(Debug, Clone, PartialEq)]
struct Weighted {
    value: String,
    q: f32,
}

/// Every comma-separated item of every `name` header, lowercased, with its `q`.
fn weighted(headers: &HeaderMap, name: HeaderName) -> Vec<Weighted> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|item| {
            let mut parts = item.split(';');
            let value = parts.next()?.trim().to_ascii_lowercase();
            if value.is_empty() {
                return None;
            }
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0)
                .clamp(0.0, 1.0);
            Some(Weighted { value, q })
        })
        .collect()
}

/// Which of `offers` (media types, the server's preference first) the `Accept` header takes:
/// the highest quality wins, the most specific range that matches an offer sets its quality
/// (`text/html;q=0, */*` refuses HTML only), ties go to the earlier offer. No `Accept` header
/// takes the first offer; `None` when every offer has quality 0.
pub(crate) fn media_type(headers: &HeaderMap, offers: &[&str]) -> Option<usize> {
    let ranges = weighted(headers, header::ACCEPT);
    if ranges.is_empty() {
        return Some(0);
    }
    let quality = |offer: &str| -> f32 {
        let (kind, _) = offer.split_once('/').unwrap_or((offer, ""));
        let mut best: Option<(u8, f32)> = None;
        for r in &ranges {
            let specificity = if r.value == offer {
                3
            } else if r.value.strip_suffix("/*") == Some(kind) {
                2
            } else if r.value == "*/*" || r.value == "*" {
                1
            } else {
                continue;
            };
            if best.is_none_or(|(s, _)| specificity > s) {
                best = Some((specificity, r.q));
            }
        }
        best.map_or(0.0, |(_, q)| q)
    };
    let mut chosen: Option<(usize, f32)> = None;
    for (i, offer) in offers.iter().enumerate() {
        let q = quality(offer);
        if q > 0.0 && chosen.is_none_or(|(_, best)| q > best) {
            chosen = Some((i, q));
        }
    }
    chosen.map(|(i, _)| i)
}

/// The languages of `Accept-Language` as two- or three-letter primary tags, most wanted first
/// (`fr-CH, fr;q=0.9, en;q=0.8` -> `fr, en`); `*` and quality 0 are left out.
pub(crate) fn languages(headers: &HeaderMap) -> Vec<String> {
    let mut tags = weighted(headers, header::ACCEPT_LANGUAGE);
    // Stable: equal qualities keep the order the client wrote them in.
    tags.sort_by(|a, b| b.q.total_cmp(&a.q));
    let mut out: Vec<String> = Vec::new();
    for t in tags {
        let primary = t.value.split('-').next().unwrap_or_default().to_owned();
        let plausible =
            (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
        if t.q > 0.0 && plausible && !out.contains(&primary) {
            out.push(primary);
        }
    }
    out
}

/// True when `If-None-Match` names `etag` (weakly compared, as RFC 9110 §13.1.2 asks) or is
/// `*`: the client's copy is current and the answer is a 304.
pub(crate) fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    let want = strip(etag);
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == "*" || strip(t) == want)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with(name: HeaderName, value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_static(value));
        h
    }

    const OFFERS: [&str; 3] = ["application/json", "application/akn+xml", "application/xml"];

    #[test]
    fn accept_quality_values_choose_the_offer() {
        let pick = |v| media_type(&with(header::ACCEPT, v), &OFFERS);
        assert_eq!(media_type(&HeaderMap::new(), &OFFERS), Some(0));
        assert_eq!(pick("application/akn+xml"), Some(1));
        assert_eq!(pick("application/xml"), Some(2));
        assert_eq!(
            pick("application/json;q=0.5, application/akn+xml;q=0.9"),
            Some(1)
        );
        assert_eq!(pick("application/*"), Some(0));
        assert_eq!(pick("*/*;q=0.1, application/akn+xml"), Some(1));
        // The specific range refuses JSON although */* would take it.
        assert_eq!(pick("application/json;q=0, */*"), Some(1));
        assert_eq!(pick("text/html"), None);
        assert_eq!(pick("application/json;q=0"), None);
    }

    #[test]
    fn accept_language_orders_primary_tags_by_quality() {
        let h = with(
            header::ACCEPT_LANGUAGE,
            "en;q=0.3, fr-CH, fr;q=0.9, de;q=0, *;q=0.1, zh-Hans-CN;q=0.8",
        );
        assert_eq!(languages(&h), ["fr", "zh", "en"]);
        assert!(languages(&HeaderMap::new()).is_empty());
    }

    #[test]
    fn if_none_match_compares_weakly_and_takes_a_star() {
        let etag = "\"abc.1.json\"";
        assert!(not_modified(
            &with(header::IF_NONE_MATCH, "\"x\", W/\"abc.1.json\""),
            etag
        ));
        assert!(not_modified(&with(header::IF_NONE_MATCH, "*"), etag));
        assert!(!not_modified(
            &with(header::IF_NONE_MATCH, "\"abc.1.akn\""),
            etag
        ));
        assert!(!not_modified(&HeaderMap::new(), etag));
    }
}
