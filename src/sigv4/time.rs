//! The SigV4 timestamp, `YYYYMMDDTHHMMSSZ` (UTC), parsed strictly and formatted from Unix time.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::{code, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmzDate(String);

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// Unix seconds of an ISO-8601 UTC time as AWS writes it (`2024-05-01T12:00:00Z`, optionally with fractional
/// seconds); `None` for anything else.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    let s = s.trim_ascii();
    let (date, time) = s.split_once('T')?;
    let time = time.strip_suffix('Z')?;
    let time = time.split_once('.').map_or(time, |(whole, _)| whole);
    // Three numbers between two separators each: "2024-05-01", "12:00:00".
    let three = |s: &str, sep: char| -> Option<[i64; 3]> {
        let mut parts = s.split(sep);
        let mut out = [0i64; 3];
        for n in out.iter_mut() {
            *n = i64::try_from(crate::parse_int(parts.next()?, 10)?).ok()?;
        }
        parts.next().is_none().then_some(out)
    };
    let [y, m, day] = three(date, '-')?;
    let [h, min, sec] = three(time, ':')?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || min > 59 || sec > 60 {
        return None;
    }
    Some(days_from_civil(y, m, day) * 86_400 + h * 3600 + min * 60 + sec)
}

impl AmzDate {
    /// Parses `YYYYMMDDTHHMMSSZ`, checking every field's range.
    pub fn parse(s: &str) -> Result<Self> {
        let b = s.as_bytes();
        let num = |from: usize, to: usize| s.get(from..to).and_then(|t| crate::parse_int(t, 10)).map_or(u32::MAX, |n| n as u32);
        let (year, month, day) = (num(0, 4), num(4, 6), num(6, 8));
        let (hour, minute, second) = (num(9, 11), num(11, 13), num(13, 15));
        let shape = b.len() == 16 && b.get(8) == Some(&b'T') && b.get(15) == Some(&b'Z');
        // Each field is exactly its digits (parse_int takes digits only), in range for a real UTC time.
        if !shape || !(1970..=9999).contains(&year) || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59 {
            return Err(Error::new(code::INVALID_DATETIME, "datetime must be YYYYMMDDTHHMMSSZ in UTC, e.g. 20150830T123600Z"));
        }
        Ok(AmzDate(s.to_owned()))
    }

    /// `YYYYMMDDTHHMMSSZ`
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `YYYYMMDD`, the date of the credential scope.
    pub fn date(&self) -> &str {
        self.0.get(..8).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso8601() {
        assert_eq!(parse_iso8601("2024-05-01T12:00:00Z"), Some(1_714_564_800));
        assert_eq!(parse_iso8601("2024-05-01T12:00:00.123Z"), Some(1_714_564_800));
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso8601("2024-05-01 12:00:00"), None);
        assert_eq!(parse_iso8601("2024-13-01T12:00:00Z"), None);
        assert_eq!(parse_iso8601("2024-05-01-02T12:00:00Z"), None, "a fourth date part");
        assert_eq!(parse_iso8601("2024-05-01T12:00Z"), None, "no seconds");
        assert_eq!(parse_iso8601("2024-05-+1T12:00:00Z"), None, "a sign");
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(AmzDate::parse("20150830T123600Z").map(|d| d.date().to_owned()), Ok("20150830".to_owned()));
        for bad in ["", "20150830T123600", "2015-08-30T12:36:00Z", "20150230T000000Z", "20151301T000000Z", "20150830T246000Z", "2015083OT123600Z", "20150830t123600Z", "19691231T235959Z", "+0150830T123600Z", "20150830T12360-Z", "20150830T123600Zx", "2015０830T123600Z"] {
            assert_eq!(AmzDate::parse(bad).map_err(|e| e.code.to_string()), Err("InvalidDatetime".to_owned()), "{bad}");
        }
        assert!(AmzDate::parse("20240229T235959Z").is_ok());
        assert!(AmzDate::parse("20230229T000000Z").is_err());
    }
}
