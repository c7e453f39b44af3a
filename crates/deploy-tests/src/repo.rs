//! Paths of the repository and its neighbours, wherever the tests run from.

use std::path::PathBuf;

/// The workspace root (two levels above this crate).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists")
}

pub fn deploy() -> PathBuf {
    root().join("deploy")
}

/// `$RESINGEST_SHARED`, else `../shared` beside the repository.
pub fn shared() -> PathBuf {
    std::env::var_os("RESINGEST_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"))
}

/// `$RESINGEST_CORPUS`, else `corpus` under [`shared`].
pub fn corpus() -> PathBuf {
    std::env::var_os("RESINGEST_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared().join("corpus"))
}

/// True in CI, where a missing tool or file is a failure rather than a skip.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// A file's text, panicking with its path when unreadable.
pub fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}
