//! What a child can reach, asked from inside the child (the `env` and `connect` failpoints):
//! none of the caller's environment, and no TCP connection to the broker on loopback.

use std::collections::BTreeSet;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use resingest_extract::{Format, Limits};
use resingest_sandbox::child::FAILPOINT_ENV;
use resingest_sandbox::{IsolationLimits, Pool, PoolConfig};

fn pool(failpoint: &str, extra: &[(&str, &str)]) -> Pool {
    let mut env = vec![(FAILPOINT_ENV.into(), failpoint.into())];
    env.extend(extra.iter().map(|(k, v)| (k.into(), v.into())));
    Pool::new(PoolConfig {
        program: env!("CARGO_BIN_EXE_resingest-sandbox-test-child").into(),
        args: Vec::new(),
        env,
        workers: 1,
        limits: IsolationLimits::default(),
    })
    .expect("test child starts")
}

fn ask(pool: &Pool, input: &[u8]) -> String {
    let out = pool
        .render(input, Format::Text, &Limits::default())
        .expect("the failpoint answers");
    String::from_utf8(out).unwrap()
}

#[test]
fn the_child_sees_only_the_environment_it_was_given() {
    // This test process has PATH, HOME, CARGO_* and whatever the shell exported: none of it
    // may reach the child.
    assert!(
        std::env::vars_os().count() > 3,
        "a test runs with some environment"
    );
    let pool = pool("env", &[("RESINGEST_GIVEN", "yes")]);
    let seen: BTreeSet<String> = ask(&pool, b"%PDF-1.7\n")
        .lines()
        .map(str::to_owned)
        .collect();
    let expected: BTreeSet<String> = [format!("{FAILPOINT_ENV}=env"), "RESINGEST_GIVEN=yes".into()]
        .into_iter()
        .collect();
    assert_eq!(seen, expected);
}

#[test]
fn the_child_cannot_open_a_tcp_connection_to_the_broker() {
    let broker: SocketAddr = "127.0.0.1:5672".parse().unwrap();
    // The broker is there for this process, so a refusal inside the child is the sandbox's.
    TcpStream::connect_timeout(&broker, Duration::from_secs(2))
        .expect("RabbitMQ listens on 127.0.0.1:5672 for the caller");
    let pool = pool("connect", &[]);
    let answer = ask(&pool, broker.to_string().as_bytes());
    assert!(answer.starts_with("cannot connect: "), "{answer}");
    // The child is still healthy and serves the next probe.
    assert_eq!(pool.stats().replaced, 0);
    assert!(ask(&pool, b"127.0.0.1:5432").starts_with("cannot connect: "));
}
