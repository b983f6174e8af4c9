//! Function signatures (`<s-n?:s>`): which arguments a function accepts, how a missing one is taken
//! from the context (`-`), and a lone value passed where an array is wanted becomes `[value]`.

use crate::value::Value;
use crate::{Error, Fail};

#[derive(Debug, Clone)]
struct Param {
    /// Type symbols accepted: b n s l a o f, and m for undefined.
    accepts: String,
    is_array: bool,
    /// `a<n>`: the symbol every element must have.
    item: Option<char>,
    optional: bool,
    many: bool,
    context: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Signature {
    params: Vec<Param>,
}

pub(crate) fn symbol(v: &Option<Value>) -> char {
    match v {
        None => 'm',
        Some(Value::Null) => 'l',
        Some(Value::Bool(_)) => 'b',
        Some(Value::Number(_)) => 'n',
        Some(Value::String(_)) => 's',
        Some(Value::Array(_)) => 'a',
        Some(Value::Object(_)) => 'o',
        Some(Value::Function(_)) => 'f',
    }
}

fn accepts_for(c: char) -> Option<&'static str> {
    Some(match c {
        'b' => "bm",
        'n' => "nm",
        's' => "sm",
        'l' => "lm",
        'o' => "om",
        'f' => "fm",
        'a' | 'x' => "asnblfom",
        'j' => "asnblom",
        'u' => "bnslm",
        _ => return None,
    })
}

impl Signature {
    pub(crate) fn parse(text: &str, pos: usize) -> Result<Signature, Fail> {
        let chars: Vec<char> = text.chars().collect();
        let mut params: Vec<Param> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                ':' => break,
                '?' | '+' | '-' => {
                    if let Some(p) = params.last_mut() {
                        match c {
                            '?' => p.optional = true,
                            '+' => p.many = true,
                            _ => p.context = true,
                        }
                    }
                }
                '(' => {
                    let mut accepts = String::from("m");
                    i += 1;
                    while i < chars.len() && chars[i] != ')' {
                        if chars[i] == '<' {
                            return Err(Error::syntax(
                                "S0402",
                                "Choice groups containing parameterized types are not supported",
                                pos,
                            ));
                        }
                        accepts.push_str(accepts_for(chars[i]).unwrap_or(""));
                        i += 1;
                    }
                    params.push(Param {
                        accepts,
                        is_array: false,
                        item: None,
                        optional: false,
                        many: false,
                        context: false,
                    });
                }
                '<' => {
                    let Some(p) = params.last_mut().filter(|p| p.is_array || p.accepts == "fm") else {
                        return Err(Error::syntax(
                            "S0401",
                            "Type parameters can only be applied to functions and arrays",
                            pos,
                        ));
                    };
                    let start = i;
                    let mut depth = 0;
                    while i < chars.len() {
                        match chars[i] {
                            '<' => depth += 1,
                            '>' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        i += 1;
                    }
                    if p.is_array {
                        p.item = chars.get(start + 1).copied().filter(|c| *c != '>');
                    }
                }
                _ => {
                    let Some(accepts) = accepts_for(c) else {
                        return Err(Error::syntax("S0201", format!("Syntax error: {c}"), pos));
                    };
                    params.push(Param {
                        accepts: accepts.into(),
                        is_array: c == 'a',
                        item: None,
                        optional: false,
                        many: false,
                        context: false,
                    });
                }
            }
            i += 1;
        }
        Ok(Signature { params })
    }

    /// How many arguments the function wants when a higher-order function calls it.
    pub(crate) fn arity(&self) -> usize {
        self.params.iter().filter(|p| !p.optional).count()
    }

    /// Matches arguments to parameters and returns the arguments the function runs with.
    pub(crate) fn validate(
        &self,
        args: Vec<Option<Value>>,
        context: &Option<Value>,
        name: &str,
    ) -> Result<Vec<Option<Value>>, Fail> {
        let symbols: Vec<char> = args.iter().map(symbol).collect();
        let mut counts = vec![0usize; self.params.len()];
        if !self.assign(0, 0, &symbols, &mut counts) {
            // The first argument that no prefix of the signature accepts.
            let mut good = 0;
            for k in 1..=self.params.len() {
                let mut c = vec![0usize; k];
                match (0..=symbols.len()).rev().find(|&end| self.prefix_matches(k, &symbols[..end], &mut c)) {
                    Some(end) => good = end,
                    None => break,
                }
            }
            return Err(Error::new(
                "T0410",
                format!("Argument {} of function {name} does not match function signature", good + 1),
            )
            .with_token(name));
        }
        let mut out = Vec::new();
        let mut args = args.into_iter();
        let mut index = 0;
        for (param, &count) in self.params.iter().zip(&counts) {
            if count == 0 && param.context {
                let sym = symbol(context);
                if !param.accepts.contains(sym) {
                    return Err(Error::new(
                        "T0411",
                        format!(
                            "Context value is not a compatible type with argument {} of function {name}",
                            index + 1
                        ),
                    )
                    .with_token(name));
                }
                out.push(match context {
                    // The wrapper around an array input is not part of the context value.
                    Some(Value::Array(a)) if a.outer_wrapper => a.items.first().cloned(),
                    other => other.clone(),
                });
                continue;
            }
            if count == 0 {
                out.push(None);
            }
            for _ in 0..count {
                let mut arg = args.next().flatten();
                index += 1;
                if param.is_array {
                    if let Some(item) = param.item {
                        let ok = match &arg {
                            None => true,
                            Some(Value::Array(a)) => a.items.iter().all(|v| symbol(&Some(v.clone())) == item),
                            other => symbol(other) == item,
                        };
                        if !ok {
                            return Err(Error::new(
                                "T0412",
                                format!("Argument {index} of function {name} must be an array of {item}"),
                            )
                            .with_token(name));
                        }
                    }
                    if let Some(v) = arg.take() {
                        arg = Some(match v {
                            Value::Array(_) => v,
                            other => Value::array(vec![other]),
                        });
                    }
                }
                out.push(arg);
            }
        }
        Ok(out)
    }

    fn assign(&self, p: usize, s: usize, symbols: &[char], counts: &mut [usize]) -> bool {
        if p == self.params.len() {
            return s == symbols.len();
        }
        let param = &self.params[p];
        let max = if param.many { symbols.len() - s } else { 1.min(symbols.len() - s) };
        let min = if param.optional || param.context { 0 } else { 1 };
        for n in (min..=max).rev() {
            if symbols[s..s + n].iter().all(|c| param.accepts.contains(*c)) {
                counts[p] = n;
                if self.assign(p + 1, s + n, symbols, counts) {
                    return true;
                }
            }
        }
        false
    }

    /// Whether the first `k` parameters accept exactly `symbols`.
    fn prefix_matches(&self, k: usize, symbols: &[char], counts: &mut [usize]) -> bool {
        let sig = Signature { params: self.params[..k].to_vec() };
        sig.assign(0, 0, symbols, counts)
    }
}
