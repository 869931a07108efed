//! Appraisal weights as exact decimals.
//!
//! Weights are percentages with at most two decimal places. They are held as
//! whole hundredths so that sums are exact: 33.33 + 33.33 + 33.34 is 100, never
//! 99.99999999999999.

use std::fmt;

use policywright_i18n::{Message, keys, msg};

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// A weight in hundredths of a percent point: `Weight(3000)` is 30 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Weight(u32);

impl Weight {
    pub const HUNDRED: Weight = Weight(10_000);

    pub fn from_hundredths(hundredths: u32) -> Weight {
        Weight(hundredths)
    }

    pub fn hundredths(self) -> u32 {
        self.0
    }

    pub fn sum<'a>(weights: impl IntoIterator<Item = &'a Weight>) -> Weight {
        Weight(weights.into_iter().map(|w| w.0).sum())
    }

    /// Parses a JSON number such as `30`, `12.5` or `33.33`.
    ///
    /// The decimal text of the number is read, not its binary float value, so
    /// `0.1` is exactly ten hundredths.
    pub fn parse(text: &str) -> Result<Weight, String> {
        Weight::read(text).map_err(|m| m.to_string())
    }

    /// [`Weight::parse`], saying what is wrong in any language.
    pub fn read(text: &str) -> Result<Weight, Message> {
        use keys::errors::weight as w;
        let text = text.trim();
        let say = |key| msg!(key, text = text);
        if text.starts_with('-') {
            return Err(say(w::NEGATIVE));
        }
        if text.contains(['e', 'E']) {
            return Err(say(w::EXPONENT));
        }
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let frac = frac.trim_end_matches('0');
        if frac.len() > 2 {
            return Err(say(w::DECIMALS));
        }
        let whole: u32 = whole.parse().map_err(|_| say(w::NOT_A_NUMBER))?;
        let frac_value: u32 = if frac.is_empty() {
            0
        } else {
            let digits: u32 = frac.parse().map_err(|_| say(w::NOT_A_NUMBER))?;
            if frac.len() == 1 { digits * 10 } else { digits }
        };
        if whole > 100 || (whole == 100 && frac_value > 0) {
            return Err(say(w::OVER));
        }
        Ok(Weight(whole * 100 + frac_value))
    }
}

impl fmt::Display for Weight {
    /// `30`, `12.5`, `33.33`: no trailing zeros, so it reads as people write it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 100;
        let frac = self.0 % 100;
        if frac == 0 {
            write!(f, "{whole}")
        } else if frac.is_multiple_of(10) {
            write!(f, "{whole}.{}", frac / 10)
        } else {
            write!(f, "{whole}.{frac:02}")
        }
    }
}

impl Serialize for Weight {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.0.is_multiple_of(100) {
            serializer.serialize_u32(self.0 / 100)
        } else {
            // Two decimals at most, so the shortest f64 text round-trips exactly.
            serializer.serialize_f64(f64::from(self.0) / 100.0)
        }
    }
}

impl<'de> Deserialize<'de> for Weight {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Weight, D::Error> {
        struct WeightVisitor;

        impl de::Visitor<'_> for WeightVisitor {
            type Value = Weight;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a percentage from 0 to 100 with at most two decimal places")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Weight, E> {
                Weight::parse(&v.to_string()).map_err(E::custom)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Weight, E> {
                Weight::parse(&v.to_string()).map_err(E::custom)
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Weight, E> {
                if !v.is_finite() {
                    return Err(E::custom("weight is not a finite number"));
                }
                // Rust prints the shortest text that round-trips, which is the
                // text the user typed for any value with two decimals or fewer.
                Weight::parse(&v.to_string()).map_err(E::custom)
            }

            // A weight written as text ("60") is refused: it is a number.
        }

        deserializer.deserialize_any(WeightVisitor)
    }
}

impl JsonSchema for Weight {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Weight".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "minimum": 0,
            "maximum": 100,
            "multipleOf": 0.01,
            "description": "Percent of the total score, at most two decimal places"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Weight;

    #[test]
    fn parses_decimal_text_exactly() {
        assert_eq!(Weight::parse("30").map(Weight::hundredths), Ok(3000));
        assert_eq!(Weight::parse("12.5").map(Weight::hundredths), Ok(1250));
        assert_eq!(Weight::parse("0.1").map(Weight::hundredths), Ok(10));
        assert_eq!(Weight::parse("33.33").map(Weight::hundredths), Ok(3333));
        assert!(Weight::parse("33.333").is_err());
        assert!(Weight::parse("100.5").is_err());
        assert!(Weight::parse("-1").is_err());
    }

    #[test]
    fn thirds_sum_to_exactly_one_hundred() {
        let parts: Vec<Weight> =
            ["33.33", "33.33", "33.34"].iter().map(|t| Weight::parse(t).expect("valid weight")).collect();
        assert_eq!(Weight::sum(&parts), Weight::HUNDRED);
    }

    #[test]
    fn displays_without_trailing_zeros() {
        assert_eq!(Weight::from_hundredths(3000).to_string(), "30");
        assert_eq!(Weight::from_hundredths(1250).to_string(), "12.5");
        assert_eq!(Weight::from_hundredths(1205).to_string(), "12.05");
    }
}
