//! Timestamps as ASL writes them (RFC 3339, as AWS accepts it): Choice rules compare them, Wait
//! states wait for them, scenarios schedule by them.

/// The last instant RFC 3339 can write (`9999-12-31T23:59:59.999Z`), in milliseconds since the
/// Unix epoch: every timestamp Baton prints is at or before it.
pub const LAST_EPOCH_MS: u64 = 253_402_300_799_999;

/// An instant on the UTC timeline, with nanosecond precision; ordered by time, so timestamps written
/// with different offsets compare correctly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z (negative before).
    seconds: i64,
    /// 0..1_000_000_000.
    nanos: u32,
}

impl Timestamp {
    pub fn from_epoch_millis(millis: i64) -> Timestamp {
        let nanos = millis.rem_euclid(1000) as u32 * 1_000_000;
        Timestamp { seconds: millis.div_euclid(1000), nanos }
    }

    /// Milliseconds since the Unix epoch, rounded down (the virtual clock's unit).
    pub fn to_epoch_millis(&self) -> i64 {
        self.seconds * 1000 + i64::from(self.nanos / 1_000_000)
    }

    pub fn epoch_seconds(&self) -> i64 {
        self.seconds
    }

    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }
}

/// Parses an RFC 3339 timestamp as AWS accepts it: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of
/// any length (digits beyond nanoseconds are dropped), then `Z` or `±HH:MM`.
///
/// Rejected, as AWS rejects them: a missing `T` (`2016-12-05 21:29:29Z`), a missing zone, a lowercase
/// `t` or `z` (the ASL spec demands uppercase), out-of-range fields (month 13, hour 25, February 30),
/// leap second 60 and offsets beyond ±18:00 (Java's limits; AWS runs on Java).
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    let num = |at: usize, len: usize| -> Option<i64> {
        let digits = b.get(at..at + len)?;
        digits.iter().try_fold(0i64, |n, d| d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0')))
    };
    let punct = |at: usize, c: u8| b.get(at) == Some(&c);
    let year = num(0, 4)?;
    let month = num(5, 2)?;
    let day = num(8, 2)?;
    let hour = num(11, 2)?;
    let minute = num(14, 2)?;
    let second = num(17, 2)?;
    if !(punct(4, b'-') && punct(7, b'-') && punct(10, b'T') && punct(13, b':') && punct(16, b':')) {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if punct(i, b'.') {
        i += 1;
        let start = i;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            if i - start < 9 {
                nanos = nanos * 10 + u32::from(d - b'0');
            }
            i += 1;
        }
        let count = i - start;
        if count == 0 {
            return None;
        }
        for _ in count..9 {
            nanos *= 10;
        }
    }
    let offset = match b.get(i)? {
        b'Z' => {
            i += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            let (oh, om) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if !punct(i + 3, b':') || om > 59 || oh * 60 + om > 18 * 60 {
                return None;
            }
            i += 6;
            let minutes = oh * 60 + om;
            if *sign == b'-' {
                -minutes
            } else {
                minutes
            }
        }
        _ => return None,
    };
    if i != b.len() || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
    Some(Timestamp { seconds, nanos })
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (negative before). Counts from
/// 0000-03-01 so the leap day falls at the end of each 400-year cycle's year.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Option<i64> {
        parse_timestamp(s).map(|t| t.to_epoch_millis())
    }

    #[test]
    fn timestamp_parser() {
        assert_eq!(ts("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(ts("2012-10-09T19:00:55Z"), Some(1_349_809_255_000));
        assert_eq!(ts("2012-10-09T20:00:55+01:00"), Some(1_349_809_255_000));
        assert_eq!(ts("2012-10-09T18:30:55-00:30"), Some(1_349_809_255_000));
        assert_eq!(ts("2016-03-05T21:29:29.243167252Z"), Some(1_457_213_369_243));
        assert_eq!(ts("2016-03-05T21:29:29.5Z"), Some(1_457_213_369_500));
        assert_eq!(ts("2016-03-05T21:29:29.1234567891234Z"), Some(1_457_213_369_123));
        assert_eq!(ts("1969-12-31T23:59:59.999Z"), Some(-1));
        assert_eq!(ts("2000-02-29T00:00:00Z"), Some(951_782_400_000));
        assert_eq!(ts("9999-12-31T23:59:59Z"), Some(253_402_300_799_000));
        let a = parse_timestamp("2016-03-05T21:29:29.000000001Z");
        let b = parse_timestamp("2016-03-05T21:29:29Z");
        assert!(a > b);
        assert_eq!(a.map(|t| t.subsec_nanos()), Some(1));
        assert_eq!(Timestamp::from_epoch_millis(-1), Timestamp { seconds: -1, nanos: 999_000_000 });
        for bad in [
            "2016-12-05 21:29:29Z",
            "2016-12-05T21:29:29",
            "2016-13-05T21:29:29Z",
            "2016-12-05T25:29:29Z",
            "05-12-2016T21:29:29Z",
            "2023-02-24",
            "2023-02-24 12:15:56.832957",
            "2016-12-05t21:29:29Z",
            "2016-12-05T21:29:29z",
            "2016-12-05T21:29Z",
            "2016-12-05T21:29:60Z",
            "2016-12-05T21:29:29.Z",
            "2015-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2016-04-31T00:00:00Z",
            "2016-00-10T00:00:00Z",
            "2016-01-00T00:00:00Z",
            "2016-12-05T21:29:29+0100",
            "2016-12-05T21:29:29+19:00",
            "2016-12-05T21:29:29+01:60",
            "2016-12-05T21:29:29Z ",
            " 2016-12-05T21:29:29Z",
            "+2016-12-05T21:29:29Z",
            "２016-12-05T21:29:29Z",
            "",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad:?} should be rejected");
        }
        assert!(parse_timestamp("2016-12-05T21:29:29+18:00").is_some());
        assert!(parse_timestamp("2016-12-05T21:29:29-00:00").is_some());
    }
}
