//! Real documents: every text PDF of the shared corpus against poppler's `pdftotext`.
//!
//! Per document: at least 99% of pdftotext's text lines (after dropping lines repeated on
//! several pages, job numbers and page numbers) are found in our text, compared as
//! case-folded letters only; no pdftotext line is mostly missing; no job number or page
//! number stands in our text; italic spans are found on the lead phrases.
//! The OCR'd 1971 draft is held to coverage only; the scan must be reported as such.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use resingest_extract::{layout::Paragraph, ExtractError, Format, Limits};

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["ga", "sc", "hrc", "drafts"] {
        let Ok(rd) = std::fs::read_dir(dir.join(sub)) else {
            continue;
        };
        for e in rd.flatten() {
            if e.path().extension().is_some_and(|x| x == "pdf") {
                out.push(e.path());
            }
        }
    }
    out.sort();
    out
}

fn letters(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_furniture_line(l: &str) -> bool {
    let t = l.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    !words.is_empty()
        && words.iter().all(|w| {
            let w = w.strip_prefix("GE.").unwrap_or(w);
            let b = w.as_bytes();
            (b.len() >= 8 && b[2] == b'-' && b[..2].iter().all(u8::is_ascii_digit))
                || w == "(E)"
                || (w.contains('/')
                    && w.split('/')
                        .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit())))
                || (w.starts_with('*') && w.ends_with('*'))
                || (w.len() == 6 && w.bytes().all(|c| c.is_ascii_digit()))
        })
}

