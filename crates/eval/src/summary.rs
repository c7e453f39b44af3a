//! Totals over many documents: [`Summary`], the last lines `resingest eval` prints.

use crate::compare::DocReport;
use crate::structural::Problem;
use std::fmt;

/// Running totals of gold comparisons and structural checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Documents compared with a gold file.
    pub documents: usize,
    pub units_exact: usize,
    pub units_total: usize,
    pub metadata_exact: usize,
    pub metadata_total: usize,
    pub footnotes_exact: usize,
    pub footnotes_total: usize,
    pub annexes_exact: usize,
    pub annexes_total: usize,
    /// Documents given a structural check, and those of them without any problem.
    pub checked: usize,
    pub valid: usize,
}

impl Summary {
    /// Adds one gold comparison.
    pub fn add_report(&mut self, r: &DocReport) {
        self.documents += 1;
        self.units_exact += r.units_exact;
        self.units_total += r.units_total;
        self.metadata_exact += r.metadata_exact;
        self.metadata_total += r.metadata_total;
        self.footnotes_exact += r.footnotes_exact;
        self.footnotes_total += r.footnotes_total;
        self.annexes_exact += r.annexes_exact;
        self.annexes_total += r.annexes_total;
    }

    /// Adds one structural check's result.
    pub fn add_structural(&mut self, problems: &[Problem]) {
        self.checked += 1;
        if problems.is_empty() {
            self.valid += 1;
        }
    }
}

/// `n/m what (p%)`, with one decimal; `(n/a)` for an empty total rather than a made-up 100%.
fn line(label: &str, n: usize, m: usize, what: &str) -> String {
    let pct = if m == 0 {
        "n/a".to_string()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / m as f64)
    };
    format!("{label}: {n}/{m} {what} ({pct})")
}

impl fmt::Display for Summary {
    /// For gold runs `overall: N/M units exact (P%)` and a line each for metadata, footnotes and
    /// annexes; for structural runs `valid: N/M documents (P%)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = Vec::new();
        if self.documents > 0 {
            lines.push(line(
                "overall",
                self.units_exact,
                self.units_total,
                "units exact",
            ));
            lines.push(line(
                "metadata",
                self.metadata_exact,
                self.metadata_total,
                "fields exact",
            ));
            lines.push(line(
                "footnotes",
                self.footnotes_exact,
                self.footnotes_total,
                "exact",
            ));
            if self.annexes_total > 0 {
                lines.push(line(
                    "annexes",
                    self.annexes_exact,
                    self.annexes_total,
                    "exact",
                ));
            }
        }
        if self.checked > 0 {
            lines.push(line("valid", self.valid, self.checked, "documents"));
        }
        write!(f, "{}", lines.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_overall_and_valid_lines() {
        let mut s = Summary::default();
        s.add_report(&DocReport {
            units_exact: 44,
            units_total: 45,
            metadata_exact: 13,
            metadata_total: 13,
            footnotes_exact: 4,
            footnotes_total: 4,
            ..DocReport::default()
        });
        s.add_report(&DocReport {
            units_exact: 10,
            units_total: 10,
            ..DocReport::default()
        });
        s.add_structural(&[]);
        s.add_structural(&[Problem::NoOperative]);
        s.add_structural(&[]);
        assert_eq!(
            s.to_string(),
            "overall: 54/55 units exact (98.2%)\nmetadata: 13/13 fields exact (100.0%)\n\
             footnotes: 4/4 exact (100.0%)\nvalid: 2/3 documents (66.7%)"
        );
    }
}
