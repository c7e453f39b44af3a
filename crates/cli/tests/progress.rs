//! `resingest publish --dir` with stderr not a terminal: a periodic progress line (done/total,
//! rate, ETA) while it runs and the summary at the end, against the real broker.

use std::process::{Command, Stdio};

use resingest_amqp::testing::TestVhost;

const BIN: &str = env!("CARGO_BIN_EXE_resingest");

#[test]
fn publish_dir_logs_periodic_progress_and_a_summary_when_stderr_is_not_a_terminal() {
    let vhost = TestVhost::create("cli-progress");
    let dir = tempfile::tempdir().unwrap();
    for seed in 0..3 {
        let (pdf, _) = resingest_typeset::synthetic::resolution(seed);
        std::fs::write(dir.path().join(format!("r{seed}.pdf")), pdf).unwrap();
    }
    // 3 files x 100 = 300 messages in chunks: long enough for a few 20 ms ticks.
    let out = Command::new(BIN)
        .args(["publish", "--dir"])
        .arg(dir.path())
        .args(["--repeat", "100", "--amqp-url", &vhost.url])
        .env("RESINGEST_PROGRESS_EVERY", "20ms")
        .env("RUST_LOG", "info")
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
    let first = progress[0];
    assert!(first.contains("/300 messages, "), "{first}");
    assert!(first.contains("/s, ETA "), "{first}");
    assert!(
        !stderr.contains('\r') && !stderr.contains("\x1b["),
        "terminal codes in a log:\n{stderr}"
    );
    assert!(
        stderr.contains("published 300 messages (3 documents x 100"),
        "no summary in:\n{stderr}"
    );
}
