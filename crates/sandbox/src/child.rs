//! The child's side: a loop that reads requests from stdin, runs the handler and writes
//! responses to stdout, until stdin closes (the supervisor went away).
//!
//! The child owns three things the supervisor cannot do from outside: moving stray prints off
//! the protocol pipe, arming the per-job CPU limit, and (with the `failpoints` feature, never in
//! a release build) the test failpoint. It must never decide what a failure means; it just
//! dies, and the supervisor names the death.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::os::fd::FromRawFd;
use std::panic::{self, AssertUnwindSafe};

use resingest_extract::{ExtractError, Format, Limits};

use crate::protocol::{self, Outcome, Request, Response};

/// Environment variable that makes a child misbehave on demand, read only here (in the child),
/// so tests can prove the supervisor rather than the parser. Compiled in only with the
/// `failpoints` feature: tests and the e2e builds turn it on, `cargo build --release` does not.
///
/// Value: `ACTION` or `ACTION:MARKER`. With a marker the action fires only for inputs that
/// contain the marker's bytes, so one document of a batch can be made hostile. Actions:
/// `crash` (SIGSEGV), `abort` (SIGABRT), `stack` (stack overflow), `oom` (allocate without
/// bound), `hang` (sleep forever), `spin` (burn CPU forever), `panic`, `exit` (status 3),
/// `garbage` (write non-protocol bytes to stdout). Two report what the sandbox let through,
/// as the job's output instead of the handler's: `env` (the child's environment, one
/// `NAME=value` a line) and `connect` (opens a TCP connection to the address the input holds,
/// e.g. `127.0.0.1:5672`, and answers `connected` or `cannot connect: <error>`).
#[cfg(feature = "failpoints")]
pub const FAILPOINT_ENV: &str = "RESINGEST_CHILD_FAILPOINT";

/// Largest request body the child reads; the supervisor enforces the real limit first.
const MAX_REQUEST_BODY: u64 = 1 << 36;

/// Serves requests until stdin closes. `handler` is `resingest_extract::render` in production.
pub fn serve<H>(mut handler: H) -> io::Result<()>
where
    H: FnMut(&[u8], Format, &Limits) -> Result<Vec<u8>, ExtractError>,
{
    #[cfg(feature = "failpoints")]
    let failpoint = Failpoint::from_env();
    let mut output = take_stdout()?;
    let mut input = BufReader::with_capacity(1 << 16, io::stdin().lock());
    while let Some((request, pdf)) = protocol::read_frame::<Request>(&mut input, MAX_REQUEST_BODY)?
    {
        if let Some(seconds) = request.cpu_seconds {
            arm_cpu_limit(seconds)?;
        }
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            #[cfg(feature = "failpoints")]
            if let Some(report) = failpoint
                .as_ref()
                .and_then(|f| f.fire_on(&pdf, &mut output))
            {
                return Ok(report);
            }
            handler(&pdf, request.format, &request.limits)
        }));
        let (outcome, body) = match result {
            Ok(Ok(body)) => (Outcome::Ok, body),
            Ok(Err(err)) => (Outcome::Err(err), Vec::new()),
            Err(payload) => (Outcome::Panicked(panic_message(&*payload)), Vec::new()),
        };
        protocol::write_frame(
            &mut output,
            &Response {
                id: request.id,
                outcome,
            },
            &body,
        )?;
    }
    Ok(())
}

/// Takes fd 1 for the protocol and points fd 1 at stderr, so a stray `println!` in a
/// dependency lands in the log instead of corrupting a frame.
fn take_stdout() -> io::Result<File> {
    io::stdout().flush()?;
    // SAFETY: plain fd syscalls; the duplicated fd is owned by the returned File alone.
    unsafe {
        let fd = libc::dup(libc::STDOUT_FILENO);
        if fd < 0 || libc::dup2(libc::STDERR_FILENO, libc::STDOUT_FILENO) < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(File::from_raw_fd(fd))
    }
}

/// Sets the soft CPU limit to the time used so far plus `seconds`: RLIMIT_CPU counts over the
/// child's whole life, and a long-lived child serves many jobs. Past it the kernel sends
/// SIGXCPU, which kills us.
fn arm_cpu_limit(seconds: u64) -> io::Result<()> {
    // SAFETY: getrusage/setrlimit on our own process with valid pointers.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return Err(io::Error::last_os_error());
        }
        let used = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) as u64 + 1;
        let mut limit: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_CPU, &mut limit) != 0 {
            return Err(io::Error::last_os_error());
        }
        limit.rlim_cur = (used + seconds).min(limit.rlim_max as u64) as libc::rlim_t;
        if libc::setrlimit(libc::RLIMIT_CPU, &limit) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_string()
    }
}

