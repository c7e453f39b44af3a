//! The filters, sort orders and keyset cursors shared by every list of the read API:
//! `/v1/resolutions` (JSON pages and the NDJSON export), `/v1/resolutions/{symbol}/cited-by`
//! and the Atom feed. One scheme everywhere: a page is the rows after the cursor in the sort
//! order, so page 1,000 costs what page 1 does.
//!
//! A cursor is `<sort>~<key>~<id>`: the sort it was made for (a cursor of another sort is a
//! 400, not a silently wrong page), the last row's sort key and its id as the tie-breaker.
//! Clients treat it as opaque.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use resingest_model::symbol::Organ;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{PgPool, Postgres};

use super::ApiError;

/// The list parameters, besides `cursor`, `limit` and `format`.
pub(crate) const FILTERS: [&str; 11] = [
    "organ",
    "session",
    "since",
    "lang",
    "adopted_from",
    "adopted_to",
    "committee",
    "agenda_item",
    "kind",
    "sort",
    "cursor",
];

const MAIN_COMMITTEES: [&str; 6] = ["First", "Second", "Third", "Fourth", "Fifth", "Sixth"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sort {
    /// `-adoption_date`, the default: newest adopted first, undated last.
    AdoptedDesc,
    /// `adoption_date`: oldest adopted first, undated first.
    AdoptedAsc,
    /// `-stored_at`: most recently stored first (the feed's order).
    StoredDesc,
    /// `stored_at`: in the order they were stored (for sync with `since`).
    StoredAsc,
}

impl Sort {
    fn parse(v: &str) -> Result<Sort, ApiError> {
        Ok(match v {
            "-adoption_date" => Sort::AdoptedDesc,
            "adoption_date" => Sort::AdoptedAsc,
            "-stored_at" => Sort::StoredDesc,
            "stored_at" => Sort::StoredAsc,
            _ => {
                return Err(ApiError::bad_request(format!(
                    "sort `{v}` is not valid: expected -adoption_date (the default), \
                     adoption_date, -stored_at or stored_at"
                )))
            }
        })
    }

    fn code(self) -> char {
        match self {
            Sort::AdoptedDesc => 'a',
            Sort::AdoptedAsc => 'A',
            Sort::StoredDesc => 's',
            Sort::StoredAsc => 'S',
        }
    }

    /// The sort key as SQL, the SQL that reads a cursor's key back, and the direction. Undated
    /// rows sort as `-infinity` so one index serves both directions.
    fn sql(self) -> (&'static str, &'static str, &'static str) {
        const ADOPTED: &str = "COALESCE(resolutions.adoption_date, '-infinity'::date)";
        const STORED: &str = "resolutions.stored_at";
        const ADOPTED_KEY: &str = "$12::text::date";
        const STORED_KEY: &str =
            "'epoch'::timestamptz + $12::text::bigint * interval '1 microsecond'";
        match self {
            Sort::AdoptedDesc => (ADOPTED, ADOPTED_KEY, "DESC"),
            Sort::AdoptedAsc => (ADOPTED, ADOPTED_KEY, "ASC"),
            Sort::StoredDesc => (STORED, STORED_KEY, "DESC"),
            Sort::StoredAsc => (STORED, STORED_KEY, "ASC"),
        }
    }

    /// The key of a row as the cursor writes it: a date (or `-infinity`), or microseconds.
    fn key_sql(self) -> &'static str {
        match self {
            Sort::AdoptedDesc | Sort::AdoptedAsc => {
                "COALESCE(resolutions.adoption_date, '-infinity'::date)::text"
            }
            Sort::StoredDesc | Sort::StoredAsc => {
                "((extract(epoch FROM resolutions.stored_at) * 1000000)::bigint)::text"
            }
        }
    }
}

/// Where a page starts: after the row with this key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cursor {
    key: String,
    id: i64,
}

