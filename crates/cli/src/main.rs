//! `resingest`: one binary, a subcommand per role. Parses arguments and calls into the
//! role's library; nothing else lives here.

mod dlq;
mod eval;
mod extract;
mod fetch;
mod isolate;
mod publish;
mod sink;
mod worker;

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
    Sink(sink::Args),
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
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract::run(args),
        Command::ExtractChild => isolate::serve_child(),
        Command::Sink(args) => sink::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Worker(args) => worker::run(args),
        Command::Publish(args) => publish::run(args),
        Command::Dlq(args) => dlq::run(args),
        Command::Fetch(args) => fetch::run(*args),
        Command::Reprocess(args) => fetch::reprocess(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("resingest: {err:#}");
            std::process::ExitCode::from(2)
        }
    }
}
