//! Reading a path's text, with AWS's rules and messages for what it rejects.

use std::rc::Rc;

use super::{
    segs_definite, CmpOp, Expr, Inner, Operand, Path, PathSyntaxError, Root, Seg, MAX_FILTER_NESTING,
};
use crate::diagnostic::abbreviate;
use crate::value::Value;

impl Path {
    /// Parses any JSONPath AWS accepts in `InputPath`, `OutputPath` and `.$` template fields.
    pub fn parse(text: &str) -> Result<Path, PathSyntaxError> {
        let mut p = Parser::new(text);
        let root = p.root()?;
        let segs = p.segments(false)?;
        if let Some(c) = p.peek() {
            return Err(p.error(format!("unexpected '{c}'")));
        }
        let definite = segs_definite(&segs);
        Ok(Path { inner: Rc::new(Inner { text: text.into(), root, segs, definite }) })
    }

    /// Parses a Reference Path (ResultPath, ItemsPath, `*Path` fields): it must name exactly one node,
    /// so only `.name`, `['name']` and `[index]` steps are allowed.
    pub fn parse_reference(text: &str) -> Result<Path, PathSyntaxError> {
        let path = Path::parse(text)?;
        if let Some(bad) = path.inner.segs.iter().find(|s| !s.is_single()) {
            let what = match bad {
                Seg::Wildcard => "the wildcard '*'",
                Seg::Descend => "'..' (deep scan)",
                Seg::Filter(_) => "a filter '[?(...)]'",
                Seg::Slice(..) => "a slice '[from:to]'",
                Seg::Fields(_) | Seg::Indexes(_) => "a union '[a,b]'",
                Seg::Length => "the function length()",
                Seg::Field(_) | Seg::Index(_) => "this step",
            };
            return Err(PathSyntaxError {
                message: format!(
                    "'{text}' is not a valid reference path: it must select a single node, so {what} is not allowed"
                ),
            });
        }
        Ok(path)
    }
}

struct Parser<'a> {
    text: &'a str,
    chars: Vec<char>,
    pos: usize,
    /// Filters, parentheses and negations open around the current position.
    nesting: usize,
}

