//! The supervisor against a stand-in child and its failpoints: each test makes a child die in
//! one specific way and asserts the typed error, that the child really died (or did not), and
//! that the same pool goes on serving.

use std::time::{Duration, Instant};

use resingest_extract::{ExtractError, Format, Limits};
use resingest_sandbox::child::FAILPOINT_ENV;
use resingest_sandbox::{IsolatedError, IsolationLimits, Pool, PoolConfig};

const GOOD: &[u8] = b"%PDF-1.7\na perfectly good document\n%%EOF\n";
const EVIL: &[u8] = b"%PDF-1.7\n%EVIL\n%%EOF\n";

fn pool_with(failpoint: &str, limits: IsolationLimits) -> Pool {
    Pool::new(PoolConfig {
        program: env!("CARGO_BIN_EXE_resingest-sandbox-test-child").into(),
        args: Vec::new(),
        env: vec![(FAILPOINT_ENV.into(), format!("{failpoint}:%EVIL").into())],
        workers: 1,
        limits,
    })
    .expect("test child starts")
}

fn short_limits() -> IsolationLimits {
    IsolationLimits {
        wall_time: Duration::from_secs(10),
        cpu_seconds: Some(10),
        memory_bytes: Some(512 << 20),
        max_output_bytes: 64 << 20,
    }
}

fn render(pool: &Pool, pdf: &[u8]) -> Result<Vec<u8>, IsolatedError> {
    pool.render(pdf, Format::Text, &Limits::default())
}

/// Runs the hostile document, then proves a fresh child serves a good one.
fn hostile_then_good(pool: &Pool) -> (IsolatedError, Duration) {
    let before = pool.stats();
    let old_pid = pool.idle_pids()[0];
    let start = Instant::now();
    let err = render(pool, EVIL).expect_err("failpoint fires");
    let took = start.elapsed();
    if err.child_died() {
        assert_eq!(pool.stats().replaced, before.replaced + 1, "{err:?}");
        assert!(
            !process_exists(old_pid),
            "child {old_pid} still alive after {err:?}"
        );
    }
    assert_eq!(render(pool, GOOD).unwrap(), GOOD);
    (err, took)
}

