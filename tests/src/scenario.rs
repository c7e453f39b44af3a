//! One scenario: build the inputs, start the processes in a private vhost and database, feed
//! them, inject the fault while work remains, wait until every queue has drained, stop
//! everything with SIGTERM, and count.

use std::time::{Duration, Instant};

use resingest_amqp::testing::TestVhost;
use resingest_runtime::testing::TestDb;

use crate::account::{self, Counts};
use crate::faults::{self, Fault};
use crate::fleet::{self, Env, Proc};
use crate::inputs::{Door, Expect, Inputs, Mix};

/// `make chaos` sizes, or the reduced ones CI runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Full,
    Reduced,
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: &'static str,
    pub fault: Fault,
    pub mix: Mix,
    pub workers: usize,
    /// Publish everything before any consumer starts (a backlog), instead of feeding the
    /// running fleet through a watching fetcher.
    pub backlog: bool,
}

impl Scenario {
    /// Every scenario, in the order of the README's table.
    pub fn all(size: Size) -> Vec<Scenario> {
        let full = size == Size::Full;
        // Full: the whole corpus plus synthetic resolutions, over 500 documents in all.
        let mix = Mix {
            corpus: if full { None } else { Some(12) },
            synthetic: if full { 330 } else { 24 },
            hostile: false,
        };
        let outage = Duration::from_secs(if full { 5 } else { 3 });
        let longer = Mix {
            synthetic: if full { 330 } else { 240 },
            ..mix
        };
        let s = |name, fault| Scenario {
            name,
            fault,
            mix,
            workers: 2,
            backlog: false,
        };
        vec![
            Scenario {
                mix: Mix {
                    hostile: true,
                    ..mix
                },
                ..s("end-to-end", Fault::None)
            },
            Scenario {
                mix: Mix {
                    corpus: Some(if full { 40 } else { 6 }),
                    synthetic: if full { 40 } else { 6 },
                    hostile: true,
                },
                ..s("hostile inputs", Fault::None)
            },
            Scenario {
                workers: 3,
                // Longer than the others, so the kills keep coming through most of the run.
                // Reduced: still enough for several kills, 2 s apart, before the queue drains.
                mix: Mix {
                    synthetic: if full { 830 } else { 200 },
                    ..mix
                },
                ..s(
                    "worker SIGKILL every 2 s",
                    Fault::KillWorkers {
                        every: Duration::from_secs(2),
                        at_least: 4,
                    },
                )
            },
            Scenario {
                mix: longer,
                ..s(
                    "worker SIGKILLed between confirm and ack",
                    Fault::KillAfterConfirm { every: 3, kills: 3 },
                )
            },
            // A SIGTERM drain or a sink restart also takes a moment: enough work to outlast it.
            Scenario {
                mix: longer,
                ..s("worker SIGTERM", Fault::TermWorker)
            },
            Scenario {
                mix: longer,
                ..s("sink restarted", Fault::RestartSink)
            },
            // Stopping a server takes a second or two: enough work to still be under way.
            Scenario {
                mix: longer,
                ..s("PostgreSQL restarted", Fault::RestartPostgres { outage })
            },
            Scenario {
                mix: longer,
                ..s("RabbitMQ restarted", Fault::RestartRabbitmq { outage })
            },
            Scenario {
                mix: longer,
                ..s("RabbitMQ SIGKILLed", Fault::KillRabbitmq { outage })
            },
            Scenario {
                mix: longer,
                ..s(
                    "RabbitMQ cluster node SIGKILLed",
                    Fault::KillClusterNode { base_port: 5681 },
                )
            },
            Scenario {
                mix: Mix {
                    corpus: None,
                    synthetic: if full { 4_830 } else { 200 },
                    hostile: false,
                },
                backlog: true,
                ..s("load: backlog drained", Fault::None)
            },
        ]
    }

    pub fn named(name: &str, size: Size) -> Scenario {
        Scenario::all(size)
            .into_iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no scenario {name:?}"))
    }
}

