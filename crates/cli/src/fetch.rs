//! `resingest fetch` and `resingest reprocess`: notice newly adopted resolutions and deliver
//! their PDFs once (`--once` backfills with a progress line on a terminal, `--watch` polls), or
//! publish archived documents again for re-extraction.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use resingest_fetcher::config::{
    DEFAULT_AMQP_URL, DEFAULT_ARCHIVE_URL, DEFAULT_DATABASE_URL, DEFAULT_OAI_URL,
    DEFAULT_SYMBOL_API,
};
use resingest_fetcher::{Config, Handles, Mode, Progress, Source};
use tokio_util::sync::CancellationToken;

/// What `fetch` and `reprocess` share: where the broker, ledger and archive are.
#[derive(clap::Args)]
pub struct Common {
    /// Broker URL (vhost percent-encoded: %2f for /)
    #[arg(long, env = "RESINGEST_AMQP_URL", default_value = DEFAULT_AMQP_URL)]
    amqp_url: String,
    /// PostgreSQL URL of the ledger; the database is created if missing
    #[arg(long, env = "RESINGEST_DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
    /// Archive every PDF goes into: a folder, file:///..., or s3://bucket/prefix
    #[arg(long, env = "RESINGEST_ARCHIVE_URL", default_value = DEFAULT_ARCHIVE_URL)]
    archive: String,
    /// Address of /metrics (port 0 picks a free port); none when unset
    #[arg(long, env = "RESINGEST_METRICS_ADDR")]
    metrics_addr: Option<SocketAddr>,
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["once", "watch"])))]
pub struct Args {
    /// symbols, oai, urls:FILE (urls:- for stdin) or dir:PATH
    #[arg(long, value_parser = parse_source)]
    source: Source,
    /// Poll once (a backfill) and exit
    #[arg(long)]
    once: bool,
    /// Poll every --interval until SIGTERM/Ctrl-C
    #[arg(long)]
    watch: bool,
    /// Time between polls with --watch: 90s, 10m, 1h
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    interval: Duration,
    /// Languages fetched, comma-separated (ar, zh, en, fr, ru, es)
    #[arg(
        long,
        env = "RESINGEST_LANG",
        value_delimiter = ',',
        default_value = "en"
    )]
    lang: Vec<String>,
    /// Symbol API base URL
    #[arg(long, env = "RESINGEST_SYMBOL_API", default_value = DEFAULT_SYMBOL_API)]
    symbol_api: String,
    /// OAI-PMH endpoint of the Digital Library
    #[arg(long, env = "RESINGEST_OAI_URL", default_value = DEFAULT_OAI_URL)]
    oai_url: String,
    /// First harvest date (YYYY-MM-DD) when the ledger has no OAI cursor yet
    #[arg(long)]
    oai_from: Option<String>,
    /// Another host requests and redirects may go to (repeatable); the UN's and the
    /// configured source URLs' hosts are always allowed
    #[arg(long = "allow-host")]
    allow_hosts: Vec<String>,
    /// Least time between two requests to one host: 1s, 500ms
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    per_host_interval: Duration,
    /// General Assembly session probed; default: the current one
    #[arg(long)]
    ga_session: Option<u32>,
    /// Security Council year probed; default: this year
    #[arg(long)]
    sc_year: Option<i32>,
    /// Probe GA numbers above this one while the ledger knows none of the session
    #[arg(long, default_value_t = 0)]
    ga_after: u32,
    /// Probe SC numbers above this one while the ledger knows none of the year
    #[arg(long, default_value_t = 0)]
    sc_after: u32,
    /// Consecutive missing symbols that end a probe
    #[arg(long, default_value_t = 5)]
    max_misses: u32,
    /// Largest PDF accepted, in bytes
    #[arg(long, default_value_t = resingest_fetcher::HttpConfig::default().max_body)]
    max_body: u64,
    #[command(flatten)]
    common: Common,
}

#[derive(clap::Args)]
pub struct ReprocessArgs {
    /// Only documents downloaded at or after this date (YYYY-MM-DD) or time (RFC 3339)
    #[arg(long, value_parser = parse_since)]
    since: Option<chrono::DateTime<chrono::Utc>>,
    #[command(flatten)]
    common: Common,
}

