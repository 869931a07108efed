//! How headings are numbered, and the numerals of Chinese regulations.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How chapter and article headings are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "kebab-case")]
pub enum NumberingScheme {
    /// 第一章 / 第一条 (articles numbered across chapters) / 一、
    ZhChapter,
    /// 一、 / （一） / 1.
    ZhOutline,
    /// 1 / 1.1 / 1.1.1
    Decimal,
}

impl NumberingScheme {
    pub const ALL: [NumberingScheme; 3] =
        [NumberingScheme::ZhChapter, NumberingScheme::ZhOutline, NumberingScheme::Decimal];

    pub fn code(self) -> &'static str {
        match self {
            NumberingScheme::ZhChapter => "zh-chapter",
            NumberingScheme::ZhOutline => "zh-outline",
            NumberingScheme::Decimal => "decimal",
        }
    }

    pub fn parse(code: &str) -> Option<NumberingScheme> {
        NumberingScheme::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the second level (articles) runs on across the first
    /// (chapters), as 第…条 do in a Chinese regulation.
    pub fn articles_run_on(self) -> bool {
        self == NumberingScheme::ZhChapter
    }
}

/// The number text, separator included, of a heading at `depth` (0-based)
/// given the counters of all levels.
pub fn heading_number(scheme: NumberingScheme, depth: usize, counters: &[u32; 3]) -> String {
    let n = counters[depth.min(2)];
    match (scheme, depth) {
        (NumberingScheme::ZhChapter, 0) => format!("第{}章\u{3000}", chinese_number(n)),
        (NumberingScheme::ZhChapter, 1) => format!("第{}条\u{3000}", chinese_number(n)),
        (NumberingScheme::ZhChapter, _) => format!("{}、", chinese_number(n)),
        (NumberingScheme::ZhOutline, 0) => format!("{}、", chinese_number(n)),
        (NumberingScheme::ZhOutline, 1) => format!("（{}）", chinese_number(n)),
        (NumberingScheme::ZhOutline, _) => format!("{n}. "),
        (NumberingScheme::Decimal, _) => {
            let parts: Vec<String> = counters[..=depth.min(2)].iter().map(u32::to_string).collect();
            format!("{} ", parts.join("."))
        }
    }
}

/// Chinese numerals as used in regulations: 一, 十, 十一, 二十, 一百零五.
pub fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    const UNITS: [&str; 4] = ["", "十", "百", "千"];
    if n == 0 {
        return DIGITS[0].to_string();
    }
    if n >= 10_000 {
        // Beyond any real document; plain digits are clearer than 万-grouping.
        return n.to_string();
    }
    let digits: Vec<usize> = n.to_string().bytes().map(|b| usize::from(b - b'0')).collect();
    let mut out = String::new();
    let mut pending_zero = false;
    for (i, &d) in digits.iter().enumerate() {
        let unit = digits.len() - 1 - i;
        if d == 0 {
            pending_zero = !out.is_empty();
            continue;
        }
        if pending_zero {
            out.push_str(DIGITS[0]);
            pending_zero = false;
        }
        // 十一, not 一十一, when ten is the leading unit.
        if !(d == 1 && unit == 1 && out.is_empty()) {
            out.push_str(DIGITS[d]);
        }
        out.push_str(UNITS[unit]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numerals() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (23, "二十三"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (1001, "一千零一"),
        ];
        for (n, text) in cases {
            assert_eq!(chinese_number(n), text, "{n}");
        }
    }

    #[test]
    fn scheme_codes_round_trip() {
        for scheme in NumberingScheme::ALL {
            assert_eq!(NumberingScheme::parse(scheme.code()), Some(scheme));
        }
    }
}
