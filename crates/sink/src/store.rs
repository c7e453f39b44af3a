//! Writes a batch of resolutions in one transaction: decide per resolution (new, duplicate,
//! stale, replacement), move replaced versions to `resolution_history`, then bulk-load the new
//! rows with COPY and queue their events in `event_outbox`. The caller acks only after
//! [`store_batch`] returns.
//!
//! Idempotency: the row of a symbol and language is locked (`FOR UPDATE`) before it is
//! compared, so two sinks cannot both replace it; two sinks inserting the same new symbol race
//! on the UNIQUE constraint and the loser retries ([`ErrorClass::Conflict`]).
//!
//! Failures are classified by cause ([`StoreError::class`]): the database unavailable for
//! writes (down, restarting, a read-only standby after a failover, a cancelled statement, a
//! missing table) is retried, a conflict with another transaction is retried a few times, and
//! only what the data itself makes fail is refused.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use resingest_model::topology::ResolutionStored;
use resingest_model::Resolution;
use sqlx::{PgPool, Postgres, Row, Transaction};

use crate::flatten::{clause_rows, ts_config};

/// One decoded message, ready to store.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub resolution: Resolution,
    /// The resolution as JSON, stored as `body`.
    pub body: String,
    pub fetched_at: Option<DateTime<Utc>>,
    pub archive_key: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// First version of this symbol and language.
    Stored { version: u32 },
    /// A newer version replaced the stored one, which went to history.
    Replaced { version: u32 },
    /// Same source and extractor as stored (or an older extractor): nothing written.
    Duplicate,
    /// Another source fetched earlier than the stored one, and not in the history either:
    /// nothing written, and [`Stored::refused`] says why (the consumer dead-letters it: an
    /// older copy is never dropped in silence).
    Stale,
}

/// What one committed batch did.
#[derive(Debug, Default)]
pub struct Stored {
    /// One per input, in input order.
    pub outcomes: Vec<Outcome>,
    /// Rows written to resolutions, clauses, footnotes, citations and documents.
    pub rows: u64,
    /// `(input index, reason)` of every [`Outcome::Stale`] input.
    pub refused: Vec<(usize, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// What a failed store says about retrying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The database cannot take this write now, whatever the data: retry the same batch later.
    /// The connection it failed on is replaced (a read-only session stays read-only).
    Unavailable,
    /// A conflict with a concurrent transaction (serialization failure, deadlock, two sinks
    /// inserting the same new symbol, a lock timeout): retry at once, a bounded number of times,
    /// since a conflict that comes back every time is a property of the data after all.
    Conflict,
    /// The data: the same batch fails the same way every time.
    Refused,
}

impl StoreError {
    pub fn class(&self) -> ErrorClass {
        let StoreError::Database(e) = self;
        match e {
            sqlx::Error::Database(db) => sqlstate_class(&db.code().unwrap_or_default()),
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => ErrorClass::Unavailable,
            _ => ErrorClass::Refused,
        }
    }

