//! The documents a scenario feeds the pipeline, each with the outcome it deserves.
//!
//! Two doors, as in production: the fetcher's `dir:` source reads a folder of official PDFs
//! (corpus files, linked, never copied) and synthetic resolutions from the typesetter; hostile
//! files go through `resingest publish`, which puts bytes on the queue without the fetcher's
//! checks, standing for any upstream that lets something bad through. The fetcher's folder
//! also gets an HTML page and an empty file, which it must refuse at the door and record in
//! its ledger with a reason, publishing nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a document deserves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Stored exactly once.
    Stored,
    /// Dead-lettered with this `x-resingest-error-kind`.
    Dead(&'static str),
    /// Refused by the fetcher (ledger status `rejected`), never published.
    Rejected,
}

/// Which way a document enters the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Door {
    Fetcher,
    Publish,
}

#[derive(Debug, Clone)]
pub struct Input {
    /// File name in its folder.
    pub name: String,
    pub sha256: String,
    pub door: Door,
    pub expect: Expect,
}

/// What to put in: corpus files (all, or an evenly spread number), synthetic resolutions,
/// and whether to add the hostile set.
#[derive(Debug, Clone, Copy)]
pub struct Mix {
    pub corpus: Option<usize>,
    pub synthetic: usize,
    pub hostile: bool,
}

/// The folders handed to the fetcher and to `resingest publish`, and every input.
pub struct Inputs {
    pub fetch_dir: PathBuf,
    pub publish_dir: PathBuf,
    pub inputs: Vec<Input>,
}

/// Synthetic seeds start here: the typesetter numbers resolutions `seed / 11 + 1`, so these
/// symbols (A/RES/70..80/90910 and up) never meet a real one from the corpus.
pub const SYNTHETIC_SEED_BASE: u64 = 1_000_000;

/// `$RESINGEST_CORPUS`, else the shared corpus beside the repository. Missing is an error
/// everywhere (the suite's end-to-end counts are about real documents), loudest under CI.
pub fn corpus_dir() -> PathBuf {
    resingest_runtime::testing::corpus()
        .expect("the shared corpus is missing: the end-to-end counts are about real documents")
}

/// Corpus files (relative paths from MANIFEST.tsv), sorted.
pub fn corpus_files(corpus: &Path) -> Vec<String> {
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let mut files: Vec<String> = manifest
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|f| f.ends_with(".pdf"))
        .map(str::to_owned)
        .collect();
    files.sort();
    files
}

/// The outcome a corpus file deserves: scans have no text layer; everything else is stored.
fn corpus_expect(file: &str) -> Expect {
    if file.starts_with("scanned/") {
        Expect::Dead("no_text_layer")
    } else {
        Expect::Stored
    }
}

/// Hostile files with the dead-letter kind each deserves (the list).
pub fn hostile(corpus: &Path) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    use resingest_sandbox::hostile as h;
    let real = std::fs::read(corpus.join("sc/S_RES_2770_2025-EN.pdf"))
        .expect("reading sc/S_RES_2770_2025-EN.pdf from the corpus");
    vec![
        (
            "decompression-bomb.pdf",
            h::flate_bomb(4 << 30, 3),
            "over_limit",
        ),
        (
            "nested-objects.pdf",
            h::nested_arrays_in_content(10_000),
            "over_limit",
        ),
        // The extractor copes with the loop and reads the page, which names no symbol: the
        // sink refuses it as a resolution (`resingest.extracted.dead`).
        ("xref-loop.pdf", h::xref_prev_loop(), "invalid_field"),
        (
            "truncated.pdf",
            real[..real.len() * 2 / 5].to_vec(),
            "corrupt",
        ),
        (
            "random-after-header.pdf",
            h::random_after_header(64 << 10, 0x5eed),
            "corrupt",
        ),
        ("scan-without-text.pdf", h::one_page(b""), "no_text_layer"),
        ("empty.pdf", Vec::new(), "not_a_pdf"),
        ("html-page.pdf", HTML.to_vec(), "not_a_pdf"),
    ]
}

const HTML: &[u8] = b"<!DOCTYPE html>\n<html><head><title>Access denied</title></head>\
<body><p>The document you requested is temporarily unavailable.</p></body></html>\n";

