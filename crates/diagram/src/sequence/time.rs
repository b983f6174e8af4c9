//! Timestamps of history events and the durations printed on the time axis.
//!
//! History timestamps arrive as ISO-8601 strings (`2024-04-18T10:00:05.123Z`, `+00:00` offsets, or
//! Python's `2024-04-18 10:00:05.123000+00:00`) or, as on the AWS JSON wire, epoch seconds numbers.
//! We parse them ourselves: no date crate for one function.

use serde_json::Value;

/// Epoch milliseconds of a history `timestamp`, if it can be read.
pub(crate) fn timestamp_ms(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => parse_iso(s),
        Value::Number(n) => {
            let f = n.as_f64()?;
            if !f.is_finite() || f.abs() > 1e15 {
                return None;
            }
            // Epoch seconds on the wire; large values are already milliseconds.
            Some(if f.abs() < 1e11 { (f * 1000.0).round() as i64 } else { f.round() as i64 })
        }
        _ => None,
    }
}

fn parse_iso(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 19 || !s.is_ascii() {
        return None;
    }
    // As `str::parse::<i64>` reads these few characters: an optional sign, then digits.
    let int = |from: usize, to: usize| -> Option<i64> {
        let field = b.get(from..to)?;
        let (sign, digits) = match field {
            [b'-', rest @ ..] => (-1, rest),
            [b'+', rest @ ..] => (1, rest),
            _ => (1, field),
        };
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(sign * digits.iter().fold(0, |n, &c| n * 10 + i64::from(c - b'0')))
    };
    let (y, mo, d) = (int(0, 4)?, int(5, 7)?, int(8, 10)?);
    if b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ') {
        return None;
    }
    let (h, mi, sec) = (int(11, 13)?, int(14, 16)?, int(17, 19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut ms = 0i64;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        rest = &frac[n..];
        // The first three digits, padded with zeros.
        let digits = frac.bytes().take(n.min(3)).chain(std::iter::repeat(b'0'));
        ms = digits.take(3).fold(0, |ms, c| ms * 10 + i64::from(c - b'0'));
    }
    let offset_min = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            // Exactly four digits, whatever separates them ("+02:00", "+0200").
            let mut digits = rest[1..].bytes().filter(u8::is_ascii_digit).map(|c| i64::from(c - b'0'));
            let hhmm = digits.by_ref().take(4).fold((0, 0), |(value, count), d| (value * 10 + d, count + 1));
            if hhmm.1 != 4 || digits.next().is_some() {
                return None;
            }
            sign * (hhmm.0 / 100 * 60 + hhmm.0 % 100)
        }
    };
    let days = days_from_civil(y, mo, d);
    Some(((days * 24 + h) * 60 + mi - offset_min) * 60_000 + sec * 1000 + ms)
}

/// Epoch milliseconds as an ISO-8601 UTC time, to the millisecond (`2024-04-18T10:00:05.123Z`).
pub(crate) fn iso_utc(ms: i64) -> String {
    let (days, in_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s, milli) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An axis label: time since the execution started ("0 s", "+2.5 s", "+10 min 5 s", "+3 h").
pub(crate) fn offset_label(ms: i64) -> String {
    if ms == 0 {
        return "0 s".to_string();
    }
    let sign = if ms < 0 { "−" } else { "+" };
    format!("{sign}{}", duration(ms.unsigned_abs()))
}

/// A duration, precise below a minute and coarser above ("1.25 s", "4 min 5 s", "3 h 2 min").
pub(crate) fn duration(ms: u64) -> String {
    const MIN: u64 = 60_000;
    const HOUR: u64 = 60 * MIN;
    const DAY: u64 = 24 * HOUR;
    if ms < MIN {
        let fraction = format!("{:03}", ms % 1000);
        let fraction = fraction.trim_end_matches('0');
        let point = if fraction.is_empty() { "" } else { "." };
        return format!("{}{point}{fraction} s", ms / 1000);
    }
    let pair = |big: u64, bu: &str, small: u64, su: &str| {
        if small == 0 {
            format!("{big} {bu}")
        } else {
            format!("{big} {bu} {small} {su}")
        }
    };
    if ms < HOUR {
        pair(ms / MIN, "min", (ms % MIN) / 1000, "s")
    } else if ms < DAY {
        pair(ms / HOUR, "h", (ms % HOUR) / MIN, "min")
    } else {
        pair(ms / DAY, "d", (ms % DAY) / HOUR, "h")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_iso_forms() {
        let base = timestamp_ms(&json!("2024-04-18T10:00:00Z")).unwrap_or(0);
        assert_eq!(base, 1_713_434_400_000);
        assert_eq!(timestamp_ms(&json!("2024-04-18T10:00:05.25Z")), Some(base + 5250));
        assert_eq!(timestamp_ms(&json!("2024-04-18 12:00:00.123000+02:00")), Some(base + 123));
        assert_eq!(timestamp_ms(&json!(1_713_434_400.5)), Some(base + 500));
        assert_eq!(timestamp_ms(&json!("yesterday")), None);
        assert_eq!(timestamp_ms(&json!("2024-13-18T10:00:00Z")), None);
    }

    #[test]
    fn prints_utc_times() {
        for s in [
            "2024-04-18T10:00:05.123Z",
            "1970-01-01T00:00:00.000Z",
            "2000-02-29T23:59:59.999Z",
            "1969-12-31T23:59:59.000Z",
        ] {
            assert_eq!(timestamp_ms(&json!(s)).map(iso_utc).as_deref(), Some(s));
        }
    }

    #[test]
    fn formats_durations() {
        assert_eq!(offset_label(0), "0 s");
        assert_eq!(offset_label(2500), "+2.5 s");
        assert_eq!(offset_label(605_000), "+10 min 5 s");
        assert_eq!(duration(3 * 3_600_000 + 120_000), "3 h 2 min");
        assert_eq!(duration(2 * 86_400_000), "2 d");
    }
}
