//! Synthetic General Assembly resolutions for load and chaos tests: one distinct, plausible
//! resolution per seed (symbol, headings, preambular and operative paragraphs with italic leads,
//! sub-items, footnotes, 1 to 4 pages), typeset with typesetting options that also vary by seed.
//!
//! Deterministic: the same seed gives the same bytes on every machine (a small splitmix64
//! generator, no floating-point randomness). [`SyntheticMeta`] says what was printed so a test
//! can check the extractor's counts without parsing the PDF itself.

use crate::blocks::Run;
use crate::options::{FontKind, Ligatures, Options, Raise, Spacing, ToUnicodeStyle};
use crate::un::{self, Item, Organ, Resolution, MONTHS};

/// splitmix64: tiny, fast, and good enough to vary documents; not for anything secret.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// What a synthetic resolution contains, for checking an extractor's output.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntheticMeta {
    pub seed: u64,
    /// `A/RES/79/12`: distinct for every seed.
    pub symbol: String,
    pub session: u32,
    pub title: String,
    /// ISO dates.
    pub adoption_date: String,
    pub distribution_date: String,
    /// "52nd plenary meeting".
    pub meeting: String,
    /// `24-21345` (page 1 prints it with " (E)").
    pub job_number: String,
    /// Italic lead of each preambular / operative paragraph, in order.
    pub preamble_leads: Vec<String>,
    pub operative_leads: Vec<String>,
    /// Sub-items at every level.
    pub subparagraphs: usize,
    pub footnotes: usize,
    pub pages: usize,
    /// The typesetting variant used.
    pub options: Options,
}

impl SyntheticMeta {
    pub fn preambular(&self) -> usize {
        self.preamble_leads.len()
    }

    pub fn operative(&self) -> usize {
        self.operative_leads.len()
    }
}

