//! `resingest eval`: score extraction against gold structures, or check a corpus without
//! gold for structural soundness, or compare our Akoma Ntoso with the UN's own markup.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use resingest_eval::corpus::{language_folders, pdftotext, sorted_files};
use resingest_eval::{
    akn_structure, compare, compare_akn_structure, structural_check, Corpus, Summary,
};
use resingest_extract::{Format, Limits};
use resingest_model::Kind;

#[derive(clap::Args)]
#[command(
    after_help = "With --gold: one line per gold document (exact/total, wrong units named), then \
`overall: N/M units exact (P%)`. With --akn: one line per UN XML file (units, leads, footnotes, \
headings, metadata fields, detected language, each miss with its first difference), then the \
totals; a folder of language folders (corpus-ml) is scored per language and ends with a \
Markdown table, one row per language; --min applies to exact units. \
Without either: a structural check of every PDF under --corpus \
(operative numbers 1..N, sub-item labels in sequence, leads on preambular clauses, no page \
furniture in clauses, nothing of the body lost against pdftotext) and the share of valid \
documents. With --akn-structure: per UN markup file, our FRBR Work and Expression IRIs and \
structural elements against the UN's, with the first divergence, then the counts. Exit 1 when \
the share (exact units, valid documents, equal structures) is below --min."
)]
pub struct Args {
    /// Folder of gold JSON files (`A-RES-78-101.json`); PDFs are found in --corpus by symbol
    #[arg(long, value_name = "DIR", conflicts_with = "akn")]
    gold: Option<PathBuf>,
    /// Folder of the UN's Akoma Ntoso XML (`A_RES_78_101-2324977E.xml`); PDFs are found in
    /// --corpus by job number
    #[arg(long, value_name = "DIR")]
    akn: Option<PathBuf>,
    /// Folder of PDFs (searched recursively; MANIFEST.tsv maps symbols to files when present)
    #[arg(long, value_name = "DIR", env = "RESINGEST_CORPUS")]
    corpus: PathBuf,
    /// Fail (exit 1) below this percentage of exact units (with --gold) or valid documents
    #[arg(long, value_name = "PCT")]
    min: Option<f64>,
    /// Print each problem of each invalid document (structural mode)
    #[arg(long)]
    verbose: bool,
    /// Folder of the UN's own Akoma Ntoso (`shared/reference/un-akn`): compare ours with it
    #[arg(long, value_name = "DIR", conflicts_with = "gold")]
    akn_structure: Option<PathBuf>,
    /// With --akn-structure: read ours from this folder (`<pdf stem>.xml`, as `extract --format
    /// akn --out` names them) instead of extracting the PDFs
    #[arg(long, value_name = "DIR", requires = "akn_structure")]
    akn_ours: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(akn) = &args.akn {
        return run_akn(akn, &args.corpus, args.min);
    }
    let corpus = Corpus::open(&args.corpus)
        .with_context(|| format!("reading corpus {}", args.corpus.display()))?;
    if corpus.pdfs.is_empty() {
        anyhow::bail!("no PDF found under {}", args.corpus.display());
    }
    if let Some(un) = &args.akn_structure {
        let share = akn_against_un(un, args.akn_ours.as_deref(), &corpus)?;
        return Ok(below_min(share, args.min));
    }
    let mut summary = Summary::default();
    let share = match &args.gold {
        Some(gold) => {
            let files = sorted_files(gold, "json")
                .with_context(|| format!("reading folder {}", gold.display()))?;
            for file in files {
                let value: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&file)?)
                        .with_context(|| format!("parsing {}", file.display()))?;
                let symbol = value["symbol"].as_str().unwrap_or_default().to_string();
                let Some(pdf) = corpus.pdf_of(&symbol) else {
                    println!("{symbol}: no PDF in the corpus, not scored");
                    continue;
                };
                let bytes = std::fs::read(pdf)?;
                match resingest_extract::extract_resolution(&bytes, &Limits::default()) {
                    Ok(got) => {
                        let report = compare(&value, &got);
                        println!("{report}");
                        summary.add_report(&report);
                    }
                    Err(e) => println!("{symbol}: extraction failed: {e}"),
                }
            }
            100.0 * summary.units_exact as f64 / summary.units_total.max(1) as f64
        }
        None => {
            let (mut res_checked, mut res_valid) = (0usize, 0usize);
            for pdf in &corpus.pdfs {
                let name = corpus.name_of(pdf);
                let bytes = std::fs::read(pdf)?;
                let got = match resingest_extract::extract_resolution(&bytes, &Limits::default()) {
                    Ok(r) => r,
                    Err(e) => {
                        println!("{name}: not checked: {e}");
                        continue;
                    }
                };
                let reference = pdftotext(pdf);
                let problems = structural_check(&got, reference.as_deref());
                summary.add_structural(&problems);
                if got.kind == Kind::Resolution {
                    res_checked += 1;
                    res_valid += problems.is_empty() as usize;
                }
                if !problems.is_empty() {
                    println!("{name}: {} problem(s)", problems.len());
                    for p in problems
                        .iter()
                        .take(if args.verbose { usize::MAX } else { 3 })
                    {
                        println!("  {p}");
                    }
                }
            }
            println!("resolutions: {res_valid}/{res_checked} valid");
            100.0 * summary.valid as f64 / summary.checked.max(1) as f64
        }
    };
    println!("{summary}");
    Ok(below_min(share, args.min))
}

