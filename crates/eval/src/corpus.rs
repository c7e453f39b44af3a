//! A corpus of PDFs on disk as `resingest eval` and the test suites walk it: every PDF under
//! a folder, found by symbol or job number through its `MANIFEST.tsv` (read by its header's
//! `file`, `symbol` and `job_number` columns) or by symbol through file names (`A_RES_78_101-EN.pdf` is A/RES/78/101); the UN's markup and gold files
//! of a folder in order; pdftotext's text of a PDF for the checks that compare with it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use resingest_archive::ReadDirError;
use resingest_model::symbol::Symbol;

/// The PDFs of a corpus folder (searched recursively) and their symbols and job numbers.
#[derive(Debug)]
pub struct Corpus {
    pub dir: PathBuf,
    /// Sorted.
    pub pdfs: Vec<PathBuf>,
    by_symbol: HashMap<String, PathBuf>,
    by_job: HashMap<String, PathBuf>,
}

impl Corpus {
    /// The PDFs under `dir`, with its `MANIFEST.tsv` read by its header's columns (`file`,
    /// `symbol`, `job_number`) when there is one.
    pub fn open(dir: &Path) -> Result<Corpus, ReadDirError> {
        let mut corpus = Corpus {
            dir: dir.to_path_buf(),
            pdfs: resingest_archive::pdf_files(dir)?,
            by_symbol: HashMap::new(),
            by_job: HashMap::new(),
        };
        if let Ok(manifest) = std::fs::read_to_string(dir.join("MANIFEST.tsv")) {
            corpus.read_manifest(&manifest);
        }
        for p in &corpus.pdfs {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            if let Some((symbol, _)) = Symbol::from_file_name(&name) {
                corpus
                    .by_symbol
                    .entry(symbol.as_str().to_owned())
                    .or_insert_with(|| p.clone());
            }
        }
        Ok(corpus)
    }

    fn read_manifest(&mut self, manifest: &str) {
        let mut rows = manifest.lines();
        let header: Vec<&str> = rows.next().unwrap_or_default().split('\t').collect();
        let col = |name: &str| header.iter().position(|h| *h == name);
        let (Some(file), symbol, job) = (col("file"), col("symbol"), col("job_number")) else {
            return;
        };
        for row in rows {
            let cols: Vec<&str> = row.split('\t').collect();
            let Some(path) = cols.get(file).map(|f| self.dir.join(f)) else {
                continue;
            };
            let cell = |c: Option<usize>| c.and_then(|c| cols.get(c)).filter(|v| !v.is_empty());
            if let Some(j) = cell(job) {
                self.by_job.insert(job_key(j), path.clone());
            }
            if let Some(s) = cell(symbol) {
                self.by_symbol.insert(key(s), path);
            }
        }
    }

    /// The PDF of a symbol as a gold file, the UN's markup or the manifest writes it.
    pub fn pdf_of(&self, symbol: &str) -> Option<&Path> {
        self.by_symbol.get(&key(symbol)).map(PathBuf::as_path)
    }

    /// The PDF of a job number, as the manifest (`23-24977 (E)`) or a file name (`2324977E`)
    /// writes it.
    pub fn pdf_of_job(&self, job: &str) -> Option<&Path> {
        self.by_job.get(&job_key(job)).map(PathBuf::as_path)
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

/// `23-24977 (E)` and `2324977E` alike: letters and digits only, upper case.
fn job_key(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
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
    fn pdfs_are_found_by_symbol_or_job_number_through_the_manifest_or_the_file_name() {
        let dir = std::env::temp_dir().join(format!("resingest-corpus-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("ga")).unwrap();
        std::fs::write(dir.join("ga/one.pdf"), b"%PDF-").unwrap();
        std::fs::write(dir.join("A_RES_78_101-EN.pdf"), b"%PDF-").unwrap();
        std::fs::write(
            dir.join("MANIFEST.tsv"),
            "file\tlanguage\tsymbol\tjob_number\nga/one.pdf\ten\tA/RES/71/123 A\t16-21541 (E)\n",
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
        assert_eq!(
            corpus.pdf_of_job("1621541E"),
            Some(dir.join("ga/one.pdf").as_path())
        );
        assert_eq!(corpus.pdf_of_job("16-21541 (F)"), None);
        assert_eq!(corpus.name_of(&dir.join("ga/one.pdf")), "ga/one.pdf");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
