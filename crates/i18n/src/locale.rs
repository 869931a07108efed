use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The languages a policy is written in and the app speaks. The same
/// templates serve both; only the catalogue's texts differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Locale {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// The BCP 47 tag Word and HTML want: `zh-CN` or `en-US`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en-US",
        }
    }

    /// The language of a POSIX locale name such as `zh_CN.UTF-8` or
    /// `en_US`: Chinese for any `zh`, English for everything else.
    pub fn from_posix(name: &str) -> Locale {
        if name.to_ascii_lowercase().starts_with("zh") { Locale::ZhCn } else { Locale::En }
    }
}

#[cfg(test)]
mod tests {
    use super::Locale;

    #[test]
    fn posix_names_map_to_languages() {
        assert_eq!(Locale::from_posix("zh_CN.UTF-8"), Locale::ZhCn);
        assert_eq!(Locale::from_posix("zh_TW"), Locale::ZhCn);
        assert_eq!(Locale::from_posix("C.UTF-8"), Locale::En);
        assert_eq!(Locale::from_posix("de_DE"), Locale::En);
        assert_eq!(Locale::parse("ZH-cn"), Some(Locale::ZhCn));
    }
}
