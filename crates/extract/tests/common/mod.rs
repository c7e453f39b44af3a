//! Where the tests find `../shared` (the corpus, gold, reference material): `$RESINGEST_SHARED`,
//! else beside the repository. Missing material fails the test when `CI=true` and skips it,
//! saying so, elsewhere.

use std::path::{Path, PathBuf};

/// The shared folder if it holds `needed` (a relative path), else `None` after saying why;
/// panics when `CI=true`.
pub fn shared(needed: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("RESINGEST_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    if dir.join(needed).exists() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "{} not found under {}: set RESINGEST_SHARED or put shared/ beside the repo",
            needed,
            dir.display()
        );
    }
    eprintln!(
        "skipping: {} not found under {} (CI=true makes this fail)",
        needed,
        dir.display()
    );
    None
}