#[cfg(feature = "failpoints")]
#[derive(Debug, Clone, PartialEq, Eq)]
enum Action {
    Crash,
    Abort,
    Stack,
    Oom,
    Hang,
    Spin,
    Panic,
    Exit,
    Garbage,
    Env,
    Connect,
}

#[cfg(feature = "failpoints")]
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failpoint {
    action: Action,
    marker: Option<Vec<u8>>,
}

#[cfg(feature = "failpoints")]
impl Failpoint {
    fn from_env() -> Option<Failpoint> {
        let value = std::env::var(FAILPOINT_ENV).ok()?;
        let parsed = Failpoint::parse(&value);
        if parsed.is_none() {
            eprintln!("resingest child: ignoring unknown {FAILPOINT_ENV}={value:?}");
        }
        parsed
    }

    fn parse(value: &str) -> Option<Failpoint> {
        let (action, marker) = match value.split_once(':') {
            Some((action, marker)) => (action, Some(marker.as_bytes().to_vec())),
            None => (value, None),
        };
        let action = match action {
            "crash" => Action::Crash,
            "abort" => Action::Abort,
            "stack" => Action::Stack,
            "oom" => Action::Oom,
            "hang" => Action::Hang,
            "spin" => Action::Spin,
            "panic" => Action::Panic,
            "exit" => Action::Exit,
            "garbage" => Action::Garbage,
            "env" => Action::Env,
            "connect" => Action::Connect,
            _ => return None,
        };
        Some(Failpoint { action, marker })
    }

    fn matches(&self, input: &[u8]) -> bool {
        match &self.marker {
            None => true,
            Some(marker) => {
                !marker.is_empty() && input.windows(marker.len()).any(|w| w == marker.as_slice())
            }
        }
    }

    /// Fires on a matching input: most actions never return; `env` and `connect` return the
    /// report that replaces the job's output.
    fn fire_on(&self, input: &[u8], output: &mut File) -> Option<Vec<u8>> {
        if !self.matches(input) {
            return None;
        }
        eprintln!("resingest child: failpoint {:?} fired", self.action);
        match self.action {
            Action::Env => {
                let lines: Vec<String> = std::env::vars_os()
                    .map(|(k, v)| format!("{}={}\n", k.to_string_lossy(), v.to_string_lossy()))
                    .collect();
                Some(lines.concat().into_bytes())
            }
            Action::Connect => {
                let addr = String::from_utf8_lossy(input).trim().to_owned();
                let result = addr
                    .parse::<std::net::SocketAddr>()
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
                    .and_then(|a| {
                        std::net::TcpStream::connect_timeout(&a, std::time::Duration::from_secs(2))
                    });
                Some(match result {
                    Ok(_) => b"connected".to_vec(),
                    Err(e) => format!("cannot connect: {e}").into_bytes(),
                })
            }
            Action::Crash => {
                // SAFETY: deliberately not safe: the point is a real SIGSEGV.
                unsafe { std::ptr::null_mut::<u64>().write_volatile(1) };
                None
            }
            Action::Abort => std::process::abort(),
            Action::Stack => {
                std::hint::black_box(recurse(std::hint::black_box(u64::MAX)));
                None
            }
            Action::Oom => {
                // Reserved, not touched: address space runs out at once, without the page
                // faults that would spend the CPU budget first.
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(Vec::with_capacity(256 << 20));
                    std::hint::black_box(&mut hoard);
                }
            }
            Action::Hang => loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            },
            Action::Spin => {
                let mut x = 0u64;
                loop {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            }
            Action::Panic => panic!("failpoint panic"),
            Action::Exit => std::process::exit(3),
            Action::Garbage => {
                let _ = output.write_all(b"\xff\xff\xff\xffnot a frame at all");
                let _ = output.flush();
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(3600));
                }
            }
        }
    }
}

/// Recursion the optimiser cannot turn into a loop, for the `stack` failpoint.
#[cfg(feature = "failpoints")]
#[inline(never)]
fn recurse(depth: u64) -> u64 {
    let frame = std::hint::black_box([depth; 64]);
    if depth == 0 {
        return frame[0];
    }
    recurse(depth - 1).wrapping_add(frame[1])
}

#[cfg(all(test, feature = "failpoints"))]
mod tests {
    use super::*;

    #[test]
    fn failpoint_parses_action_and_optional_marker() {
        let fp = Failpoint::parse("crash:%EVIL").unwrap();
        assert_eq!(fp.action, Action::Crash);
        assert!(fp.matches(b"%PDF-1.7 %EVIL"));
        assert!(!fp.matches(b"%PDF-1.7 fine"));
        assert!(Failpoint::parse("hang").unwrap().matches(b"anything"));
        assert_eq!(Failpoint::parse("explode"), None);
    }
}
