//! Counting at the end of a scenario, from the outside: the fetcher's ledger and the sink's
//! tables in PostgreSQL, the dead-letter queues read message by message, the work queues'
//! depths from `rabbitmqctl`. Nothing here trusts a process's own metrics.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use resingest_amqp::dlq::{self, DeadQueue};

use crate::inputs::{Door, Expect, Input, Inputs};

/// Runs one SQL statement with psql; rows of `|`-separated columns, or the error text.
pub fn psql(url: &str, sql: &str) -> Result<Vec<Vec<String>>, String> {
    Ok(resingest_runtime::testing::psql(url, sql)?
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| l.split('|').map(str::to_owned).collect())
        .collect())
}

/// One number from psql (`SELECT count(*) ...`).
pub fn psql_count(url: &str, sql: &str) -> Result<i64, String> {
    let rows = psql(url, sql)?;
    rows.first()
        .and_then(|r| r.first())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| format!("{sql}: no number in {rows:?}"))
}

/// `(ready, unacked)` per queue of `vhost`; an error while the broker is down.
pub fn queue_depths(vhost: &str) -> Result<BTreeMap<String, (u64, u64)>, String> {
    let out = Command::new("rabbitmqctl")
        .args([
            "-q",
            "--no-table-headers",
            "list_queues",
            "-p",
            vhost,
            "name",
            "messages_ready",
            "messages_unacknowledged",
        ])
        .output()
        .map_err(|e| format!("running rabbitmqctl: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    let mut depths = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if let [name, ready, unacked] = cols[..] {
            let n = |s: &str| s.trim().parse::<u64>().map_err(|e| format!("{line}: {e}"));
            depths.insert(name.to_owned(), (n(ready)?, n(unacked)?));
        }
    }
    Ok(depths)
}

/// Messages in both dead-letter queues, and whether both work queues are empty: the broker's
/// half of the drain condition (the stored count comes from the database). Errors while the
/// broker is down.
pub fn broker_progress(vhost: &str) -> Result<(u64, bool), String> {
    let depths = queue_depths(vhost)?;
    use resingest_model::topology as t;
    let dead = depth_of(&depths, t::DOCUMENTS_DEAD)?.0 + depth_of(&depths, t::EXTRACTED_DEAD)?.0;
    let work_empty =
        depth_of(&depths, t::DOCUMENTS)? == (0, 0) && depth_of(&depths, t::EXTRACTED)? == (0, 0);
    Ok((dead, work_empty))
}

/// The depth of `queue`; a queue the broker does not list is an error, never an empty queue
/// (a topology declared in the wrong vhost must not look drained).
fn depth_of(depths: &BTreeMap<String, (u64, u64)>, queue: &str) -> Result<(u64, u64), String> {
    depths.get(queue).copied().ok_or_else(|| {
        format!(
            "queue {queue} not found (the broker lists {:?})",
            depths.keys()
        )
    })
}

/// Problems with the work queues at the end: one left non-empty, missing, or depths that could
/// not be read at all (a failing `rabbitmqctl` is not an empty broker).
pub fn leftovers(depths: Result<BTreeMap<String, (u64, u64)>, String>) -> Vec<String> {
    let depths = match depths {
        Ok(d) => d,
        Err(e) => return vec![format!("could not read queue depths: {e}")],
    };
    use resingest_model::topology as t;
    let mut left = Vec::new();
    for queue in [t::DOCUMENTS, t::EXTRACTED] {
        if let Err(e) = depth_of(&depths, queue) {
            left.push(e);
        }
    }
    for (queue, (ready, unacked)) in depths {
        // The dead queues and the dead-letter log keep what they hold.
        let kept = queue.ends_with(".dead") || queue == t::DEAD_LOG;
        if !kept && (ready, unacked) != (0, 0) {
            left.push(format!("{queue}: {ready} ready / {unacked} unacked"));
        }
    }
    left
}

/// Each input's outcome against what it deserves. An input that deserved to be stored or
/// dead-lettered and came out neither way is a finding here too, published or not: the fetcher
/// silently dropping it must not pass. What the fetcher must refuse is judged by its ledger
/// (the same bytes may also come through `publish` and be dead-lettered there).
pub fn judge(
    inputs: &[Input],
    stored: &BTreeSet<String>,
    dead: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut unexpected = Vec::new();
    for i in inputs {
        let got = match (stored.contains(&i.sha256), dead.get(&i.sha256)) {
            (true, _) => Some("stored".to_owned()),
            (false, Some(kind)) => Some(format!("dead-lettered as {kind}")),
            (false, None) => None,
        };
        let as_expected = match (&i.expect, &got) {
            (Expect::Rejected, _) => true,
            (_, None) => false,
            (Expect::Stored, Some(_)) => stored.contains(&i.sha256),
            (Expect::Dead(want), Some(_)) => {
                !stored.contains(&i.sha256) && dead.get(&i.sha256).is_some_and(|k| k == want)
            }
        };
        if !as_expected {
            unexpected.push(format!(
                "{}: expected {:?}, got {}",
                i.name,
                i.expect,
                got.as_deref()
                    .unwrap_or("nothing (neither stored nor dead-lettered)")
            ));
        }
    }
    unexpected
}

