//! Dates: `$now`, `$fromMillis` and `$toMillis`, with ISO 8601 by default and XPath picture
//! strings (`[Y0001]-[M01]-[D01]`). The clock is the host's (`Environment::now_ms`).

use crate::eval::{Evaluator, Out};
use crate::numfmt::{format_int, parse_int, parse_int_picture, Case, IntPicture, Primary};
use crate::value::Value;
use crate::{Error, Fail};

type Args = Vec<Option<Value>>;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MS_PER_DAY: i64 = 86_400_000;
const ISO_PICTURE: &str = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";

fn err(code: &'static str, message: impl Into<String>) -> Fail {
    Error::new(code, message)
}

/// The widest a date/time picture's `,min-max` modifier may ask a component to be.
const MAX_WIDTH: usize = 10_000;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01: (year, month 1-12, day 1-31).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// The broken-down time of an instant at an offset.
struct Parts {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    millis: i64,
    days: i64,
    offset_minutes: i64,
}

impl Parts {
    fn at(ms: i64, offset_minutes: i64) -> Parts {
        let local = ms + offset_minutes * 60_000;
        let days = local.div_euclid(MS_PER_DAY);
        let rem = local.rem_euclid(MS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        Parts {
            year,
            month,
            day,
            hour: rem / 3_600_000,
            minute: rem / 60_000 % 60,
            second: rem / 1000 % 60,
            millis: rem % 1000,
            days,
            offset_minutes,
        }
    }

    /// ISO day of the week, Monday 1 to Sunday 7.
    fn weekday(&self) -> i64 {
        (self.days + 3).rem_euclid(7) + 1
    }

    fn day_of_year(&self) -> i64 {
        self.days - days_from_civil(self.year, 1, 1) + 1
    }

    /// The Thursday of this date's Monday-to-Sunday week: weeks belong to the year and month of
    /// their Thursday.
    fn thursday(&self) -> (i64, i64, i64, i64) {
        let t = self.days - (self.weekday() - 1) + 3;
        let (y, m, d) = civil_from_days(t);
        (y, m, d, t - days_from_civil(y, 1, 1) + 1)
    }
}

pub(crate) fn now(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let ms = ev.env.now_ms;
    format_millis(ms, a.first().cloned().flatten(), a.get(1).cloned().flatten())
}

pub(crate) fn from_millis(_: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(Value::Number(ms)) = a[0] else { return Ok(None) };
    // Beyond JavaScript's date range (±1e8 days) there is no date to show.
    if ms.is_nan() || ms.abs() > 8.64e15 {
        return Ok(None);
    }
    format_millis(ms.floor() as i64, a.get(1).cloned().flatten(), a.get(2).cloned().flatten())
}

fn format_millis(ms: i64, picture: Option<Value>, timezone: Option<Value>) -> Out {
    let offset = match &timezone {
        Some(Value::String(tz)) => parse_offset(tz).unwrap_or(0),
        _ => 0,
    };
    let picture = match &picture {
        Some(Value::String(p)) => p.to_string(),
        _ => ISO_PICTURE.to_string(),
    };
    let parts = Parts::at(ms, offset);
    let mut out = String::new();
    for piece in parse_picture(&picture)? {
        match piece {
            Piece::Literal(s) => out.push_str(&s),
            Piece::Marker(m) => out.push_str(&format_marker(&m, &parts)?),
        }
    }
    Ok(Some(Value::string(out)))
}

/// `±HHMM` (or `±HH:MM`) as minutes east of UTC.
fn parse_offset(tz: &str) -> Option<i64> {
    let sign = match tz.chars().next()? {
        '-' => -1,
        '+' => 1,
        _ => 1,
    };
    let digits: String = tz.chars().filter(|c| c.is_ascii_digit()).collect();
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i64>().ok()?, 0),
        3 | 4 => {
            (digits[..digits.len() - 2].parse::<i64>().ok()?, digits[digits.len() - 2..].parse::<i64>().ok()?)
        }
        _ => return None,
    };
    Some(sign * (h * 60 + m))
}

enum Piece {
    Literal(String),
    Marker(Marker),
}

struct Marker {
    component: char,
    /// The presentation modifier as written (`01`, `Nn`, `w`...), empty when defaulted.
    presentation: String,
    ordinal: bool,
    min_width: Option<usize>,
    max_width: Option<usize>,
}

