//! Our Akoma Ntoso of every corpus resolution the UN has marked up itself
//! (`shared/reference/un-akn`), against that markup: FRBR Work and Expression IRIs, and the
//! sequence of structural elements (text aside). Per-document lines go to
//! `target/akn-structure.tsv`; the floors below are what is true now and may only rise.

use resingest_eval::{akn_structure, compare_akn_structure};
use resingest_extract::{Format, Limits};
use std::collections::HashMap;
use std::path::PathBuf;

/// Documents with UN markup whose structure equals ours; every other one is listed, with its
/// reason, in the README ("Akoma Ntoso as the UN writes it").
const STRUCTURE_EQUAL_FLOOR: usize = 143;

#[test]
fn our_akoma_ntoso_against_the_uns_own_markup() {
    let Some(shared) = resingest_runtime::testing::shared("reference/un-akn") else {
        return;
    };
    // Symbol -> PDF, from the corpus manifest.
    let manifest = std::fs::read_to_string(shared.join("corpus/MANIFEST.tsv")).unwrap();
    let pdfs: HashMap<&str, PathBuf> = manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let file = cols.next()?;
            Some((cols.next()?, shared.join("corpus").join(file)))
        })
        .collect();
    let mut un_files: Vec<PathBuf> = std::fs::read_dir(shared.join("reference/un-akn"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    un_files.sort();

    let (mut docs, mut work, mut expression, mut structure) = (0, 0, 0, 0);
    let mut report = String::from("file\twork\texpression\tstructure\tdetail\n");
    for file in &un_files {
        let theirs = akn_structure(&std::fs::read_to_string(file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let symbol = theirs
            .symbol
            .clone()
            .expect("the UN's markup names its symbol");
        let pdf = pdfs
            .get(symbol.as_str())
            .unwrap_or_else(|| panic!("{symbol}: not in the corpus manifest"));
        let xml = resingest_extract::render(
            &std::fs::read(pdf).unwrap(),
            Format::Akn,
            &Limits::default(),
        )
        .unwrap_or_else(|e| panic!("{symbol}: {e}"));
        let ours = akn_structure(std::str::from_utf8(&xml).unwrap()).unwrap();
        let c = compare_akn_structure(&ours, &theirs);
        docs += 1;
        work += usize::from(c.work_equal);
        expression += usize::from(c.expression_equal);
        structure += usize::from(c.structure_equal());
        report.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            file.file_name().unwrap().to_string_lossy(),
            c.work_equal,
            c.expression_equal,
            c.structure_equal(),
            c.describe(&ours, &theirs)
        ));
    }
    let tsv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/akn-structure.tsv");
    std::fs::write(&tsv, &report).unwrap();
    eprintln!(
        "{docs} documents: work IRI {work}, expression IRI {expression}, structure {structure} equal ({})",
        tsv.display()
    );
    assert_eq!(docs, 149, "the UN's markup of 149 corpus resolutions");
    assert_eq!(work, docs, "work IRIs differ:\n{report}");
    assert_eq!(expression, docs, "expression IRIs differ:\n{report}");
    assert!(
        structure >= STRUCTURE_EQUAL_FLOOR,
        "{structure} structures equal, below {STRUCTURE_EQUAL_FLOOR}:\n{report}"
    );
}
