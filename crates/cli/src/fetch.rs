//! `resingest fetch` and `resingest reprocess`: notice newly adopted resolutions and deliver
//! their PDFs once (`--once` backfills with a progress line on a terminal, `--watch` polls), or
//! publish archived documents again for re-extraction.

use resingest_runtime::signal::cancel_on_signal;
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
    #[arg(long, env = "RESINGEST_AMQP_URL", hide_env_values = true, default_value = DEFAULT_AMQP_URL)]
    amqp_url: String,
    /// PostgreSQL URL of the ledger; the database is created if missing
    #[arg(long, env = "RESINGEST_DATABASE_URL", hide_env_values = true, default_value = DEFAULT_DATABASE_URL)]
    database_url: String,
    /// Archive every PDF goes into: a folder, file:///..., or s3://bucket/prefix
    #[arg(long, env = "RESINGEST_ARCHIVE_URL", hide_env_values = true, default_value = DEFAULT_ARCHIVE_URL)]
    archive: String,
    /// Address of /metrics and /healthz (port 0 picks a free port); none when unset. /healthz
    /// is 503 when a poll hangs or the ledger does not answer, 200 with the last poll's outcome
    #[arg(long, env = "RESINGEST_METRICS_ADDR", value_parser = crate::units::socket_addr)]
    metrics_addr: Option<SocketAddr>,
    /// Real attempts at one message before it is dead-lettered; the queue arguments follow
    /// from it and must be the same in every role
    #[arg(long, env = "RESINGEST_DELIVERY_LIMIT",
          default_value_t = resingest_model::topology::DEFAULT_DELIVERY_LIMIT)]
    delivery_limit: u32,
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
    /// Languages fetched, comma-separated: the UN's six official ones (ar, zh, en, fr, ru, es)
    #[arg(
        long,
        env = "RESINGEST_LANG",
        value_delimiter = ',',
        default_value = "en",
        value_parser = parse_language
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
    /// A host name trusted to resolve to loopback or private addresses (repeatable); every
    /// other name that does is refused at connect time
    #[arg(long = "allow-private-host")]
    private_hosts: Vec<String>,
    /// Least time between the starts of two requests to one host: 1s, 500ms. With the
    /// symbol API's calls of seconds (6-31 s seen), 1s still keeps --concurrency requests in
    /// flight; it binds only when calls take less than interval x concurrency
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    per_host_interval: Duration,
    /// Requests in flight at most per host
    #[arg(long, default_value_t = resingest_fetcher::HttpConfig::default().concurrency)]
    concurrency: usize,
    /// User-Agent sent (the symbol API sends non-browser agents to its error page)
    #[arg(long, env = "RESINGEST_USER_AGENT", default_value = resingest_fetcher::config::DEFAULT_USER_AGENT)]
    user_agent: String,
    /// Accept header of a PDF download (the symbol API wants application/pdf)
    #[arg(long, env = "RESINGEST_ACCEPT", default_value = "application/pdf")]
    accept: String,
    /// Referer of a symbol API request is REFERER_BASE/<lang>/<symbol>, the page of the UN's
    /// viewer it is opened from; `none` sends no Referer
    #[arg(long, env = "RESINGEST_REFERER_BASE", default_value = resingest_fetcher::config::DEFAULT_REFERER_BASE)]
    referer_base: String,
    /// A shorter Retry-After is waited this long instead: 5s
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    min_retry_after: Duration,
    /// Retry waits of one poll add up to this at most, then the poll stops as an outage
    #[arg(long, default_value = "15m", value_parser = parse_duration)]
    max_wait_per_poll: Duration,
    /// Days of one OAI-PMH from/until window
    #[arg(long, default_value_t = 31)]
    oai_window_days: u32,
    /// Least time between two requests to the Digital Library (robots.txt Crawl-Delay wins
    /// when longer)
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    oai_min_interval: Duration,
    /// Probe only this General Assembly session (a backfill); default: the current one and
    /// the previous one until it is quiet
    #[arg(long)]
    ga_session: Option<u32>,
    /// Security Council year of the symbols probed; default: this year (and last year early
    /// in January and February)
    #[arg(long)]
    sc_year: Option<i32>,
    /// Probe GA numbers above this one while the ledger knows none of the session
    #[arg(long, default_value_t = 0)]
    ga_after: u32,
    /// The same for the previous session
    #[arg(long, default_value_t = 0)]
    ga_previous_after: u32,
    /// With --ga-session: probe its numbers up to this one whatever the misses (a bounded
    /// backfill: its progress shows done/total, rate and ETA)
    #[arg(long, requires = "ga_session")]
    ga_until: Option<u32>,
    /// Probe SC numbers above this one while the ledger knows none (numbers run on across
    /// years)
    #[arg(long, default_value_t = 0)]
    sc_after: u32,
    /// Days without a new resolution after which the previous GA session is no longer probed
    #[arg(long, default_value_t = 60)]
    quiet_days: u32,
    /// Another series probed, by prefix (repeatable): A/RES/ES-11, A/RES/S-32, A/HRC/RES/59,
    /// E/RES/2025
    #[arg(long = "series")]
    series: Vec<String>,
    /// Consecutive missing symbols that end a probe
    #[arg(long, default_value_t = 5)]
    max_misses: u32,
    /// Largest PDF accepted (50MiB; a bare number is bytes)
    #[arg(long, value_name = "SIZE",
          default_value_t = bytesize::ByteSize(resingest_fetcher::HttpConfig::default().max_body),
          value_parser = crate::units::byte_size)]
    max_body: bytesize::ByteSize,
    #[command(flatten)]
    common: Common,
}

