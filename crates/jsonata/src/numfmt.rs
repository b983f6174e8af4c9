//! Number pictures: `$formatNumber` (XPath `format-number`), `$formatBase`, and the integer
//! pictures of `$formatInteger`/`$parseInteger` (XPath `format-integer`), which the date
//! pictures reuse for their components.

use std::rc::Rc;

use crate::eval::{Evaluator, Out};
use crate::value::Value;
use crate::{Error, Fail};

type Args = Vec<Option<Value>>;

fn err(code: &'static str, message: impl Into<String>) -> Fail {
    Error::new(code, message)
}

pub(crate) fn format_base(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(Value::Number(n)) = a[0] else { return Ok(None) };
    let radix = match a.get(1) {
        Some(Some(Value::Number(r))) => *r,
        _ => 10.0,
    };
    if !(2.0..=36.0).contains(&radix) {
        return Err(err(
            "D3100",
            format!(
                "The radix of the formatBase function must be between 2 and 36.  It was given {}",
                crate::value::format_number(radix)
            ),
        ));
    }
    let mut v = round_half_even(n).abs() as u128;
    let radix = radix as u128;
    let mut digits = Vec::new();
    loop {
        digits.push(std::char::from_digit((v % radix) as u32, radix as u32).unwrap_or('?'));
        v /= radix;
        if v == 0 {
            break;
        }
    }
    if n < 0.0 && round_half_even(n) != 0.0 {
        digits.push('-');
    }
    Ok(Some(Value::string(digits.into_iter().rev().collect::<String>())))
}

fn round_half_even(n: f64) -> f64 {
    let r = n.round();
    if (r - n).abs() == 0.5 && r % 2.0 != 0.0 {
        r - (r - n).signum() * 1.0
    } else {
        r
    }
}

// ---- integer pictures ----

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Case {
    Lower,
    Upper,
    Title,
}

#[derive(Debug, Clone)]
pub(crate) enum Primary {
    /// Digits of the family starting at `zero`; `mandatory` digits at least; separators at
    /// positions counted from the right, repeating every `every` when regular.
    Decimal {
        zero: char,
        mandatory: usize,
        separators: Vec<(usize, char)>,
        every: Option<(usize, char)>,
    },
    Roman(Case),
    Letters(Case),
    Words(Case),
}

#[derive(Debug, Clone)]
pub(crate) struct IntPicture {
    pub primary: Primary,
    pub ordinal: bool,
}

/// The first digit of the Unicode decimal family `c` belongs to.
fn digit_zero(c: char) -> Option<char> {
    const ZEROS: [u32; 12] =
        [0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0xFF10, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6];
    let code = c as u32;
    ZEROS.iter().find(|&&z| (z..z + 10).contains(&code)).and_then(|&z| char::from_u32(z))
}

pub(crate) fn parse_int_picture(picture: &str) -> Result<IntPicture, Fail> {
    let (primary_text, modifier) = match picture.rfind(';') {
        Some(i) if i > 0 => (&picture[..i], &picture[i + 1..]),
        _ => (picture, ""),
    };
    let ordinal = modifier.starts_with('o');
    let primary = match primary_text {
        "I" => Primary::Roman(Case::Upper),
        "i" => Primary::Roman(Case::Lower),
        "A" => Primary::Letters(Case::Upper),
        "a" => Primary::Letters(Case::Lower),
        "W" => Primary::Words(Case::Upper),
        "w" => Primary::Words(Case::Lower),
        "Ww" => Primary::Words(Case::Title),
        _ => decimal_picture(primary_text)?,
    };
    Ok(IntPicture { primary, ordinal })
}

fn decimal_picture(text: &str) -> Result<Primary, Fail> {
    let mut zero = None;
    let mut mandatory = 0;
    let mut digits_seen = 0;
    let mut separators = Vec::new();
    for c in text.chars().rev() {
        if c == '#' {
            digits_seen += 1;
        } else if let Some(z) = digit_zero(c) {
            if zero.is_some_and(|old| old != z) {
                return Err(err(
                    "D3131",
                    "In a decimal digit pattern, all digits must be from the same decimal group",
                ));
            }
            zero = Some(z);
            mandatory += 1;
            digits_seen += 1;
        } else {
            separators.push((digits_seen, c));
        }
    }
    let Some(zero) = zero else {
        return Err(err("D3130", format!("Formatting or parsing an integer as a sequence starting with {text} is not supported by this implementation")));
    };
    // Regular grouping: one separator character at multiples of the first position.
    let every = match separators.first() {
        Some(&(first, c))
            if first > 0
                && separators.iter().all(|&(p, s)| s == c && p % first == 0)
                && separators.iter().enumerate().all(|(i, &(p, _))| p == first * (i + 1)) =>
        {
            Some((first, c))
        }
        _ => None,
    };
    Ok(Primary::Decimal { zero, mandatory, separators, every })
}