impl Common {
    fn config(self) -> Config {
        Config {
            amqp_url: self.amqp_url,
            database_url: self.database_url,
            archive_url: self.archive,
            metrics_addr: self.metrics_addr,
            ..Config::default()
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    crate::worker::init_logs();
    let mut config = args.common.config();
    config.languages = args.lang.iter().map(|l| l.trim().to_lowercase()).collect();
    config.symbol_api = args.symbol_api;
    config.oai_url = args.oai_url;
    config.oai_from = args.oai_from;
    config.http.allowed_hosts.extend(args.allow_hosts);
    config.http.per_host_interval = args.per_host_interval;
    config.http.max_body = args.max_body;
    config.probe.ga_session = args.ga_session;
    config.probe.sc_year = args.sc_year;
    config.probe.ga_after = args.ga_after;
    config.probe.sc_after = args.sc_after;
    config.probe.max_misses = args.max_misses.max(1);
    let mode = if args.once {
        Mode::Once
    } else {
        Mode::Watch {
            interval: args.interval,
        }
    };
    let handles = Handles::default();
    let bar = (args.once && std::io::stderr().is_terminal()).then(|| handles.progress.clone());
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let summary = runtime.block_on(async {
        let shutdown = CancellationToken::new();
        tokio::spawn(cancel_on_signal(shutdown.clone()));
        let drawing = bar.map(|p| tokio::spawn(draw_progress(p, shutdown.clone())));
        let r = resingest_fetcher::run(config, args.source, mode, handles, shutdown.clone()).await;
        if let Some(d) = drawing {
            d.abort();
            eprintln!();
        }
        r.context("fetch")
    })?;
    eprintln!(
        "published {}, unchanged {}, rejected {}, failed {}",
        summary.published, summary.unchanged, summary.rejected, summary.failed
    );
    Ok(if summary.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn reprocess(args: ReprocessArgs) -> anyhow::Result<ExitCode> {
    crate::worker::init_logs();
    let config = args.common.config();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let n = runtime.block_on(async {
        let shutdown = CancellationToken::new();
        tokio::spawn(cancel_on_signal(shutdown.clone()));
        resingest_fetcher::reprocess(config, args.since, Handles::default(), shutdown)
            .await
            .context("reprocess")
    })?;
    eprintln!("republished {n} documents from the archive");
    Ok(ExitCode::SUCCESS)
}

/// One line, redrawn: done of total (or done while probing), and how many were published.
async fn draw_progress(progress: Arc<Progress>, stop: CancellationToken) {
    loop {
        let (done, total, published) = progress.snapshot();
        if total > 0 {
            eprint!("\r{done}/{total} documents, {published} published   ");
        } else {
            eprint!("\r{done} checked, {published} published   ");
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_millis(250)) => {}
        }
    }
}

async fn cancel_on_signal(shutdown: CancellationToken) {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let term = async {
        match term.as_mut() {
            Some(t) => t.recv().await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
    tracing::info!("shutting down");
    shutdown.cancel();
}

fn parse_source(s: &str) -> Result<Source, String> {
    s.parse()
        .map_err(|e: resingest_fetcher::FetchError| e.to_string())
}

/// `90s`, `10m`, `1h`, `500ms`, or bare seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (try 90s, 10m, 1h)"))?;
    match unit {
        "" | "s" => Ok(Duration::from_secs(n)),
        "ms" => Ok(Duration::from_millis(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        "h" => Ok(Duration::from_secs(n * 3600)),
        _ => Err(format!("`{s}`: unknown unit `{unit}` (use ms, s, m or h)")),
    }
}

fn parse_since(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
        .map_err(|_| format!("`{s}` is not a date (YYYY-MM-DD) or an RFC 3339 time"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_dates_parse() {
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("ten").unwrap_err().contains("`ten`"));
        assert_eq!(
            parse_since("2025-12-01").unwrap().to_rfc3339(),
            "2025-12-01T00:00:00+00:00"
        );
    }
}