#[derive(clap::Args)]
pub struct ReprocessArgs {
    /// Only documents downloaded at or after this date (YYYY-MM-DD) or time (RFC 3339)
    #[arg(long, value_parser = resingest_runtime::time::parse_since)]
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
            delivery_limit: self.delivery_limit,
            ..Config::default()
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    crate::worker::init_logs();
    let mut config = args.common.config();
    config.languages = args.lang;
    config.symbol_api = args.symbol_api;
    config.oai_url = args.oai_url;
    config.oai_from = args.oai_from;
    config.http.allowed_hosts.extend(args.allow_hosts);
    config.http.private_hosts = args.private_hosts;
    config.http.per_host_interval = args.per_host_interval;
    config.http.concurrency = args.concurrency.max(1);
    config.http.user_agent = args.user_agent;
    config.http.accept = args.accept;
    config.http.referer_base = Some(args.referer_base).filter(|b| !b.eq_ignore_ascii_case("none"));
    config.http.min_retry_after = args.min_retry_after;
    config.http.max_wait_per_poll = args.max_wait_per_poll;
    config.http.max_body = args.max_body.0;
    config.oai_window_days = args.oai_window_days.max(1);
    config.oai_min_interval = args.oai_min_interval;
    config.probe.ga_session = args.ga_session;
    config.probe.sc_year = args.sc_year;
    config.probe.ga_after = args.ga_after;
    config.probe.ga_previous_after = args.ga_previous_after;
    config.probe.ga_until = args.ga_until;
    config.probe.sc_after = args.sc_after;
    config.probe.quiet_days = args.quiet_days;
    config.probe.series = args.series;
    config.probe.max_misses = args.max_misses.max(1);
    let mode = if args.once {
        Mode::Once
    } else {
        Mode::Watch {
            interval: args.interval,
        }
    };
    let handles = Handles::default();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let reporter = args.once.then(|| reporter(handles.progress.clone()));
    let summary = runtime.block_on(async {
        let shutdown = CancellationToken::new();
        tokio::spawn(cancel_on_signal(
            shutdown.clone(),
            "no new downloads, finishing the one in flight",
        ));
        resingest_fetcher::run(config, args.source, mode, handles, shutdown.clone())
            .await
            .context("fetch")
    });
    if let Some(r) = reporter {
        r.finish();
    }
    let summary = summary?;
    eprintln!(
        "published {}, skipped as already seen {}, failed {} (missing {}, rejected {}), blocked polls {}",
        summary.published,
        summary.unchanged,
        summary.missing + summary.rejected,
        summary.missing,
        summary.rejected,
        summary.blocked
    );
    Ok(if summary.blocked == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn reprocess(args: ReprocessArgs) -> anyhow::Result<ExitCode> {
    crate::worker::init_logs();
    let config = args.common.config();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let handles = Handles::default();
    let reporter = reporter(handles.progress.clone());
    let n = runtime.block_on(async {
        let shutdown = CancellationToken::new();
        tokio::spawn(cancel_on_signal(
            shutdown.clone(),
            "no new downloads, finishing the one in flight",
        ));
        resingest_fetcher::reprocess(config, args.since, handles, shutdown)
            .await
            .context("reprocess")
    });
    reporter.finish();
    let n = n?;
    eprintln!("republished {n} documents from the archive");
    Ok(ExitCode::SUCCESS)
}

/// A backfill's or a reprocess's progress: documents done of total, and how many published.
fn reporter(progress: Arc<Progress>) -> crate::progress::Reporter {
    crate::progress::Reporter::start("documents", move || {
        let (done, total, published) = progress.snapshot();
        crate::progress::Snapshot {
            done,
            total,
            extra: format!("{published} published"),
        }
    })
}

/// One of the six official languages, lowercased.
fn parse_language(s: &str) -> Result<String, String> {
    resingest_fetcher::config::official_language(s).map_err(|e| e.to_string())
}

fn parse_source(s: &str) -> Result<Source, String> {
    s.parse()
        .map_err(|e: resingest_fetcher::FetchError| e.to_string())
}

/// `90s`, `10m`, `1h`, `500ms`, or bare seconds.
fn parse_duration(s: &str) -> Result<Duration, String> {
    crate::units::duration(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_six_official_languages_are_accepted() {
        assert_eq!(parse_language("FR"), Ok("fr".into()));
        let err = parse_language("ja").unwrap_err();
        assert!(
            err.contains("`ja`") && err.contains("ar, zh, en, fr, ru or es"),
            "{err}"
        );
    }

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("ten").unwrap_err().contains("`ten`"));
    }
}