pub use resingest_archive::sha256_hex;

impl Inputs {
    /// Builds the folders under `root`.
    pub fn build(root: &Path, mix: Mix) -> Inputs {
        let corpus = corpus_dir();
        let fetch_dir = root.join("fetch");
        let publish_dir = root.join("publish");
        std::fs::create_dir_all(&fetch_dir).unwrap();
        std::fs::create_dir_all(&publish_dir).unwrap();
        let mut inputs = Vec::new();

        let files = corpus_files(&corpus);
        let chosen: Vec<&String> = match mix.corpus {
            None => files.iter().collect(),
            Some(n) => spread(&files, n),
        };
        for file in chosen {
            let src = corpus.join(file);
            let name = Path::new(file).file_name().unwrap().to_str().unwrap();
            let bytes = std::fs::read(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
            std::os::unix::fs::symlink(&src, fetch_dir.join(name)).unwrap();
            inputs.push(Input {
                name: name.into(),
                sha256: sha256_hex(&bytes),
                door: Door::Fetcher,
                expect: corpus_expect(file),
            });
        }

        for seed in SYNTHETIC_SEED_BASE..SYNTHETIC_SEED_BASE + mix.synthetic as u64 {
            let (pdf, meta) = resingest_typeset::synthetic::resolution(seed);
            let name = format!("{}-EN.pdf", meta.symbol.replace('/', "_"));
            std::fs::write(fetch_dir.join(&name), &pdf).unwrap();
            inputs.push(Input {
                name,
                sha256: sha256_hex(&pdf),
                door: Door::Fetcher,
                expect: Expect::Stored,
            });
        }

        if mix.hostile {
            for (name, bytes, kind) in hostile(&corpus) {
                std::fs::write(publish_dir.join(name), &bytes).unwrap();
                inputs.push(Input {
                    name: name.into(),
                    sha256: sha256_hex(&bytes),
                    door: Door::Publish,
                    expect: Expect::Dead(kind),
                });
            }
            // The fetcher's own door: these never reach the queue. Their names name symbols
            // (session 99: no corpus or synthetic resolution has it), so what the fetcher
            // refuses is their content, an HTML page and an empty file; a name naming no
            // symbol is refused earlier, without a ledger row (the fetcher's own tests).
            for (name, bytes) in [("A_RES_99_1-EN.pdf", HTML), ("A_RES_99_2-EN.pdf", &b""[..])] {
                std::fs::write(fetch_dir.join(name), bytes).unwrap();
                inputs.push(Input {
                    name: name.into(),
                    sha256: sha256_hex(bytes),
                    door: Door::Fetcher,
                    expect: Expect::Rejected,
                });
            }
        }
        let mut seen = BTreeMap::new();
        for i in &inputs {
            if let Some(other) = seen.insert(i.sha256.clone(), i.name.clone()) {
                // The same bytes through both doors are fine (the fetcher refuses, publish
                // dead-letters); twice through one door would make the counts ambiguous.
                let same_door = inputs
                    .iter()
                    .filter(|j| j.sha256 == i.sha256 && j.door == i.door)
                    .count();
                assert!(same_door == 1, "{} and {other} have the same bytes", i.name);
            }
        }
        Inputs {
            fetch_dir,
            publish_dir,
            inputs,
        }
    }

    /// Inputs that should reach the queue (everything but what the fetcher refuses).
    pub fn published(&self) -> impl Iterator<Item = &Input> {
        self.inputs.iter().filter(|i| i.expect != Expect::Rejected)
    }

    pub fn any_published_through(&self, door: Door) -> bool {
        self.published().any(|i| i.door == door)
    }
}

/// `n` of `files`, evenly spread (so a reduced run still sees every organ and producer), and
/// the scanned ones always.
fn spread(files: &[String], n: usize) -> Vec<&String> {
    let mut out: Vec<&String> = files.iter().filter(|f| f.starts_with("scanned/")).collect();
    let rest: Vec<&String> = files
        .iter()
        .filter(|f| !f.starts_with("scanned/"))
        .collect();
    let want = n.saturating_sub(out.len()).min(rest.len());
    for k in 0..want {
        out.push(rest[k * rest.len() / want]);
    }
    out
}
