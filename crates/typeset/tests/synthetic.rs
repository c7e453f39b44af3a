//! The synthetic corpus: distinct, deterministic, 1-4 pages, readable by poppler, and its
//! metadata matches what is printed.

mod common;

use common::*;
use resingest_typeset::synthetic;

#[test]
fn same_seed_same_bytes_different_seeds_different_symbols() {
    let (a, meta_a) = synthetic::resolution(42);
    let (b, meta_b) = synthetic::resolution(42);
    assert_eq!(a, b);
    assert_eq!(meta_a, meta_b);
    let (c, meta_c) = synthetic::resolution(43);
    assert_ne!(a, c);
    assert_ne!(meta_a.symbol, meta_c.symbol);
}

#[test]
fn forty_seeds_make_one_to_four_page_resolutions_that_poppler_reads() {
    let mut seen_pages = [false; 5];
    for seed in 0..40 {
        let (pdf, meta) = synthetic::resolution(seed);
        assert!(
            (1..=4).contains(&meta.pages),
            "seed {seed}: {} pages",
            meta.pages
        );
        seen_pages[meta.pages] = true;
        assert_eq!(lopdf_pages(&pdf), meta.pages, "seed {seed}");
        assert!(
            meta.operative() >= 1 && meta.preambular() >= 1,
            "seed {seed}"
        );

        let path = write_tmp(&format!("synthetic-{seed}.pdf"), &pdf);
        // Ligature glyphs come back as U+FB01/U+FB02; the extractor applies NFKC, so do we.
        let text = words(&pdftotext(&path))
            .join(" ")
            .replace('\u{FB01}', "fi")
            .replace('\u{FB02}', "fl");
        assert!(text.contains(&meta.symbol), "seed {seed}: symbol");
        assert!(text.contains(&meta.meeting), "seed {seed}: meeting line");
        assert!(
            text.contains(&format!("{} (E)", meta.job_number)),
            "seed {seed}"
        );
        if meta.pages > 1 {
            assert!(text.contains(&format!("2/{}", meta.pages)), "seed {seed}");
        }
        // Leads are printed in order (hyphenation may split long ones, so check first words).
        let mut from = 0;
        for lead in meta.preamble_leads.iter().chain(&meta.operative_leads) {
            let first = lead.split_whitespace().next().unwrap();
            let at = text[from..]
                .find(first)
                .unwrap_or_else(|| panic!("seed {seed}: lead {lead:?} missing or out of order"));
            from += at + first.len();
        }
        if meta.operative() > 1 {
            let last = format!("{}.", meta.operative());
            assert!(words(&text).contains(&last), "seed {seed}: number {last}");
        }
    }
    assert!(
        seen_pages[1..].iter().filter(|s| **s).count() >= 3,
        "{seen_pages:?}"
    );
}

#[test]
fn options_vary_across_seeds() {
    let variants: std::collections::BTreeSet<String> = (0..40)
        .map(|s| {
            let o = synthetic::options(s);
            format!("{:?}{:?}{:?}", o.fonts, o.spacing, o.raise)
        })
        .collect();
    assert!(variants.len() >= 12, "{}", variants.len());
}
