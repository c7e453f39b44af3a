//! The observability promise, proven on real processes: Debian's Prometheus runs with the
//! repository's `deploy/prometheus` config (only the targets rewritten to loopback) over a
//! fetcher, two workers and the sink ingesting a few corpus documents and one hostile one, in a
//! private vhost and database. Through Prometheus's HTTP API: every dashboard and alert
//! expression parses, every metric it names has series, none hides emptiness behind a constant,
//! and the dead-letter alert fires. The resolutions dashboard's SQL runs on the sink's tables.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use resingest_amqp::testing::TestVhost;
use resingest_deploy_tests::{queries, repo};
use resingest_runtime::testing::{self, TestDb};
use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

/// Corpus documents ingested besides the hostile one: enough for every stage to have
/// observations, few enough to stay quick.
const DOCUMENTS: [&str; 3] = [
    "ga/A_RES_73_3-EN.pdf",
    "ga/A_RES_73_6-EN.pdf",
    "ga/A_RES_73_7-EN.pdf",
];
const DEAD_LETTER_ALERT: &str = "ResingestDocumentsDeadLettered";
/// Everything from the first process started to the alert firing.
const BUDGET: Duration = Duration::from_secs(120);

/// A process in its own process group, killed with the whole group (extraction children
/// included) when the test ends, however it ends.
struct Process {
    name: String,
    child: Child,
}

impl Process {
    fn spawn(name: &str, command: &mut Command, log_dir: &Path) -> Process {
        let log = std::fs::File::create(log_dir.join(format!("{name}.log"))).unwrap();
        let child = command
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e}"));
        Process {
            name: name.into(),
            child,
        }
    }

    fn assert_running(&mut self, log_dir: &Path) {
        if let Some(status) = self.child.try_wait().unwrap() {
            let log = std::fs::read_to_string(log_dir.join(format!("{}.log", self.name)))
                .unwrap_or_default();
            panic!("{} exited with {status}:\n{log}", self.name);
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the group this process leads; no memory is involved.
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGKILL) };
        let _ = self.child.wait();
    }
}

/// The `resingest` binary `cargo nextest run --workspace` built beside this test; built here
/// when the test runs alone.
fn resingest_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("RESINGEST_BIN") {
        return bin.into();
    }
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("resingest");
    if !bin.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "-p", "resingest-cli", "--bin", "resingest"])
            .current_dir(repo::root())
            .status()
            .unwrap();
        assert!(status.success(), "building resingest failed");
    }
    bin
}

/// Serves the files of `dir` over HTTP/1.0 on loopback until the test process ends: the
/// fetcher's real download path, so its HTTP status metrics have series.
fn serve_dir(dir: PathBuf) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                let _ = reader.read_line(&mut request);
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let name = path.trim_start_matches('/').split('?').next().unwrap_or("");
                let mut stream = &stream;
                match std::fs::read(dir.join(name))
                    .ok()
                    .filter(|_| !name.contains(".."))
                {
                    Some(body) => {
                        let _ = write!(
                            stream,
                            "HTTP/1.0 200 OK\r\nContent-Type: application/pdf\r\nContent-Length: {}\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(&body);
                    }
                    None => {
                        let _ = stream
                            .write_all(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                    }
                }
            });
        }
    });
    addr
}

