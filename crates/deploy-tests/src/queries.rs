//! The PromQL the operators see: every Grafana panel target and every alert rule, with where it
//! came from, so a failing check names the panel or alert.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

/// One expression and where it lives (`dashboard "title" / panel "title"`, `alert Name`).
#[derive(Debug, Clone)]
pub struct Query {
    pub origin: String,
    pub expr: String,
}

/// Prometheus targets of every panel of a dashboard (rows' nested panels included); SQL panels
/// are not PromQL and are left out.
pub fn dashboard_queries(dashboard: &Json) -> Vec<Query> {
    let title = dashboard["title"].as_str().unwrap_or("?");
    let mut out = Vec::new();
    let mut stack: Vec<&Json> = dashboard["panels"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    while let Some(panel) = stack.pop() {
        stack.extend(panel["panels"].as_array().into_iter().flatten());
        for target in panel["targets"].as_array().into_iter().flatten() {
            if let Some(expr) = target["expr"].as_str() {
                out.push(Query {
                    origin: format!(
                        "dashboard {title:?} / panel {:?} / {}",
                        panel["title"].as_str().unwrap_or("?"),
                        target["refId"].as_str().unwrap_or("?")
                    ),
                    expr: expr.to_owned(),
                });
            }
        }
    }
    out
}

/// SQL targets (`rawSql`) of a dashboard, for the PostgreSQL data source.
pub fn dashboard_sql(dashboard: &Json) -> Vec<Query> {
    let title = dashboard["title"].as_str().unwrap_or("?");
    let mut out = Vec::new();
    for panel in dashboard["panels"].as_array().into_iter().flatten() {
        for target in panel["targets"].as_array().into_iter().flatten() {
            if let Some(sql) = target["rawSql"].as_str() {
                out.push(Query {
                    origin: format!(
                        "dashboard {title:?} / panel {:?}",
                        panel["title"].as_str().unwrap_or("?")
                    ),
                    expr: sql.to_owned(),
                });
            }
        }
    }
    out
}

/// Every `alert:` rule of a Prometheus rule file.
pub fn alert_queries(rules: &Yaml) -> Vec<Query> {
    let mut out = Vec::new();
    for group in rules["groups"].as_sequence().into_iter().flatten() {
        for rule in group["rules"].as_sequence().into_iter().flatten() {
            if let (Some(name), Some(expr)) = (rule["alert"].as_str(), rule["expr"].as_str()) {
                out.push(Query {
                    origin: format!("alert {name}"),
                    expr: expr.trim().to_owned(),
                });
            }
        }
    }
    out
}

/// The dashboards under `dir` (`*.json`), parsed.
pub fn dashboards(dir: &Path) -> Vec<Json> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            serde_json::from_str(&crate::repo::read(p))
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", p.display()))
        })
        .collect()
}

/// Grafana's interval variables replaced by what Prometheus accepts, so a panel's expression
/// can be sent as it is.
pub fn expand_grafana_variables(expr: &str) -> String {
    expr.replace("$__rate_interval", "1m")
        .replace("$__interval", "15s")
        .replace("$__range", "1h")
}

/// A dashboard's template variables replaced by the values given (`$name` and `${name}`), as
/// Grafana does before sending a query: a multi-value variable with "All" selected is its
/// `allValue` (`.+`), a single one the value chosen.
pub fn substitute_template_variables(expr: &str, values: &[(&str, &str)]) -> String {
    let mut out = expr.to_owned();
    for (name, value) in values {
        out = out
            .replace(&format!("${{{name}}}"), value)
            .replace(&format!("${name}"), value);
    }
    out
}

/// Names of a dashboard's template variables.
pub fn template_variables(dashboard: &Json) -> Vec<&str> {
    dashboard["templating"]["list"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v["name"].as_str())
        .collect()
}

