//! Ready-made resolutions for tests and examples, so fixtures are written once.

use super::{Item, Organ, Resolution};
use crate::blocks::Run;

/// A short Security Council resolution in the shape of S/RES/2769 (2025): adoption heading
/// and subheading instead of a session block, two preambular paragraphs, bold section
/// headings between numbered operative paragraphs, no closing line.
pub fn security_council_2769() -> Resolution {
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
