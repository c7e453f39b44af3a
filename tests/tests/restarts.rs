//! Scenarios that stop a server every test shares (PostgreSQL, RabbitMQ): in the `serial`
//! nextest group, beside no other test. Reduced sizes; `make chaos` runs them in full.

fn run(name: &str) {
    let o = resingest_e2e::scenario::run_reduced(name);
    assert_eq!(o.faults, 1);
    assert_eq!(
        o.recovery.len(),
        1,
        "processing did not resume after the restart"
    );
}

#[test]
fn postgres_restarted_mid_run_loses_and_doubles_nothing() {
    run("PostgreSQL restarted");
}

#[test]
fn rabbitmq_restarted_mid_run_loses_and_doubles_nothing() {
    run("RabbitMQ restarted");
}

/// The broker's VM killed outright: no clean shutdown, so every connection is cut without a
/// close and the quorum queues recover from their logs on the new node.
#[test]
fn rabbitmq_sigkilled_mid_run_loses_and_doubles_nothing() {
    run("RabbitMQ SIGKILLed");
}