    /// The SQLSTATE of a database error, for logs and dead-letter reasons.
    pub fn sqlstate(&self) -> Option<String> {
        let StoreError::Database(sqlx::Error::Database(db)) = self else {
            return None;
        };
        db.code().map(|c| c.into_owned())
    }
}

/// Classifies a SQLSTATE ([PostgreSQL's codes](https://www.postgresql.org/docs/current/errcodes-appendix.html)).
pub fn sqlstate_class(code: &str) -> ErrorClass {
    const UNAVAILABLE_CLASSES: [&str; 5] = [
        "08",  // connection exception
        "53",  // insufficient resources (disk full, out of memory, too many connections)
        "57P", // operator intervention: admin/crash shutdown, cannot connect now
        "58",  // system error (i/o error reading a file)
        "XX",  // internal error: corruption or a server bug, not this batch
    ];
    const UNAVAILABLE: [&str; 5] = [
        "25006", // read-only transaction: a standby, or the database switched read-only
        "57014", // query canceled: statement timeout, or cancelled by an operator
        "42P01", // undefined table: a schema not (yet) migrated; retry until it is
        "3D000", // invalid catalog name: the database is not there (yet)
        "55006", // object in use
    ];
    const CONFLICT: [&str; 2] = [
        "23505", // unique violation: another sink inserted the same new symbol first
        "55P03", // lock not available
    ];
    if UNAVAILABLE.contains(&code) || UNAVAILABLE_CLASSES.iter().any(|c| code.starts_with(c)) {
        ErrorClass::Unavailable
    } else if CONFLICT.contains(&code) || code.starts_with("40") {
        ErrorClass::Conflict
    } else {
        ErrorClass::Refused
    }
}

/// Stores `batch` in one transaction and reports what happened to each resolution.
pub async fn store_batch(pool: &PgPool, batch: &[Incoming]) -> Result<Stored, StoreError> {
    let mut conn = pool.acquire().await?;
    let result = store_on(&mut conn, batch).await;
    if matches!(&result, Err(e) if e.class() == ErrorClass::Unavailable) {
        // A session that was read-only (or half-dead) stays so: the next try gets a new one.
        conn.close_on_drop();
    }
    result
}

async fn store_on(
    conn: &mut sqlx::pool::PoolConnection<Postgres>,
    batch: &[Incoming],
) -> Result<Stored, StoreError> {
    let mut tx = sqlx::Connection::begin(&mut **conn).await?;
    let mut stored = Stored {
        outcomes: vec![Outcome::Duplicate; batch.len()],
        rows: 0,
        refused: Vec::new(),
    };
    // The same symbol and language twice in a batch: later ones go in a later round, so each
    // round compares against what the previous one wrote.
    for round in rounds(batch) {
        stored.rows += store_round(
            &mut tx,
            batch,
            &round,
            &mut stored.outcomes,
            &mut stored.refused,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(stored)
}

fn key(r: &Resolution) -> (&str, &str) {
    (r.symbol.as_str(), r.language.as_str())
}

fn rounds(batch: &[Incoming]) -> Vec<Vec<usize>> {
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    let mut rounds: Vec<Vec<usize>> = Vec::new();
    for (i, inc) in batch.iter().enumerate() {
        let n = seen.entry(key(&inc.resolution)).or_insert(0);
        if rounds.len() <= *n {
            rounds.push(Vec::new());
        }
        rounds[*n].push(i);
        *n += 1;
    }
    rounds
}

struct Current {
    id: i64,
    version: i32,
    sha256: String,
    extractor_version: String,
    schema_version: i32,
    fetched_at: Option<DateTime<Utc>>,
}

/// One round of a batch (each symbol and language at most once), in named steps: lock what
/// is stored, decide each copy, settle the stale ones, count the copies that came again, move
/// replaced versions to the history, write the new rows, queue their events.
async fn store_round(
    tx: &mut Transaction<'_, Postgres>,
    batch: &[Incoming],
    round: &[usize],
    outcomes: &mut [Outcome],
    refused: &mut Vec<(usize, String)>,
) -> Result<u64, StoreError> {
    let current = lock_current(tx, batch, round).await?;
    let plan = plan_round(batch, round, &current, outcomes);
    settle_stale(tx, batch, &plan.stale, &current, outcomes, refused).await?;
    count_copies_again(tx, batch, round, outcomes).await?;
    if plan.inserts.is_empty() {
        return Ok(0);
    }
    move_to_history(tx, &plan.replaced_ids).await?;
    let rows = insert_rows(tx, batch, &plan.inserts).await?;
    queue_events(tx, batch, &plan.inserts).await?;
    Ok(rows)
}

type Key = (String, String);

fn key_of(inc: &Incoming) -> Key {
    (
        inc.resolution.symbol.clone(),
        inc.resolution.language.clone(),
    )
}

/// The stored rows of the round's symbols and languages, locked until the transaction ends.
async fn lock_current(
    tx: &mut Transaction<'_, Postgres>,
    batch: &[Incoming],
    round: &[usize],
) -> Result<HashMap<Key, Current>, StoreError> {
    let symbols: Vec<&str> = round
        .iter()
        .map(|&i| batch[i].resolution.symbol.as_str())
        .collect();
    let languages: Vec<&str> = round
        .iter()
        .map(|&i| batch[i].resolution.language.as_str())
        .collect();
    let rows = sqlx::query(
        "SELECT r.id, r.symbol, r.language, r.version, r.sha256, r.extractor_version, r.schema_version, r.fetched_at
         FROM resolutions r JOIN UNNEST($1::text[], $2::text[]) AS k (symbol, language)
           ON r.symbol = k.symbol AND r.language = k.language
         ORDER BY r.id FOR UPDATE OF r",
    )
    .bind(&symbols)
    .bind(&languages)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                (row.get("symbol"), row.get("language")),
                Current {
                    id: row.get("id"),
                    version: row.get("version"),
                    sha256: row.get("sha256"),
                    extractor_version: row.get("extractor_version"),
                    schema_version: row.get("schema_version"),
                    fetched_at: row.get("fetched_at"),
                },
            )
        })
        .collect())
}

