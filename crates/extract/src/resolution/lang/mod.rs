//! What the parser knows of each official language, as data: one [`Lang`] table per language
//! (`en.rs`, `fr.rs`, ...), and [`detect`], which picks the table from the text itself (script,
//! then vocabulary), never from a file name or a hint.
//!
//! A real document in a new wording needs a table row here, not new code in the parser. Leads
//! are not listed: they stay the opening emphasised run as the document prints it.

mod ar;
pub use ar::is_section_number as is_arabic_section_number;
mod en;
mod es;
mod fr;
mod ru;
mod zh;

/// The writing system a language is printed in; detection counts letters of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Latin,
    Cyrillic,
    Arabic,
    Han,
}

impl Script {
    fn of(c: char) -> Option<Script> {
        match c {
            '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}' => Some(Script::Arabic),
            '\u{0400}'..='\u{04FF}' => Some(Script::Cyrillic),
            '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' => {
                Some(Script::Han)
            }
            c if c.is_alphabetic() && (c.is_ascii() || ('\u{00C0}'..='\u{024F}').contains(&c)) => {
                Some(Script::Latin)
            }
            _ => None,
        }
    }
}

/// How a language writes a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// Day, month name, year, with the table's filler words between ("7 de diciembre de 2023").
    DayMonthYear,
    /// `2023年12月7日`: numbers followed by the table's year, month and day signs.
    YearMonthDaySigns([char; 3]),
}

/// How session numbers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numerals {
    /// Ordinal words summed ("soixante-dix-huitième" = 60 + 10 + 8), from the table's list.
    Words(&'static [(&'static str, u32)]),
    /// Chinese numerals: 七十八 = 7 x 10 + 8.
    Chinese,
}

/// Which emphasis marks a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    Italic,
    /// The UN's Chinese and Arabic texts set leads in bold.
    Bold,
}

/// One language's printed wording.
#[derive(Debug)]
pub struct Lang {
    /// ISO 639-1.
    pub code: &'static str,
    pub script: Script,
    /// Frequent short words, to tell apart languages of one script.
    pub vocabulary: &'static [&'static str],
    /// "United Nations" as the masthead prints it.
    pub united_nations: &'static [&'static str],
    /// Enacting formulas, without the comma after them.
    pub formulas: &'static [&'static str],
    pub lead_emphasis: Emphasis,
    /// Month names, January first; an entry may hold several spellings.
    pub months: [&'static [&'static str]; 12],
    /// Words a date may carry between its parts ("de", "года").
    pub date_fillers: &'static [&'static str],
    pub date_order: DateOrder,
    /// The session line: what precedes and follows the ordinal ("", "período de sesiones").
    pub session: (&'static str, &'static str),
    pub numerals: Numerals,
    /// Words that end (or open) the closing meeting line ("séance plénière").
    pub meeting: &'static [&'static str],
    /// Words of the masthead line that gives the adoption date.
    pub adopted: &'static [&'static str],
    /// Main committees as printed in the bracket line, with the contract's short name.
    pub committees: &'static [(&'static str, &'static str)],
    /// The agenda line: what precedes and follows the item numbers, singular and plural.
    pub agenda: &'static [(&'static str, &'static str)],
    /// "and" between agenda items and draft symbols.
    pub and: &'static [&'static str],
}

/// Every language the parser reads, English first (the fallback for text of no known script).
pub const LANGS: [&Lang; 6] = [&en::EN, &fr::FR, &es::ES, &ru::RU, &ar::AR, &zh::ZH];

/// The language of a document's text: the dominant script, then among the languages written
/// in it the one whose frequent words occur most.
pub fn detect<'t>(texts: impl IntoIterator<Item = &'t str>) -> &'static Lang {
    let mut letters = [0usize; 4];
    let mut words: std::collections::HashMap<&'static str, usize> = Default::default();
    let scripts = [Script::Latin, Script::Cyrillic, Script::Arabic, Script::Han];
    for t in texts {
        for c in t.chars() {
            if let Some(s) = Script::of(c) {
                letters[scripts.iter().position(|x| *x == s).expect("listed")] += 1;
            }
        }
        for w in t
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
        {
            let lower;
            let w = if w.chars().any(char::is_uppercase) {
                lower = w.to_lowercase();
                lower.as_str()
            } else {
                w
            };
            for lang in LANGS {
                if lang.vocabulary.contains(&w) {
                    *words.entry(lang.code).or_default() += 1;
                }
            }
        }
    }
    let script = scripts
        .iter()
        .zip(letters)
        .max_by_key(|(_, n)| *n)
        .map(|(s, _)| *s)
        .unwrap_or(Script::Latin);
    LANGS
        .iter()
        .filter(|l| l.script == script)
        .max_by_key(|l| words.get(l.code).copied().unwrap_or(0))
        .copied()
        .unwrap_or(&en::EN)
}