fn parse_picture(picture: &str) -> Result<Vec<Piece>, Fail> {
    let chars: Vec<char> = picture.chars().collect();
    // An unclosed marker is reported before anything inside the markers.
    let (mut i, mut open) = (0, false);
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('[', Some('[')) | (']', Some(']')) if !open => i += 1,
            ('[', _) => open = true,
            (']', _) => open = false,
            _ => {}
        }
        i += 1;
    }
    if open {
        return Err(err("D3135", "No matching closing bracket ']' in date/time picture string"));
    }
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ']' && chars.get(i + 1) == Some(&']') {
            literal.push(']');
            i += 2;
            continue;
        }
        if c != '[' {
            literal.push(c);
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'[') {
            literal.push('[');
            i += 2;
            continue;
        }
        let Some(close) = chars[i..].iter().position(|&c| c == ']') else {
            return Err(err("D3135", "No matching closing bracket ']' in date/time picture string"));
        };
        if !literal.is_empty() {
            pieces.push(Piece::Literal(std::mem::take(&mut literal)));
        }
        let body: String = chars[i + 1..i + close].iter().filter(|c| !c.is_whitespace()).collect();
        pieces.push(Piece::Marker(parse_marker(&body)?));
        i += close + 1;
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal));
    }
    Ok(pieces)
}

fn parse_marker(body: &str) -> Result<Marker, Fail> {
    let mut chars = body.chars();
    let component = chars.next().unwrap_or(' ');
    if !"YMDdFWwXxHhPmsfZzCE".contains(component) {
        return Err(err(
            "D3132",
            format!("Unknown component specifier {component} in date/time picture string"),
        ));
    }
    let rest: String = chars.collect();
    let (modifiers, width) = match rest.rfind(',') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest.as_str(), None),
    };
    let presentation = modifiers.to_string();
    // A second modifier may follow the presentation: `o` ordinal, `c` cardinal (the default), and
    // `a`/`t` (alphabetic or traditional numbering, after a digit presentation only).
    let mut ordinal = false;
    let mut chars: Vec<char> = presentation.chars().collect();
    if chars.len() > 1 {
        let before = chars[chars.len() - 2];
        match chars[chars.len() - 1] {
            'o' => {
                ordinal = true;
                chars.pop();
            }
            'c' => {
                chars.pop();
            }
            // In a time zone's presentation `t` means `Z` for UTC, and is kept.
            'a' | 't' if !"Zz".contains(component) && (before.is_ascii_digit() || before == '#') => {
                chars.pop();
            }
            _ => {}
        }
    }
    let presentation: String = chars.into_iter().collect();
    let (mut min_width, mut max_width) = (None, None);
    if let Some(w) = width {
        let (lo, hi) = match w.split_once('-') {
            Some((lo, hi)) => (lo, Some(hi)),
            None => (w, None),
        };
        min_width = lo.parse().ok();
        max_width = hi.and_then(|h| h.parse().ok());
    }
    // A width is output to build: past this it is a work bound, as fuel is (found by fuzzing:
    // `[Y,199016171]` asked for 199 million characters).
    if min_width.is_some_and(|w| w > MAX_WIDTH) {
        return Err(err("U1001", "Evaluation exceeded its work bound"));
    }
    if component == 'Y' && presentation.starts_with('N') {
        return Err(err("D3133", "The 'name' modifier can only be applied to months and days in the date/time picture string, not Y"));
    }
    Ok(Marker { component, presentation, ordinal, min_width, max_width })
}

fn default_presentation(component: char) -> &'static str {
    match component {
        'F' | 'P' | 'C' | 'E' => "n",
        'm' | 's' => "01",
        'Z' | 'z' => "01:01",
        _ => "1",
    }
}

/// The integer picture for a numeric marker, its width folded into the digits.
fn int_picture(m: &Marker) -> Result<IntPicture, Fail> {
    let text = if m.presentation.is_empty() { default_presentation(m.component) } else { &m.presentation };
    let mut pic = parse_int_picture(text)?;
    pic.ordinal = m.ordinal;
    if let (Primary::Decimal { mandatory, .. }, Some(min)) = (&mut pic.primary, m.min_width) {
        *mandatory = (*mandatory).max(min);
    }
    Ok(pic)
}

fn name_case(presentation: &str) -> Option<Case> {
    match presentation {
        "N" => Some(Case::Upper),
        "n" => Some(Case::Lower),
        "Nn" => Some(Case::Title),
        _ => None,
    }
}

fn cased(name: &str, case: Case) -> String {
    match case {
        Case::Upper => name.to_uppercase(),
        Case::Lower => name.to_lowercase(),
        Case::Title => name.to_string(),
    }
}

