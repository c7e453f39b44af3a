//! Startup against the real binary, broker and database: a setting that can never work exits
//! at once with status 2 and names the setting; a server that is down is waited for, its
//! reason logged once per backoff step; secrets given in the environment stay out of `--help`.

use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use resingest_runtime::testing::{self, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_resingest");

/// Runs `resingest args`, failing the test if it has not exited within `within`.
fn run_within(args: &[&str], within: Duration) -> (Output, Duration) {
    let archive = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let mut child = Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "warn")
        .env("RESINGEST_ARCHIVE_URL", archive.path())
        .env_remove("RESINGEST_AMQP_URL")
        .env_remove("RESINGEST_DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > within {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "resingest {args:?} still running after {within:?}; stderr:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = start.elapsed();
    (child.wait_with_output().unwrap(), took)
}

#[test]
fn settings_that_can_never_work_exit_2_at_once_naming_the_setting() {
    let port = testing::free_port().to_string();
    let refused = "amqp://guest:wrong-password@127.0.0.1:5672/%2f";
    let no_vhost = "amqp://guest:guest@127.0.0.1:5672/resingest-no-such-vhost";
    let worker =
        |url: &'static str| vec!["worker", "--metrics-addr", "127.0.0.1:0", "--amqp-url", url];
    let sink_db = |url: String| {
        vec![
            "sink".to_owned(),
            "--http-addr".into(),
            "127.0.0.1:0".into(),
            "--metrics-addr".into(),
            "127.0.0.1:0".into(),
            "--database-url".into(),
            url,
        ]
    };
    let to_owned = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<Vec<_>>();
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        (
            to_owned(worker("http://x")),
            "--amqp-url",
            "not a broker url",
        ),
        (to_owned(worker(refused)), "--amqp-url", "password"),
        (to_owned(worker(no_vhost)), "--amqp-url", "vhost"),
        (
            to_owned(vec!["dlq", "list", "--amqp-url", refused]),
            "--amqp-url",
            "password",
        ),
        (
            sink_db(format!("mysql://root@127.0.0.1:{port}/x")),
            "--database-url",
            "not PostgreSQL",
        ),
        (
            sink_db("postgres://resingest_no_such_role@127.0.0.1:5432/x".into()),
            "--database-url",
            "resingest_no_such_role",
        ),
        (
            vec![
                "fetch".into(),
                "--once".into(),
                "--source".into(),
                format!("dir:{}", std::env::temp_dir().display()),
                "--database-url".into(),
                "mysql://root@127.0.0.1/x".into(),
            ],
            "--database-url",
            "not PostgreSQL",
        ),
        (to_owned(vec!["nonsense"]), "nonsense", "Usage"),
    ];
    for (args, setting, reason) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (out, took) = run_within(&args, Duration::from_secs(15));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(setting),
            "{args:?} names no {setting}: {stderr}"
        );
        assert!(
            stderr.contains(reason),
            "{args:?} says no {reason:?}: {stderr}"
        );
        assert!(!stderr.contains("retry_in"), "{args:?} retried: {stderr}");
        assert!(
            !stderr.contains("at line"),
            "{args:?} leaks internals: {stderr}"
        );
        assert!(
            !stderr.contains("wrong-password"),
            "{args:?} leaks the password: {stderr}"
        );
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
}

/// A worker waiting `secs` for a broker that is down, with `RESINGEST_LOG_FORMAT=format`, then
/// sent SIGTERM, which it must exit 0 on: whether it was still waiting, and its stderr.
fn waiting_worker(format: &str, secs: u64) -> (bool, String) {
    let url = format!("amqp://guest:guest@127.0.0.1:{}/%2f", testing::free_port());
    let archive = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args([
            "worker",
            "--metrics-addr",
            "127.0.0.1:0",
            "--amqp-url",
            &url,
        ])
        .env("RUST_LOG", "warn")
        .env("RESINGEST_LOG_FORMAT", format)
        .env("RESINGEST_ARCHIVE_URL", archive.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(secs));
    let still_running = child.try_wait().unwrap().is_none();
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "SIGTERM while waiting: {}: {stderr}",
        out.status
    );
    (still_running, stderr)
}

fn waiting_worker_logs(format: &str) -> String {
    waiting_worker(format, 2).1
}

