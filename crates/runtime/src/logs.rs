//! One log setup for every role: lines on stderr, `RUST_LOG` for the level (default `info`).
//!
//! The format is [`Format::from_env`]: `RESINGEST_LOG_FORMAT=json` or `text` when set (the
//! image sets `json`, so every container of it writes JSON lines for the collector); else JSON
//! in a Kubernetes pod (`KUBERNETES_SERVICE_HOST`) whose stderr is no terminal, and text
//! elsewhere, colored only on a terminal. `/.dockerenv` is not taken as a sign: development
//! and CI machines are often containers too, and a person reads their logs.

use std::io::IsTerminal;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Human-readable lines, colored on a terminal.
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, `fields` (`message` and the
    /// event's own fields) and, inside spans, `spans`.
    Json,
}

/// The variable that chooses the format: `json` or `text`.
pub const FORMAT_VARIABLE: &str = "RESINGEST_LOG_FORMAT";

impl Format {
    /// From [`FORMAT_VARIABLE`], else JSON in a Kubernetes pod whose stderr is no terminal.
    pub fn from_env() -> Result<Format, String> {
        match std::env::var(FORMAT_VARIABLE) {
            Ok(v) => Format::parse(&v),
            Err(_) => Ok(if in_kubernetes() && !std::io::stderr().is_terminal() {
                Format::Json
            } else {
                Format::Text
            }),
        }
    }

    pub fn parse(text: &str) -> Result<Format, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "text" => Ok(Format::Text),
            _ => Err(format!(
                "{FORMAT_VARIABLE}=`{text}` is not a log format: write json or text"
            )),
        }
    }
}

fn in_kubernetes() -> bool {
    std::env::var_os("KUBERNETES_SERVICE_HOST").is_some()
}

/// Installs the global subscriber writing through `writer` (stderr, or a writer that keeps a
/// progress bar intact). A format variable that names no format is reported on stderr and
/// text is used: logs must never be what stops a role.
pub fn init<W>(writer: W)
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let format = Format::from_env().unwrap_or_else(|e| {
        eprintln!("warning: {e}; writing text logs");
        Format::Text
    });
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        Format::Json => builder.json().with_current_span(false).init(),
        Format::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_named_in_any_case_and_anything_else_is_refused_by_name() {
        assert_eq!(Format::parse("JSON"), Ok(Format::Json));
        assert_eq!(Format::parse(" text "), Ok(Format::Text));
        let err = Format::parse("logfmt").unwrap_err();
        assert!(
            err.contains("`logfmt`") && err.contains(FORMAT_VARIABLE),
            "{err}"
        );
    }
}