const ONES_ORD: [&str; 10] = [
    "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
];
const TENS: [&str; 10] = [
    "", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const TENS_ORD: [&str; 10] = [
    "",
    "tenth",
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
];

/// "seventy-first" for 71 (20..=99, the sessions we generate).
fn ordinal_words(n: u32) -> String {
    let (t, o) = ((n / 10) as usize, (n % 10) as usize);
    if o == 0 {
        TENS_ORD[t].to_string()
    } else {
        format!("{}-{}", TENS[t], ONES_ORD[o])
    }
}

/// First letter upper-cased ("seventy-first" -> "Seventy-first").
fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// "52nd", "11th", "23rd".
fn ordinal_suffix(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[derive(Clone, Copy)]
struct Date {
    year: u32,
    month: u32,
    day: u32,
}

impl Date {
    fn printed(self) -> String {
        format!(
            "{} {} {}",
            self.day,
            MONTHS[self.month as usize - 1],
            self.year
        )
    }

    fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Adds days within 28-day months: every result is a real date.
    fn plus(self, days: u32) -> Date {
        let mut d = self;
        d.day += days;
        while d.day > 28 {
            d.day -= 28;
            d.month += 1;
            if d.month > 12 {
                d.month = 1;
                d.year += 1;
            }
        }
        d
    }
}

const TOPICS: [&str; 12] = [
    "Cooperation between the United Nations and the African Union",
    "International cooperation on humanitarian assistance in the field of natural disasters",
    "Strengthening of the coordination of emergency humanitarian assistance",
    "Promotion of sustainable tourism, including ecotourism, for poverty eradication",
    "The rule of law at the national and international levels",
    "Agricultural technology for sustainable development",
    "Protection of global climate for present and future generations of humankind",
    "Measures to eliminate international terrorism",
    "Oceans and the law of the sea",
    "Violence against women migrant workers",
    "Entrepreneurship for sustainable development",
    "Assistance in mine action",
];

/// Preambular leads (printed in italics) and the words that must follow them.
const PREAMBLE_LEADS: [(&str, &str); 20] = [
    ("Recalling", ""),
    ("Recalling also", ""),
    ("Reaffirming", ""),
    ("Reaffirming also", ""),
    ("Noting", ""),
    ("Noting with concern", ""),
    ("Welcoming", ""),
    ("Bearing in mind", ""),
    ("Convinced", " of"),
    ("Deeply concerned", " about"),
    ("Acknowledging", ""),
    ("Recognizing", ""),
    ("Recognizing also", ""),
    ("Emphasizing", ""),
    ("Stressing", ""),
    ("Taking note", " of"),
    ("Expressing its appreciation", " for"),
    ("Mindful", " of"),
    ("Guided by", ""),
    ("Underlining", ""),
];

/// Operative leads (printed in italics) and the words that must follow them.
const OPERATIVE_LEADS: [(&str, &str); 18] = [
    ("Decides", " to consider"),
    ("Requests", " the Secretary-General to promote"),
    ("Also requests", " the Secretary-General to report on"),
    ("Calls upon", " Member States to support"),
    ("Urges", " all States to strengthen"),
    ("Encourages", " Member States to enhance"),
    ("Invites", " the relevant entities to support"),
    ("Welcomes", ""),
    ("Reaffirms", ""),
    ("Stresses", ""),
    ("Emphasizes", ""),
    ("Takes note with appreciation of", ""),
    ("Notes with concern", ""),
    ("Expresses its appreciation for", ""),
    ("Recognizes", ""),
    ("Underlines", ""),
    (
        "Further requests",
        " the Secretary-General to continue to support",
    ),
    ("Strongly encourages", " Member States to promote"),
];

const SUBJECTS: [&str; 14] = [
    "the importance of international cooperation",
    "the role of the United Nations system",
    "the efforts of Member States",
    "the contribution of regional and subregional organizations",
    "the work of the Secretary-General",
    "the need for enhanced capacity-building",
    "the responsibilities of the international community",
    "the implementation of the present resolution",
    "the participation of civil society and the private sector",
    "the intergovernmental consultations",
    "the mobilization of adequate financial resources",
    "the protection of human rights and fundamental freedoms",
    "the strengthening of national institutions",
    "the promotion of gender equality",
];

const QUALIFIERS: [&str; 14] = [
    "in accordance with the Charter of the United Nations",
    "within their respective mandates",
    "upon their request",
    "in particular in developing countries",
    "in full respect of national sovereignty",
    "as appropriate",
    "at the national, regional and international levels",
    "in a coordinated and comprehensive manner",
    "consistent with international law",
    "including through South-South and triangular cooperation",
    "with a view to achieving the Sustainable Development Goals",
    "in close consultation with the relevant stakeholders",
    "on the basis of equitable geographical distribution",
    "taking into account the specific needs of small island developing States",
];

const OBJECTS: [&str; 10] = [
    "sustainable development",
    "peace and security",
    "the eradication of poverty",
    "disaster risk reduction",
    "the rule of law",
    "humanitarian assistance",
    "the empowerment of women and girls",
    "the prevention of conflict",
    "internationalization of good practices",
    "institutional accountability",
];

struct Writer<'a> {
    rng: &'a mut Rng,
    session: u32,
    year: u32,
    footnotes: Vec<(u32, Vec<Run>)>,
}

impl Writer<'_> {
    fn citation(&mut self) -> String {
        let s = self.rng.range(50, self.session as usize - 1);
        let n = self.rng.range(1, 320);
        let day = self.rng.range(1, 28);
        let month = MONTHS[self.rng.range(8, 11)];
        let year = 1945 + s;
        format!("resolution {s}/{n} of {day} {month} {year}")
    }

    fn footnote_text(&mut self) -> Vec<Run> {
        match self.rng.below(4) {
            0 => {
                let s = self.rng.range(60, self.session as usize - 1);
                vec![Run::plain(format!(
                    "Resolution {s}/{}.",
                    self.rng.range(1, 300)
                ))]
            }
            1 => vec![Run::plain(format!(
                "A/{}/{}.",
                self.session,
                self.rng.range(50, 700)
            ))],
            2 => vec![
                Run::plain("United Nations, "),
                Run::italic("Treaty Series"),
                Run::plain(format!(
                    ", vol. {}, No. {}.",
                    self.rng.range(500, 3000),
                    self.rng.range(1000, 60000)
                )),
            ],
            _ => {
                let session = capitalised(&ordinal_words(self.session));
                vec![
                    Run::italic(format!(
                        "Official Records of the General Assembly, {session} Session, Supplement No. {}",
                        self.rng.range(1, 50)
                    )),
                    Run::plain(format!(" (A/{}/{}).", self.session, self.rng.range(1, 50))),
                ]
            }
        }
    }

    /// The body of a clause after its lead: a subject, qualifiers, maybe a citation with a
    /// footnote or a non-lead italic phrase; ends with `end`.
    fn clause(&mut self, (lead, connector): (&str, &str), end: &str) -> Vec<Run> {
        let mut runs = vec![Run::italic(lead)];
        let mut text = format!("{connector} {}", self.rng.pick(&SUBJECTS));
        let mut extra = Vec::new();
        for _ in 0..self.rng.range(1, 4) {
            match self.rng.below(5) {
                0 => text.push_str(&format!(", {}", self.rng.pick(&QUALIFIERS))),
                1 => text.push_str(&format!(" for {}", self.rng.pick(&OBJECTS))),
                2 => {
                    let c = self.citation();
                    text.push_str(&format!(", as set out in its {c}"));
                }
                3 => text.push_str(&format!(
                    " and {} {}",
                    self.rng.pick(&SUBJECTS),
                    self.rng.pick(&QUALIFIERS)
                )),
                _ => {
                    text.push_str(" and, ");
                    runs.push(Run::plain(std::mem::take(&mut text)));
                    runs.push(Run::italic("inter alia"));
                    text.push_str(&format!(", {}", self.rng.pick(&OBJECTS)));
                }
            }
        }
        if self.rng.chance(25) {
            text.push_str(&format!(
                ", including the {} Agenda for Sustainable Development",
                self.year as usize + self.rng.range(1, 14),
            ));
            let n = self.footnotes.len() as u32 + 1;
            let note = self.footnote_text();
            self.footnotes.push((n, note));
            text.push(',');
            runs.push(Run::plain(std::mem::take(&mut text)));
            runs.push(Run::footnote(n));
            extra.push(Run::plain(format!(" {}", self.rng.pick(&QUALIFIERS))));
        }
        runs.push(Run::plain(text));
        runs.extend(extra);
        runs.push(Run::plain(end));
        merge(runs)
    }
}

