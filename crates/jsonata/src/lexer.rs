//! Tokens from expression text, on demand: whether `/` starts a regex or divides depends on where
//! the parser is, so the parser asks for each token and says whether an operand is expected.

use crate::{Error, Fail};

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// An operator or punctuation, including `and`, `or`, `in` when they stand between operands.
    Op(&'static str),
    Name(String),
    Var(String),
    Str(String),
    Num(f64),
    True,
    False,
    Null,
    /// Pattern and flags, compiled by the parser.
    Regex(String, String),
    End,
}

/// The operators, longest first so that `..` wins over `.` and `~>` over `~`.
const OPERATORS: [&str; 33] = [
    "**", "..", ":=", "!=", "<=", ">=", "~>", ".", "[", "]", "{", "}", "(", ")", ",", "@", "#", ";", ":",
    "?", "+", "-", "*", "/", "%", "|", "=", "<", ">", "^", "&", "!", "~",
];

/// Works on characters, not bytes: JSONata's positions count characters.
pub(crate) struct Lexer {
    chars: Vec<char>,
    pub(crate) pos: usize,
}

impl Lexer {
    pub(crate) fn new(src: &str) -> Self {
        Lexer { chars: src.chars().collect(), pos: 0 }
    }

    fn peek_char(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn skip_space_and_comments(&mut self) -> Result<(), Fail> {
        loop {
            match self.peek_char(0) {
                Some(c) if c.is_whitespace() => self.pos += 1,
                Some('/') if self.peek_char(1) == Some('*') => {
                    let start = self.pos;
                    self.pos += 2;
                    loop {
                        match (self.peek_char(0), self.peek_char(1)) {
                            (Some('*'), Some('/')) => {
                                self.pos += 2;
                                break;
                            }
                            (Some(_), _) => self.pos += 1,
                            (None, _) => {
                                return Err(Error::syntax("S0106", "Comment has no closing tag", start))
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// The next token and the offset just after it (JSONata reports positions at a token's end).
    pub(crate) fn next(&mut self, operand_expected: bool) -> Result<(Tok, usize), Fail> {
        self.skip_space_and_comments()?;
        let Some(c) = self.peek_char(0) else { return Ok((Tok::End, self.pos)) };
        if c == '/' && operand_expected {
            return self.regex();
        }
        if c == '"' || c == '\'' {
            return self.string(c);
        }
        if c.is_ascii_digit() {
            return self.number();
        }
        if c == '`' {
            let start = self.pos;
            self.pos += 1;
            let from = self.pos;
            while self.peek_char(0).is_some_and(|c| c != '`') {
                self.pos += 1;
            }
            if self.peek_char(0).is_none() {
                return Err(Error::syntax(
                    "S0105",
                    "Quoted property name must be terminated with a backquote (`)",
                    start,
                ));
            }
            let name: String = self.chars[from..self.pos].iter().collect();
            self.pos += 1;
            return Ok((Tok::Name(name), self.pos));
        }
        if c == '!' && self.peek_char(1) != Some('=') {
            return Err(Error::syntax("S0204", "Unknown operator: !", self.pos + 1).with_token("!"));
        }
        for op in OPERATORS {
            if op.chars().enumerate().all(|(i, oc)| self.peek_char(i) == Some(oc)) {
                self.pos += op.chars().count();
                return Ok((Tok::Op(op), self.pos));
            }
        }
        // A name (or $variable) runs until whitespace or an operator character.
        let is_var = c == '$';
        let from = if is_var { self.pos + 1 } else { self.pos };
        self.pos = from;
        while let Some(c) = self.peek_char(0) {
            if c.is_whitespace() || ".[]{}(),@#;:?+-*/%|=<>^&!~\"'`".contains(c) {
                break;
            }
            self.pos += 1;
        }
        let word: String = self.chars[from..self.pos].iter().collect();
        if is_var {
            return Ok((Tok::Var(word), self.pos));
        }
        let tok = match word.as_str() {
            "and" | "or" | "in" if !operand_expected => Tok::Op(match word.as_str() {
                "and" => "and",
                "or" => "or",
                _ => "in",
            }),
            "true" => Tok::True,
            "false" => Tok::False,
            "null" => Tok::Null,
            _ => Tok::Name(word),
        };
        Ok((tok, self.pos))
    }

    fn string(&mut self, quote: char) -> Result<(Tok, usize), Fail> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek_char(0) else {
                return Err(Error::syntax(
                    "S0101",
                    "String literal must be terminated by a matching quote",
                    start,
                ));
            };
            self.pos += 1;
            if c == quote {
                return Ok((Tok::Str(out), self.pos));
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(e) = self.peek_char(0) else { continue };
            self.pos += 1;
            match e {
                '"' | '\\' | '/' | '\'' => out.push(e),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'u' => {
                    let unit = self.hex4()?;
                    // A surrogate pair arrives as two escapes.
                    if (0xD800..0xDC00).contains(&unit)
                        && self.peek_char(0) == Some('\\')
                        && self.peek_char(1) == Some('u')
                    {
                        self.pos += 2;
                        let low = self.hex4()?;
                        let code = 0x10000 + ((unit - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
                        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                    } else {
                        out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                    }
                }
                _ => {
                    return Err(Error::syntax(
                        "S0103",
                        format!("Unsupported escape sequence: \\{e}"),
                        self.pos,
                    )
                    .with_token(e.to_string()))
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, Fail> {
        let digits: String = (0..4).filter_map(|i| self.peek_char(i)).collect();
        match u32::from_str_radix(&digits, 16) {
            Ok(v) if digits.len() == 4 => {
                self.pos += 4;
                Ok(v)
            }
            _ => Err(Error::syntax(
                "S0104",
                "The escape sequence \\u must be followed by 4 hex digits",
                self.pos,
            )),
        }
    }

    fn number(&mut self) -> Result<(Tok, usize), Fail> {
        let from = self.pos;
        let digits = |lx: &mut Self| {
            let s = lx.pos;
            while lx.peek_char(0).is_some_and(|c| c.is_ascii_digit()) {
                lx.pos += 1;
            }
            lx.pos > s
        };
        digits(self);
        if self.peek_char(0) == Some('.') && self.peek_char(1).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
            digits(self);
        }
        if matches!(self.peek_char(0), Some('e' | 'E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek_char(0), Some('+' | '-')) {
                self.pos += 1;
            }
            if !digits(self) {
                self.pos = save;
            }
        }
        let text: String = self.chars[from..self.pos].iter().collect();
        let n: f64 = text.parse().unwrap_or(f64::NAN);
        if !n.is_finite() {
            return Err(
                Error::syntax("S0102", format!("Number out of range: {text}"), self.pos).with_token(text)
            );
        }
        Ok((Tok::Num(n), self.pos))
    }

    fn regex(&mut self) -> Result<(Tok, usize), Fail> {
        let start = self.pos;
        self.pos += 1;
        let from = self.pos;
        let mut in_class = false;
        loop {
            let Some(c) = self.peek_char(0) else {
                return Err(Error::syntax("S0302", "No terminating / in regular expression", start));
            };
            match c {
                '\\' => self.pos += 1,
                '[' => in_class = true,
                ']' => in_class = false,
                '/' if !in_class => break,
                _ => {}
            }
            self.pos += 1;
        }
        let pattern: String = self.chars[from..self.pos].iter().collect();
        if pattern.is_empty() {
            return Err(Error::syntax("S0301", "Empty regular expressions are not allowed", self.pos));
        }
        self.pos += 1;
        let flags_from = self.pos;
        while self.peek_char(0).is_some_and(|c| "imgsuy".contains(c)) {
            self.pos += 1;
        }
        let flags: String = self.chars[flags_from..self.pos].iter().collect();
        Ok((Tok::Regex(pattern, flags), self.pos))
    }

    /// A function signature's raw text after `<`, up to its matching `>`.
    pub(crate) fn signature(&mut self) -> Result<String, Fail> {
        let from = self.pos;
        let mut depth = 1;
        while let Some(c) = self.peek_char(0) {
            self.pos += 1;
            match c {
                '<' => depth += 1,
                '>' => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(self.chars[from..self.pos - 1].iter().collect());
                    }
                }
                _ => {}
            }
        }
        Err(Error::syntax("S0203", "Expected > before end of expression", self.pos))
    }
}
