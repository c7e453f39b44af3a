//! Writes sample PDFs to look at or to feed the extractor by hand:
//! `cargo run -p resingest-typeset --example samples -- /tmp/typeset-samples [seeds]`.
//! Reads the A/RES/71/19 reference Markdown from `../shared/reference` when it is there.

use std::path::{Path, PathBuf};

use resingest_typeset::un::{self, Item, Organ, Resolution};
use resingest_typeset::{synthetic, Options, Run};

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    println!("{}", path.display());
}

fn security_council() -> Resolution {
    let clause = |lead: &str, rest: &str| vec![Run::italic(lead), Run::plain(rest)];
    Resolution {
        organ: Organ::SecurityCouncil,
        symbol: "S/RES/2769 (2025)".into(),
        distribution: "General".into(),
        distribution_date: "16 January 2025".into(),
        session: None,
        agenda: None,
        agenda_title: None,
        heading: "Resolution 2769 (2025)".into(),
        subheading: Some(
            "Adopted by the Security Council at its 9838th meeting, on 16 January 2025".into(),
        ),
        committee_line: None,
        number: None,
        title: None,
        formula: "The Security Council,".into(),
        body: vec![
            Item::Preambular(clause(
                "Recalling",
                " the arms embargo, travel ban, assets freeze and measures concerning illicit \
                 oil exports imposed by resolution 1970 (2011),",
            )),
            Item::Preambular(clause(
                "Reaffirming",
                " its strong commitment to the sovereignty, independence, territorial \
                 integrity and national unity of Libya,",
            )),
            Item::Heading("Mandate of the Panel of Experts".into()),
            Item::Operative {
                number: Some("1.".into()),
                runs: clause(
                    "Decides",
                    " to extend until 15 May 2026 the mandate of the Panel of Experts \
                     established by paragraph 24 of resolution 1973 (2011);",
                ),
            },
            Item::Heading("Reporting".into()),
            Item::Operative {
                number: Some("2.".into()),
                runs: clause("Decides", " to remain actively seized of the matter."),
            },
        ],
        closing: Vec::new(),
        footnotes: Vec::new(),
        job_number: "25-00687".into(),
        release_code: Some("170125".into()),
        short_title: None,
    }
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
        &un::render(&security_council(), &Options::simple()),
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