/// The table of an ISO 639-1 code.
pub fn by_code(code: &str) -> Option<&'static Lang> {
    LANGS.iter().find(|l| l.code == code).copied()
}

/// Apostrophes and letter case aside: `L'Assemblée` and `L’Assemblée` are one word.
fn fold(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\u{2019}' { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

impl Lang {
    /// The enacting formula, with its comma in any script ("大会，", "إن الجمعية العامة،").
    pub fn is_formula(&self, t: &str) -> bool {
        let t = fold(
            t.trim()
                .trim_end_matches([',', ':', '，', '،', '：'])
                .trim_end(),
        );
        self.formulas.iter().any(|f| fold(f) == t)
    }

    /// The closing meeting line: short, a number in its first or last word, and the
    /// language's meeting words at its end or start.
    pub fn is_meeting_line(&self, t: &str) -> bool {
        let t = t.trim();
        if t.chars().count() >= 60 || t.ends_with('.') {
            return false;
        }
        // A resumed meeting: "50e séance plénière (reprise)", "50th plenary meeting (resumed)".
        let t = match t
            .strip_suffix([')', '）'])
            .and_then(|s| s.rsplit_once(['(', '（']))
        {
            Some((core, _)) if !core.trim().is_empty() => core.trim(),
            _ => t,
        };
        let words: Vec<&str> = t.split_whitespace().collect();
        let numbered = [words.first(), words.last()]
            .into_iter()
            .flatten()
            .any(|w| w.chars().any(|c| c.is_ascii_digit()));
        let worded = self
            .meeting
            .iter()
            .any(|m| t.ends_with(m) || t.starts_with(m));
        numbered && worded && (self.script != Script::Latin || words.len() <= 6)
    }

    /// The first date in `s`, as ISO `YYYY-MM-DD`.
    pub fn find_date(&self, s: &str) -> Option<String> {
        match self.date_order {
            DateOrder::DayMonthYear => self.day_month_year(s),
            DateOrder::YearMonthDaySigns(signs) => year_month_day(s, signs),
        }
    }

    fn day_month_year(&self, s: &str) -> Option<String> {
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        for (k, &(at, c)) in chars.iter().enumerate() {
            let starts_number = c.is_ascii_digit() && (k == 0 || !chars[k - 1].1.is_alphanumeric());
            if !starts_number {
                continue;
            }
            let digits: String = s[at..].chars().take_while(char::is_ascii_digit).collect();
            let Some(day) = digits.parse::<u32>().ok().filter(|d| (1..=31).contains(d)) else {
                continue;
            };
            let rest = self.skip_fillers(&s[at + digits.len()..]);
            let folded = fold(rest);
            let month = self
                .months
                .iter()
                .enumerate()
                .flat_map(|(m, names)| names.iter().map(move |n| (m, *n)))
                .filter(|(_, n)| {
                    let n = fold(n);
                    folded.starts_with(&n)
                        && folded[n.len()..]
                            .chars()
                            .next()
                            .is_none_or(|c| !c.is_alphabetic())
                })
                .max_by_key(|(_, n)| n.len());
            let Some((m, name)) = month else { continue };
            // Folding keeps byte lengths for these scripts except the apostrophe.
            let after = rest.get(fold(name).len()..).unwrap_or("");
            let after = self.skip_fillers(after.trim_start_matches(','));
            let year: String = after.chars().take_while(char::is_ascii_digit).collect();
            if year.len() == 4 {
                return Some(format!("{year}-{:02}-{day:02}", m + 1));
            }
        }
        None
    }

    fn skip_fillers<'s>(&self, mut s: &'s str) -> &'s str {
        loop {
            s = s.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
            let next = self.date_fillers.iter().find(|f| {
                s.starts_with(**f)
                    && s[f.len()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphabetic())
            });
            match next {
                Some(f) => s = &s[f.len()..],
                None => return s,
            }
        }
    }

    /// The session number of a masthead line ("Soixante-dix-huitième session" -> 78).
    pub fn session_of(&self, line: &str) -> Option<u32> {
        let t = fold(line.trim());
        let (pre, post) = (fold(self.session.0), fold(self.session.1));
        let inner = t.strip_prefix(&pre)?.strip_suffix(&post)?.trim();
        match self.numerals {
            // A masthead column may run into the line ("General Assembly Seventy-eighth
            // session"): the ordinal is the longest run of words that reads as one.
            Numerals::Words(words) => std::iter::once(0)
                .chain(inner.match_indices(' ').map(|(i, _)| i + 1))
                .find_map(|i| ordinal_words(&inner[i..], words)),
            Numerals::Chinese => chinese_number(inner),
        }
    }

    /// Agenda items of a masthead line: `Point 58 de l’ordre du jour` -> `["58"]`.
    pub fn agenda_items(&self, line: &str) -> Option<Vec<String>> {
        let t = line.trim();
        // "Agenda items" before "Agenda item": the longer prefix wins.
        let (pre, post) = self
            .agenda
            .iter()
            .filter(|(pre, _)| t.starts_with(pre))
            .max_by_key(|(pre, _)| pre.len())?;
        let rest = t[pre.len()..].trim();
        let rest = rest.strip_suffix(post).unwrap_or(rest).trim();
        if !rest.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        let mut list = rest.to_string();
        for and in self.and {
            list = list.replace(and, ",");
        }
        Some(
            list.split([',', '،', '，', '、'])
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
        )
    }

    /// The main committee named in a bracket line: the last committee name in it.
    pub fn committee_of(&self, bracket: &str) -> Option<&'static str> {
        let b = fold(bracket);
        self.committees
            .iter()
            .filter_map(|(printed, short)| b.rfind(&fold(printed)).map(|at| (at, *short)))
            .max_by_key(|(at, _)| *at)
            .map(|(_, short)| short)
    }
}

