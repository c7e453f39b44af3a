//! The `dir` source: every `*.pdf` under a folder, for offline use and tests. Files are read
//! on each poll (no download to spare) and deduplicated by sha256 against the ledger; symbol
//! and language come from the file name (`A_RES_80_5-EN.pdf`), else the path stands for the
//! symbol in the first configured language.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use crate::deliver::{Fetcher, Outcome, Summary};
use crate::http::Fetched;
use crate::ledger::status;
use crate::{symbol, FetchError, HttpError};

/// Every `*.pdf` under `dir` (recursively), sorted.
pub fn pdf_files(dir: &Path) -> Result<Vec<PathBuf>, FetchError> {
    resingest_archive::pdf_files(dir).map_err(|e| FetchError::Read {
        path: e.path,
        source: e.source,
    })
}

pub async fn poll(f: &Fetcher, dir: &Path) -> Result<Summary, FetchError> {
    let files = pdf_files(dir)?;
    f.progress
        .total
        .fetch_add(files.len() as u64, Ordering::Relaxed);
    let mut summary = Summary::default();
    for path in files {
        if f.cancel.is_cancelled() {
            return Err(FetchError::Cancelled);
        }
        let body = std::fs::read(&path).map_err(|source| FetchError::Read {
            path: path.clone(),
            source,
        })?;
        let abs = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        let url = format!("file://{}", abs.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let (sym, language) = symbol::from_file_name(name).unwrap_or_else(|| {
            let first = f.config.languages.first().cloned().unwrap_or("en".into());
            (url.clone(), first)
        });
        let outcome = if body.starts_with(b"%PDF-") {
            let fetched = Fetched {
                url: url.clone(),
                final_url: url.clone(),
                body,
                etag: None,
                last_modified: None,
            };
            f.deliver("dir", &sym, &language, None, fetched).await?
        } else {
            let e = HttpError::NotAPdf {
                url: url.clone(),
                first_bytes: String::from_utf8_lossy(&body[..body.len().min(16)]).into_owned(),
                content_type: None,
            };
            tracing::warn!(path = %path.display(), "not a PDF, skipped");
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
        };
        summary.add(&outcome);
    }
    Ok(summary)
}