/// What a scenario ended with.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    /// Documents that reached the queue: the fetcher's ledger plus what `publish` sent.
    pub published: usize,
    pub stored: usize,
    pub dead: usize,
    /// Refused by the fetcher at the door, with a reason in its ledger.
    pub rejected: usize,
    /// Published but neither stored nor dead-lettered.
    pub lost: Vec<String>,
    /// Stored twice (a second version of the same bytes), dead-lettered twice, or both
    /// stored and dead-lettered.
    pub duplicates: Vec<String>,
    /// Copies that reached the sink again after their document was stored (redeliveries the
    /// sink recognised and did not store), and how many documents they were copies of.
    pub redelivered: (u64, u64),
    /// An outcome other than the one the input deserves (with what happened).
    pub unexpected: Vec<String>,
    /// Messages left in a work queue (`queue: ready/unacked`).
    pub left_in_queues: Vec<String>,
    /// Dead letters whose reason a person could not read.
    pub unreadable: Vec<String>,
}

impl Counts {
    pub fn clean(&self) -> bool {
        self.lost.is_empty()
            && self.duplicates.is_empty()
            && self.unexpected.is_empty()
            && self.left_in_queues.is_empty()
            && self.unreadable.is_empty()
            && self.stored + self.dead == self.published
    }
}

/// Counts everything for `inputs` once the pipeline has drained.
pub fn account(inputs: &Inputs, vhost: &str, amqp_url: &str, database_url: &str) -> Counts {
    let mut c = Counts::default();
    let q = |sql: &str| psql(database_url, sql).unwrap_or_else(|e| panic!("{sql}: {e}"));

    // Published: the fetcher's ledger (sha256 of what it confirmed) plus `publish`'s inputs.
    let mut published: BTreeSet<String> = BTreeSet::new();
    if inputs.inputs.iter().any(|i| i.door == Door::Fetcher) {
        for r in q("SELECT sha256 FROM fetch_ledger WHERE status = 'published'") {
            published.insert(r[0].clone());
        }
        c.rejected = q(
            "SELECT count(*) FROM fetch_ledger WHERE status = 'rejected' \
                        AND last_error IS NOT NULL AND last_error <> ''",
        )[0][0]
            .parse()
            .unwrap();
    }
    let through_publish: BTreeSet<String> = inputs
        .published()
        .filter(|i| i.door == Door::Publish)
        .map(|i| i.sha256.clone())
        .collect();
    c.published = published.len() + through_publish.len();
    published.extend(through_publish);

    // Stored: one `documents` row per sha256 (its primary key) with a resolution row for it,
    // current or replaced. A replaced version carrying the same bytes as the current one is a
    // document stored twice; the inputs have distinct symbols, so no other history is expected.
    let stored: BTreeSet<String> = q("SELECT d.sha256 FROM documents d WHERE EXISTS \
          (SELECT 1 FROM resolutions r WHERE r.sha256 = d.sha256) \
          OR EXISTS (SELECT 1 FROM resolution_history h WHERE h.sha256 = d.sha256)")
    .into_iter()
    .map(|r| r[0].clone())
    .collect();
    c.stored = stored.len();
    for r in q(
        "SELECT symbol || ' ' || language || ' v' || version || ' ' || sha256 \
                FROM resolution_history",
    ) {
        c.duplicates.push(format!("stored twice: {}", r[0]));
    }
    for r in q("SELECT sha256, count(*) FROM resolutions GROUP BY sha256 HAVING count(*) > 1") {
        c.duplicates.push(format!(
            "{} is the current version of {} symbols",
            r[0], r[1]
        ));
    }

    // Dead letters, read one by one (and left in place).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut dead: BTreeMap<String, String> = BTreeMap::new();
    for queue in [DeadQueue::Documents, DeadQueue::Extracted] {
        let listing = runtime
            .block_on(dlq::list(
                amqp_url,
                resingest_model::topology::DEFAULT_DELIVERY_LIMIT,
                queue,
            ))
            .unwrap_or_else(|e| panic!("reading {}: {e}", queue.dead()));
        if let Some(d) = listing.disagreement(queue) {
            c.unexpected.push(d);
        }
        for l in listing.letters {
            if l.error.trim().is_empty() || l.kind == "unknown" {
                c.unreadable.push(format!("{} {:?}", l.sha256, l));
            }
            if stored.contains(&l.sha256) {
                c.duplicates
                    .push(format!("{} both stored and dead-lettered", l.sha256));
            }
            if dead.insert(l.sha256.clone(), l.kind.clone()).is_some() {
                c.duplicates
                    .push(format!("{} dead-lettered twice", l.sha256));
            }
        }
    }
    c.dead = dead.len();
    let again = &q(
        "SELECT coalesce(sum(copies - 1), 0), count(*) FILTER (WHERE copies > 1) \
                    FROM documents",
    )[0];
    c.redelivered = (again[0].parse().unwrap(), again[1].parse().unwrap());

    for sha in &published {
        if !stored.contains(sha) && !dead.contains_key(sha) {
            c.lost.push(name_of(inputs, sha));
        }
    }
    for sha in stored.iter().chain(dead.keys()) {
        if !published.contains(sha) {
            c.unexpected
                .push(format!("{sha}: came out but was never published"));
        }
    }
    c.unexpected.extend(judge(&inputs.inputs, &stored, &dead));
    for i in &inputs.inputs {
        if i.expect == Expect::Rejected {
            let url_like = format!("%/{}", i.name);
            let rows = q(&format!(
                "SELECT status, coalesce(last_error, '') FROM fetch_ledger WHERE url LIKE '{}'",
                url_like.replace('\'', "''")
            ));
            match rows.first() {
                Some(r) if r[0] == "rejected" && !r[1].is_empty() => {}
                other => c.unexpected.push(format!(
                    "{}: expected rejected by the fetcher, ledger has {other:?}",
                    i.name
                )),
            }
        }
    }
    let rejected_expected = inputs
        .inputs
        .iter()
        .filter(|i| i.expect == Expect::Rejected)
        .count();
    if c.rejected != rejected_expected {
        c.unexpected.push(format!(
            "the fetcher rejected {} documents, expected {rejected_expected}",
            c.rejected
        ));
    }

    c.left_in_queues = leftovers(queue_depths(vhost));
    c
}

