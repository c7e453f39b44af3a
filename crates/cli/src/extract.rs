//! `resingest extract`: one process, many files; every failure named, the rest still written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use resingest_extract::{Format, Limits};

#[derive(clap::Args)]
#[command(
    after_help = "Exit status: 0 when every file was extracted, 1 when any failed \
(each failure is named on stderr and the other files are still written), 2 on bad usage."
)]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value = "json")]
    format: FormatArg,
    /// Write one file per input into DIR (`<stem>.json`, `<stem>.xml`, `<stem>.txt`,
    /// `<stem>.layout.json`); without it output goes to stdout (JSON Lines for several files)
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Largest PDF accepted, in bytes
    #[arg(long, env = "RESINGEST_MAX_BYTES", default_value_t = Limits::default().max_bytes)]
    max_bytes: u64,
    /// Most pages read from one PDF
    #[arg(long, env = "RESINGEST_MAX_PAGES", default_value_t = Limits::default().max_pages)]
    max_pages: u32,
    /// Largest decompressed size of one stream, in bytes
    #[arg(long, env = "RESINGEST_MAX_STREAM_BYTES", default_value_t = Limits::default().max_stream_bytes)]
    max_stream_bytes: u64,
    /// Largest decompressed content of one PDF, summed over its pages, in bytes
    #[arg(long, env = "RESINGEST_MAX_DOCUMENT_BYTES", default_value_t = Limits::default().max_document_bytes)]
    max_document_bytes: u64,
    /// Deepest nesting of arrays, dictionaries and form XObjects in page content
    #[arg(long, env = "RESINGEST_MAX_NESTING_DEPTH", default_value_t = Limits::default().max_nesting_depth)]
    max_nesting_depth: u32,
    #[command(flatten)]
    isolate: crate::isolate::IsolateArgs,
    /// PDF files to read
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    /// Reader's text: a paragraph per line, then `---` and the footnotes
    Text,
    /// The span model as JSON, for debugging
    Layout,
    /// The resolution as structured clauses (the JSON contract); JSON Lines on stdout
    Json,
    /// Akoma Ntoso 3.0 XML (AKN4UN)
    Akn,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Layout => Format::Layout,
            FormatArg::Json => Format::Json,
            FormatArg::Akn => Format::Akn,
        }
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let format = Format::from(args.format);
    let limits = Limits {
        max_bytes: args.max_bytes,
        max_pages: args.max_pages,
        max_stream_bytes: args.max_stream_bytes,
        max_document_bytes: args.max_document_bytes,
        max_nesting_depth: args.max_nesting_depth,
    };
    if args.out.is_none() && args.files.len() > 1 && format != Format::Json {
        anyhow::bail!(
            "{} files given without --out: name an output folder with --out DIR",
            args.files.len()
        );
    }
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating output folder {}", dir.display()))?;
    }
    let renderer = crate::isolate::Renderer::new(&args.isolate)?;
    let failed = renderer.for_each(&args.files, |file| {
        let result = extract_one(file, format, &limits, args.out.as_deref(), &renderer);
        if let Err(err) = &result {
            eprintln!("resingest: {}: {err:#}", file.display());
        }
        result.is_ok()
    });
    if failed > 0 {
        eprintln!("resingest: {failed} of {} files failed", args.files.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn extract_one(
    file: &Path,
    format: Format,
    limits: &Limits,
    out: Option<&Path>,
    renderer: &crate::isolate::Renderer,
) -> anyhow::Result<()> {
    let meta = std::fs::metadata(file).context("reading file")?;
    if meta.len() > limits.max_bytes {
        anyhow::bail!(resingest_extract::ExtractError::OverLimit {
            what: "file size in bytes".into(),
            actual: meta.len(),
            limit: limits.max_bytes,
        });
    }
    let bytes = std::fs::read(file).context("reading file")?;
    let rendered = renderer.render(&bytes, format, limits)?;
    match out {
        Some(dir) => {
            let stem = file
                .file_stem()
                .unwrap_or(file.as_os_str())
                .to_string_lossy();
            let path = dir.join(format!("{stem}{}", format.suffix()));
            std::fs::write(&path, rendered)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        None => {
            use std::io::Write;
            std::io::stdout()
                .lock()
                .write_all(&rendered)
                .context("writing to stdout")?;
        }
    }
    Ok(())
}
