//! `resingest publish --dir PATH`: put local PDFs on `resingest.documents` as a fetcher would
//! (for tests and benchmarks).

use std::path::PathBuf;
use std::process::ExitCode;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::Context;

use crate::progress::{Reporter, Snapshot};
use resingest_amqp::publish::{pdf_files, publish_files, PublishConfig, Published};
use resingest_amqp::DEFAULT_AMQP_URL;
use resingest_archive::{Archive, DEFAULT_ARCHIVE_URL};
use resingest_model::archive::DEFAULT_INLINE_LIMIT;

#[derive(clap::Args)]
pub struct Args {
    /// Folder whose *.pdf files (recursively) are published
    #[arg(long)]
    dir: PathBuf,
    /// Publish every file this many times (benchmarks)
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Largest PDF sent as the message body; larger ones are archived and sent as a claim check
    #[arg(long, value_name = "SIZE", env = "RESINGEST_INLINE_LIMIT",
          default_value_t = bytesize::ByteSize(DEFAULT_INLINE_LIMIT), value_parser = crate::units::byte_size)]
    inline_limit: bytesize::ByteSize,
    /// Archive for PDFs over the inline limit: a folder, file:///..., or s3://bucket/prefix
    #[arg(long, env = "RESINGEST_ARCHIVE_URL", hide_env_values = true, default_value = DEFAULT_ARCHIVE_URL)]
    archive: String,
    /// Broker URL (vhost percent-encoded: %2f for /)
    #[arg(long, env = "RESINGEST_AMQP_URL", hide_env_values = true, default_value = DEFAULT_AMQP_URL)]
    amqp_url: String,
    /// Deliveries of one message before the broker dead-letters it (must match the queues)
    #[arg(long, env = "RESINGEST_DELIVERY_LIMIT",
          default_value_t = resingest_model::topology::DEFAULT_DELIVERY_LIMIT)]
    delivery_limit: u32,
}

/// Files published per broker session, so progress moves during a run.
const CHUNK: usize = 64;

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    crate::worker::init_logs();
    let files = pdf_files(&args.dir)?;
    anyhow::ensure!(!files.is_empty(), "no *.pdf under {}", args.dir.display());
    let needs_archive = files
        .iter()
        .any(|f| std::fs::metadata(f).is_ok_and(|m| m.len() > args.inline_limit.0));
    let config = PublishConfig {
        amqp_url: args.amqp_url,
        delivery_limit: args.delivery_limit,
        inline_limit: args.inline_limit.0,
        archive: needs_archive
            .then(|| Archive::open(&args.archive))
            .transpose()?,
        repeat: args.repeat,
        ..PublishConfig::default()
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    // In chunks, so progress moves while the run goes (one broker session per chunk).
    let total = (files.len() * config.repeat.max(1)) as u64;
    let done = Arc::new(AtomicU64::new(0));
    let reporter = {
        let done = done.clone();
        Reporter::start("messages", move || Snapshot {
            done: done.load(Ordering::Relaxed),
            total,
            extra: String::new(),
        })
    };
    let chunk_config = PublishConfig {
        repeat: 1,
        ..config.clone()
    };
    let result = runtime.block_on(async {
        let mut sum = Published::default();
        for _ in 0..config.repeat.max(1) {
            for chunk in files.chunks(CHUNK) {
                let p = publish_files(&chunk_config, chunk).await?;
                sum.messages += p.messages;
                sum.claim_checks += p.claim_checks;
                sum.bytes += p.bytes;
                done.fetch_add(p.messages as u64, Ordering::Relaxed);
            }
        }
        sum.documents = files.len();
        anyhow::Ok(sum)
    });
    reporter.finish();
    let published = result?;
    eprintln!(
        "published {} messages ({} documents x {}, {} as claim checks, {} bytes)",
        published.messages,
        published.documents,
        config.repeat,
        published.claim_checks,
        published.bytes
    );
    Ok(ExitCode::SUCCESS)
}
