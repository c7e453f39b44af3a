//! For the integration tests of every role (feature `test-support`): a private PostgreSQL
//! database per test, so tests run in parallel on one server.

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

/// The server tests use unless `RESINGEST_TEST_PG_BASE` names another (no database part).
pub const PG_BASE: &str = "postgres://postgres@127.0.0.1:5432";

/// The server base url tests use.
pub fn pg_base() -> String {
    std::env::var("RESINGEST_TEST_PG_BASE").unwrap_or_else(|_| PG_BASE.into())
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
    /// its unaligned output; panics naming the SQL when psql fails.
    pub fn psql(&self, sql: &str) -> String {
        let out = Command::new("psql")
            .args([
                "-X",
                "-q",
                "-A",
                "-t",
                "-v",
                "ON_ERROR_STOP=1",
                &self.url,
                "-c",
                sql,
            ])
            .output()
            .expect("running psql");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// The rows of `table`.
    pub fn count(&self, table: &str) -> i64 {
        self.psql(&format!("SELECT count(*) FROM {table}"))
            .parse()
            .expect("count(*) is a number")
    }

    /// Drops the database now, its connections cut; whether psql could.
    pub fn drop_now(&self) -> Result<(), String> {
        let out = Command::new("psql")
            .args(["-X", "-q", &format!("{}/postgres", pg_base()), "-c"])
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .output()
            .map_err(|e| e.to_string())?;
        match out.status.success() {
            true => Ok(()),
            false => Err(String::from_utf8_lossy(&out.stderr).into_owned()),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = self.drop_now();
    }
}