fn name_of(inputs: &Inputs, sha: &str) -> String {
    inputs
        .inputs
        .iter()
        .find(|i| i.sha256 == sha)
        .map(|i| format!("{} ({sha})", i.name))
        .unwrap_or_else(|| sha.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use resingest_model::topology as t;

    fn input(name: &str, expect: Expect) -> Input {
        Input {
            name: name.into(),
            sha256: format!("sha-{name}"),
            door: Door::Fetcher,
            expect,
        }
    }

    #[test]
    fn an_input_that_never_came_out_is_unexpected_whatever_it_deserved() {
        let inputs = [
            input("good.pdf", Expect::Stored),
            input("bomb.pdf", Expect::Dead("over_limit")),
        ];
        let found = judge(&inputs, &BTreeSet::new(), &BTreeMap::new());
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("good.pdf: expected Stored, got nothing"),
            "{found:?}"
        );
    }

    #[test]
    fn a_wrong_kind_or_stored_instead_of_dead_is_unexpected() {
        let inputs = [
            input("good.pdf", Expect::Stored),
            input("bomb.pdf", Expect::Dead("over_limit")),
            input("scan.pdf", Expect::Dead("no_text_layer")),
        ];
        let stored: BTreeSet<String> = ["sha-good.pdf", "sha-scan.pdf"].map(String::from).into();
        let dead: BTreeMap<String, String> =
            [("sha-bomb.pdf".to_string(), "corrupt".to_string())].into();
        let found = judge(&inputs, &stored, &dead);
        assert_eq!(
            found,
            [
                "bomb.pdf: expected Dead(\"over_limit\"), got dead-lettered as corrupt",
                "scan.pdf: expected Dead(\"no_text_layer\"), got stored",
            ]
        );
        let right: BTreeMap<String, String> =
            [("sha-bomb.pdf".to_string(), "over_limit".to_string())].into();
        let only_good: BTreeSet<String> = ["sha-good.pdf".to_string()].into();
        assert_eq!(
            judge(&inputs[..2], &only_good, &right),
            Vec::<String>::new()
        );
    }

    #[test]
    fn unreadable_or_missing_queues_are_leftovers_not_an_empty_broker() {
        assert_eq!(
            leftovers(Err("rabbitmqctl: nodedown".into())),
            ["could not read queue depths: rabbitmqctl: nodedown"]
        );
        let only_dead: BTreeMap<String, (u64, u64)> =
            [(t::DOCUMENTS_DEAD.to_string(), (3, 0))].into();
        let left = leftovers(Ok(only_dead));
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(
            left[0].contains(t::DOCUMENTS) && left[0].contains("not found"),
            "{left:?}"
        );
        let drained: BTreeMap<String, (u64, u64)> = [
            (t::DOCUMENTS.to_string(), (0, 0)),
            (t::EXTRACTED.to_string(), (0, 0)),
            (t::DOCUMENTS_DEAD.to_string(), (3, 0)),
            (t::DEAD_LOG.to_string(), (5, 0)),
        ]
        .into();
        assert_eq!(leftovers(Ok(drained.clone())), Vec::<String>::new());
        let mut busy = drained;
        busy.insert(t::EXTRACTED.to_string(), (1, 2));
        assert_eq!(
            leftovers(Ok(busy)),
            [format!("{}: 1 ready / 2 unacked", t::EXTRACTED)]
        );
    }
}
