//! How a policy's pages are laid out: the house style, how deep the table
//! of contents goes, and whether each chapter starts a page. Words for each
//! choice are in the catalogue's `choices`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The look of the pages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "kebab-case")]
pub enum PageStyle {
    /// A company document: 小四 text in Chinese, 11-point text in English.
    #[default]
    Company,
    /// GB/T 9704, the national standard for official documents: A4 with a
    /// 37 mm top and 28 mm binding margin, 三号 仿宋 in 22 lines of 28
    /// characters, 黑体 then 楷体 headings, page numbers as "— 1 —" on the
    /// outer side.
    Gbt9704,
}

impl PageStyle {
    pub const ALL: [PageStyle; 2] = [PageStyle::Company, PageStyle::Gbt9704];

    pub fn code(self) -> &'static str {
        match self {
            PageStyle::Company => "company",
            PageStyle::Gbt9704 => "gbt9704",
        }
    }

    pub fn parse(code: &str) -> Option<PageStyle> {
        PageStyle::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// What the table of contents lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "kebab-case")]
pub enum Contents {
    #[default]
    ChaptersAndArticles,
    ChaptersOnly,
    NoContents,
}

impl Contents {
    /// How many heading levels the table lists; 0 for no table.
    pub fn depth(self) -> usize {
        match self {
            Contents::ChaptersAndArticles => 2,
            Contents::ChaptersOnly => 1,
            Contents::NoContents => 0,
        }
    }
}