fn format_marker(m: &Marker, p: &Parts) -> Result<String, Fail> {
    let presentation =
        if m.presentation.is_empty() { default_presentation(m.component) } else { &m.presentation };
    let truncate = |s: String| match m.max_width {
        Some(w) => s.chars().take(w).collect(),
        None => s,
    };
    if let Some(case) = name_case(presentation) {
        let name = match m.component {
            'M' => MONTHS[(p.month - 1) as usize].to_string(),
            'x' => MONTHS[(p.thursday().1 - 1) as usize].to_string(),
            'F' => DAYS[(p.weekday() - 1) as usize].to_string(),
            'P' => if p.hour < 12 { "am" } else { "pm" }.to_string(),
            'C' | 'E' => "ISO".to_string(),
            _ => return Err(err("D3133", format!("The 'name' modifier can only be applied to months and days in the date/time picture string, not {}", m.component))),
        };
        let name = match m.component {
            'C' | 'E' => name,
            'P' if case == Case::Title => name,
            _ => cased(&name, case),
        };
        return Ok(truncate(name));
    }
    if m.component == 'Z' || m.component == 'z' {
        return format_offset(m, presentation, p.offset_minutes);
    }
    if m.component == 'f' {
        // Fractional seconds: the digits are the leading digits of the fraction.
        let digits =
            presentation.chars().filter(|c| c.is_ascii_digit()).count().max(m.min_width.unwrap_or(1));
        let frac = format!("{:03}", p.millis);
        let mut s: String = frac.chars().chain(std::iter::repeat('0')).take(digits.max(1)).collect();
        if digits < 3 && presentation == "1" {
            s = frac.trim_end_matches('0').to_string();
            if s.is_empty() {
                s = "0".into();
            }
        }
        return Ok(s);
    }
    let value = match m.component {
        'Y' => p.year,
        'M' => p.month,
        'D' => p.day,
        'd' => p.day_of_year(),
        'F' => p.weekday(),
        'W' => (p.thursday().3 - 1) / 7 + 1,
        'w' => (p.thursday().2 - 1) / 7 + 1,
        'X' => p.thursday().0,
        'x' => p.thursday().1,
        'H' => p.hour,
        'h' => match p.hour % 12 {
            0 => 12,
            h => h,
        },
        'm' => p.minute,
        's' => p.second,
        _ => 0,
    };
    let pic = int_picture(m)?;
    let mut s = format_int(value as f64, &pic);
    if m.component == 'Y' {
        // A two-digit year: `[Y,2]`, or any year with a maximum width.
        let max = m.max_width.or(if m.presentation.is_empty() { m.min_width } else { None });
        if let (Some(max), Primary::Decimal { .. }) = (max, &pic.primary) {
            let n = s.chars().count();
            if n > max {
                s = s.chars().skip(n - max).collect();
            }
        }
    }
    Ok(s)
}

fn format_offset(m: &Marker, presentation: &str, offset: i64) -> Result<String, Fail> {
    let z_style = presentation.ends_with('t');
    let presentation = presentation.trim_end_matches('t');
    if z_style && offset == 0 {
        return Ok("Z".into());
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let (h, mi) = (offset.abs() / 60, offset.abs() % 60);
    let digits = presentation.chars().filter(|c| c.is_ascii_digit()).count();
    let body = match (digits, presentation.contains(':')) {
        (1 | 2, false) => {
            let hours = if digits == 2 { format!("{h:02}") } else { h.to_string() };
            if mi != 0 {
                format!("{hours}:{mi:02}")
            } else {
                hours
            }
        }
        (3 | 4, false) => format!("{h:02}{mi:02}"),
        (_, true) if digits <= 4 => {
            let (hp, _) = presentation.split_once(':').unwrap_or((presentation, ""));
            if hp.len() == 1 {
                format!("{h}:{mi:02}")
            } else {
                format!("{h:02}:{mi:02}")
            }
        }
        _ => {
            return Err(err(
                "D3134",
                format!(
                    "The timezone integer format specifier cannot have more than four digits: {presentation}"
                ),
            ))
        }
    };
    let prefix = if m.component == 'z' { "GMT" } else { "" };
    Ok(format!("{prefix}{sign}{body}"))
}

// ---- parsing ----

pub(crate) fn to_millis(ev: &mut Evaluator, a: Args, _: &Option<Value>) -> Out {
    let Some(Value::String(text)) = &a[0] else { return Ok(None) };
    match a.get(1) {
        Some(Some(Value::String(picture))) => parse_with_picture(text, picture, ev.env.now_ms),
        _ => parse_iso(text).map(|ms| Some(Value::Number(ms as f64))),
    }
}

fn parse_iso(text: &str) -> Result<i64, Fail> {
    let bad = || {
        err(
            "D3110",
            format!(
                "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given {text}"
            ),
        )
    };
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let s = text.get(from..from + len)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok()).flatten()
    };
    let year = num(0, 4).ok_or_else(bad)?;
    let (mut month, mut day, mut hour, mut minute, mut second, mut millis, mut offset) =
        (1, 1, 0, 0, 0, 0, 0);
    let mut i = 4;
    if i < b.len() {
        if b[i] != b'-' {
            return Err(bad());
        }
        month = num(i + 1, 2).ok_or_else(bad)?;
        i += 3;
        if i < b.len() {
            if b[i] != b'-' {
                return Err(bad());
            }
            day = num(i + 1, 2).ok_or_else(bad)?;
            i += 3;
        }
    }
    if i < b.len() {
        if b[i] != b'T' {
            return Err(bad());
        }
        hour = num(i + 1, 2).ok_or_else(bad)?;
        if b.get(i + 3) != Some(&b':') {
            return Err(bad());
        }
        minute = num(i + 4, 2).ok_or_else(bad)?;
        i += 6;
        if b.get(i) == Some(&b':') {
            second = num(i + 1, 2).ok_or_else(bad)?;
            i += 3;
        }
        if b.get(i) == Some(&b'.') {
            let digits: String = text[i + 1..].chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() {
                return Err(bad());
            }
            millis = format!("{digits:0<3}")[..3].parse().map_err(|_| bad())?;
            i += 1 + digits.len();
        }
        match b.get(i) {
            None => {}
            Some(b'Z') if i + 1 == b.len() => {}
            Some(b'+' | b'-') => offset = parse_offset(&text[i..]).ok_or_else(bad)?,
            _ => return Err(bad()),
        }
    }
    let days = days_from_civil(year, month, day);
    Ok(days * MS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis - offset * 60_000)
}