#[test]
fn json_logs_are_one_object_per_line_with_the_events_fields() {
    let stderr = waiting_worker_logs("json");
    let events: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let attempts: Vec<_> = events
        .iter()
        .filter(|e| e["fields"]["message"] == "broker session failed")
        .collect();
    assert!(!attempts.is_empty(), "{stderr}");
    for e in attempts {
        assert_eq!(e["level"], "WARN", "{e}");
        assert!(e["fields"]["retry_in_ms"].is_u64(), "{e}");
        assert!(e["timestamp"].is_string() && e["target"].is_string(), "{e}");
    }
    // Text stays text, and a format that is none is said once and falls back to text.
    let text = waiting_worker_logs("text");
    assert!(
        text.contains("broker session failed") && !text.starts_with('{'),
        "{text}"
    );
    let unknown = waiting_worker_logs("logfmt");
    assert!(
        unknown.contains("RESINGEST_LOG_FORMAT=`logfmt` is not a log format")
            && unknown.contains("broker session failed")
            && !unknown.lines().any(|l| l.starts_with('{')),
        "{unknown}"
    );
}

#[test]
fn an_unreachable_broker_is_waited_for_with_one_line_per_attempt() {
    let (still_running, stderr) = waiting_worker("text", 3);
    assert!(
        still_running,
        "gave up on a broker that is only down: {stderr}"
    );
    let attempts: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("broker session failed"))
        .collect();
    assert!(attempts.len() >= 2, "{stderr}");
    for line in attempts {
        assert_eq!(line.matches("Connection refused").count(), 1, "{line}");
        assert!(line.contains("retry_in"), "{line}");
    }
}

#[test]
fn a_one_shot_command_against_a_broker_that_is_down_exits_3_saying_so_once() {
    let url = format!("amqp://guest:guest@127.0.0.1:{}/%2f", testing::free_port());
    let (out, _) = run_within(
        &["dlq", "list", "--amqp-url", &url],
        Duration::from_secs(15),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_eq!(stderr.matches("Connection refused").count(), 1, "{stderr}");
}

#[test]
fn help_shows_no_secret_from_the_environment() {
    let roles: [&[&str]; 7] = [
        &["worker"],
        &["sink"],
        &["fetch"],
        &["reprocess"],
        &["publish"],
        &["dlq"],
        &["dlq", "replay"],
    ];
    for role in roles {
        let out = Command::new(BIN)
            .args(role)
            .arg("--help")
            .env("RESINGEST_AMQP_URL", "amqp://admin:s3cr3t@broker:5672/%2f")
            .env(
                "RESINGEST_DATABASE_URL",
                "postgres://admin:s3cr3t@db/resingest",
            )
            .env("RESINGEST_ARCHIVE_URL", "s3://bucket/s3cr3t")
            .output()
            .unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{role:?}");
        assert!(help.contains("RESINGEST_AMQP_URL"), "{role:?}: {help}");
        assert!(!help.contains("s3cr3t"), "{role:?} shows a secret: {help}");
    }
}

#[test]
fn a_database_that_is_only_missing_is_created_not_refused() {
    // The url classifier must not mistake a database the sink creates for a wrong setting.
    let db = TestDb::new("startup_created");
    let url = db.url.clone();
    let mut child = Command::new(BIN)
        .args([
            "sink",
            "--http-addr",
            "127.0.0.1:0",
            "--metrics-addr",
            "127.0.0.1:0",
            "--amqp-url",
            "http://x",
            "--database-url",
            &url,
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    // It got past the database (created and migrated) to the broker url, which it refused.
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--amqp-url"), "{stderr}");
    assert!(
        db.count("_sqlx_migrations") > 0,
        "the database was not migrated"
    );
}

#[test]
fn dlq_replay_of_a_kind_that_does_not_exist_exits_2_naming_the_valid_kinds() {
    let vhost = resingest_amqp::testing::TestVhost::create("dlqkind");
    let (out, _) = run_within(
        &[
            "dlq",
            "replay",
            "--kind",
            "nonsense",
            "--amqp-url",
            &vhost.url,
        ],
        Duration::from_secs(20),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`nonsense`"), "{stderr}");
    assert!(
        stderr.contains("corrupt") && stderr.contains("delivery_limit"),
        "{stderr}"
    );
    let (out, _) = run_within(
        &[
            "dlq",
            "replay",
            "--kind",
            "corrupt",
            "--amqp-url",
            &vhost.url,
        ],
        Duration::from_secs(20),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("replayed 0"), "{stderr}");
}