fn run_akn(akn: &Path, corpus: &Path, min: Option<f64>) -> anyhow::Result<ExitCode> {
    let extract = |bytes: &[u8]| {
        resingest_extract::extract_resolution(bytes, &Limits::default()).map_err(|e| e.to_string())
    };
    // A folder of language folders (`corpus-ml/{ar,en,...}`): each scored on its own, then
    // one table with a row per language.
    let languages = language_folders(akn).with_context(|| format!("reading {}", akn.display()))?;
    if !languages.is_empty() {
        let mut rows = Vec::new();
        for dir in &languages {
            let run = resingest_eval::akn::score_dir(dir, corpus, &extract)
                .with_context(|| format!("scoring against the markup in {}", dir.display()))?;
            let name = dir.file_name().unwrap_or_default().to_string_lossy();
            println!("== {name}");
            for line in &run.lines {
                println!("{line}");
            }
            println!("{}", run.summary);
            rows.push((name.to_string(), run.summary));
        }
        println!();
        println!("{}", resingest_eval::akn::language_table(&rows));
        let (n, m) = rows.iter().fold((0, 0), |(n, m), (_, s)| {
            (n + s.units_exact, m + s.units_total)
        });
        return Ok(below_min(resingest_eval::AknSummary::pct(n, m), min));
    }
    let run = resingest_eval::akn::score_dir(akn, corpus, &extract)
        .with_context(|| format!("scoring against the UN's markup in {}", akn.display()))?;
    for line in &run.lines {
        println!("{line}");
    }
    println!("{}", run.summary);
    let s = &run.summary;
    let share = resingest_eval::AknSummary::pct(s.units_exact, s.units_total);
    Ok(below_min(share, min))
}

fn below_min(share: f64, min: Option<f64>) -> ExitCode {
    match min {
        Some(min) if share < min => {
            eprintln!("resingest: {share:.1}% is below --min {min}");
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}

/// `--akn-structure`: every UN markup file in `un` against our rendering of the same symbol's
/// PDF (or the file of that PDF's stem in `ours`); returns the share of equal structures.
fn akn_against_un(un: &Path, ours: Option<&Path>, corpus: &Corpus) -> anyhow::Result<f64> {
    let files =
        sorted_files(un, "xml").with_context(|| format!("reading folder {}", un.display()))?;
    let (mut docs, mut work, mut expression, mut structure) = (0, 0, 0, 0);
    for file in &files {
        let theirs = akn_structure(&std::fs::read_to_string(file)?)
            .with_context(|| format!("reading {}", file.display()))?;
        let Some(symbol) = theirs.symbol.clone() else {
            println!("{}: names no symbol, not compared", file.display());
            continue;
        };
        let Some(pdf) = corpus.pdf_of(&symbol) else {
            println!("{symbol}: no PDF in the corpus, not compared");
            continue;
        };
        let xml = match ours {
            Some(dir) => {
                let stem = pdf.file_stem().unwrap_or_default().to_string_lossy();
                let path = dir.join(format!("{stem}.xml"));
                std::fs::read_to_string(&path)
                    .with_context(|| format!("reading {}", path.display()))?
            }
            None => {
                let bytes = resingest_extract::render(
                    &std::fs::read(pdf)?,
                    Format::Akn,
                    &Limits::default(),
                )
                .with_context(|| format!("extracting {}", pdf.display()))?;
                String::from_utf8(bytes).context("our akoma ntoso is utf-8")?
            }
        };
        let ours = akn_structure(&xml).with_context(|| format!("reading ours for {symbol}"))?;
        let c = compare_akn_structure(&ours, &theirs);
        docs += 1;
        work += usize::from(c.work_equal);
        expression += usize::from(c.expression_equal);
        structure += usize::from(c.structure_equal());
        println!("{symbol}: {}", c.describe(&ours, &theirs));
    }
    let share = 100.0 * structure as f64 / docs.max(1) as f64;
    println!("work IRIs equal: {work}/{docs}");
    println!("expression IRIs equal: {expression}/{docs}");
    println!("structure equal: {structure}/{docs} ({share:.1}%)");
    Ok(share)
}
