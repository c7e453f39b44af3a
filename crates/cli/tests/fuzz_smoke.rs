//! The reduced fuzz run CI can afford (`make fuzz` is the real one, with libFuzzer): a fixed,
//! seeded set of mutations of a synthetic resolution and of the hostile files, each rendered in
//! the real `resingest extract-child` behind the sandbox. Every input must come back as text
//! or a typed extractor error. Anything else is a finding and fails the test, leaving the input
//! in `target/fuzz-smoke/` to become a regression case: a panic, a child that crashed (segfault,
//! abort, stack overflow), timed out, ran out of memory or CPU, or broke the protocol. The
//! extractor's own limits bound every input far below the child's, so none of those is an
//! acceptable answer to a document. The pool must still render the clean seed
//! exactly as this process does at the end.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use resingest_extract::{Format, Limits};
use resingest_sandbox::{hostile, IsolatedError, IsolationLimits, Pool, PoolConfig};

const BIN: &str = env!("CARGO_BIN_EXE_resingest");
const EXECUTIONS: usize = 8_000;

/// xorshift64*: the same mutations on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Tokens a PDF parser meets, for insertions that reach deeper than random bytes.
const TOKENS: &[&[u8]] = &[
    b"<<",
    b">>",
    b"[",
    b"]",
    b"(",
    b")",
    b"/Length 99999999",
    b"/Filter /FlateDecode",
    b" R ",
    b"obj",
    b"endobj",
    b"stream\n",
    b"endstream",
    b"xref",
    b"trailer",
    b"startxref",
    b"BT",
    b"ET",
    b"Tf",
    b"Tj",
    b"TJ",
    b"Td",
    b"Tm",
    b"q",
    b"Q",
    b"cm",
    b"/Type /Page",
    b"-1",
    b"4294967296",
    b"0 0 0",
    b"\\",
    b"%",
    b"\x00",
    b"\xff\xfe",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for _ in 0..1 + rng.below(3) {
        if data.is_empty() {
            data.extend_from_slice(b"%PDF-1.7\n");
        }
        let at = rng.below(data.len());
        // Overwrites in place keep the xref offsets right, so they reach past the parser into
        // streams, fonts and the interpreter; insertions and deletions test the parser.
        match rng.below(8) {
            0 | 1 => data[at] ^= 1 << rng.below(8),
            2 => data[at] = rng.next() as u8,
            3 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                let end = (at + t.len()).min(data.len());
                data[at..end].copy_from_slice(&t[..end - at]);
            }
            4 => data.truncate(at.max(9)),
            5 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, t.iter().copied());
            }
            6 => {
                let len = rng.below(256).min(data.len() - at);
                let chunk = data[at..at + len].to_vec();
                let to = rng.below(data.len());
                data.splice(to..to, chunk);
            }
            _ => {
                let len = rng.below(64).min(data.len() - at);
                data.drain(at..at + len);
            }
        }
    }
    data
}

/// The outcome's label, and whether it is a finding: only text or the extractor's own typed
/// rejection are answers; every other way a job ends means the extractor misbehaved.
fn outcome(result: Result<Vec<u8>, IsolatedError>) -> (&'static str, bool) {
    match result {
        Ok(_) => ("ok", false),
        Err(IsolatedError::Extract(e)) => (e.kind(), false),
        Err(e) => (e.kind(), true),
    }
}

#[test]
fn only_text_or_a_typed_extractor_error_are_answers() {
    use resingest_extract::ExtractError;
    assert_eq!(outcome(Ok(Vec::new())), ("ok", false));
    assert_eq!(
        outcome(Err(IsolatedError::Extract(ExtractError::Encrypted))),
        ("encrypted", false)
    );
    for (death, kind) in [
        (
            IsolatedError::Crashed {
                signal: Some(11), // SIGSEGV
                status: None,
                stderr: String::new(),
            },
            "crashed",
        ),
        (IsolatedError::TimedOut { after_ms: 10_000 }, "timed_out"),
        (
            IsolatedError::OverMemory {
                limit_bytes: 1 << 30,
            },
            "over_memory",
        ),
        (IsolatedError::OverCpu { limit_seconds: 5 }, "over_cpu"),
        (
            IsolatedError::Panicked {
                message: "x".into(),
            },
            "panicked",
        ),
        (IsolatedError::Protocol { detail: "x".into() }, "protocol"),
    ] {
        assert_eq!(outcome(Err(death)), (kind, true));
    }
}

#[test]
fn mutated_pdfs_get_text_or_a_typed_extractor_error_never_a_crash_or_a_timeout() {
    let pool = Pool::new(PoolConfig {
        program: BIN.into(),
        args: vec![resingest_sandbox::CHILD_SUBCOMMAND.into()],
        env: Vec::new(),
        workers: 1,
        limits: IsolationLimits {
            wall_time: Duration::from_secs(10),
            cpu_seconds: Some(5),
            memory_bytes: Some(1 << 30),
            ..IsolationLimits::default()
        },
    })
    .expect("resingest extract-child starts");
    let limits = Limits {
        max_bytes: 4 << 20,
        max_pages: 100,
        max_stream_bytes: 16 << 20,
        max_document_bytes: 64 << 20,
        ..Limits::default()
    };
    let (clean, _) = resingest_typeset::synthetic::resolution(7);
    let mut seeds = vec![clean.clone()];
    // The hostile files that finish quickly (the bomb and the /W [0 0 0] xref are covered,
    // with their limits, by isolate.rs).
    for (name, pdf) in hostile::all() {
        if !name.starts_with("flate-bomb") && !name.starts_with("xref-stream") {
            seeds.push(pdf);
        }
    }

    let mut rng = Rng(0x5eed_f022);
    let mut kinds: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut findings: Vec<PathBuf> = Vec::new();
    let out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-smoke");
    for i in 0..EXECUTIONS {
        let seed = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, seed);
        let (kind, finding) = outcome(pool.render(&input, Format::Text, &limits));
        *kinds.entry(kind).or_default() += 1;
        if finding {
            std::fs::create_dir_all(&out_dir).unwrap();
            let path = out_dir.join(format!("input-{i}.pdf"));
            std::fs::write(&path, &input).unwrap();
            findings.push(path);
        }
    }
    eprintln!("{EXECUTIONS} mutated inputs: {kinds:?}");
    assert!(
        findings.is_empty(),
        "{} inputs did not come back as text or a typed extractor error (a panic, crash, \
         abort, stack overflow, timeout, memory or CPU overrun, or broken protocol), saved as \
         {findings:?}; outcomes {kinds:?}",
        findings.len()
    );
    // The mutations reached past the parser: some still render, some are rejected.
    assert!(
        kinds.get("ok").copied().unwrap_or(0) > EXECUTIONS / 20,
        "{kinds:?}"
    );
    assert!(kinds.get("corrupt").copied().unwrap_or(0) > 0, "{kinds:?}");

    let expected = resingest_extract::render(&clean, Format::Text, &limits).unwrap();
    let got = pool
        .render(&clean, Format::Text, &limits)
        .map_err(|e: IsolatedError| e.to_string())
        .unwrap();
    assert_eq!(got, expected, "the pool renders the clean seed as before");
}
