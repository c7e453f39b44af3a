//! The `dir` source: every `*.pdf` under a folder, for offline use and tests. Files are read
//! on each poll (no download to spare) and deduplicated by sha256 against the ledger; symbol
//! and language come from the file name (`A_RES_80_5-EN.pdf`). A file whose name names no
//! symbol is rejected with a warning naming it (counted as `no_symbol`), never stored under a
//! made-up symbol such as its path.
//!
//! A folder is input like any other: what is not a regular file (a dangling symlink, a FIFO
//! named `*.pdf`, a socket) is skipped with a warning naming it, symlinked folders are
//! followed once (a symlink loop is noticed and skipped), files over the size cap are
//! rejected without being read, and SIGTERM is answered between files and during a read.

use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use tokio_util::sync::CancellationToken;

use crate::deliver::{Fetcher, Outcome, Summary};
use crate::http::Fetched;
use crate::ledger::status;
use crate::symbol::Symbol;
use crate::{FetchError, HttpError};

/// What the walk found: regular `*.pdf` files with their sizes, and what it skipped, why.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<(PathBuf, u64)>,
    pub skipped: Vec<(PathBuf, &'static str)>,
}

/// Every regular `*.pdf` under `dir` (recursively, symlinks followed, each folder once),
/// sorted; stops early when `cancel` fires.
pub fn walk(dir: &Path, cancel: &CancellationToken) -> Result<Walk, FetchError> {
    let mut out = Walk::default();
    let mut seen = HashSet::new();
    let read = |path: &Path, source| FetchError::Read {
        path: path.to_owned(),
        source,
    };
    let root = std::fs::metadata(dir).map_err(|e| read(dir, e))?;
    seen.insert((root.dev(), root.ino()));
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if cancel.is_cancelled() {
            return Err(FetchError::Cancelled);
        }
        for entry in std::fs::read_dir(&d).map_err(|e| read(&d, e))? {
            let path = entry.map_err(|e| read(&d, e))?.path();
            let is_pdf = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
            let meta = match std::fs::metadata(&path) {
                Ok(m) => m,
                Err(_) => {
                    if is_pdf {
                        out.skipped
                            .push((path, "a dangling symlink or unreadable entry"));
                    }
                    continue;
                }
            };
            if meta.is_dir() {
                if seen.insert((meta.dev(), meta.ino())) {
                    stack.push(path);
                } else {
                    out.skipped
                        .push((path, "a folder already walked (symlink loop)"));
                }
            } else if is_pdf {
                if meta.is_file() {
                    out.files.push((path, meta.len()));
                } else {
                    out.skipped
                        .push((path, "not a regular file (a fifo, socket or device)"));
                }
            }
        }
    }
    out.files.sort();
    Ok(out)
}

pub async fn poll(f: &Fetcher, dir: &Path) -> Result<Summary, FetchError> {
    f.begin_poll(None).await;
    let (d, cancel) = (dir.to_owned(), f.cancel.clone());
    let found = tokio::task::spawn_blocking(move || walk(&d, &cancel))
        .await
        .map_err(|e| FetchError::Config(format!("walking the folder: {e}")))??;
    for (path, why) in &found.skipped {
        tracing::warn!(path = %path.display(), reason = why, "skipped");
    }
    f.progress
        .total
        .fetch_add(found.files.len() as u64, Ordering::Relaxed);
    let mut summary = Summary::default();
    let limit = f.config.http.max_body;
    for (path, size) in found.files {
        if f.cancel.is_cancelled() {
            return Err(FetchError::Cancelled);
        }
        let abs = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        let url = format!("file://{}", abs.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some((sym, language)) = Symbol::from_file_name(name).map(|(s, l)| (s.to_string(), l))
        else {
            // No ledger row: the ledger is keyed by symbol, and this file has none.
            let e = HttpError::NoSymbol { url };
            tracing::warn!(path = %path.display(), error = %e, "not a document, skipped");
            f.metrics.rejected.with_label_values(&[e.kind()]).inc();
            f.metrics.document("dir", crate::metrics::outcome::REJECTED);
            f.progress.done.fetch_add(1, Ordering::Relaxed);
            summary.add(&Outcome::Rejected(e));
            continue;
        };
        let body = if size > limit {
            Err(HttpError::TooLarge {
                url: url.clone(),
                limit,
            })
        } else {
            let read = tokio::select! {
                _ = f.cancel.cancelled() => return Err(FetchError::Cancelled),
                r = tokio::fs::read(&path) => r,
            };
            let body = read.map_err(|source| FetchError::Read {
                path: path.clone(),
                source,
            })?;
            if body.starts_with(b"%PDF-") {
                Ok(body)
            } else {
                Err(HttpError::NotAPdf {
                    url: url.clone(),
                    first_bytes: String::from_utf8_lossy(&body[..body.len().min(16)]).into_owned(),
                    content_type: None,
                })
            }
        };
        let outcome = match body {
            Ok(body) => {
                let fetched = Fetched {
                    url: url.clone(),
                    final_url: url.clone(),
                    body,
                    etag: None,
                    last_modified: None,
                };
                f.deliver("dir", &sym, &language, None, fetched).await?
            }
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "not a document, skipped");
                f.metrics.rejected.with_label_values(&[e.kind()]).inc();
                f.ledger
                    .record_failure(
                        &sym,
                        &language,
                        "dir",
                        &url,
                        status::REJECTED,
                        &e.to_string(),
                    )
                    .await?;
                f.metrics.document("dir", crate::metrics::outcome::REJECTED);
                f.progress.done.fetch_add(1, Ordering::Relaxed);
                Outcome::Rejected(e)
            }
        };
        summary.add(&outcome);
    }
    Ok(summary)
}