/// Sums the longest table words that make up `s`, separated by spaces or hyphens.
fn ordinal_words(s: &str, words: &[(&str, u32)]) -> Option<u32> {
    let mut rest = s;
    let mut total = 0;
    let mut any = false;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '-' || c == '\u{2011}');
        if rest.is_empty() {
            break;
        }
        let (word, value) = words
            .iter()
            .filter(|(w, _)| rest.starts_with(w))
            .max_by_key(|(w, _)| w.len())?;
        total += value;
        any |= *value > 0;
        rest = &rest[word.len()..];
    }
    (any && (1..1000).contains(&total)).then_some(total)
}

/// 七十八 -> 78, 十 -> 10, 八十 -> 80, 一百零五 -> 105.
fn chinese_number(s: &str) -> Option<u32> {
    const DIGITS: &str = "零一二三四五六七八九";
    let (mut total, mut digit) = (0u32, None::<u32>);
    for c in s.chars() {
        if let Some(d) = DIGITS.chars().position(|x| x == c) {
            digit = Some(d as u32);
        } else if c == '十' {
            total += digit.take().unwrap_or(1) * 10;
        } else if c == '百' {
            total += digit.take().unwrap_or(1) * 100;
        } else {
            return None;
        }
    }
    let n = total + digit.unwrap_or(0);
    (n > 0).then_some(n)
}