fn apply_case(s: String, case: Case) -> String {
    match case {
        Case::Lower => s,
        Case::Upper => s.to_uppercase(),
        Case::Title => s
            .split(' ')
            .map(|w| {
                if w == "and" {
                    return w.to_string();
                }
                let mut cs = w.chars();
                cs.next().map_or(String::new(), |f| f.to_uppercase().chain(cs).collect())
            })
            .collect::<Vec<_>>()
            .join(" ")
            .split('-')
            .map(|w| {
                let mut cs = w.chars();
                cs.next().map_or(String::new(), |f| f.to_uppercase().chain(cs).collect())
            })
            .collect::<Vec<_>>()
            .join("-"),
    }
}

fn ordinal_suffix(n: u128) -> &'static str {
    match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

pub(crate) fn format_int(n: f64, pic: &IntPicture) -> String {
    let negative = n < 0.0;
    let abs = n.abs().trunc();
    let v = abs as u128;
    let body = match &pic.primary {
        Primary::Decimal { zero, mandatory, separators, every } => {
            let digits: Vec<char> = {
                let s = if abs < 1e21 { format!("{v}") } else { format!("{abs:.0}") };
                // Padded in one pass: a wide picture must not cost its width squared.
                let pad = mandatory.saturating_sub(s.len());
                std::iter::repeat_n('0', pad)
                    .chain(s.chars())
                    .map(|c| char::from_u32(*zero as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
                    .collect()
            };
            let mut out: Vec<char> = Vec::new();
            for (i, c) in digits.iter().rev().enumerate() {
                if i > 0 {
                    let sep = match every {
                        Some((g, s)) if i % g == 0 => Some(*s),
                        Some(_) => None,
                        None => separators.iter().find(|(p, _)| *p == i).map(|(_, s)| *s),
                    };
                    if let Some(s) = sep {
                        out.push(s);
                    }
                }
                out.push(*c);
            }
            let mut s: String = out.into_iter().rev().collect();
            if pic.ordinal {
                s.push_str(ordinal_suffix(v));
            }
            s
        }
        Primary::Roman(case) => {
            let mut s = String::new();
            let mut rest = v;
            for (value, numeral) in [
                (1000, "m"),
                (900, "cm"),
                (500, "d"),
                (400, "cd"),
                (100, "c"),
                (90, "xc"),
                (50, "l"),
                (40, "xl"),
                (10, "x"),
                (9, "ix"),
                (5, "v"),
                (4, "iv"),
                (1, "i"),
            ] {
                while rest >= value {
                    s.push_str(numeral);
                    rest -= value;
                }
            }
            apply_case(s, *case)
        }
        Primary::Letters(case) => {
            let mut s = Vec::new();
            let mut rest = v;
            while rest > 0 {
                rest -= 1;
                s.push((b'a' + (rest % 26) as u8) as char);
                rest /= 26;
            }
            apply_case(s.into_iter().rev().collect(), *case)
        }
        Primary::Words(case) => {
            let mut w = words(abs, false);
            if pic.ordinal {
                w = ordinal_words(&w);
            }
            apply_case(w, *case)
        }
    };
    if negative {
        format!("-{body}")
    } else {
        body
    }
}

const FEW: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const DECADES: [&str; 8] = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const MAGNITUDES: [&str; 4] = ["thousand", "million", "billion", "trillion"];

/// English words; `joined` says a larger part came before (so "and" or a comma leads).
fn words(n: f64, joined: bool) -> String {
    if n < 20.0 {
        let w = FEW[n as usize];
        return if joined { format!(" and {w}") } else { w.to_string() };
    }
    if n < 100.0 {
        let tens = (n / 10.0).floor() as usize;
        let rest = n % 10.0;
        let lead = if joined { " and " } else { "" };
        let mut w = format!("{lead}{}", DECADES[tens - 2]);
        if rest > 0.0 {
            w = format!("{w}-{}", words(rest, false));
        }
        return w;
    }
    if n < 1000.0 {
        let hundreds = (n / 100.0).floor() as usize;
        let rest = n % 100.0;
        let lead = if joined { ", " } else { "" };
        let mut w = format!("{lead}{} hundred", FEW[hundreds]);
        if rest > 0.0 {
            w.push_str(&words(rest, true));
        }
        return w;
    }
    let mag = ((n.log10() / 3.0).floor() as usize).min(MAGNITUDES.len());
    let factor = 10f64.powi(3 * mag as i32);
    let lead_part = (n / factor).floor();
    let rest = n - lead_part * factor;
    let lead = if joined { ", " } else { "" };
    let mut w = format!("{lead}{} {}", words(lead_part, false), MAGNITUDES[mag - 1]);
    if rest > 0.0 {
        w.push_str(&words(rest, true));
    }
    w
}

fn ordinal_word(w: &str) -> String {
    match w {
        "one" => "first".into(),
        "two" => "second".into(),
        "three" => "third".into(),
        "five" => "fifth".into(),
        "eight" => "eighth".into(),
        "nine" => "ninth".into(),
        "twelve" => "twelfth".into(),
        w if w.ends_with('y') => format!("{}ieth", &w[..w.len() - 1]),
        w => format!("{w}th"),
    }
}

fn ordinal_words(w: &str) -> String {
    let cut = w.rfind([' ', '-']).map_or(0, |i| i + 1);
    format!("{}{}", &w[..cut], ordinal_word(&w[cut..]))
}

pub(crate) fn word_value_pub(w: &str) -> Option<f64> {
    word_value(w)
}

fn word_value(w: &str) -> Option<f64> {
    if let Some(i) = FEW.iter().position(|f| *f == w || ordinal_word(f) == w) {
        return Some(i as f64);
    }
    if let Some(i) = DECADES.iter().position(|f| *f == w || ordinal_word(f) == w) {
        return Some((i as f64 + 2.0) * 10.0);
    }
    if w == "hundred" || w == "hundredth" {
        return Some(100.0);
    }
    MAGNITUDES.iter().position(|f| *f == w || ordinal_word(f) == w).map(|i| 10f64.powi(3 * (i as i32 + 1)))
}

pub(crate) fn parse_int(text: &str, pic: &IntPicture) -> Option<f64> {
    match &pic.primary {
        Primary::Decimal { zero, .. } => {
            let mut v = 0.0;
            let mut any = false;
            for c in text.chars() {
                let d = c as u32;
                let z = *zero as u32;
                if (z..z + 10).contains(&d) {
                    v = v * 10.0 + (d - z) as f64;
                    any = true;
                }
            }
            any.then_some(v)
        }
        Primary::Roman(_) => {
            let value = |c: char| match c.to_ascii_lowercase() {
                'i' => 1.0,
                'v' => 5.0,
                'x' => 10.0,
                'l' => 50.0,
                'c' => 100.0,
                'd' => 500.0,
                'm' => 1000.0,
                _ => 0.0,
            };
            let vals: Vec<f64> = text.chars().map(value).collect();
            let mut total = 0.0;
            for (i, v) in vals.iter().enumerate() {
                if vals.get(i + 1).is_some_and(|next| next > v) {
                    total -= v;
                } else {
                    total += v;
                }
            }
            Some(total)
        }
        Primary::Letters(_) => {
            let mut v = 0.0;
            for c in text.chars() {
                if !c.is_ascii_alphabetic() {
                    return None;
                }
                v = v * 26.0 + (c.to_ascii_lowercase() as u32 - 'a' as u32 + 1) as f64;
            }
            Some(v)
        }
        Primary::Words(_) => {
            let lower = text.to_lowercase();
            let (mut total, mut current) = (0.0, 0.0);
            for w in lower.split([' ', ',', '-']).filter(|w| !w.is_empty() && *w != "and") {
                let v = word_value(w)?;
                if v == 100.0 {
                    current *= 100.0;
                } else if v >= 1000.0 {
                    if current == 0.0 && total > 0.0 {
                        total *= v;
                    } else if total + current < v {
                        total = (total + current) * v;
                    } else {
                        total += current * v;
                    }
                    current = 0.0;
                } else {
                    current += v;
                }
            }
            Some(total + current)
        }
    }
}

pub(crate) fn format_integer(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(Value::Number(n)) = a[0] else { return Ok(None) };
    let Some(Some(Value::String(picture))) = a.get(1) else { return Ok(None) };
    let pic = parse_int_picture(picture)?;
    if !n.is_finite() {
        return Err(err("D1001", format!("Number out of range: {}", crate::value::format_number(n))));
    }
    Ok(Some(Value::string(format_int(n, &pic))))
}

pub(crate) fn parse_integer(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(Value::String(text)) = &a[0] else { return Ok(None) };
    let Some(Some(Value::String(picture))) = a.get(1) else { return Ok(None) };
    let pic = parse_int_picture(picture)?;
    Ok(parse_int(text, &pic).map(Value::Number))
}

// ---- format-number ----

struct Symbols {
    decimal: char,
    grouping: char,
    exponent: char,
    minus: String,
    infinity: String,
    nan: String,
    percent: String,
    per_mille: String,
    zero: char,
    digit: char,
    pattern: char,
}

fn symbols(options: &Option<Value>) -> Symbols {
    let mut s = Symbols {
        decimal: '.',
        grouping: ',',
        exponent: 'e',
        minus: "-".into(),
        infinity: "Infinity".into(),
        nan: "NaN".into(),
        percent: "%".into(),
        per_mille: "\u{2030}".into(),
        zero: '0',
        digit: '#',
        pattern: ';',
    };
    if let Some(Value::Object(m)) = options {
        let get = |k: &str| match m.get(k) {
            Some(Value::String(v)) => Some(v.clone()),
            _ => None,
        };
        let first = |v: Rc<str>| v.chars().next();
        if let Some(c) = get("decimal-separator").and_then(first) {
            s.decimal = c;
        }
        if let Some(c) = get("grouping-separator").and_then(first) {
            s.grouping = c;
        }
        if let Some(c) = get("exponent-separator").and_then(first) {
            s.exponent = c;
        }
        if let Some(v) = get("minus-sign") {
            s.minus = v.to_string();
        }
        if let Some(v) = get("infinity") {
            s.infinity = v.to_string();
        }
        if let Some(v) = get("NaN") {
            s.nan = v.to_string();
        }
        if let Some(v) = get("percent") {
            s.percent = v.to_string();
        }
        if let Some(v) = get("per-mille") {
            s.per_mille = v.to_string();
        }
        if let Some(c) = get("zero-digit").and_then(first) {
            s.zero = c;
        }
        if let Some(c) = get("digit").and_then(first) {
            s.digit = c;
        }
        if let Some(c) = get("pattern-separator").and_then(first) {
            s.pattern = c;
        }
    }
    s
}

struct SubPicture {
    prefix: String,
    suffix: String,
    int_part: Vec<char>,
    frac_part: Vec<char>,
    exponent_digits: Option<usize>,
    percent: bool,
    per_mille: bool,
}

fn analyse(picture: &str, sy: &Symbols) -> Result<SubPicture, Fail> {
    let chars: Vec<char> = picture.chars().collect();
    let is_digit = |c: char| c == sy.digit || (sy.zero as u32..sy.zero as u32 + 10).contains(&(c as u32));
    let is_active = |c: char| is_digit(c) || c == sy.decimal || c == sy.grouping;
    let start = chars.iter().position(|&c| is_active(c)).unwrap_or(chars.len());
    let mut end = chars.iter().rposition(|&c| is_digit(c) || c == sy.decimal).map_or(start, |i| i + 1);
    // A grouping separator after the last digit belongs to the number (and is an error).
    while end < chars.len() && chars[end] == sy.grouping {
        end += 1;
    }
    let prefix: String = chars[..start].iter().collect();
    let suffix: String = chars[end.max(start)..].iter().collect();
    let middle = &chars[start..end.max(start)];
    let count = |s: &str, pat: &str| if pat.is_empty() { 0 } else { s.matches(pat).count() };
    let whole = format!("{prefix}{suffix}");
    let percents = count(&whole, &sy.percent);
    let per_milles = count(&whole, &sy.per_mille);
    if percents > 1 {
        return Err(err(
            "D3082",
            "A sub-picture must not contain more than one instance of the 'percent' character",
        ));
    }
    if per_milles > 1 {
        return Err(err(
            "D3083",
            "A sub-picture must not contain more than one instance of the 'per-mille' character",
        ));
    }
    if percents > 0 && per_milles > 0 {
        return Err(err(
            "D3084",
            "A sub-picture must not contain both a 'percent' and a 'per-mille' character",
        ));
    }
    let (mantissa, exponent): (&[char], Option<&[char]>) = match middle.iter().position(|&c| c == sy.exponent)
    {
        Some(i) => (&middle[..i], Some(&middle[i + 1..])),
        None => (middle, None),
    };
    if mantissa.iter().any(|&c| !is_active(c)) {
        return Err(err("D3086", "A sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character"));
    }
    if !mantissa.iter().any(|&c| is_digit(c)) {
        return Err(err("D3085", "The mantissa part of a sub-picture must contain at least one character that is an optional digit character or a member of the decimal digit family"));
    }
    if mantissa.iter().filter(|&&c| c == sy.decimal).count() > 1 {
        return Err(err(
            "D3081",
            "A sub-picture must not contain more than one instance of the 'decimal-separator' character",
        ));
    }
    let (int_part, frac_part) = match mantissa.iter().position(|&c| c == sy.decimal) {
        Some(i) => (mantissa[..i].to_vec(), mantissa[i + 1..].to_vec()),
        None => (mantissa.to_vec(), Vec::new()),
    };
    let has_decimal = mantissa.contains(&sy.decimal);
    if has_decimal && (int_part.last() == Some(&sy.grouping) || frac_part.first() == Some(&sy.grouping)) {
        return Err(err("D3087", "A sub-picture must not contain a grouping-separator that appears adjacent to a decimal-separator"));
    }
    if !has_decimal && int_part.last() == Some(&sy.grouping) {
        return Err(err("D3088", "The integer part of a sub-picture must not end with a grouping-separator"));
    }
    if mantissa.windows(2).any(|w| w[0] == sy.grouping && w[1] == sy.grouping) {
        return Err(err(
            "D3089",
            "A sub-picture must not contain two adjacent instances of the 'grouping-separator' character",
        ));
    }
    let is_mandatory = |c: char| c != sy.digit && is_digit(c);
    if let Some(first_mandatory) = int_part.iter().position(|&c| is_mandatory(c)) {
        if int_part[first_mandatory..].contains(&sy.digit) {
            return Err(err("D3090", "The integer part of a sub-picture must not contain a member of the decimal digit family that is followed by an instance of the optional digit character"));
        }
    }
    if let Some(first_optional) = frac_part.iter().position(|&c| c == sy.digit) {
        if frac_part[first_optional..].iter().any(|&c| is_mandatory(c)) {
            return Err(err("D3091", "The fractional part of a sub-picture must not contain an instance of the optional digit character that is followed by a member of the decimal digit family"));
        }
    }
    let exponent_digits = match exponent {
        None => None,
        Some(e) => {
            if percents + per_milles > 0 {
                return Err(err("D3092", "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'"));
            }
            if e.is_empty() || e.iter().any(|&c| !is_mandatory(c)) {
                return Err(err("D3093", "The exponent part of a sub-picture must consist solely of one or more members of the decimal digit family"));
            }
            Some(e.len())
        }
    };
    Ok(SubPicture {
        prefix,
        suffix,
        int_part,
        frac_part,
        exponent_digits,
        percent: percents > 0,
        per_mille: per_milles > 0,
    })
}

pub(crate) fn format_number(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(Value::Number(n)) = a[0] else { return Ok(None) };
    let Some(Some(Value::String(picture))) = a.get(1) else { return Ok(None) };
    let sy = symbols(a.get(2).unwrap_or(&None));
    let parts: Vec<&str> = picture.split(sy.pattern).collect();
    if parts.len() > 2 {
        return Err(err("D3080", "The picture string must only contain a maximum of two sub-pictures"));
    }
    let positive = analyse(parts[0], &sy)?;
    let negative = parts.get(1).map(|p| analyse(p, &sy)).transpose()?;
    if n.is_nan() {
        return Ok(Some(Value::string(sy.nan.clone())));
    }
    let (pic, lead) = match (&negative, n < 0.0) {
        (Some(neg), true) => (neg, String::new()),
        (None, true) => (&positive, sy.minus.clone()),
        _ => (&positive, String::new()),
    };
    let mut value = n.abs();
    if pic.percent {
        value *= 100.0;
    } else if pic.per_mille {
        value *= 1000.0;
    }
    let mandatory = |c: &char| *c != sy.digit && *c != sy.grouping;
    let digit = |c: &char| *c != sy.grouping;
    let mut min_int = pic.int_part.iter().filter(|c| mandatory(c)).count();
    let mut min_frac = pic.frac_part.iter().filter(|c| mandatory(c)).count();
    let mut max_frac = pic.frac_part.iter().filter(|c| digit(c)).count();
    if min_int == 0 && max_frac == 0 {
        if pic.exponent_digits.is_some() {
            min_frac = 1;
            max_frac = 1;
        } else {
            min_int = 1;
        }
    }
    let mut exponent = 0i32;
    // The mantissa gets `min_int` digits before the decimal point.
    if pic.exponent_digits.is_some() && value != 0.0 {
        let magnitude = value.log10().floor() as i32 + 1;
        exponent = magnitude - min_int as i32;
        value /= 10f64.powi(exponent);
    }

    if value.is_infinite() {
        return Ok(Some(Value::string(format!("{lead}{}{}{}", pic.prefix, sy.infinity, pic.suffix))));
    }
    let text = format!("{value:.max_frac$}");
    let (int_digits, frac_digits) = text.split_once('.').unwrap_or((&text, ""));
    let int_digits = int_digits.trim_start_matches('0');
    // Padded in one go: a zero inserted at a time is quadratic in a long picture.
    let int_digits = "0".repeat(min_int.saturating_sub(int_digits.len())) + int_digits;
    let mut frac_digits = frac_digits.trim_end_matches('0').to_string();
    while frac_digits.len() < min_frac {
        frac_digits.push('0');
    }
    // Grouping, from the picture's separator positions.
    let int_seps: Vec<usize> = {
        let mut seps = Vec::new();
        let mut count = 0;
        for c in pic.int_part.iter().rev() {
            if *c == sy.grouping {
                seps.push(count);
            } else {
                count += 1;
            }
        }
        seps
    };
    let regular = int_seps.first().copied().filter(|&g| g > 0 && int_seps.iter().all(|p| p % g == 0));
    let map_digit = |c: char| char::from_u32(sy.zero as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c);
    let mut int_out: Vec<char> = Vec::new();
    for (i, c) in int_digits.chars().rev().enumerate() {
        if i > 0 && (regular.is_some_and(|g| i % g == 0) || (regular.is_none() && int_seps.contains(&i))) {
            int_out.push(sy.grouping);
        }
        int_out.push(map_digit(c));
    }
    let mut int_text: String = int_out.into_iter().rev().collect();
    // An empty integer part where the picture has an optional digit shows a zero.
    if int_text.is_empty() && pic.int_part.contains(&sy.digit) {
        int_text.push(sy.zero);
    }
    let frac_seps: Vec<usize> = {
        let mut seps = Vec::new();
        let mut count = 0;
        for c in &pic.frac_part {
            if *c == sy.grouping {
                seps.push(count);
            } else {
                count += 1;
            }
        }
        seps
    };
    let mut frac_text = String::new();
    for (i, c) in frac_digits.chars().enumerate() {
        if i > 0 && frac_seps.contains(&i) {
            frac_text.push(sy.grouping);
        }
        frac_text.push(map_digit(c));
    }
    let mut out = format!("{lead}{}{int_text}", pic.prefix);
    if !frac_text.is_empty() {
        out.push(sy.decimal);
        out.push_str(&frac_text);
    }
    if let Some(width) = pic.exponent_digits {
        out.push(sy.exponent);
        if exponent < 0 {
            out.push_str(&sy.minus);
        }
        let digits = format!("{:0width$}", exponent.unsigned_abs());
        out.extend(digits.chars().map(map_digit));
    }
    out.push_str(&pic.suffix);
    Ok(Some(Value::string(out)))
}