/// Characters that end a dot-notation name inside a filter expression.
fn ends_filter_name(c: char) -> bool {
    c.is_whitespace() || matches!(c, ')' | '=' | '!' | '<' | '>' | '&' | '|' | ',' | ']')
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser { text, chars: text.chars().collect(), pos: 0, nesting: 0 }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn error(&self, what: String) -> PathSyntaxError {
        PathSyntaxError {
            message: format!("{what} at character {} of '{}'", self.pos + 1, abbreviate(self.text)),
        }
    }

    /// Steps into a filter, parentheses or a negation, unless that nests too deeply; the caller
    /// steps out with `self.nesting -= 1` once it has read what is inside.
    fn nest(&mut self) -> Result<(), PathSyntaxError> {
        if self.nesting == MAX_FILTER_NESTING {
            return Err(self.error(format!(
                "filters, parentheses and '!' are nested more than {MAX_FILTER_NESTING} deep (Baton's limit)"
            )));
        }
        self.nesting += 1;
        Ok(())
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char, context: &str) -> Result<(), PathSyntaxError> {
        if self.eat(c) {
            Ok(())
        } else {
            match self.peek() {
                Some(found) => Err(self.error(format!("expected '{c}' {context} but found '{found}'"))),
                None => Err(self.error(format!("expected '{c}' {context} but the path ended"))),
            }
        }
    }

    fn root(&mut self) -> Result<Root, PathSyntaxError> {
        if !self.eat('$') {
            return Err(match self.peek() {
                None => PathSyntaxError { message: "a path cannot be empty; it must start with '$'".into() },
                Some(_) => self.error("a path must start with '$'".into()),
            });
        }
        if self.eat('$') {
            return Ok(Root::Context);
        }
        match self.peek() {
            Some(c) if c.is_alphabetic() || c == '_' => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos].iter().collect();
                Ok(Root::Variable(name.into()))
            }
            _ => Ok(Root::Input),
        }
    }

    /// Steps until the end of the text (or, in a filter, until something that is not a step).
    fn segments(&mut self, in_filter: bool) -> Result<Vec<Seg>, PathSyntaxError> {
        let mut segs = Vec::new();
        loop {
            match self.peek() {
                Some('.') => {
                    self.pos += 1;
                    if self.eat('.') {
                        segs.push(Seg::Descend);
                        match self.peek() {
                            Some('[') => segs.push(self.bracket()?),
                            Some('*') => {
                                self.pos += 1;
                                segs.push(Seg::Wildcard);
                            }
                            Some('.') | None => {
                                return Err(self.error("'..' must be followed by a name, '*' or '['".into()))
                            }
                            Some(_) => segs.push(self.dot_name(in_filter)?),
                        }
                    } else if self.eat('*') {
                        segs.push(Seg::Wildcard);
                    } else {
                        match self.peek() {
                            None => return Err(self.error("a path cannot end with '.'".into())),
                            // Jayway, which AWS uses, reads `.[` as `[`: `$.a.[0]` is `$.a[0]`.
                            Some('[') => segs.push(self.bracket()?),
                            Some(_) => segs.push(self.dot_name(in_filter)?),
                        }
                    }
                }
                Some('[') => segs.push(self.bracket()?),
                Some(c) if in_filter && (ends_filter_name(c)) => break,
                None => break,
                Some(' ') => {
                    return Err(self.error(
                        "unexpected space (use bracket notation ['my prop'] for names with spaces)".into(),
                    ))
                }
                Some(c) => {
                    if in_filter {
                        break;
                    }
                    return Err(self.error(format!("unexpected '{c}'")));
                }
            }
        }
        if let Some(i) = segs.iter().position(|s| *s == Seg::Length) {
            if i + 1 != segs.len() {
                return Err(PathSyntaxError {
                    message: format!(
                        "length() must be the last step of the path '{}'",
                        abbreviate(self.text)
                    ),
                });
            }
        }
        Ok(segs)
    }

    fn dot_name(&mut self, in_filter: bool) -> Result<Seg, PathSyntaxError> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if c == '.' || c == '[' || c == '(' || (in_filter && ends_filter_name(c)) {
                break;
            }
            if c == ' ' {
                return Err(self.error(
                    "unexpected space (use bracket notation ['my prop'] for names with spaces)".into(),
                ));
            }
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        if self.peek() == Some('(') {
            if name == "length" && self.peek_at(1) == Some(')') {
                self.pos += 2;
                return Ok(Seg::Length);
            }
            return Err(self.error(format!("the JSONPath function '{name}()' is not supported")));
        }
        if name.is_empty() {
            return Err(self.error("expected a name".into()));
        }
        Ok(Seg::Field(name.into()))
    }

    fn bracket(&mut self) -> Result<Seg, PathSyntaxError> {
        let open = self.pos;
        self.pos += 1; // '['
        self.skip_ws();
        let seg = match self.peek() {
            None => {
                self.pos = open;
                return Err(self.error("unclosed '['".into()));
            }
            Some('*') => {
                self.pos += 1;
                Seg::Wildcard
            }
            Some('?') => {
                self.pos += 1;
                self.skip_ws();
                self.nest()?;
                self.expect('(', "after '[?'")?;
                let expr = self.or_expr()?;
                self.skip_ws();
                self.expect(')', "to close the filter")?;
                self.nesting -= 1;
                Seg::Filter(Rc::new(expr))
            }
            Some('\'') | Some('"') => {
                let mut names = vec![self.quoted()?];
                loop {
                    self.skip_ws();
                    if !self.eat(',') {
                        break;
                    }
                    self.skip_ws();
                    if !matches!(self.peek(), Some('\'') | Some('"')) {
                        return Err(self.error("expected a quoted name after ','".into()));
                    }
                    names.push(self.quoted()?);
                }
                if names.len() == 1 {
                    Seg::Field(names.remove(0))
                } else {
                    Seg::Fields(names)
                }
            }
            Some(c) if c == '-' || c == ':' || c.is_ascii_digit() => self.index_or_slice()?,
            Some(c) => return Err(self.error(format!("unexpected '{c}' after '['"))),
        };
        self.skip_ws();
        match self.peek() {
            Some(']') => {
                self.pos += 1;
                Ok(seg)
            }
            None => {
                self.pos = open;
                Err(self.error("unclosed '['".into()))
            }
            Some(c) => Err(self.error(format!("expected ']' but found '{c}'"))),
        }
    }

    /// A quoted name. Only a backslash before the quote character (or before a backslash) escapes;
    /// any other backslash is kept, as AWS does.
    fn quoted(&mut self) -> Result<Rc<str>, PathSyntaxError> {
        let start = self.pos;
        let Some(q) = self.peek() else { return Err(self.error("expected a quote".into())) };
        self.pos += 1;
        let mut s = String::new();
        loop {
            match self.peek() {
                None => {
                    self.pos = start;
                    return Err(self.error(format!("unclosed quote {q}")));
                }
                Some('\\') if self.peek_at(1) == Some(q) => {
                    s.push(q);
                    self.pos += 2;
                }
                Some(c) if c == q => {
                    self.pos += 1;
                    return Ok(s.into());
                }
                Some(c) => {
                    s.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn int(&mut self) -> Result<Option<i64>, PathSyntaxError> {
        self.skip_ws();
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == start {
            return Ok(None);
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        match text.parse::<i64>() {
            Ok(v) => Ok(Some(v)),
            Err(_) => {
                self.pos = start;
                Err(self.error(format!("'{text}' is not a valid array index")))
            }
        }
    }

    fn index_or_slice(&mut self) -> Result<Seg, PathSyntaxError> {
        let first = self.int()?;
        self.skip_ws();
        if self.eat(':') {
            let second = self.int()?;
            self.skip_ws();
            if self.peek() == Some(':') {
                return Err(self.error("slices with a step ([a:b:step]) are not supported".into()));
            }
            return Ok(Seg::Slice(first, second));
        }
        let Some(first) = first else { return Err(self.error("expected an array index".into())) };
        let mut all = vec![first];
        while self.eat(',') {
            match self.int()? {
                Some(v) => all.push(v),
                None => return Err(self.error("expected an array index after ','".into())),
            }
            self.skip_ws();
        }
        Ok(if all.len() == 1 { Seg::Index(first) } else { Seg::Indexes(all) })
    }

    fn or_expr(&mut self) -> Result<Expr, PathSyntaxError> {
        let mut terms = vec![self.and_expr()?];
        loop {
            self.skip_ws();
            if self.peek() == Some('|') && self.peek_at(1) == Some('|') {
                self.pos += 2;
                terms.push(self.and_expr()?);
            } else if terms.len() == 1 {
                return Ok(terms.remove(0));
            } else {
                return Ok(Expr::Or(terms));
            }
        }
    }

    fn and_expr(&mut self) -> Result<Expr, PathSyntaxError> {
        let mut terms = vec![self.unary()?];
        loop {
            self.skip_ws();
            if self.peek() == Some('&') && self.peek_at(1) == Some('&') {
                self.pos += 2;
                terms.push(self.unary()?);
            } else if terms.len() == 1 {
                return Ok(terms.remove(0));
            } else {
                return Ok(Expr::And(terms));
            }
        }
    }

    fn unary(&mut self) -> Result<Expr, PathSyntaxError> {
        self.skip_ws();
        if self.peek() == Some('!') && self.peek_at(1) != Some('=') {
            self.nest()?;
            self.pos += 1;
            let e = Expr::Not(Box::new(self.unary()?));
            self.nesting -= 1;
            return Ok(e);
        }
        if self.peek() == Some('(') {
            self.nest()?;
            self.pos += 1;
            let e = self.or_expr()?;
            self.skip_ws();
            self.expect(')', "to close '('")?;
            self.nesting -= 1;
            return Ok(e);
        }
        let left = self.operand()?;
        self.skip_ws();
        let op = match (self.peek(), self.peek_at(1)) {
            (Some('='), Some('=')) => Some((CmpOp::Eq, 2)),
            (Some('!'), Some('=')) => Some((CmpOp::Ne, 2)),
            (Some('<'), Some('=')) => Some((CmpOp::Le, 2)),
            (Some('>'), Some('=')) => Some((CmpOp::Ge, 2)),
            (Some('<'), _) => Some((CmpOp::Lt, 1)),
            (Some('>'), _) => Some((CmpOp::Gt, 1)),
            (Some('='), Some('~')) => {
                return Err(self.error("regular expressions (=~) are not supported in filters".into()))
            }
            (Some('='), _) => return Err(self.error("use '==' to compare".into())),
            _ => None,
        };
        match op {
            None => Ok(Expr::Exists(left)),
            Some((op, n)) => {
                self.pos += n;
                let right = self.operand()?;
                Ok(Expr::Cmp(left, op, right))
            }
        }
    }

    fn operand(&mut self) -> Result<Operand, PathSyntaxError> {
        self.skip_ws();
        match self.peek() {
            Some('@') => {
                self.pos += 1;
                Ok(Operand::Current(self.segments(true)?))
            }
            Some('$') => {
                self.pos += 1;
                Ok(Operand::Root(self.segments(true)?))
            }
            Some('\'') | Some('"') => Ok(Operand::Literal(Value::String(self.quoted()?))),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let start = self.pos;
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-')) {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                match text.parse::<serde_json::Number>() {
                    Ok(n) => Ok(Operand::Literal(Value::Number(n))),
                    Err(_) => {
                        self.pos = start;
                        Err(self.error(format!("'{text}' is not a number")))
                    }
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
                    self.pos += 1;
                }
                let word: String = self.chars[start..self.pos].iter().collect();
                match word.as_str() {
                    "true" => Ok(Operand::Literal(Value::Bool(true))),
                    "false" => Ok(Operand::Literal(Value::Bool(false))),
                    "null" => Ok(Operand::Literal(Value::Null)),
                    _ => {
                        self.pos = start;
                        Err(self.error(format!(
                            "unexpected '{word}' in filter (operators like in/nin/size are not supported)"
                        )))
                    }
                }
            }
            Some(c) => Err(self.error(format!("unexpected '{c}' in filter"))),
            None => Err(self.error("the filter is incomplete".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors() {
        let bad = |t: &str, msg: &str| {
            let e = Path::parse(t).err().unwrap_or_else(|| panic!("{t} should fail"));
            assert_eq!(e.message, msg, "{t}");
        };
        bad("", "a path cannot be empty; it must start with '$'");
        bad("a.b", "a path must start with '$' at character 1 of 'a.b'");
        bad("$.a[0", "unclosed '[' at character 4 of '$.a[0'");
        bad("$.a.", "a path cannot end with '.' at character 5 of '$.a.'");
        bad("$.a b", "unexpected space (use bracket notation ['my prop'] for names with spaces) at character 4 of '$.a b'");
        bad("$['a", "unclosed quote ' at character 3 of '$['a'");
        bad("$[::2]", "slices with a step ([a:b:step]) are not supported at character 4 of '$[::2]'");
        bad("$.a.max()", "the JSONPath function 'max()' is not supported at character 8 of '$.a.max()'");
        bad("$[?(@.a = 1)]", "use '==' to compare at character 9 of '$[?(@.a = 1)]'");
        bad(
            "$[?(@.a == 1]",
            "expected ')' to close the filter but found ']' at character 13 of '$[?(@.a == 1]'",
        );
    }

    /// `.[` is read as `[`, as AWS (Jayway) reads it; `..[` stays a deep scan.
    #[test]
    fn dot_before_bracket_is_the_bracket() {
        let segs =
            |t: &str| Path::parse(t).unwrap_or_else(|e| panic!("{t}: {}", e.message)).inner.segs.clone();
        assert_eq!(segs("$.Snapshots.[0].State"), segs("$.Snapshots[0].State"));
        assert_eq!(segs("$.[0]"), segs("$[0]"));
        assert_eq!(segs("$.a.['b c']"), segs("$.a['b c']"));
        assert_eq!(segs("$.[?(@.OU > 0)]"), segs("$[?(@.OU > 0)]"));
        assert_eq!(segs("$.a..[0]"), vec![Seg::Field("a".into()), Seg::Descend, Seg::Index(0)]);
        assert!(Path::parse_reference("$.Snapshots.[0].State").is_ok());
        assert!(Path::parse_reference("$$.Map.Item.Value.[0]").is_ok());
        assert!(Path::parse_reference("$.a.[*]").is_err());
        assert!(Path::parse("$.a.[").is_err());
        assert!(Path::parse("$...a").is_err());
    }

    #[test]
    fn reference_paths() {
        assert!(Path::parse_reference("$.a['b'][0]").is_ok());
        assert!(Path::parse_reference("$").is_ok());
        for t in ["$.a[*]", "$..a", "$.a[?(@.x)]", "$.a[0:1]", "$.a[0,1]", "$.*"] {
            assert!(Path::parse_reference(t).is_err(), "{t}");
        }
        let e = Path::parse_reference("$.a[*]").err().map(|e| e.message);
        assert_eq!(
            e.as_deref(),
            Some("'$.a[*]' is not a valid reference path: it must select a single node, so the wildcard '*' is not allowed")
        );
    }
}