fn process_exists(pid: u32) -> bool {
    // A reaped child has no /proc entry (a zombie would still have one).
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn good_documents_and_extractor_errors_reuse_one_child() {
    let pool = pool_with("crash", short_limits());
    for _ in 0..20 {
        assert_eq!(render(&pool, GOOD).unwrap(), GOOD);
    }
    let err = render(&pool, b"<html>").unwrap_err();
    assert_eq!(
        err,
        IsolatedError::Extract(ExtractError::NotAPdf {
            first_bytes: "<html>".into()
        })
    );
    assert_eq!(err.kind(), "not_a_pdf");
    let stats = pool.stats();
    assert_eq!((stats.spawned, stats.replaced, stats.jobs), (1, 0, 21));
}

#[test]
fn large_documents_cross_the_pipes_both_ways() {
    let pool = pool_with("crash", short_limits());
    let mut big = b"%PDF-1.7\n".to_vec();
    big.extend((0..20_000_000u32).map(|i| (i % 251) as u8));
    assert_eq!(render(&pool, &big).unwrap(), big);
}

#[test]
fn segfault_is_crashed_with_sigsegv() {
    let pool = pool_with("crash", short_limits());
    let (err, _) = hostile_then_good(&pool);
    match err {
        IsolatedError::Crashed {
            signal,
            status,
            stderr,
        } => {
            assert_eq!((signal, status), (Some(libc::SIGSEGV), None));
            assert!(stderr.contains("failpoint Crash fired"), "{stderr}");
        }
        other => panic!("expected a crash, got {other:?}"),
    }
}

#[test]
fn abort_is_crashed_with_sigabrt() {
    let pool = pool_with("abort", short_limits());
    let (err, _) = hostile_then_good(&pool);
    assert!(
        matches!(
            err,
            IsolatedError::Crashed {
                signal: Some(libc::SIGABRT),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn stack_overflow_is_crashed_and_says_so() {
    let pool = pool_with("stack", short_limits());
    let (err, _) = hostile_then_good(&pool);
    match err {
        IsolatedError::Crashed {
            signal: Some(sig),
            stderr,
            ..
        } => {
            assert!(sig == libc::SIGSEGV || sig == libc::SIGABRT, "signal {sig}");
            assert!(stderr.contains("has overflowed its stack"), "{stderr}");
        }
        other => panic!("expected a crash, got {other:?}"),
    }
}

#[test]
fn unbounded_allocation_is_over_memory() {
    let limits = IsolationLimits {
        memory_bytes: Some(256 << 20),
        ..short_limits()
    };
    let pool = pool_with("oom", limits);
    let (err, took) = hostile_then_good(&pool);
    assert_eq!(
        err,
        IsolatedError::OverMemory {
            limit_bytes: 256 << 20
        }
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn hang_is_timed_out_at_the_wall_clock_limit() {
    let limits = IsolationLimits {
        wall_time: Duration::from_millis(500),
        ..short_limits()
    };
    let pool = pool_with("hang", limits);
    let (err, took) = hostile_then_good(&pool);
    let IsolatedError::TimedOut { after_ms } = err else {
        panic!("expected a timeout, got {err:?}")
    };
    assert!((500..1500).contains(&after_ms), "after {after_ms} ms");
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn busy_loop_is_over_cpu_before_the_wall_clock_limit() {
    let limits = IsolationLimits {
        cpu_seconds: Some(1),
        wall_time: Duration::from_secs(15),
        ..short_limits()
    };
    let pool = pool_with("spin", limits);
    let (err, took) = hostile_then_good(&pool);
    assert_eq!(err, IsolatedError::OverCpu { limit_seconds: 1 });
    // The budget counts from the CPU already used, rounded up: at most ~3 s on an idle core.
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn panic_is_reported_and_the_child_lives_on() {
    let pool = pool_with("panic", short_limits());
    let pid = pool.idle_pids()[0];
    let (err, _) = hostile_then_good(&pool);
    assert_eq!(
        err,
        IsolatedError::Panicked {
            message: "failpoint panic".into()
        }
    );
    assert_eq!(pool.idle_pids(), vec![pid]);
    assert_eq!(pool.stats().replaced, 0);
}

#[test]
fn exit_is_crashed_with_its_status() {
    let pool = pool_with("exit", short_limits());
    let (err, _) = hostile_then_good(&pool);
    assert!(
        matches!(
            err,
            IsolatedError::Crashed {
                signal: None,
                status: Some(3),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn garbage_on_stdout_is_a_protocol_error_and_the_child_is_killed() {
    let pool = pool_with("garbage", short_limits());
    let (err, took) = hostile_then_good(&pool);
    assert_eq!(err.kind(), "protocol", "{err:?}");
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn oversized_output_is_refused_before_it_is_read() {
    let limits = IsolationLimits {
        max_output_bytes: 1 << 20,
        ..short_limits()
    };
    let pool = pool_with("crash", limits);
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(2 << 20, b'x');
    let err = render(&pool, &big).unwrap_err();
    assert!(
        matches!(&err, IsolatedError::Protocol { detail } if detail.contains("limit is 1048576")),
        "{err:?}"
    );
    assert_eq!(render(&pool, GOOD).unwrap(), GOOD);
}

#[test]
fn input_over_max_bytes_never_reaches_a_child() {
    let pool = pool_with("crash", short_limits());
    let limits = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    let err = pool.render(GOOD, Format::Text, &limits).unwrap_err();
    assert_eq!(err.kind(), "over_limit");
    assert_eq!(pool.stats().jobs, 0);
}

#[test]
fn missing_program_is_a_transient_spawn_error() {
    let err = Pool::new(PoolConfig {
        program: "/nonexistent/resingest".into(),
        args: Vec::new(),
        env: Vec::new(),
        workers: 2,
        limits: short_limits(),
    })
    .err()
    .expect("spawn fails");
    assert_eq!(err.kind(), "spawn");
    assert!(err.is_transient());
}

#[test]
fn threads_share_the_pool_while_children_crash_and_are_replaced() {
    let pool = Pool::new(PoolConfig {
        workers: 3,
        ..PoolConfig {
            program: env!("CARGO_BIN_EXE_resingest-sandbox-test-child").into(),
            args: Vec::new(),
            env: vec![(FAILPOINT_ENV.into(), "crash:%EVIL".into())],
            workers: 0,
            limits: short_limits(),
        }
    })
    .unwrap();
    std::thread::scope(|s| {
        for t in 0..6 {
            let pool = &pool;
            s.spawn(move || {
                for i in 0..20 {
                    if (t + i) % 7 == 0 {
                        let err = render(pool, EVIL).unwrap_err();
                        assert!(matches!(
                            err,
                            IsolatedError::Crashed {
                                signal: Some(libc::SIGSEGV),
                                ..
                            }
                        ));
                    } else {
                        let doc = format!("%PDF-1.7 thread {t} job {i}");
                        assert_eq!(render(pool, doc.as_bytes()).unwrap(), doc.as_bytes());
                    }
                }
            });
        }
    });
    let stats = pool.stats();
    let crashes = (0..6)
        .flat_map(|t| (0..20).map(move |i| (t + i) % 7 == 0))
        .filter(|c| *c)
        .count() as u64;
    assert_eq!((stats.jobs, stats.replaced), (120, crashes));
    assert!(pool.idle_pids().len() <= 3);
}

#[test]
fn a_child_killed_while_idle_is_replaced_without_blaming_the_next_document() {
    let pool = pool_with("crash", short_limits());
    let pid = pool.idle_pids()[0];
    // SAFETY: signalling our own child process.
    assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGKILL) }, 0);
    while std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z ")) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(render(&pool, GOOD).unwrap(), GOOD);
    assert_eq!(pool.stats().replaced, 1);
    assert_ne!(pool.idle_pids(), vec![pid]);
}
