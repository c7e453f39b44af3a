//! `resingest migrate` and the roles' own migration sets: a database that the shared set of
//! earlier releases migrated (every migration of both roles in one set, in version order, as
//! those binaries ran it) migrates in place, nothing run again; a new database ends with the
//! same schema; and each role alone creates only its own tables.

use std::process::Command;

use resingest_runtime::testing::{pg_base, TestDb};
use sqlx::migrate::Migrator;
use sqlx::Connection;

const BIN: &str = env!("CARGO_BIN_EXE_resingest");

/// Runs `command`; its stdout, or a panic with its stderr.
fn output_of(command: &mut Command) -> String {
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{command:?}: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn migrate(db: &TestDb) {
    output_of(Command::new(BIN).args(["migrate", "--database-url", &db.url]));
}

/// What the shared `migrations/` folder of earlier releases held: both roles' sets, as one.
fn shared_set() -> Migrator {
    let sink = resingest_sink::db::migrations();
    let fetcher = resingest_fetcher::ledger::migrations();
    Migrator::with_migrations(sink.iter().chain(fetcher.iter()).cloned().collect())
}

/// The bookkeeping rows: version, checksum and when each ran.
fn applied(db: &TestDb) -> String {
    db.psql("SELECT version, encode(checksum, 'hex'), installed_on FROM _sqlx_migrations ORDER BY version")
}

/// The schema as pg_dump prints it, without its comments and session settings.
fn schema(db: &TestDb) -> String {
    output_of(Command::new("pg_dump").args([
        "--schema-only",
        "--no-owner",
        "--no-privileges",
        &db.url,
    ]))
    .lines()
    .filter(|l| !l.starts_with("--") && !l.starts_with('\\') && !l.is_empty())
    .collect::<Vec<_>>()
    .join("\n")
}

fn tables(db: &TestDb) -> Vec<String> {
    db.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations' ORDER BY 1")
        .lines()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn a_database_of_the_shared_set_migrates_in_place_and_each_role_makes_only_its_tables() {
    let sink = resingest_sink::db::migrations();
    let fetcher = resingest_fetcher::ledger::migrations();
    for m in fetcher.iter() {
        assert!(
            !sink.version_exists(m.version),
            "migration {} is in both roles' sets: versions share one table and must not collide",
            m.version
        );
    }

    // Today's database: migrated by the shared set, with a stored row to keep.
    let old = TestDb::new("migrate_old");
    resingest_runtime::testing::psql(
        &format!("{}/postgres", pg_base()),
        &format!("CREATE DATABASE {}", old.name),
    )
    .unwrap();
    let mut conn = sqlx::PgConnection::connect(&old.url).await.unwrap();
    shared_set().run(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    old.psql("INSERT INTO fetch_ledger (symbol, language, source, url, status) VALUES ('A/RES/78/1', 'en', 'dir', 'file:///a.pdf', 'published')");
    let before = applied(&old);
    assert_eq!(
        before.lines().count(),
        sink.iter().count() + fetcher.iter().count()
    );

    migrate(&old);
    assert_eq!(
        applied(&old),
        before,
        "a migration ran again, or one is missing"
    );
    assert_eq!(old.count("fetch_ledger"), 1);

    let new = TestDb::new("migrate_new");
    migrate(&new);
    let versions = |db: &TestDb| {
        db.psql("SELECT version, encode(checksum, 'hex') FROM _sqlx_migrations ORDER BY version")
    };
    assert_eq!(versions(&new), versions(&old));
    assert_eq!(schema(&new), schema(&old));

    // Each role on a database of its own creates its own tables and nothing else.
    let sink_only = TestDb::new("migrate_sink");
    resingest_sink::db::open(&sink_only.url, 1)
        .await
        .unwrap()
        .close()
        .await;
    let ledger_only = TestDb::new("migrate_ledger");
    let ledger = resingest_fetcher::ledger::Ledger::open(&ledger_only.url)
        .await
        .unwrap();
    ledger.pool().close().await;
    let (sink_tables, ledger_tables) = (tables(&sink_only), tables(&ledger_only));
    assert_eq!(
        ledger_tables,
        ["fetch_cursors", "fetch_ledger", "fetch_versions"]
    );
    assert!(
        sink_tables.contains(&"resolutions".to_owned()),
        "{sink_tables:?}"
    );
    assert!(
        sink_tables.iter().all(|t| !t.starts_with("fetch_")),
        "{sink_tables:?}"
    );
    let mut both = [sink_tables, ledger_tables].concat();
    both.sort();
    assert_eq!(both, tables(&new));
}