/// What a round writes: new rows (batch index, version), the stored rows they replace, and
/// the copies older than what is stored.
struct Plan {
    inserts: Vec<(usize, i32)>,
    replaced_ids: Vec<i64>,
    stale: Vec<usize>,
}

/// Each copy's outcome against what is stored (see [`decide`]).
fn plan_round(
    batch: &[Incoming],
    round: &[usize],
    current: &HashMap<Key, Current>,
    outcomes: &mut [Outcome],
) -> Plan {
    let mut plan = Plan {
        inserts: Vec::new(),
        replaced_ids: Vec::new(),
        stale: Vec::new(),
    };
    for &i in round {
        let stored = current.get(&key_of(&batch[i]));
        let outcome = stored.map_or(Outcome::Stored { version: 1 }, |cur| decide(cur, &batch[i]));
        outcomes[i] = outcome;
        match outcome {
            Outcome::Stored { version } => plan.inserts.push((i, version as i32)),
            Outcome::Replaced { version } => {
                plan.replaced_ids.extend(stored.map(|cur| cur.id));
                plan.inserts.push((i, version as i32));
            }
            Outcome::Stale => plan.stale.push(i),
            Outcome::Duplicate => {}
        }
    }
    plan
}

/// A stale copy the history knows (the version it was replaced by came later) is a
/// duplicate; any other is refused, naming both copies' sha256 and fetch times.
async fn settle_stale(
    tx: &mut Transaction<'_, Postgres>,
    batch: &[Incoming],
    stale: &[usize],
    current: &HashMap<Key, Current>,
    outcomes: &mut [Outcome],
    refused: &mut Vec<(usize, String)>,
) -> Result<(), StoreError> {
    if stale.is_empty() {
        return Ok(());
    }
    let column = |f: fn(&Resolution) -> &str| -> Vec<&str> {
        stale.iter().map(|&i| f(&batch[i].resolution)).collect()
    };
    let in_history: Vec<i32> = sqlx::query_scalar(
        "SELECT k.i FROM UNNEST($1::text[], $2::text[], $3::text[], $4::int4[])
           AS k (symbol, language, sha256, i)
         WHERE EXISTS (SELECT 1 FROM resolution_history h WHERE h.symbol = k.symbol
                       AND h.language = k.language AND h.sha256 = k.sha256)",
    )
    .bind(column(|r| r.symbol.as_str()))
    .bind(column(|r| r.language.as_str()))
    .bind(column(|r| r.provenance.sha256.as_str()))
    .bind(stale.iter().map(|&i| i as i32).collect::<Vec<_>>())
    .fetch_all(&mut **tx)
    .await?;
    let at = |t: Option<DateTime<Utc>>| t.map_or_else(|| "unknown".into(), |t| t.to_rfc3339());
    for &i in stale {
        if in_history.contains(&(i as i32)) {
            outcomes[i] = Outcome::Duplicate;
            continue;
        }
        let r = &batch[i].resolution;
        let cur = &current[&key_of(&batch[i])];
        refused.push((
            i,
            format!(
                "{} ({}): this copy (sha256 {}, fetched {}) is older than stored version {} (sha256 {}, fetched {}); not stored",
                r.symbol,
                r.language,
                r.provenance.sha256,
                at(batch[i].fetched_at),
                cur.version,
                cur.sha256,
                at(cur.fetched_at),
            ),
        ));
    }
    Ok(())
}