/// `2023年12月7日` with the signs `['年', '月', '日']`.
fn year_month_day(s: &str, signs: [char; 3]) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    let number_before = |end: usize| -> Option<(u32, usize)> {
        let start = (0..end)
            .rev()
            .take_while(|&k| chars[k].is_ascii_digit())
            .last()?;
        let n: String = chars[start..end].iter().collect();
        Some((n.parse().ok()?, start))
    };
    for (k, &c) in chars.iter().enumerate() {
        if c != signs[0] {
            continue;
        }
        let Some((year, _)) = number_before(k).filter(|(_, st)| k - st == 4) else {
            continue;
        };
        let month_end = (k + 1..chars.len()).find(|&j| !chars[j].is_ascii_digit())?;
        if chars[month_end] != signs[1] {
            continue;
        }
        let (month, _) = number_before(month_end)?;
        let day_end = (month_end + 1..chars.len()).find(|&j| !chars[j].is_ascii_digit())?;
        if chars[day_end] != signs[2] {
            continue;
        }
        let (day, _) = number_before(day_end)?;
        if (1..=12).contains(&month) && (1..=31).contains(&day) {
            return Some(format!("{year}-{month:02}-{day:02}"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> &'static Lang {
        by_code(code).unwrap()
    }

    #[test]
    fn sessions_in_words_in_every_language() {
        for (code, line, n) in [
            ("en", "Seventy-eighth session", 78),
            ("en", "Eightieth session", 80),
            ("en", "Fifty-ninth session", 59),
            ("en", "Twenty-sixth session", 26),
            ("en", "Tenth session", 10),
            ("fr", "Soixante-dix-huitième session", 78),
            ("fr", "Soixante et onzième session", 71),
            ("fr", "Quatre-vingtième session", 80),
            ("fr", "Quatre-vingt-unième session", 81),
            ("es", "Septuagésimo octavo período de sesiones", 78),
            ("es", "Octogésimo período de sesiones", 80),
            ("ru", "Семьдесят восьмая сессия", 78),
            ("ru", "Восьмидесятая сессия", 80),
            ("ar", "الدورة الثامنة والسبعون", 78),
            ("ar", "الدورة الثمانون", 80),
            ("zh", "第七十八届会议", 78),
            ("zh", "第八十届会议", 80),
        ] {
            assert_eq!(lang(code).session_of(line), Some(n), "{code}: {line}");
        }
        assert_eq!(lang("fr").session_of("Session extraordinaire"), None);
    }

    #[test]
    fn dates_in_every_language() {
        for (code, text) in [
            (
                "en",
                "Resolution adopted by the General Assembly on 7 December 2023",
            ),
            (
                "fr",
                "Résolution adoptée par l’Assemblée générale le 7 décembre 2023",
            ),
            (
                "es",
                "Resolución aprobada por la Asamblea General el 7 de diciembre de 2023",
            ),
            (
                "ru",
                "Резолюция, принятая Генеральной Ассамблеей 7 декабря 2023 года",
            ),
            (
                "ar",
                "قرار اتخذته الجمعية العامة في 7 كانون الأول/ديسمبر 2023",
            ),
            ("zh", "2023年12月7日大会决议"),
        ] {
            assert_eq!(
                lang(code).find_date(text).as_deref(),
                Some("2023-12-07"),
                "{code}: {text}"
            );
        }
        assert_eq!(lang("fr").find_date("le 1er mars"), None);
        assert_eq!(
            lang("en")
                .find_date("at its 9838th meeting, on 16 January 2025")
                .as_deref(),
            Some("2025-01-16")
        );
    }

    #[test]
    fn formulas_meeting_lines_and_committees() {
        assert!(lang("fr").is_formula("L'Assemblée générale,"));
        assert!(lang("es").is_formula("La Asamblea General,"));
        assert!(lang("ru").is_formula("Генеральная Ассамблея,"));
        assert!(lang("zh").is_formula("大会，"));
        assert!(lang("ar").is_formula("إن الجمعية العامة،"));
        assert!(!lang("fr").is_formula("Rappelant sa résolution,"));
        for (code, line) in [
            ("en", "45th plenary meeting"),
            ("fr", "45e séance plénière"),
            ("es", "45a sesión plenaria"),
            ("ru", "45‑е пленарное заседание"),
            ("ar", "الجلسة العامة 45"),
            ("zh", "第45次全体会议"),
        ] {
            assert!(lang(code).is_meeting_line(line), "{code}: {line}");
        }
        assert!(!lang("zh").is_meeting_line("第七十八届会议"));
        assert!(lang("zh").is_meeting_line("第50次全体会议(续会)"));
        // Resumed meetings, in every language.
        assert!(lang("fr").is_meeting_line("50e séance plénière (reprise)"));
        assert!(lang("es").is_meeting_line("50a sesión plenaria (continuación)"));
        assert!(lang("en").is_meeting_line("50th plenary meeting (resumed)"));
        assert!(!lang("fr").is_meeting_line("(reprise)"));
        assert_eq!(
            lang("fr").committee_of("[sur la base du rapport de la Commission des questions politiques spéciales et de la décolonisation (Quatrième Commission) (A/78/429, par. 33)]"),
            Some("Fourth Committee")
        );
        assert_eq!(
            lang("ru").committee_of("[по докладу Третьего комитета (A/78/481)]"),
            Some("Third Committee")
        );
        assert_eq!(
            lang("es").committee_of("[sin remisión previa a una Comisión Principal (A/78/L.1)]"),
            None
        );
        assert_eq!(
            lang("fr").agenda_items("Points 68 a) et 69 de l’ordre du jour"),
            Some(vec!["68 a)".to_string(), "69".to_string()])
        );
        assert_eq!(
            lang("zh").agenda_items("议程项目58"),
            Some(vec!["58".to_string()])
        );
        assert_eq!(
            lang("en").agenda_items("Agenda items 68 (a) and 69"),
            Some(vec!["68 (a)".to_string(), "69".to_string()])
        );
    }

    #[test]
    fn the_language_is_told_by_script_then_words() {
        let cases = [
            (
                "en",
                "Recalling its resolution on the question of the oceans and the law of the sea,",
            ),
            (
                "fr",
                "Rappelant sa résolution sur la question des océans et du droit de la mer,",
            ),
            (
                "es",
                "Recordando su resolución sobre la cuestión de los océanos y el derecho del mar,",
            ),
            (
                "ru",
                "ссылаясь на свою резолюцию о Мировом океане и морском праве,",
            ),
            ("ar", "وإذ تشير إلى قرارها المتعلق بالمحيطات وقانون البحار،"),
            ("zh", "回顾其关于海洋和海洋法的决议，"),
        ];
        for (code, text) in cases {
            // A Latin masthead ("Distr.: General") does not outweigh the body.
            assert_eq!(detect(["Distr.: General", text]).code, code, "{text}");
        }
    }
}
