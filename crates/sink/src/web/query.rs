//! What the pages read: the newest resolutions under the reader's filters, clause search with
//! marked snippets, one resolution with what cites it. Read-only, like the rest of the API.

use chrono::NaiveDate;
use sqlx::{PgPool, Row};

/// Marks ts_headline puts around a matched word: private-use characters, so the snippet can be
/// HTML-escaped first and the marks turned into `<mark>` after (ts_headline's own `<b>` would
/// have to be trusted next to unescaped clause text).
pub(crate) const MARK_START: char = '\u{E000}';
pub(crate) const MARK_END: char = '\u{E001}';

/// The reader's filters, already checked. `None` is "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Filters {
    pub organ: Option<String>,
    pub session: Option<i32>,
    pub adopted_from: Option<NaiveDate>,
    pub adopted_to: Option<NaiveDate>,
    /// Words to find in the clauses (a web-style query).
    pub q: Option<String>,
    /// Language of the search's text configuration; the list shows every language.
    pub lang: String,
}

/// One row of the list.
pub(crate) struct Listed {
    pub symbol: String,
    pub language: String,
    pub organ: String,
    pub session: Option<i32>,
    pub title: Option<String>,
    pub adoption_date: Option<String>,
}

/// One clause that matched the search.
pub(crate) struct Hit {
    pub symbol: String,
    pub language: String,
    pub title: Option<String>,
    pub path: String,
    /// The matched passage with [`MARK_START`]/[`MARK_END`] around each matched word.
    pub snippet: String,
}

/// Organs that have a stored resolution, for the filter's choices.
pub(crate) async fn organs(pool: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT DISTINCT organ FROM resolutions ORDER BY organ")
        .fetch_all(pool)
        .await
}

/// Newest adopted first (undated drafts last), `limit` rows from `offset`.
pub(crate) async fn newest(
    pool: &PgPool,
    f: &Filters,
    limit: i64,
    offset: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT symbol, language, organ, session, title, adoption_date::text AS adoption_date
         FROM resolutions
         WHERE ($1::text IS NULL OR organ = $1) AND ($2::int IS NULL OR session = $2)
           AND ($3::date IS NULL OR adoption_date >= $3) AND ($4::date IS NULL OR adoption_date <= $4)
         ORDER BY adoption_date DESC NULLS LAST, id DESC LIMIT $5 OFFSET $6",
    )
    .bind(&f.organ)
    .bind(f.session)
    .bind(f.adopted_from)
    .bind(f.adopted_to)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| Listed {
            symbol: r.get("symbol"),
            language: r.get("language"),
            organ: r.get("organ"),
            session: r.get("session"),
            title: r.get("title"),
            adoption_date: r.get("adoption_date"),
        })
        .collect())
}

/// Clauses matching `f.q` under the same filters, best first (the ranking of `/v1/search`).
pub(crate) async fn search(
    pool: &PgPool,
    f: &Filters,
    q: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Hit>, sqlx::Error> {
    let options = format!(
        "StartSel=\"{MARK_START}\", StopSel=\"{MARK_END}\", MaxFragments=1, MaxWords=30, MinWords=10"
    );
    let rows = sqlx::query(
        // ts_headline is costly, and a projection under LIMIT/OFFSET is computed for the skipped
        // rows too: the inner query ranks and pages, the outer one makes snippets for the page
        // (as `/v1/search` does).
        "SELECT p.symbol, p.language, p.title, p.path,
                ts_headline(p.ts_config, p.text, p.query, $9) AS snippet
         FROM (SELECT r.symbol, r.language, r.title, c.path, c.ord, c.ts_config, c.text, query,
                      ts_rank_cd(c.tsv, query) AS rank
               FROM clauses c JOIN resolutions r ON r.id = c.resolution_id,
                    resingest_tsquery($1::regconfig, $2) AS query
               WHERE c.tsv @@ query AND r.language = $3
                 AND ($4::text IS NULL OR r.organ = $4) AND ($5::int IS NULL OR r.session = $5)
                 AND ($6::date IS NULL OR r.adoption_date >= $6)
                 AND ($7::date IS NULL OR r.adoption_date <= $7)
               ORDER BY rank DESC, r.symbol, c.ord LIMIT $8 OFFSET $10) p
         ORDER BY p.rank DESC, p.symbol, p.ord",
    )
    .bind(crate::flatten::ts_config(&f.lang))
    .bind(q)
    .bind(&f.lang)
    .bind(&f.organ)
    .bind(f.session)
    .bind(f.adopted_from)
    .bind(f.adopted_to)
    .bind(limit)
    .bind(options)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| Hit {
            symbol: r.get("symbol"),
            language: r.get("language"),
            title: r.get("title"),
            path: r.get("path"),
            snippet: r.get("snippet"),
        })
        .collect())
}

/// A resolution that cites the one shown.
pub(crate) struct Citing {
    pub symbol: String,
    pub title: Option<String>,
    pub adoption_date: Option<String>,
}

/// One resolution as the page needs it: its stored JSON, who cites it, and which of the
/// symbols it cites are stored here (only those get a link).
pub(crate) struct Shown {
    pub body: String,
    pub cited_by: Vec<Citing>,
    pub stored_references: Vec<String>,
}

pub(crate) async fn resolution(
    pool: &PgPool,
    symbol: &str,
    lang: &str,
) -> Result<Option<Shown>, sqlx::Error> {
    let Some(body) = sqlx::query_scalar::<_, String>(
        "SELECT body::text FROM resolutions WHERE symbol = $1 AND language = $2",
    )
    .bind(symbol)
    .bind(lang)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let cited_by = sqlx::query(
        "SELECT DISTINCT r.symbol, r.title, r.adoption_date::text AS adoption_date
         FROM citations c JOIN resolutions r ON r.id = c.resolution_id
         WHERE c.cited_symbol = $1 AND r.language = $2
         ORDER BY r.symbol",
    )
    .bind(symbol)
    .bind(lang)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| Citing {
        symbol: r.get("symbol"),
        title: r.get("title"),
        adoption_date: r.get("adoption_date"),
    })
    .collect();
    let stored_references = sqlx::query_scalar(
        "SELECT DISTINCT c.cited_symbol
         FROM citations c JOIN resolutions me ON me.id = c.resolution_id
         JOIN resolutions r ON r.symbol = c.cited_symbol AND r.language = me.language
         WHERE me.symbol = $1 AND me.language = $2",
    )
    .bind(symbol)
    .bind(lang)
    .fetch_all(pool)
    .await?;
    Ok(Some(Shown {
        body,
        cited_by,
        stored_references,
    }))
}
