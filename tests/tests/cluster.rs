//! The scenario on a RabbitMQ cluster of its own: three nodes booted by the test on loopback
//! ports 5681-5683. Booting three Erlang VMs takes the machine's cores for a while, so it runs
//! in the `serial` nextest group, beside no other test. Reduced size; `make chaos` runs it in
//! full.

use resingest_e2e::scenario::run_reduced as run;

/// Three RabbitMQ nodes of the test's own on loopback ports; the node the queues were declared
/// on is SIGKILLed mid-run and never comes back: the quorum queues fail over to the other two,
/// every role reconnects to them, and nothing is lost or stored twice.
#[test]
fn a_cluster_node_sigkilled_mid_run_fails_over_and_loses_nothing() {
    let o = run("RabbitMQ cluster node SIGKILLed");
    assert_eq!(o.faults, 1);
    assert_eq!(
        o.recovery.len(),
        1,
        "no resolution stored after the node died"
    );
}
