//! A corpus of PDFs on disk as `resingest eval` and the test suites walk it: every PDF under
//! a folder, found by symbol through its `MANIFEST.tsv` (file, symbol, ...) or, without one,
//! through file names (`A_RES_78_101-EN.pdf` is A/RES/78/101); the UN's markup and gold files
//! of a folder in order; pdftotext's text of a PDF for the checks that compare with it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use resingest_archive::ReadDirError;
use resingest_model::symbol::Symbol;

/// The PDFs of a corpus folder (searched recursively) and their symbols.
#[derive(Debug)]
pub struct Corpus {
    pub dir: PathBuf,
    /// Sorted.
    pub pdfs: Vec<PathBuf>,
    by_symbol: HashMap<String, PathBuf>,
}

impl Corpus {
    pub fn open(dir: &Path) -> Result<Corpus, ReadDirError> {
        let pdfs = resingest_archive::pdf_files(dir)?;
        let mut by_symbol = HashMap::new();
        if let Ok(manifest) = std::fs::read_to_string(dir.join("MANIFEST.tsv")) {
            for l in manifest.lines().skip(1) {
                let cols: Vec<&str> = l.split('\t').collect();
                if cols.len() > 1 {
                    by_symbol.insert(key(cols[1]), dir.join(cols[0]));
                }
            }
        }
        for p in &pdfs {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            if let Some((symbol, _)) = Symbol::from_file_name(&name) {
                by_symbol
                    .entry(symbol.as_str().to_owned())
                    .or_insert_with(|| p.clone());
            }
        }
        Ok(Corpus {
            dir: dir.to_path_buf(),
            pdfs,
            by_symbol,
        })
    }

    /// The PDF of a symbol as a gold file, the UN's markup or the manifest writes it.
    pub fn pdf_of(&self, symbol: &str) -> Option<&Path> {
        self.by_symbol.get(&key(symbol)).map(PathBuf::as_path)
    }

    /// A PDF's path inside the corpus, for messages.
    pub fn name_of(&self, pdf: &Path) -> String {
        pdf.strip_prefix(&self.dir)
            .unwrap_or(pdf)
            .display()
            .to_string()
    }
}

/// The lookup key of a symbol: [`Symbol`]'s canonical form, or the text without spaces.
fn key(symbol: &str) -> String {
    Symbol::parse(symbol).map_or_else(
        |_| symbol.split_whitespace().collect(),
        |s| s.as_str().to_owned(),
    )
}

/// The files of `dir` named `*.{ext}`, sorted.
pub fn sorted_files(dir: &Path, ext: &str) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    Ok(files)
}

/// The sub-folders of `dir` holding AKN files (`corpus-ml/{ar,en,...}`), sorted; none when
/// `dir` itself holds some.
pub fn language_folders(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let has_xml = |d: &Path| sorted_files(d, "xml").is_ok_and(|f| !f.is_empty());
    if has_xml(dir) {
        return Ok(Vec::new());
    }
    let mut subs: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && has_xml(p))
        .collect();
    subs.sort();
    Ok(subs)
}

/// pdftotext's plain text of a PDF, or `None` when pdftotext is missing or fails.
pub fn pdftotext(pdf: &Path) -> Option<String> {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_found_through_the_manifest_or_the_file_name() {
        let dir = std::env::temp_dir().join(format!("resingest-corpus-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("ga")).unwrap();
        std::fs::write(dir.join("ga/one.pdf"), b"%PDF-").unwrap();
        std::fs::write(dir.join("A_RES_78_101-EN.pdf"), b"%PDF-").unwrap();
        std::fs::write(
            dir.join("MANIFEST.tsv"),
            "file\tsymbol\nga/one.pdf\tA/RES/71/123 A\n",
        )
        .unwrap();
        let corpus = Corpus::open(&dir).unwrap();
        assert_eq!(corpus.pdfs.len(), 2);
        assert_eq!(
            corpus.pdf_of("A/RES/71/123 A"),
            Some(dir.join("ga/one.pdf").as_path())
        );
        assert_eq!(
            corpus.pdf_of("A/RES/71/123A"),
            Some(dir.join("ga/one.pdf").as_path())
        );
        assert_eq!(
            corpus.pdf_of("A/RES/78/101"),
            Some(dir.join("A_RES_78_101-EN.pdf").as_path())
        );
        assert_eq!(corpus.pdf_of("A/RES/78/102"), None);
        assert_eq!(corpus.name_of(&dir.join("ga/one.pdf")), "ga/one.pdf");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
