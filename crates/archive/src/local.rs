//! The PDFs of a local folder: what a `dir:` source fetches, `publish --dir` puts on the queue
//! and `eval` reads. One walk for all of them.

use std::path::{Path, PathBuf};

/// A folder that could not be read while listing PDFs.
#[derive(Debug, thiserror::Error)]
#[error("reading {}: {source}", path.display())]
pub struct ReadDirError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Every `*.pdf` under `dir` (recursively, extension in any case), sorted.
pub fn pdf_files(dir: &Path) -> Result<Vec<PathBuf>, ReadDirError> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let read = |source| ReadDirError {
            path: d.clone(),
            source,
        };
        for entry in std::fs::read_dir(&d).map_err(read)? {
            let path = entry.map_err(read)?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_pdfs_recursively_and_sorted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for f in ["b.pdf", "sub/a.PDF", "notes.txt"] {
            std::fs::write(dir.path().join(f), b"%PDF-").unwrap();
        }
        let got = super::pdf_files(dir.path()).unwrap();
        assert_eq!(
            got,
            vec![dir.path().join("b.pdf"), dir.path().join("sub/a.PDF")]
        );
        assert!(super::pdf_files(&dir.path().join("missing")).is_err());
    }
}
