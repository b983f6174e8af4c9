//! Small text helpers shared by the components: virtual-clock times, durations and diagnostics.
//! Pure functions, tested natively.

/// Lower case for case-insensitive matching, with Unicode's full mapping. In the browser it is
/// JavaScript's `toLowerCase`, which maps the same way: std's `str::to_lowercase` would add its
/// Unicode case table to the download (about 8 kB of gzip).
pub fn lowercase(s: &str) -> String {
    if cfg!(target_arch = "wasm32") {
        js_sys::JsString::from(s).to_lower_case().into()
    } else {
        s.to_lowercase()
    }
}

/// A point on the virtual clock, as `HH:MM:SS.mmm` since the execution started.
/// Days are folded into the hours (`49:00:00.000`), which reads better than a date for a simulation.
pub fn clock(ms: u64) -> String {
    let h = ms / 3_600_000;
    let m = ms / 60_000 % 60;
    let s = ms / 1000 % 60;
    let milli = ms % 1000;
    format!("{h:02}:{m:02}:{s:02}.{milli:03}")
}

/// A span of time in the largest two units that matter: `1h 05m`, `4m 20s`, `12.5s`, `0s`.
pub fn duration(ms: u64) -> String {
    let total_s = ms / 1000;
    if ms >= 86_400_000 {
        format!("{}d {:02}h", ms / 86_400_000, ms / 3_600_000 % 24)
    } else if ms >= 3_600_000 {
        format!("{}h {:02}m", ms / 3_600_000, total_s / 60 % 60)
    } else if ms >= 60_000 {
        format!("{}m {:02}s", ms / 60_000, total_s % 60)
    } else {
        match ms % 1000 / 100 {
            0 => format!("{total_s}s"),
            tenths => format!("{total_s}.{tenths}s"),
        }
    }
}

/// How a deadline relates to now: `in 59m 59s`, `due now`, `2s overdue`.
pub fn countdown(now_ms: u64, due_ms: u64) -> String {
    if due_ms > now_ms {
        format!("in {}", duration(due_ms - now_ms))
    } else if due_ms == now_ms {
        "due now".to_string()
    } else {
        format!("{} overdue", duration(now_ms - due_ms))
    }
}

/// A task token is long; lists show its head and tail, as the sequence diagram labels it.
pub use diagram::short_token;

/// Milliseconds as plain seconds, exact and without trailing zeros: `30`, `1.25`, `0.005`.
pub fn seconds(ms: u64) -> String {
    match ms % 1000 {
        0 => (ms / 1000).to_string(),
        milli => {
            let fraction = format!("{milli:03}");
            format!("{}.{}", ms / 1000, fraction.trim_end_matches('0'))
        }
    }
}

/// A number for a CSS property (`37.5`, `-4.25`), rounded to hundredths.
///
/// Written with integers on purpose: formatting an `f64` (`{:.2}`) would put std's float printer
/// in the download, and nothing else in the app needs it.
pub fn css_number(v: f64) -> String {
    let hundredths = (v * 100.0).round() as i64;
    let sign = if hundredths < 0 { "-" } else { "" };
    let (whole, fraction) = (hundredths.unsigned_abs() / 100, hundredths.unsigned_abs() % 100);
    match fraction {
        0 => format!("{sign}{whole}"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
        f => format!("{sign}{whole}.{f:02}"),
    }
}

/// The UTF-16 offset of a byte offset in `text`, which is what a textarea's selection API counts.
/// Offsets past the end or inside a character are clamped to the character that contains them.
pub fn utf16_offset(text: &str, byte: usize) -> u32 {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    text[..byte].encode_utf16().count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_is_unicode_aware() {
        assert_eq!(lowercase("TaskSucceeded ÜBER ΟΔΟΣ"), "tasksucceeded über οδος");
    }

    #[test]
    fn clock_reads_as_hours_minutes_seconds() {
        assert_eq!(clock(0), "00:00:00.000");
        assert_eq!(clock(3_600_000), "01:00:00.000");
        assert_eq!(clock(3_723_045), "01:02:03.045");
        assert_eq!(clock(49 * 3_600_000), "49:00:00.000");
    }

    #[test]
    fn durations_keep_two_units() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(12_500), "12.5s");
        assert_eq!(duration(260_000), "4m 20s");
        assert_eq!(duration(3_599_000), "59m 59s");
        assert_eq!(duration(3_600_000), "1h 00m");
        assert_eq!(duration(90_000_000), "1d 01h");
    }

    #[test]
    fn countdowns_say_which_side_of_now() {
        assert_eq!(countdown(0, 3_600_000), "in 1h 00m");
        assert_eq!(countdown(5, 5), "due now");
        assert_eq!(countdown(3_000, 1_000), "2s overdue");
    }

    #[test]
    fn tokens_are_shortened_in_the_middle() {
        assert_eq!(short_token("abc"), "abc");
        assert_eq!(short_token("0123456789abcdefghijkl"), "01234567…ghijkl");
    }

    #[test]
    fn seconds_are_exact_and_trimmed() {
        assert_eq!(seconds(0), "0");
        assert_eq!(seconds(30_000), "30");
        assert_eq!(seconds(1_250), "1.25");
        assert_eq!(seconds(5), "0.005");
        assert_eq!(seconds(90_100), "90.1");
    }

    #[test]
    fn css_numbers_have_at_most_two_decimals() {
        assert_eq!(css_number(0.0), "0");
        assert_eq!(css_number(-0.001), "0");
        assert_eq!(css_number(37.5), "37.5");
        assert_eq!(css_number(33.333_333), "33.33");
        assert_eq!(css_number(-4.256), "-4.26");
        assert_eq!(css_number(1200.0), "1200");
    }

    #[test]
    fn utf16_offsets_count_code_units() {
        assert_eq!(utf16_offset("abc", 2), 2);
        assert_eq!(utf16_offset("é!", 2), 1);
        assert_eq!(utf16_offset("é!", 1), 0);
        assert_eq!(utf16_offset("😀x", 4), 2);
        assert_eq!(utf16_offset("ab", 99), 2);
    }
}
