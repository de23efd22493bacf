//! Date spellings found in exports, and calendar arithmetic on whole years
//! (29 February plus n years is 28 February when the target year is not leap).

use chrono::{Datelike, NaiveDate};

/// A date as chrono's `Display` writes it (`YYYY-MM-DD` for years 0–9999), without
/// its formatting machinery: evidence text writes a few dates for every patent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ymd(pub NaiveDate);

impl Ymd {
    /// The ten bytes `YYYY-MM-DD`, for years 0–9999.
    fn digits(self) -> Option<[u8; 10]> {
        let date = self.0;
        let year = u32::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let (month, day) = (date.month(), date.day());
        Some([
            digit(year / 1000),
            digit(year / 100),
            digit(year / 10),
            digit(year),
            b'-',
            digit(month / 10),
            digit(month),
            b'-',
            digit(day / 10),
            digit(day),
        ])
    }

    /// The date written at the end of `out`, as `Display` writes it.
    pub fn push_to(self, out: &mut String) {
        match self.digits() {
            Some(text) => out.push_str(ascii_text(&text)),
            None => {
                use std::fmt::Write as _;
                let _ = write!(out, "{}", self.0);
            }
        }
    }
}

/// The text of [`Ymd::digits`]' bytes. Evidence writes several dates for every
/// patent: checking the ten ASCII bytes again was half of pushing a date, and pushing
/// them as characters one at a time ten times that.
fn ascii_text(digits: &[u8; 10]) -> &str {
    // SAFETY: `digits` holds only `b'0'..=b'9'` and `b'-'` (see `Ymd::digits`): ASCII,
    // so UTF-8.
    unsafe { std::str::from_utf8_unchecked(digits) }
}

impl std::fmt::Display for Ymd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.digits() {
            Some(text) => f.write_str(ascii_text(&text)),
            None => write!(f, "{}", self.0),
        }
    }
}

/// Why a date cell could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date: {0:?}")]
pub struct DateError(pub String);

/// The common case without allocation: exactly `YYYY-MM-DD` (a valid date).
fn iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let year = num(0..4).filter(|&y| y >= 1000)?;
    NaiveDate::from_ymd_opt(year as i32, num(5..7)?, num(8..10)?)
}

/// An Excel date serial as a workbook cell without a date format holds it (`42065` is
/// 2015-03-02): five digits, 1927 to 2173. No other spelling of a date is five digits.
fn excel_serial(s: &str) -> Option<NaiveDate> {
    if s.len() != 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let days: i64 = s.parse().ok()?;
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(days))
}

/// Parse `2019-03-05`, `2019/3/5`, `2019.03.05`, `20190305`, `3/5/2019` (month first),
/// optionally followed by a time (`2019-03-05 00:00:00`, `2019-03-05T00:00:00`), or an
/// Excel date serial (`42065`). An empty cell is `Ok(None)`.
pub fn parse_date(raw: &str) -> Result<Option<NaiveDate>, DateError> {
    if let Some(date) = iso_date(crate::rules::text::trim(raw)) {
        return Ok(Some(date));
    }
    let folded = crate::rules::text::fold_width(raw);
    let s = crate::rules::text::trim(&folded);
    if s.is_empty() {
        return Ok(None);
    }
    let err = || DateError(raw.trim().to_string());
    if let Some(date) = excel_serial(s) {
        return Ok(Some(date));
    }
    let cjk = s.replace(['年', '月'], "-").replace('日', "");
    let s = cjk.as_str();
    let date_part = s.split([' ', 'T']).next().unwrap_or(s);
    let parts: Vec<&str> = date_part.split(['-', '/', '.']).collect();
    let num = |p: &str| -> Result<u32, DateError> {
        if p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        p.parse::<u32>().map_err(|_| err())
    };
    let (y, m, d) = match parts.as_slice() {
        [one] if one.len() == 8 && one.is_ascii() => (num(&one[..4])?, num(&one[4..6])?, num(&one[6..])?),
        [y, m, d] if y.len() == 4 => (num(y)?, num(m)?, num(d)?),
        [m, d, y] if y.len() == 4 && date_part.contains('/') => (num(y)?, num(m)?, num(d)?),
        _ => return Err(err()),
    };
    if y < 1000 {
        return Err(err());
    }
    NaiveDate::from_ymd_opt(y as i32, m, d).map(Some).ok_or_else(err)
}

/// The date `years` calendar years after `date` (negative: before); 29 February
/// lands on 28 February in a year that is not leap.
pub fn add_years(date: NaiveDate, years: i32) -> NaiveDate {
    let y = date.year() + years;
    NaiveDate::from_ymd_opt(y, date.month(), date.day())
        .or_else(|| NaiveDate::from_ymd_opt(y, date.month(), date.day() - 1))
        .unwrap_or(date)
}

/// 31 December of `year`.
pub fn year_end(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn spellings() {
        for s in [
            "2019-03-05",
            "2019/3/5",
            "2019.03.05",
            "20190305",
            "3/5/2019",
            "2019-03-05 00:00:00",
            "２０１９－０３－０５",
            "2019年3月5日",
            " 2019-3-5 ",
        ] {
            assert_eq!(parse_date(s), Ok(Some(d(2019, 3, 5))), "{s}");
        }
        assert_eq!(parse_date(""), Ok(None));
        assert_eq!(parse_date("   "), Ok(None));
    }

    #[test]
    fn excel_serials_are_dates() {
        assert_eq!(parse_date("42065"), Ok(Some(d(2015, 3, 2))));
        assert_eq!(parse_date("10000"), Ok(Some(d(1927, 5, 18))));
        assert!(parse_date("2015").is_err(), "a year alone is no date");
        assert!(parse_date("420651").is_err());
    }

    #[test]
    fn impossible_dates_are_errors() {
        for s in [
            "2019-02-30",
            "0000-00-00",
            "2019-13-01",
            "abc",
            "2019",
            "19-03-05",
            "2019-03",
            "2019-03-05-01",
            "+2019-1-1",
        ] {
            assert!(parse_date(s).is_err(), "{s}");
        }
        assert_eq!(parse_date("2020-02-29"), Ok(Some(d(2020, 2, 29))));
        // Found by the property test: eight bytes that are not eight characters.
        assert!(parse_date("ÔlﬂÇ").is_err());
        assert!(parse_date("2019-02-29").is_err());
    }

    #[test]
    fn leap_day_plus_years() {
        assert_eq!(add_years(d(2016, 2, 29), 10), d(2026, 2, 28));
        assert_eq!(add_years(d(2016, 2, 29), 4), d(2020, 2, 29));
        assert_eq!(add_years(d(2016, 2, 29), 20), d(2036, 2, 29));
        assert_eq!(add_years(d(2024, 2, 29), -1), d(2023, 2, 28));
        assert_eq!(add_years(d(2015, 12, 31), 10), d(2025, 12, 31));
        assert_eq!(year_end(2025), Some(d(2025, 12, 31)));
    }

    #[test]
    fn ymd_writes_what_chrono_writes() {
        for (y, m, d) in [
            (2025, 12, 31),
            (2024, 2, 29),
            (1985, 4, 1),
            (999, 1, 9),
            (1, 1, 1),
            (0, 3, 1),
            (9999, 12, 31),
            (10_000, 1, 1),
            (-1, 6, 30),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(Ymd(date).to_string(), date.to_string());
        }
    }
}
