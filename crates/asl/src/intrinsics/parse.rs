//! Reading a call's text: the function, its arguments and AWS's limits on both.

use std::rc::Rc;

use super::{Arg, Call, Func, Intrinsic, IntrinsicSyntaxError, Piece, MAX_DEPTH};
use crate::diagnostic::abbreviate;
use crate::path::Path;
use crate::value::{Number, Value};

impl Intrinsic {
    /// Parses a call such as `States.Format('{}-{}', $.a, States.UUID())`.
    pub fn parse(text: &str) -> Result<Intrinsic, IntrinsicSyntaxError> {
        let mut p = Parser { text, chars: text.chars().collect(), pos: 0 };
        p.skip_ws();
        let call = p.call(1)?;
        p.skip_ws();
        if let Some(c) = p.peek() {
            return Err(p.error(format!("unexpected '{c}' after the end of the call")));
        }
        Ok(Intrinsic { text: text.into(), call: Rc::new(call) })
    }
}

struct Parser<'a> {
    text: &'a str,
    chars: Vec<char>,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn error(&self, what: String) -> IntrinsicSyntaxError {
        IntrinsicSyntaxError {
            message: format!("{what} at character {} of '{}'", self.pos + 1, abbreviate(self.text)),
        }
    }

    fn call(&mut self, depth: usize) -> Result<Call, IntrinsicSyntaxError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_') {
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        if name.is_empty() {
            return Err(self.error("expected an intrinsic function such as States.Format(...)".into()));
        }
        let Some(func) = Func::from_name(&name) else {
            self.pos = start;
            return Err(self.error(format!("unknown intrinsic function '{name}'")));
        };
        if depth > MAX_DEPTH {
            self.pos = start;
            return Err(self.error(format!("intrinsic functions can be nested at most {MAX_DEPTH} deep")));
        }
        self.skip_ws();
        if self.peek() != Some('(') {
            return Err(self.error(format!("expected '(' after {name}")));
        }
        self.pos += 1;
        let mut args = Vec::new();
        self.skip_ws();
        if self.peek() == Some(')') {
            self.pos += 1;
        } else {
            loop {
                self.skip_ws();
                args.push(self.arg(depth)?);
                self.skip_ws();
                match self.peek() {
                    Some(',') => self.pos += 1,
                    Some(')') => {
                        self.pos += 1;
                        break;
                    }
                    Some(c) => return Err(self.error(format!("expected ',' or ')' but found '{c}'"))),
                    None => return Err(self.error(format!("missing ')' to close {name}("))),
                }
            }
        }
        let (min, max) = func.arity();
        let n = args.len();
        if n < min || n > max {
            let expected = match (min, max) {
                (a, b) if a == b => format!("{a} argument{}", if a == 1 { "" } else { "s" }),
                (a, usize::MAX) => format!("at least {a} argument{}", if a == 1 { "" } else { "s" }),
                (a, b) => format!("{a} to {b} arguments"),
            };
            return Err(IntrinsicSyntaxError {
                message: format!("{name} takes {expected} but was given {n} in '{}'", abbreviate(self.text)),
            });
        }
        Ok(Call { func, args })
    }

    fn arg(&mut self, depth: usize) -> Result<Arg, IntrinsicSyntaxError> {
        match self.peek() {
            Some('\'') => self.string(),
            Some('$') => self.path(),
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(c) if c.is_alphabetic() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    self.pos += 1;
                }
                let word: String = self.chars[start..self.pos].iter().collect();
                match word.as_str() {
                    "null" => Ok(Arg::Literal(Value::Null)),
                    "true" => Ok(Arg::Literal(Value::Bool(true))),
                    "false" => Ok(Arg::Literal(Value::Bool(false))),
                    "States" if self.peek() == Some('.') => {
                        self.pos = start;
                        Ok(Arg::Call(self.call(depth + 1)?))
                    }
                    _ => {
                        self.pos = start;
                        Err(self.error(format!(
                            "unexpected '{word}': an argument is a 'string', a number, null, true, false, a path or a States.* call"
                        )))
                    }
                }
            }
            Some(c) => Err(self.error(format!("unexpected '{c}' where an argument was expected"))),
            None => Err(self.error("the call ended where an argument was expected".into())),
        }
    }

    /// `'...'` with `\'`, `\{`, `\}`, `\\` escapes (AWS reserves these four characters).
    fn string(&mut self) -> Result<Arg, IntrinsicSyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut text = String::new();
        let mut pieces = Vec::new();
        let mut chunk = String::new();
        loop {
            match self.peek() {
                None => {
                    self.pos = start;
                    return Err(self.error("unclosed string literal".into()));
                }
                Some('\'') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    let Some(next) = self.chars.get(self.pos + 1).copied() else {
                        return Err(self.error("a backslash must be followed by ', {, } or \\".into()));
                    };
                    if !matches!(next, '\'' | '{' | '}' | '\\') {
                        return Err(self.error(format!(
                            "'\\{next}' is not an escape: only \\', \\{{, \\}} and \\\\ are allowed"
                        )));
                    }
                    text.push(next);
                    chunk.push(next);
                    self.pos += 2;
                }
                Some('{') if self.chars.get(self.pos + 1) == Some(&'}') => {
                    text.push_str("{}");
                    if !chunk.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut chunk)));
                    }
                    pieces.push(Piece::Hole);
                    self.pos += 2;
                }
                Some(c) => {
                    text.push(c);
                    chunk.push(c);
                    self.pos += 1;
                }
            }
        }
        if !chunk.is_empty() {
            pieces.push(Piece::Text(chunk));
        }
        Ok(Arg::Str { text: Value::string(text), pieces })
    }

    fn number(&mut self) -> Result<Arg, IntrinsicSyntaxError> {
        let start = self.pos;
        self.pos += 1;
        while self.peek().is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')) {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        match text.parse::<Number>() {
            Ok(n) => Ok(Arg::Literal(Value::Number(n))),
            Err(_) => {
                self.pos = start;
                Err(self.error(format!("'{text}' is not a number")))
            }
        }
    }

    /// A path runs to the next `,` or `)` outside brackets, parentheses and quotes.
    fn path(&mut self) -> Result<Arg, IntrinsicSyntaxError> {
        let start = self.pos;
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        while let Some(c) = self.peek() {
            match quote {
                Some(q) => {
                    if c == '\\' {
                        self.pos += 1;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '\'' | '"' => quote = Some(c),
                    '[' | '(' => depth += 1,
                    ']' if depth > 0 => depth -= 1,
                    ')' if depth > 0 => depth -= 1,
                    ',' | ')' if depth == 0 => break,
                    _ => {}
                },
            }
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos.min(self.chars.len())].iter().collect();
        let text = text.trim_end();
        Path::parse(text).map(Arg::Path).map_err(|e| IntrinsicSyntaxError {
            message: format!(
                "invalid path '{}' in '{}': {}",
                abbreviate(text),
                abbreviate(self.text),
                e.message
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intrinsics::looks_like_call;

    fn bad(expr: &str, message: &str) {
        match Intrinsic::parse(expr) {
            Ok(_) => panic!("{expr} should not parse"),
            Err(e) => assert_eq!(e.message, message, "{expr}"),
        }
    }

    #[test]
    fn syntax_errors() {
        bad("States.Nope(1)", "unknown intrinsic function 'States.Nope' at character 1 of 'States.Nope(1)'");
        bad("States.MathAdd(1)", "States.MathAdd takes 2 arguments but was given 1 in 'States.MathAdd(1)'");
        bad("States.UUID(1)", "States.UUID takes 0 arguments but was given 1 in 'States.UUID(1)'");
        bad(
            "States.Format()",
            "States.Format takes at least 1 argument but was given 0 in 'States.Format()'",
        );
        bad(
            "States.MathRandom(1)",
            "States.MathRandom takes 2 to 3 arguments but was given 1 in 'States.MathRandom(1)'",
        );
        bad(
            "States.Format('open\\')",
            "unclosed string literal at character 15 of 'States.Format('open\\')'",
        );
        bad("States.Format('a\\n')", "'\\n' is not an escape: only \\', \\{, \\} and \\\\ are allowed at character 17 of 'States.Format('a\\n')'");
        bad("States.Array(1", "missing ')' to close States.Array( at character 15 of 'States.Array(1'");
        bad(
            "States.Array(1) x",
            "unexpected 'x' after the end of the call at character 17 of 'States.Array(1) x'",
        );
        bad("States.Array(foo)", "unexpected 'foo': an argument is a 'string', a number, null, true, false, a path or a States.* call at character 14 of 'States.Array(foo)'");
        bad("States.Array($.a[)", "invalid path '$.a[)' in 'States.Array($.a[)': unexpected ')' after '[' at character 5 of '$.a[)'");
        assert!(looks_like_call("States.Format('x')"));
        assert!(!looks_like_call("States.Format"));
        assert!(!looks_like_call("$.x"));
    }
}
