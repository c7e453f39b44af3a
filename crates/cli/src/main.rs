//! `resingest`: one binary, a subcommand per role. Parses arguments and calls into the
//! role's library; nothing else lives here.

mod dlq;
mod eval;
mod extract;
mod fetch;
mod isolate;
mod migrate;
mod progress;
mod publish;
mod sink;
mod units;
mod worker;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "resingest",
    version,
    about = "Continuously ingest newly adopted United Nations resolutions as structured clauses"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read resolution PDFs and write their text, layout or structure
    Extract(extract::Args),
    /// Serve isolated extraction jobs over stdin/stdout (what `extract --isolate` starts)
    #[command(name = "extract-child", hide = true)]
    ExtractChild,
    /// Score extraction against gold structures, or check a corpus structurally
    Eval(eval::Args),
    /// Store extracted resolutions in PostgreSQL, announce them, and serve the read API
    Sink(Box<sink::Args>),
    /// Extract queued PDFs into resolutions: one of the fleet sharing resingest.documents
    Worker(worker::Args),
    /// Put local PDFs on resingest.documents, as a fetcher would (tests, benchmarks)
    Publish(publish::Args),
    /// List dead letters with their reasons, or replay them after a fix
    Dlq(dlq::Args),
    /// Notice newly adopted resolutions and deliver their PDFs, politely and once
    Fetch(Box<fetch::Args>),
    /// Publish archived documents again for re-extraction, without downloading them
    Reprocess(fetch::ReprocessArgs),
    /// Create the database if missing and apply the migrations, then exit (a deploy's Job)
    Migrate(migrate::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract::run(args),
        Command::ExtractChild => isolate::serve_child(),
        Command::Sink(args) => sink::run(*args),
        Command::Eval(args) => eval::run(args),
        Command::Worker(args) => worker::run(args),
        Command::Publish(args) => publish::run(args),
        Command::Dlq(args) => dlq::run(args),
        Command::Fetch(args) => fetch::run(*args),
        Command::Reprocess(args) => fetch::reprocess(args),
        Command::Migrate(args) => migrate::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            let chain = one_line(&err);
            match setting_problem(&err) {
                Some((setting, hint)) => {
                    if setting.is_empty() {
                        eprintln!("resingest: {chain}");
                    } else {
                        eprintln!("resingest: {chain}\n  setting {setting}: {hint}");
                    }
                    ExitCode::from(exit::SETTING)
                }
                None => {
                    eprintln!("resingest: {chain}");
                    ExitCode::from(exit::FAILED)
                }
            }
        }
    }
}

/// The exit statuses every role uses (the README's "Exit status" lists them).
mod exit {
    /// Done, but some inputs failed (extract, eval, `fetch --once`): the run said which.
    #[allow(dead_code)]
    pub const SOME_FAILED: u8 = 1;
    /// A setting can never work (usage errors, a url that does not parse, credentials or a
    /// vhost the server refuses, an unknown role): fix it, restarting alone will not help.
    /// clap's own usage errors exit 2 too.
    pub const SETTING: u8 = 2;
    /// Failed at run time (a server unreachable after the retries, lost, an I/O error): a
    /// restart may succeed.
    pub const FAILED: u8 = 3;
}

/// The error and its causes on one line, each cause only once: a cause whose text its parent
/// already quotes (`connecting ...: Connection refused` over `Connection refused`) is dropped.
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// Which setting a startup error blames, and what to do, when retrying can never help.
fn setting_problem(err: &anyhow::Error) -> Option<(&'static str, &'static str)> {
    const AMQP: &str = "--amqp-url (RESINGEST_AMQP_URL)";
    const DATABASE: &str = "--database-url (RESINGEST_DATABASE_URL)";
    const ARCHIVE: &str = "--archive (RESINGEST_ARCHIVE_URL)";
    const ARCHIVE_HINT: &str =
        "fix the archive url (s3:// needs a resingest built with feature s3)";
    for cause in err.chain() {
        if let Some(e) = cause.downcast_ref::<resingest_amqp::AmqpError>() {
            if let Some(hint) = e.setting_problem() {
                return Some((AMQP, hint));
            }
        }
        if let Some(e) = cause.downcast_ref::<resingest_sink::SinkError>() {
            if let Some(hint) = e.setting_problem() {
                let setting = match e {
                    resingest_sink::SinkError::Amqp(_) => AMQP,
                    _ => DATABASE,
                };
                return Some((setting, hint));
            }
        }
        if let Some(e) = cause.downcast_ref::<resingest_fetcher::FetchError>() {
            use resingest_fetcher::FetchError as F;
            if let Some(hint) = e.setting_problem() {
                let setting = match e {
                    F::Amqp(_) => AMQP,
                    F::Database(_) | F::DatabaseUrl { .. } => DATABASE,
                    F::Language { .. } => "--lang (RESINGEST_LANG)",
                    F::Archive(_) => ARCHIVE,
                    _ => "of the fetcher",
                };
                return Some((setting, hint));
            }
        }
        if let Some(resingest_archive::ArchiveError::Url { .. }) = cause.downcast_ref() {
            return Some((ARCHIVE, ARCHIVE_HINT));
        }
        let (amqp, archive) = wrapped(cause);
        if let Some(hint) = amqp.and_then(resingest_amqp::AmqpError::setting_problem) {
            return Some((AMQP, hint));
        }
        if let Some(resingest_archive::ArchiveError::Url { .. }) = archive {
            return Some((ARCHIVE, ARCHIVE_HINT));
        }
        // The message names the flag itself.
        if cause.downcast_ref::<BadSetting>().is_some() {
            return Some(("", ""));
        }
    }
    None
}

/// The broker or archive error inside a publish or worker error: their variants are
/// `transparent`, which keeps the inner error itself out of the cause chain.
fn wrapped<'a>(
    cause: &'a (dyn std::error::Error + 'static),
) -> (
    Option<&'a resingest_amqp::AmqpError>,
    Option<&'a resingest_archive::ArchiveError>,
) {
    use resingest_amqp::publish::PublishError as P;
    use resingest_worker::WorkerError as W;
    match (cause.downcast_ref::<P>(), cause.downcast_ref::<W>()) {
        (Some(P::Amqp(a)), _) | (_, Some(W::Amqp(a))) => (Some(a), None),
        (Some(P::Archive(a)), _) | (_, Some(W::Archive(a))) => (None, Some(a)),
        _ => (None, None),
    }
}

/// A flag value the CLI itself refuses (out of range, unknown kind): exit [`exit::SETTING`].
#[derive(Debug)]
pub struct BadSetting(pub String);

impl std::fmt::Display for BadSetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadSetting {}
