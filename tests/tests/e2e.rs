//! The reduced end-to-end scenarios CI runs: each starts the real fetcher, workers and sink in
//! its own vhost and database, so these run beside other tests. `make chaos` runs the same
//! scenarios at full size. The ones that stop PostgreSQL or RabbitMQ are in restarts.rs.

use resingest_e2e::scenario::run_reduced as run;

#[test]
fn end_to_end_every_document_stored_once_or_dead_lettered() {
    let o = run("end-to-end");
    assert!(o.counts.stored > 0 && o.counts.dead > 0, "{:?}", o.counts);
    assert!(o.counts.rejected == 2, "{:?}", o.counts);
}

#[test]
fn hostile_inputs_are_dead_lettered_with_their_kinds() {
    let o = run("hostile inputs");
    let hostile = resingest_e2e::inputs::hostile(&resingest_e2e::inputs::corpus_dir());
    // Every hostile file plus the corpus scan (the reduced mix always has it); the kind of
    // each is checked per document by account(), and every worker was healthy at the end.
    assert_eq!(o.counts.dead, hostile.len() + 1, "{:?}", o.counts);
}

#[test]
fn worker_sigkill_every_few_seconds_loses_and_doubles_nothing() {
    let o = run("worker SIGKILL every 2 s");
    // Every 2 s and at each fifth of the work: at least four kills while work remained, however
    // fast the machine, and work resumed after each (a kill that came too late, or a fleet
    // that never recovered, shows as a missing recovery).
    assert!(o.faults >= 4, "only {} kill(s): {:?}", o.faults, o.counts);
    assert_eq!(
        o.recovery.len(),
        o.faults,
        "a resolution stored after every kill: {:?}",
        o.recovery
    );
}

#[test]
fn a_worker_killed_between_confirm_and_ack_is_redelivered_and_counted_not_stored_twice() {
    let o = run("worker SIGKILLed between confirm and ack");
    assert_eq!(o.faults, 3, "{:?}", o.counts);
    // Each death left a stored result whose input came back: the sink saw the copy again,
    // counted it on its document, and stored nothing twice (assert_clean checked that).
    let (copies, documents) = o.counts.redelivered;
    assert!(
        copies >= 3 && documents >= 3,
        "three deaths after a confirm, but only {copies} copies of {documents} documents came back"
    );
}

#[test]
fn worker_sigterm_drains_and_loses_nothing() {
    run("worker SIGTERM");
}

#[test]
fn sink_killed_and_restarted_loses_and_doubles_nothing() {
    run("sink restarted");
}

#[test]
fn backlog_drains_with_latency_and_memory_reported() {
    let o = run("load: backlog drained");
    assert!(o.latency.is_some(), "no latency measured");
    assert!(
        o.peak_rss.iter().all(|(_, own, _)| *own > 0.0),
        "{:?}",
        o.peak_rss
    );
}