/// Joins neighbouring plain runs (and drops empty ones) so leads stay the only italics at the
/// start of a paragraph.
fn merge(runs: Vec<Run>) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for run in runs {
        if let Run::Text { text, .. } = &run {
            if text.is_empty() {
                continue;
            }
        }
        if let (Some(Run::Text { text: a, face: fa }), Run::Text { text: b, face: fb }) =
            (out.last_mut(), &run)
        {
            if fa == fb {
                a.push_str(b);
                continue;
            }
        }
        out.push(run);
    }
    out
}

const LETTERS: [&str; 8] = ["a", "b", "c", "d", "e", "f", "g", "h"];

/// The text of the resolution for `seed`, sized for `pages` pages (1..=4) of body.
fn document(seed: u64, pages: usize) -> (Resolution, SyntheticMeta) {
    let mut rng = Rng::new(seed ^ 0x5EED_0F2E_501A_7E00);
    let session = 70 + (seed % 11) as u32;
    let number = seed / 11 + 1;
    let year = 1945 + session;
    let adopted = Date {
        year,
        month: rng.range(9, 12) as u32,
        day: rng.range(1, 28) as u32,
    };
    let distributed = adopted.plus(rng.range(3, 20) as u32);
    let meeting = format!(
        "{} plenary meeting",
        ordinal_suffix(rng.range(20, 80) as u32)
    );
    let job_number = format!(
        "{:02}-{:05}",
        distributed.year % 100,
        rng.range(10000, 29999)
    );
    let symbol = format!("A/RES/{session}/{number}");
    let title = rng.pick(&TOPICS).to_string();

    let committee = match rng.below(3) {
        0 => format!(
            "without reference to a Main Committee (A/{session}/L.{})",
            rng.range(1, 80)
        ),
        1 => format!(
            "on the report of the Third Committee (A/{session}/{})",
            rng.range(400, 499)
        ),
        _ => format!(
            "on the report of the Special Political and Decolonization Committee (Fourth Committee) (A/{session}/{}, para. {})",
            rng.range(400, 499),
            rng.range(10, 40)
        ),
    };
    let agenda_item = rng.range(10, 140);
    let agenda = if rng.chance(30) {
        format!("Agenda items {agenda_item} (a) and {}", agenda_item + 1)
    } else {
        format!("Agenda item {agenda_item}")
    };

    // About 20 body lines fit on page 1 and 50 on later pages; a clause takes about 4.
    let budget = (20 + 50 * (pages - 1)) / 5;
    let n_pre = rng.range(1, (budget / 2).max(2));
    let n_op = rng.range(1, budget.saturating_sub(n_pre).max(2));

    let mut w = Writer {
        rng: &mut rng,
        session,
        year,
        footnotes: Vec::new(),
    };
    let mut body = Vec::new();
    let mut preamble_leads = Vec::new();
    for _ in 0..n_pre {
        let lead = *w.rng.pick(&PREAMBLE_LEADS);
        body.push(Item::Preambular(w.clause(lead, ",")));
        preamble_leads.push(lead.0.to_string());
    }
    let mut operative_leads = Vec::new();
    let mut subparagraphs = 0;
    for i in 0..n_op {
        let last = i + 1 == n_op;
        let lead = *w.rng.pick(&OPERATIVE_LEADS);
        let items = if w.rng.chance(25) {
            w.rng.range(2, 5)
        } else {
            0
        };
        let end = match (items > 0, last) {
            (true, _) => ":",
            (false, true) => ".",
            (false, false) => ";",
        };
        body.push(Item::Operative {
            number: (n_op > 1).then(|| format!("{}.", i + 1)),
            runs: w.clause(lead, end),
        });
        operative_leads.push(lead.0.to_string());
        for (k, letter) in LETTERS.iter().enumerate().take(items) {
            let last_item = last && k + 1 == items;
            let roman = if w.rng.chance(20) {
                w.rng.range(2, 3)
            } else {
                0
            };
            let end = match (roman > 0, last_item) {
                (true, _) => ":",
                (false, true) => ".",
                (false, false) => ";",
            };
            let text = format!(
                "{} {}{end}",
                capitalised(w.rng.pick::<&str>(&SUBJECTS)),
                w.rng.pick(&QUALIFIERS)
            );
            body.push(Item::SubItem {
                label: format!("({letter})"),
                level: 1,
                runs: vec![Run::plain(text)],
            });
            subparagraphs += 1;
            for r in 0..roman {
                let end = if last_item && r + 1 == roman {
                    "."
                } else {
                    ";"
                };
                let text = format!(
                    "{} {}{end}",
                    capitalised(w.rng.pick::<&str>(&OBJECTS)),
                    w.rng.pick(&QUALIFIERS)
                );
                body.push(Item::SubItem {
                    label: format!("({})", ["i", "ii", "iii"][r]),
                    level: 2,
                    runs: vec![Run::plain(text)],
                });
                subparagraphs += 1;
            }
        }
    }
    let footnotes = std::mem::take(&mut w.footnotes);

    let res = Resolution {
        organ: Organ::GeneralAssembly,
        symbol: symbol.clone(),
        distribution: "General".into(),
        distribution_date: distributed.printed(),
        session: Some(format!("{} session", capitalised(&ordinal_words(session)))),
        agenda: Some(agenda),
        agenda_title: rng.chance(40).then(|| title.clone()),
        heading: format!(
            "Resolution adopted by the General Assembly on {}",
            adopted.printed()
        ),
        subheading: None,
        committee_line: Some(vec![
            Run::plain("["),
            Run::italic(committee),
            Run::plain("]"),
        ]),
        number: Some(format!("{session}/{number}")),
        title: Some(title.clone()),
        formula: "The General Assembly,".into(),
        body,
        closing: vec![meeting.clone(), adopted.printed()],
        footnotes: footnotes.clone(),
        job_number: job_number.clone(),
        release_code: Some(format!(
            "{:02}{:02}{:02}",
            distributed.day,
            distributed.month,
            distributed.year % 100
        )),
        short_title: None,
    };
    let meta = SyntheticMeta {
        seed,
        symbol,
        session,
        title,
        adoption_date: adopted.iso(),
        distribution_date: distributed.iso(),
        meeting,
        job_number,
        preamble_leads,
        operative_leads,
        subparagraphs,
        footnotes: footnotes.len(),
        pages: 0,
        options: Options::default(),
    };
    (res, meta)
}