/// Every copy that arrives again (a redelivery, a replay, a second fetch of the same bytes)
/// is counted on its document, so duplicates are measured, not only made harmless.
async fn count_copies_again(
    tx: &mut Transaction<'_, Postgres>,
    batch: &[Incoming],
    round: &[usize],
    outcomes: &[Outcome],
) -> Result<(), StoreError> {
    let again: Vec<&str> = round
        .iter()
        .filter(|&&i| outcomes[i] == Outcome::Duplicate)
        .map(|&i| batch[i].resolution.provenance.sha256.as_str())
        .collect();
    if !again.is_empty() {
        sqlx::query(
            "UPDATE documents d SET copies = d.copies + k.n
             FROM (SELECT sha256, count(*)::int4 AS n FROM UNNEST($1::text[]) AS u (sha256)
                   GROUP BY sha256) k
             WHERE d.sha256 = k.sha256",
        )
        .bind(&again)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Replaced versions go to the history; their clauses, footnotes and citations go with the
/// row (ON DELETE CASCADE), the history keeps the JSON.
async fn move_to_history(
    tx: &mut Transaction<'_, Postgres>,
    replaced_ids: &[i64],
) -> Result<(), StoreError> {
    if replaced_ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO resolution_history (symbol, language, version, sha256, extractor_version, fetched_at, stored_at, body)
         SELECT symbol, language, version, sha256, extractor_version, fetched_at, stored_at, body
         FROM resolutions WHERE id = ANY($1)",
    )
    .bind(replaced_ids)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM resolutions WHERE id = ANY($1)")
        .bind(replaced_ids)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The new rows: their documents (once per sha256), then resolutions, clauses, footnotes and
/// citations by COPY. The number of rows written.
async fn insert_rows(
    tx: &mut Transaction<'_, Postgres>,
    batch: &[Incoming],
    inserts: &[(usize, i32)],
) -> Result<u64, StoreError> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT nextval('resolutions_id_seq') FROM generate_series(1, $1)")
            .bind(inserts.len() as i32)
            .fetch_all(&mut **tx)
            .await?;
    let provenance = |i: usize| &batch[i].resolution.provenance;
    let mut rows = sqlx::query(
        "INSERT INTO documents (sha256, bytes, pages, archive_key)
         SELECT * FROM UNNEST($1::text[], $2::int8[], $3::int4[], $4::text[])
         ON CONFLICT (sha256) DO NOTHING",
    )
    .bind(
        inserts
            .iter()
            .map(|&(i, _)| provenance(i).sha256.as_str())
            .collect::<Vec<_>>(),
    )
    .bind(
        inserts
            .iter()
            .map(|&(i, _)| provenance(i).bytes as i64)
            .collect::<Vec<_>>(),
    )
    .bind(
        inserts
            .iter()
            .map(|&(i, _)| provenance(i).pages as i32)
            .collect::<Vec<_>>(),
    )
    .bind(
        inserts
            .iter()
            .map(|&(i, _)| batch[i].archive_key.as_deref())
            .collect::<Vec<_>>(),
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();

    let mut copy = CopyRows::default();
    for (&(i, version), &id) in inserts.iter().zip(&ids) {
        copy.add(id, version, &batch[i]);
    }
    rows += copy_in(tx, "COPY resolutions (id, symbol, language, version, organ, kind, session, title, adoption_date, distribution_date, meeting, main_committee, agenda_items, draft_symbols, sha256, extractor_version, schema_version, fetched_at, body) FROM STDIN", copy.resolutions).await?;
    rows += copy_in(tx, "COPY clauses (resolution_id, ord, kind, path, lead, text, footnote_refs, ts_config) FROM STDIN", copy.clauses).await?;
    rows += copy_in(
        tx,
        "COPY footnotes (resolution_id, number, text) FROM STDIN",
        copy.footnotes,
    )
    .await?;
    rows += copy_in(
        tx,
        "COPY citations (resolution_id, ord, cited_symbol) FROM STDIN",
        copy.citations,
    )
    .await?;
    Ok(rows)
}

/// A `ResolutionStored` event per new row in the outbox, and one webhook delivery per
/// registered target (all organs, or this one's), in this transaction: the delivery task
/// POSTs the same payload as the event, at least once.
async fn queue_events(
    tx: &mut Transaction<'_, Postgres>,
    batch: &[Incoming],
    inserts: &[(usize, i32)],
) -> Result<(), StoreError> {
    let events: Vec<String> = inserts
        .iter()
        .map(|&(i, version)| {
            let r = &batch[i].resolution;
            serde_json::to_string(&ResolutionStored {
                symbol: r.symbol.clone(),
                language: r.language.clone(),
                version: version as u32,
                sha256: r.provenance.sha256.clone(),
                extractor_version: r.provenance.extractor_version.clone(),
            })
            .expect("event serialises")
        })
        .collect();
    sqlx::query("INSERT INTO event_outbox (payload) SELECT p::jsonb FROM UNNEST($1::text[]) AS p")
        .bind(&events)
        .execute(&mut **tx)
        .await?;
    let organs: Vec<String> = inserts
        .iter()
        .map(|&(i, _)| batch[i].resolution.organ.clone())
        .collect();
    sqlx::query(
        "INSERT INTO webhook_deliveries (webhook_id, payload) \
         SELECT w.id, e.p::jsonb FROM UNNEST($1::text[], $2::text[]) AS e(p, organ) \
         JOIN webhooks w ON w.organ IS NULL OR lower(w.organ) = lower(e.organ)",
    )
    .bind(&events)
    .bind(&organs)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn decide(cur: &Current, inc: &Incoming) -> Outcome {
    let p = &inc.resolution.provenance;
    let replace = Outcome::Replaced {
        version: cur.version as u32 + 1,
    };
    if p.sha256 == cur.sha256 {
        // `resingest reprocess` brings stored rows to the current contract: a later schema
        // version of the same PDF replaces the row even from the same extractor release.
        let newer_schema = i64::from(inc.resolution.schema_version) > i64::from(cur.schema_version);
        if newer_schema || extractor_newer(&p.extractor_version, &cur.extractor_version) {
            replace
        } else {
            Outcome::Duplicate
        }
    } else {
        match (inc.fetched_at, cur.fetched_at) {
            (Some(new), Some(old)) if new < old => Outcome::Stale,
            _ => replace,
        }
    }
}

/// `a` is a newer extractor than `b`: `name/1.10.0` > `name/1.9.3`; versions that do not
/// parse as dotted numbers count as newer when they differ.
pub fn extractor_newer(a: &str, b: &str) -> bool {
    fn parse(v: &str) -> Option<(&str, Vec<u64>)> {
        let (name, ver) = v.rsplit_once('/').unwrap_or(("", v));
        let nums = ver
            .split(['.', '-', '+'])
            .take(3)
            .map(|n| n.parse().ok())
            .collect::<Option<Vec<u64>>>()?;
        Some((name, nums))
    }
    match (parse(a), parse(b)) {
        (Some((na, va)), Some((nb, vb))) if na == nb => va > vb,
        _ => a != b,
    }
}

/// COPY text-format payloads for the child tables.
#[derive(Default)]
struct CopyRows {
    resolutions: String,
    clauses: String,
    footnotes: String,
    citations: String,
}

impl CopyRows {
    fn add(&mut self, id: i64, version: i32, inc: &Incoming) {
        let r = &inc.resolution;
        let id_s = id.to_string();
        let fetched_at = inc.fetched_at.map(|t| t.to_rfc3339());
        row(
            &mut self.resolutions,
            &[
                Some(&id_s),
                Some(&r.symbol),
                Some(&r.language),
                Some(&version.to_string()),
                Some(&r.organ),
                Some(kind_name(r.kind)),
                r.session.map(|s| s.to_string()).as_deref(),
                r.title.as_deref(),
                r.adoption_date.as_deref(),
                r.distribution_date.as_deref(),
                r.meeting.as_deref(),
                r.main_committee.as_deref(),
                Some(&text_array(&r.agenda_items)),
                Some(&text_array(&r.draft_symbols)),
                Some(&r.provenance.sha256),
                Some(&r.provenance.extractor_version),
                Some(&r.schema_version.to_string()),
                fetched_at.as_deref(),
                Some(&inc.body),
            ],
        );
        let cfg = ts_config(&r.language);
        for (ord, c) in clause_rows(r).iter().enumerate() {
            let refs = format!(
                "{{{}}}",
                c.footnote_refs
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            );
            row(
                &mut self.clauses,
                &[
                    Some(&id_s),
                    Some(&ord.to_string()),
                    Some(c.kind),
                    Some(&c.path),
                    c.lead.as_deref(),
                    Some(&c.text),
                    Some(&refs),
                    Some(cfg),
                ],
            );
        }
        for f in &r.footnotes {
            row(
                &mut self.footnotes,
                &[Some(&id_s), Some(&f.number.to_string()), Some(&f.text)],
            );
        }
        for (ord, cited) in r.references.iter().enumerate() {
            row(
                &mut self.citations,
                &[Some(&id_s), Some(&ord.to_string()), Some(cited)],
            );
        }
    }
}

pub(crate) fn kind_name(k: resingest_model::Kind) -> &'static str {
    match k {
        resingest_model::Kind::Resolution => "resolution",
        resingest_model::Kind::Draft => "draft",
        resingest_model::Kind::DraftDecision => "draft_decision",
        resingest_model::Kind::Amendment => "amendment",
    }
}

/// Appends one COPY text-format row: tab-separated, `\N` for NULL, backslash escapes.
fn row(out: &mut String, fields: &[Option<&str>]) {
    for (n, f) in fields.iter().enumerate() {
        if n > 0 {
            out.push('\t');
        }
        match f {
            None => out.push_str("\\N"),
            Some(s) => {
                for ch in s.chars() {
                    match ch {
                        '\\' => out.push_str("\\\\"),
                        '\t' => out.push_str("\\t"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        c => out.push(c),
                    }
                }
            }
        }
    }
    out.push('\n');
}

/// A PostgreSQL `text[]` literal: `{"a","b \"c\""}`.
fn text_array(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    format!("{{{}}}", quoted.join(","))
}

async fn copy_in(
    tx: &mut Transaction<'_, Postgres>,
    statement: &str,
    data: String,
) -> Result<u64, StoreError> {
    if data.is_empty() {
        return Ok(0);
    }
    let mut copy = tx.copy_in_raw(statement).await?;
    copy.send(data.into_bytes()).await?;
    Ok(copy.finish().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlstates_are_classified_by_cause() {
        for code in [
            "25006", "57014", "57P01", "57P03", "08006", "53300", "42P01",
        ] {
            assert_eq!(sqlstate_class(code), ErrorClass::Unavailable, "{code}");
        }
        for code in ["40001", "40P01", "23505", "55P03"] {
            assert_eq!(sqlstate_class(code), ErrorClass::Conflict, "{code}");
        }
        for code in ["22P02", "23502", "23514", "42703", "54000"] {
            assert_eq!(sqlstate_class(code), ErrorClass::Refused, "{code}");
        }
    }

    #[test]
    fn extractor_versions_compare_numerically() {
        assert!(extractor_newer(
            "resingest-extract/0.10.0",
            "resingest-extract/0.9.9"
        ));
        assert!(!extractor_newer(
            "resingest-extract/0.9.9",
            "resingest-extract/0.10.0"
        ));
        assert!(!extractor_newer(
            "resingest-extract/0.1.0",
            "resingest-extract/0.1.0"
        ));
        assert!(extractor_newer("other", "resingest-extract/0.1.0"));
    }

    #[test]
    fn a_later_schema_of_the_same_pdf_replaces_the_row() {
        let resolution: Resolution = serde_json::from_value(serde_json::json!({
            "symbol": "A/RES/78/1", "organ": "General Assembly", "language": "en",
            "session": 78, "distribution": null, "distribution_date": null,
            "adoption_date": null, "meeting": null, "main_committee": null, "title": null,
            "kind": "resolution",
            "provenance": {"sha256": "ab", "bytes": 1, "pages": 1, "extractor_version": "x/1.0.0"},
            "schema_version": 2
        }))
        .unwrap();
        let inc = Incoming {
            resolution,
            body: String::new(),
            fetched_at: None,
            archive_key: None,
        };
        let cur = |schema_version| Current {
            id: 1,
            version: 1,
            sha256: "ab".into(),
            extractor_version: "x/1.0.0".into(),
            schema_version,
            fetched_at: None,
        };
        assert_eq!(decide(&cur(1), &inc), Outcome::Replaced { version: 2 });
        assert_eq!(decide(&cur(2), &inc), Outcome::Duplicate);
    }

    #[test]
    fn copy_rows_escape_tabs_newlines_backslashes_and_nulls() {
        let mut out = String::new();
        row(&mut out, &[Some("a\tb\\c\nd"), None]);
        assert_eq!(out, "a\\tb\\\\c\\nd\t\\N\n");
        assert_eq!(
            text_array(&["68 (a)".into(), "x\"y".into()]),
            "{\"68 (a)\",\"x\\\"y\"}"
        );
    }
}
