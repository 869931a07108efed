//! Calendar days, as policies and the library write them (`YYYY-MM-DD`):
//! checking one, a review interval after one, and the days between two. No
//! clock: today always comes in from the caller.

/// A real calendar day from 1900 on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day {
    year: i32,
    month: u32,
    day: u32,
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        _ => 28,
    }
}

impl Day {
    /// `YYYY-MM-DD`, or the date part of a stored time (`2026-12-02T16:24:31Z`).
    pub fn parse(text: &str) -> Option<Day> {
        let date = text.get(..10)?;
        let rest = &text[10..];
        if !(rest.is_empty() || rest.starts_with('T')) {
            return None;
        }
        let bytes = date.as_bytes();
        if bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| {
            date.get(r).filter(|s| s.bytes().all(|b| b.is_ascii_digit())).and_then(|s| s.parse::<u32>().ok())
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let year = i32::try_from(year).ok()?;
        let valid = year >= 1900 && (1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day);
        valid.then_some(Day { year, month, day })
    }

    /// Year, month (1–12) and day, for writing the day out in words.
    pub fn parts(self) -> (i32, u32, u32) {
        (self.year, self.month, self.day)
    }

    /// The same day `months` later; the month's last day when it is shorter
    /// (a year after 29 February is 28 February).
    pub fn add_months(self, months: u32) -> Day {
        let index = i64::from(self.year) * 12 + i64::from(self.month - 1) + i64::from(months);
        let year = i32::try_from(index.div_euclid(12)).unwrap_or(i32::MAX);
        let month = u32::try_from(index.rem_euclid(12)).unwrap_or(0) + 1;
        Day { year, month, day: self.day.min(days_in_month(year, month)) }
    }

    /// Days from 1970-01-01 (the proleptic Gregorian calendar).
    fn ordinal(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// How many days from `self` to `later`; negative when `later` is earlier.
    pub fn days_until(self, later: Day) -> i64 {
        later.ordinal() - self.ordinal()
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::Day;

    fn day(text: &str) -> Day {
        Day::parse(text).expect(text)
    }

    #[test]
    fn a_review_interval_lands_on_a_real_day() {
        assert_eq!(day("2026-12-02T16:24:31Z").add_months(12).to_string(), "2027-12-02");
        assert_eq!(day("2024-02-29").add_months(12).to_string(), "2025-02-28");
        assert_eq!(day("2026-01-31").add_months(1).to_string(), "2026-02-28");
        assert_eq!(day("2026-11-30").add_months(3).to_string(), "2027-02-28");
        assert_eq!(day("2026-05-15").add_months(0).to_string(), "2026-05-15");
    }

    #[test]
    fn days_between_count_leap_years() {
        assert_eq!(day("2026-12-02").days_until(day("2027-12-02")), 365);
        assert_eq!(day("2024-01-01").days_until(day("2025-01-01")), 366);
        assert_eq!(day("2026-12-02").days_until(day("2026-11-30")), -2);
        assert_eq!(day("1970-01-01").days_until(day("1970-01-01")), 0);
    }

    #[test]
    fn only_real_days_parse() {
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "20261201", "1899-12-31", "2026-12-02x", "２０２６-12-02"]
        {
            assert_eq!(Day::parse(bad), None, "{bad}");
        }
    }
}