/// GET `path` from `addr`; the body of a 2xx or 4xx answer (Prometheus explains errors in the
/// body of a 400).
fn http_get(addr: SocketAddr, path: &str) -> Result<String, String> {
    let mut s =
        TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").map_err(|e| e.to_string())?;
    let mut text = String::new();
    s.read_to_string(&mut text).map_err(|e| e.to_string())?;
    let (_, body) = text.split_once("\r\n\r\n").ok_or("no http body")?;
    Ok(body.to_owned())
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct Prometheus {
    addr: SocketAddr,
}

impl Prometheus {
    /// An instant query: the result vector, or Prometheus's error (a parse error included).
    fn query(&self, expr: &str) -> Result<Vec<Json>, String> {
        let body = http_get(
            self.addr,
            &format!("/api/v1/query?query={}", percent_encode(expr)),
        )?;
        let json: Json = serde_json::from_str(&body).map_err(|e| format!("{e}: {body}"))?;
        if json["status"] != "success" {
            return Err(format!("{}: {}", json["errorType"], json["error"]));
        }
        Ok(json["data"]["result"]
            .as_array()
            .cloned()
            .unwrap_or_default())
    }

    /// The value of a query that returns one sample, 0 when it returns none.
    fn value(&self, expr: &str) -> f64 {
        self.query(expr)
            .ok()
            .and_then(|r| r.first()?["value"][1].as_str()?.parse().ok())
            .unwrap_or(0.0)
    }

    fn api(&self, path: &str) -> Json {
        http_get(self.addr, path)
            .ok()
            .and_then(|b| serde_json::from_str(&b).ok())
            .unwrap_or(Json::Null)
    }
}

/// Polls `done` every 250 ms until it holds or the budget is spent; then the failure names
/// `what` and the processes' state.
fn wait_until(
    started: Instant,
    what: &str,
    mut done: impl FnMut() -> bool,
    procs: &mut [Process],
    logs: &Path,
    prom: &Prometheus,
) {
    loop {
        if done() {
            return;
        }
        for p in procs.iter_mut() {
            p.assert_running(logs);
        }
        if started.elapsed() > BUDGET {
            let mut out = String::new();
            for p in procs.iter() {
                let log = std::fs::read_to_string(logs.join(format!("{}.log", p.name)))
                    .unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(15).collect();
                out += &format!("--- {} (last lines)\n", p.name);
                for l in tail.into_iter().rev() {
                    out += l;
                    out += "\n";
                }
            }
            let targets = prom.api("/api/v1/targets")["data"]["activeTargets"].clone();
            for t in targets.as_array().into_iter().flatten() {
                out += &format!(
                    "target {} {}: {} {}\n",
                    t["labels"]["job"], t["scrapeUrl"], t["health"], t["lastError"]
                );
            }
            panic!("timed out waiting for {what}\n{out}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The repository's scrape config with each job's targets on loopback, scraped every second,
/// and `rules` instead of its rule files. The detailed RabbitMQ job also gets the test's vhost.
fn local_config(targets: &[(&str, Vec<String>)], vhost: &str, rules: &Path) -> Yaml {
    let text = repo::read(&repo::deploy().join("prometheus/prometheus.yml"));
    let mut config: Yaml = serde_yaml::from_str(&text).unwrap();
    config["global"]["scrape_interval"] = "1s".into();
    config["global"]["evaluation_interval"] = "1s".into();
    config["rule_files"] = Yaml::Sequence(vec![rules.to_str().unwrap().into()]);
    let jobs = config["scrape_configs"].as_sequence_mut().unwrap();
    for job in jobs.iter_mut() {
        let name = job["job_name"].as_str().unwrap().to_owned();
        let (_, addrs) = targets
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("the test has no targets for job {name}: add them"));
        let map = job.as_mapping_mut().unwrap();
        map.remove("dns_sd_configs");
        let addrs: Vec<Yaml> = addrs.iter().map(|a| a.as_str().into()).collect();
        let mut static_config = serde_yaml::Mapping::new();
        static_config.insert("targets".into(), Yaml::Sequence(addrs));
        map.insert(
            "static_configs".into(),
            Yaml::Sequence(vec![Yaml::Mapping(static_config)]),
        );
        if name == "rabbitmq-queues" {
            job["params"]["vhost"] = Yaml::Sequence(vec![vhost.into()]);
        }
    }
    for (name, _) in targets {
        assert!(
            jobs.iter().any(|j| j["job_name"] == *name),
            "deploy/prometheus/prometheus.yml lost job {name}"
        );
    }
    config
}

/// The repository's alert rules with every `for:` at one second, so a firing alert is seen
/// within the test.
fn fast_rules() -> Yaml {
    let text = repo::read(&repo::deploy().join("prometheus/alerts.yml"));
    let mut rules: Yaml = serde_yaml::from_str(&text).unwrap();
    for group in rules["groups"].as_sequence_mut().unwrap() {
        for rule in group["rules"].as_sequence_mut().unwrap() {
            if rule.get("for").is_some() {
                rule["for"] = "1s".into();
            }
        }
    }
    rules
}

/// What the resolutions dashboard's SQL macros expand to in Grafana, for psql.
fn expand_sql_macros(sql: &str) -> String {
    let mut out = sql.to_owned();
    while let Some(at) = out.find("$__timeGroupAlias(") {
        let end = at + out[at..].find(')').unwrap();
        let column = out[at + "$__timeGroupAlias(".len()..end]
            .split(',')
            .next()
            .unwrap()
            .trim()
            .to_owned();
        out.replace_range(at..=end, &format!("date_trunc('day', {column}) AS time"));
    }
    while let Some(at) = out.find("$__timeFilter(") {
        let end = at + out[at..].find(')').unwrap();
        let column = out[at + "$__timeFilter(".len()..end].trim().to_owned();
        out.replace_range(at..=end, &format!("{column} > now() - interval '6 hours'"));
    }
    out
}

#[test]
fn prometheus_sees_every_dashboard_and_alert_metric_and_fires_the_dead_letter_alert() {
    let prometheus_bin = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists());
    let corpus = repo::corpus();
    let missing = match (&prometheus_bin, corpus.join(DOCUMENTS[0]).exists()) {
        (None, _) => Some("prometheus (apt-get install prometheus)".to_owned()),
        (_, false) => Some(format!("the corpus at {}", corpus.display())),
        _ => None,
    };
    if let Some(what) = missing {
        assert!(!repo::in_ci(), "missing {what}");
        eprintln!("skipped: missing {what}");
        return;
    }
    if http_get("127.0.0.1:15692".parse().unwrap(), "/metrics").is_err() {
        assert!(
            !repo::in_ci(),
            "rabbitmq_prometheus does not answer on 15692"
        );
        eprintln!("skipped: rabbitmq_prometheus is not enabled (rabbitmq-plugins enable rabbitmq_prometheus)");
        return;
    }

    let bin = resingest_bin();
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    let served = tmp.path().join("served");
    std::fs::create_dir_all(&logs).unwrap();
    std::fs::create_dir_all(&served).unwrap();
    let mut names = Vec::new();
    for doc in DOCUMENTS {
        let name = Path::new(doc)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        std::fs::copy(corpus.join(doc), served.join(&name)).unwrap();
        names.push(name);
    }
    // Random bytes behind a PDF header: a document the worker can only dead-letter.
    std::fs::write(
        served.join("hostile.pdf"),
        resingest_sandbox::hostile::random_after_header(4096, 8),
    )
    .unwrap();
    names.push("hostile.pdf".into());
    let server = serve_dir(served);
    let urls = tmp.path().join("urls.txt");
    std::fs::write(
        &urls,
        names
            .iter()
            .map(|n| format!("http://{server}/{n}\n"))
            .collect::<String>(),
    )
    .unwrap();

    let vhost = TestVhost::create("deploy");
    let db = TestDb::new("deploy");
    let started = Instant::now();
    let [fetcher_port, worker1_port, worker2_port, sink_port, prom_port, api_port] =
        std::array::from_fn(|_| testing::free_port());
    let role = |args: &[&str]| {
        let mut c = Command::new(&bin);
        c.args(args)
            .env("RESINGEST_AMQP_URL", &vhost.url)
            .env("RESINGEST_DATABASE_URL", &db.url)
            .env("RESINGEST_ARCHIVE_URL", tmp.path().join("archive"))
            .env("RUST_LOG", "info");
        c
    };
    let mut procs = vec![Process::spawn(
        "sink",
        role(&["sink"])
            .env("RESINGEST_HTTP_ADDR", format!("127.0.0.1:{api_port}"))
            .env("RESINGEST_METRICS_ADDR", format!("127.0.0.1:{sink_port}")),
        &logs,
    )];
    for (name, port) in [("worker1", worker1_port), ("worker2", worker2_port)] {
        procs.push(Process::spawn(
            name,
            role(&["worker", "--concurrency", "1", "--timeout", "20"])
                .env("RESINGEST_METRICS_ADDR", format!("127.0.0.1:{port}")),
            &logs,
        ));
    }

    let rules_path = tmp.path().join("alerts.yml");
    std::fs::write(&rules_path, serde_yaml::to_string(&fast_rules()).unwrap()).unwrap();
    let local = |p: u16| vec![format!("127.0.0.1:{p}")];
    let config = local_config(
        &[
            ("resingest-fetcher", local(fetcher_port)),
            (
                "resingest-worker",
                [local(worker1_port), local(worker2_port)].concat(),
            ),
            ("resingest-sink", local(sink_port)),
            ("rabbitmq", local(15692)),
            ("rabbitmq-queues", local(15692)),
        ],
        &vhost.name,
        &rules_path,
    );
    let config_path = tmp.path().join("prometheus.yml");
    std::fs::write(&config_path, serde_yaml::to_string(&config).unwrap()).unwrap();
    let mut prometheus = Command::new(prometheus_bin.unwrap());
    prometheus
        .arg(format!("--config.file={}", config_path.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            tmp.path().join("tsdb").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"));
    procs.push(Process::spawn("prometheus", &mut prometheus, &logs));
    let prom = Prometheus {
        addr: SocketAddr::from(([127, 0, 0, 1], prom_port)),
    };

    // Workers and sink scraped (their counters at 0) before any document exists, so the first
    // dead letter is an increase Prometheus can see.
    wait_until(
        started,
        "the workers, the sink and RabbitMQ scraped up",
        || {
            prom.value(r#"count(up{job=~"resingest-worker|resingest-sink|rabbitmq.*"} == 1)"#)
                == 5.0
                && prom.value("count(resingest_worker_consuming == 1)") == 2.0
        },
        &mut procs,
        &logs,
        &prom,
    );
    procs.push(Process::spawn(
        "fetcher",
        role(&[
            "fetch",
            "--source",
            &format!("urls:{}", urls.display()),
            "--watch",
            "--interval",
            "2s",
            "--per-host-interval",
            "10ms",
            "--allow-host",
            "127.0.0.1",
        ])
        .env(
            "RESINGEST_METRICS_ADDR",
            format!("127.0.0.1:{fetcher_port}"),
        ),
        &logs,
    ));

    wait_until(
        started,
        "every corpus document stored and the hostile one dead-lettered, as Prometheus sees them",
        || {
            // A read-API request, so the API panels' series exist.
            let _ = http_get(
                format!("127.0.0.1:{api_port}").parse().unwrap(),
                "/v1/resolutions",
            );
            prom.value(r#"sum(resingest_sink_resolutions_total{outcome="stored"})"#)
                >= DOCUMENTS.len() as f64
                && prom.value(r#"sum(resingest_worker_documents_total{outcome="dead_lettered"})"#)
                    >= 1.0
                && prom.value("count(resingest_fetcher_last_success_timestamp_seconds)") >= 1.0
                && prom.value("count(rabbitmq_detailed_queue_messages_ready)") >= 1.0
                && prom.value("count(resingest_api_requests_total)") >= 1.0
        },
        &mut procs,
        &logs,
        &prom,
    );

    let mut all = Vec::new();
    for d in queries::dashboards(&repo::deploy().join("grafana/dashboards")) {
        all.extend(queries::dashboard_queries(&d));
    }
    let rules: Yaml =
        serde_yaml::from_str(&repo::read(&repo::deploy().join("prometheus/alerts.yml"))).unwrap();
    let alerts = queries::alert_queries(&rules);
    assert!(
        alerts.len() >= 6,
        "fewer alert rules than the issue asks for"
    );
    all.extend(alerts);
    let mut problems = Vec::new();
    for q in &all {
        // "All" instances, and the vhost this test's broker objects live on: the vhost filter
        // must select the test's queues, not every vhost of the shared broker.
        let expr = queries::substitute_template_variables(
            &queries::expand_grafana_variables(&q.expr),
            &[("instance", ".+"), ("vhost", &vhost.name)],
        );
        if expr.contains('$') {
            problems.push(format!(
                "{}: an unknown template variable\n  {expr}",
                q.origin
            ));
        }
        if let Err(e) = prom.query(&expr) {
            problems.push(format!("{}: does not evaluate: {e}\n  {expr}", q.origin));
        }
        if let Some(how) = queries::hides_emptiness(&expr) {
            problems.push(format!("{}: hides emptiness behind {how}", q.origin));
        }
        let names = queries::metric_names(&expr);
        if names.is_empty() {
            problems.push(format!("{}: names no metric", q.origin));
        }
        for name in names {
            let series = prom.value(&format!(r#"count({{__name__="{name}"}})"#));
            if series < 1.0 {
                problems.push(format!("{}: no series of {name}", q.origin));
            }
        }
    }
    // The vhost variable filters: the queue panels find this test's queues with its vhost, and
    // none with a vhost the broker does not have (every vhost summed would find some).
    for q in all.iter().filter(|q| q.expr.contains("$vhost")) {
        let expand = |v: &str| {
            queries::substitute_template_variables(
                &queries::expand_grafana_variables(&q.expr),
                &[("instance", ".+"), ("vhost", v)],
            )
        };
        let dead = q.expr.contains("dead");
        if !dead && prom.query(&expand(&vhost.name)).is_ok_and(|r| r.is_empty()) {
            problems.push(format!("{}: no series on the test's vhost", q.origin));
        }
        if prom
            .query(&expand("no-such-vhost"))
            .is_ok_and(|r| !r.is_empty())
        {
            problems.push(format!("{}: not filtered by vhost", q.origin));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The resolutions dashboard reads the sink's tables: each query runs and finds rows.
    for d in queries::dashboards(&repo::deploy().join("grafana/dashboards")) {
        for q in queries::dashboard_sql(&d) {
            let sql = expand_sql_macros(&q.expr);
            match testing::psql(&db.url, &sql) {
                Ok(rows) => assert!(!rows.trim().is_empty(), "{}: no rows\n{sql}", q.origin),
                Err(e) => panic!("{}: {e}\n{sql}", q.origin),
            }
        }
    }

    wait_until(
        started,
        "the dead-letter alert firing",
        || {
            prom.api("/api/v1/alerts")["data"]["alerts"]
                .as_array()
                .is_some_and(|a| {
                    a.iter().any(|a| {
                        a["labels"]["alertname"] == DEAD_LETTER_ALERT && a["state"] == "firing"
                    })
                })
        },
        &mut procs,
        &logs,
        &prom,
    );
    eprintln!(
        "{} expressions checked, {DEAD_LETTER_ALERT} firing after {:?}",
        all.len(),
        started.elapsed()
    );
}