/// Metric names an expression reads: identifiers before a `{`, `[` or the end that are not
/// functions, keywords, label names or label values. Good enough for our own expressions, which
/// name metrics by prefix (`resingest_`, `rabbitmq_`, `up`).
pub fn metric_names(expr: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let bytes = expr.as_bytes();
    let mut i = 0;
    // Inside `{...}` (label matchers), `[...]` (ranges) or a quoted string nothing is a metric
    // name.
    let mut in_braces = false;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = quote {
            if c == b'\\' {
                i += 2;
                continue;
            }
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        match c {
            b'"' | b'\'' | b'`' => quote = Some(c),
            b'{' | b'[' => in_braces = true,
            // `by (a, b)` and friends list label names: skip to the closing parenthesis.
            b'(' if !in_braces && is_grouping(expr[..i].trim_end()) => {
                i += expr[i..].find(')').unwrap_or(expr.len() - i);
            }
            b'}' | b']' => in_braces = false,
            _ if !in_braces && (c.is_ascii_alphabetic() || c == b'_' || c == b':') => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b':')
                {
                    i += 1;
                }
                let word = &expr[start..i];
                let rest = expr[i..].trim_start();
                let is_call = rest.starts_with('(');
                if !is_call && !KEYWORDS.contains(&word) {
                    names.insert(word.to_owned());
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    names
}

/// True when `before` ends with `by`, `without`, `on`, `ignoring`, `group_left` or
/// `group_right`: the parenthesis that follows lists label names.
fn is_grouping(before: &str) -> bool {
    [
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
    ]
    .iter()
    .any(|k| {
        before.strip_suffix(k).is_some_and(|b| {
            b.is_empty() || !b.ends_with(|c: char| c.is_alphanumeric() || c == '_')
        })
    })
}

const KEYWORDS: [&str; 17] = [
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "and",
    "or",
    "unless",
    "bool",
    "offset",
    "sum",
    "min",
    "max",
    "avg",
    "count",
    "inf",
];

/// The ways an expression can turn "no data" into a number that looks healthy.
pub fn hides_emptiness(expr: &str) -> Option<&'static str> {
    let squashed: String = expr.chars().filter(|c| !c.is_whitespace()).collect();
    if squashed.contains("vector(") {
        return Some("vector(...)");
    }
    let mut rest = squashed.as_str();
    while let Some(at) = rest.find("oron()") {
        let after = &rest[at + "oron()".len()..];
        if after.starts_with(|c: char| c.is_ascii_digit()) {
            return Some("or on() <constant>");
        }
        rest = after;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_skip_functions_labels_and_grouping() {
        let names = metric_names(
            r#"histogram_quantile(0.95, sum by (le) (rate(resingest_sink_end_to_end_seconds_bucket{job="x"}[5m])))"#,
        );
        assert_eq!(
            names.into_iter().collect::<Vec<_>>(),
            ["resingest_sink_end_to_end_seconds_bucket"]
        );
        let names = metric_names(
            r#"time() - max by (source, job) (resingest_fetcher_last_success_timestamp_seconds) > 3600 and on (job) up == 1"#,
        );
        assert_eq!(
            names.into_iter().collect::<Vec<_>>(),
            ["resingest_fetcher_last_success_timestamp_seconds", "up"]
        );
    }

    #[test]
    fn template_variables_are_substituted_in_both_spellings() {
        assert_eq!(
            substitute_template_variables(
                r#"up{instance=~"$instance",vhost=~"${vhost}"}"#,
                &[("instance", ".+"), ("vhost", "v1")]
            ),
            r#"up{instance=~".+",vhost=~"v1"}"#
        );
    }

    #[test]
    fn constants_that_hide_emptiness_are_found() {
        assert!(hides_emptiness("sum(rate(x[5m])) or vector(0)").is_some());
        assert!(hides_emptiness("sum(rate(x[5m])) or on() 0").is_some());
        assert!(hides_emptiness("sum(rate(x[5m])) or on (job) up").is_none());
        assert!(hides_emptiness("sum(rate(x[5m])) > 0").is_none());
    }
}
