//! `resingest migrate`: create the database if missing, apply the sink's and the fetcher's
//! migrations, exit. What a Kubernetes Job (or a deploy script) runs before the roles roll
//! out; the sink and the fetcher still migrate their own tables at start, so running it is
//! never required, only earlier and in one place.

use std::process::ExitCode;

use anyhow::Context;
use resingest_sink::DEFAULT_DATABASE_URL;

#[derive(clap::Args)]
pub struct Args {
    /// PostgreSQL URL; the database is created if missing
    #[arg(long, env = "RESINGEST_DATABASE_URL", hide_env_values = true, default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    crate::worker::init_logs();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let pool = resingest_sink::db::open(&args.database_url, 1).await?;
        pool.close().await;
        let ledger = resingest_fetcher::ledger::Ledger::open(&args.database_url).await?;
        ledger.pool().close().await;
        tracing::info!("database migrated");
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}