fn parse_with_picture(text: &str, picture: &str, now_ms: i64) -> Out {
    let pieces = parse_picture(picture)?;
    // Which of year, month, day, hour, minute, second, fraction are given: they must be
    // contiguous, the leading ones missing taken from now and the trailing ones lowest.
    let mut given = std::collections::HashMap::new();
    for piece in &pieces {
        if let Piece::Marker(m) = piece {
            if "XWwx".contains(m.component) {
                return Err(err(
                    "D3136",
                    "The date/time picture string is missing specifiers required to parse the timestamp",
                ));
            }
            given.insert(m.component, ());
        }
    }
    let order: &[char] = if given.contains_key(&'d') {
        &['Y', 'd', 'H', 'm', 's', 'f']
    } else {
        &['Y', 'M', 'D', 'H', 'm', 's', 'f']
    };
    let mask: Vec<bool> =
        order.iter().map(|c| given.contains_key(c) || (*c == 'H' && given.contains_key(&'h'))).collect();
    let first = mask.iter().position(|&b| b);
    let last = mask.iter().rposition(|&b| b);
    if let (Some(f), Some(l)) = (first, last) {
        if mask[f..=l].iter().any(|b| !b) {
            return Err(err(
                "D3136",
                "The date/time picture string is missing specifiers required to parse the timestamp",
            ));
        }
    } else {
        return Ok(None);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut at = 0;
    let mut values: std::collections::HashMap<char, i64> = Default::default();
    let mut offset = 0;
    let mut pm: Option<bool> = None;
    for (k, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Literal(lit) => {
                let lit: Vec<char> = lit.chars().collect();
                if chars.get(at..at + lit.len()) != Some(&lit[..]) {
                    return Ok(None);
                }
                at += lit.len();
            }
            Piece::Marker(m) => {
                let next_is_marker = matches!(pieces.get(k + 1), Some(Piece::Marker(_)));
                let Some((value, used)) = read_marker(m, &chars[at..], next_is_marker)? else {
                    return Ok(None);
                };
                at += used;
                match m.component {
                    'P' => pm = Some(value == 1),
                    'Z' | 'z' => offset = value,
                    'F' | 'C' | 'E' => {}
                    // Far outside any calendar: no timestamp (and no overflow below).
                    _ if value.abs() > 100_000_000 => return Ok(None),
                    c => {
                        values.insert(c, value);
                    }
                }
            }
        }
    }
    let now = Parts::at(now_ms, 0);
    let f = first.unwrap_or(0);
    let pick = |c: char, idx: usize, now_value: i64, lowest: i64| -> i64 {
        if let Some(v) = values.get(&c) {
            *v
        } else if idx < f {
            now_value
        } else {
            lowest
        }
    };
    let year = pick('Y', 0, now.year, 1970);
    let mut hour = values.get(&'H').copied().or_else(|| values.get(&'h').copied());
    if let (Some(h), Some(is_pm)) = (hour, pm) {
        hour = Some(match (h, is_pm) {
            (12, false) => 0,
            (h, true) if h < 12 => h + 12,
            (h, _) => h,
        });
    }
    let days = if given.contains_key(&'d') {
        days_from_civil(year, 1, 1) + values.get(&'d').copied().unwrap_or(1) - 1
    } else {
        days_from_civil(year, pick('M', 1, now.month, 1), pick('D', 2, now.day, 1))
    };
    let base = if given.contains_key(&'d') { 2 } else { 3 };
    let hour = hour.unwrap_or(if f > base { now.hour } else { 0 });
    let minute = pick('m', base + 1, now.minute, 0);
    let second = pick('s', base + 2, now.second, 0);
    let millis = values.get(&'f').copied().unwrap_or(0);
    let ms = days as f64 * MS_PER_DAY as f64
        + (hour * 3_600_000 + minute * 60_000 + second * 1000 + millis - offset * 60_000) as f64;
    Ok(Some(Value::Number(ms)))
}

