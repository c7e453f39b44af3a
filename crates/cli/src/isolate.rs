//! `--isolate` for `resingest extract`, and the hidden `extract-child` subcommand behind it:
//! each file is read by a child process from a [`resingest_sandbox::Pool`], so a hostile PDF
//! costs a child, never this process.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context;
use resingest_extract::{Format, Limits};
use resingest_sandbox::{IsolationLimits, Pool, PoolConfig};

#[derive(clap::Args)]
pub struct IsolateArgs {
    /// Read each PDF in a child process under --timeout and --memory-limit, so a crafted file
    /// can crash or hang only the child
    #[arg(long, env = "RESINGEST_ISOLATE")]
    isolate: bool,
    /// With --isolate: seconds one file may take before its child is killed
    #[arg(long, value_name = "SECONDS", env = "RESINGEST_TIMEOUT",
          default_value_t = IsolationLimits::default().wall_time.as_secs_f64())]
    timeout: f64,
    /// With --isolate: CPU seconds one file may use (default: the timeout, rounded up)
    #[arg(long, value_name = "SECONDS", env = "RESINGEST_CPU_LIMIT")]
    cpu_limit: Option<u64>,
    /// With --isolate: address space of a child in bytes; 0 for no limit
    #[arg(long, value_name = "BYTES", env = "RESINGEST_MEMORY_LIMIT",
          default_value_t = IsolationLimits::default().memory_bytes.unwrap_or(0))]
    memory_limit: u64,
    /// With --isolate: child processes, and so files read at once
    #[arg(long, env = "RESINGEST_WORKERS", default_value_t = 1)]
    workers: usize,
}

/// Where `render` runs: here, or in a pool of children.
pub enum Renderer {
    InProcess,
    Isolated(Box<Pool>),
}

impl Renderer {
    pub fn new(args: &IsolateArgs) -> anyhow::Result<Renderer> {
        if !args.isolate {
            return Ok(Renderer::InProcess);
        }
        anyhow::ensure!(
            args.timeout.is_finite() && args.timeout > 0.0,
            "--timeout must be a positive number of seconds, not {}",
            args.timeout
        );
        let limits = IsolationLimits {
            wall_time: Duration::from_secs_f64(args.timeout),
            cpu_seconds: Some(args.cpu_limit.unwrap_or(args.timeout.ceil() as u64)),
            memory_bytes: (args.memory_limit > 0).then_some(args.memory_limit),
            ..IsolationLimits::default()
        };
        let config = PoolConfig::current_exe(args.workers.max(1), limits)
            .context("finding our own executable")?;
        Ok(Renderer::Isolated(Box::new(Pool::new(config)?)))
    }

    pub fn render(&self, pdf: &[u8], format: Format, limits: &Limits) -> anyhow::Result<Vec<u8>> {
        Ok(match self {
            Renderer::InProcess => resingest_extract::render(pdf, format, limits)?,
            Renderer::Isolated(pool) => pool.render(pdf, format, limits)?,
        })
    }

    /// Runs `job` on every file, as many at once as there are children; returns how many failed.
    pub fn for_each(&self, files: &[PathBuf], job: impl Fn(&Path) -> bool + Sync) -> usize {
        let threads = match self {
            Renderer::InProcess => 1,
            Renderer::Isolated(pool) => pool.config().workers.min(files.len()),
        };
        let next = AtomicUsize::new(0);
        let failed = AtomicUsize::new(0);
        let work = || {
            while let Some(file) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                if !job(file) {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        };
        if threads <= 1 {
            work();
        } else {
            std::thread::scope(|s| {
                for _ in 0..threads {
                    s.spawn(work);
                }
            });
        }
        failed.into_inner()
    }
}

/// `resingest extract-child`: serve jobs from the parent until it closes our stdin.
pub fn serve_child() -> anyhow::Result<std::process::ExitCode> {
    resingest_sandbox::child::serve(resingest_extract::render)
        .context("serving extraction jobs")?;
    Ok(std::process::ExitCode::SUCCESS)
}