/// What a scenario measured.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: &'static str,
    pub inputs: usize,
    pub counts: Counts,
    pub faults: usize,
    /// Per fault: from its end (process killed, server being started again) to the next resolution
    /// the sink stored (its `stored_at`, PostgreSQL's clock on this same machine); none for a
    /// fault after which nothing was left to store.
    pub recovery: Vec<Duration>,
    /// From the first consumer start (backlog) or the first publish to the last outcome.
    pub seconds: f64,
    /// Stored-at minus published-at, seconds: p50, p95, p99.
    pub latency: Option<(f64, f64, f64)>,
    /// (process, peak RSS MiB, largest child's peak RSS MiB).
    pub peak_rss: Vec<(String, f64, f64)>,
    /// Anything else wrong: a process that died or exited non-zero, a worker not healthy.
    pub problems: Vec<String>,
    /// Where logs were kept when something went wrong.
    pub kept_logs: Option<std::path::PathBuf>,
}

impl Outcome {
    pub fn throughput(&self) -> f64 {
        self.counts.published as f64 / self.seconds.max(1e-9)
    }

    pub fn clean(&self) -> bool {
        self.counts.clean() && self.problems.is_empty()
    }

    pub fn max_recovery(&self) -> Option<Duration> {
        self.recovery.iter().max().copied()
    }

    /// Panics with everything a reader needs when the scenario is not clean.
    pub fn assert_clean(&self) {
        assert!(
            self.clean(),
            "{}: {:#?}\nproblems: {:#?}\nlogs kept in {:?}",
            self.name,
            self.counts,
            self.problems,
            self.kept_logs
        );
    }
}

/// Runs the reduced scenario `name` as CI does: prints its table row and details, and panics
/// unless the count is clean.
pub fn run_reduced(name: &str) -> Outcome {
    let o = run(&Scenario::named(name, Size::Reduced));
    eprint!("{}{}", crate::report::row(&o), crate::report::details(&o));
    o.assert_clean();
    o
}

