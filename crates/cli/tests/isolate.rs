//! Hostile PDFs through the real `resingest` binary's isolated children: each gets its typed
//! error within the time limit, a child that should die really died (its pid is gone and the
//! pool replaced it), one that should cope kept serving, and real corpus files extract from
//! the same pool between them exactly as the in-process extractor renders them.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use resingest_extract::{ExtractError, Format, Limits};
use resingest_sandbox::child::FAILPOINT_ENV;
use resingest_sandbox::{
    hostile, IsolatedError, IsolationLimits, Pool, PoolConfig, CHILD_SUBCOMMAND,
};

const BIN: &str = env!("CARGO_BIN_EXE_resingest");
const SIGSEGV: i32 = 11;
const SIGABRT: i32 = 6;

/// A real corpus file, or `None` (after saying so) when the corpus is absent outside CI.
fn corpus_file(rel: &str) -> Option<PathBuf> {
    let path = resingest_runtime::testing::corpus()?.join(rel);
    assert!(
        path.is_file(),
        "{} is missing from the corpus",
        path.display()
    );
    Some(path)
}

fn pool(limits: IsolationLimits, failpoint: Option<&str>) -> Pool {
    Pool::new(PoolConfig {
        program: BIN.into(),
        args: vec![CHILD_SUBCOMMAND.into()],
        env: failpoint
            .map(|f| (FAILPOINT_ENV.into(), f.into()))
            .into_iter()
            .collect(),
        workers: 1,
        limits,
    })
    .expect("resingest extract-child starts")
}

fn test_limits() -> IsolationLimits {
    IsolationLimits {
        wall_time: Duration::from_secs(8),
        cpu_seconds: Some(3),
        memory_bytes: Some(1 << 30),
        ..IsolationLimits::default()
    }
}

/// Extract limits high enough that only the process limits stand between a bomb and the
/// machine: what a lopdf bug that ignored our limits would look like.
fn unbounded() -> Limits {
    Limits {
        max_stream_bytes: 1 << 40,
        max_document_bytes: 1 << 40,
        ..Limits::default()
    }
}

/// A corpus file renders through `pool` exactly as in this process.
struct Witness {
    pdf: Vec<u8>,
    expected: Vec<u8>,
}

impl Witness {
    fn new(path: &PathBuf) -> Witness {
        let pdf = std::fs::read(path).unwrap();
        let expected = resingest_extract::render(&pdf, Format::Text, &Limits::default())
            .expect("corpus file extracts");
        Witness { pdf, expected }
    }

    fn check(&self, pool: &Pool, after: &str) {
        let got = pool.render(&self.pdf, Format::Text, &Limits::default());
        assert_eq!(
            got.as_deref().ok(),
            Some(self.expected.as_slice()),
            "corpus file after {after}: {got:?}"
        );
    }
}

type Accept = fn(&IsolatedError) -> bool;

