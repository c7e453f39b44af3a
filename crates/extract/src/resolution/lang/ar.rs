//! Arabic, as the UN prints it (in logical order, after the layout has undone the visual
//! order of right-to-left runs).

use super::{DateOrder, Emphasis, Lang, Numerals, Script};

pub const AR: Lang = Lang {
    code: "ar",
    script: Script::Arabic,
    vocabulary: &["في", "من", "إلى", "على", "التي", "الذي"],
    united_nations: &["الأمم المتحدة", "الأمــم المتحـدة"],
    formulas: &[
        "إن الجمعية العامة",
        "إن مجلس الأمن",
        "إن مجلس حقوق الإنسان",
        "إن المجلس الاقتصادي والاجتماعي",
    ],
    // The UN's Arabic marks leads bold italic; Arabic type has no italic, so they print
    // bold (the renderings' Naskh Bold too).
    lead_emphasis: Emphasis::Bold,
    months: [
        &["كانون الثاني/يناير", "يناير"],
        &["شباط/فبراير", "فبراير"],
        &["آذار/مارس", "مارس"],
        &["نيسان/أبريل", "أبريل"],
        &["أيار/مايو", "مايو"],
        &["حزيران/يونيه", "حزيران/يونيو", "يونيه"],
        &["تموز/يوليه", "تموز/يوليو", "يوليه"],
        &["آب/أغسطس", "أغسطس"],
        &["أيلول/سبتمبر", "سبتمبر"],
        &["تشرين الأول/أكتوبر", "أكتوبر"],
        &["تشرين الثاني/نوفمبر", "نوفمبر"],
        &["كانون الأول/ديسمبر", "ديسمبر"],
    ],
    date_fillers: &[],
    date_order: DateOrder::DayMonthYear,
    session: ("الدورة", ""),
    numerals: Numerals::Words(&[
        ("و", 0),
        ("الأولى", 1),
        ("الحادية", 1),
        ("الثانية", 2),
        ("الثالثة", 3),
        ("الرابعة", 4),
        ("الخامسة", 5),
        ("السادسة", 6),
        ("السابعة", 7),
        ("الثامنة", 8),
        ("التاسعة", 9),
        ("العاشرة", 10),
        ("عشرة", 10),
        ("العشرون", 20),
        ("الثلاثون", 30),
        ("الأربعون", 40),
        ("الخمسون", 50),
        ("الستون", 60),
        ("السبعون", 70),
        ("الثمانون", 80),
        ("التسعون", 90),
    ]),
    meeting: &["الجلسة العامة", "الجلسة"],
    adopted: &["اتخذته"],
    committees: &[
        ("اللجنة الأولى", "First Committee"),
        ("اللجنة الثانية", "Second Committee"),
        ("اللجنة الثالثة", "Third Committee"),
        ("اللجنة الرابعة", "Fourth Committee"),
        (
            "لجنة المسائل السياسية الخاصة وإنهاء الاستعمار",
            "Fourth Committee",
        ),
        ("اللجنة الخامسة", "Fifth Committee"),
        ("اللجنة السادسة", "Sixth Committee"),
    ],
    agenda: &[
        ("البند", "من جدول الأعمال"),
        ("البندان", "من جدول الأعمال"),
        ("البنود", "من جدول الأعمال"),
    ],
    and: &[" و"],
};

/// How the UN's Arabic numbers the sections of a resolution, where the other languages print
/// roman numerals: "أولا" to "عاشرا", "حادي عشر" to "تاسع عشر", "عشرين", then "حاديا وعشرين",
/// "ثانيا وعشرين", ... and the other tens.
pub const SECTION_ORDINALS: [&str; 10] = [
    "أولا",
    "ثانيا",
    "ثالثا",
    "رابعا",
    "خامسا",
    "سادسا",
    "سابعا",
    "ثامنا",
    "تاسعا",
    "عاشرا",
];
/// The first word of 11 to 19, before "عشر".
pub const SECTION_TEENS: [&str; 9] = [
    "حادي", "ثاني", "ثالث", "رابع", "خامس", "سادس", "سابع", "ثامن", "تاسع",
];
/// The tens, alone (20) or after "<ordinal> و" (21: "حاديا وعشرين").
pub const SECTION_TENS: [&str; 8] = [
    "عشرين",
    "عشرون",
    "ثلاثين",
    "ثلاثون",
    "أربعين",
    "أربعون",
    "خمسين",
    "خمسون",
];

/// A section number as the UN's Arabic prints it (diacritics such as the tanwin of "أولاً",
/// and tatweel, ignored).
pub fn is_section_number(t: &str) -> bool {
    let t: String = t
        .chars()
        .filter(|&c| !crate::layout::is_combining_mark(c) && c != '\u{0640}')
        .collect();
    let words: Vec<&str> = t.split_whitespace().collect();
    let ordinal = |w: &str| SECTION_ORDINALS.contains(&w) || w == "حاديا";
    match words[..] {
        [w] => ordinal(w) || SECTION_TENS.contains(&w),
        [unit, "عشر"] => SECTION_TEENS.contains(&unit),
        [unit, tens] => {
            ordinal(unit)
                && tens
                    .strip_prefix('و')
                    .is_some_and(|t| SECTION_TENS.contains(&t))
        }
        _ => false,
    }
}
