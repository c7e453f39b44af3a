//! Typed outcomes of an isolated job that did not produce output. The variant decides routing:
//! everything but [`IsolatedError::Spawn`] and [`IsolatedError::Io`] is a property of the
//! document (it will fail the same way again) and is dead-lettered under [`IsolatedError::kind`].

use resingest_extract::ExtractError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum IsolatedError {
    /// The child read the document and the extractor rejected it; the child lives on.
    #[error(transparent)]
    Extract(ExtractError),
    /// The child died: killed by `signal` or exited with `status` while reading the document.
    /// `stderr` is the tail of what it printed (a stack overflow says so there).
    #[error("extraction child crashed ({}){}", describe_death(*.signal, *.status), stderr_suffix(.stderr))]
    Crashed {
        signal: Option<i32>,
        status: Option<i32>,
        stderr: String,
    },
    /// The child did not answer within the wall-clock limit and was killed.
    #[error("extraction timed out after {after_ms} ms: the child was killed; raise --timeout if the document is merely large")]
    TimedOut { after_ms: u64 },
    /// The child used more CPU time than the per-job budget (SIGXCPU).
    #[error("extraction used more than {limit_seconds} s of CPU: the child was killed")]
    OverCpu { limit_seconds: u64 },
    /// An allocation failed under the child's address-space limit.
    #[error("extraction needed more than the {limit_bytes}-byte memory limit: the child aborted; raise --memory-limit if the document is merely large")]
    OverMemory { limit_bytes: u64 },
    /// The extractor panicked: a bug in our code, caught in the child, which lives on.
    #[error("extractor panicked: {message}")]
    Panicked { message: String },
    /// The child broke the protocol (garbage or oversized output); it was killed.
    #[error("extraction child broke the protocol: {detail}")]
    Protocol { detail: String },
    /// A child could not be started; nothing is wrong with the document, retry later.
    #[error("cannot start extraction child {program}: {detail}")]
    Spawn { program: String, detail: String },
    /// The pipes to a child failed for a reason other than its death; retry later.
    #[error("i/o with extraction child failed: {detail}")]
    Io { detail: String },
}

impl IsolatedError {
    /// Stable, bounded label for metrics and dead-letter headers. Extractor errors keep their
    /// own labels (`corrupt`, `over_limit`, ...), so one label set covers both.
    pub fn kind(&self) -> &'static str {
        match self {
            IsolatedError::Extract(err) => err.kind(),
            IsolatedError::Crashed { .. } => "crashed",
            IsolatedError::TimedOut { .. } => "timed_out",
            IsolatedError::OverCpu { .. } => "over_cpu",
            IsolatedError::OverMemory { .. } => "over_memory",
            IsolatedError::Panicked { .. } => "panicked",
            IsolatedError::Protocol { .. } => "protocol",
            IsolatedError::Spawn { .. } => "spawn",
            IsolatedError::Io { .. } => "io",
        }
    }

    /// True when the failure says nothing about the document: retry it rather than
    /// dead-letter it.
    pub fn is_transient(&self) -> bool {
        matches!(self, IsolatedError::Spawn { .. } | IsolatedError::Io { .. })
    }

    /// True when the child running the job was killed or died (and has been replaced).
    pub fn child_died(&self) -> bool {
        matches!(
            self,
            IsolatedError::Crashed { .. }
                | IsolatedError::TimedOut { .. }
                | IsolatedError::OverCpu { .. }
                | IsolatedError::OverMemory { .. }
                | IsolatedError::Protocol { .. }
        )
    }
}

impl From<ExtractError> for IsolatedError {
    fn from(err: ExtractError) -> Self {
        IsolatedError::Extract(err)
    }
}

fn describe_death(signal: Option<i32>, status: Option<i32>) -> String {
    match (signal, status) {
        (Some(sig), _) => format!("killed by signal {sig} ({})", signal_name(sig)),
        (None, Some(code)) => format!("exited with status {code}"),
        (None, None) => "closed its pipes".to_string(),
    }
}

fn stderr_suffix(stderr: &str) -> String {
    let last = stderr.trim().lines().last().unwrap_or("");
    if last.is_empty() {
        String::new()
    } else {
        format!(": {last}")
    }
}

/// Name of the signals a child plausibly dies of; the number is always shown too.
pub(crate) fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGXCPU => "SIGXCPU",
        libc::SIGPIPE => "SIGPIPE",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_kind_and_nested_extract_kind() {
        let err = IsolatedError::Extract(ExtractError::Encrypted);
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["kind"], "extract");
        assert_eq!(json["detail"]["kind"], "encrypted");
        assert_eq!(serde_json::from_value::<IsolatedError>(json).unwrap(), err);
        let err = IsolatedError::Crashed {
            signal: Some(11),
            status: None,
            stderr: "x".into(),
        };
        let back: IsolatedError =
            serde_json::from_str(&serde_json::to_string(&err).unwrap()).unwrap();
        assert_eq!(back, err);
    }

    #[test]
    fn crash_message_names_the_signal_and_last_stderr_line() {
        let err = IsolatedError::Crashed {
            signal: Some(libc::SIGABRT),
            status: None,
            stderr:
                "\nthread 'main' has overflowed its stack\nfatal runtime error: stack overflow\n"
                    .into(),
        };
        assert_eq!(
            err.to_string(),
            "extraction child crashed (killed by signal 6 (SIGABRT)): fatal runtime error: stack overflow"
        );
        assert_eq!(err.kind(), "crashed");
        assert!(err.child_died() && !err.is_transient());
    }
}
