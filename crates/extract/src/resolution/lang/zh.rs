//! Chinese, as the UN prints it: no spaces between words, leads in bold.

use super::{DateOrder, Emphasis, Lang, Numerals, Script};

pub const ZH: Lang = Lang {
    code: "zh",
    script: Script::Han,
    vocabulary: &[],
    united_nations: &["联合国"],
    formulas: &["大会", "安全理事会", "人权理事会", "经济及社会理事会"],
    lead_emphasis: Emphasis::Bold,
    months: [&[], &[], &[], &[], &[], &[], &[], &[], &[], &[], &[], &[]],
    date_fillers: &[],
    date_order: DateOrder::YearMonthDaySigns(['年', '月', '日']),
    session: ("第", "届会议"),
    numerals: Numerals::Chinese,
    meeting: &["全体会议", "会议", "全体会议(续会)", "全体会议（续会）"],
    adopted: &["决议"],
    committees: &[
        ("第一委员会", "First Committee"),
        ("第二委员会", "Second Committee"),
        ("第三委员会", "Third Committee"),
        ("第四委员会", "Fourth Committee"),
        ("第五委员会", "Fifth Committee"),
        ("第六委员会", "Sixth Committee"),
    ],
    agenda: &[("议程项目", "")],
    and: &["和"],
};