/// What a hostile file must produce.
enum Expect {
    /// The parser copes: this output (a substring) and the same child lives on.
    Text(&'static str),
    /// The extractor rejects it with this kind; the same child lives on.
    Rejected(&'static str),
    /// The child dies or is killed with an error this accepts.
    Dies(Accept),
}

fn run_case(pool: &Pool, name: &str, pdf: &[u8], limits: &Limits, expect: Expect) {
    let before = pool.stats();
    let pid = pool.idle_pids()[0];
    let start = Instant::now();
    let result = pool.render(pdf, Format::Text, limits);
    let took = start.elapsed();
    eprintln!(
        "{name}: {} in {took:?}",
        result.as_ref().map(|_| "ok").unwrap_or_else(|e| e.kind())
    );
    assert!(
        took < pool.config().limits.wall_time + Duration::from_secs(2),
        "{name} took {took:?}"
    );
    let died = pool.stats().replaced > before.replaced;
    match expect {
        Expect::Text(needle) => {
            let text =
                String::from_utf8(result.unwrap_or_else(|e| panic!("{name}: {e:?}"))).unwrap();
            assert!(text.contains(needle), "{name}: {text:?}");
            assert!(!died && pool.idle_pids() == [pid], "{name}: child replaced");
        }
        Expect::Rejected(kind) => {
            let err = result.expect_err(name);
            assert!(matches!(err, IsolatedError::Extract(_)), "{name}: {err:?}");
            assert_eq!(err.kind(), kind, "{name}: {err:?}");
            assert!(!died && pool.idle_pids() == [pid], "{name}: child replaced");
        }
        Expect::Dies(accept) => {
            let err = result.expect_err(name);
            assert!(accept(&err), "{name}: {err:?}");
            assert!(died, "{name}: the pool did not replace the child");
            assert!(
                !std::path::Path::new(&format!("/proc/{pid}")).exists(),
                "{name}: child {pid} alive"
            );
        }
    }
}

#[test]
fn hostile_files_get_typed_errors_and_corpus_files_still_extract_from_the_same_pool() {
    let Some(path) = corpus_file("sc/S_RES_2770_2025-EN.pdf") else {
        return;
    };
    let witness = Witness::new(&path);
    let mut truncated = witness.pdf.clone();
    truncated.truncate(truncated.len() / 2);
    let pool = pool(test_limits(), None);
    let defaults = Limits::default();
    let cases: Vec<(&str, Vec<u8>, Limits, Expect)> = vec![
        // lopdf 0.44 caps object nesting at 100 and drops the object: the page still reads.
        (
            "nested arrays",
            hostile::nested_arrays(10_000),
            defaults.clone(),
            Expect::Text("nested"),
        ),
        // Our interpreter refuses content nesting past max_nesting_depth.
        (
            "nested content",
            hostile::nested_arrays_in_content(10_000),
            defaults.clone(),
            Expect::Rejected("over_limit"),
        ),
        // lopdf remembers visited /Prev offsets.
        (
            "xref /Prev loop",
            hostile::xref_prev_loop(),
            defaults.clone(),
            Expect::Text("loop"),
        ),
        // lopdf decodes a billion zero-width entries into its table, spinning and growing:
        // whichever limit it reaches first stops it (on an idle machine memory, in ~4 s; on a
        // loaded one the wall clock can come first).
        (
            "xref /W [0 0 0]",
            hostile::xref_stream_zero_widths(),
            defaults.clone(),
            Expect::Dies(|e| {
                matches!(
                    e,
                    IsolatedError::OverCpu { limit_seconds: 3 }
                        | IsolatedError::OverMemory {
                            limit_bytes: 1_073_741_824
                        }
                        | IsolatedError::TimedOut { .. }
                )
            }),
        ),
        (
            "flate bomb",
            hostile::flate_bomb(4 << 30, 3),
            defaults.clone(),
            Expect::Rejected("over_limit"),
        ),
        (
            "flate bomb past our limits",
            hostile::flate_bomb(4 << 30, 3),
            unbounded(),
            Expect::Dies(|e| {
                *e == IsolatedError::OverMemory {
                    limit_bytes: 1 << 30,
                }
            }),
        ),
        (
            "/Pages cycle",
            hostile::pages_cycle(),
            defaults.clone(),
            Expect::Rejected("corrupt"),
        ),
        (
            "random bytes",
            hostile::random_after_header(64 << 10, 7),
            defaults.clone(),
            Expect::Rejected("corrupt"),
        ),
        (
            "truncated corpus file",
            truncated,
            defaults.clone(),
            Expect::Rejected("corrupt"),
        ),
    ];
    witness.check(&pool, "start");
    for (name, pdf, limits, expect) in cases {
        run_case(&pool, name, &pdf, &limits, expect);
        witness.check(&pool, name);
    }
    assert_eq!(pool.stats().replaced, 2);
}

#[test]
fn failpoints_in_the_real_child_prove_the_supervisor() {
    let Some(path) = corpus_file("sc/S_RES_2770_2025-EN.pdf") else {
        return;
    };
    let witness = Witness::new(&path);
    let evil = hostile::one_page(b"BT /F1 12 Tf 72 720 Td (%EVIL) Tj ET");
    // Each case gets limits that let only its own limit fire, even on a loaded machine: `hang`
    // a short wall clock and a large CPU budget, `spin` the other way round.
    let roomy = IsolationLimits {
        wall_time: Duration::from_secs(10),
        cpu_seconds: Some(10),
        ..test_limits()
    };
    let short_wall = IsolationLimits {
        wall_time: Duration::from_secs(2),
        ..roomy.clone()
    };
    let short_cpu = IsolationLimits {
        wall_time: Duration::from_secs(15),
        cpu_seconds: Some(1),
        ..roomy.clone()
    };
    let cases: [(&str, &IsolationLimits, Accept); 5] = [
        ("crash", &roomy, |e| {
            matches!(
                e,
                IsolatedError::Crashed {
                    signal: Some(SIGSEGV),
                    ..
                }
            )
        }),
        ("stack", &roomy, |e| {
            matches!(e, IsolatedError::Crashed { signal: Some(SIGSEGV | SIGABRT), stderr, .. }
                if stderr.contains("has overflowed its stack"))
        }),
        ("oom", &roomy, |e| {
            *e == IsolatedError::OverMemory {
                limit_bytes: 1 << 30,
            }
        }),
        (
            "hang",
            &short_wall,
            |e| matches!(e, IsolatedError::TimedOut { after_ms } if (2000..3000).contains(after_ms)),
        ),
        ("spin", &short_cpu, |e| {
            *e == IsolatedError::OverCpu { limit_seconds: 1 }
        }),
    ];
    for (action, limits, check) in cases {
        let pool = pool(limits.clone(), Some(&format!("{action}:%EVIL")));
        witness.check(&pool, "start");
        let pid = pool.idle_pids()[0];
        let err = pool
            .render(&evil, Format::Text, &Limits::default())
            .expect_err(action);
        assert!(check(&err), "{action}: {err:?}");
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "{action}: child {pid} alive"
        );
        witness.check(&pool, action);
        assert_eq!(pool.stats().replaced, 1, "{action}");
    }
}

#[test]
fn cli_isolate_survives_hostile_files_and_writes_the_rest_like_without_isolation() {
    let Some(path) = corpus_file("sc/S_RES_2770_2025-EN.pdf") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, bytes) in [
        ("xref-w000.pdf", hostile::xref_stream_zero_widths()),
        ("bomb.pdf", hostile::flate_bomb(4 << 30, 3)),
        ("random.pdf", hostile::random_after_header(4096, 1)),
        ("cycle.pdf", hostile::pages_cycle()),
        (
            "evil.pdf",
            hostile::one_page(b"BT /F1 12 Tf 72 720 Td (%EVIL) Tj ET"),
        ),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        files.push(file);
    }
    files.insert(2, path.clone());
    let out = dir.path().join("out");
    let start = Instant::now();
    let isolated = Command::new(BIN)
        .args([
            "extract",
            "--format",
            "text",
            "--isolate",
            "--timeout",
            "8",
            "--cpu-limit",
            "2",
            "--memory-limit",
            "1073741824",
        ])
        .arg("--out")
        .arg(&out)
        .args(&files)
        .env(FAILPOINT_ENV, "crash:%EVIL")
        .output()
        .unwrap();
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&isolated.stderr);
    assert_eq!(isolated.status.code(), Some(1), "{stderr}");
    assert!(took < Duration::from_secs(15), "took {took:?}");
    // Whichever limit the spinning, growing lopdf meets first (see the pool test).
    assert!(
        [
            "xref-w000.pdf: extraction used more than 2 s of CPU",
            "xref-w000.pdf: extraction needed more than the 1073741824-byte memory limit",
            "xref-w000.pdf: extraction timed out after",
        ]
        .iter()
        .any(|line| stderr.contains(line)),
        "{stderr}"
    );
    for line in [
        "bomb.pdf: over limit: decompressed",
        "random.pdf: corrupt or truncated PDF",
        "cycle.pdf: corrupt or truncated PDF",
        "evil.pdf: extraction child crashed (killed by signal 11 (SIGSEGV))",
        "resingest: 5 of 6 files failed",
    ] {
        assert!(stderr.contains(line), "missing {line:?} in:\n{stderr}");
    }
    let plain = Command::new(BIN)
        .args(["extract", "--format", "text"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(plain.status.success());
    let stem = path.file_stem().unwrap().to_string_lossy();
    let written = std::fs::read(out.join(format!("{stem}.txt"))).unwrap();
    assert_eq!(
        written, plain.stdout,
        "isolated output differs from in-process output"
    );
}

#[test]
fn an_extractor_rejection_does_not_cost_a_child() {
    let pool = pool(test_limits(), None);
    let pid = pool.idle_pids()[0];
    let err = pool
        .render(b"<html>", Format::Text, &Limits::default())
        .unwrap_err();
    assert!(
        matches!(err, IsolatedError::Extract(ExtractError::NotAPdf { .. })),
        "{err:?}"
    );
    assert_eq!(pool.idle_pids(), vec![pid]);
}

#[test]
fn an_isolated_child_of_the_real_binary_inherits_none_of_its_environment() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("probe.pdf");
    std::fs::write(&file, b"%PDF-1.7\n%%EOF\n").unwrap();
    // The worker's kind of secret: broker and database credentials in the environment.
    let out = Command::new(BIN)
        .args(["extract", "--format", "text", "--isolate"])
        .arg(&file)
        .env(
            "RESINGEST_AMQP_URL",
            "amqp://guest:s3cret@127.0.0.1:5672/%2f",
        )
        .env(
            "RESINGEST_DATABASE_URL",
            "postgres://postgres:s3cret@127.0.0.1/x",
        )
        .env(FAILPOINT_ENV, "env")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // The child's answer (its environment, from the `env` failpoint) is the file's text.
    let seen = String::from_utf8_lossy(&out.stdout);
    let names: Vec<&str> = seen
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, _)| k))
        .collect();
    assert_eq!(names, [FAILPOINT_ENV], "the child saw:\n{seen}");
    assert!(!seen.contains("s3cret"), "{seen}");
}
