//! Writes sample PDFs to look at or to feed the extractor by hand:
//! `cargo run -p resingest-typeset --example samples -- /tmp/typeset-samples [seeds]`.
//! Reads the A/RES/71/19 reference Markdown from `../shared/reference` when it is there.

use std::path::{Path, PathBuf};

use resingest_typeset::un::{self, fixtures};
use resingest_typeset::{synthetic, Options};

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    println!("{}", path.display());
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "/tmp/typeset-samples".into()));
    let seeds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(8);
    std::fs::create_dir_all(&dir).expect("create output directory");

    let md = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference/A-RES-71-19.md");
    if let Ok(md) = std::fs::read_to_string(&md) {
        for (name, opts) in [
            ("word", Options::word()),
            ("simple", Options::simple()),
            ("type0", Options::type0()),
        ] {
            write(
                &dir,
                &format!("A-RES-71-19-{name}.pdf"),
                &un::resolution_from_markdown(&md, &opts),
            );
        }
    }
    write(
        &dir,
        "S-RES-2769-2025.pdf",
        &un::render(&fixtures::security_council_2769(), &Options::simple()),
    );
    for seed in 0..seeds {
        let (pdf, meta) = synthetic::resolution(seed);
        write(&dir, &format!("synthetic-{seed}.pdf"), &pdf);
        println!(
            "  {} pages={} preamble={} operative={} sub-items={} footnotes={} fonts={:?} spacing={:?}",
            meta.symbol,
            meta.pages,
            meta.preambular(),
            meta.operative(),
            meta.subparagraphs,
            meta.footnotes,
            meta.options.fonts,
            meta.options.spacing
        );
    }
}
