//! `resingest fetch` as a process against the fetcher's fake UN, the real broker and database:
//! a language the UN does not publish in is a usage error, the request headers given on the
//! command line are the ones sent, and a bounded backfill off a terminal logs its progress
//! with a total.

#[path = "../../fetcher/tests/common/fake_un.rs"]
#[allow(dead_code)]
mod fake_un;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use resingest_amqp::testing::TestVhost;
use resingest_runtime::testing::TestDb;
use tokio::io::AsyncWriteExt;

const BIN: &str = env!("CARGO_BIN_EXE_resingest");
const PG: &str = "postgres://postgres@127.0.0.1:5432";

type Log = Arc<Mutex<Vec<(String, HashMap<String, String>)>>>;

/// Serves `un` on a thread of its own until the process ends; every request is logged.
fn serve(un: fake_un::Un) -> (SocketAddr, Log) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Log::default();
    let (un, seen) = (Arc::new(Mutex::new(un)), log.clone());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    continue;
                };
                let (un, seen) = (un.clone(), seen.clone());
                tokio::spawn(async move {
                    let Some((target, headers)) = fake_un::read_request(&mut stream).await else {
                        return;
                    };
                    seen.lock().unwrap().push((target.clone(), headers.clone()));
                    let (answer, latency) = {
                        let mut un = un.lock().unwrap();
                        (un.answer("", &target, &headers), un.latency())
                    };
                    tokio::time::sleep(latency).await;
                    let _ = stream.write_all(&answer.encode()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
    });
    (addr, log)
}

/// `resingest fetch --source symbols --once` of GA session 80 against the fake at `addr`.
fn fetch(addr: SocketAddr, db: &TestDb, vhost: &TestVhost, extra: &[&str]) -> Output {
    let archive = tempfile::tempdir().unwrap();
    Command::new(BIN)
        .args([
            "fetch",
            "--source",
            "symbols",
            "--once",
            "--ga-session",
            "80",
        ])
        .args([
            "--sc-year",
            "2025",
            "--max-misses",
            "2",
            "--per-host-interval",
            "0ms",
        ])
        .arg("--symbol-api")
        .arg(format!("http://{addr}/api/symbol/access"))
        .args(["--database-url", &db.url, "--amqp-url", &vhost.url])
        .arg("--archive")
        .arg(archive.path())
        .args(extra)
        .env("RUST_LOG", "info")
        .env_remove("RESINGEST_LANG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_language_the_un_does_not_publish_in_exits_2_naming_the_six() {
    let out = Command::new(BIN)
        .args(["fetch", "--source", "symbols", "--once", "--lang", "en,ja"])
        .env("RESINGEST_DATABASE_URL", format!("{PG}/never_created"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`ja`") && stderr.contains("ar, zh, en, fr, ru or es"),
        "{stderr}"
    );
}

#[test]
fn the_accept_and_referer_given_on_the_command_line_are_sent() {
    let help = Command::new(BIN)
        .args(["fetch", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--accept <ACCEPT>",
        "--referer-base <REFERER_BASE>",
        "--ga-until",
    ] {
        assert!(help.contains(flag), "{flag} not in --help:\n{help}");
    }
    let mut un = fake_un::Un {
        strict_headers: false,
        ..fake_un::Un::default()
    };
    un.publish_fake("A/RES/80/1", &["en"]);
    let (addr, log) = serve(un);
    let (db, vhost) = (
        TestDb::new("cli_fetch_headers"),
        TestVhost::create("cli-fetch-headers"),
    );
    let out = fetch(
        addr,
        &db,
        &vhost,
        &[
            "--ga-until",
            "1",
            "--accept",
            "application/pdf, */*;q=0.1",
            "--referer-base",
            "https://viewer.example/",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("published 1,"), "{stderr}");
    let asked = |log: &Log| {
        log.lock()
            .unwrap()
            .iter()
            .rev()
            .find(|(t, _)| t.starts_with("/api/symbol/access?s=A%2FRES%2F80%2F1&"))
            .map(|(_, h)| h.clone())
            .expect("the symbol API was asked for A/RES/80/1")
    };
    let h = asked(&log);
    assert_eq!(h["accept"], "application/pdf, */*;q=0.1");
    assert_eq!(h["referer"], "https://viewer.example/en/A/RES/80/1");

    // `none`: no Referer at all.
    let (db, vhost) = (
        TestDb::new("cli_fetch_noreferer"),
        TestVhost::create("cli-fetch-noreferer"),
    );
    let out = fetch(
        addr,
        &db,
        &vhost,
        &["--ga-until", "1", "--referer-base", "none"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let h = asked(&log);
    assert!(!h.contains_key("referer"), "{h:?}");
    assert_eq!(h["accept"], "application/pdf");
}

#[test]
fn a_bounded_backfill_logs_progress_with_done_of_total_and_eta_off_a_terminal() {
    let mut un = fake_un::Un {
        latency: std::time::Duration::from_millis(20),
        ..fake_un::Un::default()
    };
    for n in 1..=30 {
        un.publish_fake(&format!("A/RES/80/{n}"), &["en"]);
    }
    let (addr, _) = serve(un);
    let (db, vhost) = (
        TestDb::new("cli_fetch_progress"),
        TestVhost::create("cli-fetch-progress"),
    );
    let archive = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args([
            "fetch",
            "--source",
            "symbols",
            "--once",
            "--ga-session",
            "80",
        ])
        .args([
            "--ga-until",
            "30",
            "--sc-year",
            "2025",
            "--per-host-interval",
            "0ms",
        ])
        .arg("--symbol-api")
        .arg(format!("http://{addr}/api/symbol/access"))
        .args(["--database-url", &db.url, "--amqp-url", &vhost.url])
        .arg("--archive")
        .arg(archive.path())
        .env("RESINGEST_PROGRESS_EVERY", "20ms")
        .env("RUST_LOG", "info")
        .env_remove("RESINGEST_LANG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let progress: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("progress: "))
        .collect();
    assert!(!progress.is_empty(), "no progress line in:\n{stderr}");
    // While the session's 30 numbers are fetched the total is theirs, known from the start
    // (a line before the poll began has no total yet).
    let first = progress
        .iter()
        .find(|l| l.contains("/30 documents, "))
        .unwrap_or_else(|| panic!("no line of n/30 documents in:\n{stderr}"));
    assert!(first.contains("/s, ETA "), "{first}");
    assert!(
        !stderr.contains('\r') && !stderr.contains("\x1b["),
        "terminal codes in a log:\n{stderr}"
    );
    assert!(stderr.contains("published 30,"), "no summary in:\n{stderr}");
}
