//! For the integration tests of every crate (feature `test-support`): a private PostgreSQL
//! database per test, so tests run in parallel on one server, and the shared material
//! (`../shared`: corpus, gold, reference) found the same way everywhere.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// The server tests use unless `RESINGEST_TEST_PG_BASE` names another (no database part).
pub const PG_BASE: &str = "postgres://postgres@127.0.0.1:5432";

/// The server base url tests use.
pub fn pg_base() -> String {
    std::env::var("RESINGEST_TEST_PG_BASE").unwrap_or_else(|_| PG_BASE.into())
}

/// The server's own `postgres` database, for what a test does to the server (create, drop,
/// alter a database).
pub fn admin_url() -> String {
    format!("{}/postgres", pg_base())
}

/// Runs SQL at `url` with psql (unaligned, tuples only, stopping at the first error): its
/// output, or psql's error text.
pub fn psql(url: &str, sql: &str) -> Result<String, String> {
    let out = Command::new("psql")
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            url,
            "-c",
            sql,
        ])
        .output()
        .map_err(|e| format!("running psql: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A database the role under test creates (the name is unique in this process and across
/// processes), dropped with its connections at the end.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    /// `resingest_test_<prefix>_<pid>_<n>`; nothing is created until the role connects.
    pub fn new(prefix: &str) -> TestDb {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "resingest_test_{prefix}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        TestDb {
            url: format!("{}/{name}", pg_base()),
            name,
        }
    }

    /// Runs SQL with psql (statements separated by `;` run as one transaction) and returns
    /// its unaligned output, trimmed; panics naming the SQL when psql fails.
    pub fn psql(&self, sql: &str) -> String {
        psql(&self.url, sql)
            .unwrap_or_else(|e| panic!("psql {sql}: {e}"))
            .trim()
            .to_owned()
    }

    /// The rows of `table`.
    pub fn count(&self, table: &str) -> i64 {
        self.psql(&format!("SELECT count(*) FROM {table}"))
            .parse()
            .expect("count(*) is a number")
    }

    /// Drops the database now, its connections cut; whether psql could.
    pub fn drop_now(&self) -> Result<(), String> {
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        psql(&admin_url(), &drop).map(|_| ())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = self.drop_now();
    }
}

/// `$RESINGEST_SHARED`, else `shared/` beside the repository.
fn shared_root() -> PathBuf {
    std::env::var_os("RESINGEST_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}

/// The shared folder when it holds `needed` (a path inside it: `gold`,
/// `reference/un-akn`); when it does not, a panic under `CI=true`, where missing material must
/// not pass silently, and elsewhere `None` after saying the test is skipped.
pub fn shared(needed: &str) -> Option<PathBuf> {
    let dir = shared_root();
    if dir.join(needed).exists() {
        return Some(dir);
    }
    missing(&format!(
        "{needed} not found under {}: set RESINGEST_SHARED or put shared/ beside the repository",
        dir.display()
    ))
}

/// The corpus folder, `$RESINGEST_CORPUS` or `corpus` of the shared folder, when it has its
/// `MANIFEST.tsv`; when not, as [`shared`] says.
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("RESINGEST_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared_root().join("corpus"));
    if dir.join("MANIFEST.tsv").is_file() {
        return Some(dir);
    }
    missing(&format!(
        "the corpus is not at {} (no MANIFEST.tsv): set RESINGEST_CORPUS or put shared/ beside \
         the repository",
        dir.display()
    ))
}

fn missing(what: &str) -> Option<PathBuf> {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{what}");
    }
    eprintln!("skipping: {what} (CI=true makes this fail)");
    None
}

/// A free loopback port (bound, read, released), never one handed out before in this
/// process: the kernel may give a released port again at once, and two processes a test starts
/// back to back then race for it (the second exits "Address already in use").
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<std::collections::BTreeSet<u16>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("binding a loopback port")
            .local_addr()
            .expect("a bound socket has an address")
            .port();
        if GIVEN.lock().unwrap_or_else(|e| e.into_inner()).insert(port) {
            return port;
        }
    }
}
