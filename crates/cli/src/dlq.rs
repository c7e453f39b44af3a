//! `resingest dlq list|replay`: dead letters with their reasons, and sending them back.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use resingest_amqp::dlq::{self, DeadQueue};
use resingest_amqp::DEFAULT_AMQP_URL;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
    /// Whose dead letters: the documents queue (extraction) or the extracted queue (storing)
    #[arg(long, global = true, value_enum, default_value_t = Queue::Documents)]
    queue: Queue,
    /// Broker URL (vhost percent-encoded: %2f for /)
    #[arg(long, global = true, env = "RESINGEST_AMQP_URL", hide_env_values = true, default_value = DEFAULT_AMQP_URL)]
    amqp_url: String,
    /// Deliveries of one message before the broker dead-letters it (must match the queues)
    #[arg(long, global = true, env = "RESINGEST_DELIVERY_LIMIT",
          default_value_t = resingest_model::topology::DEFAULT_DELIVERY_LIMIT)]
    delivery_limit: u32,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Print each dead letter: sha256, kind, symbol, source, reason (tab-separated). Read from
    /// the dead-letter log, so listing changes nothing; exits 1 (after printing) when the log
    /// and the dead queue disagree, saying why that can be
    List {
        /// Read the dead queue itself instead of the log (letters dead-lettered before the log
        /// existed): each listing counts one broker delivery on every letter
        #[arg(long)]
        from_queue: bool,
    },
    /// Send dead letters back to their work queue, after a fix
    Replay {
        /// Only those of this kind (as `list` prints it: corrupt, crashed, delivery_limit, ...);
        /// a kind that is neither known nor in the queue is refused, naming the valid ones
        #[arg(long)]
        kind: Option<String>,
    },
}

/// The kinds dead letters carry (`x-resingest-error-kind`, or the broker's reason): the
/// extractor's, the isolation's, the worker's, the archive's, the sink's and RabbitMQ's.
const KNOWN_KINDS: &[&str] = &[
    "not_a_pdf",
    "corrupt",
    "encrypted",
    "no_text_layer",
    "over_limit",
    "crashed",
    "timed_out",
    "over_cpu",
    "over_memory",
    "panicked",
    "protocol",
    "spawn",
    "io",
    "checksum_mismatch",
    "archive_url",
    "bad_claim_check",
    "archive_missing",
    "archive_corrupt",
    "archive_unreachable",
    "invalid_json",
    "unsupported_schema",
    "invalid_field",
    "identity_mismatch",
    "older_copy",
    "database",
    "result_too_large",
    "delivery_limit",
    "rejected",
    "expired",
    "maxlen",
];

#[derive(Clone, Copy, clap::ValueEnum)]
enum Queue {
    Documents,
    Extracted,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let queue = match args.queue {
        Queue::Documents => DeadQueue::Documents,
        Queue::Extracted => DeadQueue::Extracted,
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        match args.command {
            Command::List { from_queue } => {
                let (letters, disagreement) = if from_queue {
                    let letters =
                        dlq::list_from_queue(&args.amqp_url, args.delivery_limit, queue).await?;
                    (letters, None)
                } else {
                    let listing = dlq::list(&args.amqp_url, args.delivery_limit, queue).await?;
                    let disagreement = listing.disagreement(queue);
                    (listing.letters, disagreement)
                };
                for l in &letters {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        l.sha256,
                        l.kind,
                        l.symbol.as_deref().unwrap_or("-"),
                        l.source_url.as_deref().unwrap_or("-"),
                        l.error.replace(['\t', '\n'], " ")
                    );
                }
                eprintln!("{} dead letters in {}", letters.len(), queue.dead());
                if let Some(d) = disagreement {
                    eprintln!("warning: {d}");
                    return Ok(ExitCode::FAILURE);
                }
            }
            Command::Replay { kind } => {
                if let Some(k) = kind.as_deref().filter(|k| !KNOWN_KINDS.contains(k)) {
                    // Not a kind resingest writes; maybe a newer binary's, if it is in the queue.
                    let letters = dlq::list(&args.amqp_url, args.delivery_limit, queue)
                        .await?
                        .letters;
                    if !letters.iter().any(|l| l.kind == k) {
                        let mut present: Vec<&str> =
                            letters.iter().map(|l| l.kind.as_str()).collect();
                        present.sort_unstable();
                        present.dedup();
                        return Err(crate::BadSetting(format!(
                            "--kind `{k}` is no dead-letter kind: use one of {}{}",
                            KNOWN_KINDS.join(", "),
                            if present.is_empty() {
                                format!(" ({} is empty)", queue.dead())
                            } else {
                                format!(" (in {} now: {})", queue.dead(), present.join(", "))
                            }
                        ))
                        .into());
                    }
                }
                let done = dlq::replay(
                    &args.amqp_url,
                    args.delivery_limit,
                    queue,
                    kind.as_deref(),
                    Duration::from_secs(30),
                )
                .await?;
                eprintln!(
                    "replayed {} to {}, kept {} in {}",
                    done.replayed,
                    queue.work(),
                    done.kept,
                    queue.dead()
                );
            }
        }
        anyhow::Ok(ExitCode::SUCCESS)
    })
}