impl Cursor {
    fn parse(v: &str, sort: Sort) -> Result<Cursor, ApiError> {
        let bad = |why: &str| {
            ApiError::bad_request(format!(
                "cursor `{v}` is not valid: {why}; pass the next_cursor of a previous page unchanged"
            ))
        };
        let mut parts = v.splitn(3, '~');
        let (Some(code), Some(key), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("it is not a cursor of this API"));
        };
        if code.len() != 1 || !"aAsS".contains(code) {
            return Err(bad("it is not a cursor of this API"));
        }
        if !code.starts_with(sort.code()) {
            return Err(bad("it was made for another sort order"));
        }
        let id: i64 = id.parse().map_err(|_| bad("its id is not a number"))?;
        let key_ok = match sort {
            Sort::AdoptedDesc | Sort::AdoptedAsc => {
                key == "-infinity" || NaiveDate::parse_from_str(key, "%Y-%m-%d").is_ok()
            }
            Sort::StoredDesc | Sort::StoredAsc => key.parse::<i64>().is_ok(),
        };
        if !key_ok {
            return Err(bad("its key does not fit its sort order"));
        }
        Ok(Cursor {
            key: key.to_owned(),
            id,
        })
    }

    /// The cursor after a row of `sort` with `key` (as [`Sort::key_sql`] wrote it) and `id`.
    pub(crate) fn after(sort: Sort, key: &str, id: i64) -> String {
        format!("{}~{key}~{id}", sort.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Committee {
    /// `Fourth Committee`, lowercased for the comparison.
    Named(String),
    /// `plenary`: adopted without reference to a Main Committee.
    Plenary,
}

/// Checked list parameters. `None` is "any".
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    organ: Option<String>,
    session: Option<i32>,
    since: Option<DateTime<Utc>>,
    pub lang: Option<String>,
    adopted_from: Option<NaiveDate>,
    adopted_to: Option<NaiveDate>,
    committee: Option<Committee>,
    agenda_item: Option<String>,
    kind: Option<String>,
    /// Only resolutions whose text cites this symbol (the cited-by list).
    pub cites: Option<String>,
    pub sort: Sort,
    cursor: Option<Cursor>,
}

impl Filter {
    /// Reads the list parameters of `p` (unknown ones are the caller's to refuse). An organ
    /// that is neither a short form nor a stored name is a 400 that lists the stored ones.
    pub(crate) async fn parse(
        p: &HashMap<String, String>,
        pool: &PgPool,
    ) -> Result<Filter, ApiError> {
        let sort = p
            .get("sort")
            .map(|v| Sort::parse(v))
            .transpose()?
            .unwrap_or(Sort::AdoptedDesc);
        let date = |name: &str| -> Result<Option<NaiveDate>, ApiError> {
            p.get(name)
                .map(|v| {
                    NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                        ApiError::bad_request(format!(
                            "{name} `{v}` is not valid: expected a date such as 2025-01-31"
                        ))
                    })
                })
                .transpose()
        };
        let organ = match p.get("organ") {
            None => None,
            Some(v) => Some(organ(v, pool).await?),
        };
        let kind = p
            .get("kind")
            .map(|k| match k.to_ascii_lowercase().as_str() {
                k @ ("resolution" | "draft" | "amendment") => Ok(k.to_owned()),
                _ => Err(ApiError::bad_request(format!(
                    "kind `{k}` is not valid: expected resolution, draft or amendment"
                ))),
            })
            .transpose()?;
        let agenda_item = p
            .get("agenda_item")
            .map(|a| a.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|a| !a.is_empty());
        Ok(Filter {
            organ,
            session: super::parse_opt(p, "session", "a session number such as 78")?,
            since: p.get("since").map(|v| super::parse_since(v)).transpose()?,
            lang: p
                .get("lang")
                .map(|l| super::language(l).map(str::to_owned))
                .transpose()?,
            adopted_from: date("adopted_from")?,
            adopted_to: date("adopted_to")?,
            committee: p.get("committee").map(|c| committee(c)).transpose()?,
            agenda_item,
            kind,
            cites: None,
            sort,
            cursor: p
                .get("cursor")
                .map(|c| Cursor::parse(c, sort))
                .transpose()?,
        })
    }

    /// Binds the filter to `sql`, whose parameters are `$1`..`$11` of [`Filter::WHERE`] and,
    /// `with_cursor`, the cursor's key (`$12`) and id (`$13`).
    fn bind<'q>(&'q self, sql: &'q str, with_cursor: bool) -> Query<'q, Postgres, PgArguments> {
        let (committee, plenary) = match &self.committee {
            Some(Committee::Named(c)) => (Some(c.as_str()), false),
            Some(Committee::Plenary) => (None, true),
            None => (None, false),
        };
        let query = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(self.organ.as_deref())
            .bind(self.session)
            .bind(self.since)
            .bind(self.lang.as_deref())
            .bind(self.adopted_from)
            .bind(self.adopted_to)
            .bind(committee)
            .bind(plenary)
            .bind(self.agenda_item.as_deref())
            .bind(self.kind.as_deref())
            .bind(self.cites.as_deref());
        if !with_cursor {
            return query;
        }
        query
            .bind(self.cursor.as_ref().map(|c| c.key.as_str()))
            .bind(self.cursor.as_ref().map(|c| c.id))
    }

    const WHERE: &'static str = "($1::text IS NULL OR resolutions.organ = $1)
           AND ($2::int IS NULL OR resolutions.session = $2)
           AND ($3::timestamptz IS NULL OR resolutions.stored_at >= $3)
           AND ($4::text IS NULL OR resolutions.language = $4)
           AND ($5::date IS NULL OR resolutions.adoption_date >= $5)
           AND ($6::date IS NULL OR resolutions.adoption_date <= $6)
           AND ($7::text IS NULL OR lower(resolutions.main_committee) = $7)
           AND (NOT $8::bool OR resolutions.main_committee IS NULL)
           AND ($9::text IS NULL OR resolutions.agenda_items @> ARRAY[$9::text])
           AND ($10::text IS NULL OR resolutions.kind = $10)
           AND ($11::text IS NULL OR EXISTS (SELECT 1 FROM citations c
                 WHERE c.resolution_id = resolutions.id AND c.cited_symbol = $11))";

    /// The statement of one page (or, `limit` `None`, of every row: the export): `columns`
    /// of the rows after the cursor in sort order, with `sort_key` and `id` for the next one.
    pub(crate) fn page_sql(&self, columns: &str, limit: Option<i64>) -> String {
        let (key, cursor_key, dir) = self.sort.sql();
        let op = if dir == "DESC" { "<" } else { ">" };
        let limit = limit.map(|l| format!("LIMIT {l}")).unwrap_or_default();
        format!(
            "SELECT {columns}, {key_text} AS sort_key, resolutions.id AS id FROM resolutions
             WHERE {filters}
               AND ($12::text IS NULL OR ({key}, resolutions.id) {op} ({cursor_key}, $13::bigint))
             ORDER BY {key} {dir}, resolutions.id {dir} {limit}",
            key_text = self.sort.key_sql(),
            filters = Self::WHERE,
        )
    }

    /// The page's query; see [`Filter::page_sql`].
    pub(crate) fn page<'q>(&'q self, sql: &'q str) -> Query<'q, Postgres, PgArguments> {
        self.bind(sql, true)
    }

    /// How many rows match, whatever the cursor.
    pub(crate) async fn total(&self, pool: &PgPool) -> Result<i64, sqlx::Error> {
        let sql = format!("SELECT count(*) FROM resolutions WHERE {}", Self::WHERE);
        sqlx::Row::try_get(&self.bind(&sql, false).fetch_one(pool).await?, 0)
    }
}

