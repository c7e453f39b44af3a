//! What the integration tests share: finding `../shared`.

use std::path::PathBuf;

/// `shared/` from `$RESINGEST_SHARED` or beside the repository; `None` (test skipped) when
/// absent outside CI, a panic in CI where a missing folder must not pass silently.
pub fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("RESINGEST_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    if dir.join("gold").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!(
            "shared folder not found at {}: set RESINGEST_SHARED to the folder holding gold/ and corpus/",
            dir.display()
        );
    }
    eprintln!("skipping: shared folder not found at {}", dir.display());
    None
}
