//! Numbers written as text, read without core's float parser.
//!
//! `str::parse::<f64>` links core's correctly rounded float reader and its power-of-five tables:
//! 13 kB of gzip in the web app, measured. serde_json's number reader is in every build anyway
//! (it reads every JSON number the engine sees), so text that holds a number is spelled as a JSON
//! number and read by it. A number then has the same value whether it came in a JSON document or
//! in a string.

/// The number `text` holds, in the grammar of Java's `new BigDecimal(text)`: an optional sign,
/// digits with an optional point (`5.` and `.5` too), an optional exponent. That is how Jayway,
/// AWS's JSONPath, reads a string compared with a number, and it is also what a person types in a
/// field. Surrounding whitespace is ignored. `None` for anything else (`NaN`, `Infinity`, `0x10`)
/// and for numbers beyond `f64`'s range.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    let (sign, unsigned) = match text.as_bytes().first()? {
        b'-' => ("-", &text[1..]),
        b'+' => ("", &text[1..]),
        _ => ("", text),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    // JSON wants exactly one digit before the point when the integer part is zero ("007" and ".5"
    // are not JSON), and at least one digit after a point.
    let int = match int.trim_start_matches('0') {
        "" => "0",
        significant => significant,
    };
    let mut json = format!("{sign}{int}");
    if !frac.is_empty() {
        json.push('.');
        json.push_str(frac);
    }
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if digits.is_empty() || !all_digits(digits) {
            return None;
        }
        json.push('e');
        json.push_str(exponent);
    }
    serde_json::from_str(&json).ok()
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;

    #[test]
    fn reads_what_big_decimal_reads() {
        for text in [
            "0",
            "1",
            "-1",
            "+1",
            "42",
            "007",
            "-007.50",
            ".5",
            "-.5",
            "5.",
            "1e3",
            "1E-3",
            "2.5e+2",
            " 12 ",
            "0.1",
            "123456789.123456789",
            "1e-320",
            "9007199254740993",
        ] {
            let core: f64 = text.trim().parse().unwrap();
            assert_eq!(parse_decimal(text), Some(core), "{text:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_decimal_number() {
        for text in [
            "", " ", ".", "-", "+", "e5", "1e", "1e+", "1e2.5", "NaN", "Infinity", "inf", "0x10", "1_000",
            "1.2.3", "--1", "1e999",
        ] {
            assert_eq!(parse_decimal(text), None, "{text:?}");
        }
    }
}