/// Reads one marker's value from the front of `text`: (value, characters used).
fn read_marker(m: &Marker, text: &[char], next_is_marker: bool) -> Result<Option<(i64, usize)>, Fail> {
    let presentation =
        if m.presentation.is_empty() { default_presentation(m.component) } else { &m.presentation };
    let lower: String = text.iter().collect::<String>().to_lowercase();
    if m.component == 'Z' || m.component == 'z' {
        let mut i = 0;
        if m.component == 'z' && lower.starts_with("gmt") {
            i = 3;
        }
        let start = i;
        while i < text.len()
            && (text[i] == '+' || text[i] == '-' || text[i] == ':' || text[i].is_ascii_digit())
        {
            i += 1;
        }
        let tz: String = text[start..i].iter().collect();
        return Ok(parse_offset(&tz).map(|o| (o, i)));
    }
    if let Some(_case) = name_case(presentation) {
        let names: Vec<String> = match m.component {
            'M' => MONTHS.iter().map(|s| s.to_lowercase()).collect(),
            'F' => DAYS.iter().map(|s| s.to_lowercase()).collect(),
            'P' => vec!["am".into(), "pm".into()],
            _ => vec![],
        };
        for (i, name) in names.iter().enumerate() {
            let candidates = match m.max_width {
                Some(w) => vec![name.chars().take(w).collect::<String>(), name.clone()],
                None => vec![name.clone(), name.chars().take(3).collect()],
            };
            for cand in candidates {
                if lower.starts_with(&cand) {
                    return Ok(Some(((i + usize::from(m.component != 'P')) as i64, cand.chars().count())));
                }
            }
        }
        return Ok(None);
    }
    let pic = int_picture(m)?;
    let taken: usize = match &pic.primary {
        Primary::Decimal { mandatory, .. } => {
            let max =
                m.max_width.or(if next_is_marker { Some(*mandatory) } else { None }).unwrap_or(usize::MAX);
            let mut n = 0;
            while n < text.len() && n < max && text[n].is_numeric() {
                n += 1;
            }
            n
        }
        Primary::Roman(_) => text.iter().take_while(|c| "ivxlcdmIVXLCDM".contains(**c)).count(),
        Primary::Letters(_) => text.iter().take_while(|c| c.is_ascii_alphabetic()).count(),
        Primary::Words(_) => words_prefix(text),
    };
    if taken == 0 {
        return Ok(None);
    }
    let piece: String = text[..taken].iter().collect();
    let Some(value) = parse_int(&piece, &pic) else { return Ok(None) };
    let mut used = taken;
    if m.ordinal && matches!(pic.primary, Primary::Decimal { .. }) {
        used += text[taken..].iter().take(2).take_while(|c| c.is_alphabetic()).count();
    }
    Ok(Some((value as i64, used)))
}

/// How many characters at the front are English number words.
fn words_prefix(text: &[char]) -> usize {
    let s: String = text.iter().collect();
    let mut end = 0;
    let mut i = 0;
    let bytes: Vec<char> = s.chars().collect();
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && (bytes[i].is_alphabetic() || bytes[i] == '-') {
            i += 1;
        }
        let word: String = bytes[start..i].iter().collect::<String>().to_lowercase();
        let ok = !word.is_empty()
            && (word == "and" || word.split('-').all(|w| crate::numfmt::word_value_pub(w).is_some()));
        if !ok {
            break;
        }
        if word != "and" {
            end = i;
        }
        while i < bytes.len() && (bytes[i] == ' ' || bytes[i] == ',') {
            i += 1;
        }
    }
    end
}