/// pdftotext's lines that a reader reads: furniture and lines repeated on several pages
/// (running headers) dropped.
fn reference_lines(pdf: &Path) -> Vec<String> {
    let out = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (apt-get install poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let mut seen_on: HashMap<String, usize> = HashMap::new();
    for p in &pages {
        let mut uniq: Vec<String> = p.lines().map(letters).filter(|l| !l.is_empty()).collect();
        uniq.sort();
        uniq.dedup();
        for l in uniq {
            *seen_on.entry(l).or_default() += 1;
        }
    }
    text.lines()
        .filter(|l| !is_furniture_line(l))
        .map(|l| l.to_string())
        .filter(|l| {
            let k = letters(l);
            !k.is_empty() && (pages.len() < 2 || seen_on.get(&k).copied().unwrap_or(0) < 2)
        })
        .collect()
}

struct Agreement {
    found: usize,
    total: usize,
    missing: Vec<String>,
    mostly_missing: Vec<String>,
}

fn agreement(ours: &str, reference: &[String]) -> Agreement {
    let hay = letters(ours);
    let mut found = 0;
    let mut mostly_missing = Vec::new();
    let mut missing = Vec::new();
    for line in reference {
        let k = letters(line);
        if hay.contains(&k) {
            found += 1;
            continue;
        }
        missing.push(line.clone());
        let words: Vec<String> = line
            .split_whitespace()
            .map(letters)
            .filter(|w| !w.is_empty())
            .collect();
        let present = words.iter().filter(|w| hay.contains(w.as_str())).count();
        if present * 2 < words.len() {
            mostly_missing.push(line.clone());
        }
    }
    Agreement {
        found,
        total: reference.len(),
        missing,
        mostly_missing,
    }
}

const LEADS: &[&str] = &[
    "Recalling",
    "Reaffirming",
    "Recognizing",
    "Noting",
    "Welcoming",
    "Decides",
    "Requests",
    "Calls upon",
    "Urges",
    "Reaffirms",
    "Expressing",
    "Bearing in mind",
    "Stressing",
    "Emphasizing",
    "Takes note",
    "Encourages",
    "Invites",
    "Acknowledging",
    "Adopts",
    "Approves",
    "Having considered",
    "Having examined",
    "Affirms",
    "Expresses",
    "Condemns",
    "Demands",
    "Emphasizes",
    "Underlines",
    "Reiterates",
    "Notes",
    "Welcomes",
    "Deeply concerned",
    "Concerned",
    "Mindful",
    "Guided",
    "Convinced",
    "Appreciating",
    "Recalls",
    "Resolves",
    "Alarmed",
    "Deploring",
    "Aware",
    "Considering",
    "Determined",
    "Underlining",
    "Authorizes",
    "Proclaims",
];

fn italic_leads(paras: &[Paragraph]) -> (usize, usize) {
    let mut with_lead_word = 0;
    let mut italic = 0;
    // The resolution body only: annexes print their own verbs in roman.
    let end = paras
        .iter()
        .position(|p| p.text().ends_with("plenary meeting") || p.text() == "Annex")
        .unwrap_or(paras.len());
    for p in &paras[..end] {
        let Some(first) = p.spans.iter().find(|s| !s.text.trim().is_empty()) else {
            continue;
        };
        let t = p.text();
        let body = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
        if LEADS.iter().any(|l| body.starts_with(l)) && p.size > 8.0 {
            with_lead_word += 1;
            let lead_span = if first
                .text
                .trim_end_matches('.')
                .chars()
                .all(|c| c.is_ascii_digit())
            {
                p.spans.iter().filter(|s| !s.text.trim().is_empty()).nth(1)
            } else {
                Some(first)
            };
            if lead_span.is_some_and(|s| s.italic) {
                italic += 1;
            }
        }
    }
    (italic, with_lead_word)
}

#[test]
fn corpus_text_agrees_with_pdftotext() {
    let Some(dir) = resingest_runtime::testing::corpus() else {
        return;
    };
    let files = pdfs(&dir);
    assert!(
        files.len() >= 170,
        "expected the full corpus, found {} PDFs in {}",
        files.len(),
        dir.display()
    );
    let limits = Limits::default();
    let mut failures = Vec::new();
    let mut report = String::new();
    let (mut sum_found, mut sum_total, mut perfect) = (0, 0, 0);
    for pdf in &files {
        let name = pdf.strip_prefix(&dir).unwrap().display().to_string();
        let ocr = name.contains("A_L.632");
        let bytes = std::fs::read(pdf).unwrap();
        let doc = match resingest_extract::read_layout(&bytes, &limits) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{name}: extraction failed: {e}"));
                continue;
            }
        };
        let text =
            String::from_utf8(resingest_extract::render(&bytes, Format::Text, &limits).unwrap())
                .unwrap();
        let reference = reference_lines(pdf);
        let a = agreement(&text, &reference);
        let pct = 100.0 * a.found as f64 / a.total.max(1) as f64;
        report.push_str(&format!("{name}\t{}/{}\t{pct:.2}%\n", a.found, a.total));
        for m in &a.missing {
            report.push_str(&format!("\tnot found: {m:?}\n"));
        }
        sum_found += a.found;
        sum_total += a.total;
        if a.found == a.total {
            perfect += 1;
        }
        if pct < 99.0 {
            failures.push(format!(
                "{name}: {pct:.2}% of pdftotext lines found ({}/{})",
                a.found, a.total
            ));
        }
        if !ocr {
            for m in &a.mostly_missing {
                failures.push(format!("{name}: pdftotext line mostly missing: {m:?}"));
            }
            for line in text.lines() {
                if is_furniture_line(line) {
                    failures.push(format!("{name}: furniture in text: {line:?}"));
                }
            }
            let (italic, total) = italic_leads(&doc.paragraphs);
            if total > 0 && italic * 10 < total * 9 {
                failures.push(format!("{name}: only {italic}/{total} lead phrases italic"));
            }
            let amendment = name.contains("A_80_L.28") || name.contains("A_C.3_80_L.56");
            if total == 0 && !amendment {
                failures.push(format!("{name}: no lead phrase found at a paragraph start"));
            }
        }
    }
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/corpus-agreement.tsv");
    let _ = std::fs::write(&out, &report);
    eprintln!(
        "agreement: {sum_found}/{sum_total} pdftotext lines ({:.3}%), {perfect}/{} documents complete; per document in {}",
        100.0 * sum_found as f64 / sum_total.max(1) as f64,
        files.len(),
        out.display()
    );
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn scan_is_reported_as_having_no_text_layer() {
    let Some(dir) = resingest_runtime::testing::corpus() else {
        return;
    };
    let scans: Vec<PathBuf> = std::fs::read_dir(dir.join("scanned"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(!scans.is_empty());
    for scan in scans {
        let bytes = std::fs::read(&scan).unwrap();
        match resingest_extract::read_layout(&bytes, &Limits::default()) {
            Err(ExtractError::NoTextLayer { pages }) => assert!(pages >= 1),
            other => panic!(
                "{}: expected NoTextLayer, got {:?}",
                scan.display(),
                other.map(|_| "a layout")
            ),
        }
    }
}