/// Runs `scenario` against the broker and database on loopback.
pub fn run(scenario: &Scenario) -> Outcome {
    let slug: String = scenario
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    // A cluster of its own for the scenario that kills a node: the vhost, every role and the
    // accounting then use its nodes (rabbitmqctl the second node's, which is never killed).
    // Declared before the cluster and the vhost, so dropped after them: the vhost is deleted
    // through the cluster's node, then the next scenario of a `chaos` run (one process) gets
    // the machine's broker back.
    let _env = EnvRestore::of(&["RESINGEST_TEST_AMQP_BASE", "RABBITMQ_NODENAME"]);
    let cluster = match scenario.fault {
        Fault::KillClusterNode { base_port } => {
            let cluster = crate::cluster::Cluster::start(3, base_port);
            std::env::set_var("RESINGEST_TEST_AMQP_BASE", cluster.amqp_bases());
            std::env::set_var("RABBITMQ_NODENAME", &cluster.nodes[1].name);
            Some(cluster)
        }
        _ => None,
    };
    let vhost = TestVhost::create(&format!("e2e-{}", slug.replace('_', "-")));
    let db = TestDb::new(&format!("e2e_{}", &slug[..slug.len().min(20)]));
    let database_url = db.url.clone();
    let tmp = tempfile::Builder::new()
        .prefix("resingest-e2e-")
        .tempdir()
        .unwrap();
    let inputs = Inputs::build(&tmp.path().join("in"), scenario.mix);
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let env = Env {
        bin: fleet::resingest_bin(),
        amqp_url: vhost.url.clone(),
        database_url: database_url.clone(),
        archive: tmp.path().join("archive"),
        logs,
        concurrency: 1,
    };
    let _restore = faults::Restore(scenario.fault);

    let mut outcome = Outcome {
        name: scenario.name,
        inputs: inputs.inputs.len(),
        counts: Counts::default(),
        faults: 0,
        recovery: Vec::new(),
        seconds: 0.0,
        latency: None,
        peak_rss: Vec::new(),
        problems: Vec::new(),
        kept_logs: None,
    };
    let expected = inputs.published().count() as u64;
    let mut fetcher_peak = (0u64, 0u64);

    let mut sink;
    let mut workers: Vec<Proc>;
    let mut fetcher = None;
    let start;
    if scenario.backlog {
        // Everything on the queue first; the fetcher exits once it has published it all.
        let mut f = env.fetcher(&inputs.fetch_dir, false);
        let status = loop {
            let rss = f.peak_rss_kib();
            fetcher_peak = (fetcher_peak.0.max(rss.0), 0);
            if let Ok(Some(s)) = f.child.try_wait() {
                break s;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        f.exit = Some(status);
        if !status.success() {
            outcome
                .problems
                .push(format!("fetch --once exited {status}:\n{}", f.log_tail(20)));
        }
        publish_hostile(&env, &inputs, &mut outcome);
        start = Instant::now();
        sink = env.sink();
        workers = (0..scenario.workers).map(|i| env.worker(i)).collect();
    } else {
        sink = env.sink();
        workers = (0..scenario.workers).map(|i| env.worker(i)).collect();
        for p in workers.iter_mut().chain([&mut sink]) {
            if let Err(e) = fleet::wait_healthy(p, Duration::from_secs(60)) {
                panic!("{e}");
            }
        }
        // A failover is tested only if every queue has its replicas before the work starts:
        // growing them takes the CLI seconds, in which a reduced run would store everything.
        if let Some(cluster) = &cluster {
            let want = resingest_model::topology::Topology::standard(1)
                .queues
                .iter()
                .filter(|q| matches!(q.queue_type(), Some("quorum" | "stream")))
                .count();
            let members = cluster.replicate_everywhere(&vhost.name, want, Duration::from_secs(60));
            eprintln!("replicated queues before the work: {members:#?}");
        }
        start = Instant::now();
        fetcher = Some(env.fetcher(&inputs.fetch_dir, true));
        publish_hostile(&env, &inputs, &mut outcome);
    }

    // Watch progress; inject the fault once a twentieth of the work is stored. The database is
    // asked every 100 ms (cheap); the broker, whose CLI takes the better part of a second, every
    // 2 s and whenever everything that should be stored is.
    let start_wall = std::time::SystemTime::now() - start.elapsed();
    let expected_stored = inputs
        .inputs
        .iter()
        .filter(|i| i.expect == Expect::Stored)
        .count() as u64;
    let trigger = (expected_stored / 20).max(1);
    let mut done_at = start;
    let mut last = (0u64, Instant::now());
    let mut fault_ends: Vec<std::time::SystemTime> = Vec::new();
    let mut next_kill: Option<Instant> = None;
    let mut killed_at = 0u64;
    let mut fault_done = scenario.fault == Fault::None;
    let mut armed = false;
    let stall = Duration::from_secs(180);
    let mut spawned = scenario.workers;
    let mut stored = 0u64;
    let mut dead = 0u64;
    let mut broker_looked = Instant::now() - Duration::from_secs(60);
    loop {
        let now = Instant::now();
        if let Ok(n) = account::psql_count(&database_url, "SELECT count(*) FROM documents") {
            stored = n as u64;
        }
        if stored >= trigger && !fault_done {
            match scenario.fault {
                Fault::None => {}
                Fault::KillWorkers { every, at_least } => {
                    // A kill at each share of the work, the shares small enough that the
                    // `at_least` kills fit with one share to spare: the sink stores in batches,
                    // and a batch can jump past a kill point (and past the last ones, into the
                    // window where no kill may land).
                    let share = (expected_stored / (at_least + 2)).max(1);
                    let due = next_kill.is_none_or(|t| now >= t) || stored >= killed_at + share;
                    // Not in the last half share: a kill there can land after the last
                    // resolution was stored (read a moment ago), and no recovery could follow.
                    if due && stored + (share / 2).max(1) < expected_stored {
                        killed_at = stored;
                        let k = outcome.faults % workers.len();
                        workers[k].kill();
                        outcome.faults += 1;
                        workers[k] = env.worker(spawned);
                        spawned += 1;
                        fault_ends.push(std::time::SystemTime::now());
                        next_kill = Some(now + every);
                    }
                    if stored >= expected_stored {
                        fault_done = true;
                    }
                }
                Fault::KillAfterConfirm { every, kills } => {
                    if outcome.faults == 0 && !armed {
                        // The fault starts here: worker 0 is replaced by one that dies at its
                        // `every`-th confirm.
                        workers[0].terminate(Duration::from_secs(30));
                        workers[0] = env.worker_killed_after_confirm(spawned, every);
                        spawned += 1;
                        armed = true;
                    } else if let Ok(Some(status)) = workers[0].child.try_wait() {
                        workers[0].exit = Some(status);
                        use std::os::unix::process::ExitStatusExt;
                        if status.signal() != Some(SIGKILL) {
                            outcome.problems.push(format!(
                                "the worker with the failpoint ended {status}, not by SIGKILL:\n{}",
                                workers[0].log_tail(20)
                            ));
                        }
                        outcome.faults += 1;
                        fault_ends.push(std::time::SystemTime::now());
                        workers[0] = if (outcome.faults as u64) < kills {
                            env.worker_killed_after_confirm(spawned, every)
                        } else {
                            fault_done = true;
                            env.worker(spawned)
                        };
                        spawned += 1;
                    } else if stored >= expected_stored {
                        fault_done = true;
                    }
                }
                Fault::TermWorker => {
                    let (status, took) = workers[0].terminate(Duration::from_secs(30));
                    match status {
                        Some(s) if s.success() => {}
                        other => outcome.problems.push(format!(
                            "worker-0 after SIGTERM: {other:?} in {took:?}:\n{}",
                            workers[0].log_tail(20)
                        )),
                    }
                    outcome.faults += 1;
                    fault_ends.push(std::time::SystemTime::now());
                    workers[0] = env.worker(spawned);
                    spawned += 1;
                    fault_done = true;
                }
                Fault::RestartSink => {
                    sink.kill();
                    outcome.faults += 1;
                    sink = env.sink();
                    fault_ends.push(std::time::SystemTime::now());
                    fault_done = true;
                }
                Fault::RestartPostgres { outage } => {
                    faults::stop_postgres();
                    std::thread::sleep(outage);
                    fault_ends.push(std::time::SystemTime::now());
                    faults::start_postgres();
                    outcome.faults += 1;
                    fault_done = true;
                }
                Fault::RestartRabbitmq { outage } | Fault::KillRabbitmq { outage } => {
                    let killed = matches!(scenario.fault, Fault::KillRabbitmq { .. });
                    if killed {
                        faults::kill_rabbitmq();
                    } else {
                        faults::stop_rabbitmq();
                    }
                    std::thread::sleep(outage);
                    fault_ends.push(std::time::SystemTime::now());
                    if killed {
                        faults::start_rabbitmq_server();
                    } else {
                        faults::start_rabbitmq();
                    }
                    outcome.faults += 1;
                    fault_done = true;
                }
                Fault::KillClusterNode { .. } => {
                    let cluster = cluster.as_ref().expect("the scenario's cluster");
                    cluster.nodes[0].kill();
                    outcome.faults += 1;
                    fault_ends.push(std::time::SystemTime::now());
                    fault_done = true;
                }
            }
        }
        let mut drained = false;
        // While kills are due the loop must stay quick: the broker's slow CLI is asked only
        // once everything that should be stored is (a stall shows in the stored count too).
        let killing = !fault_done && matches!(scenario.fault, Fault::KillWorkers { .. });
        if stored >= expected_stored || (!killing && now - broker_looked > Duration::from_secs(2)) {
            if let Ok((d, empty)) = account::broker_progress(&vhost.name) {
                dead = d;
                drained = stored + d >= expected && empty;
            }
            broker_looked = Instant::now();
        }
        let out = stored + dead;
        if out != last.0 {
            last = (out, now);
            done_at = now;
        }
        if drained {
            if outcome.faults == 0 && scenario.fault != Fault::None {
                outcome
                    .problems
                    .push("drained before the fault could be injected: too few documents".into());
            }
            break;
        }
        if now - last.1 > stall {
            let cluster_state = cluster
                .as_ref()
                .map(|c| c.diagnose(&vhost.name))
                .unwrap_or_default();
            outcome.problems.push(format!(
                "no progress for {stall:?} at {out} of {expected} documents\n{cluster_state}"
            ));
            break;
        }
        // An unplanned death is a finding, not something to wait out.
        for w in workers.iter_mut().chain([&mut sink]) {
            if w.exit.is_none() {
                if let Ok(Some(s)) = w.child.try_wait() {
                    w.exit = Some(s);
                    outcome
                        .problems
                        .push(format!("{} died: {s}\n{}", w.role, w.log_tail(20)));
                }
            }
        }
        if !outcome.problems.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    outcome.seconds = last_stored_at(&database_url)
        .and_then(|t| t.duration_since(start_wall).ok())
        .unwrap_or(done_at - start)
        .as_secs_f64();

    // The fleet is whole again: every worker consuming and the sink healthy, within a minute
    // (after a broker restart they may still be in their reconnect backoff when the work ends).
    let deadline = Instant::now() + Duration::from_secs(60);
    for p in workers.iter_mut().chain([&mut sink]) {
        let left = deadline.saturating_duration_since(Instant::now());
        if let Err(e) = fleet::wait_healthy(p, left) {
            outcome.problems.push(e);
        }
    }
    outcome.peak_rss = std::iter::once(("fetcher".to_string(), fetcher_peak))
        .filter(|_| fetcher.is_none())
        .chain(
            fetcher
                .iter()
                .map(|f| ("fetcher".to_string(), f.peak_rss_kib())),
        )
        .chain([("sink".to_string(), sink.peak_rss_kib())])
        .chain(
            workers
                .iter()
                .map(|w| ("worker".to_string(), w.peak_rss_kib())),
        )
        .map(|(r, (own, child))| (r, own as f64 / 1024.0, child as f64 / 1024.0))
        .collect();

    // Everyone leaves by SIGTERM, and says so with exit 0.
    let procs = fetcher
        .iter_mut()
        .chain(workers.iter_mut())
        .chain([&mut sink]);
    for p in procs {
        let (status, took) = p.terminate(Duration::from_secs(30));
        if !status.is_some_and(|s| s.success()) {
            outcome.problems.push(format!(
                "{} after SIGTERM: {status:?} in {took:?}\n{}",
                p.role,
                p.log_tail(20)
            ));
        }
    }

    outcome.counts = account::account(&inputs, &vhost.name, &vhost.url, &database_url);
    outcome.latency = latency(&database_url);
    outcome.recovery = fault_ends
        .iter()
        .filter_map(|t| recovery_after(&database_url, *t))
        .collect();
    if scenario.fault != Fault::None && outcome.recovery.is_empty() {
        outcome
            .problems
            .push("nothing was stored after the fault: it came too late to test anything".into());
    }
    // RESINGEST_E2E_KEEP_LOGS=1 keeps them for a run that passed too (to see where time went).
    if !outcome.clean() || std::env::var_os("RESINGEST_E2E_KEEP_LOGS").is_some() {
        outcome.kept_logs = Some(tmp.keep());
    }
    drop(db);
    outcome
}

/// Puts environment variables back as they were when it was made.
struct EnvRestore(Vec<(&'static str, Option<std::ffi::OsString>)>);

impl EnvRestore {
    fn of(names: &[&'static str]) -> EnvRestore {
        EnvRestore(names.iter().map(|n| (*n, std::env::var_os(n))).collect())
    }
}

impl Drop for EnvRestore {
    fn drop(&mut self) {
        for (name, value) in &self.0 {
            match value {
                Some(v) => std::env::set_var(name, v),
                None => std::env::remove_var(name),
            }
        }
    }
}

fn publish_hostile(env: &Env, inputs: &Inputs, outcome: &mut Outcome) {
    if inputs.any_published_through(Door::Publish) {
        let status = env.publish(&inputs.publish_dir);
        if !status.success() {
            outcome
                .problems
                .push(format!("resingest publish exited {status}"));
        }
    }
}

/// When the last resolution was stored.
fn last_stored_at(database_url: &str) -> Option<std::time::SystemTime> {
    let rows = account::psql(
        database_url,
        "SELECT extract(epoch FROM max(stored_at)) FROM resolutions",
    )
    .ok()?;
    let secs: f64 = rows.first()?.first()?.parse().ok()?;
    Some(std::time::UNIX_EPOCH + Duration::from_secs_f64(secs))
}

/// From `t` to the first resolution stored after it.
fn recovery_after(database_url: &str, t: std::time::SystemTime) -> Option<Duration> {
    let epoch = t.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs_f64();
    let rows = account::psql(
        database_url,
        &format!(
            "SELECT extract(epoch FROM min(stored_at)) - {epoch} FROM resolutions \
             WHERE stored_at > to_timestamp({epoch})"
        ),
    )
    .ok()?;
    let secs: f64 = rows.first()?.first()?.parse().ok()?;
    Some(Duration::from_secs_f64(secs.max(0.0)))
}

/// p50/p95/p99 of stored-at minus the fetcher's published-at.
fn latency(database_url: &str) -> Option<(f64, f64, f64)> {
    let rows = account::psql(
        database_url,
        "SELECT percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP \
         (ORDER BY extract(epoch FROM r.stored_at - l.published_at)) \
         FROM resolutions r JOIN fetch_ledger l ON l.sha256 = r.sha256 \
         WHERE l.published_at IS NOT NULL",
    )
    .ok()?;
    let v = rows.first()?.first()?;
    let nums: Vec<f64> = v
        .trim_matches(|c| c == '{' || c == '}')
        .split(',')
        .filter_map(|x| x.parse().ok())
        .collect();
    match nums[..] {
        [a, b, c] => Some((a, b, c)),
        _ => None,
    }
}

/// SIGKILL's number, as `ExitStatus::signal` reports it.
const SIGKILL: i32 = 9;