/// The typesetting variant for `seed`: fonts, spacing, superscripts, ligatures, CMaps,
/// kerning, hyphenation and marked content all vary, independently of the text.
pub fn options(seed: u64) -> Options {
    let mut rng = Rng::new(seed ^ 0x0971_0115);
    let fonts = *rng.pick(&[FontKind::WordMix, FontKind::Simple, FontKind::Type0]);
    Options {
        fonts,
        simple_names: *rng.pick(&[
            crate::SimpleFontNames::TimesNewRoman,
            crate::SimpleFontNames::Base14,
        ]),
        spacing: *rng.pick(&[
            Spacing::SeparateItems,
            Spacing::SpaceGlyphs,
            Spacing::TjAdjust,
            Spacing::PositionedWords,
        ]),
        raise: *rng.pick(&[Raise::Matrix, Raise::Rise]),
        ligatures: *rng.pick(&[Ligatures::Off, Ligatures::Unicode, Ligatures::Letters]),
        to_unicode: *rng.pick(&[
            ToUnicodeStyle::BfRange,
            ToUnicodeStyle::BfChar,
            ToUnicodeStyle::BfRangeArrays,
        ]),
        justify: rng.chance(90),
        hyphenate: rng.chance(30),
        glyph_kerning: rng.chance(50),
        marked_content: rng.chance(50),
        ..Options::default()
    }
}