/// `SC`, `security council`, `Security Council` -> `Security Council` (the known organs by
/// [`Organ::from_name`]); a stored name in any case -> that name; else a 400 naming the short forms and the stored organs.
async fn organ(v: &str, pool: &PgPool) -> Result<String, ApiError> {
    let folded = v.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = folded.to_lowercase();
    if let Some(known) = Organ::from_name(v) {
        return Ok(known.name().to_owned());
    }
    let stored: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT organ FROM resolutions ORDER BY organ")
            .fetch_all(pool)
            .await?;
    stored
        .iter()
        .find(|s| s.to_lowercase() == lower)
        .cloned()
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "organ `{v}` is not known: expected GA, SC, HRC, ECOSOC or a stored organ ({})",
                stored.join(", ")
            ))
        })
}

/// `Fourth Committee`, `fourth`, `4`, `C.4` -> `fourth committee`; `plenary` -> adopted
/// without reference to a Main Committee; another name is compared as written.
fn committee(v: &str) -> Result<Committee, ApiError> {
    let folded = v.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = folded.to_lowercase();
    if lower.is_empty() {
        return Err(ApiError::bad_request(
            "committee is empty: expected e.g. Fourth Committee, C.4, 4 or plenary",
        ));
    }
    if lower == "plenary" || lower == "none" {
        return Ok(Committee::Plenary);
    }
    let number = lower
        .strip_prefix("c.")
        .unwrap_or(&lower)
        .parse::<usize>()
        .ok();
    let ordinal = match number {
        Some(n @ 1..=6) => Some(MAIN_COMMITTEES[n - 1].to_lowercase()),
        _ => MAIN_COMMITTEES
            .iter()
            .map(|c| c.to_lowercase())
            .find(|c| *c == lower),
    };
    Ok(Committee::Named(match ordinal {
        Some(o) => format!("{o} committee"),
        None => lower,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committees_by_number_ordinal_or_name() {
        for v in [
            "Fourth Committee",
            "fourth",
            "4",
            "C.4",
            " fourth  committee ",
        ] {
            assert_eq!(
                committee(v).unwrap(),
                Committee::Named("fourth committee".into()),
                "{v}"
            );
        }
        assert_eq!(committee("Plenary").unwrap(), Committee::Plenary);
        assert!(committee(" ").is_err());
    }

    #[test]
    fn cursors_belong_to_their_sort_and_name_what_is_wrong() {
        let c = Cursor::after(Sort::AdoptedDesc, "2025-01-16", 7);
        assert_eq!(
            Cursor::parse(&c, Sort::AdoptedDesc).unwrap(),
            Cursor {
                key: "2025-01-16".into(),
                id: 7
            }
        );
        assert!(Cursor::parse("a~-infinity~3", Sort::AdoptedDesc).is_ok());
        assert!(Cursor::parse("s~1764648000000000~3", Sort::StoredDesc).is_ok());
        for (bad, why) in [
            ("xyz", "not a cursor"),
            ("s~1~1", "another sort"),
            ("a~yesterday~1", "does not fit"),
            ("a~2025-01-16~one", "not a number"),
        ] {
            let e = Cursor::parse(bad, Sort::AdoptedDesc).unwrap_err();
            assert!(
                e.message.contains(why) && e.message.contains(bad),
                "{bad}: {e:?}"
            );
        }
    }
}