/// The resolution for `seed`, typeset with [`options`]`(seed)`.
pub fn resolution(seed: u64) -> (Vec<u8>, SyntheticMeta) {
    resolution_with_options(seed, &options(seed))
}

/// The resolution for `seed` typeset with `opts` (for tests that pin one variant). Trailing
/// operative paragraphs are dropped if the text would run past four pages.
pub fn resolution_with_options(seed: u64, opts: &Options) -> (Vec<u8>, SyntheticMeta) {
    let pages = 1 + (Rng::new(seed ^ 0xBA6E5).next_u64() % 4) as usize;
    let (mut res, mut meta) = document(seed, pages);
    loop {
        let (pdf, report) = un::render_with_report(&res, opts);
        if report.pages <= 4 || meta.operative_leads.len() <= 1 {
            meta.pages = report.pages;
            meta.options = opts.clone();
            return (pdf, meta);
        }
        drop_last_operative(&mut res, &mut meta);
    }
}

/// Removes the last operative paragraph with its sub-items and footnotes, and ends the new
/// last paragraph with a full stop.
fn drop_last_operative(res: &mut Resolution, meta: &mut SyntheticMeta) {
    let Some(start) = res
        .body
        .iter()
        .rposition(|i| matches!(i, Item::Operative { .. }))
    else {
        return;
    };
    for item in res.body.drain(start..) {
        let runs = match item {
            Item::Operative { runs, .. } => runs,
            Item::SubItem { runs, .. } => {
                meta.subparagraphs -= 1;
                runs
            }
            _ => Vec::new(),
        };
        for run in runs {
            if let Run::Footnote(n) = run {
                res.footnotes.retain(|(m, _)| *m != n);
            }
        }
    }
    meta.operative_leads.pop();
    meta.footnotes = res.footnotes.len();
    if let Some(Item::Operative { runs, .. } | Item::SubItem { runs, .. }) = res.body.last_mut() {
        if let Some(Run::Text { text, .. }) = runs.last_mut() {
            if text.ends_with([';', ':', ',']) {
                text.pop();
                text.push('.');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_in_words_and_digits() {
        assert_eq!(ordinal_words(71), "seventy-first");
        assert_eq!(ordinal_words(80), "eightieth");
        assert_eq!(ordinal_suffix(52), "52nd");
        assert_eq!(ordinal_suffix(11), "11th");
        assert_eq!(ordinal_suffix(23), "23rd");
    }

    #[test]
    fn rng_is_deterministic_and_spreads() {
        let a: Vec<u64> = (0..4).map(|_| Rng::new(7).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let mut r = Rng::new(7);
        let hits = (0..1000).filter(|_| r.chance(30)).count();
        assert!((200..400).contains(&hits), "{hits}");
    }

    #[test]
    fn dates_stay_real() {
        let d = Date {
            year: 2016,
            month: 12,
            day: 27,
        }
        .plus(5);
        assert_eq!(d.iso(), "2017-01-04");
    }

    #[test]
    fn every_seed_has_its_own_symbol() {
        let symbols: std::collections::BTreeSet<String> =
            (0..500).map(|s| document(s, 1).1.symbol).collect();
        assert_eq!(symbols.len(), 500);
    }
}
